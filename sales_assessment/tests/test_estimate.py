from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestEstimate(SalesAssessmentCase):
    """DESIGN.md, what-if estimator: the scorecard's engine scores the typed
    figures (methods, caps, gates, without-target rescaling, grade by score),
    nothing is written, and only who may read the evaluation may estimate it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([
            (cls.revenue, 60, {"cap_achievement": 0}),
            (cls.satisfaction, 40, {"scoring_method": "gate", "min_achievement": 60}),
        ])
        cls.grade = {g: cls.env.ref(f"sales_assessment.grade_{g}") for g in "abcd"}

    def setUp(self):
        super().setUp()
        self.make_order(self.user_a, self.customers[0], 500, date(2025, 2, 1))
        self.cycle = self.make_cycle(self.template)
        self.set_targets(self.cycle, self.revenue, {self.user_a: 1000, self.user_b: 1000})
        self.set_targets(self.cycle, self.satisfaction, {self.user_a: 100, self.user_b: 100})
        self.cycle.action_open()
        self.line(self.cycle, self.user_a, self.satisfaction).manual_value = 70
        self.cycle.action_refresh()
        self.ev_a = self.evaluation(self.cycle, self.user_a)

    def open_estimate(self, user, evaluation=None):
        evaluation = (evaluation or self.ev_a).with_user(user)
        action = evaluation.action_open_estimate()
        self.assertEqual((action["res_model"], action["target"]),
                         ("sales.assessment.estimate", "new"))
        return self.env["sales.assessment.estimate"].with_user(user).browse(action["res_id"])

    def what_if(self, estimate, kpi, value):
        estimate.line_ids.filtered(lambda ln: ln.kpi_id == kpi).what_if_value = value

    def test_defaults_are_the_figures_and_score_as_the_close(self):
        estimate = self.open_estimate(self.user_a)
        # the lines follow the evaluation's, whose scorecard lines share a sequence
        lines = estimate.line_ids.sorted(lambda ln: ln.kpi_id != self.revenue)
        self.assertRecordValues(lines, [
            {"kpi_id": self.revenue.id, "actual_value": 500.0, "what_if_value": 500.0,
             "target_value": 1000.0, "has_target": True},
            {"kpi_id": self.satisfaction.id, "actual_value": 70.0, "what_if_value": 70.0,
             "target_value": 100.0, "has_target": True},
        ])
        # unchanged figures estimate the evaluation's own score: 60 % × 50 + 40 % × 70
        self.assertEqual(self.ev_a.total_score, 58.0)
        self.assertEqual(estimate.estimated_score, self.ev_a.total_score)
        self.assertEqual(estimate.estimated_grade_id, self.grade["d"])

    def test_what_if_values_score_by_the_line_rules(self):
        estimate = self.open_estimate(self.user_a)
        self.what_if(estimate, self.revenue, 1500)
        revenue_line = estimate.line_ids.filtered(lambda ln: ln.kpi_id == self.revenue)
        # 1500 of 1000: 150 %, linear without cap scores 150
        self.assertEqual((revenue_line.estimated_achievement, revenue_line.estimated_line_score),
                         (150.0, 150.0))
        # 60 % × 150 + 40 % × 70 = 90 + 28 = 118: grade A (from 90)
        self.assertEqual(estimate.estimated_score, 118.0)
        self.assertEqual(estimate.estimated_grade_id, self.grade["a"])
        # below the gate of 60 %, satisfaction scores 0: 90 + 0 = 90, still A
        self.what_if(estimate, self.satisfaction, 50)
        self.assertEqual(estimate.estimated_score, 90.0)
        # 60 % × 100 + 40 % × 70 = 88: grade B (from 75)
        self.what_if(estimate, self.revenue, 1000)
        self.what_if(estimate, self.satisfaction, 70)
        self.assertEqual(estimate.estimated_score, 88.0)
        self.assertEqual(estimate.estimated_grade_id, self.grade["b"])

    def test_cap_and_missing_target_as_the_close(self):
        self.template.line_ids.filtered(
            lambda ln: ln.kpi_id == self.revenue).cap_achievement = 120
        estimate = self.open_estimate(self.user_a)
        self.what_if(estimate, self.revenue, 1500)
        # capped at 120: 60 % × 120 + 40 % × 70 = 72 + 28 = 100
        self.assertEqual(estimate.estimated_score, 100.0)
        # a line without target counts for nothing: the other weighs 100 %
        estimate.line_ids.filtered(lambda ln: ln.kpi_id == self.satisfaction).has_target = False
        self.assertEqual(estimate.estimated_score, 120.0)
        estimate.line_ids.has_target = False
        self.assertFalse(estimate.has_estimate)
        self.assertFalse(estimate.estimated_grade_id)

    def test_nothing_is_written(self):
        fields_ = ["actual_value", "achievement", "score", "weighted_score"]
        before = self.ev_a.line_ids.read(fields_)
        total, grade = self.ev_a.total_score, self.ev_a.grade_id
        estimate = self.open_estimate(self.user_a)
        self.what_if(estimate, self.revenue, 5000)
        self.assertEqual(estimate.estimated_score, 328.0)
        self.env.invalidate_all()
        self.assertEqual(self.ev_a.line_ids.read(fields_), before)
        self.assertEqual((self.ev_a.total_score, self.ev_a.grade_id), (total, grade))

    def test_typed_numbers_are_finite(self):
        estimate = self.open_estimate(self.user_a)
        with self.assertRaises(ValidationError):
            self.what_if(estimate, self.revenue, float("nan"))

    def test_access(self):
        # the salesperson, their leader and a manager may estimate
        for user in (self.user_a, self.leader, self.manager):
            self.assertEqual(self.open_estimate(user).estimated_score, 58.0)
        # another salesperson may not, nor by creating the estimate directly
        with self.assertRaises(AccessError):
            self.open_estimate(self.user_b)
        with self.assertRaises(AccessError):
            self.env["sales.assessment.estimate"].with_user(self.user_b).create(
                {"evaluation_id": self.ev_a.id})
        _company, other_manager = self.make_other_company_manager()
        with self.assertRaises(AccessError):
            self.env["sales.assessment.estimate"].with_user(other_manager).create(
                {"evaluation_id": self.ev_a.id})

    def test_only_open_cycles(self):
        self.cycle.action_close()
        with self.assertRaises(UserError):
            self.open_estimate(self.user_a)
