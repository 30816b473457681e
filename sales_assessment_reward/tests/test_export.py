import base64
import io

import openpyxl

from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestPayoutExport(RewardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bonus = cls.make_rule("Bonus", min_score=60, reward_type="bonus", amount=300)
        cls.extra = cls.make_rule("Extra", min_score=90, reward_type="bonus", amount=150.5)
        cls.penalty = cls.make_rule("Penalty", max_score=59, reward_type="penalty",
                                    amount=80)

    def test_export_rows_totals_and_done(self):
        cycle = self.closed_cycle({self.user_a: 95.0, self.user_b: 70.0, self.user_c: 40.0})
        rewards = cycle.reward_ids
        for leader, team_rewards in ((self.leader, rewards.filtered(
                lambda r: r.team_id == self.team_1)), (self.leader_2, rewards.filtered(
                lambda r: r.team_id == self.team_2))):
            team_rewards.with_user(leader).action_submit()
            team_rewards.with_user(leader).action_approve()
        self.assertEqual(set(rewards.mapped("state")), {"approved"})
        action = cycle.with_user(self.manager).action_export_rewards()
        self.assertEqual(set(rewards.mapped("state")), {"done"})
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", cycle._name), ("res_id", "=", cycle.id)])
        self.assertEqual(len(attachment), 1)
        self.assertIn(str(attachment.id), action["url"])
        self.assertEqual(set(rewards.mapped("payout_reference")), {attachment.name})
        self.assertTrue(all(rewards.mapped("payout_date")))
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas))).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0][:2], ["Employee", "Login"])
        self.assertEqual(rows[1:-1], [
            ["Ann Seller", "sa_user_a", "Bonus", 2, 450.5],
            ["Bob Seller", "sa_user_b", "Bonus", 1, 300],
            ["Cid Seller", "sa_user_c", "Penalty", 1, -80],
        ])
        self.assertEqual(rows[-1][0], "Total")
        self.assertEqual(rows[-1][3:], [4, 670.5])
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertIn("[Red]-", sheet["E2"].number_format)
        # nothing left: a second export is refused
        with self.assertRaisesRegex(Exception, "no approved proposal"):
            cycle.with_user(self.manager).action_export_rewards()
