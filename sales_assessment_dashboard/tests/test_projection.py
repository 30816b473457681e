from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DashboardCase


@tagged("post_install", "-at_install")
@freeze_time("2025-02-14 12:00:00")
class TestProjection(DashboardCase):
    """Projection = actual + open opportunities of the cycle's company due in
    the rest of the cycle, expected revenue × probability, in company
    currency. A salesperson who also sells for another company keeps that
    company's pipeline out of this one's projection."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won = cls.kpi("won")
        foreign = cls.env["res.currency"].with_context(active_test=False).search(
            [("id", "!=", cls.company.currency_id.id), ("name", "in", ("EUR", "CHF", "GBP"))],
            limit=1,
        )
        foreign.active = True
        # 1 company currency = 0.5 foreign: 1 foreign = 2 in company currency
        cls.env["res.currency.rate"].create({
            "currency_id": foreign.id, "rate": 0.5, "name": "2025-01-01",
            "company_id": cls.company.id,
        })
        cls.company_2 = cls.env["res.company"].create(
            {"name": "SA foreign company", "currency_id": foreign.id}
        )
        cls.user_a.company_ids = [Command.link(cls.company_2.id)]
        cls.make_order(cls.user_a, cls.customers[0], 300, date(2025, 1, 10))
        cls.make_opportunity(cls.user_a, "won", date(2025, 1, 20))
        Lead = cls.env["crm.lead"]
        base = {"type": "opportunity", "user_id": cls.user_a.id, "team_id": False}
        cls.due = Lead.create(dict(base, name="SA due", expected_revenue=1000,
                                   probability=50, date_deadline="2025-03-10"))
        cls.foreign_lead = Lead.create(dict(
            base, name="SA foreign", expected_revenue=1000, probability=30,
            date_deadline="2025-02-20", company_id=cls.company_2.id,
        ))
        Lead.create([
            dict(base, name="SA overdue", expected_revenue=2000, probability=10,
                 date_deadline="2025-02-01"),
            dict(base, name="SA next quarter", expected_revenue=4000, probability=90,
                 date_deadline="2025-04-10"),
            dict(base, name="SA other seller", expected_revenue=5000, probability=90,
                 date_deadline="2025-03-01", user_id=cls.user_b.id),
        ])

    def test_projection(self):
        cycle = self.make_revenue_cycle(extra_lines=[self.won])
        cycle.action_open()
        revenue = self.line(cycle, self.user_a, self.revenue)
        # 1,000 × 50 %; the other company's lead (1,000 × 30 %) is not this company's
        self.assertAlmostEqual(revenue.pipeline_value, 500)
        self.assertAlmostEqual(revenue.projected_value, 300 + 500)
        won = self.line(cycle, self.user_a, self.won)
        self.assertAlmostEqual(won.actual_value, 1)
        self.assertAlmostEqual(won.projected_value, 1 + 0.5)
        other = self.line(cycle, self.user_c, self.revenue)
        self.assertEqual((other.pipeline_value, other.projected_value), (0.0, 0.0))

    def test_pipeline_records_open(self):
        cycle = self.make_revenue_cycle()
        cycle.action_open()
        action = self.line(cycle, self.user_a, self.revenue).action_view_pipeline()
        leads = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(leads, self.due, "the other company's lead is not in this pipeline")

    def test_projection_of_the_other_company(self):
        """The same salesperson's cycle of the other company projects its lead."""
        cycle = self.make_revenue_cycle(extra_lines=[self.won])
        pipeline = cycle.with_company(self.company_2).sudo().copy(
            {"company_id": self.company_2.id, "template_ids": False})._get_pipeline_values(
            [("revenue", "user", self.user_a.id), ("won", "user", self.user_a.id)],
            date(2025, 2, 14))
        self.assertAlmostEqual(pipeline["revenue"]["user"][self.user_a.id], 300)
        self.assertAlmostEqual(pipeline["won"]["user"][self.user_a.id], 0.3)
