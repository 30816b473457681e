from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestDispute(RewardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.per_point = cls.make_rule("Per point", min_score=50, reward_type="bonus",
                                      amount_type="per_point", amount=10)
        cls.dispute_type = cls.env.ref("sales_assessment_reward.mail_act_dispute")

    def setUp(self):
        super().setUp()
        self.cycle = self.closed_cycle({self.user_a: 70.0, self.user_b: 80.0})
        self.evaluation_a = self.evaluation(self.cycle, self.user_a)
        self.line_a = self.line(self.cycle, self.user_a, self.satisfaction)
        self.reward_a = self.reward(self.cycle, self.user_a, self.per_point)
        self.reward_a.with_user(self.leader).action_submit()
        self.reward_a.with_user(self.leader).action_approve()
        self.dispute = self.env["sales.assessment.dispute"].with_user(self.user_a).create({
            "evaluation_id": self.evaluation_a.id,
            "reason": "Two surveys were missing from the satisfaction score",
            "line_ids": [(6, 0, self.line_a.ids)],
        })

    def test_dispute_raises_an_activity_for_the_leader(self):
        activity = self.dispute.sudo().activity_ids
        self.assertEqual(activity.activity_type_id, self.dispute_type)
        self.assertEqual(activity.user_id, self.leader)
        self.assertIn("disputes this evaluation", self.evaluation_a.message_ids[0].body)
        self.assertIn("Two surveys", self.evaluation_a.message_ids[0].body)
        self.assertEqual(self.evaluation_a.dispute_count, 1)
        # the salesperson reads their dispute, not others'
        self.assertEqual(self.dispute.with_user(self.user_a).state, "open")
        with self.assertRaises(AccessError):
            self.dispute.with_user(self.user_b).read(["reason"])

    def test_rejected_needs_an_answer_and_changes_nothing(self):
        with self.assertRaisesRegex(UserError, "answer"):
            self.dispute.with_user(self.leader).action_reject()
        with self.assertRaises(AccessError):
            self.dispute.with_user(self.leader_2).write({"answer": "No"})
        self.dispute.with_user(self.leader).answer = "The two surveys came after the close."
        rewards = self.cycle.reward_ids
        amounts = rewards.mapped("amount")
        self.dispute.with_user(self.leader).action_reject()
        self.assertEqual(self.dispute.state, "rejected")
        self.assertFalse(self.dispute.activity_ids)
        self.assertEqual(self.cycle.state, "closed")
        self.assertEqual(self.evaluation_a.total_score, 70.0)
        self.assertEqual(self.cycle.reward_ids, rewards)
        self.assertEqual(rewards.mapped("amount"), amounts)
        self.assertIn("Dispute rejected", self.evaluation_a.message_ids[0].body)

    def test_accepted_recomputes_evaluation_and_proposals(self):
        self.dispute.with_user(self.leader).answer = "Right: the surveys give 85."
        self.dispute.with_user(self.manager).write(
            {"correction_line_id": self.line_a.id, "corrected_value": 85.0}
        )
        with self.assertRaises(AccessError):
            self.dispute.with_user(self.leader).action_accept()
        self.dispute.with_user(self.manager).action_accept()
        self.assertEqual(self.dispute.state, "accepted")
        self.assertEqual(self.cycle.state, "closed")
        self.assertEqual(self.evaluation_a.total_score, 85.0)
        self.assertEqual(self.reward_a.amount, 200.0)  # approved: unchanged
        difference = self.reward_a.difference_ids
        self.assertEqual(difference.amount, 150.0)  # 35 points x 10 = 350, minus 200
        body = self.evaluation_a.message_ids[0].body
        self.assertIn("Dispute accepted", body)
        self.assertIn("70.0 → 85.0", body)
        self.assertIn("Dispute accepted", self.dispute.message_ids[0].body)
        reopened = self.cycle.message_ids.filtered(lambda m: "reopened" in (m.body or ""))
        self.assertIn("Dispute of Ann Seller accepted", reopened[:1].body)
