from datetime import date, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import format_amount

from odoo.addons.sales_assessment.tests.test_webhook import OK_ANSWERS, RobotServer

from .common import DashboardCase

PUSH_LOGGER = "odoo.addons.sales_assessment_dashboard.models.sales_assessment_webhook"
ENGINE_LOGGER = "odoo.addons.sales_assessment.models.sales_assessment_webhook"
# 20 March: 79 of the quarter's 90 days are counted (87.78 % expected)
LATER = "2025-03-20 12:00:00"


@tagged("post_install", "-at_install")
@freeze_time("2025-02-14 12:00:00")
class TestPacingPush(DashboardCase):
    """Off-track alerts to the chat-group robots. On 14 February (50 %
    expected) Ann is on track (600 of 1,000), Cid at risk (400) and Bob off
    track (100); on 20 March Ann and Cid turn off track, Bob stays so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.robots = {provider: RobotServer(provider) for provider in OK_ANSWERS}
        for robot in cls.robots.values():
            cls.addClassCleanup(robot.close)
        cls.Message = cls.env["sales.assessment.webhook.message"]
        cls.make_order(cls.user_a, cls.customers[0], 600, date(2025, 1, 10))
        cls.make_order(cls.user_b, cls.customers[1], 100, date(2025, 1, 10))
        cls.make_order(cls.user_c, cls.customers[2], 400, date(2025, 1, 10))

    def setUp(self):
        super().setUp()
        for robot in self.robots.values():
            robot.requests.clear()
        self.cycle = self.make_revenue_cycle()

    def make_webhook(self, provider="wecom", **values):
        return self.env["sales.assessment.webhook"].create(dict({
            "name": f"SA {provider} robot", "provider": provider,
            "url": self.robots[provider].url, "notify_pacing": True,
        }, **values))

    def pacing_messages(self, webhook=None):
        domain = [("event", "=", "pacing")]
        if webhook:
            domain.append(("webhook_id", "=", webhook.id))
        return self.Message.search(domain)

    def refresh_later(self, when=LATER):
        with freeze_time(when):
            self.cycle.action_refresh()

    def alert_line(self, user):
        line = self.line(self.cycle, user, self.revenue)
        return (f"- {user.name}, {self.revenue.name}: {line.achievement:.1f} % achieved, "
                f"{line.expected_achievement:.1f} % expected by now")

    # ------------------------------------------------------------------
    # Who is told, and when
    # ------------------------------------------------------------------

    def test_turning_off_track_queues_one_message_per_covering_robot(self):
        everyone = self.make_webhook("wecom")
        team_2 = self.make_webhook("dingtalk", team_ids=[Command.set(self.team_2.ids)])
        team_1 = self.make_webhook("feishu", team_ids=[Command.set(self.team_1.ids)])
        silent = self.make_webhook("wecom", name="SA results only", notify_pacing=False)
        company, _manager = self.make_other_company_manager()
        other = self.make_webhook("wecom", name="SA other company", company_id=company.id)
        self.cycle.action_open()
        self.assertFalse(self.pacing_messages(), "Bob's first pacing is where he starts from")
        self.refresh_later()
        self.assertEqual(self.line(self.cycle, self.user_a, self.revenue).pacing, "off_track")
        self.assertEqual(self.line(self.cycle, self.user_c, self.revenue).pacing, "off_track")
        message = self.pacing_messages(everyone)
        self.assertRecordValues(message, [{"state": "queued", "title": "Off track in SA Q1 2025"}])
        self.assertEqual(message.body.split("\n"), [
            "**Off track in SA Q1 2025**", "",
            "**SA Team 1**", self.alert_line(self.user_a),
            "", "**SA Team 2**", self.alert_line(self.user_c),
        ])
        self.assertIn("87.8 % expected", message.body)
        self.assertNotIn("Bob", message.body, "Bob was off track already")
        self.assertEqual(self.pacing_messages(team_2).body.split("\n")[2:], [
            "**SA Team 2**", self.alert_line(self.user_c)])
        self.assertEqual(self.pacing_messages(team_1).body.split("\n")[2:], [
            "**SA Team 1**", self.alert_line(self.user_a)])
        self.assertFalse(self.pacing_messages(silent))
        self.assertFalse(self.pacing_messages(other))
        self.assertEqual(len(self.pacing_messages()), 3)
        self.assertFalse(self.robots["wecom"].requests, "the refresh only queues")

    def test_still_off_track_queues_nothing_more(self):
        webhook = self.make_webhook()
        self.cycle.action_open()
        self.refresh_later()
        self.assertEqual(len(self.pacing_messages(webhook)), 1)
        self.refresh_later()
        self.refresh_later("2025-03-25 12:00:00")
        self.assertEqual(len(self.pacing_messages(webhook)), 1)

    def test_back_on_track_then_off_again_is_told_again(self):
        webhook = self.make_webhook()
        self.cycle.action_open()
        self.refresh_later()
        order = self.make_order(self.user_c, self.customers[2], 800, date(2025, 3, 1))
        self.refresh_later()
        self.assertEqual(self.line(self.cycle, self.user_c, self.revenue).pacing, "on_track")
        self.assertEqual(len(self.pacing_messages(webhook)), 1)
        order.order_line.price_unit = 0.0
        self.refresh_later()
        latest = self.pacing_messages(webhook)[0]
        self.assertEqual(len(self.pacing_messages(webhook)), 2)
        self.assertEqual(latest.body.split("\n")[2:], [
            "**SA Team 2**", self.alert_line(self.user_c)])

    def test_without_robot_nothing_is_queued(self):
        self.make_webhook(notify_pacing=False)
        self.cycle.action_open()
        self.refresh_later()
        self.assertFalse(self.pacing_messages())
        self.assertEqual(self.line(self.cycle, self.user_c, self.revenue).pacing, "off_track")

    def test_close_queues_no_alert(self):
        webhook = self.make_webhook()
        self.cycle.action_open()
        with freeze_time(LATER):
            self.cycle.action_close()
        self.assertEqual(self.cycle.state, "closed")
        self.assertFalse(self.pacing_messages(webhook))
        self.assertEqual(webhook.message_ids.mapped("event"), ["results"])

    def test_team_evaluations_are_told_by_team_name(self):
        webhook = self.make_webhook()
        template = self.make_template([(self.revenue, 100, {})], subject_type="team")
        # custom: the quarter's cycle of the salespeople does not overlap it
        cycle = self.make_cycle(template, date(2025, 1, 1), date(2025, 3, 31),
                                name="SA Q1 teams")
        self.env["sales.assessment.target"].create([
            {"cycle_id": cycle.id, "kpi_id": self.revenue.id, "team_id": team.id,
             "target_value": 1000.0} for team in (self.team_1, self.team_2)])
        cycle.action_open()
        with freeze_time(LATER):
            cycle.action_refresh()
        # team 1 sold 700 (79.7 % of the 87.8 % expected: at risk), team 2 400
        self.assertEqual(self.pacing_messages(webhook).body.split("\n")[2:4],
                         ["**SA Team 2**", "- SA Team 2, " + self.revenue.name
                          + ": 40.0 % achieved, 87.8 % expected by now"])

    # ------------------------------------------------------------------
    # Amounts
    # ------------------------------------------------------------------

    def test_amounts_hidden(self):
        self.company.sales_assessment_hide_amounts = True
        webhook = self.make_webhook()
        self.cycle.action_open()
        self.refresh_later()
        body = self.pacing_messages(webhook).body
        self.assertIn("40.0 % achieved", body)
        self.assertNotIn(self.company.currency_id.symbol, body)
        self.assertNotIn("400", body)
        self.assertNotIn("1,000", body)

    def test_amounts_shown(self):
        self.company.sales_assessment_hide_amounts = False
        webhook = self.make_webhook()
        self.cycle.action_open()
        self.refresh_later()
        currency = self.company.currency_id
        actual, target = (format_amount(self.env, value, currency) for value in (400.0, 1000.0))
        self.assertIn(f"- Cid Seller, {self.revenue.name}: {actual} of {target}, 40.0 % achieved",
                      self.pacing_messages(webhook).body)

    # ------------------------------------------------------------------
    # Sending, failures, cost
    # ------------------------------------------------------------------

    def test_alert_is_sent_by_the_cron_in_the_provider_json(self):
        webhook = self.make_webhook("dingtalk", secret="SECdingtalk")
        self.cycle.action_open()
        self.refresh_later()
        message = self.pacing_messages(webhook)
        with freeze_time(LATER), mute_logger(ENGINE_LOGGER):
            self.Message._cron_send()
        self.assertEqual(message.state, "sent")
        [(path, body)] = self.robots["dingtalk"].requests
        self.assertIn("sign=", path)
        self.assertEqual(body, {"msgtype": "markdown", "markdown": {
            "title": "Off track in SA Q1 2025", "text": message.body}})

    def test_robot_problem_never_fails_the_refresh(self):
        webhook = self.make_webhook()
        self.cycle.action_open()
        Webhook = type(self.env["sales.assessment.webhook"])
        with patch.object(Webhook, "_prepare_pacing_vals", side_effect=ValueError("broken")), \
                mute_logger(PUSH_LOGGER):
            self.refresh_later()
        self.assertEqual(self.line(self.cycle, self.user_c, self.revenue).pacing, "off_track")
        self.assertFalse(self.pacing_messages(webhook))

    def _bulk_cycle(self, n_users, name, start):
        """A quarter's cycle from ``start`` of ``n_users`` salespeople of one
        team, each 600 of 1,000 in its first days, opened on its 45th day (on
        track) and refreshed on its 79th (off track, see :meth:`_count_refresh`)."""
        users = self.env["res.users"].create([
            {"name": f"SA push {name} {i}", "login": f"sa_push_{name}_{i}"}
            for i in range(n_users)
        ])
        team = self.env["crm.team"].create({
            "name": f"SA push {name}", "member_ids": [Command.set(users.ids)]})
        for index, user in enumerate(users):
            self.make_order(user, self.customers[index % 6], 600.0, start + timedelta(days=9))
        template = self.make_template([(self.revenue, 100, {})], users_teams=team)
        cycle = self.make_cycle(template, start, start + relativedelta(months=3, days=-1),
                                period_type="quarter", name=f"SA push {name}")
        self.set_targets(cycle, self.revenue, {user: 1000.0 for user in users})
        with freeze_time(start + timedelta(days=44)):
            cycle.action_open()
        return cycle

    def _count_refresh(self, cycle):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        with freeze_time(cycle.date_start + timedelta(days=78)):
            cycle.action_refresh()
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def test_query_count_is_independent_of_salespeople(self):
        """Reading the previous pacing, finding the robots and queuing their
        messages cost the same at 3 and at 12 salespeople turning off track."""
        self.make_webhook("wecom")
        self.make_webhook("dingtalk")
        warm_up, cycle3, cycle12 = (
            self._bulk_cycle(n, f"q{n}", start) for n, start in
            ((1, date(2024, 10, 1)), (3, date(2025, 4, 1)), (12, date(2025, 7, 1))))
        self._count_refresh(warm_up)  # fills the registry caches
        counts = [self._count_refresh(cycle3), self._count_refresh(cycle12)]
        self.assertEqual(counts[0], counts[1], "queries at 3 and 12 salespeople")
        for cycle, count in ((cycle3, 3), (cycle12, 12)):
            messages = self.pacing_messages().filtered(lambda m, c=cycle: c.name in m.title)
            self.assertEqual(len(messages), 2, "one per robot")
            self.assertEqual(messages[0].body.count("% achieved"), count)
