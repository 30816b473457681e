from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import DashboardCase


@tagged("post_install", "-at_install")
class TestLeaderboard(DashboardCase):
    """Every salesperson reads the ranks and scores; with the company's
    "hide amounts" setting, only their own amounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_order(cls.user_a, cls.customers[0], 600, date(2025, 1, 10))
        cls.make_order(cls.user_b, cls.customers[1], 900, date(2025, 1, 10))
        cls.make_order(cls.user_c, cls.customers[2], 200, date(2025, 1, 10))

    def setUp(self):
        super().setUp()
        self.cycle = self.make_revenue_cycle()
        self.cycle.action_open()
        self.cycle.action_close()

    def board(self, user):
        return self.env["sales.assessment.leaderboard"].with_user(user).search(
            [("cycle_id", "=", self.cycle.id)]
        )

    def test_hidden_by_default(self):
        """A new company hides other people's amounts from salespeople."""
        company = self.env["res.company"].create({"name": "SA New Company"})
        self.assertTrue(company.sales_assessment_hide_amounts)

    def test_ranks_and_top_three(self):
        # a company that chose to show the amounts to everyone
        self.company.sales_assessment_hide_amounts = False
        rows = self.board(self.user_a)
        self.assertEqual(rows.user_id, self.user_a | self.user_b | self.user_c)
        by_user = {row.user_id: row for row in rows}
        self.assertEqual(
            [by_user[u].rank for u in (self.user_b, self.user_a, self.user_c)], [1, 2, 3]
        )
        self.assertTrue(all(rows.mapped("is_top")))
        self.assertEqual(by_user[self.user_b].revenue, 900)

    def test_hide_amounts_from_salesperson(self):
        self.company.sales_assessment_hide_amounts = True
        self.env.flush_all()
        rows = self.board(self.user_a)
        data = {
            row["user_id"][0]: row
            for row in rows.read(["user_id", "rank", "total_score", "revenue", "revenue_target"])
        }
        self.assertEqual(data[self.user_a.id]["revenue"], 600)
        self.assertFalse(data[self.user_b.id]["revenue"])
        self.assertFalse(data[self.user_b.id]["revenue_target"])
        self.assertEqual(data[self.user_b.id]["rank"], 1)
        self.assertTrue(data[self.user_b.id]["total_score"])
        # nor through the raw columns, read or grouped
        with self.assertRaises(AccessError):
            rows.read(["revenue_amount"])
        with self.assertRaises(AccessError):
            self.env["sales.assessment.leaderboard"].with_user(self.user_a)._read_group(
                [], ["user_id"], ["revenue_amount:sum"]
            )
        # nor through the analysis report
        report = self.env["sales.assessment.report"].with_user(self.user_a).search_read(
            [("cycle_id", "=", self.cycle.id)], ["user_id", "actual_value"]
        )
        self.assertEqual({row["user_id"][0] for row in report}, {self.user_a.id})

    def test_manager_sees_amounts(self):
        self.company.sales_assessment_hide_amounts = True
        self.env.flush_all()
        rows = self.board(self.manager)
        revenue = {row.user_id: row.revenue for row in rows}
        self.assertEqual(revenue[self.user_b], 900)
        self.assertEqual(revenue[self.user_c], 200)
        self.assertEqual(sum(rows.mapped("revenue_target")), 3000)


@tagged("post_install", "-at_install")
class TestLeaderboardCurrentCycle(DashboardCase):
    """The leaderboard opens on the current cycle (the open cycle containing
    today, else the one begun last), and its columns are newest first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.make_template([(cls.revenue, 100, {})])
        cls.cycles = {}
        for name, start, end in (("SA Q4 2024", date(2024, 10, 1), date(2024, 12, 31)),
                                 ("SA Q1 2025", date(2025, 1, 1), date(2025, 3, 31)),
                                 ("SA Q2 2025", date(2025, 4, 1), date(2025, 6, 30))):
            cycle = cls.make_cycle(cls.template, start, end, period_type="quarter", name=name)
            cycle.tz = "UTC"
            cls.set_targets(cls, cycle, cls.revenue, {cls.user_a: 1000.0, cls.user_b: 1000.0})
            cls.cycles[name] = cycle
        cls.cycles["SA Q4 2024"].action_open()
        cls.cycles["SA Q4 2024"].action_close()
        cls.cycles["SA Q1 2025"].action_open()

    def current(self):
        Board = self.env["sales.assessment.leaderboard"]
        self.assertEqual(
            Board._get_current_cycles(),
            Board.search([("is_current_cycle", "=", True)]).cycle_id,
        )
        return Board.search([("is_current_cycle", "=", True)]).cycle_id.mapped("name")

    @freeze_time("2025-02-15")
    def test_open_cycle_containing_today(self):
        self.assertEqual(self.current(), ["SA Q1 2025"])
        mine = [cycle.id for cycle in self.cycles.values()]
        rows = self.env["sales.assessment.leaderboard"].search(
            [("is_current_cycle", "=", False), ("cycle_id", "in", mine)])
        self.assertEqual(set(rows.cycle_id.mapped("name")), {"SA Q4 2024"})

    @freeze_time("2025-02-15")
    def test_open_cycle_not_begun_is_not_current(self):
        # next quarter opened early to set targets: it has not begun
        self.cycles["SA Q2 2025"].action_open()
        self.assertEqual(self.current(), ["SA Q1 2025"])

    @freeze_time("2025-05-10")
    def test_else_the_cycle_begun_last(self):
        # Q1 is over and closed; Q2 has not been opened
        self.cycles["SA Q1 2025"].action_close()
        self.assertEqual(self.current(), ["SA Q1 2025"])
        self.cycles["SA Q2 2025"].action_open()
        self.assertEqual(self.current(), ["SA Q2 2025"])

    @freeze_time("2025-02-15")
    def test_month_inside_quarter(self):
        month = self.make_cycle(self.template, date(2025, 2, 1), date(2025, 2, 28),
                                period_type="month", name="SA Feb 2025")
        month.tz = "UTC"
        self.set_targets(month, self.revenue, {self.user_a: 300.0})
        month.action_open()
        self.assertEqual(self.current(), ["SA Feb 2025"])

    def test_action_opens_on_current_cycle_newest_first(self):
        action = self.env.ref("sales_assessment_dashboard.sales_assessment_leaderboard_action")
        self.assertEqual(safe_eval(action.context), {"search_default_current_cycle": 1})
        Board = self.env["sales.assessment.leaderboard"]
        search = etree.fromstring(Board.get_view(view_type="search")["arch"])
        [current] = search.xpath("//filter[@name='current_cycle']")
        self.assertEqual(Board.search(safe_eval(current.get("domain"))),
                         Board.search([("is_current_cycle", "=", True)]))
        kanban = etree.fromstring(Board.get_view(view_type="kanban")["arch"])
        self.assertEqual(kanban.get("default_group_by"), "cycle_id")
        order = kanban.get("default_order")
        # the columns follow the cycles' own order, newest first
        groups = Board.web_read_group([], ["rank"], ["cycle_id"], orderby=order)["groups"]
        starts = [self.env["sales.assessment.cycle"].browse(g["cycle_id"][0]).date_start
                  for g in groups]
        self.assertEqual(starts, sorted(starts, reverse=True))
        self.assertGreater(len(starts), 1)
