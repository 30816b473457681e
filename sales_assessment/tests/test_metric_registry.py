from datetime import date, datetime, time

from odoo_test_helper import FakeModelLoader

from odoo import models
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext as _lt

from ..models.sales_assessment_metric import metric
from .common import SalesAssessmentCase

# what the registry declares: (unit, direction, projection) of each metric
DECLARED = {
    "revenue_ordered": ("monetary", "higher", "revenue"),
    "revenue_invoiced": ("monetary", "higher", "revenue"),
    "revenue_collected": ("monetary", "higher", "revenue"),
    "orders_count": ("count", "higher", None),
    "avg_order_value": ("monetary", "higher", None),
    "new_customers": ("count", "higher", None),
    "opportunities_won": ("count", "higher", "won"),
    "opportunities_lost": ("count", "lower", None),
    "win_rate": ("percent", "higher", None),
    "leads_created": ("count", "higher", None),
    "avg_sales_cycle_days": ("days", "lower", None),
    "activities_done": ("count", "higher", None),
    "repeat_customer_rate": ("percent", "higher", None),
    "churn_rate": ("percent", "lower", None),
}


def _discount_metric_class():
    """A metric of another addon declaring its unit, direction and
    projection; built inside the FakeModelLoader (a model class registers
    itself when it is defined)."""

    class SalesAssessmentMetricDiscounts(models.AbstractModel):
        _inherit = "sales.assessment.metric"

        @metric("discount_given", _lt("Discount Given"), "sale.order", "sum",
                ("sale.order",), unit="monetary", direction="lower", projection="revenue")
        def _metric_discount_given(self, period):
            return SQL("SELECT NULL::int AS subject_id, NULL::int AS res_id, "
                       "NULL::numeric AS value WHERE %s", period.company.id < 0)

    return SalesAssessmentMetricDiscounts


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

        cls.loader.update_registry((SalesAssessmentMetricQuotations, _discount_metric_class()))

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

    def test_registry_declares_unit_direction_and_projection(self):
        metrics = self.env["sales.assessment.metric"]._get_metrics()
        for code, declared in DECLARED.items():
            spec = metrics[code]
            self.assertEqual((spec.unit, spec.direction, spec.projection), declared, code)

    def test_builtin_kpi_takes_unit_and_direction_from_its_metric(self):
        """A KPI created with only its name, code, type and metric: a revenue
        KPI is an amount, the sales cycle is days and lower is better."""
        Kpi = self.env["sales.assessment.kpi"]
        for code, spec in self.env["sales.assessment.metric"]._get_metrics().items():
            kpi = Kpi.create({"name": code, "code": f"sa_reg_{code}", "kpi_type": "builtin",
                              "builtin_metric": code})
            self.assertEqual((kpi.unit, kpi.direction), (spec.unit, spec.direction), code)
        self.assertEqual(
            (Kpi.search([("code", "=", "sa_reg_revenue_invoiced")]).unit,
             Kpi.search([("code", "=", "sa_reg_avg_sales_cycle_days")]).direction),
            ("monetary", "lower"))

    def test_kpi_follows_its_metric_unless_set(self):
        Kpi = self.env["sales.assessment.kpi"]
        kpi = Kpi.create({"name": "SA Orders", "code": "sa_reg_orders", "kpi_type": "builtin",
                          "builtin_metric": "orders_count"})
        kpi.builtin_metric = "churn_rate"
        self.assertEqual((kpi.unit, kpi.direction), ("percent", "lower"))
        chosen = Kpi.create({"name": "SA Cycle", "code": "sa_reg_cycle", "kpi_type": "builtin",
                             "builtin_metric": "avg_sales_cycle_days", "unit": "score",
                             "direction": "higher"})
        self.assertEqual((chosen.unit, chosen.direction), ("score", "higher"))
        manual = Kpi.create({"name": "SA Manual", "code": "sa_reg_manual", "kpi_type": "manual"})
        self.assertEqual((manual.unit, manual.direction), ("count", "higher"))
        manual.write({"unit": "percent", "direction": "lower"})
        manual.name = "SA Manual (renamed)"
        self.assertEqual((manual.unit, manual.direction), ("percent", "lower"))

    def test_another_addon_metric_declares_them_too(self):
        metrics = self.env["sales.assessment.metric"]._get_metrics()
        spec = metrics["discount_given"]
        self.assertEqual((spec.unit, spec.direction, spec.projection),
                         ("monetary", "lower", "revenue"))
        undeclared = metrics["quotations_sent"]  # declares none: a count, higher is better
        self.assertEqual((undeclared.unit, undeclared.direction, undeclared.projection),
                         ("count", "higher", None))
        kpi = self.env["sales.assessment.kpi"].create({
            "name": "SA Discounts", "code": "sa_discounts", "kpi_type": "builtin",
            "builtin_metric": "discount_given",
        })
        self.assertEqual((kpi.unit, kpi.direction), ("monetary", "lower"))
        self.assertEqual(kpi._get_builtin_spec().projection, "revenue")

    def test_metric_declaration_refuses_unknown_values(self):
        for values in ({"unit": "euros"}, {"direction": "up"}, {"projection": "orders"}):
            with self.assertRaisesRegex(ValueError, "is not one of"):
                metric("sa_bad", _lt("Bad"), "sale.order", "sum", (), **values)
