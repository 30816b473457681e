from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAssessmentReport(TransactionCase):
    """The analysis has one row per evaluation line, with the line's figures,
    and keeps salespeople to their own rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_a = new_test_user(cls.env, "sa_rep_a", groups="sales_team.group_sale_salesman")
        cls.user_b = new_test_user(cls.env, "sa_rep_b", groups="sales_team.group_sale_salesman")
        team = cls.env["crm.team"].create(
            {"name": "SA report team", "member_ids": [Command.set((cls.user_a | cls.user_b).ids)]}
        )
        kpi = cls.env.ref("sales_assessment.kpi_customer_satisfaction")
        template = cls.env["sales.assessment.template"].create({
            "name": "SA report scorecard", "team_ids": [Command.set(team.ids)],
            "line_ids": [Command.create({"kpi_id": kpi.id, "weight": 100})],
        })
        cls.cycle = cls.env["sales.assessment.cycle"].create({
            "name": "SA report cycle", "period_type": "custom",
            "date_start": "2018-01-01", "date_end": "2018-03-31",
            "template_ids": [Command.set(template.ids)],
        })
        cls.env["sales.assessment.target"].create([
            {"cycle_id": cls.cycle.id, "kpi_id": kpi.id, "user_id": u.id, "target_value": 80}
            for u in (cls.user_a, cls.user_b)
        ])
        cls.cycle.action_open()
        for line, value in zip(cls.cycle.evaluation_ids.line_ids, (60, 100)):
            line.manual_value = value
        cls.cycle.action_close()

    def test_rows_match_evaluation_lines(self):
        rows = self.env["sales.assessment.report"].search([("cycle_id", "=", self.cycle.id)])
        lines = self.cycle.evaluation_ids.line_ids
        self.assertEqual(sorted(rows.ids), sorted(lines.ids))
        self.assertEqual(sorted(rows.mapped("actual_value")), [60.0, 100.0])
        [[total]] = self.env["sales.assessment.report"]._read_group(
            [("cycle_id", "=", self.cycle.id)], [], ["weighted_score:sum"]
        )
        self.assertAlmostEqual(total, sum(lines.mapped("weighted_score")))

    def test_salesperson_sees_own_rows(self):
        rows = self.env["sales.assessment.report"].with_user(self.user_a).search(
            [("cycle_id", "=", self.cycle.id)]
        )
        self.assertEqual(rows.user_id, self.user_a)
        other = self.env["sales.assessment.report"].search(
            [("cycle_id", "=", self.cycle.id), ("user_id", "=", self.user_b.id)]
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_a).read(["score"])
