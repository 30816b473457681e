from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardEstimate(RewardCase):
    """DESIGN.md, what-if estimator with rewards: the evaluation's reward
    rules matched on the estimated facts, as a close matches them, without
    creating any reward."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_rule("Grade A bonus", sequence=10, grade_ids=[(6, 0, cls.grade["a"].ids)],
                      reward_type="bonus", amount=500)
        cls.make_rule("Per point", sequence=20, min_score=60, reward_type="bonus",
                      amount_type="per_point", amount=10, amount_cap=300)
        cls.make_rule("Ten percent", sequence=30, min_score=65, reward_type="bonus",
                      amount_type="percent_of_kpi", kpi_id=cls.satisfaction.id, amount=10)
        cls.make_rule("Low score", sequence=40, max_score=50, reward_type="penalty", amount=100)

    def test_estimated_reward(self):
        cycle = self.open_cycle({self.user_a: 70.0})
        cycle.action_refresh()
        evaluation = self.evaluation(cycle, self.user_a)
        action = evaluation.with_user(self.user_a).action_open_estimate()
        estimate = self.env["sales.assessment.estimate"].with_user(self.user_a).browse(
            action["res_id"])
        line = estimate.line_ids
        # score 70 (grade C): (70 - 60) × 10 per point + 10 % of 70
        self.assertEqual(estimate.estimated_score, 70.0)
        self.assertEqual(estimate.estimated_reward_amount, 107.0)
        # score 95 (grade A): 500 + per point capped at 300 + 10 % of 95
        line.what_if_value = 95
        self.assertEqual(estimate.estimated_grade_id, self.grade["a"])
        self.assertEqual(estimate.estimated_reward_amount, 809.5)
        # score 40: only the penalty, negative
        line.what_if_value = 40
        self.assertEqual(estimate.estimated_reward_amount, -100.0)
        # estimating creates no reward
        self.assertFalse(cycle.reward_ids)
        self.assertFalse(self.env["sales.assessment.reward"].search(
            [("evaluation_id", "=", evaluation.id)]))
