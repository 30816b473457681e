"""Benchmark: refresh and close one quarter for many salespeople.

Generates, inside one transaction that is rolled back at the end, N
salespeople in teams, sale orders, customer invoices and opportunities over
two years (plain SQL inserts, as a real database would hold them), then
times, on a quarter cycle with a six-KPI scorecard:

- the six plain ``GROUP BY`` queries a hand-written report would run;
- ``action_open`` (creates the evaluations and computes them);
- ``action_close`` (recomputes, freezes, ranks, grades, publishes).

Prints seconds and query counts. Run it against a database where
sales_assessment is installed (``setup/run.sh`` creates one)::

    ~/.cache/sales_assessment/venv/bin/python tests/benchmarks/bench_close.py \\
        -c ~/.cache/sales_assessment/odoo-<hash>.conf -d sales_assessment \\
        --salespeople 1000 --orders 1000000 --invoices 300000 --leads 200000

It is not collected by pytest (no ``test_`` prefix) and never commits.
"""

import time
from datetime import date

from bench_common import base_parser, run_rolled_back, timed


def parse_args():
    parser = base_parser(__doc__)
    parser.add_argument("--salespeople", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=1000000)
    parser.add_argument("--invoices", type=int, default=300000)
    parser.add_argument("--leads", type=int, default=200000)
    return parser.parse_args()


GENERATE = [
    # customers
    """INSERT INTO res_partner (name, active, is_company, autopost_bills, type,
                               commercial_partner_id, company_id)
       SELECT 'Bench customer ' || g, true, true, 'ask', 'contact', NULL, %(company)s
       FROM generate_series(1, %(customers)s) g""",
    """UPDATE res_partner SET commercial_partner_id = id
       WHERE name LIKE 'Bench customer %%' AND commercial_partner_id IS NULL""",
    # salespeople and their partners
    """INSERT INTO res_partner (name, active, autopost_bills, type, company_id)
       SELECT 'Bench seller ' || g, true, 'ask', 'contact', %(company)s
       FROM generate_series(1, %(salespeople)s) g""",
    """INSERT INTO res_users (login, partner_id, company_id, active, notification_type)
       SELECT 'bench.seller.' || p.id, p.id, %(company)s, true, 'email'
       FROM res_partner p WHERE p.name LIKE 'Bench seller %%'""",
    # members of the ten teams created beforehand
    """INSERT INTO crm_team_member (crm_team_id, user_id, active)
       SELECT t.id, u.id, true
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM res_users
             WHERE login LIKE 'bench.seller.%%') u
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM crm_team
             WHERE name->>'en_US' LIKE 'Bench team %%') t ON t.n = u.n %% 10""",
]

