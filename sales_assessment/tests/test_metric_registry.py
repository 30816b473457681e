from datetime import date, datetime, time

from odoo_test_helper import FakeModelLoader

from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestMetricRegistry(SalesAssessmentCase):
    """Builtin metrics come from one registry; another addon adds one with
    ``_inherit`` and one decorated method, and a KPI uses it at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .metric_models import SalesAssessmentMetricQuotations

        cls.loader.update_registry((SalesAssessmentMetricQuotations,))

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    def test_registry_lists_every_builtin_metric(self):
        metrics = self.env["sales.assessment.metric"]._get_metrics()
        for code in ("revenue_ordered", "revenue_invoiced", "revenue_collected",
                     "orders_count", "avg_order_value", "new_customers",
                     "opportunities_won", "opportunities_lost", "win_rate", "leads_created",
                     "avg_sales_cycle_days", "activities_done", "repeat_customer_rate",
                     "churn_rate"):
            self.assertIn(code, metrics)
        selection = dict(self.env["sales.assessment.kpi"]._fields["builtin_metric"]
                         ._description_selection(self.env))
        self.assertEqual(selection["revenue_ordered"], "Revenue Ordered")

    def test_new_metric_through_the_registry_alone(self):
        self.assertIn("quotations_sent", self.env["sales.assessment.metric"]._get_metrics())
        kpi = self.env["sales.assessment.kpi"].create({
            "name": "SA Quotations", "code": "sa_quotations", "kpi_type": "builtin",
            "builtin_metric": "quotations_sent",
        })
        sent = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5),
                               confirm=False)
        sent.write({"state": "sent", "date_order": datetime.combine(date(2025, 1, 5), time(9))})
        self.make_order(self.user_a, self.customers[1], 100.0, date(2025, 1, 6),
                        confirm=False)  # a draft quotation: not sent
        cycle = self.make_cycle(self.make_template([(kpi, 100, {})]))
        cycle.action_open()
        line = self.line(cycle, self.user_a, kpi)
        self.assertEqual(line.actual_value, 1)
        action = line.action_view_sources()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), sent)

    def test_metrics_over_one_source_share_a_query(self):
        """The order metrics read the confirmed orders once, and give what each
        gives measured alone; the lead metrics likewise."""
        Metric = self.env["sales.assessment.metric"]
        self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        self.make_order(self.user_a, self.customers[1], 300.0, date(2025, 1, 6))
        self.make_order(self.user_b, self.customers[2], 50.0, date(2025, 2, 6))
        period = self.make_cycle(self.make_template([(self.kpi("revenue_ordered"), 100, {})])
                                 )._get_period("user")
        users = [self.user_a.id, self.user_b.id]
        families = [("revenue_ordered", "orders_count", "avg_order_value"),
                    ("opportunities_won", "opportunities_lost", "win_rate",
                     "avg_sales_cycle_days")]
        alone = {code: Metric._measure(code, period, users)
                 for family in families for code in family}
        for family in families:
            self.env.flush_all()
            with self.assertQueryCount(1):
                together = Metric._measure_many(family, period, users)
            self.assertEqual(together, {code: alone[code] for code in family})
        self.assertEqual(float(alone["revenue_ordered"][self.user_a.id]), 400.0)
        self.assertEqual(alone["orders_count"][self.user_a.id], 2)
        self.assertEqual(float(alone["avg_order_value"][self.user_a.id]), 200.0)
