import base64
import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SalesAssessmentCase

ENGINE_LOGGER = "odoo.addons.sales_assessment.models.sales_assessment_webhook"
OK_ANSWERS = {
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "msg": "success", "data": {}},
}


class RobotServer:
    """A local stand-in for a provider's robot: records what it is posted
    (``requests``: (path with query, JSON body)) and answers as the provider
    does, or HTTP 500 to the next ``fail`` requests. No traffic leaves the
    machine."""

    def __init__(self, provider):
        self.provider = provider
        self.requests = []
        self.fail = 0
        self.answer = None
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_port}/robot/send?access_token=tok"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append((self.path, json.loads(body)))
                status, answer = 200, server.answer or OK_ANSWERS[server.provider]
                if server.fail:
                    server.fail -= 1
                    status, answer = 500, {"error": "down"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


def closed_port_url():
    """The URL of a local port nobody listens on: a robot that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/robot/send"


@tagged("post_install", "-at_install")
class TestWebhook(SalesAssessmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.robots = {provider: RobotServer(provider) for provider in OK_ANSWERS}
        for robot in cls.robots.values():
            cls.addClassCleanup(robot.close)
        cls.Webhook = cls.env["sales.assessment.webhook"]
        cls.Message = cls.env["sales.assessment.webhook.message"]
        cls.cron = cls.env.ref("sales_assessment.ir_cron_send_webhook_messages")
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.satisfaction, 100, {})])

    def setUp(self):
        super().setUp()
        for robot in self.robots.values():
            robot.requests.clear()
            robot.fail = 0
            robot.answer = None

    def make_webhook(self, provider="wecom", **values):
        return self.Webhook.create(dict({
            "name": f"SA {provider} robot", "provider": provider,
            "url": self.robots[provider].url,
        }, **values))

    def queue(self, webhook, count=1):
        return webhook._queue([
            webhook._prepare_message_vals("test", f"Message {i}", [f"line {i}"])
            for i in range(count)
        ])

    def send_due(self):
        with mute_logger(ENGINE_LOGGER):
            self.Message._cron_send()

    def make_due(self, messages):
        messages.write({"next_attempt": fields.Datetime.now() - timedelta(seconds=1)})

    def closed_cycle(self):
        cycle = self.make_cycle(self.template)
        self.set_targets(cycle, self.satisfaction,
                         {self.user_a: 100.0, self.user_b: 100.0, self.user_c: 100.0})
        cycle.with_user(self.manager).action_open()
        for user, value in ((self.user_a, 80.0), (self.user_b, 95.0), (self.user_c, 70.0)):
            self.line(cycle, user, self.satisfaction).manual_value = value
        cycle.with_user(self.manager).action_close()
        return cycle

    # ------------------------------------------------------------------
    # Providers
    # ------------------------------------------------------------------

    def test_wecom_payload(self):
        webhook = self.make_webhook("wecom")
        action = webhook.with_user(self.manager).action_test()
        self.assertEqual(action["params"]["type"], "success")
        [(path, body)] = self.robots["wecom"].requests
        self.assertEqual(path, "/robot/send?access_token=tok")
        self.assertEqual(set(body), {"msgtype", "markdown"})
        self.assertEqual(body["msgtype"], "markdown")
        self.assertIn("Test message from Sales Assessment", body["markdown"]["content"])
        message = webhook.message_ids
        self.assertRecordValues(message, [{"state": "sent", "attempts": 1, "error": False}])
        self.assertEqual(message.body, body["markdown"]["content"])

    def test_dingtalk_signature(self):
        webhook = self.make_webhook("dingtalk", secret="SECdingtalk")
        webhook.with_user(self.manager).action_test()
        [(path, body)] = self.robots["dingtalk"].requests
        query = parse_qs(urlsplit(path).query)
        self.assertEqual(query["access_token"], ["tok"])
        timestamp = query["timestamp"][0]
        expected = base64.b64encode(hmac.new(
            b"SECdingtalk", f"{timestamp}\nSECdingtalk".encode(), hashlib.sha256).digest()).decode()
        self.assertEqual(query["sign"], [expected])
        self.assertAlmostEqual(int(timestamp) / 1000, fields.Datetime.now().timestamp(), delta=120)
        self.assertEqual(body["msgtype"], "markdown")
        self.assertEqual(body["markdown"]["title"], "Test message from Sales Assessment")
        self.assertIn("is connected", body["markdown"]["text"])

    def test_feishu_signature(self):
        webhook = self.make_webhook("feishu", secret="SECfeishu")
        webhook.with_user(self.manager).action_test()
        [(_path, body)] = self.robots["feishu"].requests
        timestamp = body["timestamp"]
        expected = base64.b64encode(hmac.new(
            f"{timestamp}\nSECfeishu".encode(), b"", hashlib.sha256).digest()).decode()
        self.assertEqual(body["sign"], expected)
        self.assertEqual(body["msg_type"], "interactive")
        [element] = body["card"]["elements"]
        self.assertEqual(element["tag"], "markdown")
        self.assertIn("is connected", element["content"])
        self.assertEqual(webhook.message_ids.state, "sent")

    def test_provider_error_answer_is_a_failure(self):
        webhook = self.make_webhook("wecom")
        self.robots["wecom"].answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
        with mute_logger(ENGINE_LOGGER):
            action = webhook.with_user(self.manager).action_test()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("errcode 93000", action["params"]["message"])
        self.assertRecordValues(webhook.message_ids, [{"state": "queued", "attempts": 1}])

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------

    def test_retry_with_backoff_then_sent(self):
        webhook = self.make_webhook("wecom")
        message = self.queue(webhook)
        self.robots["wecom"].fail = 1
        self.send_due()
        self.assertRecordValues(message, [{"state": "queued", "attempts": 1, "error": "HTTP 500"}])
        self.assertEqual(message.next_attempt - message.last_attempt, timedelta(minutes=1))
        self.assertTrue(self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.cron.id), ("call_at", ">=", message.next_attempt)]))
        self.send_due()  # not due yet: nothing is posted
        self.assertEqual(len(self.robots["wecom"].requests), 1)
        self.make_due(message)
        self.send_due()
        self.assertRecordValues(message, [{"state": "sent", "attempts": 2, "error": False}])
        self.assertEqual(len(self.robots["wecom"].requests), 2)

    def test_backoff_doubles_then_failed(self):
        webhook = self.make_webhook("wecom")
        message = self.queue(webhook)
        self.robots["wecom"].fail = 100
        for attempt, delay in enumerate((1, 2, 4, 8), start=1):
            self.send_due()
            self.assertRecordValues(message, [{"state": "queued", "attempts": attempt}])
            self.assertEqual(message.next_attempt - message.last_attempt, timedelta(minutes=delay))
            self.make_due(message)
        self.send_due()
        self.assertRecordValues(message, [{"state": "failed", "attempts": 5, "error": "HTTP 500"}])
        self.send_due()
        self.assertEqual(len(self.robots["wecom"].requests), 5, "a failed message is not retried")

    def test_at_most_twenty_a_minute_per_robot(self):
        webhook = self.make_webhook("wecom")
        other = self.make_webhook("dingtalk")
        messages = self.queue(webhook, 25)
        self.queue(other, 3)
        self.send_due()
        self.assertEqual(len(self.robots["wecom"].requests), 20)
        self.assertEqual(len(self.robots["dingtalk"].requests), 3, "each robot has its own limit")
        self.assertEqual(messages.mapped("state").count("sent"), 20)
        queued = messages.filtered(lambda m: m.state == "queued")
        self.assertEqual(len(queued), 5)
        self.assertEqual(queued.mapped("attempts"), [0] * 5, "left in the queue, not failed")
        self.assertTrue(self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.cron.id),
             ("call_at", ">=", fields.Datetime.now() + timedelta(seconds=59))]))
        self.send_due()
        self.assertEqual(len(self.robots["wecom"].requests), 20, "still within the minute")
        # a minute later
        (messages - queued).write(
            {"last_attempt": fields.Datetime.now() - timedelta(seconds=61)})
        self.send_due()
        self.assertEqual(len(self.robots["wecom"].requests), 25)
        self.assertEqual(set(messages.mapped("state")), {"sent"})

    def test_queuing_sends_nothing_and_wakes_the_cron(self):
        webhook = self.make_webhook("wecom")
        self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).unlink()
        message = self.queue(webhook)
        self.assertEqual(message.state, "queued")
        self.assertFalse(self.robots["wecom"].requests)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]))

    # ------------------------------------------------------------------
    # Results published
    # ------------------------------------------------------------------

    def test_close_queues_team_rankings(self):
        webhook = self.make_webhook("dingtalk", notify_results=True)
        only_team_2 = self.make_webhook("wecom", team_ids=[(6, 0, self.team_2.ids)])
        self.team_1.sequence, self.team_2.sequence = 1, 2  # rankings in the teams' order
        self.make_webhook("feishu", notify_results=False)
        cycle = self.closed_cycle()
        self.assertFalse(self.robots["dingtalk"].requests, "the close only queues")
        message = webhook.message_ids
        self.assertRecordValues(message, [{"state": "queued", "event": "results"}])
        ann, bob, cid = (self.evaluation(cycle, u) for u in (self.user_a, self.user_b, self.user_c))
        self.assertEqual((bob.team_rank, ann.team_rank, cid.team_rank), (1, 2, 1))
        expected = [
            f"**Results of {cycle.name}**", "", "**SA Team 1**",
            f"1. Bob Seller: {bob.total_score:.2f} ({bob.grade_id.name})",
            f"2. Ann Seller: {ann.total_score:.2f} ({ann.grade_id.name})",
            "", "**SA Team 2**",
            f"1. Cid Seller: {cid.total_score:.2f} ({cid.grade_id.name})",
        ]
        self.assertEqual(message.body.split("\n"), expected)
        self.assertNotIn("Ann", only_team_2.message_ids.body)
        self.assertIn("Cid Seller", only_team_2.message_ids.body)
        self.assertFalse(self.Message.search([("webhook_id.provider", "=", "feishu")]))
        self.send_due()
        [(_path, body)] = self.robots["dingtalk"].requests
        self.assertEqual(body["markdown"]["text"], message.body)

    def test_close_returns_while_robot_is_down(self):
        webhook = self.make_webhook("wecom", url=closed_port_url())
        cycle = self.closed_cycle()
        self.assertEqual(cycle.state, "closed")
        message = webhook.message_ids
        self.assertRecordValues(message, [{"state": "queued", "attempts": 0}])
        self.send_due()
        self.assertRecordValues(message, [{"state": "queued", "attempts": 1}])
        self.assertIn("unreachable", message.error)

    def test_results_carry_no_money(self):
        self.company.sales_assessment_hide_amounts = True
        webhook = self.make_webhook("wecom")
        cycle = self.closed_cycle()
        body = webhook.message_ids.body
        self.assertNotIn(self.company.currency_id.symbol, body)
        for line in cycle.evaluation_ids.line_ids:
            self.assertNotIn(f"{line.target_value:.2f}", body)

    def test_other_company_robots_are_not_told(self):
        company, _manager = self.make_other_company_manager()
        other = self.make_webhook("wecom", company_id=company.id)
        self.closed_cycle()
        self.assertFalse(other.message_ids)

    # ------------------------------------------------------------------
    # Access and validation
    # ------------------------------------------------------------------

    def test_only_managers_read_robots_and_messages(self):
        webhook = self.make_webhook("wecom", secret="SEC")
        message = self.queue(webhook)
        for user in (self.user_a, self.leader):
            for record in (webhook, message):
                with self.subTest(user=user.login, model=record._name), \
                        self.assertRaises(AccessError):
                    record.with_user(user).read(["name" if record is webhook else "body"])
            with self.assertRaises(AccessError):
                self.Webhook.with_user(user).search([])
        self.assertEqual(webhook.with_user(self.manager).secret, "SEC")
        with self.assertRaises(AccessError):
            message.with_user(self.manager).write({"state": "sent"})

    def test_other_company_manager_reads_nothing(self):
        company, manager = self.make_other_company_manager()
        webhook = self.make_webhook("wecom")
        message = self.queue(webhook)
        self.assertFalse(self.Webhook.with_user(manager).search([("id", "=", webhook.id)]))
        with self.assertRaises(AccessError):
            webhook.with_user(manager).read(["url"])
        with self.assertRaises(AccessError):
            message.with_user(manager).read(["body"])
        own = self.Webhook.with_user(manager).create({
            "name": "Other", "provider": "wecom", "url": "https://example.com/hook"})
        self.assertEqual(own.company_id, company)

    def test_url_must_be_http(self):
        for url in ("ftp://example.com/hook", "javascript:alert(1)", "example.com/hook"):
            with self.subTest(url=url), self.assertRaises(ValidationError):
                self.make_webhook("wecom", url=url)
