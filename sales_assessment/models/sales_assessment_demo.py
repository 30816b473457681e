import random
from datetime import datetime, time, timedelta

from odoo import api, fields, models

from ..tools import periods


class SalesAssessmentDemo(models.AbstractModel):
    """Builds the demo activity: two teams, six salespeople, twelve months of
    leads, orders, invoices, credit notes and payments, a closed previous
    quarter and an open current one. Called once from the demo data."""

    _name = "sales.assessment.demo"
    _description = "Sales Assessment Demo Data"

    @api.model
    def _load_demo(self):
        rng = random.Random(42)
        today = fields.Date.context_today(self)
        users, teams = self._demo_people()
        customers = self._demo_customers()
        product = self._demo_product()
        for month in range(12, -1, -1):
            for user in users:
                self._demo_month(rng, user, customers, product, today, month)
        self._demo_foreign_order(users[0], customers[0], product, today)
        self._demo_cycles(users, teams, today)

    def _demo_people(self):
        salesman = self.env.ref("sales_team.group_sale_salesman")
        leader = self.env.ref("sales_assessment.group_sales_assessment_team_leader")
        names = ["Li Wei", "Anna Schmidt", "Carlos Ruiz", "Wang Fang", "Emma Dubois", "Omar Haddad"]
        users = self.env["res.users"].with_context(no_reset_password=True).create([
            {
                "name": name,
                "login": f"assessment.demo{index}@example.com",
                "email": f"assessment.demo{index}@example.com",
                "groups_id": [fields.Command.set(
                    (salesman | leader).ids if index in (0, 3) else salesman.ids
                )],
            }
            for index, name in enumerate(names)
        ])
        teams = self.env["crm.team"].create([
            {"name": "Direct Sales (Assessment Demo)", "user_id": users[0].id,
             "member_ids": [fields.Command.set(users[:3].ids)]},
            {"name": "Key Accounts (Assessment Demo)", "user_id": users[3].id,
             "member_ids": [fields.Command.set(users[3:].ids)]},
        ])
        return users, teams

    def _demo_customers(self):
        return self.env["res.partner"].create([
            {"name": f"Assessment Demo Customer {i:02d}", "is_company": True}
            for i in range(1, 31)
        ])

    def _demo_product(self):
        return self.env["product.product"].create({
            "name": "Consulting Day (Assessment Demo)",
            "type": "service",
            "list_price": 800.0,
            "invoice_policy": "order",
        })

    def _demo_month(self, rng, user, customers, product, today, months_ago):
        day = today - timedelta(days=30 * months_ago + rng.randint(0, 25))
        day = min(day, today)
        for _index in range(rng.randint(1, 3)):
            # the customer base grows over the year: recent months bring new customers
            known = min(len(customers), 6 + (12 - months_ago) * 2)
            customer = customers[rng.randrange(known)]
            order = self._demo_order(user, customer, product, day, rng.randint(2, 12))
            if rng.random() < 0.8:
                self._demo_invoice(rng, order, day)
        self._demo_leads(rng, user, day)

    def _demo_order(self, user, customer, product, day, quantity, pricelist=None):
        order = self.env["sale.order"].with_user(user).sudo().create({
            "partner_id": customer.id,
            "user_id": user.id,
            "pricelist_id": pricelist.id if pricelist else False,
            "order_line": [fields.Command.create({"product_id": product.id,
                                                 "product_uom_qty": quantity})],
        })
        order.action_confirm()
        order.date_order = datetime.combine(day, time(10, 0))
        return order

    def _demo_invoice(self, rng, order, day):
        invoice = order._create_invoices()
        invoice.invoice_date = day
        invoice.action_post()
        if rng.random() < 0.1:
            refund = invoice._reverse_moves([{"invoice_date": day, "ref": "Demo return"}])
            refund.action_post()
        elif rng.random() < 0.7 and day + timedelta(days=10) <= fields.Date.today():
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": day + timedelta(days=10)})._create_payments()

    def _demo_leads(self, rng, user, day):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        leads = self.env["crm.lead"].create([
            {"name": f"Demo opportunity {user.name} {day} {i}", "type": "opportunity",
             "user_id": user.id, "expected_revenue": rng.randint(2, 20) * 1000}
            for i in range(rng.randint(2, 4))
        ])
        for lead in leads:
            outcome = rng.random()
            if outcome < 0.45:
                lead.stage_id = won_stage
            elif outcome < 0.75:
                lead.action_set_lost()
            else:
                continue
            lead.date_closed = datetime.combine(day, time(15, 0))
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)",
            (datetime.combine(day - timedelta(days=rng.randint(5, 40)), time(9, 0)), leads.ids),
        )
        self._demo_activities(rng, user, leads[:1], day)

    def _demo_activities(self, rng, user, leads, day):
        activity_type = self.env.ref("mail.mail_activity_data_call")
        for lead in leads:
            for _index in range(rng.randint(1, 4)):
                activity = self.env["mail.activity"].create({
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                })
                activity.with_user(user).sudo().action_feedback(feedback="Done")
        messages = self.env["mail.message"].search([
            ("model", "=", "crm.lead"), ("res_id", "in", leads.ids),
            ("mail_activity_type_id", "!=", False),
        ])
        messages.write({"date": datetime.combine(day, time(11, 0)),
                        "author_id": user.partner_id.id})

    def _demo_foreign_order(self, user, customer, product, today):
        currency = self.env.ref("base.EUR")
        if currency == self.env.company.currency_id:
            currency = self.env.ref("base.USD")
        currency.active = True
        if not currency.rate_ids:
            self.env["res.currency.rate"].create({"currency_id": currency.id, "rate": 0.9})
        pricelist = self.env["product.pricelist"].create(
            {"name": f"Assessment Demo {currency.name}", "currency_id": currency.id}
        )
        day = today - timedelta(days=3)
        self._demo_order(user, customer, product, day, 5, pricelist)

    def _demo_cycles(self, users, teams, today):
        template = self.env.ref("sales_assessment.template_salesperson")
        template.team_ids = [fields.Command.link(team.id) for team in teams]
        current = periods.period_bounds("quarter", today)
        previous = periods.previous_period(*current)
        Cycle = self.env["sales.assessment.cycle"]
        cycles = Cycle.create([
            {"name": periods.period_label("quarter", *bounds) + " (demo)",
             "period_type": "quarter", "date_start": bounds[0], "date_end": bounds[1],
             "template_ids": [fields.Command.set(template.ids)]}
            for bounds in (previous, current)
        ])
        targets = {"revenue_invoiced": 20000.0, "new_customers": 2.0, "win_rate": 55.0,
                   "activities_done": 6.0, "customer_satisfaction": 90.0}
        self.env["sales.assessment.target"].create([
            {"cycle_id": cycle.id, "kpi_id": self.env.ref(f"sales_assessment.kpi_{code}").id,
             "user_id": user.id, "target_value": value}
            for cycle in cycles for user in users for code, value in targets.items()
        ])
        cycles.action_open()
        satisfaction = self.env.ref("sales_assessment.kpi_customer_satisfaction")
        for index, line in enumerate(cycles.evaluation_ids.line_ids.filtered(
                lambda ln: ln.kpi_id == satisfaction)):
            line.manual_value = 70 + (index * 7) % 30
        cycles[0].action_close()
        cycles[1].action_refresh()
