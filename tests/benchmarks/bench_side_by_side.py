"""Benchmark, side by side on the same data and quarter:

(a) our ``action_close`` of a quarter with a 12-KPI scorecard,
    ``action_refresh`` of the open cycle, and the live refresh of 1 and of
    100 stale salespeople (``_action_refresh_stale``: only they are computed,
    then every evaluation of the scorecard is ranked and graded again), once
    every salesperson has a target of each KPI;
(b) Odoo's gamification computing equivalent goals for the same salespeople
    and quarter (batch-mode definitions, through ``update_goal()`` on every
    goal, and the cron's ``_update_all()`` on the challenge);
(c) the floor: plain SQL ``GROUP BY`` queries returning the same numbers.

It checks that (a), (b) and (c) agree, salesperson by salesperson, on every
figure they share (revenue invoiced and ordered, confirmed orders, won
opportunities), then prints the median of ``--runs`` runs of each, a/b, a/c,
the query count of (a) and the peak RSS of the process. Each run is undone
(savepoint), and the whole transaction is rolled back at the end. Data is
generated as ``bench_close.py`` does, in the same transaction.

With ``--reuse`` (bench data generated and committed beforehand), the cycle
is opened and the goals created in a transaction of their own, committed,
as they would be weeks before a close; the targets and the figures computed
from them are committed too before the live refresh is measured, as the
daily refresh leaves them; all of it is deleted at the end.

Gamification compares datetimes with the *date* of a goal's end (``<=
'2025-06-30'``, i.e. midnight), so it would miss the orders of the quarter's
last day: the benchmark moves them to the day before, for all three.

    ~/.cache/sales_assessment/venv/bin/python tests/benchmarks/bench_side_by_side.py \\
        -c <config> -d <database with sales_assessment_reward> \\
        --salespeople 1000 --orders 1000000 --invoices 1000000 --leads 200000

or, on a database kept for benchmarks, generate and commit the data once
(``--commit-data`` with the sizes above), then time it with ``--reuse``.

With ``--split-percent P`` (generated or reused data), P % of the orders are
credit-split 50/50 between their salesperson and the next one: our revenue
ordered is then compared with the split-aware floor (each split line's share
of the order's lines) and not with gamification, which knows no splits;
every other shared figure stays compared three ways.

With ``--smoke``, the live refresh must also cost the same queries for 1
and for 100 stale salespeople.

It is not collected by pytest (no ``test_`` prefix).
``setup/test.sh`` runs it at a small size as a smoke test (``--smoke``: exits
non-zero when the figures disagree).
"""

import os
import resource
import statistics
import sys
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_close  # noqa: E402
from bench_common import base_parser, run_rolled_back, timed  # noqa: E402

KPIS = [  # (xml id suffix, weight): twelve KPIs, weights summing to 100
    ("revenue_ordered", 10), ("revenue_invoiced", 10), ("revenue_collected", 10),
    ("orders_count", 10), ("avg_order_value", 5), ("new_customers", 5), ("won", 10),
    ("lost", 5), ("win_rate", 10), ("leads_created", 10), ("sales_cycle_days", 10),
    ("activities_done", 5),
]
QUARTER = (date(2025, 4, 1), date(2025, 6, 30))

# shared figure: (our KPI code, gamification definition values, plain SQL)
SHARED = {
    "revenue_invoiced": (
        {"model": "account.invoice.report", "computation_mode": "sum",
         "field": "price_subtotal", "date": "invoice_date", "user": "invoice_user_id",
         "domain": "[('state', '=', 'posted'), ('move_type', 'in', "
                   "('out_invoice', 'out_refund'))]"},
        bench_close.BASELINE[2]),
    "revenue_ordered": (
        {"model": "sale.report", "computation_mode": "sum", "field": "price_subtotal",
         "date": "date", "user": "user_id", "domain": "[('state', '=', 'sale')]"},
        bench_close.BASELINE[0]),
    "orders_count": (
        {"model": "sale.order", "computation_mode": "count", "date": "date_order",
         "user": "user_id", "domain": "[('state', '=', 'sale')]"},
        bench_close.BASELINE[1]),
    "won": (
        {"model": "crm.lead", "computation_mode": "count", "date": "date_closed",
         "user": "user_id",
         "domain": "[('type', '=', 'opportunity'), ('stage_id.is_won', '=', True)]"},
        bench_close.BASELINE[3]),
}
# the floor of revenue ordered when orders are split: each split line's share
# of its order's product lines, the order's salesperson without split
SPLIT_REVENUE_ORDERED = """
    SELECT COALESCE(sp.user_id, so.user_id),
           SUM(l.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1)
               * COALESCE(sp.share, 100) / 100)
    FROM sale_order_line l JOIN sale_order so ON so.id = l.order_id
    LEFT JOIN sales_assessment_credit_split sp ON sp.order_id = so.id
    WHERE so.state = 'sale' AND so.company_id = %(company)s AND l.display_type IS NULL
    AND so.date_order >= %(start)s AND so.date_order < %(stop)s
    GROUP BY COALESCE(sp.user_id, so.user_id)"""

