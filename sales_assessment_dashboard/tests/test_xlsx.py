import base64
import io
import zipfile
from datetime import date

import openpyxl

from odoo.tests import tagged

from .common import DashboardCase


@tagged("post_install", "-at_install")
class TestXlsx(DashboardCase):
    """The cycle's workbook opens in a spreadsheet: summary, one sheet per
    KPI, charts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_order(cls.user_a, cls.customers[0], 600, date(2025, 1, 10))
        cls.make_order(cls.user_b, cls.customers[1], 900, date(2025, 1, 10))

    def test_workbook(self):
        orders = self.kpi("orders_count")
        cycle = self.make_revenue_cycle(extra_lines=[orders])
        cycle.action_open()
        cycle.action_close()
        action = cycle.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/web/content/")[1].split("?")[0])
        )
        content = base64.b64decode(attachment.datas)
        book = openpyxl.load_workbook(io.BytesIO(content))
        names = book.sheetnames
        self.assertEqual(names[0], "Summary")
        self.assertIn(self.revenue.code, names)
        self.assertIn(orders.code, names)
        summary = list(book["Summary"].iter_rows(min_row=4, values_only=True))
        self.assertEqual([row[1] for row in summary], ["Bob Seller", "Ann Seller", "Cid Seller"])
        self.assertEqual(summary[0][0], 1)
        revenue_rows = list(book[self.revenue.code].iter_rows(min_row=4, values_only=True))
        self.assertEqual(len(revenue_rows), 3)
        self.assertEqual(revenue_rows[0][1:5], ("Bob Seller", "SA Team 1", 1000, 900))
        has_rewards = "sales.assessment.reward" in self.env
        self.assertEqual("Rewards" in names, has_rewards)
        charts = [n for n in zipfile.ZipFile(io.BytesIO(content)).namelist()
                  if n.startswith("xl/charts/chart")]
        self.assertGreaterEqual(len(charts), 1)

    def test_salesperson_exports_own_rows(self):
        cycle = self.make_revenue_cycle()
        cycle.action_open()
        content = cycle.with_user(self.user_a)._build_xlsx()
        book = openpyxl.load_workbook(io.BytesIO(content))
        rows = list(book["Summary"].iter_rows(min_row=4, values_only=True))
        self.assertEqual([row[1] for row in rows], ["Ann Seller"])