# documents as the ORM would store them, assessed amounts and customers
# included (see sale_order.py and account_move.py)
GENERATE_DOCUMENTS = [
    """INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                              company_id, user_id, team_id, date_order, state,
                              amount_untaxed, amount_total, currency_rate, currency_id,
                              sales_assessment_amount, sales_assessment_customer_id)
       SELECT 'BENCH' || g, c.id, c.id, c.id, %(company)s, s.user_id, s.crm_team_id,
              timestamp '2024-01-01' + (g %% 730) * interval '1 day' + interval '10 hours',
              CASE WHEN g %% 10 = 0 THEN 'cancel' ELSE 'sale' END,
              (g %% 997) * 10.0, (g %% 997) * 11.5, 1.0, %(currency)s,
              (g %% 997) * 10.0, c.id
       FROM generate_series(1, %(orders)s) g
       JOIN sellers s ON s.n = g %% %(salespeople)s
       JOIN customers c ON c.n = g %% %(customers)s""",
    """INSERT INTO account_move (name, move_type, state, company_id, journal_id,
                                currency_id, date, invoice_date, invoice_user_id, team_id,
                                partner_id, commercial_partner_id, amount_untaxed_signed,
                                auto_post, sales_assessment_amount)
       SELECT 'BINV/' || g, CASE WHEN g %% 20 = 0 THEN 'out_refund' ELSE 'out_invoice' END,
              'posted', %(company)s, %(journal)s, %(currency)s,
              date '2024-01-01' + (g %% 730), date '2024-01-01' + (g %% 730),
              s.user_id, s.crm_team_id, c.id, c.id,
              CASE WHEN g %% 20 = 0 THEN -1 ELSE 1 END * (g %% 991) * 10.0, 'no',
              CASE WHEN g %% 20 = 0 THEN -1 ELSE 1 END * (g %% 991) * 10.0
       FROM generate_series(1, %(invoices)s) g
       JOIN sellers s ON s.n = g %% %(salespeople)s
       JOIN customers c ON c.n = g %% %(customers)s""",
    # one product line per order and per invoice, as Odoo's reports read them
    """INSERT INTO sale_order_line (order_id, name, customer_lead, price_unit,
                                   product_uom_qty, price_subtotal, product_id, company_id,
                                   currency_id, display_type)
       SELECT so.id, 'Bench line', 0, so.amount_untaxed, 1, so.amount_untaxed,
              %(product)s, so.company_id, so.currency_id, NULL
       FROM sale_order so WHERE so.name LIKE 'BENCH%%'""",
    """INSERT INTO account_move_line (move_id, name, currency_id, display_type, account_id,
                                     balance, debit, credit, company_id, date, parent_state)
       SELECT am.id, 'Bench line', am.currency_id, 'product', %(income)s,
              -am.amount_untaxed_signed, GREATEST(-am.amount_untaxed_signed, 0),
              GREATEST(am.amount_untaxed_signed, 0), am.company_id, am.date, 'posted'
       FROM account_move am WHERE am.name LIKE 'BINV/%%'""",
    """INSERT INTO crm_lead (name, type, active, probability, user_id, team_id, company_id,
                            stage_id, create_date, date_closed)
       SELECT 'Bench opp ' || g, 'opportunity', g %% 3 <> 1,
              CASE WHEN g %% 3 = 0 THEN 100 WHEN g %% 3 = 1 THEN 0 ELSE 30 END,
              s.user_id, s.crm_team_id, %(company)s,
              CASE WHEN g %% 3 = 0 THEN %(won_stage)s ELSE %(open_stage)s END,
              timestamp '2024-01-01' + (g %% 700) * interval '1 day',
              CASE WHEN g %% 3 <> 2
                   THEN timestamp '2024-01-01' + (g %% 700 + 20) * interval '1 day' END
       FROM generate_series(1, %(leads)s) g
       JOIN sellers s ON s.n = g %% %(salespeople)s""",
]

BASELINE = [
    """SELECT so.user_id, SUM(l.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1))
       FROM sale_order_line l JOIN sale_order so ON so.id = l.order_id
       WHERE so.state = 'sale' AND so.company_id = %(company)s AND l.display_type IS NULL
       AND so.date_order >= %(start)s AND so.date_order < %(stop)s GROUP BY so.user_id""",
    """SELECT user_id, COUNT(*) FROM sale_order WHERE state = 'sale'
       AND company_id = %(company)s AND date_order >= %(start)s AND date_order < %(stop)s
       GROUP BY user_id""",
    """SELECT am.invoice_user_id, -SUM(l.balance) FROM account_move_line l
       JOIN account_move am ON am.id = l.move_id
       WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
       AND l.display_type = 'product' AND am.company_id = %(company)s
       AND am.invoice_date BETWEEN %(start)s AND %(end)s GROUP BY am.invoice_user_id""",
    """SELECT l.user_id, COUNT(*) FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
       WHERE l.active AND s.is_won AND l.date_closed >= %(start)s AND l.date_closed < %(stop)s
       GROUP BY l.user_id""",
    """SELECT l.user_id, COUNT(*) FROM crm_lead l WHERE NOT l.active AND l.probability = 0
       AND l.date_closed >= %(start)s AND l.date_closed < %(stop)s GROUP BY l.user_id""",
    """SELECT so.user_id, COUNT(DISTINCT p.commercial_partner_id) FROM sale_order so
       JOIN res_partner p ON p.id = so.partner_id WHERE so.state = 'sale'
       AND so.date_order >= %(start)s AND so.date_order < %(stop)s GROUP BY so.user_id""",
]

