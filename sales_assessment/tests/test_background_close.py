from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SalesAssessmentCase

CLOSE_CRON = "sales_assessment.ir_cron_close_requested"


@tagged("post_install", "-at_install")
class TestBackgroundClose(SalesAssessmentCase):
    """A manager's close of a cycle with at least the company's
    ``sales_assessment_background_close_size`` evaluations is handed to the
    background job: it closes it all or nothing, as that manager, and
    notifies them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.make_order(cls.user_a, cls.customers[0], 1000.0, cls.date_from)
        cls.make_order(cls.user_b, cls.customers[1], 400.0, cls.date_from)
        cls.template = cls.make_template([(cls.revenue, 100, {})])
        cls.cycle = cls.make_cycle(cls.template)
        cls.env["sales.assessment.target"].create([
            {"cycle_id": cls.cycle.id, "kpi_id": cls.revenue.id, "user_id": user.id,
             "target_value": 1000.0} for user in (cls.user_a, cls.user_b, cls.user_c)])
        cls.cycle.action_open()
        # three evaluations: large from three on
        cls.company.sales_assessment_background_close_size = 3
        cls.Cycle = cls.env["sales.assessment.cycle"]

    def trigger_count(self):
        return self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", self.env.ref(CLOSE_CRON).id)])

    def request(self, user=None):
        return self.cycle.with_user(user or self.manager).action_close()

    def run_cron(self):
        self.Cycle._cron_close_requested()
        self.env.invalidate_all()

    def test_small_cycle_closes_at_once(self):
        self.company.sales_assessment_background_close_size = 4
        self.assertIs(self.request(), True)
        self.assertEqual(self.cycle.state, "closed")
        self.assertFalse(self.cycle.close_requested_uid)
        self.company.sales_assessment_background_close_size = 0
        self.cycle.with_user(self.manager)._do_reopen("a late invoice")
        self.assertIs(self.request(), True, "0: every cycle at once")
        self.assertEqual(self.cycle.state, "closed")

    def test_large_cycle_goes_to_the_job_which_closes_it(self):
        triggers = self.trigger_count()
        action = self.request()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(self.cycle.name, action["params"]["message"])
        self.assertEqual(self.cycle.state, "open", "nothing closed while the manager waits")
        self.assertEqual(self.cycle.close_requested_uid, self.manager)
        self.assertTrue(self.cycle.close_requested_date)
        self.assertEqual(self.trigger_count(), triggers + 1)
        self.assertIn("Close requested by Sam Manager", self.cycle.message_ids[0].body)
        # the button is gone, and a second request is refused with who asked
        self.assertFalse(self.cycle.with_user(self.manager).can_close)
        with self.assertRaisesRegex(UserError, "requested by Sam Manager"):
            self.request()
        with self.assertRaisesRegex(UserError, "background job is closing it"):
            self.cycle.with_user(self.manager).action_cancel()
        self.run_cron()
        self.assertEqual(self.cycle.state, "closed")
        self.assertEqual(self.cycle.closed_uid, self.manager)
        self.assertFalse(self.cycle.close_requested_uid)
        self.assertEqual(set(self.cycle.evaluation_ids.mapped("state")), {"published"})
        self.assertEqual(self.evaluation(self.cycle, self.user_a).rank, 1)
        done = self.cycle.message_ids[0]
        self.assertIn("is done", done.body)
        self.assertEqual(done.notification_ids.res_partner_id, self.manager.partner_id,
                         "in the manager's inbox")
        # and on their screen, once the job commits
        self.env.cr.precommit.run()
        notes = self.env["bus.bus"].sudo().search([("message", "like", "simple_notification")])
        self.assertTrue(any(
            '"Cycle closed"' in note.message and str(self.manager.partner_id.id) in note.channel
            for note in notes), notes.mapped("channel"))

    def test_outcome_is_told_in_the_requester_s_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.manager.lang = "zh_CN"
        self.request()
        self.run_cron()
        self.assertEqual(self.cycle.state, "closed")
        self.assertIn("后台关闭已完成", self.cycle.message_ids[0].body)

    def test_failed_close_changes_nothing_and_says_why(self):
        self.request()
        before = [(ev.id, ev.state, ev.total_score, ev.rank) for ev in self.cycle.evaluation_ids]
        Cycle = type(self.Cycle)
        original = Cycle._do_close

        refusal = "The pay plan of Direct Sales lacks a grade."

        def broken(cycles):
            original(cycles)
            # a business refusal (as it reaches the job: already in the user's language)
            raise UserError(refusal)

        with patch.object(Cycle, "_do_close", broken):
            self.run_cron()
        self.assertEqual(self.cycle.state, "open")
        self.assertEqual(
            [(ev.id, ev.state, ev.total_score, ev.rank) for ev in self.cycle.evaluation_ids],
            before, "all or nothing")
        self.assertFalse(self.cycle.close_requested_uid, "the manager may try again")
        failed = self.cycle.message_ids[0]
        self.assertIn("failed", failed.body)
        self.assertIn("lacks a grade", failed.body)
        self.assertEqual(failed.notification_ids.res_partner_id, self.manager.partner_id)

    def test_requester_who_lost_the_right_closes_nothing(self):
        manager_2 = new_test_user(self.env, "sa_manager_bg", name="Max Manager",
                                  groups="sales_team.group_sale_manager")
        self.request(manager_2)
        # a salesperson now
        manager_2.groups_id = [Command.set(
            (self.env.ref("base.group_user") | self.env.ref("sales_team.group_sale_salesman")).ids)]
        self.assertFalse(manager_2.has_group("sales_assessment.group_sales_assessment_manager"))
        self.run_cron()
        self.assertEqual(self.cycle.state, "open")
        self.assertIn("no longer a sales assessment manager", self.cycle.message_ids[0].body)

    def test_request_is_the_workflow_s_alone(self):
        """Nobody writes the request (a client cannot make the job close a
        cycle as someone else); salespeople and leaders cannot request it."""
        for user in (self.manager, None):
            cycle = self.cycle.with_user(user) if user else self.cycle
            with self.assertRaisesRegex(UserError, "cannot be written directly"):
                cycle.write({"close_requested_uid": self.manager.id})
        for user in (self.user_a, self.leader):
            with self.assertRaisesRegex(AccessError, "Only sales assessment managers"):
                self.request(user)
        # nor a manager of another company, who cannot even read the cycle
        _company, other_manager = self.make_other_company_manager()
        with self.assertRaises(AccessError):
            self.request(other_manager)
        # the same id twice: one request, one message
        messages = len(self.cycle.message_ids)
        self.Cycle.browse([self.cycle.id, self.cycle.id]).with_user(self.manager).action_close()
        self.assertEqual(self.cycle.close_requested_uid, self.manager)
        self.assertEqual(len(self.cycle.message_ids), messages + 1)
        self.cycle.with_user(self.manager)._write_state(
            {"close_requested_uid": False, "close_requested_date": False})
        # a context key does not make a large cycle close at once
        self.cycle.with_user(self.manager).with_context(
            sales_assessment_background_close_size=0).action_close()
        self.assertEqual(self.cycle.state, "open")

    def test_setting_refuses_a_negative_size_and_nan(self):
        with self.assertRaisesRegex(ValidationError, "zero"), self.env.cr.savepoint():
            self.company.sales_assessment_background_close_size = -1
            self.company.flush_recordset()
        Settings = self.env["res.config.settings"]
        for value in (float("nan"), float("inf")):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                Settings.create({"sales_assessment_background_close_size": value})
        self.assertEqual(self.company.sales_assessment_background_close_size, 3)
