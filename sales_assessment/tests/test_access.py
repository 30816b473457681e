from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestAccess(SalesAssessmentCase):
    """Record rules keep salespeople to their own figures, team leaders to
    their teams, and companies apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.satisfaction, 100, {})])
        cls.cycle = cls.make_cycle(cls.template)
        cls.cycle.action_open()
        cls.eval_a = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_a)
        cls.eval_c = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_c)

    def test_salesperson_reads_only_own(self):
        Evaluation = self.env["sales.assessment.evaluation"].with_user(self.user_a)
        self.assertEqual(Evaluation.search([("cycle_id", "=", self.cycle.id)]), self.eval_a)
        with self.assertRaises(AccessError):
            self.eval_c.with_user(self.user_a).read(["total_score"])
        lines = self.env["sales.assessment.evaluation.line"].with_user(self.user_a).search([])
        self.assertEqual(lines.evaluation_id, self.eval_a)

    def test_salesperson_cannot_write_figures(self):
        with self.assertRaises(AccessError):
            self.eval_a.with_user(self.user_a).write({"total_score": 100})
        with self.assertRaises(AccessError):
            self.eval_a.line_ids.with_user(self.user_a).write({"manual_value": 100})
        with self.assertRaises(AccessError):
            self.env["sales.assessment.target"].with_user(self.user_a).create({
                "cycle_id": self.cycle.id, "kpi_id": self.satisfaction.id,
                "user_id": self.user_a.id, "target_value": 1,
            })
        self.eval_a.with_user(self.user_a).write({"self_comment": "<p>I did well</p>"})
        self.assertIn("I did well", self.eval_a.self_comment)

    def test_team_leader_sees_own_team(self):
        Evaluation = self.env["sales.assessment.evaluation"].with_user(self.leader)
        visible = Evaluation.search([("cycle_id", "=", self.cycle.id)])
        self.assertEqual(visible.user_id, self.user_a | self.user_b)
        with self.assertRaises(AccessError):
            self.eval_c.with_user(self.leader).read(["total_score"])
        line = self.eval_a.line_ids.with_user(self.leader)
        line.manual_value = 88
        self.assertEqual(line.manual_value, 88)

    def test_other_company_sees_nothing(self):
        company_b = self.env["res.company"].create({"name": "SA Company B"})
        user_b_co = self.env["res.users"].create({
            "name": "SA B manager", "login": "sa_b_manager",
            "company_id": company_b.id, "company_ids": [Command.set(company_b.ids)],
            "groups_id": [Command.set(self.env.ref("sales_team.group_sale_manager").ids)],
        })
        for model in ("sales.assessment.evaluation", "sales.assessment.cycle",
                      "sales.assessment.template", "sales.assessment.evaluation.line"):
            self.assertFalse(self.env[model].with_user(user_b_co).search([]), model)
        with self.assertRaises(AccessError):
            self.cycle.with_user(user_b_co).read(["name"])

    def test_leader_cannot_assess_themselves(self):
        self.team_1.member_ids = [Command.link(self.leader.id)]
        self.cycle.action_refresh()
        own = self.cycle.evaluation_ids.filtered(lambda e: e.user_id == self.leader)
        self.assertTrue(own)
        with self.assertRaises(AccessError):
            own.line_ids.with_user(self.leader).write({"manual_value": 100})
        with self.assertRaises(AccessError):
            own.with_user(self.leader).write({"manager_comment": "<p>Great job, me</p>"})
        with self.assertRaises(AccessError):
            own.with_user(self.leader).write({"state": "published"})
        with self.assertRaises(AccessError):
            own.with_user(self.leader).action_confirm()
        self.eval_a.with_user(self.leader).action_confirm()
        self.assertEqual(self.eval_a.state, "confirmed")
