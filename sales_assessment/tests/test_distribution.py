from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestForcedDistribution(SalesAssessmentCase):
    """DESIGN.md "Forced distribution": capacities, ties at a boundary, the
    grade by score kept apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_d = new_test_user(cls.env, "sa_user_d", groups="sales_team.group_sale_salesman",
                                   name="Dan Seller")
        cls.user_e = new_test_user(cls.env, "sa_user_e", groups="sales_team.group_sale_salesman",
                                   name="Eve Seller")
        cls.team_2.member_ids = [Command.link(cls.user_d.id), Command.link(cls.user_e.id)]
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.satisfaction, 100, {})])
        cls.grade = {g: cls.env.ref(f"sales_assessment.grade_{g}") for g in "abcd"}
        cls.sellers = cls.user_a | cls.user_b | cls.user_c | cls.user_d | cls.user_e

    def close_with(self, caps, scores):
        self.template.distribution_ids = [
            Command.create({"grade_id": self.grade[g].id, "max_percent": p}) for g, p in caps.items()
        ]
        cycle = self.make_cycle(self.template)
        self.set_targets(cycle, self.satisfaction, {user: 100 for user in self.sellers})
        cycle.action_open()
        for user, score in zip(self.sellers, scores):
            self.line(cycle, user, self.satisfaction).manual_value = score
        cycle.action_close()
        return [self.evaluation(cycle, user) for user in self.sellers]

    def grades(self, evaluations, fname="grade_id"):
        return "".join(ev[fname].name for ev in evaluations)

    def test_tie_at_the_boundary_drops_entirely(self):
        # A at most 40 % of 5 = 2: 95 keeps A; the two 92s tie and do not both fit
        evaluations = self.close_with({"a": 40}, [95, 92, 92, 80, 50])
        self.assertEqual(self.grades(evaluations), "ABBBD")
        self.assertEqual(self.grades(evaluations, "score_grade_id"), "AAABD")
        self.assertEqual([ev.rank for ev in evaluations], [1, 2, 2, 4, 5])

    def test_closed_grade_turns_away_everyone_ranked_below(self):
        # B at most 20 % (1 place): the tied 92s dropped from A do not fit,
        # and the 80 ranked below them cannot take the place they were refused
        evaluations = self.close_with({"a": 40, "b": 20}, [95, 92, 92, 80, 50])
        self.assertEqual(self.grades(evaluations), "ACCCD")

    def test_capacity_is_floored(self):
        # 10 % of 5 is 0.5: nobody holds A
        evaluations = self.close_with({"a": 10}, [99, 98, 50, 40, 30])
        self.assertEqual(self.grades(evaluations), "BBDDD")
        self.assertEqual(self.grades(evaluations, "score_grade_id"), "AADDD")

    def test_without_distribution_grade_is_score_grade(self):
        evaluations = self.close_with({}, [95, 92, 92, 80, 50])
        self.assertEqual(self.grades(evaluations), "AAABD")
        self.assertEqual(self.grades(evaluations, "score_grade_id"), "AAABD")

    def test_bad_distribution_refused(self):
        line = {"grade_id": self.grade["a"].id}
        for percent in (-1, 101, float("nan"), float("inf")):
            with self.subTest(percent=percent), self.assertRaises(ValidationError):
                self.template.write({"distribution_ids": [
                    Command.create(dict(line, max_percent=percent))]})
        other = self.env["sales.assessment.grade"].create({"name": "Z", "min_score": 99})
        with self.assertRaises(ValidationError) as caught:
            self.template.write({"distribution_ids": [
                Command.create({"grade_id": other.id, "max_percent": 10})]})
        self.assertIn("does not give", str(caught.exception))
        self.template.write({"distribution_ids": [Command.create(dict(line, max_percent=20))]})
        # the database refuses a second line of a grade (over RPC: its message)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.template.write({"distribution_ids": [
                Command.create(dict(line, max_percent=30))]})
        self.assertEqual(self.template.distribution_ids.mapped("max_percent"), [20.0])

    def test_salesperson_cannot_change_distribution(self):
        with self.assertRaises(AccessError):
            self.template.with_user(self.user_a).write({"distribution_ids": [
                Command.create({"grade_id": self.grade["a"].id, "max_percent": 100})]})
