from datetime import date

from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestManualValues(SalesAssessmentCase):
    """A manual KPI keeps one value per evaluation, not per salesperson."""

    def test_same_manual_kpi_in_two_scorecards(self):
        satisfaction = self.kpi("customer_satisfaction")
        double = self.env["sales.assessment.kpi"].create({
            "name": "SA double satisfaction", "code": "sa_sat_double",
            "kpi_type": "formula", "formula": "customer_satisfaction * 2",
        })
        first = self.make_template([(satisfaction, 100, {})])
        second = self.make_template([(satisfaction, 50, {}), (double, 50, {})])
        second.name = "SA Scorecard 2"
        cycle = self.make_cycle(first | second)
        cycle.action_open()
        evaluations = cycle.evaluation_ids.filtered(lambda e: e.user_id == self.user_a)
        self.assertEqual(len(evaluations), 2)
        by_template = {e.template_id: e for e in evaluations}

        def manual_line(template):
            return by_template[template].line_ids.filtered(lambda ln: ln.kpi_id == satisfaction)

        manual_line(first).with_user(self.leader).manual_value = 80
        manual_line(second).with_user(self.leader).manual_value = 60
        cycle.action_refresh()
        self.assertEqual(manual_line(first).actual_value, 80)
        self.assertEqual(manual_line(second).actual_value, 60)
        double_line = by_template[second].line_ids.filtered(lambda ln: ln.kpi_id == double)
        self.assertEqual(double_line.actual_value, 120)
        cycle.action_close()
        self.assertEqual(manual_line(first).actual_value, 80)
        self.assertEqual(manual_line(second).actual_value, 60)

    def test_measured_kpis_still_shared_per_salesperson(self):
        revenue = self.kpi("revenue_ordered")
        self.make_order(self.user_a, self.customers[0], 300.0, date(2025, 1, 5))
        first = self.make_template([(revenue, 100, {})])
        second = self.make_template([(revenue, 100, {})])
        second.name = "SA Scorecard 2"
        cycle = self.make_cycle(first | second)
        cycle.action_open()
        lines = cycle.evaluation_ids.filtered(lambda e: e.user_id == self.user_a).line_ids
        self.assertEqual(lines.mapped("actual_value"), [300.0, 300.0])
