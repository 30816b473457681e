from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestFrozenCycle(SalesAssessmentCase):
    """A closed cycle is frozen for everyone, managers and superuser included,
    until it is reopened."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.revenue, 50, {}), (cls.satisfaction, 50, {})])
        cls.cycle = cls.make_cycle(cls.template)
        cls.env["sales.assessment.target"].create({
            "cycle_id": cls.cycle.id, "kpi_id": cls.revenue.id, "user_id": cls.user_a.id,
            "target_value": 1000,
        })
        cls.cycle.action_open()
        cls.cycle.action_close()
        cls.evaluation_a = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_a)
        cls.manual_line = cls.evaluation_a.line_ids.filtered(
            lambda ln: ln.kpi_id == cls.satisfaction)

    def assertFrozen(self, function):
        for env_user in (self.manager, self.env.ref("base.user_admin")):
            with self.subTest(user=env_user.login), \
                    self.assertRaisesRegex(UserError, "Reopen the cycle first"):
                function(env_user)
        with self.assertRaisesRegex(UserError, "Reopen the cycle first"):
            function(None)

    def as_user(self, records, user):
        return records.with_user(user) if user else records.sudo()

    def test_target_write_create_unlink(self):
        target = self.cycle.target_ids
        self.assertFrozen(lambda u: self.as_user(target, u).write({"target_value": 5}))
        self.assertFrozen(lambda u: self.as_user(target, u).unlink())
        self.assertFrozen(lambda u: self.as_user(self.env["sales.assessment.target"], u).create({
            "cycle_id": self.cycle.id, "kpi_id": self.revenue.id, "user_id": self.user_b.id,
            "target_value": 1,
        }))

    def test_manual_value(self):
        self.assertFrozen(lambda u: self.as_user(self.manual_line, u).write({"manual_value": 9}))

    def test_scores_and_lines(self):
        line = self.evaluation_a.line_ids[:1]
        self.assertFrozen(lambda u: self.as_user(line, u).write({"score": 1}))
        self.assertFrozen(lambda u: self.as_user(line, u).unlink())
        self.assertFrozen(lambda u: self.as_user(self.env["sales.assessment.evaluation.line"],
                                                 u).create({
            "evaluation_id": self.evaluation_a.id, "kpi_id": self.kpi("won").id,
        }))
        self.assertFrozen(lambda u: self.as_user(self.evaluation_a, u).write({"total_score": 1}))
        self.assertFrozen(lambda u: self.as_user(self.evaluation_a, u).write(
            {"grade_id": self.env.ref("sales_assessment.grade_a").id}))
        self.assertFrozen(lambda u: self.as_user(self.evaluation_a, u).write({"rank": 9}))
        self.assertFrozen(lambda u: self.as_user(self.evaluation_a, u).unlink())

    def test_cycle_definition(self):
        self.assertFrozen(lambda u: self.as_user(self.cycle, u).write({"tz": "Asia/Shanghai"}))
        self.assertFrozen(lambda u: self.as_user(self.cycle, u).write(
            {"date_end": self.date_to.replace(day=30)}))
        self.assertFrozen(lambda u: self.as_user(self.cycle, u).write(
            {"template_ids": [Command.clear()]}))

    def test_reopened_cycle_accepts_changes(self):
        self.cycle.with_context(reopen_reason="Late survey").action_reopen()
        self.manual_line.with_user(self.manager).manual_value = 90
        self.cycle.target_ids.with_user(self.manager).target_value = 500
        self.cycle.action_close()
        self.assertEqual(self.manual_line.actual_value, 90)
        self.assertEqual(self.evaluation_a.line_ids.filtered(
            lambda ln: ln.kpi_id == self.revenue).target_value, 500)

    def test_comments_stay_open(self):
        self.evaluation_a.with_user(self.user_a).self_comment = "<p>Thanks</p>"
        self.evaluation_a.with_user(self.manager).manager_comment = "<p>Well done</p>"
        self.assertIn("Well done", self.evaluation_a.manager_comment)
