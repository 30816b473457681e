from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DashboardCase


@tagged("post_install", "-at_install")
class TestAssessmentReport(DashboardCase):
    """The analysis has one row per evaluation line, with the line's figures,
    and keeps salespeople to their own rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user, amount in ((cls.user_a, 600), (cls.user_b, 1500), (cls.user_c, 250)):
            cls.make_order(user, cls.customers[0], amount, date(2025, 1, 15))

    def setUp(self):
        super().setUp()
        self.cycle = self.make_revenue_cycle(extra_lines=[self.kpi("orders_count")])
        self.cycle.action_open()
        self.cycle.action_close()

    def test_rows_match_evaluation_lines(self):
        Report = self.env["sales.assessment.report"]
        lines = self.cycle.evaluation_ids.line_ids
        rows = Report.search([("cycle_id", "=", self.cycle.id)])
        self.assertEqual(len(rows), len(lines))
        self.assertEqual(sorted(rows.ids), sorted(lines.ids))
        [[count, actual, target, weighted]] = Report._read_group(
            [("cycle_id", "=", self.cycle.id)], [],
            ["__count", "actual_value:sum", "target_value:sum", "weighted_score:sum"],
        )
        self.assertEqual(count, len(lines))
        self.assertAlmostEqual(actual, sum(lines.mapped("actual_value")))
        self.assertAlmostEqual(actual, 600 + 1500 + 250 + 3)
        self.assertAlmostEqual(target, sum(lines.mapped("target_value")))
        self.assertAlmostEqual(weighted, sum(lines.mapped("weighted_score")))
        row = rows.filtered(lambda r: r.user_id == self.user_b and r.kpi_id == self.revenue)
        evaluation = self.evaluation(self.cycle, self.user_b)
        self.assertEqual(
            (row.rank, row.total_score, row.grade_id, row.unit, row.period_type,
             row.date_start, row.date_end, row.team_id, row.company_id),
            (evaluation.rank, evaluation.total_score, evaluation.grade_id, "monetary",
             "quarter", date(2025, 1, 1), date(2025, 3, 31), self.team_1, self.company),
        )

    def test_pivot_groups_open_their_own_rows(self):
        """The pivot's KPI × salesperson groups: labels, counts and a domain
        that finds exactly the group's rows (as a drill-down does)."""
        Report = self.env["sales.assessment.report"]
        domain = [("cycle_id", "=", self.cycle.id)]
        groups = Report.read_group(domain, ["actual_value:sum"], ["kpi_id", "user_id"],
                                   lazy=False)
        self.assertEqual(sum(g["__count"] for g in groups), len(self.cycle.evaluation_ids.line_ids))
        for group in groups:
            rows = Report.search(group["__domain"])
            self.assertEqual(len(rows), group["__count"])
            self.assertEqual(rows.kpi_id.id, group["kpi_id"][0])
            self.assertEqual(rows.user_id.id, group["user_id"][0])
            self.assertEqual(group["user_id"][1], rows.user_id.display_name)
            self.assertAlmostEqual(sum(rows.mapped("actual_value")), group["actual_value"])

    def test_pivot_path_equals_odoo_generic_path(self):
        """The pivot's fast path returns what Odoo's generic read_group returns
        (an order, or lazy grouping, takes the generic path)."""
        Report = self.env["sales.assessment.report"]
        domain = [("cycle_id", "=", self.cycle.id)]
        fields = ["actual_value:sum", "score:avg", "achievement"]
        fast = Report.read_group(domain, fields, ["kpi_id", "user_id"], lazy=False)
        generic = Report.read_group(domain, fields, ["kpi_id", "user_id"], lazy=False,
                                    orderby="kpi_id, user_id")

        def key(group):
            return (group["kpi_id"], group["user_id"])

        self.assertEqual(len(fast), len(generic))
        for mine, odoo in zip(sorted(fast, key=key), sorted(generic, key=key)):
            self.assertEqual(
                {k: v for k, v in mine.items() if k != "__domain"},
                {k: v for k, v in odoo.items() if k != "__domain"},
            )
            self.assertEqual(Report.search(mine["__domain"]), Report.search(odoo["__domain"]))
        # record rules apply: a salesperson's pivot holds their own rows only
        own = Report.with_user(self.user_a).read_group(
            domain, fields, ["kpi_id", "user_id"], lazy=False)
        self.assertEqual({g["user_id"][0] for g in own}, {self.user_a.id})

    def test_salesperson_sees_own_rows(self):
        Report = self.env["sales.assessment.report"]
        rows = Report.with_user(self.user_a).search([("cycle_id", "=", self.cycle.id)])
        self.assertEqual(rows.user_id, self.user_a)
        groups = Report.with_user(self.user_a)._read_group(
            [("cycle_id", "=", self.cycle.id)], ["user_id"], ["actual_value:sum"]
        )
        self.assertEqual([user for user, _sum in groups], [self.user_a])
        other = Report.search(
            [("cycle_id", "=", self.cycle.id), ("user_id", "=", self.user_b.id)]
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_a).read(["score"])

    def test_team_leader_sees_own_team(self):
        rows = self.env["sales.assessment.report"].with_user(self.leader).search(
            [("cycle_id", "=", self.cycle.id)]
        )
        self.assertEqual(rows.user_id, self.user_a | self.user_b)
