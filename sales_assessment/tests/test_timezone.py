from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestTimezone(SalesAssessmentCase):
    """Datetime sources are cut at midnight in the cycle's timezone; date
    sources are taken as they are."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.orders = cls.kpi("orders_count")
        cls.won = cls.kpi("won")
        cls.invoiced = cls.kpi("revenue_invoiced")
        cls.template = cls.make_template([
            (cls.revenue, 40, {}), (cls.orders, 20, {}), (cls.won, 20, {}),
            (cls.invoiced, 20, {}),
        ])
        c = cls.customers
        # 01:00 on 1 January in Shanghai is 17:00 on 31 December in UTC
        cls.order_at(cls.user_a, c[0], 100.0, datetime(2024, 12, 31, 17, 0))
        cls.order_at(cls.user_a, c[1], 300.0, datetime(2025, 1, 15, 12, 0))
        # 01:00 on 1 February in Shanghai is still January in UTC
        cls.order_at(cls.user_a, c[2], 500.0, datetime(2025, 1, 31, 17, 0))
        cls.won_at(cls.user_a, datetime(2024, 12, 31, 18, 0))
        cls.won_at(cls.user_a, datetime(2025, 1, 10, 9, 0))
        cls.won_at(cls.user_a, datetime(2025, 1, 31, 20, 0))
        cls.make_invoice(cls.user_a, c[3], 70.0, date(2025, 1, 31))
        cls.make_invoice(cls.user_a, c[3], 90.0, date(2025, 2, 1))

    @classmethod
    def order_at(cls, user, customer, amount, when):
        order = cls.make_order(user, customer, amount, date(2025, 1, 15))
        order.date_order = when
        return order

    @classmethod
    def won_at(cls, user, when):
        lead = cls.make_opportunity(user, "won", date(2025, 1, 15))
        lead.date_closed = when
        return lead

    def january(self, tz, name):
        cycle = self.make_cycle(self.template, date(2025, 1, 1), date(2025, 1, 31),
                                name=name)
        cycle.tz = tz
        cycle.action_open()
        return cycle

    def report_january(self, model, domain, date_field, measure, tz):
        """What a user of ``tz`` reads for January 2025 in the model's pivot."""
        self.env.flush_all()
        groups = self.env[model].with_context(tz=tz)._read_group(
            domain, [f"{date_field}:month"], [measure]
        )
        return sum(value for month, value in groups
                   if month and (month.year, month.month) == (2025, 1))

    def test_live_refresh_counts_local_days(self):
        """Orders confirmed while a Shanghai cycle is open: the live refresh
        of the stale salesperson cuts the days where the cycle's are, as the
        full refresh does."""
        cycle = self.january("Asia/Shanghai", "SA Jan Shanghai live")
        self.env["sales.assessment.evaluation"]._action_refresh_stale()
        c = self.customers
        # 23:30 on 31 January in Shanghai counts; 00:30 on 1 February does not
        self.order_at(self.user_a, c[4], 50.0, datetime(2025, 1, 31, 15, 30))
        self.order_at(self.user_a, c[5], 60.0, datetime(2025, 1, 31, 16, 30))
        evaluation = self.evaluation(cycle, self.user_a)
        self.env.flush_all()
        self.assertTrue(evaluation.is_stale)
        self.env["sales.assessment.evaluation"]._action_refresh_stale()
        self.env.invalidate_all()
        self.assertFalse(evaluation.is_stale)
        live = {line.kpi_id: line.actual_value for line in evaluation.line_ids}
        self.assertEqual(live[self.revenue], 450.0)
        self.assertEqual(live[self.orders], 3)
        cycle.action_refresh()
        self.env.invalidate_all()
        self.assertEqual({line.kpi_id: line.actual_value for line in evaluation.line_ids}, live)

    def test_shanghai_cycle_counts_local_days(self):
        cycle = self.january("Asia/Shanghai", "SA Jan Shanghai")
        self.assertEqual(self.line(cycle, self.user_a, self.revenue).actual_value, 400.0)
        self.assertEqual(self.line(cycle, self.user_a, self.orders).actual_value, 2)
        self.assertEqual(self.line(cycle, self.user_a, self.won).actual_value, 2)
        # invoice dates are dates: the same in every timezone
        self.assertEqual(self.line(cycle, self.user_a, self.invoiced).actual_value, 70.0)
        sale_domain = [("user_id", "=", self.user_a.id), ("state", "=", "sale")]
        self.assertAlmostEqual(
            self.line(cycle, self.user_a, self.revenue).actual_value,
            self.report_january("sale.report", sale_domain, "date", "price_subtotal:sum",
                                "Asia/Shanghai"),
            places=2,
        )
        won_domain = [("user_id", "=", self.user_a.id), ("stage_id.is_won", "=", True)]
        self.assertEqual(
            self.line(cycle, self.user_a, self.won).actual_value,
            self.report_january("crm.lead", won_domain, "date_closed", "__count",
                                "Asia/Shanghai"),
        )

    def test_utc_cycle_is_unchanged(self):
        cycle = self.january("UTC", "SA Jan UTC")
        self.assertEqual(self.line(cycle, self.user_a, self.revenue).actual_value, 800.0)
        self.assertEqual(self.line(cycle, self.user_a, self.won).actual_value, 2)
        sale_domain = [("user_id", "=", self.user_a.id), ("state", "=", "sale")]
        self.assertAlmostEqual(
            self.line(cycle, self.user_a, self.revenue).actual_value,
            self.report_january("sale.report", sale_domain, "date", "price_subtotal:sum",
                                "UTC"),
            places=2,
        )

    def test_sources_follow_the_timezone(self):
        cycle = self.january("Asia/Shanghai", "SA Jan sources")
        action = self.line(cycle, self.user_a, self.revenue).action_view_sources()
        orders = self.env["sale.order"].search(action["domain"])
        self.assertEqual(sorted(orders.mapped("amount_untaxed")), [100.0, 300.0])

    def test_default_timezone_is_the_company_working_hours(self):
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        self.env.user.tz = "Europe/Brussels"
        cycle = self.make_cycle(self.env["sales.assessment.template"], name="SA tz default")
        self.assertEqual(cycle.tz, "Asia/Shanghai")
        other = self.env["res.company"].create({"name": "SA no calendar"})
        other.resource_calendar_id = False
        cycle_other = self.env["sales.assessment.cycle"].with_company(other).create({
            "name": "SA tz user", "date_start": date(2025, 1, 1),
            "date_end": date(2025, 1, 31), "company_id": other.id,
        })
        self.assertEqual(cycle_other.tz, "Europe/Brussels")

    def test_cron_grace_days_in_cycle_timezone(self):
        self.company.sales_assessment_grace_days = 3
        shanghai = self.make_cycle(self.template, name="SA Q1 Shanghai", period_type="quarter")
        shanghai.tz = "Asia/Shanghai"
        utc = self.make_cycle(self.template, name="SA Q1 UTC")
        utc.tz = "UTC"
        (shanghai | utc).action_open()
        # 2025-04-03 17:00 UTC is already 2025-04-04 01:00 in Shanghai: grace is over there
        with freeze_time("2025-04-03 17:00:00"):
            self.env["sales.assessment.cycle"]._cron_process_cycles()
        self.assertEqual(shanghai.state, "closed")
        self.assertEqual(utc.state, "open")

    def test_domain_kpi_on_datetime_uses_timezone(self):
        kpi = self.make_lead_kpi("sa_leads_tz")
        template = self.make_template([(kpi, 100, {})])
        lead = self.env["crm.lead"].create({"name": "SA early lead", "user_id": self.user_a.id})
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s",
            (datetime(2024, 12, 31, 20, 0), lead.id),
        )
        lead.invalidate_recordset()
        cycle = self.make_cycle(template, date(2025, 1, 1), date(2025, 1, 31), name="SA dom")
        cycle.write({"tz": "Asia/Shanghai", "template_ids": [Command.set(template.ids)]})
        cycle.action_open()
        self.assertEqual(self.line(cycle, self.user_a, kpi).actual_value, 1)
        cycle.action_cancel()
        cycle.action_draft()
        cycle.tz = "UTC"
        cycle.action_open()
        self.assertEqual(self.line(cycle, self.user_a, kpi).actual_value, 0)
