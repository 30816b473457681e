import json

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestTargetPrivacy(SalesAssessmentCase, HttpCase):
    """No door shows a salesperson another salesperson's target: not the
    records, not the cycle's chatter, not the web client's thread route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.template = cls.make_template([(cls.revenue, 100, {})])
        cls.cycle = cls.make_cycle(cls.template)
        Target = cls.env["sales.assessment.target"].with_context(tracking_disable=False)
        cls.targets = {
            user: Target.with_user(cls.manager).create({
                "cycle_id": cls.cycle.id, "kpi_id": cls.revenue.id, "user_id": user.id,
                "target_value": value,
            })
            for user, value in ((cls.user_a, 11111.0), (cls.user_b, 22222.0),
                                (cls.user_c, 33333.0))
        }
        # records created in a transaction are tracked from its next one on
        cls.env.flush_all()
        cls.env.cr.precommit.run()
        cls.cycle.with_context(tracking_disable=False).action_open()
        cls.targets[cls.user_b].with_user(cls.manager).write({"target_value": 24680.0})
        cls.env.flush_all()
        cls.env.cr.precommit.run()  # tracking is written when the transaction commits
        cls.cycle.with_context(tracking_disable=False).action_close()
        cls.env["sales.assessment.cycle"]._cron_notify_results()
        cls.secrets = ("22222", "24680", "33333", "22,222", "24,680", "33,333")

    def thread_messages(self, login, model, res_id):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/mail/thread/messages", {"thread_model": model, "thread_id": res_id}
        )

    def assertNoSecret(self, payload):
        text = json.dumps(payload)
        for secret in self.secrets:
            self.assertNotIn(secret, text)

    def test_cycle_thread_holds_no_target(self):
        payload = self.thread_messages("sa_user_a", self.cycle._name, self.cycle.id)
        self.assertTrue(payload["messages"], "the salesperson reads the cycle's chatter")
        self.assertNoSecret(payload)

    def test_own_threads_hold_no_other_target(self):
        evaluation = self.evaluation(self.cycle, self.user_a)
        for record in (evaluation, self.targets[self.user_a]):
            payload = self.thread_messages("sa_user_a", record._name, record.id)
            self.assertNoSecret(payload)
        own = json.dumps(
            self.thread_messages("sa_user_a", "sales.assessment.target",
                                 self.targets[self.user_a].id)
        )
        self.assertIn("11,111.00", own)  # its own target, as an amount

    def test_other_threads_are_closed(self):
        for record in (self.targets[self.user_b], self.evaluation(self.cycle, self.user_b)):
            self.authenticate("sa_user_a", "sa_user_a")
            response = self.url_open(
                "/mail/thread/messages",
                data=json.dumps({"params": {"thread_model": record._name,
                                            "thread_id": record.id}}),
                headers={"Content-Type": "application/json"},
            )
            self.assertNoSecret(response.json())

    def test_messages_through_the_orm(self):
        Message = self.env["mail.message"].with_user(self.user_a)
        messages = Message.search([("model", "like", "sales.assessment.%")])
        self.assertTrue(messages)
        for message in messages:
            self.assertNoSecret(message.read(["body", "subject"]))
        # the leaders' team summary is not readable by the team's salespeople
        self.assertFalse(messages.filtered(lambda m: "Results of your team" in (m.body or "")))
        for record in (self.targets[self.user_b], self.targets[self.user_c]):
            with self.assertRaises(AccessError):
                record.with_user(self.user_a).read(["target_value"])
        lines = self.env["sales.assessment.evaluation.line"].with_user(self.user_a).search([])
        self.assertEqual(lines.user_id, self.user_a)
        readable = self.env["sales.assessment.target"].with_user(self.user_a).search_read(
            [], ["user_id", "target_value"])
        self.assertEqual([r["target_value"] for r in readable], [11111.0])

    def test_history_visible_to_leader_and_manager(self):
        target = self.targets[self.user_b]
        for login in ("sa_leader", "sa_manager"):
            text = json.dumps(self.thread_messages(login, target._name, target.id))
            self.assertIn("22222", text)
            self.assertIn("24680", text)
        tracking = target.message_ids.sudo().tracking_value_ids.filtered(
            lambda t: t.field_id.name == "target_value")
        self.assertEqual((tracking.old_value_float, tracking.new_value_float),
                         (22222.0, 24680.0))
        self.assertEqual(tracking.mail_message_id.author_id, self.manager.partner_id)
        # the team leader of another team does not see it
        with self.assertRaises(AccessError):
            target.with_user(self.user_c).read(["target_value"])
