from datetime import date

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestSeveralTeams(SalesAssessmentCase):
    """A salesperson in several teams (Odoo's multi-team setting) has one
    evaluation per scorecard, in their main team when it is covered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("sales_team.membership_multi", True)
        cls.leader_2 = new_test_user(
            cls.env, "sa_leader_2",
            groups="sales_team.group_sale_salesman,"
            "sales_assessment.group_sales_assessment_team_leader",
            name="Leo Leader",
        )
        cls.team_2.user_id = cls.leader_2
        # Ann sells in team 1 (her main team) and in team 2
        cls.env["crm.team.member"].create({"crm_team_id": cls.team_2.id, "user_id": cls.user_a.id})
        cls.revenue = cls.kpi("revenue_ordered")
        cls.make_order(cls.user_a, cls.customers[0], 500.0, date(2025, 1, 5))
        cls.make_order(cls.user_c, cls.customers[1], 900.0, date(2025, 1, 5))

    def test_one_evaluation_in_the_main_team(self):
        self.assertEqual(self.user_a.sale_team_id, self.team_1)
        cycle = self.make_cycle(self.make_template([(self.revenue, 100, {})]))
        cycle.action_open()
        evaluations = cycle.evaluation_ids.filtered(lambda e: e.user_id == self.user_a)
        self.assertEqual(len(evaluations), 1)
        self.assertEqual(evaluations.team_id, self.team_1)
        self.assertEqual(evaluations.member_team_ids, self.team_1 | self.team_2)

    def test_first_covered_team_when_main_team_is_not_covered(self):
        template = self.make_template([(self.revenue, 100, {})], users_teams=self.team_2)
        cycle = self.make_cycle(template)
        cycle.action_open()
        evaluation = self.evaluation(cycle, self.user_a)
        self.assertEqual(evaluation.team_id, self.team_2)
        self.assertEqual(evaluation.member_team_ids, self.team_2)

    def test_main_team_covered_even_when_joined_later(self):
        self.user_b.crm_team_member_ids.unlink()
        self.env["crm.team.member"].create({"crm_team_id": self.team_2.id,
                                            "user_id": self.user_b.id})
        self.env["crm.team.member"].create({"crm_team_id": self.team_1.id,
                                            "user_id": self.user_b.id})
        self.assertEqual(self.user_b.sale_team_id, self.team_2)
        cycle = self.make_cycle(self.make_template([(self.revenue, 100, {})]))
        cycle.action_open()
        self.assertEqual(self.evaluation(cycle, self.user_b).team_id, self.team_2)

    def test_leaders_of_every_covered_team_read_it(self):
        cycle = self.make_cycle(self.make_template([(self.revenue, 100, {})]))
        cycle.action_open()
        evaluation = self.evaluation(cycle, self.user_a)
        Evaluation = self.env["sales.assessment.evaluation"]
        for leader in (self.leader, self.leader_2):
            visible = Evaluation.with_user(leader).search([("cycle_id", "=", cycle.id)])
            self.assertIn(evaluation, visible, leader.name)
            self.assertTrue(evaluation.line_ids.with_user(leader).read(["actual_value"]))
        # team 2's leader does not see team 1's other members
        self.assertNotIn(
            self.evaluation(cycle, self.user_b),
            Evaluation.with_user(self.leader_2).search([("cycle_id", "=", cycle.id)]),
        )

    def test_team_rank_inside_the_evaluation_team(self):
        cycle = self.make_cycle(self.make_template([(self.revenue, 100, {})]))
        self.set_targets(cycle, self.revenue,
                         {self.user_a: 1000, self.user_b: 0, self.user_c: 1000})
        cycle.action_open()
        eval_a, eval_c = self.evaluation(cycle, self.user_a), self.evaluation(cycle, self.user_c)
        # Bob 100 (target 0, actual 0), Cid 90, Ann 50; Cid alone in team 2's ranking
        self.assertEqual((eval_c.rank, eval_c.team_rank), (2, 1))
        self.assertEqual(eval_a.rank, 3)
        self.assertEqual(eval_a.team_id, self.team_1)
        self.assertEqual(eval_a.team_rank, 2)  # behind Bob's 100 % (target 0, actual 0)

    def test_membership_change_moves_open_evaluation(self):
        template = self.make_template([(self.revenue, 100, {})], users_teams=self.team_2)
        cycle = self.make_cycle(template)
        cycle.action_open()
        self.assertEqual(self.evaluation(cycle, self.user_a).team_id, self.team_2)
        template.team_ids = [Command.link(self.team_1.id)]
        cycle.action_refresh()
        evaluation = self.evaluation(cycle, self.user_a)
        self.assertEqual(len(evaluation), 1)
        self.assertEqual(evaluation.team_id, self.team_1)
