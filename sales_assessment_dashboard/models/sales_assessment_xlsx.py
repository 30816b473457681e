import io
import re
import tempfile
from collections import defaultdict, namedtuple

import xlsxwriter

from odoo import _, api, models
from odoo.tools import SQL

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# user text (names, teams, grades, KPIs, the cycle) stays text: a salesperson
# named "=HYPERLINK(...)" is not a formula, nor a URL a link
XLSX_TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False}
SHEET_NAME_INVALID = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31

XlsxRow = namedtuple("XlsxRow", [
    "rank", "name", "team", "total", "grade", "kpi_id", "target", "actual",
    "achievement", "score", "evaluation_id",
])


def _clean_sheet_name(text, limit):
    return SHEET_NAME_INVALID.sub("_", text or "")[:limit].strip("' ")


def add_worksheet(workbook, text, reserved=()):
    """Add a worksheet named after user or translated text, made valid:
    Excel refuses []:*?/\\, more than 31 characters, a leading or trailing
    apostrophe and a name used already (case ignored); ``reserved`` names
    are kept for sheets added later."""
    used = {sheet.name.lower() for sheet in workbook.worksheets()}
    used.update(name.lower() for name in reserved)
    name, index = _clean_sheet_name(text, SHEET_NAME_MAX) or "Sheet", 1
    while name.lower() in used:
        index += 1
        suffix = f" ({index})"
        name = (_clean_sheet_name(text, SHEET_NAME_MAX - len(suffix)) or "Sheet") + suffix
    return workbook.add_worksheet(name)


def write_cells(sheet, row, values, col=0, cell_format=None):
    """Write each value with the writer of its type, never guessing from its
    content: numbers as numbers, anything else as text."""
    for offset, value in enumerate(values):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, col + offset, value, cell_format)
        else:
            sheet.write_string(row, col + offset, value or "", cell_format)