# split P % of the bench orders 50/50 between their salesperson and the next
# one (plain SQL, as bench_close generates the orders)
GENERATE_SPLITS = """
    INSERT INTO sales_assessment_credit_split (order_id, user_id, share, company_id,
                                               create_uid, write_uid, create_date, write_date)
    SELECT so.id, u.user_id, 50.0, so.company_id, 1, 1, now(), now()
    FROM sale_order so
    JOIN sellers s1 ON s1.user_id = so.user_id
    JOIN sellers s2 ON s2.n = (s1.n + 1) %% %(salespeople)s
    CROSS JOIN LATERAL (VALUES (s1.user_id), (s2.user_id)) AS u(user_id)
    WHERE so.name LIKE 'BENCH%%' AND so.id %% 100 < %(split_percent)s"""

# two more goals, so that gamification computes six as in DESIGN.md's reference
EXTRA_GOALS = [
    {"model": "crm.lead", "computation_mode": "count", "date": "create_date",
     "user": "user_id", "domain": "[]"},
    {"model": "account.invoice.report", "computation_mode": "count",
     "date": "invoice_date", "user": "invoice_user_id",
     "domain": "[('state', '=', 'posted'), ('move_type', '=', 'out_refund')]"},
]


def parse_args():
    parser = base_parser(__doc__)
    parser.add_argument("--salespeople", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=1000000)
    parser.add_argument("--invoices", type=int, default=1000000)
    parser.add_argument("--leads", type=int, default=200000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true",
                        help="use bench data already in the database (generated and "
                        "committed beforehand) instead of generating it")
    parser.add_argument("--commit-data", action="store_true",
                        help="generate the bench data, commit it and vacuum the tables, "
                        "then exit: for a database kept for benchmarks, later run with "
                        "--reuse")
    parser.add_argument("--split-percent", type=float, default=0.0,
                        help="credit-split this percent of the generated orders 50/50 "
                        "between their salesperson and the next one")
    parser.add_argument("--smoke", action="store_true",
                        help="exit 1 when the figures of (a), (b) and (c) disagree")
    return parser.parse_args()


def measure(env, function, runs):
    """Return (median seconds, queries of one run) of ``function``, each run
    undone by a savepoint."""
    times, queries = [], 0
    for _run in range(runs):
        env.flush_all()
        env.invalidate_all()
        try:
            with env.cr.savepoint():
                start_queries = env.cr.sql_log_count
                start = time.perf_counter()
                function()
                env.flush_all()
                times.append(time.perf_counter() - start)
                queries = env.cr.sql_log_count - start_queries
                raise _Undo
        except _Undo:
            env.invalidate_all()
    return statistics.median(times), queries


class _Undo(Exception):
    """Undoes one run."""


def make_cycle(env, users):
    from odoo import Command  # noqa: PLC0415

    teams = env["crm.team"].search([("name", "like", "Bench team")])
    template = env["sales.assessment.template"].create({
        "name": "Bench 12 KPIs", "team_ids": [Command.set(teams.ids)],
        "line_ids": [
            Command.create({"kpi_id": env.ref(f"sales_assessment.kpi_{code}").id,
                            "weight": weight})
            for code, weight in KPIS
        ],
    })
    cycle = env["sales.assessment.cycle"].create({
        "name": "Bench side by side", "period_type": "custom", "tz": "UTC",
        "date_start": QUARTER[0], "date_end": QUARTER[1],
        "template_ids": [Command.set(template.ids)],
    })
    return cycle


