import math
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..models.sales_assessment_kpi import Period
from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestCreditSplit(SalesAssessmentCase):
    """Credit splits: revenue credited by share (orders, invoices, credit
    notes, payments, currencies), counts kept by the document's salesperson,
    splits taken over at posting, refusals, and who reads what."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.period = Period(cls.date_from, cls.date_to, cls.company, "user")
        cls.subjects = [cls.user_a.id, cls.user_b.id, cls.user_c.id]
        cls.Split = cls.env["sales.assessment.credit.split"]

    def measure(self, code, period=None, subjects=None):
        kpi = self.kpi(code)
        return kpi._measure_values(period or self.period, subjects or self.subjects)[kpi.id]

    def split(self, document, shares):
        """Give ``document`` the split {user: share}, through its form field."""
        document.sales_assessment_split_ids = [
            Command.create({"user_id": user.id, "share": share}) for user, share in shares.items()
        ]
        return document.with_env(self.env).sales_assessment_split_ids

    def assertRefused(self, message, call):
        """``call()`` raises a ValidationError matching ``message``, undone
        (the assertion's savepoint)."""
        with self.assertRaises(ValidationError) as caught:
            call()
        self.assertRegex(str(caught.exception), message)

    def report_total(self, order):
        self.env.flush_all()
        [[total]] = self.env["sale.report"]._read_group(
            [("name", "=", order.name), ("state", "=", "sale")], [], ["price_subtotal:sum"])
        return total

    # -- figures

    def test_split_order_credits_each_share_to_the_cent(self):
        order = self.make_order(self.user_a, self.customers[0], 1000.01, date(2025, 2, 3))
        self.split(order, {self.user_b: 66.67, self.user_c: 33.33})
        values = self.measure("revenue_ordered")
        self.assertAlmostEqual(values[self.user_b.id], 666.71, places=2)
        self.assertAlmostEqual(values[self.user_c.id], 333.30, places=2)
        # the salesperson keeps a share only through a line of their own
        self.assertEqual(values[self.user_a.id], 0.0)
        self.assertAlmostEqual(values[self.user_b.id] + values[self.user_c.id],
                               self.report_total(order), places=2)

    def test_salesperson_keeps_a_share_through_their_own_line(self):
        order = self.make_order(self.user_a, self.customers[0], 800.0, date(2025, 2, 3))
        self.make_order(self.user_a, self.customers[1], 100.0, date(2025, 2, 4))
        self.split(order, {self.user_a: 25, self.user_b: 75})
        values = self.measure("revenue_ordered")
        self.assertAlmostEqual(values[self.user_a.id], 300.0, places=2)
        self.assertAlmostEqual(values[self.user_b.id], 600.0, places=2)

    def test_split_in_a_foreign_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create({
            "currency_id": eur.id, "name": date(2024, 12, 1), "rate": 2.0,
            "company_id": self.company.id,
        })
        pricelist = self.env["product.pricelist"].create({"name": "SA EUR", "currency_id": eur.id})
        foreign = self.make_order(self.user_a, self.customers[0], 300.0, date(2025, 2, 15), pricelist)
        local = self.make_order(self.user_b, self.customers[1], 90.0, date(2025, 2, 16))
        self.split(foreign, {self.user_a: 50, self.user_c: 50})
        self.split(local, {self.user_b: 50, self.user_c: 50})
        values = self.measure("revenue_ordered")
        # 300 EUR at 2 EUR per USD = 150 USD, half each
        self.assertAlmostEqual(values[self.user_a.id], 75.0, places=2)
        self.assertAlmostEqual(values[self.user_b.id], 45.0, places=2)
        self.assertAlmostEqual(values[self.user_c.id], 120.0, places=2)
        self.assertAlmostEqual(sum(values.values()),
                               self.report_total(foreign) + self.report_total(local), places=2)

    def test_counts_stay_with_the_salesperson(self):
        order = self.make_order(self.user_a, self.customers[0], 400.0, date(2025, 1, 5))
        self.make_order(self.user_a, self.customers[1], 200.0, date(2025, 1, 6))
        self.split(order, {self.user_b: 50, self.user_c: 50})
        counts = self.measure("orders_count")
        self.assertEqual((counts[self.user_a.id], counts[self.user_b.id], counts[self.user_c.id]),
                         (2, 0, 0))
        averages = self.measure("avg_order_value")
        self.assertAlmostEqual(averages[self.user_a.id], 300.0)
        self.assertEqual(averages[self.user_b.id], 0.0)
        customers = self.measure("new_customers")
        self.assertEqual((customers[self.user_a.id], customers[self.user_b.id]), (2, 0))

    def test_teams_keep_the_document_team(self):
        order = self.make_order(self.user_a, self.customers[0], 400.0, date(2025, 1, 5))
        self.split(order, {self.user_a: 50, self.user_c: 50})  # user_c sells for team 2
        teams = self.measure("revenue_ordered", self.period._replace(group="team"),
                             [self.team_1.id, self.team_2.id])
        self.assertAlmostEqual(teams[self.team_1.id], 400.0, places=2)
        self.assertEqual(teams[self.team_2.id], 0.0)

    def test_narrowed_measures_are_the_full_ones(self):
        """A period narrowed to a few subjects (the live refresh) gives each
        of them what the whole period gives: every builtin metric, split or
        not, salespeople and teams."""
        day = date(2025, 2, 3)
        split_order = self.make_order(self.user_a, self.customers[0], 500.0, day)
        self.split(split_order, {self.user_b: 60, self.user_c: 40})
        self.make_order(self.user_a, self.customers[1], 300.0, day)
        self.make_order(self.user_c, self.customers[2], 200.0, date(2024, 11, 3))
        self.make_order(self.user_c, self.customers[2], 250.0, day)
        invoice = self.make_invoice(self.user_a, self.customers[0], 800.0, day, post=False)
        self.split(invoice, {self.user_a: 25, self.user_b: 75})
        invoice.action_post()
        self.pay(invoice, date(2025, 2, 10))
        self.pay(self.make_invoice(self.user_c, self.customers[2], 90.0, day), date(2025, 2, 11))
        self.make_opportunity(self.user_b, "won", day, created_on=date(2025, 1, 20))
        self.make_opportunity(self.user_a, "lost", day)
        codes = list(self.env["sales.assessment.metric"]._get_metrics())
        for group, subjects in (("user", self.subjects),
                                ("team", [self.team_1.id, self.team_2.id])):
            period = self.period._replace(group=group)
            full = self.env["sales.assessment.metric"]._measure_many(codes, period, subjects)
            for subject in subjects:
                narrowed = self.env["sales.assessment.metric"]._measure_many(
                    codes, period._replace(subject_ids=(subject,)), [subject])
                for code in codes:
                    self.assertAlmostEqual(
                        narrowed[code].get(subject) or 0.0, full[code].get(subject) or 0.0,
                        places=6, msg=f"{code} of {group} {subject}")
        # the figures are not all zero: the narrowed scans read something
        self.assertAlmostEqual(full["revenue_ordered"][self.team_1.id], 800.0, places=2)

    def test_invoice_takes_its_order_split_when_posted(self):
        order = self.make_order(self.user_a, self.customers[0], 500.0, date(2025, 1, 10))
        self.split(order, {self.user_a: 40, self.user_b: 60})
        invoice = order._create_invoices()
        invoice.invoice_date = date(2025, 1, 12)
        self.assertFalse(invoice.sales_assessment_split_ids)
        invoice.action_post()
        self.assertEqual(
            {(s.user_id, s.share) for s in invoice.sales_assessment_split_ids},
            {(self.user_a, 40.0), (self.user_b, 60.0)})
        self.pay(invoice, date(2025, 2, 1))
        for code in ("revenue_invoiced", "revenue_collected"):
            values = self.measure(code)
            self.assertAlmostEqual(values[self.user_a.id], 200.0, places=2, msg=code)
            self.assertAlmostEqual(values[self.user_b.id], 300.0, places=2, msg=code)

    def test_invoice_of_several_orders_keeps_its_salesperson(self):
        split_order = self.make_order(self.user_a, self.customers[0], 500.0, date(2025, 1, 10))
        other = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 10))
        self.split(split_order, {self.user_b: 100})
        invoice = (split_order | other)._create_invoices()
        invoice.invoice_date = date(2025, 1, 12)
        invoice.action_post()
        self.assertEqual(len(invoice), 1)
        self.assertFalse(invoice.sales_assessment_split_ids)
        self.assertAlmostEqual(self.measure("revenue_invoiced")[self.user_a.id], 600.0, places=2)

    def test_credit_note_of_a_split_invoice(self):
        invoice = self.make_invoice(self.user_a, self.customers[0], 1000.0, date(2024, 12, 20),
                                    post=False)
        self.split(invoice, {self.user_b: 30, self.user_c: 70})
        invoice.action_post()
        refund = invoice._reverse_moves([{"invoice_date": date(2025, 2, 1)}])
        refund.action_post()
        self.assertEqual(
            {(s.user_id, s.share) for s in refund.sales_assessment_split_ids},
            {(self.user_b, 30.0), (self.user_c, 70.0)})
        values = self.measure("revenue_invoiced")
        self.assertAlmostEqual(values[self.user_b.id], -300.0, places=2)
        self.assertAlmostEqual(values[self.user_c.id], -700.0, places=2)
        self.assertEqual(values[self.user_a.id], 0.0)
        self.env.flush_all()
        [[report_total]] = self.env["account.invoice.report"]._read_group(
            [("move_id", "=", refund.id)], [], ["price_subtotal:sum"])
        self.assertAlmostEqual(values[self.user_b.id] + values[self.user_c.id], report_total,
                               places=2)

    def test_salesperson_who_left_the_team_still_credits_the_split(self):
        revenue = self.kpi("revenue_ordered")
        template = self.make_template([(revenue, 100, {})])
        cycle = self.make_cycle(template)
        order = self.make_order(self.user_c, self.customers[0], 900.0, date(2025, 2, 1))
        self.split(order, {self.user_c: 50, self.user_b: 50})
        self.team_2.member_ids.filtered(lambda m: m.user_id == self.user_c).action_archive()
        self.set_targets(cycle, revenue, {self.user_b: 1000.0})
        cycle.action_open()
        self.assertAlmostEqual(self.line(cycle, self.user_b, revenue).actual_value, 450.0, places=2)

    def test_sources_of_a_credited_figure_list_the_order(self):
        revenue, count = self.kpi("revenue_ordered"), self.kpi("orders_count")
        template = self.make_template([(revenue, 50, {}), (count, 50, {})])
        cycle = self.make_cycle(template)
        order = self.make_order(self.user_a, self.customers[0], 900.0, date(2025, 2, 1))
        own = self.make_order(self.user_b, self.customers[1], 100.0, date(2025, 2, 2))
        self.split(order, {self.user_a: 50, self.user_b: 50})
        cycle.action_open()
        action = self.line(cycle, self.user_b, revenue).action_view_sources()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), order | own)
        action = self.line(cycle, self.user_b, count).action_view_sources()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), own)

    # -- changes and refusals

    def test_form_change_is_checked_once(self):
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        first, second = self.split(order, {self.user_a: 50, self.user_b: 50})
        order.with_user(self.leader).write({"sales_assessment_split_ids": [
            Command.update(first.id, {"share": 60}), Command.update(second.id, {"share": 40}),
        ]})
        self.assertEqual(order.sales_assessment_split_ids.mapped("share"), [60.0, 40.0])
        order.write({"sales_assessment_split_ids": [
            Command.delete(second.id), Command.update(first.id, {"share": 70}),
            Command.create({"user_id": self.user_c.id, "share": 30}),
        ]})
        self.assertEqual(order.sales_assessment_split_total, 100.0)
        order.write({"sales_assessment_split_ids": [Command.clear()]})
        self.assertFalse(order.sales_assessment_split_ids)
        self.assertAlmostEqual(self.measure("revenue_ordered")[self.user_a.id], 100.0)

    def test_change_is_logged_on_the_document(self):
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        self.split(order, {self.user_a: 50, self.user_b: 50})
        note = order.message_ids[:1]
        self.assertIn("Ann Seller 50.0 %", note.body)
        self.assertIn("Bob Seller 50.0 %", note.body)
        self.assertTrue(note.subtype_id.internal)

    def test_bad_splits_are_refused(self):
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        invoice = self.make_invoice(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        cases = {
            "sum to 90": ({self.user_a: 50, self.user_b: 40}, r"sum to 90\.0 %"),
            "sum to 110": ({self.user_a: 50, self.user_b: 60}, r"sum to 110\.0 %"),
            "zero": ({self.user_a: 100, self.user_b: 0}, r"enter a percentage above 0"),
            "negative": ({self.user_a: 110, self.user_b: -10}, r"enter a percentage above 0"),
            "NaN": ({self.user_a: math.nan}, r"must be a number"),
        }
        for label, (shares, message) in cases.items():
            with self.subTest(label):
                self.assertRefused(message, lambda shares=shares: self.split(order, shares))
        self.assertRefused("two credit split lines", lambda: self.Split.create([
            {"order_id": order.id, "user_id": self.user_a.id, "share": 50},
            {"order_id": order.id, "user_id": self.user_a.id, "share": 50},
        ]))
        self.assertRefused("choose exactly one", lambda: self.Split.create({
            "order_id": order.id, "move_id": invoice.id, "user_id": self.user_b.id,
            "share": 100}))
        self.assertRefused("choose exactly one", lambda: self.Split.create(
            {"user_id": self.user_b.id, "share": 100}))
        self.assertFalse(order.sales_assessment_split_ids | invoice.sales_assessment_split_ids)

    def test_line_by_line_over_the_api_is_checked(self):
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        first, _second = self.split(order, {self.user_a: 50, self.user_b: 50})
        self.assertRefused(r"sum to 80\.0 %", lambda: first.write({"share": 30}))
        self.assertRefused(r"sum to 50\.0 %", first.unlink)
        self.assertEqual(order.sales_assessment_split_total, 100.0)

    # -- access

    def test_credited_salesperson_reads_but_cannot_change(self):
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        splits = self.split(order, {self.user_a: 50, self.user_b: 50})
        self.env.flush_all()
        as_b = order.with_user(self.user_b)
        self.assertEqual(as_b.read(["name", "amount_untaxed"])[0]["name"], order.name)
        self.assertEqual(len(as_b.read()), 1)
        self.assertEqual(
            [row["id"] for row in self.env["sale.order"].with_user(self.user_b).search_read(
                [("id", "=", order.id)], ["name"])], order.ids)
        self.assertEqual(as_b.sales_assessment_split_ids, splits)
        with self.assertRaises(AccessError):
            as_b.write({"note": "mine"})
        with self.assertRaises(AccessError):
            as_b.unlink()
        with self.assertRaises(AccessError):
            splits.with_user(self.user_b).write({"share": 50})
        with self.assertRaises(AccessError):
            as_b.write({"sales_assessment_split_ids": [Command.clear()]})
        # the lines of the order stay out of reach, as Odoo keeps them
        lines = self.env["sale.order.line"].with_user(self.user_b)
        self.assertFalse(lines.search_read([("order_id", "=", order.id)], ["name"]))
        with self.assertRaises(AccessError):
            order.order_line.with_user(self.user_b).read(["name"])

    def test_credited_salesperson_reads_the_invoice(self):
        invoice = self.make_invoice(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        self.split(invoice, {self.user_b: 100})
        self.env.flush_all()
        as_b = invoice.with_user(self.user_b)
        self.assertEqual(as_b.read(["name"])[0]["name"], invoice.name)
        with self.assertRaises(AccessError):
            as_b.write({"ref": "mine"})

    def test_other_salesperson_reads_neither(self):
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        self.split(order, {self.user_a: 50, self.user_b: 50})
        self.env.flush_all()
        with self.assertRaises(AccessError):
            order.with_user(self.user_c).read(["name"])
        self.assertFalse(self.Split.with_user(self.user_c).search([]))
        self.assertFalse(self.env["sale.order"].with_user(self.user_c).search(
            [("id", "=", order.id)]))

    def test_leader_splits_the_orders_of_the_team_only(self):
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        other_team = self.make_order(self.user_c, self.customers[1], 100.0, date(2025, 1, 5))
        self.split(order.with_user(self.leader), {self.user_a: 50, self.user_b: 50})
        self.assertEqual(len(order.sales_assessment_split_ids), 2)
        with self.assertRaises(AccessError):
            self.split(other_team.with_user(self.leader), {self.user_c: 100})

    def test_other_company_sees_nothing(self):
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        self.split(order, {self.user_a: 50, self.user_b: 50})
        _company, other = self.make_other_company_manager()
        self.assertFalse(self.Split.with_user(other).search([]))
        self.assertFalse(self.env["sale.order"].with_user(other).search([("id", "=", order.id)]))

    def test_split_indexes(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'sales_assessment_credit_split'")
        definitions = " ".join(row[0] for row in self.env.cr.fetchall())
        for column in ("order_id", "move_id", "user_id"):
            self.assertIn(f"({column})", definitions)
