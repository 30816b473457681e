import io
import tempfile
from collections import defaultdict

import xlsxwriter

from odoo import _, api, models
from odoo.tools import SQL


class SalesAssessmentCycleXlsx(models.Model):
    """The cycle's XLSX workbook: a summary sheet, one sheet per KPI, a
    rewards sheet when the reward addon is installed, and native charts.
    Written row by row in xlsxwriter's constant-memory mode."""

    _inherit = "sales.assessment.cycle"

    def action_export_xlsx(self):
        """Build the workbook of the cycle and return a download action."""
        self.ensure_one()
        self.check_access("read")
        content = self._build_xlsx()
        attachment = self.env["ir.attachment"].create({
            "name": _("Assessment %(cycle)s.xlsx", cycle=self.name),
            "raw": content,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _get_xlsx_rows(self):
        """Evaluation lines of the cycle the reader may see, in one query
        (row-level rules applied through the report model's rules)."""
        Report = self.env["sales.assessment.report"]
        query = Report._search([("cycle_id", "=", self.id)])
        self.env.cr.execute(SQL(
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
        rows = self.env.cr.fetchall()
        # team and grade names are translated (jsonb): read them through the ORM, once each
        # sudo: names of the teams of rows the exporter may read
        teams = {team.id: team.name for team in self.env["crm.team"].sudo().browse(
            {row[2] for row in rows if row[2]})}
        grades = {grade.id: grade.name for grade in self.env["sales.assessment.grade"].sudo(
            ).browse({row[4] for row in rows if row[4]})}
        return [
            (rank, name or teams.get(team_id, ""), teams.get(team_id, ""), total,
             grades.get(grade_id, ""), *rest)
            for rank, name, team_id, total, grade_id, *rest in rows
        ]

    def _build_xlsx(self):
        self.ensure_one()
        rows = self._get_xlsx_rows()
        kpis = self.env["sales.assessment.kpi"].browse(
            list(dict.fromkeys(row[5] for row in rows))
        )
        with tempfile.TemporaryDirectory() as tmpdir:
            output = io.BytesIO()
            workbook = xlsxwriter.Workbook(
                output, {"constant_memory": True, "tmpdir": tmpdir}
            )
            styles = self._xlsx_styles(workbook)
            summary = self._xlsx_summary(workbook, styles, rows)
            for kpi in kpis:
                self._xlsx_kpi_sheet(workbook, styles, kpi, rows)
            self._xlsx_rewards(workbook, styles)
            self._xlsx_charts(workbook, styles, summary, rows)
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

    def _xlsx_header(self, sheet, styles, title, headers):
        sheet.write(0, 0, title, styles["title"])
        for col, header in enumerate(headers):
            sheet.write(2, col, header, styles["head"])
            sheet.set_column(col, col, 14 if col else 8)

    def _xlsx_summary(self, workbook, styles, rows):
        sheet = workbook.add_worksheet(_("Summary")[:31])
        headers = [_("Rank"), _("Salesperson"), _("Sales Team"), _("Score"), _("Grade")]
        self._xlsx_header(sheet, styles, _("Assessment %(cycle)s", cycle=self.name), headers)
        sheet.set_column(1, 2, 24)
        seen = set()
        row_index = 3
        for rank, name, team, total, grade, _kpi, *_rest, evaluation_id in rows:
            if evaluation_id in seen:
                continue
            seen.add(evaluation_id)
            sheet.write_row(row_index, 0, [rank or 0, name or "", team or "", total or 0.0,
                                           grade or ""])
            row_index += 1
        last = max(row_index - 1, 3)
        sheet.conditional_format(3, 3, last, 3, {"type": "3_color_scale"})
        sheet.conditional_format(3, 0, last, 0, {
            "type": "cell", "criteria": "between", "minimum": 1, "maximum": 3,
            "format": workbook.add_format({"bold": True, "bg_color": "#FFF2CC"}),
        })
        return {"sheet": sheet, "first": 3, "last": last}

    def _xlsx_kpi_sheet(self, workbook, styles, kpi, rows):
        title = f"{kpi.code or kpi.id}"[:31]
        sheet = workbook.add_worksheet(title)
        headers = [_("Rank"), _("Salesperson"), _("Sales Team"), _("Target"), _("Actual"),
                   _("Achievement (%)"), _("Score")]
        self._xlsx_header(sheet, styles, kpi.name, headers)
        sheet.set_column(1, 2, 24)
        row_index = 3
        for rank, name, team, _total, _grade, kpi_id, target, actual, ach, score, _ev in rows:
            if kpi_id != kpi.id:
                continue
            sheet.write_row(row_index, 0, [rank or 0, name or "", team or ""])
            sheet.write_number(row_index, 3, target or 0.0, styles["num"])
            sheet.write_number(row_index, 4, actual or 0.0, styles["num"])
            sheet.write_number(row_index, 5, ach or 0.0, styles["pct"])
            sheet.write_number(row_index, 6, score or 0.0, styles["num"])
            row_index += 1
        if row_index > 3:
            sheet.conditional_format(3, 5, row_index - 1, 5, {"type": "data_bar"})

    def _xlsx_rewards(self, workbook, styles):
        """The rewards of the cycle, when the reward addon is installed."""
        if "sales.assessment.reward" not in self.env:
            return
        Reward = self.env["sales.assessment.reward"]
        fnames = [f for f in ("user_id", "reward_type", "amount", "state") if f in Reward._fields]
        if "cycle_id" not in Reward._fields or len(fnames) < 4:
            return
        sheet = workbook.add_worksheet(_("Rewards")[:31])
        self._xlsx_header(sheet, styles, _("Rewards of %(cycle)s", cycle=self.name),
                          [_("Salesperson"), _("Type"), _("Amount"), _("Status")])
        types = dict(Reward._fields["reward_type"]._description_selection(self.env))
        states = dict(Reward._fields["state"]._description_selection(self.env))
        rewards = Reward.search([("cycle_id", "=", self.id)])
        for index, reward in enumerate(rewards, start=3):
            sheet.write_row(index, 0, [reward.user_id.name or "",
                                       types.get(reward.reward_type, ""),
                                       reward.amount or 0.0,
                                       states.get(reward.state, "")])

    def _xlsx_charts(self, workbook, styles, summary, rows):
        """Chart data (score distribution by grade, attainment by team) on
        their own sheet, with native Excel charts over them."""
        sheet = workbook.add_worksheet(_("Charts")[:31])
        grades, teams = defaultdict(int), defaultdict(list)
        seen = set()
        for _rank, _name, team, total, grade, _k, _t, _a, ach, _s, evaluation_id in rows:
            teams[team or _("No team")].append(ach or 0.0)
            if evaluation_id not in seen:
                seen.add(evaluation_id)
                grades[grade or _("No grade")] += 1
        sheet.write_row(0, 0, [_("Grade"), _("Salespeople")], styles["head"])
        for index, (grade, count) in enumerate(sorted(grades.items()), start=1):
            sheet.write_row(index, 0, [grade, count])
        team_row = len(grades) + 3
        sheet.write_row(team_row, 0, [_("Sales Team"), _("Average Achievement (%)")],
                        styles["head"])
        for index, (team, values) in enumerate(sorted(teams.items()), start=team_row + 1):
            sheet.write_row(index, 0, [team, round(sum(values) / len(values), 2)])
        name = sheet.get_name()
        distribution = workbook.add_chart({"type": "column"})
        distribution.add_series({
            "name": _("Score distribution"),
            "categories": [name, 1, 0, max(len(grades), 1), 0],
            "values": [name, 1, 1, max(len(grades), 1), 1],
        })
        distribution.set_title({"name": _("Score distribution")})
        distribution.set_legend({"none": True})
        sheet.insert_chart(0, 3, distribution)
        attainment = workbook.add_chart({"type": "bar"})
        attainment.add_series({
            "name": _("Attainment per team"),
            "categories": [name, team_row + 1, 0, team_row + max(len(teams), 1), 0],
            "values": [name, team_row + 1, 1, team_row + max(len(teams), 1), 1],
        })
        attainment.set_title({"name": _("Attainment per team")})
        attainment.set_legend({"none": True})
        sheet.insert_chart(16, 3, attainment)