class SalesAssessmentCycleXlsx(models.Model):
    """The cycle's XLSX workbook: a summary sheet, one sheet per KPI, a
    rewards sheet when the reward addon is installed, and native charts.
    Written row by row in xlsxwriter's constant-memory mode.

    It is never stored: every salesperson reads the cycle, so an attachment
    on it would give everyone's figures to all. The download route builds
    it on request with the reader's rights."""

    _inherit = "sales.assessment.cycle"

    def action_export_xlsx(self):
        """Send the reader to the download route of the cycle's workbook."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": self._get_xlsx_url(),
            "target": "download",
        }

    def _get_xlsx_url(self):
        return f"/sales_assessment/cycle/{self.id}/xlsx"

    def _get_xlsx_filename(self):
        return _("Assessment %(cycle)s.xlsx", cycle=self.name)

    def _get_xlsx_rows(self):
        """Evaluation lines of the cycle the reader may see, in one query
        (row-level rules applied through the report model's rules)."""
        query = self.env["sales.assessment.report"]._search([("cycle_id", "=", self.id)])
        for model in ("sales.assessment.evaluation.line", "sales.assessment.evaluation",
                      "res.users", "res.partner"):
            self.env[model].flush_model()
        rows = self.env.execute_query(SQL(
            """
            SELECT ev.rank, partner.name, ev.team_id,
                   ev.total_score, ev.grade_id, line.kpi_id,
                   line.target_value, line.actual_value, line.achievement, line.score,
                   ev.id
              FROM sales_assessment_evaluation_line line
              JOIN sales_assessment_evaluation ev ON ev.id = line.evaluation_id
              LEFT JOIN res_users users ON users.id = ev.user_id
              LEFT JOIN res_partner partner ON partner.id = users.partner_id
             WHERE line.id IN %s
             ORDER BY ev.rank, ev.id, line.sequence, line.id
            """,
            query.subselect(),
        ))
        # team and grade names are translated (jsonb): read them through the ORM, once each
        # sudo: names of the teams of rows the exporter may read
        teams = {team.id: team.name for team in self.env["crm.team"].sudo().browse(
            {row[2] for row in rows if row[2]})}
        grades = {grade.id: grade.name for grade in self.env["sales.assessment.grade"].sudo(
            ).browse({row[4] for row in rows if row[4]})}
        return [
            XlsxRow(rank, name or teams.get(team_id, ""), teams.get(team_id, ""), total,
                    grades.get(grade_id, ""), *rest)
            for rank, name, team_id, total, grade_id, *rest in rows
        ]

    def _build_xlsx(self):
        """The workbook's bytes, with what the current user may read."""
        self.ensure_one()
        rows = self._get_xlsx_rows()
        kpis = self.env["sales.assessment.kpi"].browse(
            list(dict.fromkeys(row.kpi_id for row in rows))
        )
        with tempfile.TemporaryDirectory() as tmpdir:
            output = io.BytesIO()
            workbook = xlsxwriter.Workbook(
                output, dict(XLSX_TEXT_ONLY, constant_memory=True, tmpdir=tmpdir)
            )
            styles = self._xlsx_styles(workbook)
            self._xlsx_summary(workbook, styles, rows)
            for kpi in kpis:
                self._xlsx_kpi_sheet(workbook, styles, kpi, rows)
            self._xlsx_rewards(workbook, styles)
            self._xlsx_charts(workbook, styles, rows)
            workbook.close()
        return output.getvalue()

    @api.model
    def _xlsx_styles(self, workbook):
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "head": workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1}),
            "num": workbook.add_format({"num_format": "#,##0.00"}),
            "pct": workbook.add_format({"num_format": "0.0\\%"}),
        }

    @api.model
    def _xlsx_fixed_sheet_names(self):
        """Names of the sheets added after the KPI sheets, which KPI codes
        must not take."""
        return [_("Rewards"), _("Charts")]

    def _xlsx_header(self, sheet, styles, title, headers):
        sheet.write_string(0, 0, title, styles["title"])
        write_cells(sheet, 2, headers, cell_format=styles["head"])
        for col in range(len(headers)):
            sheet.set_column(col, col, 14 if col else 8)

    @api.model
    def _xlsx_evaluation_rows(self, rows):
        """The first row of each evaluation (the rows of one evaluation follow
        each other)."""
        seen = set()
        for row in rows:
            if row.evaluation_id not in seen:
                seen.add(row.evaluation_id)
                yield row

    def _xlsx_summary(self, workbook, styles, rows):
        sheet = add_worksheet(workbook, _("Summary"))
        headers = [_("Rank"), _("Salesperson"), _("Sales Team"), _("Score"), _("Grade")]
        self._xlsx_header(sheet, styles, _("Assessment %(cycle)s", cycle=self.name), headers)
        sheet.set_column(1, 2, 24)
        row_index = 3
        for row in self._xlsx_evaluation_rows(rows):
            write_cells(sheet, row_index, [row.rank or 0, row.name, row.team,
                                           row.total or 0.0, row.grade])
            row_index += 1
        last = max(row_index - 1, 3)
        sheet.conditional_format(3, 3, last, 3, {"type": "3_color_scale"})
        sheet.conditional_format(3, 0, last, 0, {
            "type": "cell", "criteria": "between", "minimum": 1, "maximum": 3,
            "format": workbook.add_format({"bold": True, "bg_color": "#FFF2CC"}),
        })

    def _xlsx_kpi_sheet(self, workbook, styles, kpi, rows):
        sheet = add_worksheet(workbook, kpi.code or str(kpi.id),
                              reserved=self._xlsx_fixed_sheet_names())
        headers = [_("Rank"), _("Salesperson"), _("Sales Team"), _("Target"), _("Actual"),
                   _("Achievement (%)"), _("Score")]
        self._xlsx_header(sheet, styles, kpi.name or "", headers)
        sheet.set_column(1, 2, 24)
        row_index = 3
        for row in rows:
            if row.kpi_id != kpi.id:
                continue
            write_cells(sheet, row_index, [row.rank or 0, row.name, row.team])
            write_cells(sheet, row_index, [row.target or 0.0, row.actual or 0.0], col=3,
                        cell_format=styles["num"])
            sheet.write_number(row_index, 5, row.achievement or 0.0, styles["pct"])
            sheet.write_number(row_index, 6, row.score or 0.0, styles["num"])
            row_index += 1
        if row_index > 3:
            sheet.conditional_format(3, 5, row_index - 1, 5, {"type": "data_bar"})

    def _xlsx_rewards(self, workbook, styles):
        """The rewards of the cycle the reader may read, when the reward
        addon is installed."""
        if "sales.assessment.reward" not in self.env:
            return
        Reward = self.env["sales.assessment.reward"]
        sheet = add_worksheet(workbook, _("Rewards"))
        self._xlsx_header(sheet, styles, _("Rewards of %(cycle)s", cycle=self.name),
                          [_("Salesperson"), _("Type"), _("Amount"), _("Status")])
        types = dict(Reward._fields["reward_type"]._description_selection(self.env))
        states = dict(Reward._fields["state"]._description_selection(self.env))
        rewards = Reward.search([("cycle_id", "=", self.id)])
        for index, reward in enumerate(rewards, start=3):
            write_cells(sheet, index, [reward.user_id.name, types.get(reward.reward_type),
                                       reward.amount or 0.0, states.get(reward.state)])

    @api.model
    def _xlsx_chart_data(self, rows):
        """({grade: salespeople}, {team: average achievement}) of the rows."""
        grades, teams = defaultdict(int), defaultdict(list)
        for row in rows:
            teams[row.team or _("No team")].append(row.achievement or 0.0)
        for row in self._xlsx_evaluation_rows(rows):
            grades[row.grade or _("No grade")] += 1
        averages = {team: round(sum(values) / len(values), 2) for team, values in teams.items()}
        return dict(grades), averages

    def _xlsx_charts(self, workbook, styles, rows):
        """Chart data (score distribution by grade, attainment by team) on
        their own sheet, with native Excel charts over them."""
        sheet = add_worksheet(workbook, _("Charts"))
        grades, teams = self._xlsx_chart_data(rows)
        write_cells(sheet, 0, [_("Grade"), _("Salespeople")], cell_format=styles["head"])
        for index, item in enumerate(sorted(grades.items()), start=1):
            write_cells(sheet, index, item)
        team_row = len(grades) + 3
        write_cells(sheet, team_row, [_("Sales Team"), _("Average Achievement (%)")],
                    cell_format=styles["head"])
        for index, item in enumerate(sorted(teams.items()), start=team_row + 1):
            write_cells(sheet, index, item)
        self._xlsx_insert_chart(workbook, sheet, "column", _("Score distribution"),
                                (1, max(len(grades), 1)), (0, 3))
        self._xlsx_insert_chart(workbook, sheet, "bar", _("Attainment per team"),
                                (team_row + 1, team_row + max(len(teams), 1)), (16, 3))

    @api.model
    def _xlsx_insert_chart(self, workbook, sheet, chart_type, title, rows, position):
        """A native chart of the (label, value) pairs of ``rows`` (first, last)."""
        name = sheet.get_name()
        chart = workbook.add_chart({"type": chart_type})
        chart.add_series({
            "name": title,
            "categories": [name, rows[0], 0, rows[1], 0],
            "values": [name, rows[0], 1, rows[1], 1],
        })
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        sheet.insert_chart(*position, chart)