KPIS = ["revenue_ordered", "revenue_invoiced", "orders_count", "won", "win_rate",
        "new_customers"]


def generate(env, args):
    cr = env.cr
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
    )
    params = {
        "company": env.company.id, "currency": env.company.currency_id.id,
        "journal": journal.id, "salespeople": args.salespeople,
        "customers": max(args.orders // 20, 10), "orders": args.orders,
        "invoices": args.invoices, "leads": args.leads,
        "won_stage": env["crm.stage"].search([("is_won", "=", True)], limit=1).id,
        "open_stage": env["crm.stage"].search([("is_won", "=", False)], limit=1).id,
        "product": env["product.product"].search([], limit=1).id,
        "income": env["account.account"].search(
            [("account_type", "=", "income")], limit=1).id,
    }
    env["crm.team"].create([{"name": f"Bench team {i}"} for i in range(1, 11)])
    for query in GENERATE:
        cr.execute(query, params)
    cr.execute("""CREATE TEMP TABLE sellers AS
        SELECT m.user_id, m.crm_team_id, row_number() OVER (ORDER BY m.user_id) - 1 AS n
        FROM crm_team_member m JOIN res_users u ON u.id = m.user_id
        WHERE u.login LIKE 'bench.seller.%%'""")
    cr.execute("""CREATE TEMP TABLE customers AS
        SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM res_partner
        WHERE name LIKE 'Bench customer %%'""")
    for query in GENERATE_DOCUMENTS:
        cr.execute(query, params)
    cr.execute("ANALYZE sale_order; ANALYZE sale_order_line; ANALYZE account_move; "
               "ANALYZE account_move_line; ANALYZE crm_lead; ANALYZE res_partner")
    return params


def run(env, args):
    from odoo import Command  # noqa: PLC0415

    env = env(context=dict(env.context, tracking_disable=True))
    start = time.perf_counter()
    params = generate(env, args)
    print(f"generated {args.salespeople} salespeople, {args.orders} orders, "
          f"{args.invoices} invoices, {args.leads} opportunities "
          f"in {time.perf_counter() - start:.1f} s")
    teams = env["crm.team"].search([("name", "like", "Bench team")])
    template = env["sales.assessment.template"].create({
        "name": "Bench scorecard", "team_ids": [Command.set(teams.ids)],
        "line_ids": [
            Command.create({"kpi_id": env.ref(f"sales_assessment.kpi_{code}").id,
                            "weight": weight})
            for code, weight in zip(KPIS, (30, 20, 10, 15, 15, 10))
        ],
    })
    cycle = env["sales.assessment.cycle"].create({
        "name": "Bench 2025-Q2", "period_type": "custom",
        "date_start": date(2025, 4, 1), "date_end": date(2025, 6, 30),
        "template_ids": [Command.set(template.ids)],
    })
    bounds = {**params, "start": "2025-04-01", "stop": "2025-07-01", "end": "2025-06-30"}

    def baseline():
        for query in BASELINE:
            env.cr.execute(query, bounds)
            env.cr.fetchall()

    timed(env, "six plain GROUP BY queries", baseline)
    timed(env, "action_open (create + compute evaluations)", cycle.action_open)
    # closed while the caller waits, whatever the size (rolled back at the end)
    cycle.company_id.sales_assessment_background_close_size = 0
    timed(env, "action_close (recompute, freeze, rank)", cycle.action_close)
    revenue = cycle.evaluation_ids.line_ids.filtered(
        lambda ln: ln.kpi_id.code == "revenue_invoiced").mapped("actual_value")
    print(f"evaluations: {len(cycle.evaluation_ids)}, "
          f"best score {max(cycle.evaluation_ids.mapped('total_score')):.2f}, "
          f"revenue invoiced of the quarter {sum(revenue):,.2f}")


def main():
    args = parse_args()
    run_rolled_back(args, lambda env: run(env, args))


if __name__ == "__main__":
    main()
