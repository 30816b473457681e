from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestPayCurves(RewardCase):
    """DESIGN.md "Pay curves", through a real close: each worked example to
    the cent, the cap, no target, and each bad plan refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tiers = [Command.create({"from_achievement": f, "rate": r})
                     for f, r in ((0, 3), (100, 5), (120, 8))]
        cls.curve = [Command.create({"from_achievement": f, "rate": r})
                     for f, r in ((50, 0), (100, 100), (150, 200))]

    def rule(self, **values):
        return self.make_rule("Plan", **dict({"kpi_id": self.satisfaction.id,
                                              "reward_type": "bonus"}, **values))

    def amounts(self, rule, values, targets):
        cycle = self.closed_cycle(values, targets)
        return {user: self.reward(cycle, user, rule).amount for user in values}

    def test_tiered_marginal_design_example(self):
        rule = self.rule(amount_type="tiered", tier_ids=self.tiers)
        amounts = self.amounts(rule, {self.user_a: 150000, self.user_b: 110000},
                               {self.user_a: 100000, self.user_b: 100000})
        self.assertEqual(amounts, {self.user_a: 6400.0, self.user_b: 3500.0})

    def test_tiered_whole_design_example_and_cap(self):
        rule = self.rule(amount_type="tiered", tier_mode="whole", tier_ids=self.tiers,
                         amount_cap=10000)
        amounts = self.amounts(rule, {self.user_a: 150000, self.user_b: 110000},
                               {self.user_a: 100000, self.user_b: 100000})
        # whole: 12,000 capped at 10,000; 110 % → all at 5 % = 5,500
        self.assertEqual(amounts, {self.user_a: 10000.0, self.user_b: 5500.0})

    def test_curve_design_example(self):
        rule = self.rule(amount_type="curve", amount=10000, tier_ids=self.curve)
        # achievements 75 % and 150 % (the scorecard's cap does not touch the
        # line's achievement, only its score)
        amounts = self.amounts(rule, {self.user_a: 75, self.user_b: 150}, {})
        self.assertEqual(amounts, {self.user_a: 5000.0, self.user_b: 20000.0})

    def test_penalty_curve_is_deducted_and_zero_makes_no_proposal(self):
        rule = self.rule(amount_type="curve", amount=1000, tier_ids=self.curve,
                         reward_type="penalty")
        cycle = self.closed_cycle({self.user_a: 75, self.user_b: 40})
        self.assertEqual(self.reward(cycle, self.user_a, rule).amount, -500.0)
        self.assertFalse(self.reward(cycle, self.user_b, rule))  # below the first point: 0

    def test_preview_shows_what_the_plan_pays(self):
        rule = self.rule(amount_type="tiered", tier_ids=self.tiers)
        preview = str(rule.curve_preview)
        # for a target of 100,000: 50 % → 1,500; 150 % → 6,400
        for achievement, amount in (("50 %", "1,500.00"), ("100 %", "3,000.00"),
                                    ("120 %", "4,000.00"), ("150 %", "6,400.00")):
            self.assertIn(achievement, preview)
            self.assertIn(amount, preview)

    def test_bad_plans_refused(self):
        bad = {
            "no KPI": dict(amount_type="tiered", tier_ids=self.tiers, kpi_id=False),
            "no tier": dict(amount_type="tiered"),
            "negative rate": dict(amount_type="tiered", tier_ids=[
                Command.create({"from_achievement": 0, "rate": -1})]),
            "duplicate start": dict(amount_type="tiered", tier_ids=[
                Command.create({"from_achievement": 100, "rate": 3}),
                Command.create({"from_achievement": 100, "rate": 5})]),
            "points out of order": dict(amount_type="curve", amount=100, tier_ids=[
                Command.create({"from_achievement": 50, "rate": 100}),
                Command.create({"from_achievement": 100, "rate": 50})]),
        }
        for label, values in bad.items():
            with self.subTest(label), self.assertRaises(ValidationError):
                self.make_rule("Bad", reward_type="bonus",
                               **dict({"kpi_id": self.satisfaction.id}, **values))
        for value in (float("nan"), float("inf")):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.rule(amount_type="tiered", tier_ids=[
                    Command.create({"from_achievement": 0, "rate": value})])

    def test_salesperson_cannot_change_tiers(self):
        rule = self.rule(amount_type="tiered", tier_ids=self.tiers)
        with self.assertRaises(AccessError):
            rule.tier_ids[0].with_user(self.user_a).write({"rate": 50})
