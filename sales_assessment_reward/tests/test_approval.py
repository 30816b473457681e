from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardApproval(RewardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls.make_rule("Big bonus", min_score=90, reward_type="bonus", amount=1500)
        cls.small = cls.make_rule("Small bonus", reward_type="bonus", amount=200)
        cls.star = cls.make_rule("Star", min_score=90, reward_type="recognition",
                                 badge_id=cls.env.ref("gamification.badge_good_job").id)

    def setUp(self):
        super().setUp()
        self.cycle = self.closed_cycle({self.user_a: 95.0, self.user_b: 70.0,
                                        self.user_c: 50.0})

    def activities(self, reward):
        return reward.activity_ids.filtered(lambda a: a.activity_type_id == self.approval_type)

    def done_activities(self, reward):
        return reward.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.approval_type
        )

    def test_two_levels_with_activities(self):
        reward = self.reward(self.cycle, self.user_a, self.big)
        self.assertTrue(reward.needs_manager)
        reward.with_user(self.leader).action_submit()
        self.assertEqual(reward.state, "to_approve")
        self.assertEqual(self.activities(reward).user_id, self.leader)
        self.assertTrue(reward.with_user(self.leader).can_approve)
        reward.with_user(self.leader).action_approve()
        self.assertEqual(reward.state, "to_approve")
        self.assertEqual(reward.approval_level, "2")
        self.assertEqual(self.activities(reward).user_id, self.manager,
                         "the manager who closed the cycle approves next")
        self.assertEqual(len(self.done_activities(reward)), 1, "leader's activity done")
        # the leader cannot give the second approval
        self.assertFalse(reward.with_user(self.leader).can_approve)
        with self.assertRaises(AccessError):
            reward.with_user(self.leader).action_approve()
        reward.with_user(self.manager).action_approve()
        self.assertEqual(reward.state, "approved")
        self.assertFalse(self.activities(reward))
        self.assertEqual(len(self.done_activities(reward)), 2)
        self.assertEqual(reward.leader_approver_id, self.leader)
        self.assertEqual(reward.manager_approver_id, self.manager)
        # the salesperson is told, in their inbox
        notified = reward.message_ids.filtered(
            lambda m: self.user_a.partner_id in m.partner_ids
        )
        self.assertTrue(notified)
        self.assertIn("approved", notified[0].body)
        notification = notified[0].notification_ids.filtered(
            lambda n: n.res_partner_id == self.user_a.partner_id)
        self.assertEqual(notification.notification_type, "email")

    def test_below_threshold_one_level(self):
        self.user_b.notification_type = "inbox"
        reward = self.reward(self.cycle, self.user_b, self.small)
        self.assertFalse(reward.needs_manager)
        reward.with_user(self.leader).action_submit()
        reward.with_user(self.leader).action_approve()
        self.assertEqual(reward.state, "approved")
        self.assertFalse(reward.activity_ids)
        # a salesperson reading notifications in Odoo gets them there, and by email
        inbox = reward.message_ids.notification_ids.filtered(
            lambda n: n.res_partner_id == self.user_b.partner_id)
        self.assertEqual(inbox.notification_type, "inbox")
        email = self.env["mail.mail"].search(
            [("model", "=", reward._name), ("res_id", "=", reward.id)])
        self.assertEqual(email.recipient_ids, self.user_b.partner_id)

    def test_no_self_approval_for_a_leader_in_their_own_team(self):
        self.team_1.member_ids = [(4, self.leader.id)]
        cycle = self.closed_cycle({self.leader: 95.0}, date_from=self.date_to.replace(
            month=4, day=1), date_to=self.date_to.replace(month=6, day=30), name="Q2")
        reward = self.reward(cycle, self.leader, self.small)
        with self.assertRaisesRegex(AccessError, "about yourself"):
            reward.with_user(self.leader).action_submit()
        reward.with_user(self.manager).action_submit()
        self.assertEqual(self.activities(reward).user_id, self.manager,
                         "a leader's own proposal goes to a manager")
        self.assertFalse(reward.with_user(self.leader).can_approve)
        with self.assertRaisesRegex(AccessError, "about yourself"):
            reward.with_user(self.leader).action_approve()
        reward.with_user(self.manager).action_approve()
        self.assertEqual(reward.state, "approved")

    def test_manager_cannot_approve_own(self):
        self.team_2.member_ids = [(4, self.manager.id)]
        cycle = self.closed_cycle({self.manager: 95.0}, date_from=self.date_to.replace(
            month=4, day=1), date_to=self.date_to.replace(month=6, day=30), name="Q2")
        reward = self.reward(cycle, self.manager, self.small)
        reward.with_user(self.leader_2).action_submit()
        with self.assertRaisesRegex(AccessError, "about yourself"):
            reward.with_user(self.manager).action_approve()
        reward.with_user(self.leader_2).action_approve()
        self.assertEqual(reward.state, "approved")

    def test_other_team_leader_refused(self):
        reward = self.reward(self.cycle, self.user_a, self.small)
        reward.with_user(self.leader).action_submit()
        self.assertFalse(reward.with_user(self.leader_2).can_approve)
        self.assertIn("SA Team 1", reward.with_user(self.leader_2).cannot_approve_reason)
        with self.assertRaisesRegex(AccessError, "SA Team 1"):
            reward.with_user(self.leader_2).action_approve()
        with self.assertRaises(AccessError):
            reward.with_user(self.leader_2).action_refuse()

    def test_refusal_needs_a_reason(self):
        reward = self.reward(self.cycle, self.user_a, self.small)
        reward.with_user(self.leader).action_submit()
        action = reward.with_user(self.leader).action_refuse()
        Wizard = self.env[action["res_model"]].with_user(self.leader).with_context(**action["context"])
        with self.assertRaisesRegex(UserError, "reason"):
            Wizard.create({"reason": "  "}).action_refuse()
        self.assertEqual(reward.state, "to_approve")
        wizard = Form(Wizard)
        wizard.reason = "Already paid by another scheme"
        wizard.save().action_refuse()
        self.assertEqual(reward.state, "refused")
        self.assertEqual(reward.refuse_reason, "Already paid by another scheme")
        self.assertFalse(self.activities(reward))
        self.assertIn("Already paid", reward.message_ids[0].body)

    def test_bulk_approve_and_refuse_from_the_list(self):
        rewards = self.cycle.reward_ids.filtered(lambda r: r.rule_id == self.small)
        team_1 = rewards.filtered(lambda r: r.team_id == self.team_1)
        rewards.with_user(self.manager).action_submit()
        self.assertEqual(
            self.env["sales.assessment.reward"].with_user(self.leader).search(
                [("can_approve", "=", True)]), team_1
        )
        team_1.with_user(self.leader).action_approve()
        self.assertEqual(set(team_1.mapped("state")), {"approved"})
        team_2 = rewards - team_1
        action = team_2.with_user(self.leader_2).action_refuse()
        wizard = self.env[action["res_model"]].with_user(self.leader_2).with_context(**action["context"]).create({"reason": "Budget frozen"})
        wizard.action_refuse()
        self.assertEqual(set(team_2.mapped("state")), {"refused"})
        # a bulk approval with one proposal of another team is refused whole
        more = self.cycle.reward_ids.filtered(lambda r: r.rule_id == self.big)
        more.with_user(self.manager).action_submit()
        with self.assertRaises(AccessError):
            (more | team_2).with_user(self.leader).action_approve()

    def test_wrong_states_refused(self):
        reward = self.reward(self.cycle, self.user_a, self.small)
        with self.assertRaisesRegex(UserError, "waiting for approval"):
            reward.with_user(self.leader).action_approve()  # draft
        with self.assertRaisesRegex(UserError, "not approved"):
            reward.with_user(self.manager).action_done()  # unapproved
        reward.with_user(self.leader).action_submit()
        reward.with_user(self.leader)._do_refuse("No")
        with self.assertRaisesRegex(UserError, "waiting for approval"):
            reward.with_user(self.leader).action_approve()  # refused
        other = self.reward(self.cycle, self.user_b, self.small)
        other.with_user(self.leader).action_submit()
        other.with_user(self.leader).action_approve()
        other.with_user(self.manager).payout_reference = "PAY-1"
        other.with_user(self.manager).action_done()
        self.assertEqual(other.state, "done")
        self.assertTrue(other.payout_date)
        with self.assertRaisesRegex(UserError, "waiting for approval"):
            other.with_user(self.leader).action_approve()  # paid

    def test_done_needs_a_manager_and_a_reference(self):
        reward = self.reward(self.cycle, self.user_a, self.small)
        reward.with_user(self.leader).action_submit()
        reward.with_user(self.leader).action_approve()
        with self.assertRaises(AccessError):
            reward.with_user(self.leader).action_done()
        with self.assertRaisesRegex(UserError, "payout reference"):
            reward.with_user(self.manager).action_done()

    def test_badge_granted_exactly_once(self):
        reward = self.reward(self.cycle, self.user_a, self.star)
        badge = self.star.badge_id
        reward.with_user(self.leader).action_submit()
        reward.with_user(self.leader).action_approve()
        granted = self.env["gamification.badge.user"].search(
            [("user_id", "=", self.user_a.id), ("badge_id", "=", badge.id)])
        self.assertEqual(len(granted), 1)
        self.assertEqual(reward.badge_user_id, granted)
        reward._grant_badge()
        reward.with_user(self.manager).payout_reference = "N/A"
        reward.with_user(self.manager).action_done()
        self.cycle.with_user(self.manager).with_context(reopen_reason="x").action_reopen()
        self.cycle.with_user(self.manager).action_close()
        self.assertEqual(self.env["gamification.badge.user"].search_count(
            [("user_id", "=", self.user_a.id), ("badge_id", "=", badge.id)]), 1)
        self.assertIn(badge, self.user_a.badge_ids.badge_id)
