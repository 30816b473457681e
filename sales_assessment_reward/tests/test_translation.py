from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardTitleTranslation(RewardCase):
    """A proposal is titled with its rule's name in the reader's language,
    not with a copy frozen in the language of whoever closed the cycle."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.rule = cls.make_rule("Top bonus", reward_type="bonus", amount=300)
        cls.rule.with_context(lang="zh_CN").name = "冠军奖金"
        cls.user_a.lang = "zh_CN"

    def setUp(self):
        super().setUp()
        self.cycle = self.closed_cycle({self.user_a: 90.0, self.user_b: 80.0})
        self.reward_a = self.cycle.reward_ids.filtered(lambda r: r.user_id == self.user_a)

    def read_as(self, user, records):
        """``records`` as the web client reads them for ``user``."""
        return records.with_user(user).with_context(lang=user.lang)

    def test_chinese_reader_sees_the_chinese_title(self):
        reward = self.read_as(self.user_a, self.reward_a)
        self.assertEqual(reward.name, "冠军奖金")
        self.assertEqual(reward.display_name, "冠军奖金")
        self.assertEqual(reward.read(["name"])[0]["name"], "冠军奖金")

    def test_english_reader_sees_the_english_title(self):
        self.assertEqual(self.reward_a.with_context(lang="en_US").name, "Top bonus")
        self.assertEqual(self.read_as(self.leader, self.reward_a).name, "Top bonus")

    def test_title_follows_a_renamed_rule(self):
        self.rule.with_context(lang="zh_CN").name = "季度冠军奖金"
        self.assertEqual(self.read_as(self.user_a, self.reward_a).name, "季度冠军奖金")

    def test_difference_title_names_the_rule_in_the_readers_language(self):
        self.reward_a.with_user(self.leader).action_submit()
        self.reward_a.with_user(self.leader).action_approve()
        self.cycle.with_user(self.manager).with_context(reopen_reason="Fix").action_reopen()
        self.rule.amount = 400
        self.cycle.with_user(self.manager).action_close()
        difference = self.reward_a.difference_ids
        self.assertEqual(difference.amount, 100.0)
        self.assertIn("冠军奖金", self.read_as(self.user_a, difference).name)
        self.assertIn("Top bonus", difference.with_context(lang="en_US").name)
