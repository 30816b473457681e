from datetime import date, datetime

from freezegun import freeze_time

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
        self.cycle.with_user(self.manager).action_cancel()
        self.assertStale(self.user_b)
        self.assertFalse(self.Evaluation._action_refresh_stale())
        self.assertStale(self.env["res.users"])

    def test_close_and_full_refresh_clear_the_flag(self):
        self.make_order(self.user_b, self.customers[3], 1500.0, self.day)
        self.assertStale(self.user_b)
        self.cycle.action_refresh()
        self.assertStale(self.env["res.users"])
        self.make_order(self.user_a, self.customers[3], 100.0, self.day)
        self.assertStale(self.user_a)
        self.cycle.action_close()
        self.assertStale(self.env["res.users"])
        self.assertEqual(self.line(self.cycle, self.user_a, self.revenue).actual_value, 1100.0)

    # -- only the stale evaluations, and the ranks of their scorecards

    def figures(self, cycle=None):
        """Every figure, rank and grade of the cycle's evaluations."""
        self.env.invalidate_all()
        return sorted(
            (ev.id, ev.total_score, ev.rank, ev.team_rank, ev.grade_id.id, ev.score_grade_id.id,
             tuple((ln.kpi_id.id, ln.actual_value, ln.score, ln.weighted_score)
                   for ln in ev.line_ids))
            for ev in (cycle or self.cycle).evaluation_ids
        )

    def test_cron_computes_only_the_stale_evaluations(self):
        """An evaluation that is not stale keeps its figures (the cron does not
        compute it), however its source records changed; the full refresh
        then catches up."""
        self.make_order(self.user_a, self.customers[2], 700.0, self.day)
        # as if Ann's change had not been seen: she is not stale
        self.env.cr.execute(
            "UPDATE sales_assessment_evaluation SET is_stale = FALSE WHERE user_id = %s",
            [self.user_a.id])
        self.env.invalidate_all()
        self.make_order(self.user_b, self.customers[3], 100.0, self.day)
        self.assertStale(self.user_b)
        self.refresh()
        self.assertEqual(self.line(self.cycle, self.user_b, self.revenue).actual_value, 600.0)
        self.assertEqual(self.line(self.cycle, self.user_a, self.revenue).actual_value, 1000.0)
        self.cycle.action_refresh()
        self.assertEqual(self.line(self.cycle, self.user_a, self.revenue).actual_value, 1700.0)

    def test_stale_refresh_ranks_the_others_as_the_full_refresh(self):
        """Bob passes Ann: his rank and hers (she was not computed) move, the
        forced distribution grades both again, and every figure is what the
        full refresh of the cycle computes."""
        # at most one A of three: the grade follows the rank
        self.template.distribution_ids = [Command.create({
            "grade_id": self.env.ref("sales_assessment.grade_a").id, "max_percent": 34})]
        self.cycle.action_refresh()
        ev_a = self.evaluation(self.cycle, self.user_a)
        ev_b = self.evaluation(self.cycle, self.user_b)
        grade_a = self.env.ref("sales_assessment.grade_a")
        self.assertEqual((ev_a.rank, ev_b.rank), (1, 2))
        self.make_order(self.user_b, self.customers[3], 2500.0, self.day)
        self.make_order(self.user_a, self.customers[4], 1200.0, self.day)
        self.env.cr.execute(
            "UPDATE sales_assessment_evaluation SET is_stale = FALSE WHERE user_id = %s",
            [self.user_a.id])
        self.env.invalidate_all()
        before_a = self.line(self.cycle, self.user_a, self.revenue).actual_value
        self.refresh()
        self.assertEqual(self.line(self.cycle, self.user_a, self.revenue).actual_value, before_a)
        self.assertEqual((ev_b.rank, ev_a.rank), (1, 2))
        self.assertEqual(ev_b.grade_id, grade_a)
        self.assertNotEqual(ev_a.grade_id, grade_a, "Ann lost the only A to Bob")
        self.assertEqual(ev_a.score_grade_id, grade_a, "her score alone still earns an A")
        # Ann's figures are what they were: the full refresh agrees once
        # her change is undone
        partial = self.figures()
        self.env["sale.order"].search([("user_id", "=", self.user_a.id),
                                       ("amount_total", "=", 1200.0)])._action_cancel()
        self.cycle.action_refresh()
        self.assertEqual(self.figures(), partial)

    def test_team_evaluations_of_the_salesperson_are_stale(self):
        team_template = self.make_template([(self.revenue, 100, {})], subject_type="team")
        cycle = self.make_cycle(self.template | team_template, date(2025, 2, 1),
                                date(2025, 2, 28), period_type="month", name="SA February")
        self.env["sales.assessment.target"].create([
            {"cycle_id": cycle.id, "kpi_id": self.revenue.id, "team_id": team.id,
             "target_value": 2000.0} for team in (self.team_1, self.team_2)
        ])
        cycle.action_open()
        self.refresh()
        team_1 = cycle.evaluation_ids.filtered(lambda e: e.team_id == self.team_1 and not e.user_id)
        team_2 = cycle.evaluation_ids.filtered(lambda e: e.team_id == self.team_2 and not e.user_id)
        self.assertEqual(team_1.line_ids.actual_value, 1500.0)
        self.make_order(self.user_b, self.customers[3], 100.0, self.day)
        self.env.flush_all()
        self.assertTrue(team_1.is_stale)
        self.assertFalse(team_2.is_stale, "Bob is not assessed in team 2")
        self.refresh()
        self.assertEqual(team_1.line_ids.actual_value, 1600.0)
        self.assertEqual((team_1.rank, team_2.rank), (1, 2))

    def test_stale_refresh_stamps_the_evaluations_it_computes(self):
        with freeze_time("2025-02-10 08:00:00"):
            self.cycle.action_refresh()
        ev_a = self.evaluation(self.cycle, self.user_a)
        ev_b = self.evaluation(self.cycle, self.user_b)
        self.assertEqual(ev_b.last_computed, datetime(2025, 2, 10, 8, 0))
        with freeze_time("2025-02-11 09:30:00"):
            self.make_order(self.user_b, self.customers[3], 100.0, self.day)
            self.refresh()
        self.env.invalidate_all()
        self.assertEqual(ev_b.live_computed, datetime(2025, 2, 11, 9, 30))
        self.assertEqual(ev_b.last_computed, datetime(2025, 2, 11, 9, 30))
        self.assertFalse(ev_a.live_computed)
        self.assertEqual(ev_a.last_computed, datetime(2025, 2, 10, 8, 0))
        self.assertEqual(self.cycle.last_computed, datetime(2025, 2, 10, 8, 0),
                         "the cycle's stamp is its full refresh's")

    def test_refresh_of_one_or_many_stale_costs_the_same_queries(self):
        users = self.env["res.users"].create([
            {"name": f"SA live {i}", "login": f"sa_live_{i}"} for i in range(6)])
        team = self.env["crm.team"].create({
            "name": "SA live", "member_ids": [Command.set(users.ids)]})
        template = self.make_template([(self.revenue, 100, {})], users_teams=team)
        cycle = self.make_cycle(template, date(2025, 2, 1), date(2025, 2, 28),
                                period_type="month", name="SA live")
        self.set_targets(cycle, self.revenue, {user: 5000.0 for user in users})
        for index, user in enumerate(users):
            self.make_order(user, self.customers[index], 100.0 * (index + 1), self.day)
        cycle.action_open()
        self.refresh()
        counts = []
        # one, some, and every evaluation of the scorecard (no peer to rank again)
        for stale in (users[:1], users[:4], users):
            for user in stale:  # each passes the others
                self.make_order(user, self.customers[0], 1000.0, self.day)
            self.assertStale(stale, cycle)
            self.env.flush_all()
            # what the orders left for the commit (bus notifications) is not the refresh's
            self.env.cr.precommit.run()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            self.Evaluation._action_refresh_stale()
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - start)
            self.assertStale(self.env["res.users"], cycle)
        self.assertEqual(counts[0], counts[1], "queries for 1 and 4 stale salespeople")
        self.assertEqual(counts[1], counts[2], "queries for 4 and all 6 stale salespeople")
        ranks = {ev.user_id: ev.rank for ev in cycle.evaluation_ids}
        # the four who sold more lead (Ann twice), in the order of their totals
        self.assertEqual([ranks[user] for user in users], [1, 4, 3, 2, 6, 5])
