from datetime import date, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


class RewardTourCase(HttpCase):
    """A team leader, a salesperson of their team and a submitted bonus of
    ``amount`` for the salesperson (who has a target: a subject without any
    target has no result, hence no reward)."""

    login = "sa_tour_leader"
    seller_name = "Tour Seller"
    amount = 250

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(
            cls.env, cls.login,
            groups="sales_team.group_sale_salesman,"
            "sales_assessment.group_sales_assessment_team_leader",
            name="Tour Leader",
        )
        cls.seller = new_test_user(
            cls.env, f"{cls.login}_seller", groups="sales_team.group_sale_salesman",
            name=cls.seller_name,
        )
        team = cls.env["crm.team"].create({
            "name": f"SA reward tour team {cls.login}", "user_id": cls.leader.id,
            "member_ids": [Command.set(cls.seller.ids)],
        })
        satisfaction = cls.env.ref("sales_assessment.kpi_customer_satisfaction")
        template = cls.env["sales.assessment.template"].create({
            "name": f"SA reward tour scorecard {cls.login}",
            "team_ids": [Command.set(team.ids)],
            "line_ids": [Command.create({"kpi_id": satisfaction.id, "weight": 100})],
        })
        cls.env["sales.assessment.reward.rule"].create({
            "name": "Tour bonus", "template_ids": [Command.set(template.ids)],
            "reward_type": "bonus", "amount": cls.amount,
        })
        cycle = cls.env["sales.assessment.cycle"].create({
            "name": f"SA Reward Tour Cycle {cls.login}", "period_type": "custom",
            "date_start": "2016-01-01", "date_end": "2016-03-31",
            "template_ids": [Command.set(template.ids)],
        })
        cls.env["sales.assessment.target"].create({
            "cycle_id": cycle.id, "kpi_id": satisfaction.id, "user_id": cls.seller.id,
            "target_value": 90,
        })
        cycle.action_open()
        cycle.action_close()
        cls.reward = cycle.reward_ids
        cls.reward.action_submit()


@tagged("post_install", "-at_install")
class TestRewardApprovalTourPhone(RewardTourCase):
    """On a phone, a team leader opens the approval activity from the home
    screen's activity menu and approves the proposal."""

    browser_size = "375x667"
    touch_enabled = True

    def test_leader_approves_from_the_activity_on_a_phone(self):
        self.assertEqual(self.reward.activity_ids.user_id, self.leader)
        # due yesterday: overdue whatever the timezones of its creator and of the
        # leader (a deadline of "today" in a timezone already past midnight is
        # "planned" for a leader still on the day before, and not counted)
        self.reward.activity_ids.date_deadline = date.today() - timedelta(days=1)
        self.start_tour("/odoo", "sales_assessment_reward_approve", login=self.login)
        self.assertEqual(self.reward.state, "approved")
        self.assertEqual(self.reward.leader_approver_id, self.leader)
        self.assertFalse(self.reward.activity_ids)


@tagged("post_install", "-at_install")
class TestRewardApprovalCardsTourPhone(RewardTourCase):
    """On a 390×844 phone, the team leader's To Approve list opens as cards
    showing the amount with its currency, and approves from the card."""

    browser_size = "390x844"
    touch_enabled = True
    login = "sa_tour_card_leader"
    seller_name = "Tour Card Seller"
    amount = 275

    def test_leader_approves_from_the_card_with_the_amount_visible(self):
        self.assertEqual(len(self.reward), 1)
        self.assertEqual(self.reward.amount, 275)
        self.start_tour(
            "/odoo/action-sales_assessment_reward.sales_assessment_reward_action_to_approve",
            "sales_assessment_reward_approve_card", login=self.login)
        self.assertEqual(self.reward.state, "approved")
        self.assertEqual(self.reward.leader_approver_id, self.leader)
