from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardAccess(RewardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_rule("Bonus", reward_type="bonus", amount=100)

    def setUp(self):
        super().setUp()
        self.cycle = self.closed_cycle({self.user_a: 80.0, self.user_b: 70.0,
                                        self.user_c: 60.0})
        self.Reward = self.env["sales.assessment.reward"]

    def test_salesperson_reads_own_only_and_never_writes_amounts(self):
        own = self.Reward.with_user(self.user_a).search([])
        self.assertEqual(own.user_id, self.user_a)
        other = self.cycle.reward_ids.filtered(lambda r: r.user_id == self.user_b)
        with self.assertRaises(AccessError):
            other.with_user(self.user_a).read(["amount"])
        with self.assertRaises(AccessError):
            own.with_user(self.user_a).write({"amount": 10000})
        with self.assertRaises(AccessError):
            own.with_user(self.user_a).action_submit()

    def test_team_leader_sees_own_teams(self):
        seen = self.Reward.with_user(self.leader).search([])
        self.assertEqual(seen.user_id, self.user_a | self.user_b)
        seen_2 = self.Reward.with_user(self.leader_2).search([])
        self.assertEqual(seen_2.user_id, self.user_c)
        with self.assertRaises(AccessError):
            seen_2.with_user(self.leader).read(["amount"])
        with self.assertRaises(AccessError):
            seen.with_user(self.leader).write({"amount": 1})

    def test_rules_are_managed_by_managers_per_company(self):
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.leader).create({"name": "Mine", "reward_type": "bonus"})
        other = self.env["res.company"].create({"name": "SA Reward Other Co"})
        foreign = self.Rule.create({"name": "Foreign", "company_id": other.id,
                                    "reward_type": "training"})
        with self.assertRaises(AccessError):
            foreign.with_user(self.manager).read(["name"])
        self.assertNotIn(foreign, self.Rule.with_user(self.manager).search([]))

    def test_other_company_sees_nothing(self):
        self.cycle.reward_budget_ids = [Command.create(
            {"template_id": self.template.id, "amount": 100})]
        self.env["sales.assessment.dispute"].with_user(self.user_a).create({
            "evaluation_id": self.evaluation(self.cycle, self.user_a).id, "reason": "Why?",
        })
        company_b = self.env["res.company"].create({"name": "SA Reward Company B"})
        manager_b = self.env["res.users"].create({
            "name": "SA reward B manager", "login": "sa_rw_b_manager",
            "company_id": company_b.id, "company_ids": [Command.set(company_b.ids)],
            "groups_id": [Command.set(self.env.ref("sales_team.group_sale_manager").ids)],
        })
        for model in ("sales.assessment.reward", "sales.assessment.reward.rule",
                      "sales.assessment.reward.budget", "sales.assessment.dispute"):
            self.assertTrue(self.env[model].search([]), model)
            self.assertFalse(self.env[model].with_user(manager_b).search([]), model)
        with self.assertRaises(AccessError):
            self.cycle.reward_ids[:1].with_user(manager_b).read(["amount"])


@tagged("post_install", "-at_install")
class TestRewardSecondTeam(RewardCase):
    """Ann also belongs to team 2: its leader reads her rewards and disputes,
    as he reads her evaluation, but only her main team's leader decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("sales_team.membership_multi", True)
        cls.env["crm.team.member"].create({"crm_team_id": cls.team_2.id,
                                           "user_id": cls.user_a.id})
        cls.template.team_ids = [Command.set((cls.team_1 | cls.team_2).ids)]
        cls.make_rule("Big bonus", reward_type="bonus", amount=5000)

    def test_leader_of_a_second_team_reads_but_does_not_decide(self):
        cycle = self.closed_cycle({self.user_a: 80.0, self.user_b: 70.0, self.user_c: 60.0})
        evaluation = self.evaluation(cycle, self.user_a)
        self.assertEqual(evaluation.team_id, self.team_1)
        self.assertEqual(evaluation.member_team_ids, self.team_1 | self.team_2)
        dispute = self.env["sales.assessment.dispute"].with_user(self.user_a).create({
            "evaluation_id": evaluation.id, "reason": "My March orders?",
        })
        reward = cycle.reward_ids.filtered(lambda r: r.user_id == self.user_a)
        self.assertTrue(reward)
        with self.assertRaises(AccessError):
            reward.with_user(self.leader_2).write({"amount": 1})
        reward.with_user(self.manager).action_submit()
        Reward = self.env["sales.assessment.reward"].with_user(self.leader_2)
        self.assertEqual(Reward.search([]).user_id, self.user_a | self.user_c)
        self.assertEqual(reward.with_user(self.leader_2).read(["amount"])[0]["amount"], 5000)
        self.assertEqual(dispute.with_user(self.leader_2).read(["reason"])[0]["reason"],
                         "My March orders?")
        self.assertEqual(reward.state, "to_approve")
        with self.assertRaisesRegex(AccessError, "Only the leader of SA Team 1"):
            reward.with_user(self.leader_2).action_approve()
        # Bob belongs to team 1 only: team 2's leader still sees nothing of his
        bob = cycle.reward_ids.filtered(lambda r: r.user_id == self.user_b)
        with self.assertRaises(AccessError):
            bob.with_user(self.leader_2).read(["amount"])
        # the main team's leader approves (a manager gives the second approval)
        reward.with_user(self.leader).action_approve()
        self.assertEqual(reward.leader_approver_id, self.leader)
