from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestWithoutTarget(SalesAssessmentCase):
    """DESIGN.md scoring, *without target*: a KPI without target record shows
    its actual and counts for nothing, the other weights are scaled to sum
    100, and an evaluation without any target has no total, grade or rank."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.revenue = cls.kpi("revenue_ordered")
        cls.template = cls.make_template([(cls.satisfaction, 40, {}), (cls.revenue, 60, {})])

    def open_cycle(self, satisfaction_targets, revenue_targets, **cycle_vals):
        cycle = self.make_cycle(self.template, **cycle_vals)
        self.set_targets(cycle, self.satisfaction, satisfaction_targets)
        self.set_targets(cycle, self.revenue, revenue_targets)
        return cycle, cycle.action_open()

    def test_missing_target_rescales_weights(self):
        self.make_order(self.user_a, self.customers[0], 500, date(2025, 2, 1))
        cycle, _warning = self.open_cycle({self.user_a: 100}, {})
        self.line(cycle, self.user_a, self.satisfaction).manual_value = 80
        cycle.action_close()
        sat = self.line(cycle, self.user_a, self.satisfaction)
        rev = self.line(cycle, self.user_a, self.revenue)
        self.assertEqual((rev.actual_value, rev.achievement), (500.0, 0.0))
        self.assertRecordValues(sat | rev, [
            {"has_target": True, "weight": 100.0, "score": 80.0, "weighted_score": 80.0},
            {"has_target": False, "weight": 0.0, "score": 0.0, "weighted_score": 0.0},
        ])
        evaluation = self.evaluation(cycle, self.user_a)
        # 80 % of the only KPI with a target, not 40 % × 80 + 60 % × 100 (phantom full score)
        self.assertEqual(evaluation.total_score, 80.0)
        self.assertEqual(evaluation.grade_id, self.env.ref("sales_assessment.grade_b"))

    def test_explicit_zero_target_keeps_its_rule(self):
        cycle, _warning = self.open_cycle({self.user_a: 100}, {self.user_a: 0})
        self.line(cycle, self.user_a, self.satisfaction).manual_value = 50
        cycle.action_close()
        rev = self.line(cycle, self.user_a, self.revenue)
        self.assertEqual((rev.has_target, rev.weight, rev.achievement), (True, 60.0, 100.0))
        self.assertEqual(self.evaluation(cycle, self.user_a).total_score, 80.0)

    def test_no_target_at_all_has_no_result_and_is_not_published(self):
        cycle, _warning = self.open_cycle(
            {self.user_b: 100}, {self.user_b: 1000})
        self.line(cycle, self.user_b, self.satisfaction).manual_value = 50
        cycle.action_close()
        nothing = self.evaluation(cycle, self.user_a)
        self.assertRecordValues(nothing, [{
            "has_target": False, "total_score": 0.0, "grade_id": False, "rank": 0,
            "team_rank": 0, "state": "draft",
        }])
        scored = self.evaluation(cycle, self.user_b)
        # ranked alone: the salespeople without any target do not take places
        self.assertRecordValues(scored, [{"has_target": True, "rank": 1, "team_rank": 1,
                                          "state": "published", "total_score": 20.0}])
        self.assertFalse(cycle.evaluation_ids.filtered(
            lambda e: e.state == "published" and not e.has_target))

    def test_open_warns_with_the_count(self):
        # three salespeople × two KPIs, one target set: five missing
        cycle, warning = self.open_cycle({self.user_a: 100}, {})
        self.assertEqual(cycle.missing_target_count, 5)
        self.assertEqual(warning["params"]["type"], "warning")
        self.assertIn("5", warning["params"]["message"])
        self.assertIn("5 targets missing", cycle.message_ids[0].body)
        complete, no_warning = self.open_cycle(
            {u: 100 for u in (self.user_a, self.user_b, self.user_c)},
            {u: 100 for u in (self.user_a, self.user_b, self.user_c)},
            name="Complete", date_from=date(2025, 4, 1), date_to=date(2025, 6, 30))
        self.assertIs(no_warning, True)
        self.assertEqual(complete.missing_target_count, 0)

    def test_missing_count_before_open(self):
        cycle = self.make_cycle(self.template)
        self.set_targets(cycle, self.revenue, {self.user_a: 100, self.user_b: 100})
        self.assertEqual(cycle.missing_target_count, 4)


@tagged("post_install", "-at_install")
class TestCopyPreviousTargets(SalesAssessmentCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.revenue, 50, {}), (cls.satisfaction, 50, {})])
        month = {"period_type": "month"}
        cls.older = cls.make_cycle(cls.template, date(2025, 1, 1), date(2025, 1, 31),
                                   name="Jan", **month)
        cls.previous = cls.make_cycle(cls.template, date(2025, 2, 1), date(2025, 2, 28),
                                      name="Feb", **month)
        cls.current = cls.make_cycle(cls.template, date(2025, 3, 1), date(2025, 3, 31),
                                     name="Mar", **month)
        cls.quarter = cls.make_cycle(cls.template, date(2024, 10, 1), date(2024, 12, 31),
                                     name="Q4", period_type="quarter")
        Target = cls.env["sales.assessment.target"]
        for cycle, value in ((cls.older, 1), (cls.quarter, 3), (cls.previous, 2)):
            Target.create([
                {"cycle_id": cycle.id, "kpi_id": kpi.id, "user_id": user.id,
                 "target_value": value * 1000}
                for kpi in (cls.revenue, cls.satisfaction)
                for user in (cls.user_a, cls.user_b, cls.user_c)
            ])

    def targets(self, cycle):
        return {(t.kpi_id, t.user_id): t.target_value for t in cycle.target_ids}

    def test_copies_latest_earlier_cycle_of_same_type_for_missing_only(self):
        self.set_targets(self.current, self.revenue, {self.user_a: 7777})
        result = self.current.with_user(self.manager).action_copy_previous_targets()
        targets = self.targets(self.current)
        self.assertEqual(len(targets), 6)
        # the one already set is kept; the others come from February, not
        # January or the quarter
        self.assertEqual(targets[(self.revenue, self.user_a)], 7777)
        self.assertEqual(
            {value for key, value in targets.items() if key != (self.revenue, self.user_a)},
            {2000})
        self.assertIn("5", result["params"]["message"])
        self.assertIn("Feb", result["params"]["message"])
        self.assertEqual(self.current.missing_target_count, 0)
        # a second copy finds nothing left to copy
        self.current.action_copy_previous_targets()
        self.assertEqual(len(self.current.target_ids), 6)

    def test_copy_into_open_cycle_counts_at_once(self):
        self.current.action_open()
        self.assertEqual(self.current.missing_target_count, 6)
        self.current.action_copy_previous_targets()
        self.assertEqual(self.current.missing_target_count, 0)
        line = self.line(self.current, self.user_a, self.revenue)
        self.assertEqual((line.has_target, line.target_value), (True, 2000.0))

    def test_cancelled_cycle_is_skipped_and_no_previous_is_refused(self):
        self.previous.action_cancel()
        self.current.action_copy_previous_targets()
        self.assertEqual(set(self.targets(self.current).values()), {1000})
        with self.assertRaisesRegex(UserError, "no earlier"):
            self.older.action_copy_previous_targets()

    def test_closed_cycle_and_salesperson_refused(self):
        with self.assertRaises(AccessError):
            self.current.with_user(self.user_a).action_copy_previous_targets()
        self.assertFalse(self.current.target_ids)
        self.set_targets(self.current, self.revenue,
                         {u: 1 for u in (self.user_a, self.user_b, self.user_c)})
        self.set_targets(self.current, self.satisfaction,
                         {u: 1 for u in (self.user_a, self.user_b, self.user_c)})
        self.current.action_open()
        self.current.action_close()
        with self.assertRaisesRegex(UserError, "draft or open"):
            self.current.action_copy_previous_targets()


@tagged("post_install", "-at_install")
class TestWithoutTargetFiguresAreSystemOnly(SalesAssessmentCase):
    """Nobody but the computation says whether an evaluation has a target or
    which grade its score earns."""

    def test_salesperson_and_leader_cannot_write_figures(self):
        revenue = self.kpi("revenue_ordered")
        cycle = self.make_cycle(self.make_template([(revenue, 100, {})]))
        cycle.action_open()
        evaluation = self.evaluation(cycle, self.user_a)
        self.assertFalse(evaluation.has_target)
        grade_a = self.env.ref("sales_assessment.grade_a")
        for user, vals in ((self.user_a, {"has_target": True}),
                           (self.leader, {"score_grade_id": grade_a.id}),
                           (self.leader, {"has_target": True, "rank": 1})):
            with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                evaluation.with_user(user).write(vals)
        with self.assertRaises(AccessError):
            evaluation.line_ids.with_user(self.leader).write({"has_target": True})
        self.assertRecordValues(evaluation, [{"has_target": False, "score_grade_id": False,
                                              "rank": 0}])
