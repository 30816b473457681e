from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRewardApprovalTourPhone(HttpCase):
    """On a phone, a team leader opens the approval activity from the home
    screen's activity menu and approves the proposal."""

    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(
            cls.env, "sa_tour_leader",
            groups="sales_team.group_sale_salesman,"
            "sales_assessment.group_sales_assessment_team_leader",
            name="Tour Leader",
        )
        cls.seller = new_test_user(
            cls.env, "sa_tour_rw_seller", groups="sales_team.group_sale_salesman",
            name="Tour Seller",
        )
        team = cls.env["crm.team"].create({
            "name": "SA reward tour team", "user_id": cls.leader.id,
            "member_ids": [Command.set(cls.seller.ids)],
        })
        satisfaction = cls.env.ref("sales_assessment.kpi_customer_satisfaction")
        template = cls.env["sales.assessment.template"].create({
            "name": "SA reward tour scorecard", "team_ids": [Command.set(team.ids)],
            "line_ids": [Command.create({"kpi_id": satisfaction.id, "weight": 100})],
        })
        cls.env["sales.assessment.reward.rule"].create({
            "name": "Tour bonus", "template_ids": [Command.set(template.ids)],
            "reward_type": "bonus", "amount": 250,
        })
        cycle = cls.env["sales.assessment.cycle"].create({
            "name": "SA Reward Tour Cycle", "period_type": "custom",
            "date_start": "2016-01-01", "date_end": "2016-03-31",
            "template_ids": [Command.set(template.ids)],
        })
        cycle.action_open()
        cycle.action_close()
        cls.reward = cycle.reward_ids
        cls.reward.action_submit()

    def test_leader_approves_from_the_activity_on_a_phone(self):
        self.assertEqual(self.reward.activity_ids.user_id, self.leader)
        self.start_tour("/odoo", "sales_assessment_reward_approve", login="sa_tour_leader")
        self.assertEqual(self.reward.state, "approved")
        self.assertEqual(self.reward.leader_approver_id, self.leader)
        self.assertFalse(self.reward.activity_ids)
