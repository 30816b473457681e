from datetime import date, datetime, time

from odoo import Command
from odoo.tests import tagged

from ..models.account_move import fill_assessed_amount
from ..models.sale_order import fill_assessed_columns
from ..models.sales_assessment_kpi import Period
from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestBuiltinMetrics(SalesAssessmentCase):
    """Each builtin metric against hand-built records, and the revenue
    metrics against Odoo's own sale.report and account.invoice.report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.period = Period(cls.date_from, cls.date_to, cls.company, "user")
        cls.subjects = [cls.user_a.id, cls.user_b.id, cls.user_c.id]
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create({
            "currency_id": cls.eur.id, "name": date(2024, 12, 1), "rate": 2.0,
            "company_id": cls.company.id,
        })
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "SA EUR", "currency_id": cls.eur.id}
        )

    def measure(self, code, subjects=None):
        kpi = self.kpi(code)
        values = kpi._measure_values(self.period, subjects or self.subjects)
        return values[kpi.id]

    def test_revenue_ordered_matches_sale_report(self):
        c = self.customers
        self.make_order(self.user_a, c[0], 1000.0, date(2025, 1, 10))
        self.make_order(self.user_a, c[1], 250.55, date(2025, 3, 31))
        self.make_order(self.user_a, c[2], 999.0, date(2025, 4, 1))  # outside
        self.make_order(self.user_a, c[2], 500.0, date(2025, 2, 1), confirm=False)  # draft
        cancelled = self.make_order(self.user_a, c[2], 700.0, date(2025, 2, 2))
        cancelled._action_cancel()
        self.make_order(self.user_a, c[3], 300.0, date(2025, 2, 15), self.eur_pricelist)
        self.make_order(self.user_b, c[0], 42.0, date(2025, 2, 1))
        values = self.measure("revenue_ordered")
        # 1000 + 250.55 + 300 EUR at 2 EUR per USD = 150 USD
        self.assertAlmostEqual(values[self.user_a.id], 1400.55, places=2)
        self.assertAlmostEqual(values[self.user_b.id], 42.0, places=2)
        self.assertEqual(values[self.user_c.id], 0.0)
        self.env.flush_all()
        for user in (self.user_a, self.user_b):
            [[report_total]] = self.env["sale.report"]._read_group(
                [("user_id", "=", user.id), ("state", "=", "sale"),
                 ("date", ">=", datetime(2025, 1, 1)), ("date", "<", datetime(2025, 4, 1))],
                [], ["price_subtotal:sum"],
            )
            self.assertAlmostEqual(values[user.id], report_total, places=2)

    def test_orders_count_and_average(self):
        self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        self.make_order(self.user_a, self.customers[1], 300.0, date(2025, 1, 6))
        self.assertEqual(self.measure("orders_count")[self.user_a.id], 2)
        self.assertAlmostEqual(self.measure("avg_order_value")[self.user_a.id], 200.0)
        self.assertEqual(self.measure("avg_order_value")[self.user_b.id], 0.0)

    def test_revenue_invoiced_matches_invoice_report(self):
        c = self.customers
        self.make_invoice(self.user_a, c[0], 1000.0, date(2025, 1, 15))
        self.make_invoice(self.user_a, c[0], 200.0, date(2025, 2, 15), "out_refund")
        self.make_invoice(self.user_a, c[1], 400.0, date(2025, 3, 1), currency=self.eur)
        self.make_invoice(self.user_a, c[1], 700.0, date(2025, 3, 1), post=False)
        self.make_invoice(self.user_a, c[1], 900.0, date(2025, 4, 1))
        self.make_invoice(self.user_b, c[2], 80.0, date(2025, 1, 2))
        values = self.measure("revenue_invoiced")
        self.assertAlmostEqual(values[self.user_a.id], 1000 - 200 + 200, places=2)
        self.assertAlmostEqual(values[self.user_b.id], 80.0, places=2)
        self.env.flush_all()
        for user in (self.user_a, self.user_b):
            [[report_total]] = self.env["account.invoice.report"]._read_group(
                [("invoice_user_id", "=", user.id), ("state", "=", "posted"),
                 ("move_type", "in", ("out_invoice", "out_refund")),
                 ("invoice_date", ">=", self.date_from), ("invoice_date", "<=", self.date_to)],
                [], ["price_subtotal:sum"],
            )
            self.assertAlmostEqual(values[user.id], report_total, places=2)

    def test_revenue_invoiced_with_cash_rounding(self):
        income = self.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", self.company.ids)], limit=1
        )
        rounding = self.env["account.cash.rounding"].create({
            "name": "SA 0.05", "rounding": 0.05, "strategy": "add_invoice_line",
            "profit_account_id": income.id, "loss_account_id": income.id,
            "rounding_method": "HALF-UP",
        })
        invoice = self.make_invoice(self.user_c, self.customers[0], 10.02, date(2025, 1, 9),
                                    post=False)
        invoice.invoice_cash_rounding_id = rounding
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 10.0)
        value = self.measure("revenue_invoiced")[self.user_c.id]
        self.env.flush_all()
        [[report_total]] = self.env["account.invoice.report"]._read_group(
            [("invoice_user_id", "=", self.user_c.id), ("state", "=", "posted"),
             ("invoice_date", ">=", self.date_from), ("invoice_date", "<=", self.date_to)],
            [], ["price_subtotal:sum"],
        )
        self.assertAlmostEqual(value, 10.02, places=2)
        self.assertAlmostEqual(value, report_total, places=2)

    def test_revenue_collected_by_payment_date(self):
        inv1 = self.make_invoice(self.user_a, self.customers[0], 500.0, date(2024, 12, 20))
        inv2 = self.make_invoice(self.user_a, self.customers[1], 300.0, date(2025, 1, 20))
        inv3 = self.make_invoice(self.user_b, self.customers[1], 100.0, date(2025, 1, 20))
        self.pay(inv1, date(2025, 1, 5))
        self.pay(inv2, date(2025, 2, 5), amount=120.0)
        self.pay(inv3, date(2025, 4, 5))
        values = self.measure("revenue_collected")
        self.assertAlmostEqual(values[self.user_a.id], 620.0, places=2)
        self.assertEqual(values[self.user_b.id], 0.0)

    def test_new_and_repeat_customers(self):
        c = self.customers
        self.make_order(self.user_b, c[0], 10.0, date(2024, 11, 1))  # c0 known before
        self.make_order(self.user_a, c[0], 10.0, date(2025, 1, 10))
        self.make_order(self.user_a, c[1], 10.0, date(2025, 1, 11))  # first ever: new
        self.make_order(self.user_b, c[1], 10.0, date(2025, 2, 11))  # not new any more
        self.make_order(self.user_a, c[2], 10.0, date(2025, 3, 1))  # new
        self.assertEqual(self.measure("new_customers")[self.user_a.id], 2)
        self.assertEqual(self.measure("new_customers")[self.user_b.id], 0)
        # user_a: c0 repeat, c1 and c2 new -> 1/3; user_b: c1 ordered in January -> 0
        self.assertAlmostEqual(self.measure("repeat_customer_rate")[self.user_a.id], 100 / 3)
        self.assertEqual(self.measure("repeat_customer_rate")[self.user_b.id], 0.0)

    def test_churn_rate(self):
        c = self.customers
        # previous cycle of equal length: 2024-10-01 .. 2024-12-31
        self.make_order(self.user_a, c[0], 10.0, date(2024, 10, 5))
        self.make_order(self.user_a, c[1], 10.0, date(2024, 11, 5))
        self.make_order(self.user_a, c[2], 10.0, date(2024, 12, 5))
        self.make_order(self.user_a, c[3], 10.0, date(2024, 12, 6))
        self.make_order(self.user_b, c[0], 10.0, date(2025, 2, 1))  # c0 still buys
        self.make_order(self.user_a, c[1], 10.0, date(2025, 3, 1))  # c1 still buys
        self.assertAlmostEqual(self.measure("churn_rate")[self.user_a.id], 50.0)

    def test_opportunities(self):
        self.make_opportunity(self.user_a, "won", date(2025, 1, 10), date(2024, 12, 31))
        self.make_opportunity(self.user_a, "won", date(2025, 2, 10), date(2025, 2, 1))
        self.make_opportunity(self.user_a, "lost", date(2025, 2, 11))
        self.make_opportunity(self.user_a, "won", date(2025, 4, 10))  # outside
        self.make_opportunity(self.user_a, "open", None)
        self.make_opportunity(self.user_b, "lost", date(2025, 3, 1))
        self.assertEqual(self.measure("won")[self.user_a.id], 2)
        self.assertEqual(self.measure("lost")[self.user_a.id], 1)
        self.assertAlmostEqual(self.measure("win_rate")[self.user_a.id], 200 / 3)
        self.assertEqual(self.measure("win_rate")[self.user_b.id], 0.0)
        # created 2024-12-31 and 2025-02-01, closed 10 and 9 days later
        self.assertAlmostEqual(self.measure("sales_cycle_days")[self.user_a.id], 9.5)

    def test_leads_created(self):
        leads = self.env["crm.lead"].create(
            [{"name": f"SA lead {i}", "user_id": self.user_c.id} for i in range(3)]
        )
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)",
            (datetime(2025, 3, 3, 8, 0), leads[:2].ids),
        )
        leads[1].action_archive()
        self.assertEqual(self.measure("leads_created")[self.user_c.id], 2)

    def test_activities_done(self):
        lead = self.make_opportunity(self.user_b, "open", None)
        for _index in range(3):
            activity = self.env["mail.activity"].create({
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": lead.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "user_id": self.user_b.id,
            })
            activity.with_user(self.user_b).action_feedback(feedback="done")
        messages = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id),
             ("mail_activity_type_id", "!=", False)]
        )
        self.assertEqual(len(messages), 3)
        messages[:2].write({"date": datetime.combine(date(2025, 2, 2), time(10, 0))})
        self.assertEqual(self.measure("activities_done")[self.user_b.id], 2)

    def test_team_grouping(self):
        self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        self.make_order(self.user_b, self.customers[1], 50.0, date(2025, 1, 6))
        self.make_order(self.user_c, self.customers[2], 7.0, date(2025, 1, 7))
        kpi = self.kpi("revenue_ordered")
        period = self.period._replace(group="team")
        values = kpi._measure_values(period, [self.team_1.id, self.team_2.id])[kpi.id]
        self.assertAlmostEqual(values[self.team_1.id], 150.0)
        self.assertAlmostEqual(values[self.team_2.id], 7.0)

    def test_domain_kpi(self):
        kpi = self.make_lead_kpi(
            "big_opps", "[('expected_revenue', '>=', 1000)]", aggregation="sum",
            measure_field_id=self.env["ir.model.fields"]._get("crm.lead", "expected_revenue").id,
        )
        leads = self.env["crm.lead"].create([
            {"name": "a", "user_id": self.user_a.id, "expected_revenue": 5000},
            {"name": "b", "user_id": self.user_a.id, "expected_revenue": 500},
            {"name": "c", "user_id": self.user_a.id, "expected_revenue": 2000},
        ])
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)",
            (datetime(2025, 1, 3), leads.ids),
        )
        leads.invalidate_recordset()
        values = kpi._measure_values(self.period, self.subjects)[kpi.id]
        self.assertEqual(values[self.user_a.id], 7000)
        action = kpi._get_sources_action(self.period, self.user_a.id)
        counted = self.env["crm.lead"].search(action["domain"])
        self.assertEqual(counted, leads[0] | leads[2])

    def test_formula_kpi(self):
        kpi = self.env["sales.assessment.kpi"].create({
            "name": "Won share", "code": "won_share", "kpi_type": "formula",
            "formula": "won / (won + lost) * 100", "unit": "percent",
        })
        self.make_opportunity(self.user_a, "won", date(2025, 1, 10))
        self.make_opportunity(self.user_a, "lost", date(2025, 1, 11))
        self.make_opportunity(self.user_a, "lost", date(2025, 1, 12))
        self.make_opportunity(self.user_a, "lost", date(2025, 1, 13))
        values = kpi._measure_values(self.period, self.subjects)
        self.assertAlmostEqual(values[kpi.id][self.user_a.id], 25.0)
        self.assertEqual(values[kpi.id][self.user_b.id], 0.0)  # 0 / 0 gives 0

    def test_sources_are_the_counted_records(self):
        counted = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        self.make_order(self.user_a, self.customers[1], 100.0, date(2025, 5, 5))
        action = self.kpi("revenue_ordered")._get_sources_action(self.period, self.user_a.id)
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(self.env["sale.order"].search(action["domain"]), counted)

    def test_stored_amounts_follow_the_documents_and_the_install_fill(self):
        """The assessed amount and customer stored per order and per invoice
        follow their lines (ORM), and the UPDATE that fills them at install
        gives the same values."""
        c = self.customers
        contact = self.env["res.partner"].create({"name": "SA contact", "parent_id": c[0].id})
        orders = (self.make_order(self.user_a, contact, 100.0, date(2025, 1, 5))
                  | self.make_order(self.user_a, c[1], 300.0, date(2025, 1, 6),
                                    self.eur_pricelist))
        orders[0].order_line = [
            Command.create({"display_type": "line_section", "name": "SA section"}),
            Command.create({"product_id": self.product.id, "product_uom_qty": 2,
                            "price_unit": 25.0, "tax_id": [Command.clear()]}),
        ]
        moves = (self.make_invoice(self.user_a, c[0], 1000.0, date(2025, 1, 15))
                 | self.make_invoice(self.user_a, c[0], 200.0, date(2025, 2, 15), "out_refund")
                 | self.make_invoice(self.user_a, c[1], 400.0, date(2025, 3, 1),
                                     currency=self.eur))
        self.env.flush_all()
        self.assertEqual(orders.mapped("sales_assessment_amount"), [150.0, 150.0])
        self.assertEqual(orders.mapped("sales_assessment_customer_id"), c[0] | c[1])
        self.assertEqual(moves.mapped("sales_assessment_amount"), [1000.0, -200.0, 200.0])
        # what the ORM stored is what the install's UPDATE stores
        orm = (orders.mapped("sales_assessment_amount"),
               orders.mapped("sales_assessment_customer_id").ids,
               moves.mapped("sales_assessment_amount"))
        self.env.cr.execute(
            "UPDATE sale_order SET sales_assessment_amount = NULL, "
            "sales_assessment_customer_id = NULL WHERE id = ANY(%s)", [orders.ids])
        self.env.cr.execute("UPDATE account_move SET sales_assessment_amount = NULL "
                            "WHERE id = ANY(%s)", [moves.ids])
        self.assertEqual(fill_assessed_columns(self.env.cr, orders.ids), 2)
        self.assertEqual(fill_assessed_amount(self.env.cr, moves.ids), 3)
        self.env.invalidate_all()
        self.assertEqual((orders.mapped("sales_assessment_amount"),
                          orders.mapped("sales_assessment_customer_id").ids,
                          moves.mapped("sales_assessment_amount")), orm)
        # a line changed on a confirmed order: the stored amount follows
        orders[0].order_line[0].price_unit = 40.0
        self.env.flush_all()
        self.assertEqual(orders[0].sales_assessment_amount, 90.0)
