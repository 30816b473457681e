from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import SalesAssessmentCase

STALE_CRON = "sales_assessment.ir_cron_refresh_stale"


@tagged("post_install", "-at_install")
class TestLiveFigures(SalesAssessmentCase):
    """Live figures: each source event marks the evaluations of its
    salespeople in open cycles as stale, in one statement, and triggers the
    cron that refreshes them and clears the flag."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.template = cls.make_template([(cls.revenue, 100, {"cap_achievement": 300})])
        cls.day = date(2025, 2, 3)
        cls.make_order(cls.user_a, cls.customers[0], 1000.0, cls.day)
        cls.make_order(cls.user_b, cls.customers[1], 500.0, cls.day)
        cls.cycle = cls.make_cycle(cls.template)
        cls.env["sales.assessment.target"].create([
            {"cycle_id": cls.cycle.id, "kpi_id": cls.revenue.id, "user_id": user.id,
             "target_value": 1000.0}
            for user in (cls.user_a, cls.user_b, cls.user_c)
        ])
        cls.cycle.action_open()
        cls.Evaluation = cls.env["sales.assessment.evaluation"]
        cls.Evaluation._action_refresh_stale()

    def stale_users(self, cycle=None):
        """The salespeople whose evaluations of ``cycle`` are stale."""
        self.env.flush_all()
        return (cycle or self.cycle).evaluation_ids.filtered("is_stale").user_id

    def assertStale(self, users, cycle=None):
        self.assertEqual(self.stale_users(cycle), users)

    def refresh(self):
        """Run the refresh the cron runs, and check it cleared every flag."""
        self.Evaluation._action_refresh_stale()
        self.assertFalse(self.stale_users())

    def trigger_count(self):
        cron = self.env.ref(STALE_CRON)
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    # -- the source events

    def test_nothing_is_stale_after_a_refresh(self):
        self.assertStale(self.env["res.users"])

    def test_order_confirmation(self):
        order = self.make_order(self.user_c, self.customers[2], 300.0, self.day, confirm=False)
        self.assertStale(self.env["res.users"])
        order.action_confirm()
        self.assertStale(self.user_c)

    def test_order_cancellation(self):
        order = self.make_order(self.user_c, self.customers[2], 300.0, self.day)
        self.refresh()
        order._action_cancel()
        self.assertStale(self.user_c)

    def test_order_amount_change(self):
        order = self.make_order(self.user_c, self.customers[2], 300.0, self.day)
        self.refresh()
        order.write({"order_line": [Command.update(order.order_line.id, {"price_unit": 400.0})]})
        self.assertStale(self.user_c)

    def test_order_salesperson_change_marks_old_and_new(self):
        order = self.make_order(self.user_c, self.customers[2], 300.0, self.day)
        self.refresh()
        order.user_id = self.user_a
        self.assertStale(self.user_a | self.user_c)

    def test_quotation_change_marks_nobody(self):
        order = self.make_order(self.user_c, self.customers[2], 300.0, self.day, confirm=False)
        order.write({"user_id": self.user_a.id, "date_order": "2025-02-04 10:00:00"})
        self.assertStale(self.env["res.users"])

    def test_invoice_posting(self):
        invoice = self.make_invoice(self.user_c, self.customers[2], 300.0, self.day, post=False)
        self.assertStale(self.env["res.users"])
        invoice.action_post()
        self.assertStale(self.user_c)

    def test_invoice_cancellation(self):
        invoice = self.make_invoice(self.user_c, self.customers[2], 300.0, self.day)
        self.refresh()
        invoice.button_cancel()
        self.assertStale(self.user_c)

    def test_payment(self):
        invoice = self.make_invoice(self.user_c, self.customers[2], 300.0, self.day)
        self.refresh()
        self.pay(invoice, self.day)
        self.assertEqual(invoice.payment_state, invoice._get_invoice_in_payment_state())
        self.assertStale(self.user_c)

    def test_opportunity_won(self):
        lead = self.make_opportunity(self.user_c, "open", None)
        self.refresh()
        lead.action_set_won()
        self.assertStale(self.user_c)

    def test_opportunity_lost(self):
        lead = self.make_opportunity(self.user_c, "open", None)
        self.refresh()
        lead.action_set_lost()
        self.assertStale(self.user_c)

    def test_activity_done(self):
        lead = self.make_opportunity(self.user_b, "open", None)
        activity = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
            "res_id": lead.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "user_id": self.user_c.id,
        })
        self.refresh()
        activity.with_user(self.user_c).action_feedback(feedback="done")
        self.assertStale(self.user_c)

    def test_split_change_marks_old_and_new_salespeople(self):
        order = self.make_order(self.user_a, self.customers[2], 300.0, self.day)
        self.refresh()
        order.sales_assessment_split_ids = [
            Command.create({"user_id": self.user_b.id, "share": 100.0})]
        self.assertStale(self.user_a | self.user_b)
        self.refresh()
        order.sales_assessment_split_ids.user_id = self.user_c
        self.assertStale(self.user_a | self.user_b | self.user_c)
        self.refresh()
        order.sales_assessment_split_ids.unlink()
        self.assertStale(self.user_a | self.user_c)

    def test_salesperson_confirms_without_access_to_evaluations(self):
        order = self.make_order(self.user_c, self.customers[2], 300.0, self.day, confirm=False)
        order.with_user(self.user_c).action_confirm()
        self.assertStale(self.user_c)

    # -- what is marked

    def test_only_open_cycles_are_marked(self):
        closed = self.make_cycle(self.template, date(2024, 10, 1), date(2024, 12, 31),
                                 name="SA Closed")
        closed.action_open()
        closed.action_close()
        draft = self.make_cycle(self.template, date(2025, 4, 1), date(2025, 6, 30),
                                name="SA Draft")
        self.Evaluation.create({"cycle_id": draft.id, "template_id": self.template.id,
                                "user_id": self.user_c.id, "team_id": self.team_2.id})
        self.make_order(self.user_c, self.customers[2], 300.0, self.day)
        self.assertStale(self.user_c)
        self.assertStale(self.env["res.users"], closed)
        self.assertStale(self.env["res.users"], draft)

    def test_mark_costs_one_query_without_open_cycle(self):
        self.cycle.action_close()
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.Evaluation._mark_stale([self.user_a.id, self.user_b.id])
        self.assertStale(self.env["res.users"])

    def test_burst_marks_once_and_triggers_once(self):
        before = self.trigger_count()
        orders = self.env["sale.order"].browse([
            self.make_order(self.user_c, self.customers[i % 6], 10.0 + i, self.day,
                            confirm=False).id
            for i in range(20)
        ])
        for order in orders:
            order.action_confirm()
        self.assertStale(self.user_c)
        self.assertLessEqual(self.trigger_count() - before, 1)
        self.assertEqual(self.trigger_count() - before, 1, "the burst triggers the cron")
        # once stale, another change costs one UPDATE and no trigger
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.Evaluation._mark_stale(self.user_c.ids)
        self.assertEqual(self.trigger_count() - before, 1)

    # -- the refresh

    def test_cron_refreshes_figures_and_ranks(self):
        ev_a = self.evaluation(self.cycle, self.user_a)
        ev_b = self.evaluation(self.cycle, self.user_b)
        self.assertEqual((ev_a.rank, ev_b.rank), (1, 2))
        self.make_order(self.user_b, self.customers[3], 1500.0, self.day)
        self.assertStale(self.user_b)
        self.env.ref(STALE_CRON).method_direct_trigger()
        self.assertFalse(self.stale_users())
        self.assertEqual(self.line(self.cycle, self.user_b, self.revenue).actual_value, 2000.0)
        # ranked again from everyone's totals: the stale salesperson passes Ann
        self.assertEqual((ev_b.rank, ev_a.rank), (1, 2))

    def test_refresh_clears_cycles_no_longer_open(self):
        self.make_order(self.user_b, self.customers[3], 1500.0, self.day)
        self.assertStale(self.user_b)
        self.cycle.action_close()
        self.assertStale(self.user_b)
        self.assertFalse(self.Evaluation._action_refresh_stale())
        self.assertStale(self.env["res.users"])
