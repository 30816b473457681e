from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


class DashboardTourCase(HttpCase):
    """A salesperson with a closed cycle behind them (1,200 of 1,000: a full,
    green bar) and an open cycle around today: revenue 400 of 1,000 ordered
    so far, at risk; a team leader, a manager, neither assessed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env, "sa_tour_dash_seller", groups="sales_team.group_sale_salesman",
            name="Tour Seller",
        )
        cls.manager = new_test_user(
            cls.env, "sa_tour_dash_manager", groups="sales_team.group_sale_manager",
            name="Tour Manager",
        )
        team = cls.env["crm.team"].create({
            "name": "SA tour dashboard team", "user_id": cls.manager.id,
            "member_ids": [Command.set(cls.seller.ids)],
        })
        customer = cls.env["res.partner"].create({"name": "SA Tour Dashboard Customer"})
        product = cls.env["product.product"].create({"name": "SA tour dashboard product"})
        today = fields.Date.today()
        for amount, day in ((1200, date(2015, 2, 10)), (400, today)):
            order = cls.env["sale.order"].create({
                "partner_id": customer.id, "user_id": cls.seller.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": amount,
                                               "tax_id": [Command.clear()]})],
            })
            order.action_confirm()
            order.date_order = datetime.combine(day, datetime.min.time()).replace(hour=6)
        revenue = cls.env.ref("sales_assessment.kpi_revenue_ordered")
        template = cls.env["sales.assessment.template"].create({
            "name": "SA tour dashboard scorecard", "team_ids": [Command.set(team.ids)],
            "line_ids": [Command.create({"kpi_id": revenue.id, "weight": 100})],
        })
        Cycle = cls.env["sales.assessment.cycle"]
        closed = Cycle.create({
            "name": "SA Tour Closed Cycle", "period_type": "custom",
            "date_start": "2015-01-01", "date_end": "2015-03-31",
            "template_ids": [Command.set(template.ids)],
        })
        current = Cycle.create({
            "name": "SA Tour Open Cycle", "period_type": "custom",
            "date_start": today - timedelta(days=30), "date_end": today + timedelta(days=30),
            "template_ids": [Command.set(template.ids)],
        })
        cls.env["sales.assessment.target"].create([
            {"cycle_id": cycle.id, "kpi_id": revenue.id, "user_id": cls.seller.id,
             "target_value": 1000}
            for cycle in closed | current
        ])
        (closed | current).action_open()
        closed.action_close()


@tagged("post_install", "-at_install")
class TestMyPerformancePhone(DashboardTourCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_my_performance_phone(self):
        self.start_tour("/odoo", "sales_assessment_my_performance_phone",
                        login="sa_tour_dash_seller")

    def test_acknowledge_targets_phone(self):
        self.start_tour("/odoo", "sales_assessment_acknowledge_targets_phone",
                        login="sa_tour_dash_seller")
        self.env.invalidate_all()
        evaluations = self.env["sales.assessment.evaluation"].search(
            [("user_id", "=", self.seller.id)])
        current = evaluations.filtered(lambda e: e.cycle_id.state == "open")
        self.assertTrue(current.targets_acknowledged_date)
        self.assertIn("Targets acknowledged.", current.message_ids[0].body)
        self.assertFalse((evaluations - current).result_acknowledged_date,
                         "the closed cycle's result waits for its own acknowledgement")


@tagged("post_install", "-at_install")
class TestManagerDesktop(DashboardTourCase):
    browser_size = "1440x900"

    def test_manager_desktop(self):
        self.start_tour(
            "/odoo", "sales_assessment_manager_desktop", login="sa_tour_dash_manager"
        )


@tagged("post_install", "-at_install")
class TestEstimatePhone(DashboardTourCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_estimate_phone(self):
        evaluation = self.env["sales.assessment.evaluation"].search(
            [("user_id", "=", self.seller.id), ("cycle_id.state", "=", "open")])
        self.start_tour("/odoo", "sales_assessment_estimate_phone", login="sa_tour_dash_seller")
        self.env.invalidate_all()
        self.assertEqual(evaluation.total_score, 40.0, "an estimate writes nothing")
