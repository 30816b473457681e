from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardBudget(RewardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_rule("Per point", min_score=10, reward_type="bonus",
                      amount_type="per_point", amount=10)
        cls.make_rule("Penalty", max_score=50, reward_type="penalty", amount=30)

    def budget_cycle(self, amount):
        cycle = self.open_cycle({self.user_a: 95.0, self.user_b: 70.0, self.user_c: 45.0})
        cycle.reward_budget_ids = [(0, 0, {"template_id": self.template.id, "amount": amount})]
        cycle.with_user(self.manager).action_close()
        return cycle

    def test_bonuses_scaled_to_the_budget_to_the_cent(self):
        # bonuses before scaling: 850 + 600 + 350 = 1800
        cycle = self.budget_cycle(1000.01)
        bonuses = cycle.reward_ids.filtered(lambda r: r.reward_type == "bonus")
        self.assertAlmostEqual(sum(bonuses.mapped("amount")), 1000.01, places=2)
        self.assertEqual(cycle.currency_id.compare_amounts(
            sum(bonuses.mapped("amount")), 1000.01), 0)
        for reward in bonuses:
            self.assertEqual(cycle.currency_id.round(reward.amount), reward.amount)
        amounts = dict((r.user_id, r.amount) for r in bonuses)
        # 850, 600, 350 x 0.555561: 472.23 (+ remainder), 333.34, 194.45
        self.assertEqual(amounts[self.user_b], 333.34)
        self.assertEqual(amounts[self.user_c], 194.45)
        self.assertEqual(amounts[self.user_a], 472.22)
        budget = cycle.reward_budget_ids
        self.assertEqual(budget.bonus_total, 1800.0)
        self.assertAlmostEqual(budget.scale_factor, 1000.01 / 1800, places=6)
        self.assertAlmostEqual(cycle.reward_scale_factor, 1000.01 / 1800, places=6)
        # penalties are not scaled, and the chatter says why bonuses were
        penalty = cycle.reward_ids.filtered(lambda r: r.reward_type == "penalty")
        self.assertEqual(penalty.amount, -30.0)
        for reward in bonuses:
            self.assertIn("Scaled by a factor of 0.555", reward.message_ids[:1].body)
        self.assertIn("scaled by a factor of 0.555", cycle.message_ids[:1].body)

    def test_within_budget_nothing_scaled(self):
        cycle = self.budget_cycle(5000)
        bonuses = cycle.reward_ids.filtered(lambda r: r.reward_type == "bonus")
        self.assertEqual(sorted(bonuses.mapped("amount")), [350.0, 600.0, 850.0])
        self.assertEqual(cycle.reward_scale_factor, 1.0)
        self.assertEqual(set(bonuses.mapped("scale_factor")), {1.0})
