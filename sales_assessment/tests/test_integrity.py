from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestWorkflowIntegrity(SalesAssessmentCase):
    """Cycles and evaluations change state only through their actions, as
    each role would try it over the external API: no direct ``state``, no
    context key that publishes, no evaluation or line moved into a closed
    cycle, no second line on one scorecard line, reasons that are text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.satisfaction, 100, {})])

    def setUp(self):
        super().setUp()
        self.cycle = self.make_cycle(self.template)
        self.set_targets(self.cycle, self.satisfaction, {self.user_a: 100, self.user_b: 100})
        self.cycle.with_user(self.manager).action_open()
        self.eval_a = self.evaluation(self.cycle, self.user_a)

    def closed(self):
        self.cycle.with_user(self.manager).action_close()
        return self.cycle

    def test_cycle_state_is_not_writable(self):
        cycle = self.closed()
        for user in (self.manager, self.env.user):  # a manager, and even the superuser
            with self.assertRaisesRegex(UserError, "changes only through its buttons"):
                cycle.with_user(user).write({"state": "open"})
        self.assertEqual(cycle.state, "closed")
        with self.assertRaisesRegex(UserError, "changes only through its buttons"):
            self.env["sales.assessment.cycle"].with_user(self.manager).create({
                "name": "SA born closed", "period_type": "custom", "state": "closed",
                "date_start": "2026-01-01", "date_end": "2026-01-31",
            })
        # the default state is what a new cycle has anyway
        draft = self.env["sales.assessment.cycle"].with_user(self.manager).create({
            "name": "SA draft", "period_type": "custom", "state": "draft",
            "date_start": "2026-01-01", "date_end": "2026-01-31",
        })
        self.assertEqual(draft.state, "draft")

    def test_closer_is_not_writable(self):
        """Who closed the cycle is asked for the second approvals: the
        workflow records it, nobody writes it."""
        cycle = self.closed()
        for vals in ({"closed_uid": self.leader.id}, {"closed_date": False}):
            with self.assertRaisesRegex(UserError, "changes only through its buttons"):
                cycle.with_user(self.manager).write(vals)
        self.assertEqual(cycle.closed_uid, self.manager)

    def test_reopen_keeps_its_reason_and_history(self):
        cycle = self.closed()
        for reason in (42, ["late orders"], "   ", {"why": "x"}, True):
            with self.assertRaisesRegex(UserError, "reason"):
                cycle.with_user(self.manager).with_context(reopen_reason=reason).action_reopen()
        self.assertEqual(cycle.state, "closed")
        cycle.with_user(self.manager).with_context(reopen_reason="Late orders").action_reopen()
        self.assertEqual(cycle.state, "open")
        self.assertIn("Late orders", cycle.message_ids[0].body)

    def test_evaluation_state_is_not_writable(self):
        with self.assertRaisesRegex(UserError, "changes only through its buttons"):
            self.eval_a.with_user(self.manager).write({"state": "published"})
        with self.assertRaises(AccessError):
            self.eval_a.with_user(self.leader).write({"state": "published"})
        self.assertEqual(self.eval_a.state, "draft")

    def test_context_key_does_not_publish(self):
        self.cycle.with_user(self.leader).with_context(
            sales_assessment_publish=True, sales_assessment_closing=True).action_refresh()
        self.assertEqual(set(self.cycle.evaluation_ids.mapped("state")), {"draft"})
        self.assertEqual(self.cycle.state, "open")

    def test_same_cycle_twice_is_one(self):
        cycles = self.cycle.browse([self.cycle.id, self.cycle.id])
        cycles.with_user(self.manager).action_close()
        closing_notes = self.cycle.message_ids.filtered(lambda m: "evaluations frozen" in (m.body or ""))
        self.assertEqual(len(closing_notes), 1)

    def test_nothing_moves_into_a_closed_cycle(self):
        other = self.make_cycle(self.template, name="SA other", period_type="month")
        other.with_user(self.manager).action_open()
        other_eval = self.evaluation(other, self.user_a)
        self.closed()
        with self.assertRaisesRegex(UserError, "is closed"):
            other_eval.with_user(self.manager).write({"cycle_id": self.cycle.id})
        with self.assertRaisesRegex(UserError, "is closed"):
            other_eval.line_ids.with_user(self.manager).write({"evaluation_id": self.eval_a.id})
        self.assertEqual(other_eval.cycle_id, other)

    def test_one_line_per_scorecard_line(self):
        line = self.eval_a.line_ids
        with self.assertRaisesRegex(ValidationError, "one line per scorecard line"):
            self.env["sales.assessment.evaluation.line"].with_user(self.manager).create({
                "evaluation_id": self.eval_a.id, "kpi_id": self.satisfaction.id,
                "template_line_id": line.template_line_id.id,
            })
        self.cycle.with_user(self.leader).action_refresh()
        self.assertEqual(len(self.eval_a.line_ids), 1)
        self.assertEqual(self.eval_a.line_ids.weight, 100)

    def test_can_fields_follow_the_user(self):
        self.assertTrue(self.cycle.with_user(self.manager).can_close)
        as_leader = self.cycle.with_user(self.leader)
        self.assertFalse(as_leader.can_close)
        self.assertTrue(as_leader.cannot_close_reason)
        self.assertTrue(as_leader.can_refresh)
        self.assertFalse(self.cycle.with_user(self.user_a).can_refresh)
        self.assertTrue(self.eval_a.with_user(self.leader).can_confirm)
        self.assertFalse(self.eval_a.with_user(self.user_a).can_confirm)
        self.assertFalse(self.cycle.with_user(self.manager).can_draft)


@tagged("post_install", "-at_install")
class TestBadFigures(SalesAssessmentCase):
    """A manual value that is not a finite number is refused when typed; one
    that reached the database anyway stops the refresh with a message naming
    the salesperson and the KPI, not the engine's raw error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.satisfaction, 100, {})])

    def test_manual_value_finite(self):
        cycle = self.make_cycle(self.template)
        self.set_targets(cycle, self.satisfaction, {self.user_a: 100})
        cycle.action_open()
        line = self.line(cycle, self.user_a, self.satisfaction)
        for value in (float("nan"), float("inf"), -float("inf"), 1e308, 1e13):
            with self.assertRaises(ValidationError):
                line.with_user(self.leader).write({"manual_value": value})
        line.with_user(self.leader).write({"manual_value": 1e12})
        self.assertEqual(line.manual_value, 1e12)

    @mute_logger("odoo.sql_db")
    def test_bad_figure_named_at_refresh(self):
        cycle = self.make_cycle(self.template)
        self.set_targets(cycle, self.satisfaction, {self.user_a: 100})
        cycle.action_open()
        line = self.line(cycle, self.user_a, self.satisfaction)
        line.flush_recordset()
        self.env.cr.execute(
            "UPDATE sales_assessment_evaluation_line SET manual_value = 'NaN' WHERE id = %s",
            [line.id])
        line.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "Ann Seller.*Customer Satisfaction"):
            cycle.with_user(self.manager).action_close()
        self.assertEqual(cycle.state, "open")

    def test_integer_beyond_its_column(self):
        """An integer setting beyond PostgreSQL's int4 is refused by name, not
        by a database error."""
        for value in (2**31, 10**10, 1e12):
            with self.assertRaisesRegex(ValidationError, "whole number of at most"):
                self.company.write({"sales_assessment_grace_days": value})
        self.company.write({"sales_assessment_grace_days": 2**31 - 1})
