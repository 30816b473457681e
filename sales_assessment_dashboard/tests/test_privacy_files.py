import io
import json
import os
import zipfile
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import DashboardCase


def file_text(content):
    """The text of a file, with the text of each member of a zip archive
    (a workbook's cells are inside compressed XML)."""
    chunks = [content]
    if content[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(content)):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            chunks += [archive.read(name) for name in archive.namelist()]
    return b"\n".join(chunks).decode("utf-8", "replace")


def number_texts(value):
    """How a number shows in messages, JSON and workbook XML."""
    return {repr(float(value)), f"{value:.2f}", f"{value:,.2f}"}


@tagged("post_install", "-at_install")
class TestPrivacyFiles(DashboardCase, HttpCase):
    """Ann and Bob sell in the same team. After a whole cycle (targets set
    and changed, close, results, rewards submitted, approved and paid, a
    dispute by Bob, both workbooks exported), nothing Ann can open (files,
    messages, tracking, the web client's thread route) shows Bob's name,
    score, reward or target."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "sales.assessment.reward" not in cls.env:
            return
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company.sales_assessment_reward_threshold = 500.0
        template = cls.make_template([(cls.revenue, 100, {})], users_teams=cls.team_1)
        cls.env["sales.assessment.reward.rule"].create({
            "name": "SA revenue bonus", "template_ids": [(6, 0, template.ids)],
            "reward_type": "bonus", "amount_type": "percent_of_kpi",
            "kpi_id": cls.revenue.id, "amount": 10,
        })
        cls.make_order(cls.user_a, cls.customers[0], 5310.0, date(2025, 1, 10))
        cls.make_order(cls.user_b, cls.customers[1], 6543.21, date(2025, 1, 10))
        cls.cycle = cls.make_cycle(template, date(2025, 1, 1), date(2025, 3, 31),
                                   period_type="quarter", name="SA Privacy Q1")
        cls.set_up_targets()
        cls.close_and_pay()
        cls.dispute_and_export()
        cls.secrets = cls.get_secrets()

    @classmethod
    def commit(cls):
        """What a commit would run: the tracking values are written then."""
        cls.env.flush_all()
        cls.env.cr.precommit.run()

    @classmethod
    def set_up_targets(cls):
        Target = cls.env["sales.assessment.target"].with_user(cls.manager)
        cls.targets = {user: Target.create({
            "cycle_id": cls.cycle.id, "kpi_id": cls.revenue.id, "user_id": user.id,
            "target_value": value,
        }) for user, value in ((cls.user_a, 4217.0), (cls.user_b, 7346.15))}
        cls.commit()
        cls.cycle.with_user(cls.manager).action_open()
        cls.targets[cls.user_a].with_user(cls.manager).target_value = 4350.0
        cls.targets[cls.user_b].with_user(cls.manager).target_value = 7391.4
        cls.commit()

    @classmethod
    def close_and_pay(cls):
        cls.cycle.with_user(cls.manager).action_close()
        cls.commit()
        cls.env["sales.assessment.cycle"]._cron_notify_results()
        rewards = cls.cycle.reward_ids
        rewards.with_user(cls.leader).action_submit()
        rewards.with_user(cls.leader).action_approve()
        rewards.with_user(cls.manager).action_approve()
        cls.commit()
        cls.rewards = {reward.user_id: reward for reward in rewards}

    @classmethod
    def dispute_and_export(cls):
        evaluation_b = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_b)
        dispute = cls.env["sales.assessment.dispute"].with_user(cls.user_b).create({
            "evaluation_id": evaluation_b.id,
            "reason": "Bob Seller: a target of 7,391.40 is too high for 6,543.21 ordered",
        })
        dispute.with_user(cls.leader).answer = "Bob Seller's target stays at 7,391.40"
        dispute.with_user(cls.leader).action_reject()
        cls.commit()
        cls.xlsx_url = cls.cycle.with_user(cls.manager).action_export_xlsx()["url"]
        cls.payout_url = cls.cycle.with_user(cls.manager).action_export_rewards()["url"]
        cls.commit()

    @classmethod
    def get_secrets(cls):
        evaluation_b = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_b)
        reward_b = cls.rewards[cls.user_b]
        return sorted({"Bob Seller"}
                      | number_texts(evaluation_b.total_score)
                      | number_texts(reward_b.amount)
                      | number_texts(7346.15) | number_texts(7391.4))

    def setUp(self):
        super().setUp()
        if "sales.assessment.reward" not in self.env:
            self.skipTest("the reward addon is not installed")

    def assertNoSecret(self, text, where):
        found = [secret for secret in self.secrets if secret in text]
        if found:
            start = max(text.index(found[0]) - 100, 0)
            self.fail(f"{where} shows Bob's {found} to Ann: {text[start:start + 200]!r}")

    def test_scenario_is_real(self):
        """The scenario happened, and the secrets are found where they are
        (so that their absence below means something)."""
        self.assertEqual(set(self.cycle.reward_ids.mapped("state")), {"done"})
        evaluation_b = self.evaluation(self.cycle, self.user_b)
        self.assertTrue(evaluation_b.total_score)
        self.assertEqual(evaluation_b.dispute_count, 1)
        self.authenticate("sa_manager", "sa_manager")
        for url in (self.xlsx_url, self.payout_url):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            text = file_text(response.content)
            self.assertIn("Bob Seller", text)
            amounts = number_texts(self.rewards[self.user_b].amount)
            self.assertTrue(any(amount in text for amount in amounts), url)

    def test_attachments_through_the_orm(self):
        Attachment = self.env["ir.attachment"].with_user(self.user_a)
        attachments = Attachment.search([]) | Attachment.search([("res_field", "!=", False)])
        for attachment in attachments:
            values = attachment.read(["name", "description", "res_name", "res_field", "raw"])[0]
            self.assertNoSecret(file_text(values.pop("raw") or b""), f"attachment {attachment.id}")
            # an image field's file is named after its record: Bob's avatar is
            # named Bob, as every user of the database sees him
            if not values["res_field"]:
                self.assertNoSecret(json.dumps(values, default=str), f"attachment {attachment.id}")
        self.assertFalse(attachments.filtered(lambda a: a.res_model == "sales.assessment.cycle"))

    def check_messages_through_the_orm(self):
        domain = [("model", "=like", "sales.assessment%")]
        messages = self.env["mail.message"].with_user(self.user_a).search(domain)
        self.assertTrue(messages, "Ann reads the chatter of her cycle and evaluation")
        for message in messages:
            values = message.read(["body", "subject", "record_name", "preview"])[0]
            self.assertNoSecret(json.dumps(values, default=str),
                                f"message {message.id} on {message.model} {message.res_id}")
        Tracking = self.env["mail.tracking.value"].with_user(self.user_a)
        try:
            trackings = Tracking.search([("mail_message_id.model", "=like", "sales.assessment%")])
        except AccessError:
            trackings = Tracking
        for tracking in trackings:
            self.assertNoSecret(json.dumps(tracking.read()[0], default=str),
                                f"tracking value {tracking.id}")
        activities = self.env["mail.activity"].with_user(self.user_a).search(
            [("res_model", "=like", "sales.assessment%")])
        for activity in activities:
            values = activity.read(["summary", "note", "res_name"])[0]
            self.assertNoSecret(json.dumps(values, default=str), f"activity {activity.id}")

    def check_thread_route(self):
        """The web client's chatter of every record Ann may read."""
        self.authenticate("sa_user_a", "sa_user_a")
        read = 0
        for model in sorted(self.env):
            Model = self.env[model].with_user(self.user_a).with_context(active_test=False)
            if not (model.startswith("sales.assessment") and "message_ids" in Model._fields
                    and not Model._abstract and Model.has_access("read")):
                continue
            for record in Model.search([]):
                payload = self.make_jsonrpc_request("/mail/thread/messages", {
                    "thread_model": model, "thread_id": record.id, "limit": 1000,
                })
                read += len(payload["messages"])
                self.assertNoSecret(json.dumps(payload), f"the chatter of {model} {record.id}")
        self.assertTrue(read, "Ann reads the chatter of her cycle and evaluation")

    def test_messages_and_tracking_through_the_orm(self):
        self.check_messages_through_the_orm()

    def test_thread_route(self):
        self.check_thread_route()

    def test_accepted_dispute(self):
        """A manager accepts a second dispute of Bob's, correcting his target:
        the cycle is reopened and closed again, and what Ann reads must
        still say nothing of Bob."""
        line_b = self.line(self.cycle, self.user_b, self.revenue)
        dispute = self.env["sales.assessment.dispute"].with_user(self.user_b).create({
            "evaluation_id": line_b.evaluation_id.id, "line_ids": [(6, 0, line_b.ids)],
            "reason": "Two of my orders were booked by Cid",
        })
        dispute.with_user(self.manager).write({
            "answer": "Right, the target is lowered", "correction_line_id": line_b.id,
            "corrected_value": 7012.5,
        })
        dispute.with_user(self.manager).action_accept()
        self.commit()
        self.assertEqual(self.targets[self.user_b].target_value, 7012.5)
        self.secrets = sorted(set(self.secrets) | number_texts(7012.5))
        self.check_messages_through_the_orm()
        self.check_thread_route()

    def test_web_content(self):
        """Every file of the database, asked for by id."""
        self.env.cr.execute("SELECT id, store_fname FROM ir_attachment ORDER BY id")
        Attachment = self.env["ir.attachment"]
        # a file missing from this database's filestore holds nothing (and errors out)
        ids = [attachment_id for attachment_id, fname in self.env.cr.fetchall()
               if not fname or os.path.isfile(Attachment._full_path(fname))]
        self.authenticate("sa_user_a", "sa_user_a")
        for attachment_id in ids:
            response = self.url_open(f"/web/content/{attachment_id}", allow_redirects=False)
            if response.status_code == 200:
                self.assertNoSecret(file_text(response.content), f"/web/content/{attachment_id}")

    def test_workbook_routes(self):
        self.authenticate("sa_user_a", "sa_user_a")
        payout = self.url_open(self.payout_url)
        self.assertEqual(payout.status_code, 403)
        self.assertNoSecret(file_text(payout.content), "the payout route")
        workbook = self.url_open(self.xlsx_url)
        self.assertEqual(workbook.status_code, 200)
        text = file_text(workbook.content)
        self.assertIn("Ann Seller", text)
        self.assertNoSecret(text, "the cycle workbook")
