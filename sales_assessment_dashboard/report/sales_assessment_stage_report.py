from odoo import api, fields, models
from odoo.tools import SQL


class SalesAssessmentStageReport(models.Model):
    """Stage dwell time: one row per stay of an opportunity in a CRM stage,
    cut to each assessment cycle it overlaps. Stays are rebuilt from the
    stage changes Odoo tracks on ``crm.lead`` (``mail.tracking.value`` on
    ``stage_id``): a lead enters its first stage when created, each change
    moves it on, and the last stay ends when the lead is closed (or now).
    ``lead_count`` counts each lead once per stage and cycle: the funnel.
    Stays in a won stage count in the funnel but have no dwell time."""

    _name = "sales.assessment.stage.report"
    _description = "Sales Assessment Stage Dwell Time"
    _auto = False
    _order = "cycle_id, stage_sequence"

    cycle_id = fields.Many2one("sales.assessment.cycle", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    stage_sequence = fields.Integer(readonly=True, aggregator=False)
    date_in = fields.Datetime(string="Entered", readonly=True)
    date_out = fields.Datetime(string="Left", readonly=True)
    # a tenth of a day (2.4 hours) is as fine as a stay in a stage needs
    dwell_days = fields.Float(string="Time in Stage (days)", readonly=True, aggregator="avg",
                              digits=(16, 1))
    total_days = fields.Float(string="Total Time in Stage (days)", readonly=True,
                              aggregator="sum", digits=(16, 1))
    lead_count = fields.Integer(string="Opportunities", readonly=True, aggregator="sum")

    _depends = {
        "crm.lead": ["stage_id", "user_id", "team_id", "company_id", "create_date",
                     "date_closed", "type"],
        "crm.stage": ["is_won", "sequence"],
        "mail.tracking.value": ["field_id", "old_value_integer", "new_value_integer",
                                "mail_message_id"],
        "mail.message": ["model", "res_id", "date"],
        "sales.assessment.cycle": ["date_start", "date_end", "tz", "state", "company_id"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s %s %s", self._with(), self._select(), self._from(), self._where())

    @api.model
    def _with(self):
        stage_field = self.env["ir.model.fields"]._get("crm.lead", "stage_id").id
        return SQL(
            """
            WITH changes AS (
                SELECT msg.res_id AS lead_id, msg.date AS change_date, msg.id AS message_id,
                       val.old_value_integer AS old_stage, val.new_value_integer AS new_stage
                  FROM mail_tracking_value val
                  JOIN mail_message msg ON msg.id = val.mail_message_id
                 WHERE val.field_id = %(stage_field)s AND msg.model = 'crm.lead'
            ), entries AS (
                SELECT lead.id AS lead_id, lead.create_date AS date_in, 0 AS message_id,
                       COALESCE((SELECT ch.old_stage FROM changes ch
                                  WHERE ch.lead_id = lead.id
                                  ORDER BY ch.change_date, ch.message_id LIMIT 1),
                                lead.stage_id) AS stage_id
                  FROM crm_lead lead
                 WHERE lead.type = 'opportunity'
                UNION ALL
                SELECT ch.lead_id, ch.change_date, ch.message_id, ch.new_stage
                  FROM changes ch
            ), stays AS (
                SELECT entries.lead_id, entries.stage_id, entries.date_in,
                       COALESCE(LEAD(entries.date_in) OVER (
                                    PARTITION BY entries.lead_id
                                    ORDER BY entries.date_in, entries.message_id),
                                lead.date_closed,
                                NOW() AT TIME ZONE 'UTC') AS date_out
                  FROM entries
                  JOIN crm_lead lead ON lead.id = entries.lead_id
                 WHERE lead.type = 'opportunity' AND entries.stage_id IS NOT NULL
            ), bounds AS (
                SELECT cycle.id, cycle.company_id,
                       (cycle.date_start::timestamp AT TIME ZONE cycle.tz) AT TIME ZONE 'UTC'
                           AS cycle_start,
                       ((cycle.date_end + 1)::timestamp AT TIME ZONE cycle.tz) AT TIME ZONE 'UTC'
                           AS cycle_end
                  FROM sales_assessment_cycle cycle
                 WHERE cycle.state IN ('open', 'closed')
            )
            """,
            stage_field=stage_field,
        )

    @api.model
    def _select(self):
        # a won opportunity does not wait in its won stage: no dwell time there
        days = SQL(
            """CASE WHEN stage.is_won THEN NULL
                    ELSE EXTRACT(EPOCH FROM LEAST(stays.date_out, bounds.cycle_end)
                                            - GREATEST(stays.date_in, bounds.cycle_start))
                         / 86400.0 END"""
        )
        return SQL(
            """
            SELECT ROW_NUMBER() OVER (ORDER BY bounds.id, stays.lead_id, stays.date_in) AS id,
                   bounds.id AS cycle_id,
                   stays.lead_id AS lead_id,
                   lead.user_id AS user_id,
                   lead.team_id AS team_id,
                   bounds.company_id AS company_id,
                   stays.stage_id AS stage_id,
                   stage.sequence AS stage_sequence,
                   stays.date_in AS date_in,
                   stays.date_out AS date_out,
                   %(days)s AS dwell_days,
                   %(days)s AS total_days,
                   CASE WHEN ROW_NUMBER() OVER (
                            PARTITION BY bounds.id, stays.lead_id, stays.stage_id
                            ORDER BY stays.date_in) = 1
                        THEN 1 ELSE 0 END AS lead_count
            """,
            days=days,
        )

    @api.model
    def _from(self):
        return SQL(
            """
            FROM stays
            JOIN crm_lead lead ON lead.id = stays.lead_id
            JOIN crm_stage stage ON stage.id = stays.stage_id
            JOIN bounds ON stays.date_in < bounds.cycle_end
                       AND stays.date_out > bounds.cycle_start
                       AND (lead.company_id IS NULL OR lead.company_id = bounds.company_id)
            """
        )

    @api.model
    def _where(self):
        return SQL("WHERE lead.user_id IS NOT NULL")
