from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import SalesAssessmentCase

ACK_ACTIVITY = "sales_assessment.mail_act_acknowledge_result"


@tagged("post_install", "-at_install")
class TestAcknowledgement(SalesAssessmentCase):
    """The evaluated salesperson acknowledges their targets while the cycle
    is open and their result once published, nobody else and once each; an
    unacknowledged result gets one reminder after the company's ack days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.satisfaction, 100, {})])
        cls.company.sales_assessment_ack_days = 3

    def setUp(self):
        super().setUp()
        self.cycle = self.make_cycle(self.template)
        # Cid has no target: his evaluation is not published at the close
        self.set_targets(self.cycle, self.satisfaction, {self.user_a: 100, self.user_b: 100})
        self.cycle.with_user(self.manager).action_open()
        self.eval_a = self.evaluation(self.cycle, self.user_a)
        self.eval_b = self.evaluation(self.cycle, self.user_b)

    def close(self, when="2025-04-01 08:00:00"):
        with freeze_time(when):
            self.cycle.with_user(self.manager).action_close()

    def remind(self, when):
        with freeze_time(when):
            self.env["sales.assessment.evaluation"]._cron_remind_acknowledgement()

    def reminders(self, evaluation, active=True):
        return self.env["mail.activity"].with_context(active_test=False).search([
            ("res_model", "=", evaluation._name), ("res_id", "=", evaluation.id),
            ("activity_type_id", "=", self.env.ref(ACK_ACTIVITY).id), ("active", "=", active),
        ])

    def notes(self, evaluation, text):
        return evaluation.message_ids.filtered(lambda m: text in (m.body or ""))

    def test_salesperson_acknowledges_targets(self):
        own = self.eval_a.with_user(self.user_a)
        self.assertTrue(own.can_acknowledge_targets)
        own.action_acknowledge_targets()
        self.assertTrue(self.eval_a.targets_acknowledged_date)
        note = self.notes(self.eval_a, "Targets acknowledged.")
        self.assertEqual(note.author_id, self.user_a.partner_id)
        own.invalidate_recordset()
        self.assertFalse(own.can_acknowledge_targets)
        self.assertIn("already acknowledged on", own.cannot_acknowledge_targets_reason)
        with self.assertRaisesRegex(UserError, "already acknowledged on"):
            own.action_acknowledge_targets()
        self.assertEqual(len(self.notes(self.eval_a, "Targets acknowledged.")), 1)

    def test_salesperson_without_email_acknowledges(self):
        self.user_a.partner_id.email = False
        self.eval_a.with_user(self.user_a).action_acknowledge_targets()
        self.assertTrue(self.notes(self.eval_a, "Targets acknowledged."))

    def test_only_the_evaluated_salesperson(self):
        _company, other_manager = self.make_other_company_manager()
        self.close()
        for user in (self.leader, self.manager, self.user_b, other_manager):
            for action in ("action_acknowledge_targets", "action_acknowledge_result"):
                with self.subTest(user=user.name, action=action), \
                        self.assertRaises(AccessError):
                    getattr(self.eval_a.with_user(user), action)()
        with self.assertRaisesRegex(AccessError, "Only Ann Seller acknowledges"):
            self.eval_a.action_acknowledge_result()  # not even the superuser
        as_leader = self.eval_a.with_user(self.leader)
        self.assertFalse(as_leader.can_acknowledge_result)
        self.assertIn("Only Ann Seller", as_leader.cannot_acknowledge_result_reason)
        self.assertFalse(self.eval_a.result_acknowledged_date)

    def test_team_evaluation_has_no_one_to_acknowledge(self):
        template = self.make_template([(self.satisfaction, 100, {})], subject_type="team")
        cycle = self.make_cycle(template, name="SA team cycle", period_type="month")
        cycle.with_user(self.manager).action_open()
        team_eval = cycle.evaluation_ids.filtered(lambda e: e.team_id == self.team_1)
        with self.assertRaisesRegex(UserError, "assesses a team"):
            team_eval.with_user(self.leader).action_acknowledge_targets()
        self.assertFalse(team_eval.targets_acknowledged_date)

    def test_dates_are_not_writable(self):
        for fname in ("targets_acknowledged_date", "result_acknowledged_date"):
            for user in (self.manager, self.env.user):  # a manager, and even the superuser
                with self.subTest(field=fname, user=user.name), \
                        self.assertRaisesRegex(UserError, "changes only through its buttons"):
                    self.eval_a.with_user(user).write({fname: "2025-02-01 10:00:00"})
            with self.assertRaises(AccessError):
                self.eval_a.with_user(self.user_a).write({fname: "2025-02-01 10:00:00"})
        with self.assertRaises(AccessError):
            self.eval_a.with_user(self.user_a).write({"result_reminded": True})
        self.assertFalse(self.eval_a.targets_acknowledged_date)
        self.assertFalse(self.eval_a.result_acknowledged_date)

    def test_context_key_changes_nothing(self):
        own = self.eval_a.with_user(self.user_a).with_context(
            sales_assessment_publish=True, sales_assessment_closing=True)
        with self.assertRaisesRegex(UserError, "not published"):
            own.action_acknowledge_result()
        self.assertFalse(self.eval_a.result_acknowledged_date)

    def test_targets_only_while_open(self):
        self.close()
        with self.assertRaisesRegex(UserError, "is closed"):
            self.eval_a.with_user(self.user_a).action_acknowledge_targets()
        self.cycle.with_user(self.manager).with_context(reopen_reason="Late survey").action_reopen()
        self.cycle.with_user(self.manager).action_cancel()
        with self.assertRaisesRegex(UserError, "while the cycle is open"):
            self.eval_a.with_user(self.user_a).action_acknowledge_targets()
        self.assertFalse(self.eval_a.targets_acknowledged_date)

    def test_result_only_when_published(self):
        own = self.eval_a.with_user(self.user_a)
        with self.assertRaisesRegex(UserError, "not published"):
            own.action_acknowledge_result()
        self.close()
        eval_c = self.evaluation(self.cycle, self.user_c)  # without target: not published
        with self.assertRaisesRegex(UserError, "not published"):
            eval_c.with_user(self.user_c).action_acknowledge_result()
        self.assertTrue(own.can_acknowledge_result)
        own.browse([self.eval_a.id, self.eval_a.id]).action_acknowledge_result()
        self.assertTrue(self.eval_a.result_acknowledged_date)
        self.assertEqual(len(self.notes(self.eval_a, "Result acknowledged.")), 1)
        with self.assertRaisesRegex(UserError, "already acknowledged on"):
            own.action_acknowledge_result()

    def test_one_reminder_after_ack_days(self):
        self.close("2025-04-01 08:00:00")
        self.eval_b.with_user(self.user_b).action_acknowledge_result()
        self.remind("2025-04-04 07:00:00")  # 2 days 23 hours after the close
        self.assertFalse(self.reminders(self.eval_a))
        self.remind("2025-04-04 09:00:00")
        reminder = self.reminders(self.eval_a)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.user_a)
        self.assertFalse(self.reminders(self.eval_b), "acknowledged: no reminder")
        unpublished = self.evaluation(self.cycle, self.user_c)
        self.assertFalse(self.reminders(unpublished), "no published result: no reminder")
        self.remind("2025-04-20 09:00:00")
        self.assertEqual(len(self.reminders(self.eval_a)), 1, "never a second reminder")

    def test_reminder_waits_for_the_company_setting(self):
        self.company.sales_assessment_ack_days = 10
        self.close("2025-04-01 08:00:00")
        self.remind("2025-04-10 09:00:00")
        self.assertFalse(self.reminders(self.eval_a))
        self.remind("2025-04-11 09:00:00")
        self.assertEqual(len(self.reminders(self.eval_a)), 1)

    def test_acknowledging_marks_the_reminder_done(self):
        self.close("2025-04-01 08:00:00")
        self.remind("2025-04-05 09:00:00")
        self.assertEqual(len(self.reminders(self.eval_a)), 1)
        # a client's context key does not keep the reminder open
        self.eval_a.with_user(self.user_a).with_context(
            mail_activity_automation_skip=True).action_acknowledge_result()
        self.assertFalse(self.reminders(self.eval_a))
        self.assertEqual(len(self.reminders(self.eval_a, active=False)), 1, "kept as done")
        self.remind("2025-04-30 09:00:00")
        self.assertFalse(self.reminders(self.eval_a))

    def test_cycle_counts_acknowledgements(self):
        self.eval_a.with_user(self.user_a).action_acknowledge_targets()
        as_manager = self.cycle.with_user(self.manager)
        self.assertEqual((as_manager.evaluation_count, as_manager.targets_acknowledged_count,
                          as_manager.results_acknowledged_count), (3, 1, 0))
        self.close()
        self.eval_a.with_user(self.user_a).action_acknowledge_result()
        self.eval_b.with_user(self.user_b).action_acknowledge_result()
        as_manager.invalidate_recordset()
        self.assertEqual((as_manager.targets_acknowledged_count,
                          as_manager.results_acknowledged_count), (1, 2))

    def test_reclose_with_another_result_asks_again(self):
        for user, value in ((self.user_a, 50), (self.user_b, 90)):
            self.line(self.cycle, user, self.satisfaction).with_user(
                self.leader).manual_value = value
        self.close("2025-04-01 08:00:00")
        self.remind("2025-04-05 09:00:00")
        for evaluation, user in ((self.eval_a, self.user_a), (self.eval_b, self.user_b)):
            evaluation.with_user(user).action_acknowledge_result()
        self.cycle.with_user(self.manager).with_context(reopen_reason="Late survey").action_reopen()
        self.line(self.cycle, self.user_a, self.satisfaction).with_user(
            self.leader).manual_value = 60  # Bob's total, grade and rank stay
        self.close("2025-04-10 08:00:00")
        self.assertFalse(self.eval_a.result_acknowledged_date, "changed: acknowledged again")
        self.assertTrue(self.eval_b.result_acknowledged_date, "unchanged: still acknowledged")
        self.assertTrue(self.notes(self.eval_a, "no longer holds"))
        self.assertFalse(self.notes(self.eval_b, "no longer holds"))
        # the new result gets its own reminder, once
        self.remind("2025-04-14 09:00:00")
        self.assertEqual(len(self.reminders(self.eval_a)), 1)
        self.assertFalse(self.reminders(self.eval_b))
        self.eval_a.with_user(self.user_a).action_acknowledge_result()
        self.assertTrue(self.eval_a.result_acknowledged_date)


@tagged("post_install", "-at_install")
class TestAcknowledgementDemo(TransactionCase):
    """The demo shows acknowledgements: half the salespeople acknowledged the
    targets of the open quarter, one the result of the last closed quarter."""

    def test_demo_acknowledgements(self):
        if not self.env.ref("base.module_sales_assessment").demo:
            self.skipTest("installed without demo data")
        cycles = self.env["sales.assessment.cycle"].search(
            [("name", "like", "(demo)")], order="date_start")
        self.assertEqual(cycles[-1].targets_acknowledged_count, 3)
        self.assertEqual(cycles[-2].results_acknowledged_count, 1)
        acknowledged = cycles[-2].evaluation_ids.filtered("result_acknowledged_date")
        note = acknowledged.message_ids.filtered(lambda m: "Result acknowledged." in (m.body or ""))
        self.assertEqual(note.author_id, acknowledged.user_id.partner_id)
