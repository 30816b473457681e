from datetime import date

from odoo.addons.sales_assessment.tests.common import SalesAssessmentCase


class DashboardCase(SalesAssessmentCase):
    """The core fixture, plus a first-quarter cycle of 2025 scored on revenue
    ordered, with a target of 1,000 for each salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.company.sales_assessment_pacing_days = "calendar"

    def make_revenue_cycle(self, extra_lines=(), targets=1000.0):
        template = self.make_template([(self.revenue, 100 - 10 * len(extra_lines), {})]
                                      + [(kpi, 10, {}) for kpi in extra_lines])
        cycle = self.make_cycle(template, date(2025, 1, 1), date(2025, 3, 31),
                                period_type="quarter", name="SA Q1 2025")
        self.set_targets(cycle, self.revenue, {
            user: targets for user in (self.user_a, self.user_b, self.user_c)
        })
        return cycle
