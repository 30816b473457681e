from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestRewardDemoData(TransactionCase):
    """Installed with demo data, the closed demo quarters show every step of
    the workflow: the oldest paid, the next approved, the latest waiting for
    approval, with one accepted and one open dispute."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycles = cls.env["sales.assessment.cycle"].search(
            [("name", "like", "(demo)"), ("state", "=", "closed")], order="date_start")

    def setUp(self):
        super().setUp()
        if not self.env.ref("base.module_sales_assessment_reward").demo:
            self.skipTest("installed without demo data")

    def test_demo_rules_make_proposals(self):
        template = self.env.ref("sales_assessment.template_salesperson")
        rules = self.env["sales.assessment.reward.rule"].search(
            [("template_ids", "in", template.ids)])
        self.assertGreaterEqual(len(rules), 5)
        self.assertTrue(self.cycles.reward_ids)
        for reward in self.cycles.reward_ids.filtered(lambda r: r.reward_type == "penalty"):
            self.assertLess(reward.amount, 0)

    def test_oldest_quarter_is_paid_under_a_payout_reference(self):
        paid = self.cycles[0].reward_ids.filtered(lambda r: r.state == "done")
        self.assertTrue(paid)
        self.assertTrue(all(paid.mapped("payout_reference")))
        self.assertTrue(paid.mapped("leader_approver_id") | paid.mapped("manager_approver_id"))
        reference = paid[0].payout_reference
        self.assertEqual(self.cycles[0]._get_paid_rewards(reference),
                         paid.filtered(lambda r: r.payout_reference == reference))

    def test_next_quarter_is_approved_and_waits_for_its_payout(self):
        approved = self.cycles[1].reward_ids.filtered(lambda r: r.state == "approved")
        self.assertTrue(approved)
        self.assertFalse(approved.filtered("payout_reference"))
        self.assertFalse(approved.activity_ids, "nothing left to approve on them")

    def test_latest_quarter_waits_for_the_team_leaders(self):
        waiting = self.cycles[-1].reward_ids
        self.assertEqual(set(waiting.mapped("state")), {"to_approve"})
        self.assertTrue(waiting.activity_ids)
        leaders = waiting.team_id.user_id
        self.assertTrue(waiting.filtered(lambda r: r.with_user(leaders[0]).can_approve))

    def test_one_accepted_and_one_open_dispute(self):
        disputes = self.cycles[-1].evaluation_ids.dispute_ids
        self.assertEqual(sorted(disputes.mapped("state")), ["accepted", "open"])
        accepted = disputes.filtered(lambda d: d.state == "accepted")
        self.assertTrue(accepted.answer)
        self.assertEqual(accepted.correction_line_id.manual_value, accepted.corrected_value)
        opened = disputes - accepted
        self.assertEqual(opened.activity_ids.user_id, opened.team_id.user_id)
        self.assertFalse(accepted.activity_ids)
