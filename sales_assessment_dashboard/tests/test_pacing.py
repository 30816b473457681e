from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DashboardCase


@tagged("post_install", "-at_install")
@freeze_time("2025-02-14 12:00:00")
class TestPacing(DashboardCase):
    """On 14 February, half of the first quarter has passed (45 of 90
    calendar days): 600 of 1,000 is on track, 400 at risk, 100 off track."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_order(cls.user_a, cls.customers[0], 600, date(2025, 1, 10))
        cls.make_order(cls.user_b, cls.customers[1], 100, date(2025, 1, 10))
        cls.make_order(cls.user_c, cls.customers[2], 400, date(2025, 1, 10))

    def setUp(self):
        super().setUp()
        self.cycle = self.make_revenue_cycle()
        self.coaching = self.env.ref("sales_assessment_dashboard.mail_act_coaching")

    def coaching_activities(self):
        return self.env["mail.activity"].search([
            ("res_model", "=", "sales.assessment.evaluation"),
            ("res_id", "in", self.cycle.evaluation_ids.ids),
            ("activity_type_id", "=", self.coaching.id),
        ])

    def test_three_cases(self):
        self.cycle.action_open()
        lines = {
            user: self.line(self.cycle, user, self.revenue)
            for user in (self.user_a, self.user_b, self.user_c)
        }
        for line in lines.values():
            self.assertAlmostEqual(line.expected_achievement, 50.0)
        self.assertEqual(lines[self.user_a].pacing, "on_track")   # 60 % >= 95 % of 50 %
        self.assertEqual(lines[self.user_c].pacing, "at_risk")    # 40 % is 80 % of 50 %
        self.assertEqual(lines[self.user_b].pacing, "off_track")  # 10 % is 20 % of 50 %
        self.assertEqual(self.evaluation(self.cycle, self.user_b).pacing, "off_track")

    def test_thresholds_are_settings(self):
        self.company.sales_assessment_off_track_threshold = 10.0
        self.company.sales_assessment_on_track_threshold = 70.0
        self.cycle.action_open()
        self.assertEqual(self.line(self.cycle, self.user_c, self.revenue).pacing, "on_track")
        self.assertEqual(self.line(self.cycle, self.user_b, self.revenue).pacing, "at_risk")

    def test_working_days(self):
        # 33 working days from 1 January to 14 February 2025, 64 in the quarter
        self.company.sales_assessment_pacing_days = "working"
        self.cycle.action_open()
        line = self.line(self.cycle, self.user_a, self.revenue)
        self.assertAlmostEqual(line.expected_achievement, round(100 * 33 / 64, 2))

    def test_company_without_pacing_setting_counts_working_days(self):
        """A company created while this addon was not loaded yet (as Odoo's
        own tests do) has no pacing setting: it counts working days."""
        company = self.env["res.company"].create({"name": "SA company created before"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_company SET sales_assessment_pacing_days = NULL "
                            "WHERE id = %s", [company.id])
        company.invalidate_recordset()
        self.env.registry.clear_cache()
        working, _on_track, _off_track = self.env["res.company"]._get_assessment_pacing_settings(
            company.id)
        self.assertTrue(working)

    def test_one_coaching_activity_closed_when_back_on_track(self):
        self.cycle.action_open()
        self.cycle.action_refresh()
        self.cycle.action_refresh()
        activity = self.coaching_activities()
        self.assertEqual(len(activity), 1, "one activity, not one per refresh")
        self.assertEqual(activity.res_id, self.evaluation(self.cycle, self.user_b).id)
        self.assertEqual(activity.user_id, self.leader)
        # user_c is at risk, and team 2 has no leader: no activity
        self.make_order(self.user_b, self.customers[1], 800, date(2025, 2, 1))
        self.cycle.action_refresh()
        self.assertFalse(self.coaching_activities())
        self.assertEqual(self.line(self.cycle, self.user_b, self.revenue).pacing, "on_track")

    def test_coaching_closed_at_close(self):
        self.cycle.action_open()
        self.assertEqual(len(self.coaching_activities()), 1)
        self.cycle.action_close()
        self.assertFalse(self.coaching_activities())


@tagged("post_install", "-at_install")
@freeze_time("2025-02-14 12:00:00")
class TestPacingSummary(DashboardCase):
    """The evaluation says how many of its KPIs lag, in a sentence of its
    own per case: Ann is on track on both KPIs, Cid at risk on revenue, Bob
    off track on revenue and on orders (one of the ten he aims at)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orders = cls.kpi("orders_count")
        cls.make_order(cls.user_a, cls.customers[0], 600, date(2025, 1, 10))
        cls.make_order(cls.user_b, cls.customers[1], 100, date(2025, 1, 10))
        cls.make_order(cls.user_c, cls.customers[2], 400, date(2025, 1, 10))

    def setUp(self):
        super().setUp()
        self.cycle = self.make_revenue_cycle(extra_lines=[self.orders])
        self.set_targets(self.cycle, self.orders, {self.user_a: 1, self.user_b: 10})

    def test_counts_and_labels(self):
        self.cycle.action_open()
        self.assertRecordValues(
            self.cycle.evaluation_ids.sorted(lambda e: e.user_id.name),
            [
                {"user_id": self.user_a.id, "off_track_count": 0, "at_risk_count": 0,
                 "pacing_label": "On track"},
                {"user_id": self.user_b.id, "off_track_count": 2, "at_risk_count": 0,
                 "pacing_label": "2 KPIs off track"},
                {"user_id": self.user_c.id, "off_track_count": 0, "at_risk_count": 1,
                 "pacing_label": "1 KPI at risk"},
            ],
        )

    def test_kpi_without_target_has_no_pacing(self):
        """Cid has no orders target: that KPI is not off track, it has none."""
        self.cycle.action_open()
        line = self.line(self.cycle, self.user_c, self.orders)
        self.assertEqual((line.has_target, line.pacing), (False, False))
        self.assertEqual(self.evaluation(self.cycle, self.user_c).pacing, "at_risk")

    def test_one_lagging_kpi_of_the_best(self):
        """Bob catches up on revenue and leads the cycle: one KPI lags still,
        and his evaluation says so rather than "Off Track"."""
        self.make_order(self.user_b, self.customers[1], 2000, date(2025, 2, 1))
        self.cycle.action_open()
        evaluation = self.evaluation(self.cycle, self.user_b)
        self.assertEqual((evaluation.rank, evaluation.grade_id.name), (1, "A"))
        self.assertEqual(evaluation.off_track_count, 1)
        self.assertEqual(evaluation.pacing_label, "1 KPI off track")
        report = self.env["sales.assessment.report"].search(
            [("evaluation_id", "=", evaluation.id)])
        self.assertEqual(set(report.mapped("pacing_label")), {"1 KPI off track"})

    def test_no_summary_once_closed(self):
        self.cycle.action_open()
        self.cycle.action_close()
        self.assertFalse(any(self.cycle.evaluation_ids.mapped("pacing_label")))
