from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

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
