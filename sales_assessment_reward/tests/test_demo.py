from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestRewardDemoData(TransactionCase):
    """Installed with demo data, the closed demo quarter has proposals made by
    the demo rules, waiting for approval."""

    def test_demo_rules_make_proposals(self):
        if not self.env.ref("base.module_sales_assessment_reward").demo:
            self.skipTest("installed without demo data")
        template = self.env.ref("sales_assessment.template_salesperson")
        rules = self.env["sales.assessment.reward.rule"].search(
            [("template_ids", "in", template.ids)])
        self.assertGreaterEqual(len(rules), 5)
        cycle = self.env["sales.assessment.cycle"].search(
            [("name", "like", "(demo)"), ("state", "=", "closed")])
        self.assertTrue(cycle.reward_ids)
        self.assertEqual(set(cycle.reward_ids.mapped("state")), {"to_approve"})
        self.assertTrue(cycle.reward_ids.activity_ids)
        for reward in cycle.reward_ids.filtered(lambda r: r.reward_type == "penalty"):
            self.assertLess(reward.amount, 0)
