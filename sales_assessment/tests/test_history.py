from datetime import date

from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestReCloseHistory(SalesAssessmentCase):
    """Closing a reopened cycle again records, on each evaluation that
    changed, what changed; the unchanged ones get no message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.template = cls.make_template([(cls.revenue, 100, {"cap_achievement": 200})])
        cls.make_order(cls.user_a, cls.customers[0], 2475.0, date(2025, 1, 10))
        cls.make_order(cls.user_b, cls.customers[1], 1000.0, date(2025, 1, 10))
        cls.cycle = cls.make_cycle(cls.template)
        cls.env["sales.assessment.target"].create([
            {"cycle_id": cls.cycle.id, "kpi_id": cls.revenue.id, "user_id": user.id,
             "target_value": value}
            for user, value in ((cls.user_a, 2200.0), (cls.user_b, 1000.0))
        ])
        cls.cycle.action_open()
        cls.cycle.action_close()

    def test_changed_evaluation_shows_old_and_new(self):
        eval_a = self.evaluation(self.cycle, self.user_a)
        eval_b = self.evaluation(self.cycle, self.user_b)
        self.assertEqual(eval_a.total_score, 112.5)
        messages_a, messages_b = eval_a.message_ids, eval_b.message_ids
        self.cycle.with_context(reopen_reason="Target agreed too high").action_reopen()
        self.cycle.target_ids.filtered(lambda t: t.user_id == self.user_a).target_value = 1800
        self.cycle.action_close()
        self.assertEqual(eval_a.total_score, 137.5)
        new = eval_a.message_ids - messages_a
        self.assertEqual(len(new), 1)
        self.assertIn("112.50 → 137.50", new.body)
        self.assertIn("target 2200.00 → 1800.00", new.body)
        self.assertIn("score 112.50 → 137.50", new.body)
        # rank did not change (1 before, 1 after): not listed
        self.assertNotIn("Rank", new.body)
        self.assertEqual(eval_b.message_ids, messages_b, "unchanged: no message")
        self.assertIn("1 of 3 evaluations changed", self.cycle.message_ids[0].body)

    def test_rank_and_grade_changes_are_listed(self):
        eval_b = self.evaluation(self.cycle, self.user_b)
        messages_b = eval_b.message_ids
        self.assertEqual(eval_b.rank, 2)
        self.cycle.with_context(reopen_reason="Bob's target").action_reopen()
        self.cycle.target_ids.filtered(lambda t: t.user_id == self.user_b).target_value = 500
        self.cycle.action_close()
        body = (eval_b.message_ids - messages_b).body
        self.assertIn("100.00 → 200.00", body)
        self.assertIn("Rank: 2 → 1", body)

    def test_first_close_posts_no_history(self):
        for evaluation in self.cycle.evaluation_ids:
            self.assertFalse(any("→" in (m.body or "") for m in evaluation.message_ids))
