import io
import zipfile

import openpyxl

from odoo.tests import HttpCase, tagged

from .common import RewardCase

FORMULA = '=HYPERLINK("http://x","y")'


class PayoutCase(RewardCase):
    """Bonus, extra bonus and penalty rules; ``approve`` has each team's
    leader submit and approve the proposals of their team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bonus = cls.make_rule("Bonus", min_score=60, reward_type="bonus", amount=300)
        cls.extra = cls.make_rule("Extra", min_score=90, reward_type="bonus", amount=150.5)
        cls.penalty = cls.make_rule("Penalty", max_score=59, reward_type="penalty",
                                    amount=80)

    def approve(self, rewards, teams=None):
        for leader, team in ((self.leader, self.team_1), (self.leader_2, self.team_2)):
            if teams is None or team in teams:
                team_rewards = rewards.filtered(lambda r, t=team: r.team_id == t)
                team_rewards.with_user(leader).action_submit()
                team_rewards.with_user(leader).action_approve()

    def cycle_attachments(self, cycle):
        return self.env["ir.attachment"].search(
            [("res_model", "=", cycle._name), ("res_id", "=", cycle.id)])

    def payout_rows(self, content):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]


@tagged("post_install", "-at_install")
class TestPayoutExport(PayoutCase):
    def test_export_rows_totals_and_done(self):
        cycle = self.closed_cycle({self.user_a: 95.0, self.user_b: 70.0, self.user_c: 40.0})
        rewards = cycle.reward_ids
        self.approve(rewards)
        self.assertEqual(set(rewards.mapped("state")), {"approved"})
        action = cycle.with_user(self.manager).action_export_rewards()
        self.assertEqual(set(rewards.mapped("state")), {"done"})
        reference = rewards[0].payout_reference
        self.assertRegex(reference, r"^Payout SA Cycle \d{4}-\d{2}-\d{2}$")
        self.assertEqual(set(rewards.mapped("payout_reference")), {reference})
        self.assertTrue(all(rewards.mapped("payout_date")))
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["url"], cycle._get_payout_url(reference))
        # nothing stored: the cycle is read by every salesperson
        self.assertFalse(self.cycle_attachments(cycle))
        note = cycle.message_ids[0]
        self.assertIn("4 proposals exported for payroll and marked paid", note.body)
        self.assertIn(reference, note.body)
        self.assertFalse(note.attachment_ids)
        content = cycle.with_user(self.manager)._build_payout_xlsx(
            cycle.with_user(self.manager)._get_paid_rewards(reference))
        rows = self.payout_rows(content)
        self.assertEqual(rows[0][:2], ["Employee", "Login"])
        self.assertEqual(rows[1:-1], [
            ["Ann Seller", "sa_user_a", "Bonus", 2, 450.5],
            ["Bob Seller", "sa_user_b", "Bonus", 1, 300],
            ["Cid Seller", "sa_user_c", "Penalty", 1, -80],
        ])
        self.assertEqual(rows[-1][0], "Total")
        self.assertEqual(rows[-1][3:], [4, 670.5])
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertIn("[Red]-", sheet["E2"].number_format)
        # nothing left: a second export is refused
        with self.assertRaisesRegex(Exception, "no approved proposal"):
            cycle.with_user(self.manager).action_export_rewards()

    def test_each_export_has_its_reference(self):
        """Two exports of one day keep their own proposals, so that each
        workbook can be downloaded again as it was."""
        cycle = self.closed_cycle({self.user_a: 95.0, self.user_b: 70.0, self.user_c: 40.0})
        rewards = cycle.reward_ids
        first_team = rewards.filtered(lambda r: r.team_id == self.team_1)
        self.approve(rewards, self.team_1)
        cycle.with_user(self.manager).action_export_rewards()
        self.approve(rewards, self.team_2)
        cycle.with_user(self.manager).action_export_rewards()
        first, second = first_team[0].payout_reference, (rewards - first_team)[0].payout_reference
        self.assertEqual(second, f"{first} (2)")
        self.assertEqual(cycle._get_paid_rewards(first), first_team)
        self.assertEqual(cycle._get_paid_rewards(second), rewards - first_team)
        self.assertFalse(cycle._get_paid_rewards(""))

    def test_user_text_is_text(self):
        """A name or a login that looks like a formula or a link is written
        as a plain string."""
        self.user_b.write({"name": FORMULA, "login": "http://login.example/b"})
        cycle = self.closed_cycle({self.user_a: 95.0, self.user_b: 70.0})
        self.approve(cycle.reward_ids)
        action = cycle.with_user(self.manager).action_export_rewards()
        reference = cycle.reward_ids[0].payout_reference
        self.assertIn("reference=Payout+SA+Cycle", action["url"])
        content = cycle._build_payout_xlsx(cycle._get_paid_rewards(reference))
        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        self.assertEqual([cell.coordinate for cell in cells if cell.data_type == "f"], [])
        self.assertEqual([cell.coordinate for cell in cells if cell.hyperlink], [])
        archive = zipfile.ZipFile(io.BytesIO(content))
        self.assertNotIn(b"<hyperlink", archive.read("xl/worksheets/sheet1.xml"))
        strings = {cell.value for cell in cells if cell.data_type == "s"}
        self.assertIn(FORMULA, strings)
        self.assertIn("http://login.example/b", strings)


@tagged("post_install", "-at_install")
class TestPayoutDownload(PayoutCase, HttpCase):
    """The payout route gives the workbook of a reference to the managers of
    the cycle's company, and nothing to anyone else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company, cls.other_manager = cls.make_other_company_manager()

    def setUp(self):
        super().setUp()
        self.cycle = self.closed_cycle(
            {self.user_a: 95.0, self.user_b: 70.0, self.user_c: 40.0})
        self.approve(self.cycle.reward_ids)
        self.url = self.cycle.with_user(self.manager).action_export_rewards()["url"]
        self.reference = self.cycle.reward_ids[0].payout_reference

    def download(self, login, url=None):
        self.authenticate(login, login)
        return self.url_open(url or self.url)

    def test_manager_downloads_again(self):
        response = self.download("sa_manager")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        self.assertIn("attachment; filename*=UTF-8''Payout%20SA%20Cycle%20",
                      response.headers["Content-Disposition"])
        rows = self.payout_rows(response.content)
        self.assertEqual([row[0] for row in rows[1:]],
                         ["Ann Seller", "Bob Seller", "Cid Seller", "Total"])
        # a second manager, later: the same workbook
        again = self.download("sa_manager_2")
        self.assertEqual(self.payout_rows(again.content), rows)

    def test_others_refused(self):
        for login in ("sa_user_a", "sa_leader", "sa_other_manager"):
            response = self.download(login)
            self.assertEqual(response.status_code, 403, login)
            self.assertNotIn(b"Traceback", response.content)
            self.assertNotIn(b"Bob Seller", response.content)
        unknown = self.download("sa_manager", f"/sales_assessment/cycle/{self.cycle.id}/payout"
                                              "?reference=PAY-UNKNOWN")
        self.assertEqual(unknown.status_code, 404)
        missing = self.download("sa_manager", "/sales_assessment/cycle/999999999/payout"
                                              "?reference=x")
        self.assertEqual(missing.status_code, 404)

    def test_nothing_stored(self):
        self.download("sa_manager")
        self.download("sa_user_a")
        self.assertFalse(self.cycle_attachments(self.cycle))
        self.assertFalse(self.cycle.message_ids.attachment_ids)