def set_targets(env, cycle, users):
    """A target of each KPI for every salesperson, in one INSERT (creating
    them through the ORM is a matter of its own benchmark), so that every
    evaluation has a total, a grade and a rank; then the figures are
    computed once, as the open cycle's last refresh did."""
    env.cr.execute("""
        INSERT INTO sales_assessment_target (cycle_id, kpi_id, user_id, target_value,
            company_id, presence_percent, ramp_percent,
            create_uid, write_uid, create_date, write_date)
        SELECT %(cycle)s, tl.kpi_id, u.id, 10 + u.id %% 50 * 10, %(company)s, 100, 100,
               1, 1, now(), now()
        FROM sales_assessment_template_line tl CROSS JOIN unnest(%(users)s) AS u(id)
        WHERE tl.template_id = ANY(%(templates)s)""", {
        "cycle": cycle.id, "company": cycle.company_id.id, "users": users.ids,
        "templates": cycle.template_ids.ids,
    })
    env.invalidate_all()
    cycle.action_refresh()
    # and nothing else is stale (the demo's cycles, say): only the measured ones are
    env["sales.assessment.evaluation"]._action_refresh_stale()
    env.flush_all()


def measure_stale(env, users, count, runs):
    """Return (median seconds, queries of one run) of the live refresh of
    ``count`` stale salespeople; marking them is not timed, and each run is
    undone by a savepoint."""
    Evaluation = env["sales.assessment.evaluation"]
    times, queries = [], 0
    for index in range(runs):
        env.flush_all()
        env.invalidate_all()
        try:
            with env.cr.savepoint():
                # other salespeople at each run, spread over the ranking
                step = max(len(users) // count, 1)
                Evaluation._mark_stale(users[index % step::step][:count].ids)
                env.flush_all()
                start_queries = env.cr.sql_log_count
                start = time.perf_counter()
                Evaluation._action_refresh_stale()
                env.flush_all()
                times.append(time.perf_counter() - start)
                queries = env.cr.sql_log_count - start_queries
                raise _Undo
        except _Undo:
            env.invalidate_all()
    return statistics.median(times), queries


def make_goals(env, users):
    """One batch-mode definition per goal, one goal per salesperson and
    definition, and a challenge holding the same as lines."""
    from odoo import Command  # noqa: PLC0415

    fields_ = env["ir.model.fields"]
    definitions = {}
    for name, spec in [*((code, spec) for code, (spec, _sql) in SHARED.items()),
                       *((f"extra_{i}", spec) for i, spec in enumerate(EXTRA_GOALS))]:
        vals = {
            "name": f"Bench {name}", "computation_mode": spec["computation_mode"],
            "model_id": env["ir.model"]._get_id(spec["model"]),
            "field_date_id": fields_._get(spec["model"], spec["date"]).id,
            "domain": spec["domain"], "batch_mode": True,
            "batch_distinctive_field": fields_._get(spec["model"], spec["user"]).id,
            "batch_user_expression": "user.id", "condition": "higher",
        }
        if spec.get("field"):
            vals["field_id"] = fields_._get(spec["model"], spec["field"]).id
        definitions[name] = env["gamification.goal.definition"].create(vals)
    goals = env["gamification.goal"].create([
        {"definition_id": definition.id, "user_id": user.id, "target_goal": 1,
         "start_date": QUARTER[0], "end_date": QUARTER[1], "state": "inprogress"}
        for definition in definitions.values() for user in users
    ])
    challenge = env["gamification.challenge"].create({
        "name": "Bench challenge", "period": "once", "state": "draft",
        "start_date": QUARTER[0], "end_date": QUARTER[1],
        "user_ids": [Command.set(users.ids)], "report_message_frequency": "never",
        "line_ids": [Command.create({"definition_id": d.id, "target_goal": 1})
                     for d in definitions.values()],
    })
    return definitions, goals, challenge


def floor_queries(params):
    """The plain SQL floor (c): bench_close's six queries, revenue ordered
    credited by split share when orders are split."""
    if not params.get("split_percent"):
        return list(bench_close.BASELINE)
    return [SPLIT_REVENUE_ORDERED, *bench_close.BASELINE[1:]]


def generate_splits(env, params):
    """Split ``params["split_percent"]`` % of the bench orders 50/50; print
    how many orders were split."""
    if not params.get("split_percent"):
        return
    if params["salespeople"] < 2:
        raise SystemExit("--split-percent needs at least 2 salespeople")
    env.cr.execute(GENERATE_SPLITS, params)
    lines = env.cr.rowcount
    env.cr.execute("ANALYZE sales_assessment_credit_split")
    print(f"split {lines // 2} orders 50/50 ({params['split_percent']:g} % of the orders)")


def compare(env, cycle, definitions, goals, params, users):
    """Return the list of disagreements between (a), (b) and (c); with
    split orders, revenue ordered is compared between (a) and (c) only."""
    bounds = {**params, "start": "2025-04-01", "stop": "2025-07-01", "end": "2025-06-30"}
    split = bool(params.get("split_percent"))
    problems = []
    for code, (_spec, sql) in SHARED.items():
        ours = {ln.evaluation_id.user_id.id: ln.actual_value
                for ln in cycle.evaluation_ids.line_ids if ln.kpi_id.code == code}
        theirs = {g.user_id.id: g.current for g in goals
                  if g.definition_id == definitions[code]}
        env.cr.execute(SPLIT_REVENUE_ORDERED if split and code == "revenue_ordered" else sql,
                       bounds)
        floor = {uid: float(value or 0) for uid, value in env.cr.fetchall()}
        for uid in users.ids:
            figures = (ours.get(uid, 0.0), theirs.get(uid, 0.0), floor.get(uid, 0.0))
            if split and code == "revenue_ordered":
                figures = (figures[0], figures[2], figures[2])  # gamification knows no split
            if max(figures) - min(figures) > 0.005:
                problems.append(f"{code} user {uid}: a={figures[0]} b={figures[1]} "
                                f"c={figures[2]}")
    return problems


def prepare(env, args):
    """Return the salespeople and the data parameters: bench data reused from
    the database, or generated in the transaction."""
    if args.reuse:
        params = {"company": env.company.id}
        if args.split_percent:
            # split the reused orders inside the rolled-back transaction
            env.cr.execute("""CREATE TEMP TABLE sellers AS
                SELECT m.user_id, row_number() OVER (ORDER BY m.user_id) - 1 AS n
                FROM crm_team_member m JOIN res_users u ON u.id = m.user_id
                WHERE u.login LIKE 'bench.seller.%%'""")
            env.cr.execute("SELECT count(*) FROM sellers")
            params.update(salespeople=env.cr.fetchone()[0], split_percent=args.split_percent)
            generate_splits(env, params)
    else:
        params = dict(bench_close.generate(env, args), split_percent=args.split_percent)
        generate_splits(env, params)
    # gamification's datetime bounds end at midnight of the last day (see above)
    env.cr.execute("UPDATE sale_order SET date_order = date_order - interval '1 day' "
                   "WHERE name LIKE 'BENCH%%' AND date_order >= '2025-06-30' "
                   "AND date_order < '2025-07-01'")
    users = env["res.users"].search([("login", "like", "bench.seller.")])
    return users, params


def remove(env, cycle, definitions, challenge):
    """Delete what :func:`run` committed: the cycle, its scorecard, the
    challenge, goals and definitions."""
    template = cycle.template_ids
    cycle.unlink()
    template.unlink()
    goals = env["gamification.goal"].search(
        [("definition_id", "in", [d.id for d in definitions.values()])])
    goals.unlink()
    challenge.unlink()
    env["gamification.goal.definition"].browse([d.id for d in definitions.values()]).unlink()


def commit_and_analyze(env):
    """Commit, and analyze the tables that grew, as autovacuum does within a
    minute of such a commit (for both sides)."""
    env.cr.commit()
    env.cr.execute("ANALYZE sales_assessment_evaluation, sales_assessment_evaluation_line, "
                   "sales_assessment_evaluation_team_rel, sales_assessment_template, "
                   "sales_assessment_template_line, sales_assessment_target, gamification_goal, "
                   "gamification_goal_definition, gamification_challenge")
    env.cr.commit()


def run(env, args):
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    start = time.perf_counter()
    users, params = prepare(env, args)
    env.cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'BENCH%%'")
    orders = env.cr.fetchone()[0]
    print(f"{'reused' if args.reuse else 'generated'} {len(users)} salespeople, {orders} "
          f"orders in {time.perf_counter() - start:.1f} s")
    cycle = make_cycle(env, users)
    # the close is timed while the caller waits, whatever the size (a
    # manager's close of a large cycle would go to the background job)
    close_size = env.company.sales_assessment_background_close_size
    env.company.sales_assessment_background_close_size = 0
    timed(env, "(a) action_open, 12 KPIs (once)", cycle.action_open)
    definitions, goals, challenge = make_goals(env, users)
    if args.reuse:
        # as in real life, the cycle was opened and the goals created by an
        # earlier transaction (rows written by the running transaction cost
        # PostgreSQL a foreign-key check more on each update): commit them,
        # and delete them at the end
        commit_and_analyze(env)
    try:
        return measure_all(env, args, cycle, definitions, goals, challenge, users, params)
    finally:
        if args.reuse:
            env.cr.rollback()
            env.invalidate_all()
            remove(env, cycle, definitions, challenge)
            env.company.sales_assessment_background_close_size = close_size
            env.cr.commit()


def measure_all(env, args, cycle, definitions, goals, challenge, users, params):
    """Time (a), (b) and (c), print the figures; return whether they agree."""
    def floor():
        bounds = {**params, "start": "2025-04-01", "stop": "2025-07-01", "end": "2025-06-30"}
        for query in floor_queries(params):
            env.cr.execute(query, bounds)
            env.cr.fetchall()

    def update_all():
        challenge.action_start()
        challenge._update_all()

    results = {
        "(a) action_close, 12 KPIs": measure(env, cycle.action_close, args.runs),
        "(a) action_refresh, 12 KPIs": measure(env, cycle.action_refresh, args.runs),
        "(b) gamification update_goal, 6 goals": measure(env, goals.update_goal, args.runs),
        "(b) gamification _update_all (cron)": measure(env, update_all, args.runs),
        "(c) plain GROUP BY, 6 queries": measure(env, floor, args.runs),
    }
    set_targets(env, cycle, users)
    if args.reuse:
        # the live refresh follows a change in a cycle whose targets were set
        # and figures computed by earlier transactions (the daily refresh)
        commit_and_analyze(env)
    # a few of the salespeople, never all: the others are ranked again with them
    stale_counts = sorted({1, min(100, len(users) // 2)})
    for count in stale_counts:
        results[f"(a) live refresh, {count} stale of {len(users)}"] = measure_stale(
            env, users, count, args.runs)
    for label, (seconds, queries) in results.items():
        print(f"{label:<42} {seconds:8.3f} s {queries:6d} queries")
    stale_queries = {results[f"(a) live refresh, {count} stale of {len(users)}"][1]
                     for count in stale_counts}
    if len(stale_queries) > 1:
        print(f"live refresh queries differ between {stale_counts} stale: {stale_queries}")
    close = results["(a) action_close, 12 KPIs"][0]
    print(f"a/b = {close / results['(b) gamification update_goal, 6 goals'][0]:.2f}   "
          f"b/a = {results['(b) gamification update_goal, 6 goals'][0] / close:.2f}   "
          f"a/c = {close / results['(c) plain GROUP BY, 6 queries'][0]:.2f}")
    goals.update_goal()
    cycle.action_close()
    problems = compare(env, cycle, definitions, goals, params, users)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    print(f"shared figures: {len(SHARED)} x {len(users)} salespeople, "
          f"{'all agree' if not problems else f'{len(problems)} disagree'}")
    for problem in problems[:20]:
        print("  " + problem)
    return not problems and len(stale_queries) == 1


def commit_data(env, args):
    """Generate the bench data, commit it, and vacuum what the metrics read
    (index-only scans need the visibility map a vacuum sets)."""
    import odoo  # noqa: PLC0415

    start = time.perf_counter()
    generate_splits(env, dict(bench_close.generate(env, args), split_percent=args.split_percent))
    env.cr.commit()
    with odoo.sql_db.db_connect(env.cr.dbname).cursor() as cr:
        cr._cnx.autocommit = True
        for table in ("sale_order", "sale_order_line", "account_move", "account_move_line",
                      "crm_lead", "res_partner", "sales_assessment_credit_split"):
            cr.execute(f"VACUUM ANALYZE {table}")
    print(f"generated and committed {args.salespeople} salespeople, {args.orders} orders, "
          f"{args.invoices} invoices, {args.leads} opportunities "
          f"in {time.perf_counter() - start:.1f} s")


def main():
    args = parse_args()
    if args.commit_data:
        run_rolled_back(args, lambda env: commit_data(env, args))
        return
    agree = run_rolled_back(args, lambda env: run(env, args))
    if args.smoke and not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
