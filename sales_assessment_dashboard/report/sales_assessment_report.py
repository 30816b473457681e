from odoo import api, fields, models
from odoo.tools import SQL


class SalesAssessmentReport(models.Model):
    """Assessment analysis: one row per evaluated KPI (evaluation line), with
    its cycle, salesperson, team and grade, for graph and pivot across cycles."""

    _name = "sales.assessment.report"
    _description = "Sales Assessment Analysis"
    _auto = False
    _rec_name = "evaluation_id"
    _order = "date_start desc, evaluation_id"

    evaluation_id = fields.Many2one("sales.assessment.evaluation", readonly=True)
    cycle_id = fields.Many2one("sales.assessment.cycle", readonly=True)
    template_id = fields.Many2one("sales.assessment.template", string="Scorecard", readonly=True)
    kpi_id = fields.Many2one("sales.assessment.kpi", string="KPI", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    grade_id = fields.Many2one("sales.assessment.grade", readonly=True)
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("half", "Half-Year"),
         ("year", "Year"), ("custom", "Custom")],
        readonly=True,
    )
    cycle_state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed"), ("cancel", "Cancelled")],
        readonly=True,
    )
    date_start = fields.Date(string="Cycle Start", readonly=True)
    weight = fields.Float(readonly=True, aggregator="sum")
    target_value = fields.Float(string="Target", readonly=True, aggregator="sum")
    actual_value = fields.Float(string="Actual", readonly=True, aggregator="sum")
    achievement = fields.Float(string="Achievement (%)", readonly=True, aggregator="avg")
    score = fields.Float(readonly=True, aggregator="avg")
    weighted_score = fields.Float(readonly=True, aggregator="sum")
    rank = fields.Integer(readonly=True, aggregator="min")

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        return SQL(
            """
            SELECT line.id AS id,
                   line.evaluation_id AS evaluation_id,
                   ev.cycle_id AS cycle_id,
                   ev.template_id AS template_id,
                   line.kpi_id AS kpi_id,
                   ev.user_id AS user_id,
                   ev.team_id AS team_id,
                   ev.company_id AS company_id,
                   ev.grade_id AS grade_id,
                   cycle.period_type AS period_type,
                   cycle.state AS cycle_state,
                   cycle.date_start AS date_start,
                   line.weight AS weight,
                   line.target_value AS target_value,
                   line.actual_value AS actual_value,
                   line.achievement AS achievement,
                   line.score AS score,
                   line.weighted_score AS weighted_score,
                   ev.rank AS rank
            """
        )

    @api.model
    def _from(self):
        return SQL(
            """
            FROM sales_assessment_evaluation_line line
            JOIN sales_assessment_evaluation ev ON ev.id = line.evaluation_id
            JOIN sales_assessment_cycle cycle ON cycle.id = ev.cycle_id
            """
        )

    @api.model
    def _where(self):
        return SQL("WHERE cycle.state != 'cancel'")
