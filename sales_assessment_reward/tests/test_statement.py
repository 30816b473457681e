from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sales_assessment.tests.test_statement import REPORT, pdf_text

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardStatement(RewardCase):
    """The statement of an evaluation lists its rewards, with their amounts
    in the company's currency and their status; cancelled ones are left out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bonus = cls.make_rule(
            "Grade A bonus", sequence=10, grade_ids=[(6, 0, cls.grade["a"].ids)],
            reward_type="bonus", amount=1234.5,
        )
        cls.training = cls.make_rule("Coaching plan", sequence=20, reward_type="training")

    def setUp(self):
        super().setUp()
        self.cycle = self.closed_cycle({self.user_a: 95.0, self.user_b: 40.0})
        self.eval_a = self.evaluation(self.cycle, self.user_a)

    def render(self, user):
        Report = self.env["ir.actions.report"].with_user(user).with_context(
            force_report_rendering=True)
        content, report_type = Report._render_qweb_pdf(REPORT, self.eval_a.ids)
        self.assertEqual(report_type, "pdf")
        return pdf_text(content)

    def test_statement_lists_the_rewards(self):
        text = self.render(self.user_a)
        self.assertIn("Rewards", text)
        bonus_row = next(row for row in text.splitlines() if "Grade A bonus" in row)
        self.assertIn("1,234.50", bonus_row)
        self.assertIn(self.company.currency_id.symbol, bonus_row)
        self.assertIn("Draft", bonus_row)
        self.assertIn("Coaching plan", text)
        # the leader reads the same rewards
        self.assertIn("1,234.50", self.render(self.leader))

    def test_cancelled_rewards_left_out(self):
        self.reward(self.cycle, self.user_a, self.training).with_user(
            self.manager).action_cancel()
        text = self.render(self.user_a)
        self.assertIn("Grade A bonus", text)
        self.assertNotIn("Coaching plan", text)

    def test_other_salesperson_gets_no_statement(self):
        Report = self.env["ir.actions.report"].with_user(self.user_b).with_context(
            force_report_rendering=True)
        with self.assertRaises(AccessError):
            Report._render_qweb_pdf(REPORT, self.eval_a.ids)
