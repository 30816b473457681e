from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.sales_assessment.tests.test_webhook import ENGINE_LOGGER, RobotServer

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardWebhook(RewardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.robot = RobotServer("wecom")
        cls.addClassCleanup(cls.robot.close)
        cls.big = cls.make_rule("Big bonus", min_score=90, reward_type="bonus", amount=1500)
        cls.small = cls.make_rule("Small bonus", max_score=89.99, reward_type="bonus",
                                  amount=200)
        cls.Webhook = cls.env["sales.assessment.webhook"]

    def setUp(self):
        super().setUp()
        self.robot.requests.clear()
        self.company.sales_assessment_hide_amounts = False
        self.webhook = self.make_webhook()
        self.cycle = self.closed_cycle({self.user_a: 95.0, self.user_b: 70.0,
                                        self.user_c: 50.0})

    def make_webhook(self, **values):
        return self.Webhook.create(dict({
            "name": "SA approvals robot", "provider": "wecom", "url": self.robot.url,
            "notify_results": False, "notify_approvals": True,
        }, **values))

    def approvals(self, webhook=None):
        return (webhook or self.webhook).message_ids.filtered(lambda m: m.event == "approval")

    def test_submit_queues_the_approval_for_the_leader(self):
        reward = self.reward(self.cycle, self.user_b, self.small)
        reward.with_user(self.leader).action_submit()  # a leader cannot read robots
        message = self.approvals()
        self.assertEqual(len(message), 1)
        self.assertEqual(message.state, "queued")
        self.assertIn("Small bonus for Bob Seller (SA Cycle)", message.body)
        self.assertIn("awaiting Lea Leader", message.body)
        self.assertIn("200.00", message.body)
        self.assertFalse(self.robot.requests, "submitting only queues")
        with mute_logger(ENGINE_LOGGER):
            self.env["sales.assessment.webhook.message"]._cron_send()
        [(_path, body)] = self.robot.requests
        self.assertEqual(body["markdown"]["content"], message.body)

    def test_second_level_waits_for_a_manager(self):
        reward = self.reward(self.cycle, self.user_a, self.big)
        reward.with_user(self.leader).action_submit()
        reward.with_user(self.leader).action_approve()
        first, second = self.approvals().sorted("id")
        self.assertIn("awaiting Lea Leader", first.body)
        self.assertIn("awaiting Sam Manager", second.body)
        reward.with_user(self.manager).action_approve()
        self.assertEqual(len(self.approvals()), 2, "an approved proposal waits for nobody")

    def test_hidden_amounts(self):
        self.company.sales_assessment_hide_amounts = True
        self.reward(self.cycle, self.user_b, self.small).with_user(self.leader).action_submit()
        body = self.approvals().body
        self.assertIn("Small bonus for Bob Seller", body)
        self.assertNotIn("200", body)
        self.assertNotIn(self.company.currency_id.symbol, body)

    def test_only_the_robots_of_the_team(self):
        team_2_robot = self.make_webhook(team_ids=[(6, 0, self.team_2.ids)])
        silent = self.make_webhook(notify_approvals=False)
        self.reward(self.cycle, self.user_b, self.small).with_user(self.leader).action_submit()
        self.assertTrue(self.approvals())
        self.assertFalse(self.approvals(team_2_robot))
        self.assertFalse(self.approvals(silent))
        self.reward(self.cycle, self.user_c, self.small).with_user(self.leader_2).action_submit()
        self.assertIn("Cid Seller", self.approvals(team_2_robot).body)
