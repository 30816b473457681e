import math
import re
from datetime import date, datetime, time

from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user


BAD_NUMBERS = (math.nan, math.inf, -math.inf, 1e308, 1e13)


class FiniteNumbersMixin:
    """Assertions of the typed-number guard (``sales.assessment.number.mixin``)."""

    def assertRefused(self, model, fname, call):
        """``call(value)`` refuses every bad number with the guard's message."""
        Model = self.env[model]
        label = Model._fields[fname]._description_string(self.env)
        message = rf"^{re.escape(label)} of {re.escape(Model._description)} " \
                  r"(must be a number|is too large)"
        for value in BAD_NUMBERS:
            with self.subTest(field=fname, value=value), \
                    self.assertRaisesRegex(ValidationError, message):
                call(value)

    def assertRefusedOverApi(self, records, user, fname):
        """``write`` as an RPC client calls it, with ``float('nan')``."""
        label = records._fields[fname]._description_string(self.env)
        with self.assertRaisesRegex(ValidationError, rf"^{re.escape(label)} of .* must be a number"):
            call_kw(records.env[records._name].with_user(user), "write",
                    [records.ids, {fname: float("nan")}], {})


class SalesAssessmentCase(TransactionCase):
    """Two teams, three salespeople and a team leader, fresh customers and a
    product; helpers that make real orders, invoices, payments and leads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env, "sa_manager", groups="sales_team.group_sale_manager", name="Sam Manager"
        )
        cls.leader = new_test_user(
            cls.env, "sa_leader",
            groups="sales_team.group_sale_salesman,"
            "sales_assessment.group_sales_assessment_team_leader",
            name="Lea Leader",
        )
        cls.user_a = new_test_user(
            cls.env, "sa_user_a", groups="sales_team.group_sale_salesman", name="Ann Seller"
        )
        cls.user_b = new_test_user(
            cls.env, "sa_user_b", groups="sales_team.group_sale_salesman", name="Bob Seller"
        )
        cls.user_c = new_test_user(
            cls.env, "sa_user_c", groups="sales_team.group_sale_salesman", name="Cid Seller"
        )
        cls.team_1 = cls.env["crm.team"].create({
            "name": "SA Team 1", "user_id": cls.leader.id,
            "member_ids": [Command.set((cls.user_a | cls.user_b).ids)],
        })
        cls.team_2 = cls.env["crm.team"].create({
            "name": "SA Team 2", "member_ids": [Command.set(cls.user_c.ids)],
        })
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"SA Customer {i}", "is_company": True} for i in range(6)]
        )
        cls.product = cls.env["product.product"].create({
            "name": "SA Service", "type": "service", "list_price": 100.0,
            "invoice_policy": "order", "taxes_id": [Command.clear()],
        })
        cls.date_from = date(2025, 1, 1)
        cls.date_to = date(2025, 3, 31)

    @classmethod
    def make_other_company_manager(cls):
        """A sales manager of another company only: (company, user)."""
        company = cls.env["res.company"].create({"name": "SA Other Company"})
        manager = new_test_user(
            cls.env, "sa_other_manager", groups="sales_team.group_sale_manager",
            name="Oda Other", company_id=company.id, company_ids=[(6, 0, company.ids)],
        )
        return company, manager

    @classmethod
    def kpi(cls, code):
        return cls.env.ref(f"sales_assessment.kpi_{code}")

    @classmethod
    def make_order(cls, user, customer, amount, day, pricelist=None, confirm=True):
        order = cls.env["sale.order"].create({
            "partner_id": customer.id,
            "user_id": user.id,
            "team_id": user.sale_team_id.id,
            "pricelist_id": pricelist.id if pricelist else False,
            "order_line": [Command.create({
                "product_id": cls.product.id, "product_uom_qty": 1,
                "price_unit": amount, "tax_id": [Command.clear()],
            })],
        })
        if confirm:
            order.action_confirm()
        order.date_order = datetime.combine(day, time(12, 0))
        return order

    @classmethod
    def make_invoice(cls, user, customer, amount, day, move_type="out_invoice",
                     currency=None, post=True):
        move = cls.env["account.move"].create({
            "move_type": move_type,
            "partner_id": customer.id,
            "invoice_user_id": user.id,
            "invoice_date": day,
            "currency_id": (currency or cls.company.currency_id).id,
            "invoice_line_ids": [Command.create({
                "product_id": cls.product.id, "quantity": 1, "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        if post:
            move.action_post()
        return move

    @classmethod
    def pay(cls, invoice, day, amount=None):
        vals = {"payment_date": day}
        if amount is not None:
            vals["amount"] = amount
        return cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(vals)._create_payments()

    @classmethod
    def make_opportunity(cls, user, outcome, closed_on, created_on=None):
        lead = cls.env["crm.lead"].create({
            "name": f"SA opp {outcome}", "type": "opportunity", "user_id": user.id,
            "team_id": user.sale_team_id.id,
        })
        if outcome == "won":
            lead.action_set_won()
        elif outcome == "lost":
            lead.action_set_lost()
        if outcome in ("won", "lost"):
            lead.date_closed = datetime.combine(closed_on, time(9, 0))
        if created_on:
            cls.env.cr.execute(
                "UPDATE crm_lead SET create_date = %s WHERE id = %s",
                (datetime.combine(created_on, time(9, 0)), lead.id),
            )
            lead.invalidate_recordset()
        return lead

    @classmethod
    def make_lead_kpi(cls, code, domain="[]", **values):
        """A domain KPI on CRM leads, dated by creation, by salesperson."""
        fields_ = cls.env["ir.model.fields"]
        return cls.env["sales.assessment.kpi"].create(dict({
            "name": code, "code": code, "kpi_type": "domain", "domain": domain,
            "model_id": cls.env["ir.model"]._get_id("crm.lead"),
            "date_field_id": fields_._get("crm.lead", "create_date").id,
            "user_field_id": fields_._get("crm.lead", "user_id").id,
        }, **values))

    @classmethod
    def make_template(cls, lines, users_teams=None, subject_type="user", grades=True):
        """lines: list of (kpi, weight, dict of extra line values)."""
        vals = {
            "name": "SA Scorecard",
            "subject_type": subject_type,
            "team_ids": [Command.set((users_teams or (cls.team_1 | cls.team_2)).ids)],
            "line_ids": [
                Command.create(dict({"kpi_id": kpi.id, "weight": weight}, **extra))
                for kpi, weight, extra in lines
            ],
        }
        if grades:
            vals["grade_ids"] = [Command.set([
                cls.env.ref(f"sales_assessment.grade_{g}").id for g in "abcd"
            ])]
        return cls.env["sales.assessment.template"].create(vals)

    @classmethod
    def make_cycle(cls, templates, date_from=None, date_to=None, period_type="custom",
                   name="SA Cycle"):
        return cls.env["sales.assessment.cycle"].create({
            "name": name,
            "period_type": period_type,
            "date_start": date_from or cls.date_from,
            "date_end": date_to or cls.date_to,
            "template_ids": [Command.set(templates.ids)],
        })

    def set_targets(self, cycle, kpi, values):
        self.env["sales.assessment.target"].create([
            {"cycle_id": cycle.id, "kpi_id": kpi.id, "user_id": user.id, "target_value": value}
            for user, value in values.items()
        ])

    def evaluation(self, cycle, user):
        return cycle.evaluation_ids.filtered(lambda e: e.user_id == user)

    def line(self, cycle, user, kpi):
        return self.evaluation(cycle, user).line_ids.filtered(lambda ln: ln.kpi_id == kpi)
