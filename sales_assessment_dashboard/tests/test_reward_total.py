from odoo.tests import tagged

from .common import DashboardCase


@tagged("post_install", "-at_install")
class TestRewardTotal(DashboardCase):
    """The evaluation's reward total is signed: a 500 bonus and a 200
    penalty make 300, refused and cancelled proposals count for nothing."""

    def test_signed_total(self):
        if "sales.assessment.reward" not in self.env:
            self.skipTest("the reward addon is not installed")
        cycle = self.make_revenue_cycle()
        cycle.action_open()
        cycle.action_close()
        evaluation = self.evaluation(cycle, self.user_a)
        Rule = self.env["sales.assessment.reward.rule"]
        bonus, penalty = Rule.create([
            {"name": "SA bonus", "reward_type": "bonus", "amount_type": "fixed",
             "amount": 500},
            {"name": "SA penalty", "reward_type": "penalty", "amount_type": "fixed",
             "amount": 200},
        ])
        Reward = self.env["sales.assessment.reward"]
        rewards = Reward.create([
            {"evaluation_id": evaluation.id, "rule_id": rule.id, "description": rule.name,
             "amount": rule._get_reward_amount({"total_score": 0, "kpis": {}})}
            for rule in (bonus, penalty)
        ])
        self.assertEqual(rewards.mapped("amount"), [500, -200])
        self.assertEqual(evaluation.reward_total, 300)
        self.assertTrue(evaluation.has_rewards)
        rewards[1].action_cancel()
        evaluation.invalidate_recordset(["reward_total"])
        self.assertEqual(evaluation.reward_total, 500)
        # a penalty alone is a negative total, not its size
        rewards[1].action_draft()
        rewards[0].action_cancel()
        evaluation.invalidate_recordset(["reward_total"])
        self.assertEqual(evaluation.reward_total, -200)
