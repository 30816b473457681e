import io
import zipfile
from datetime import date

import openpyxl
import xlsxwriter

from odoo.tests import HttpCase, tagged

from ..models.sales_assessment_xlsx import add_worksheet
from .common import DashboardCase

FORMULA = '=HYPERLINK("http://x","y")'


def workbook_cells(content):
    """[(sheet name, cell)] of every cell of the workbook ``content``."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [(sheet.title, cell) for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row]


def assert_plain_text(case, content, texts):
    """No formula and no hyperlink anywhere in the workbook, and each of
    ``texts`` in a cell as a plain string."""
    cells = workbook_cells(content)
    formulas = [(name, cell.coordinate, cell.value) for name, cell in cells
                if cell.data_type == "f"]
    case.assertEqual(formulas, [])
    case.assertEqual([(name, cell.coordinate) for name, cell in cells if cell.hyperlink], [])
    case.assertNotIn(b"<hyperlink", b"".join(
        zipfile.ZipFile(io.BytesIO(content)).read(member)
        for member in zipfile.ZipFile(io.BytesIO(content)).namelist()
        if member.startswith("xl/worksheets/")))
    strings = {cell.value for _name, cell in cells if cell.data_type == "s"}
    for text in texts:
        case.assertIn(text, strings)


@tagged("post_install", "-at_install")
class TestXlsx(DashboardCase):
    """The cycle's workbook opens in a spreadsheet: summary, one sheet per
    KPI, charts; user text in it stays text."""

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
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["url"], f"/sales_assessment/cycle/{cycle.id}/xlsx")
        self.assertFalse(self.env["ir.attachment"].search(
            [("res_model", "=", cycle._name), ("res_id", "=", cycle.id)]))
        content = cycle._build_xlsx()
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

    def test_user_text_is_text(self):
        """Names, teams, grades, KPIs and the cycle's name that look like
        formulas or links are written as plain strings."""
        self.user_b.name = FORMULA
        self.team_1.name = "=1+1"
        self.revenue.name = "http://kpi.example/revenue"
        for grade in self.env.ref("sales_assessment.grade_a") | self.env.ref(
                "sales_assessment.grade_d"):
            grade.name = f"https://grade.example/{grade.id}"
        cycle = self.make_revenue_cycle()
        cycle.name = "=2+2"
        cycle.action_open()
        cycle.action_close()
        grade_b = self.evaluation(cycle, self.user_b).grade_id.name
        assert_plain_text(self, cycle._build_xlsx(), [
            FORMULA, "=1+1", "http://kpi.example/revenue", "Assessment =2+2", grade_b,
        ])

    def test_sheet_names_from_kpi_codes(self):
        """A KPI coded like a fixed sheet gets a sheet of its own; names that
        Excel refuses are made valid."""
        orders = self.kpi("orders_count")
        orders.code = "Charts"
        cycle = self.make_revenue_cycle(extra_lines=[orders])
        cycle.action_open()
        names = openpyxl.load_workbook(io.BytesIO(cycle._build_xlsx())).sheetnames
        self.assertIn("Charts (2)", names)
        self.assertIn("Charts", names)
        workbook = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
        sheets = [add_worksheet(workbook, text).get_name() for text in (
            "a/b:c*d?e[f]g\\h", "'quoted'", "x" * 40, "X" * 40, "", "Sheet")]
        workbook.close()
        self.assertEqual(sheets, ["a_b_c_d_e_f_g_h", "quoted", "x" * 31,
                                  "X" * 27 + " (2)", "Sheet", "Sheet (2)"])


@tagged("post_install", "-at_install")
class TestXlsxDownload(DashboardCase, HttpCase):
    """The cycle's workbook is downloaded from its route, built with the
    reader's rights: a salesperson gets their own row, a user of another
    company nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_order(cls.user_a, cls.customers[0], 600, date(2025, 1, 10))
        cls.make_order(cls.user_b, cls.customers[1], 900, date(2025, 1, 10))
        cls.other_company, cls.other_manager = cls.make_other_company_manager()

    def setUp(self):
        super().setUp()
        self.cycle = self.make_revenue_cycle()
        self.cycle.action_open()
        self.cycle.action_close()
        self.url = self.cycle.with_user(self.user_a).action_export_xlsx()["url"]

    def download(self, login, url=None):
        self.authenticate(login, login)
        return self.url_open(url or self.url)

    def summary_names(self, response):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return [row[1] for row in book["Summary"].iter_rows(min_row=4, values_only=True)]

    def test_salesperson_gets_own_row(self):
        response = self.download("sa_user_a")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        self.assertIn("attachment; filename*=UTF-8''Assessment%20SA%20Q1%202025.xlsx",
                      response.headers["Content-Disposition"])
        self.assertEqual(self.summary_names(response), ["Ann Seller"])

    def test_leader_and_manager(self):
        self.assertEqual(self.summary_names(self.download("sa_leader")),
                         ["Bob Seller", "Ann Seller"])
        self.assertEqual(self.summary_names(self.download("sa_manager")),
                         ["Bob Seller", "Ann Seller", "Cid Seller"])

    def test_refused(self):
        response = self.download("sa_other_manager")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(b"Traceback", response.content)
        self.assertNotIn(b"Ann Seller", response.content)
        missing = self.download("sa_user_a", "/sales_assessment/cycle/999999999/xlsx")
        self.assertEqual(missing.status_code, 404)

    def test_nothing_stored(self):
        self.download("sa_user_a")
        self.download("sa_manager")
        self.assertFalse(self.env["ir.attachment"].search(
            [("res_model", "=", self.cycle._name), ("res_id", "=", self.cycle.id)]))
