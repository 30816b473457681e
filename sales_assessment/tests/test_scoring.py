from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestScoringSemantics(SalesAssessmentCase):
    """DESIGN.md scoring rules, one test each, through a real cycle close."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.cycle_days = cls.kpi("sales_cycle_days")

    def close_with(self, line_vals, actuals, target, kpi=None):
        """Close a one-KPI scorecard where each user's manual actual is given."""
        kpi = kpi or self.satisfaction
        template = self.make_template([(kpi, 100, line_vals)])
        cycle = self.make_cycle(template)
        self.set_targets(cycle, kpi, {user: target for user in actuals})
        cycle.action_open()
        for user, actual in actuals.items():
            self.line(cycle, user, kpi).manual_value = actual
        cycle.action_close()
        return cycle

    def test_linear_achievement_and_cap(self):
        cycle = self.close_with({"cap_achievement": 120},
                                {self.user_a: 80, self.user_b: 150}, 100)
        line_a = self.line(cycle, self.user_a, self.satisfaction)
        line_b = self.line(cycle, self.user_b, self.satisfaction)
        self.assertEqual((line_a.achievement, line_a.score), (80.0, 80.0))
        self.assertEqual((line_b.achievement, line_b.score), (150.0, 120.0))

    def test_linear_without_cap(self):
        cycle = self.close_with({"cap_achievement": 0}, {self.user_a: 150}, 100)
        self.assertEqual(self.line(cycle, self.user_a, self.satisfaction).score, 150.0)

    def test_gate(self):
        cycle = self.close_with(
            {"scoring_method": "gate", "min_achievement": 60, "cap_achievement": 120},
            {self.user_a: 59, self.user_b: 60, self.user_c: 200}, 100,
        )
        scores = [self.line(cycle, u, self.satisfaction).score
                  for u in (self.user_a, self.user_b, self.user_c)]
        self.assertEqual(scores, [0.0, 60.0, 120.0])

    def test_bands(self):
        bands = [Command.create({"from_achievement": f, "score": s})
                 for f, s in ((50, 40), (80, 80), (100, 100))]
        cycle = self.close_with(
            {"scoring_method": "bands", "band_ids": bands},
            {self.user_a: 49, self.user_b: 85, self.user_c: 100}, 100,
        )
        scores = [self.line(cycle, u, self.satisfaction).score
                  for u in (self.user_a, self.user_b, self.user_c)]
        self.assertEqual(scores, [0.0, 80.0, 100.0])

    def test_target_zero(self):
        cycle = self.close_with({"cap_achievement": 120},
                                {self.user_a: 0, self.user_b: 5}, 0)
        self.assertEqual(self.line(cycle, self.user_a, self.satisfaction).achievement, 100.0)
        self.assertEqual(self.line(cycle, self.user_b, self.satisfaction).achievement, 120.0)

    def test_lower_is_better(self):
        self.make_opportunity(self.user_a, "won", date(2025, 1, 11), date(2025, 1, 1))
        self.make_opportunity(self.user_b, "won", date(2025, 1, 21), date(2025, 1, 1))
        template = self.make_template([(self.cycle_days, 100, {"cap_achievement": 150})])
        cycle = self.make_cycle(template)
        self.set_targets(cycle, self.cycle_days,
                         {self.user_a: 20, self.user_b: 10, self.user_c: 10})
        cycle.action_open()
        cycle.action_close()
        line_a = self.line(cycle, self.user_a, self.cycle_days)
        line_b = self.line(cycle, self.user_b, self.cycle_days)
        line_c = self.line(cycle, self.user_c, self.cycle_days)
        self.assertEqual((line_a.actual_value, line_a.achievement, line_a.score),
                         (10.0, 200.0, 150.0))
        self.assertEqual((line_b.actual_value, line_b.achievement), (20.0, 50.0))
        # no won opportunity: actual 0 with a positive target scores the cap
        self.assertEqual(line_c.achievement, 150.0)

    def test_weighting_total_and_grade(self):
        won = self.kpi("won")
        template = self.make_template([
            (self.satisfaction, 70, {"cap_achievement": 120}),
            (won, 30, {"cap_achievement": 120}),
        ])
        cycle = self.make_cycle(template)
        self.set_targets(cycle, self.satisfaction, {self.user_a: 100})
        self.set_targets(cycle, won, {self.user_a: 3})
        self.make_opportunity(self.user_a, "won", date(2025, 2, 1))
        cycle.action_open()
        self.line(cycle, self.user_a, self.satisfaction).manual_value = 95
        cycle.action_close()
        evaluation = self.evaluation(cycle, self.user_a)
        # 95 * 0.7 + 33.3333 * 0.3 = 66.5 + 10.0
        self.assertAlmostEqual(evaluation.total_score, 76.5, places=2)
        self.assertEqual(evaluation.grade_id, self.env.ref("sales_assessment.grade_b"))

    def test_rank_ties(self):
        user_d = self.env["res.users"].create({"name": "Dee", "login": "sa_user_d"})
        self.team_2.member_ids = [Command.link(user_d.id)]
        cycle = self.close_with(
            {"cap_achievement": 0},
            {self.user_a: 90, self.user_b: 80, self.user_c: 80, user_d: 70}, 100,
        )
        ranks = [self.evaluation(cycle, u).rank
                 for u in (self.user_a, self.user_b, self.user_c, user_d)]
        self.assertEqual(ranks, [1, 2, 2, 4])
        team_ranks = [self.evaluation(cycle, u).team_rank
                      for u in (self.user_a, self.user_b, self.user_c, user_d)]
        self.assertEqual(team_ranks, [1, 2, 1, 2])
