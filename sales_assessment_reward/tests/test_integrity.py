from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardIntegrity(RewardCase):
    """Proposals change state only through their actions, each role trying
    it over the external API: one approver cannot complete both levels, no
    direct state, no client context key bending the amount or the deletion."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls.make_rule("SA big bonus", min_score=50, reward_type="bonus",
                                amount_type="fixed", amount=5000)

    def setUp(self):
        super().setUp()
        self.cycle = self.closed_cycle({self.user_a: 90.0, self.user_b: 80.0})
        self.reward_a = self.reward(self.cycle, self.user_a, self.big)
        self.reward_a.with_user(self.leader).action_submit()

    def test_same_proposal_twice_is_approved_once(self):
        twice = self.reward_a.browse([self.reward_a.id, self.reward_a.id])
        twice.with_user(self.leader).action_approve()
        self.assertEqual(self.reward_a.state, "to_approve")
        self.assertEqual(self.reward_a.approval_level, "2")
        self.assertFalse(self.reward_a.manager_approver_id)
        self.assertEqual(self.reward_a.activity_ids.user_id, self.manager,
                         "one activity, for the manager who closed the cycle")
        notes = self.reward_a.message_ids.filtered(
            lambda m: "Approved by the team leader" in (m.body or ""))
        self.assertEqual(len(notes), 1, "the proposal was approved once")

    def test_state_is_not_writable(self):
        for user in (self.manager, self.env.user):
            with self.assertRaisesRegex(UserError, "changes only through its buttons"):
                self.reward_a.with_user(user).write({"state": "approved"})
        with self.assertRaisesRegex(UserError, "changes only through its buttons"):
            self.env["sales.assessment.reward"].with_user(self.manager).create({
                "evaluation_id": self.reward_a.evaluation_id.id, "rule_id": self.big.id,
                "description": "SA paid already", "amount": 100, "state": "done",
            })
        self.assertEqual(self.reward_a.state, "to_approve")

    def test_approvers_are_not_writable(self):
        """A manager cannot approve level 1, then name someone else as its
        approver to give the second approval alone."""
        self.reward_a.with_user(self.manager).action_approve()
        self.assertEqual(self.reward_a.leader_approver_id, self.manager)
        for vals in ({"leader_approver_id": self.leader.id}, {"approval_level": False},
                     {"manager_approver_id": self.manager.id}, {"refuse_reason": "x"}):
            with self.assertRaisesRegex(UserError, "changes only through its buttons"):
                self.reward_a.with_user(self.manager).write(vals)
        with self.assertRaises(AccessError):
            self.reward_a.with_user(self.manager).action_approve()
        self.assertEqual(self.reward_a.state, "to_approve")

    def test_context_key_bends_nothing(self):
        self.reward_a.with_user(self.leader).action_approve()
        self.reward_a.with_user(self.manager_2).action_approve()
        self.assertEqual(self.reward_a.state, "approved")
        as_manager = self.reward_a.with_user(self.manager).with_context(reward_generation=True)
        with self.assertRaisesRegex(UserError, "Only draft proposals change amount"):
            as_manager.write({"amount": 99999})
        self.reward_a.with_user(self.manager).payout_reference = "PAY-1"
        self.reward_a.with_user(self.manager).action_done()
        with self.assertRaisesRegex(UserError, "Only draft or cancelled"):
            as_manager.unlink()
        self.assertEqual(self.reward_a.amount, 5000)

    def test_amount_finite(self):
        reward_b = self.reward(self.cycle, self.user_b, self.big)
        for value in (float("nan"), float("inf"), 1e308):
            with self.assertRaises(ValidationError):
                reward_b.with_user(self.manager).write({"amount": value})

    def test_leader_without_email_approves(self):
        self.leader.partner_id.email = False
        self.company.email = "assessment@example.com"
        # Odoo's own mails (the next approver's activity) come from the
        # server's default address, as on a server that sends mail
        self.company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "example.com"})
        self.reward_a.with_user(self.leader).action_approve()
        self.assertEqual(self.reward_a.approval_level, "2")
        note = self.reward_a.message_ids[0]
        self.assertIn("Approved by the team leader", note.body)
        self.assertEqual(note.author_id, self.leader.partner_id)
        self.assertIn("assessment@example.com", note.email_from, "mails come from the company")
        reward_b = self.reward(self.cycle, self.user_b, self.big)
        reward_b.with_user(self.leader).action_submit()
        reward_b.with_user(self.leader).action_refuse("Not this quarter")
        self.assertEqual(reward_b.state, "refused")

    def test_newest_cycle_first(self):
        older = self.closed_cycle({self.user_a: 90.0}, date_from=date(2024, 1, 1),
                                  date_to=date(2024, 3, 31), name="SA older")
        rewards = self.env["sales.assessment.reward"].search(
            [("cycle_id", "in", (older | self.cycle).ids)])
        self.assertEqual(rewards[0].cycle_id, self.cycle)
        self.assertEqual(rewards[-1].cycle_id, older)

    def test_can_fields_follow_the_user(self):
        self.assertTrue(self.reward_a.with_user(self.leader).can_approve)
        self.assertFalse(self.reward_a.with_user(self.user_a).can_approve)
        self.assertFalse(self.reward_a.with_user(self.leader_2).can_refuse)
        self.assertTrue(self.reward_a.with_user(self.manager).can_cancel)
        self.assertFalse(self.reward_a.with_user(self.leader).can_cancel)
        self.assertFalse(self.reward_a.with_user(self.manager).can_done)


@tagged("post_install", "-at_install")
class TestDisputeIntegrity(RewardCase):
    """Disputes: the salesperson writes a reason, the resolver the answer,
    and the state changes only by rejecting or accepting."""

    def setUp(self):
        super().setUp()
        self.cycle = self.closed_cycle({self.user_a: 70.0, self.user_b: 80.0})
        self.eval_a = self.evaluation(self.cycle, self.user_a)
        self.eval_b = self.evaluation(self.cycle, self.user_b)
        self.Dispute = self.env["sales.assessment.dispute"]

    def dispute(self, user, evaluation, **values):
        return self.Dispute.with_user(user).create(dict(
            {"evaluation_id": evaluation.id, "reason": "Surveys were missing"}, **values))

    def test_created_open_with_a_reason_only(self):
        with self.assertRaisesRegex(UserError, "changes only through its buttons"):
            self.dispute(self.user_a, self.eval_a, state="accepted")
        with self.assertRaisesRegex(UserError, "written by the team leader or manager"):
            self.dispute(self.user_a, self.eval_a, answer="Granted by myself")
        with self.assertRaisesRegex(UserError, "written by the team leader or manager"):
            self.dispute(self.user_a, self.eval_a, corrected_value=1000)
        self.assertFalse(self.Dispute.search([("evaluation_id", "=", self.eval_a.id)]))

    def test_refusal_does_not_name_the_other(self):
        with self.assertRaises(AccessError) as caught:
            self.dispute(self.user_a, self.eval_b)
        self.assertNotIn(self.user_b.name, str(caught.exception))

    def test_leader_cannot_write_the_state(self):
        dispute = self.dispute(self.user_a, self.eval_a)
        with self.assertRaisesRegex(UserError, "changes only through its buttons"):
            dispute.with_user(self.leader).write({"state": "accepted"})
        with self.assertRaisesRegex(UserError, "changes only through its buttons"):
            dispute.with_user(self.manager).write({"state": "rejected"})
        self.assertEqual(dispute.state, "open")
        self.assertTrue(dispute.with_user(self.manager).can_accept is False)  # no answer yet
        dispute.with_user(self.leader).answer = "Right"
        self.assertTrue(dispute.with_user(self.manager).can_accept)
        self.assertFalse(dispute.with_user(self.leader).can_accept)
        self.assertTrue(dispute.with_user(self.leader).can_reject)
        self.assertFalse(dispute.with_user(self.leader_2).can_reject)

    def test_disputes_of_one_cycle_reclose_it_once(self):
        line_a = self.line(self.cycle, self.user_a, self.satisfaction)
        line_b = self.line(self.cycle, self.user_b, self.satisfaction)
        disputes = self.Dispute.browse(
            (self.dispute(self.user_a, self.eval_a) | self.dispute(self.user_b, self.eval_b)).ids)
        for dispute, line, value in zip(disputes, line_a | line_b, (85.0, 95.0)):
            dispute.with_user(self.manager).write({
                "answer": "Right", "correction_line_id": line.id, "corrected_value": value})
        disputes.with_user(self.manager).action_accept()
        self.assertEqual(disputes.mapped("state"), ["accepted", "accepted"])
        self.assertEqual((self.eval_a.total_score, self.eval_b.total_score), (85.0, 95.0))
        self.assertEqual(self.cycle.state, "closed")
        reclosed = self.cycle.message_ids.filtered(
            lambda m: "Cycle closed again" in (m.body or ""))
        self.assertEqual(len(reclosed), 1, "one reopening and one close for both")
        self.assertFalse(disputes.activity_ids)
