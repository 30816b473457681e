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
        self.assertIn("The manual value of Customer Satisfaction is now 85.00 (was 70.00).",
                      body)
        self.assertIn("Dispute accepted", self.dispute.message_ids[0].body)
        reopened = self.cycle.message_ids.filtered(lambda m: "reopened" in (m.body or ""))
        # every salesperson reads the cycle's chatter: the reason names nobody
        self.assertIn("Accepted disputes correct figures of this cycle", reopened[:1].body)
        self.assertNotIn("Ann Seller", reopened[:1].body)

    def test_accepted_with_a_target_correction(self):
        revenue = self.kpi("revenue_ordered")
        template = self.make_template([(revenue, 100, {"cap_achievement": 150})])
        rule = self.make_rule("Revenue points", template_ids=[(6, 0, template.ids)],
                              min_score=10, reward_type="bonus", amount_type="per_point",
                              amount=1)
        day = self.date_to.replace(month=5, day=10)
        self.make_order(self.user_a, self.customers[0], 1000.0, day)
        cycle = self.make_cycle(template, date_from=day.replace(month=4, day=1),
                                date_to=day.replace(month=6, day=30), name="SA Q2")
        self.set_targets(cycle, revenue, {self.user_a: 2000.0})
        cycle.with_user(self.manager).action_open()
        cycle.with_user(self.manager).action_close()
        evaluation = self.evaluation(cycle, self.user_a)
        self.assertEqual(evaluation.total_score, 50.0)
        reward = self.reward(cycle, self.user_a, rule)
        self.assertEqual(reward.amount, 40.0)
        reward.with_user(self.leader).action_submit()
        reward.with_user(self.leader).action_approve()
        dispute = self.env["sales.assessment.dispute"].with_user(self.user_a).create({
            "evaluation_id": evaluation.id, "reason": "My target was cut to 1000 in April",
            "line_ids": [(6, 0, evaluation.line_ids.ids)],
        })
        dispute.with_user(self.manager).write({
            "answer": "Confirmed by the sales director",
            "correction_line_id": evaluation.line_ids.id, "corrected_value": 1000.0,
        })
        dispute.with_user(self.manager).action_accept()
        target = cycle.target_ids.filtered(lambda t: t.user_id == self.user_a)
        self.assertEqual(target.target_value, 1000.0)
        self.assertEqual(evaluation.total_score, 100.0)
        self.assertEqual(reward.amount, 40.0)
        self.assertEqual(reward.difference_ids.amount, 50.0)  # 90 points - 40 paid
        self.assertIn("The target of Revenue Ordered is now 1,000.00 (was 2,000.00).",
                      evaluation.message_ids[0].body)
