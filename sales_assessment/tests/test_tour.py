from datetime import datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


TOUR_URL = "/odoo/action-sales_assessment.sales_assessment_evaluation_action"


class MyEvaluationTourCase(HttpCase):
    """A salesperson opens their evaluation and the records behind a figure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env, "sa_tour_seller", groups="sales_team.group_sale_salesman",
            name="Tour Seller",
        )
        team = cls.env["crm.team"].create(
            {"name": "SA tour team", "member_ids": [Command.set(cls.seller.ids)]}
        )
        customer = cls.env["res.partner"].create({"name": "SA Tour Customer"})
        product = cls.env["product.product"].create({"name": "SA tour product"})
        order = cls.env["sale.order"].create({
            "partner_id": customer.id, "user_id": cls.seller.id,
            "order_line": [Command.create({"product_id": product.id, "price_unit": 500,
                                           "tax_id": [Command.clear()]})],
        })
        order.action_confirm()
        order.date_order = datetime(2016, 2, 10, 10, 0)
        revenue = cls.env.ref("sales_assessment.kpi_revenue_ordered")
        template = cls.env["sales.assessment.template"].create({
            "name": "SA tour scorecard", "team_ids": [Command.set(team.ids)],
            "line_ids": [Command.create({"kpi_id": revenue.id, "weight": 100})],
        })
        cycle = cls.env["sales.assessment.cycle"].create({
            "name": "SA Tour Cycle", "period_type": "custom",
            "date_start": "2016-01-01", "date_end": "2016-03-31",
            "template_ids": [Command.set(template.ids)],
        })
        cls.env["sales.assessment.target"].create({
            "cycle_id": cycle.id, "kpi_id": revenue.id, "user_id": cls.seller.id,
            "target_value": 1000,
        })
        cycle.action_open()



@tagged("post_install", "-at_install")
class TestMyEvaluationTourDesktop(MyEvaluationTourCase):
    def test_my_evaluation_desktop(self):
        self.start_tour(TOUR_URL, "sales_assessment_my_evaluation", login="sa_tour_seller")


@tagged("post_install", "-at_install")
class TestMyEvaluationTourPhone(MyEvaluationTourCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_my_evaluation_phone(self):
        self.start_tour(TOUR_URL, "sales_assessment_my_evaluation", login="sa_tour_seller")


@tagged("post_install", "-at_install")
class TestSettingsTour(HttpCase):
    """A manager finds the addon's settings from its app, without sale_management."""

    def test_manager_opens_settings(self):
        new_test_user(
            self.env, "sa_tour_manager", name="Tour Manager",
            groups="sales_assessment.group_sales_assessment_manager,base.group_system",
        )
        self.start_tour("/odoo/action-sales_assessment.sales_assessment_cycle_action",
                        "sales_assessment_open_settings", login="sa_tour_manager")
