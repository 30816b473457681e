from odoo import api, fields, models
from odoo.tools import SQL


class SalesAssessmentOutcomeReport(models.Model):
    """Won and lost opportunities: one row per opportunity closed in an
    assessment cycle, with its salesperson and, when lost, the reason."""

    _name = "sales.assessment.outcome.report"
    _description = "Sales Assessment Win/Loss Analysis"
    _auto = False
    _order = "date_closed desc"

    cycle_id = fields.Many2one("sales.assessment.cycle", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    outcome = fields.Selection([("won", "Won"), ("lost", "Lost")], readonly=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Lost Reason", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    expected_revenue = fields.Float(readonly=True, aggregator="sum")
    opportunity_count = fields.Integer(string="Opportunities", readonly=True, aggregator="sum")
    won_count = fields.Integer(string="Won", readonly=True, aggregator="sum")
    lost_count = fields.Integer(string="Lost", readonly=True, aggregator="sum")

    _depends = {
        "crm.lead": ["stage_id", "active", "probability", "lost_reason_id", "date_closed",
                     "user_id", "team_id", "company_id", "expected_revenue", "type"],
        "crm.stage": ["is_won"],
        "sales.assessment.cycle": ["date_start", "date_end", "tz", "state", "company_id"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        return SQL(
            """
            SELECT ROW_NUMBER() OVER (ORDER BY cycle.id, lead.id) AS id,
                   cycle.id AS cycle_id,
                   lead.id AS lead_id,
                   lead.user_id AS user_id,
                   lead.team_id AS team_id,
                   cycle.company_id AS company_id,
                   CASE WHEN stage.is_won THEN 'won' ELSE 'lost' END AS outcome,
                   lead.lost_reason_id AS lost_reason_id,
                   lead.date_closed AS date_closed,
                   lead.expected_revenue AS expected_revenue,
                   1 AS opportunity_count,
                   CASE WHEN stage.is_won THEN 1 ELSE 0 END AS won_count,
                   CASE WHEN stage.is_won THEN 0 ELSE 1 END AS lost_count
            """
        )

    @api.model
    def _from(self):
        return SQL(
            """
            FROM crm_lead lead
            LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
            JOIN sales_assessment_cycle cycle
              ON cycle.state IN ('open', 'closed')
             AND (lead.company_id IS NULL OR lead.company_id = cycle.company_id)
             AND lead.date_closed >= (cycle.date_start::timestamp AT TIME ZONE cycle.tz)
                                     AT TIME ZONE 'UTC'
             AND lead.date_closed < ((cycle.date_end + 1)::timestamp AT TIME ZONE cycle.tz)
                                    AT TIME ZONE 'UTC'
            """
        )

    @api.model
    def _where(self):
        return SQL(
            """
            WHERE lead.type = 'opportunity' AND lead.user_id IS NOT NULL
              AND (stage.is_won OR (NOT lead.active AND lead.probability = 0))
            """
        )
