import csv
import io
from datetime import date

from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_open

from .common import SalesAssessmentCase

FIELDS = ["cycle_id", "kpi_id", "user_id", "team_id", "target_value", "note"]
COLUMNS = ["Cycle", "KPI", "Salesperson", "Sales Team", "Target", "Note"]
OPTIONS = {"quoting": '"', "separator": ",", "has_headers": True,
           "float_decimal_separator": ".", "float_thousand_separator": ","}


@tagged("post_install", "-at_install")
class TestTargetImport(SalesAssessmentCase):
    """Targets imported through Odoo's standard import: the template maps onto
    the fields, good rows land, and each bad row says why."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_invoiced")
        cls.orders = cls.kpi("orders_count")
        cls.template = cls.make_template([(cls.revenue, 60, {}), (cls.orders, 40, {})])
        cls.cycle = cls.make_cycle(cls.template, name="SA Import Q1")
        cls.closed = cls.make_cycle(cls.template, date(2024, 10, 1), date(2024, 12, 31),
                                    name="SA Import Closed")
        cls.closed.action_open()
        cls.closed.action_close()

    def run_import(self, rows, user=None, dryrun=False):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        wizard = self.env["base_import.import"].with_user(user or self.manager).create({
            "res_model": "sales.assessment.target",
            "file": buffer.getvalue().encode(),
            "file_type": "text/csv",
            "file_name": "targets.csv",
        })
        return wizard.execute_import(FIELDS, COLUMNS, OPTIONS, dryrun=dryrun)

    def messages_by_row(self, result):
        """{row: its messages, one per line} (a row may get a warning and an error)."""
        rows = {}
        for message in result["messages"]:
            if message.get("rows"):
                row = message["rows"]["from"]
                rows[row] = "\n".join(filter(None, [rows.get(row), message["message"]]))
        return rows

    def test_template_is_offered_and_maps_every_column(self):
        templates = self.env["sales.assessment.target"].get_import_templates()
        self.assertEqual(len(templates), 1)
        path = templates[0]["template"].lstrip("/")
        with file_open(path, "rb") as template:
            content = template.read()
        wizard = self.env["base_import.import"].create({
            "res_model": "sales.assessment.target", "file": content,
            "file_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "file_name": "sales_assessment_target.xlsx",
        })
        preview = wizard.parse_preview({"has_headers": True, "quoting": '"', "separator": ","})
        self.assertFalse(preview.get("error"), preview.get("error"))
        matched = [names[0] if names else None for names in preview["matches"].values()]
        self.assertEqual(matched, FIELDS, "each column of the template finds its field")

    def test_good_rows_are_imported(self):
        result = self.run_import([
            ["SA Import Q1", "Revenue Invoiced", "Ann Seller", "", "1500", "from the file"],
            ["SA Import Q1", "Revenue Invoiced", "", "SA Team 1", "3000", ""],
        ])
        self.assertFalse(result["messages"], result["messages"])
        targets = self.env["sales.assessment.target"].browse(result["ids"])
        self.assertRecordValues(targets, [
            {"user_id": self.user_a.id, "team_id": self.team_1.id, "target_value": 1500.0,
             "note": "from the file"},
            {"user_id": False, "team_id": self.team_1.id, "target_value": 3000.0, "note": False},
        ])

    # an unknown KPI reaches the database as an empty required column, which
    # PostgreSQL refuses (and logs) before the import reports the row
    @mute_logger("odoo.sql_db")
    def test_every_bad_row_says_why(self):
        self.cycle.action_open()
        plan = self.env["sales.assessment.target.plan"].search(
            [("cycle_id", "=", self.cycle.id), ("team_id", "=", self.team_2.id)])
        self.env["sales.assessment.target"].create({
            "cycle_id": self.cycle.id, "kpi_id": self.revenue.id, "user_id": self.user_c.id,
            "target_value": 10.0})
        plan.with_user(self.leader).sudo().action_submit()
        plan.with_user(self.manager).action_approve()
        rows = [
            ["SA Import Q1", "Revenue Invoiced", "Nobody Here", "", "100", ""],
            ["SA Import Q1", "No Such KPI", "Ann Seller", "", "100", ""],
            ["SA Import Q1", "Revenue Invoiced", "Ann Seller", "", "100", ""],
            ["SA Import Q1", "Revenue Invoiced", "Ann Seller", "", "200", ""],
            ["SA Import Closed", "Revenue Invoiced", "Bob Seller", "", "100", ""],
            ["SA Import Q1", "Confirmed Orders", "Cid Seller", "", "4", ""],
            ["SA Import Q1", "Confirmed Orders", "Bob Seller", "", "-5", ""],
        ]
        result = self.run_import(rows)
        self.assertFalse(result.get("ids"), "nothing lands while a row is refused")
        messages = self.messages_by_row(result)
        expected = {
            0: r"No matching record found for name 'Nobody Here' in field 'Salesperson'",
            1: r"No matching record found for name 'No Such KPI' in field 'KPI'",
            3: r"Ann Seller already has a target for Revenue Invoiced in SA Import Q1",
            4: r"Cycle SA Import Closed is closed",
            5: r"SA Team 2 – SA Import Q1 are approved and locked",
            6: r"negative \(-5",
        }
        for row, pattern in expected.items():
            with self.subTest(row=row):
                self.assertRegex(messages.get(row, ""), pattern, messages)
        self.assertNotIn(2, messages, "the first of two duplicates is fine on its own")

    def test_non_finite_values_are_refused(self):
        # the import's own parsing refuses them, naming the column and the value
        result = self.run_import([["SA Import Q1", "Revenue Invoiced", "Ann Seller", "", "nan", ""]])
        self.assertFalse(result.get("ids"))
        self.assertRegex(result["messages"][0]["message"],
                         r"Column target_value contains incorrect values \(value: nan\)")
        # an API client calling load() directly meets the targets' own guard, per row
        Target = self.env["sales.assessment.target"].with_user(self.manager)
        result = Target.load(FIELDS, [
            ["SA Import Q1", "Revenue Invoiced", "Ann Seller", "", "nan", ""],
            ["SA Import Q1", "Revenue Ordered", "Ann Seller", "", "inf", ""],
            ["SA Import Q1", "Confirmed Orders", "Ann Seller", "", "1e400", ""],
        ])
        self.assertFalse(result["ids"])
        messages = self.messages_by_row(result)
        for row in range(3):
            with self.subTest(row=row):
                self.assertRegex(messages.get(row, ""),
                                 r"^Target of Assessment Target must be a number", messages)

    def test_salesperson_cannot_import_others_targets(self):
        self.company.sales_assessment_target_proposal = True
        self.cycle.action_open()
        result = self.run_import(
            [["SA Import Q1", "Revenue Invoiced", "Bob Seller", "", "100", ""]],
            user=self.user_a)
        self.assertFalse(result.get("ids"))
        # the record rule refuses another's target before the plan's check does
        self.assertRegex(self.messages_by_row(result).get(0, str(result["messages"])),
                         "doesn't have 'create' access to:\n- Assessment Target")
        result = self.run_import(
            [["SA Import Q1", "Revenue Invoiced", "Ann Seller", "", "100", ""]],
            user=self.user_a)
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(len(result["ids"]), 1, "a proposal of her own lands")
