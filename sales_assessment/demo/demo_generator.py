import random
from datetime import datetime, time, timedelta

from odoo import fields

from ..tools import periods

DEMO_MONTHS = 15  # enough history for four closed quarters before the current one
CLOSED_QUARTERS = 4


class DemoGenerator:
    """Builds the demo activity: two teams, six salespeople, sixteen months of
    leads (with their stage history), orders, invoices, credit notes and
    payments, one order split 50/50 between two salespeople, four closed
    quarters and an open current one, a few acknowledgements. Called once from
    the demo data (``sales.assessment.cycle._load_demo``); plain Python, not a
    model, so production databases never register it."""

    def __init__(self, env):
        self.env = env

    def load(self):
        rng = random.Random(42)
        today = fields.Date.context_today(self.env["sales.assessment.cycle"])
        users, teams = self._demo_people()
        customers = self._demo_customers()
        product = self._demo_product()
        for month in range(DEMO_MONTHS, -1, -1):
            for user in users:
                self._demo_month(rng, user, customers, product, today, month)
        self._demo_foreign_order(users[0], customers[0], product, today)
        self._demo_split_order(users[1], users[2], customers[1], product, today)
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
            known = min(len(customers), max(6, 6 + (DEMO_MONTHS - 3 - months_ago) * 2))
            customer = customers[rng.randrange(known)]
            order = self._demo_order(user, customer, product, day, rng.randint(2, 12))
            if rng.random() < 0.8:
                self._demo_invoice(rng, order, day)
        self._demo_leads(rng, user, day)

    def _demo_order(self, user, customer, product, day, quantity, pricelist=None):
        # sudo: demo documents, authored by each salesperson
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
        stages = self.env["crm.stage"].search([("team_id", "=", False)], order="sequence, id")
        won_stage = stages.filtered("is_won")[:1]
        open_stages = stages.filtered(lambda s: not s.is_won)
        reasons = self.env["crm.lost.reason"].search([], limit=10)
        created = datetime.combine(day - timedelta(days=rng.randint(5, 40)), time(9, 0))
        leads = self.env["crm.lead"].with_context(tracking_disable=True).create([
            {"name": f"Demo opportunity {user.name} {day} {i}", "type": "opportunity",
             "user_id": user.id, "expected_revenue": rng.randint(2, 20) * 1000,
             "stage_id": open_stages[:1].id}
            for i in range(rng.randint(2, 4))
        ])
        history = []
        for lead in leads:
            outcome = rng.random()
            closed = datetime.combine(day, time(15, 0))
            if outcome < 0.45:
                path = open_stages[:rng.randint(1, len(open_stages))] + won_stage
                lead.with_context(tracking_disable=True).stage_id = won_stage
            elif outcome < 0.75:
                path = open_stages[:rng.randint(1, len(open_stages))]
                lead.with_context(tracking_disable=True).stage_id = path[-1]
                reason = {"lost_reason_id": rng.choice(reasons).id} if reasons else {}
                lead.with_context(tracking_disable=True).action_set_lost(**reason)
            else:
                # still open: due within the next weeks, somewhere in the funnel
                path = open_stages[:rng.randint(1, len(open_stages))]
                closed = datetime.combine(min(day, fields.Date.today()), time(15, 0))
                lead.with_context(tracking_disable=True).write({
                    "stage_id": path[-1].id,
                    "probability": rng.choice([20, 40, 60, 80]),
                    "date_deadline": closed.date() + timedelta(days=rng.randint(5, 45)),
                })
                history.append((lead, path, created, closed))
                continue
            lead.date_closed = closed
            history.append((lead, path, created, closed))
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)", (created, leads.ids),
        )
        self._demo_stage_history(rng, user, history)
        self._demo_activities(rng, user, leads[:1], day)

    def _demo_stage_history(self, rng, user, history):
        """Stage changes as Odoo tracks them, spread between the creation and
        the close of each opportunity, so dwell times and the funnel show."""
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        subtype = self.env.ref("mail.mt_note")
        vals_list = []
        for lead, path, created, closed in history:
            span = max((closed - created).total_seconds(), 3600 * len(path))
            moments = sorted(rng.uniform(0.05, 0.95) * span for _stage in path[1:])
            for old, new, offset in zip(path, path[1:], moments):
                vals_list.append({
                    "model": "crm.lead", "res_id": lead.id, "message_type": "notification",
                    "subtype_id": subtype.id, "author_id": user.partner_id.id,
                    "date": created + timedelta(seconds=offset),
                    "tracking_value_ids": [fields.Command.create({
                        "field_id": field.id,
                        "old_value_integer": old.id, "old_value_char": old.name,
                        "new_value_integer": new.id, "new_value_char": new.name,
                    })],
                })
        self.env["mail.message"].create(vals_list)

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
                # sudo: demo activities, done by each salesperson
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

    def _demo_split_order(self, seller, partner, customer, product, today):
        """A shared deal: an order of ``seller`` credited half to ``partner``,
        invoiced (the invoice takes the split when posted)."""
        order = self._demo_order(seller, customer, product, today - timedelta(days=5), 6)
        order.sales_assessment_split_ids = [
            fields.Command.create({"user_id": user.id, "share": 50.0})
            for user in (seller, partner)
        ]
        invoice = order._create_invoices()
        invoice.invoice_date = today - timedelta(days=5)
        invoice.action_post()

    def _demo_cycles(self, users, teams, today):
        template = self.env.ref("sales_assessment.template_salesperson")
        template.team_ids = [fields.Command.link(team.id) for team in teams]
        bounds = [periods.period_bounds("quarter", today)]
        for _index in range(CLOSED_QUARTERS):
            bounds.insert(0, periods.previous_period(*bounds[0]))
        Cycle = self.env["sales.assessment.cycle"]
        cycles = Cycle.create([
            {"name": periods.period_label("quarter", *quarter) + " (demo)",
             "period_type": "quarter", "date_start": quarter[0], "date_end": quarter[1],
             "template_ids": [fields.Command.set(template.ids)]}
            for quarter in bounds
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
        for cycle in cycles[:-1]:
            cycle.action_close()
        self._demo_plans(cycles[-1], teams)
        cycles[-1].action_refresh()
        self._demo_acknowledgements(cycles)

    def _demo_plans(self, cycle, teams):
        """The open quarter's target plans: the first team's submitted by its
        leader and waiting for a manager, the second's approved (locked)."""
        revenue = self.env.ref("sales_assessment.kpi_revenue_invoiced")
        self.env["sales.assessment.target"].create([
            {"cycle_id": cycle.id, "kpi_id": revenue.id, "team_id": team.id,
             "target_value": 20000.0 * len(team.member_ids)}
            for team in teams
        ])
        plans = self.env["sales.assessment.target.plan"].search(
            [("cycle_id", "=", cycle.id), ("team_id", "in", teams.ids)])
        for plan in plans:
            plan.with_user(plan.team_id.user_id).action_submit()
        plans.filtered(lambda p: p.team_id == teams[1]).with_user(
            self.env.ref("base.user_admin")).action_approve()

    def _demo_acknowledgements(self, cycles):
        """Half the salespeople acknowledged the targets of the open quarter,
        one the result of the last closed quarter: each through the action, as
        themselves."""
        for evaluation in cycles[-1].evaluation_ids[:3]:
            evaluation.with_user(evaluation.user_id).action_acknowledge_targets()
        published = cycles[-2].evaluation_ids.filtered(lambda e: e.state == "published")[:1]
        if published:
            published.with_user(published.user_id).action_acknowledge_result()
