import logging
import time
from datetime import timedelta

import requests

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import webhooks

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"
SEND_TIMEOUT = 5  # seconds: a robot that is down holds the cron this long at most
CRON = "sales_assessment.ir_cron_send_webhook_messages"


class SalesAssessmentWebhook(models.Model):
    """A WeCom, DingTalk or Feishu group robot of a company: which events it
    pushes into its chat group, for which teams.

    ===============  ===============  ==========================================
    Action           Group            Restriction
    ===============  ===============  ==========================================
    everything       Manager          robots of the allowed companies; the URL
                                      and the secret are credentials: nobody
                                      else reads them
    ===============  ===============  ==========================================

    Business actions only queue messages (``_queue``); the cron
    ``ir_cron_send_webhook_messages`` sends them, so a robot that is down
    never makes a close fail or wait. The URL must be an http(s) URL: the
    providers' are https; http is accepted for robots of the local network.
    """

    _name = "sales.assessment.webhook"
    _description = "Assessment Chat-Group Robot"
    _order = "company_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    provider = fields.Selection(
        [("wecom", "WeCom"), ("dingtalk", "DingTalk"), ("feishu", "Feishu")],
        required=True, default="wecom",
    )
    url = fields.Char(
        string="Webhook URL", required=True,
        help="The robot's webhook address, as the chat group's robot settings give it "
        "(https://...).",
    )
    secret = fields.Char(
        groups=MANAGER_GROUP, copy=False,
        help="The robot's signing secret (DingTalk \"Additional Signature\", Feishu "
        "\"Set signature verification\"); empty when the robot does not sign.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_ids = fields.Many2many(
        "crm.team", string="Sales Teams", check_company=True,
        help="The teams whose events this robot pushes; empty: every team of the company.",
    )
    notify_results = fields.Boolean(
        string="Results Published", default=True,
        help="Push the team rankings when a cycle closes.",
    )
    notify_approvals = fields.Boolean(
        string="Approvals Waiting",
        help="Push reward proposals waiting for approval (with the Rewards app).",
    )
    notify_pacing = fields.Boolean(
        string="Off-Track Alerts",
        help="Push, after a refresh of an open cycle, the salespeople whose KPIs have just "
        "turned off track (with the Dashboards app, which computes the pacing).",
    )
    message_ids = fields.One2many(
        "sales.assessment.webhook.message", "webhook_id", string="Messages"
    )
    message_count = fields.Integer(compute="_compute_message_count")

    @api.depends("message_ids")
    def _compute_message_count(self):
        counts = dict(self.env["sales.assessment.webhook.message"]._read_group(
            [("webhook_id", "in", self.ids)], ["webhook_id"], ["__count"]))
        for webhook in self:
            webhook.message_count = counts.get(webhook, 0)

    @api.constrains("url")
    def _check_url(self):
        for webhook in self:
            if not webhooks.valid_url(webhook.url):
                raise ValidationError(_(
                    "The webhook URL of %(name)s must be an http or https address.",
                    name=webhook.name))

    # ------------------------------------------------------------------
    # Queuing
    # ------------------------------------------------------------------

    def _get_robots_domain(self, companies, event_field):
        """Active robots of ``companies`` pushing ``event_field`` (override hook)."""
        return [("company_id", "in", companies.ids), (event_field, "=", True)]

    def _find_robots(self, companies, event_field):
        # sudo: whoever triggers an event may not read the robots (credentials)
        return self.sudo().search(self._get_robots_domain(companies, event_field))

    def _covers(self, team):
        """Whether this robot pushes the events of ``team``."""
        self.ensure_one()
        return bool(team) and (not self.team_ids or team in self.team_ids)

    def _hides_amounts(self):
        """Whether the robot's messages leave money out: the company's
        ``sales_assessment_hide_amounts`` (Dashboards app); without that
        setting, amounts are left out."""
        company = self.company_id
        return "sales_assessment_hide_amounts" not in company._fields \
            or company.sales_assessment_hide_amounts

    def _queue(self, vals_list):
        """Create the messages of ``vals_list`` (``webhook_id``, ``event``,
        ``title``, ``body``) and wake the sending cron; nothing is sent here."""
        if not vals_list:
            return self.env["sales.assessment.webhook.message"]
        # sudo: messages are written by the engine only
        messages = self.env["sales.assessment.webhook.message"].sudo().create(vals_list)
        self.env.ref(CRON)._trigger()
        return messages

    def _queue_results(self, cycles):
        """Queue, for each robot pushing results and each closed cycle of its
        company, the rankings of its teams: rank, name, score, grade."""
        robots = self._find_robots(cycles.company_id, "notify_results")
        if not robots:
            return self.env["sales.assessment.webhook.message"]
        # sudo: the ranking goes to the robot's chat group, whoever closed
        evaluations = self.env["sales.assessment.evaluation"].sudo().search(
            [("cycle_id", "in", cycles.ids), ("state", "=", "published")],
            order="cycle_id, team_id, team_rank, id")
        vals_list = []
        for robot in robots:
            for cycle in cycles.filtered(lambda c, r=robot: c.company_id == r.company_id):
                concerned = evaluations.filtered(
                    lambda e, c=cycle, r=robot: e.cycle_id == c and r._covers(e.team_id))
                if concerned:
                    vals_list.append(robot._prepare_results_vals(cycle, concerned))
        return self._queue(vals_list)

    def _prepare_results_vals(self, cycle, evaluations):
        """The message of ``cycle``'s results: one ranking per team. Scores
        and grades only, never money."""
        title = _("Results of %(cycle)s", cycle=cycle.name)
        lines = []
        for team, team_evaluations in evaluations.grouped("team_id").items():
            if lines:
                lines.append("")
            lines.append(f"**{webhooks.escape_markdown(team.name)}**")
            lines += [
                webhooks.ranking_line(
                    ev.team_rank or ev.rank, (ev.user_id or ev.team_id).name,
                    ev.total_score, ev.grade_id.name)
                for ev in team_evaluations
            ]
        return self._prepare_message_vals("results", title, lines)

    def _prepare_message_vals(self, event, title, lines):
        self.ensure_one()
        return {
            "webhook_id": self.id, "event": event, "title": title,
            "body": webhooks.markdown(title, lines),
        }

    # ------------------------------------------------------------------
    # Test
    # ------------------------------------------------------------------

    def action_test(self):
        """Send a test message at once and say how it went."""
        self.ensure_one()
        title = _("Test message from Sales Assessment")
        message = self._queue([self._prepare_message_vals("test", title, [
            _("The robot %(name)s is connected.", name=webhooks.escape_markdown(self.name)),
        ])])
        message._action_send()
        return self._test_notification(message)

    def _test_notification(self, message):
        if message.state == "sent":
            kind, text = "success", _("The test message was sent.")
        elif message.state == "queued":
            kind, text = "warning", _(
                "The test message could not be sent now and is queued: %(error)s",
                error=message.error or _("too many messages this minute"))
        else:
            kind, text = "danger", _("The test message failed: %(error)s", error=message.error)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "title": self.name, "message": text, "sticky": False},
        }

    def action_open_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment.sales_assessment_webhook_message_action")
        action["domain"] = [("webhook_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _get_allowances(self):
        """{robot: messages it takes now}, after what it was sent in the last
        minute (the providers take 20 a minute)."""
        since = fields.Datetime.now() - timedelta(seconds=webhooks.RATE_WINDOW)
        recent = dict(self.env["sales.assessment.webhook.message"].sudo()._read_group(
            [("webhook_id", "in", self.ids), ("last_attempt", ">=", since)],
            ["webhook_id"], ["__count"]))
        return {robot: webhooks.allowance(recent.get(robot, 0)) for robot in self}

    def _post(self, title, body):
        """Send one message; return the error, or None when the robot took it."""
        self.ensure_one()
        # sudo: the secret is read by the engine, whoever sends
        url, payload = webhooks.build_request(
            self.provider, self.url, title, body, secret=self.sudo().secret, now=time.time())
        try:
            response = requests.post(url, json=payload, timeout=SEND_TIMEOUT)
        except requests.RequestException as error:
            return _("Robot unreachable: %(error)s", error=type(error).__name__)
        try:
            data = response.json()
        except ValueError:
            data = None
        return webhooks.response_error(self.provider, response.status_code, data)


class SalesAssessmentWebhookMessage(models.Model):
    """One message to a chat-group robot, queued by an event and sent by the
    cron: its markdown, its state and its tries.

    ===============  ===============  ==========================================
    Action           Group            Restriction
    ===============  ===============  ==========================================
    read, delete     Manager          messages of the allowed companies
    create, change   nobody           written by the sending engine only
    ===============  ===============  ==========================================

    A failed send is tried again after 1, 2, 4 and 8 minutes, then the
    message is failed; a robot is sent at most 20 messages a minute, the
    others wait in the queue.
    """

    _name = "sales.assessment.webhook.message"
    _description = "Assessment Chat-Group Message"
    _order = "id desc"

    webhook_id = fields.Many2one(
        "sales.assessment.webhook", string="Robot", required=True, ondelete="cascade",
        index=True, readonly=True,
    )
    company_id = fields.Many2one(related="webhook_id.company_id", store=True, index=True)
    provider = fields.Selection(related="webhook_id.provider")
    event = fields.Selection(
        [("test", "Test"), ("results", "Results Published")], required=True, readonly=True)
    title = fields.Char(readonly=True)
    body = fields.Text(readonly=True, help="The markdown sent.")
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
        default="queued", required=True, readonly=True, index=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(
        readonly=True, default=fields.Datetime.now, index=True,
        help="When a queued message is sent (again) at the earliest.")
    last_attempt = fields.Datetime(readonly=True)
    error = fields.Text(readonly=True, help="Why the last try failed.")

    def _cron_send(self):
        """Send the queued messages that are due, within each robot's limit."""
        due = self.search([
            ("state", "=", "queued"), ("next_attempt", "<=", fields.Datetime.now()),
        ], order="id")
        sent = due._action_send()
        self.env["ir.cron"]._notify_progress(done=len(sent), remaining=0)

    def _action_send(self):
        """Send the messages now, oldest first; those over their robot's limit
        stay queued. The path the cron and the test button share.

        :return: the messages sent
        """
        messages = self.sudo().sorted("id")  # sudo: the engine writes the messages
        allowances = messages.webhook_id._get_allowances()
        tried = messages.browse()
        for robot, robot_messages in messages.grouped("webhook_id").items():
            tried |= robot_messages[:allowances[robot]]
        for message in tried:
            message._record_try(message.webhook_id._post(message.title, message.body))
        messages._schedule_next_run()
        return tried.filtered(lambda m: m.state == "sent")

    def _record_try(self, error):
        """Write the outcome of one try: sent, or queued again after the
        backoff, or failed after the last attempt."""
        now = fields.Datetime.now()
        attempts = self.attempts + 1
        vals = {"attempts": attempts, "last_attempt": now, "error": error or False}
        if not error:
            vals["state"] = "sent"
        elif (delay := webhooks.retry_delay_minutes(attempts)) is None:
            vals["state"] = "failed"
        else:
            vals["next_attempt"] = now + timedelta(minutes=delay)
        if error:
            _logger.warning("Chat-group message %s to robot %s not sent (try %s): %s",
                            self.id, self.webhook_id.id, attempts, error)
        self.write(vals)

    def _schedule_next_run(self):
        """Wake the cron when the next of these robots' queued messages is due,
        a minute from now at the soonest (the limit's window)."""
        earliest = self.search([
            ("webhook_id", "in", self.webhook_id.ids), ("state", "=", "queued"),
        ], order="next_attempt", limit=1).next_attempt
        if earliest:
            soonest = fields.Datetime.now() + timedelta(seconds=webhooks.RATE_WINDOW)
            self.env.ref(CRON)._trigger(max(earliest, soonest))
