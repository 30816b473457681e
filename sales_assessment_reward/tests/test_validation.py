from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardValidation(RewardCase):
    """Each bad input is refused with a message saying what to fix."""

    def test_negative_amount(self):
        with self.assertRaisesRegex(ValidationError, "zero or more"):
            self.make_rule("Negative", reward_type="bonus", amount=-5)

    def test_negative_cap(self):
        with self.assertRaisesRegex(ValidationError, "zero or more"):
            self.make_rule("Negative cap", reward_type="bonus", amount=5, amount_cap=-1)

    def test_percent_of_kpi_without_kpi(self):
        with self.assertRaisesRegex(ValidationError, "choose the KPI"):
            self.make_rule("Percent", reward_type="bonus", amount_type="percent_of_kpi",
                           amount=5)

    def test_per_point_without_minimum_score(self):
        with self.assertRaisesRegex(ValidationError, "set the minimum score"):
            self.make_rule("Per point", reward_type="bonus", amount_type="per_point",
                           amount=5)

    def test_badge_on_a_non_recognition_rule(self):
        with self.assertRaisesRegex(ValidationError, "only recognition rules"):
            self.make_rule("Bonus badge", reward_type="bonus", amount=5,
                           badge_id=self.env.ref("gamification.badge_good_job").id)

    def test_negative_budget(self):
        cycle = self.make_cycle(self.template)
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.env["sales.assessment.reward.budget"].create(
                {"cycle_id": cycle.id, "template_id": self.template.id, "amount": -1}
            )

    def _approved(self):
        self.make_rule("Bonus", reward_type="bonus", amount=100)
        cycle = self.closed_cycle({self.user_a: 80.0})
        return cycle.reward_ids.filtered(lambda r: r.user_id == self.user_a)

    def test_approve_a_draft(self):
        reward = self._approved()
        with self.assertRaisesRegex(UserError, "is Draft"):
            reward.with_user(self.leader).action_approve()

    def test_approve_a_refused(self):
        reward = self._approved()
        reward.with_user(self.leader).action_submit()
        reward.with_user(self.leader)._do_refuse("No")
        with self.assertRaisesRegex(UserError, "is Refused"):
            reward.with_user(self.leader).action_approve()

    def test_approve_a_paid(self):
        reward = self._approved()
        reward.with_user(self.leader).action_submit()
        reward.with_user(self.leader).action_approve()
        reward.with_user(self.manager).write({"payout_reference": "PAY-7"})
        reward.with_user(self.manager).action_done()
        with self.assertRaisesRegex(UserError, "is Paid"):
            reward.with_user(self.leader).action_approve()

    def test_pay_an_unapproved(self):
        reward = self._approved()
        reward.with_user(self.manager).write({"payout_reference": "PAY-8"})
        with self.assertRaisesRegex(UserError, "only approved proposals are paid"):
            reward.with_user(self.manager).action_done()

    def test_amount_of_a_submitted_proposal_is_frozen(self):
        reward = self._approved()
        reward.with_user(self.leader).action_submit()
        with self.assertRaisesRegex(UserError, "Only draft proposals change amount"):
            reward.with_user(self.manager).amount = 5

    def test_dispute_on_anothers_evaluation(self):
        cycle = self.closed_cycle({self.user_a: 80.0, self.user_b: 70.0})
        with self.assertRaisesRegex(AccessError, "your own evaluation"):
            self.env["sales.assessment.dispute"].with_user(self.user_a).create({
                "evaluation_id": self.evaluation(cycle, self.user_b).id,
                "reason": "Bob's score is too high",
            })

    def test_dispute_on_an_open_cycle(self):
        cycle = self.open_cycle({self.user_a: 80.0})
        with self.assertRaisesRegex(ValidationError, "not closed"):
            self.env["sales.assessment.dispute"].with_user(self.user_a).create({
                "evaluation_id": self.evaluation(cycle, self.user_a).id,
                "reason": "Too low",
            })
