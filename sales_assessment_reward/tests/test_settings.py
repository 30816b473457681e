from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestRewardSettings(TransactionCase):
    def test_threshold_is_a_company_setting(self):
        company = self.env.company
        self.assertEqual(company.sales_assessment_reward_threshold, 1000.0)
        settings = self.env["res.config.settings"].create(
            {"sales_assessment_reward_threshold": 2500.0}
        )
        settings.execute()
        self.assertEqual(company.sales_assessment_reward_threshold, 2500.0)
        other = self.env["res.company"].create({"name": "SA Reward Co"})
        self.assertEqual(other.sales_assessment_reward_threshold, 1000.0)
