from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext as _lt

from ..sales_assessment_metric import metric

LEAD_SOURCES = ("crm.lead",)
WON = SQL("(l.type = 'opportunity' AND l.active AND st.is_won)")
LOST = SQL("(l.type = 'opportunity' AND NOT l.active AND l.probability = 0)")


class SalesAssessmentMetricLeads(models.AbstractModel):
    """Metrics of CRM leads and opportunities, by lead salesperson (or team)
    and local creation or closing date."""

    _inherit = "sales.assessment.metric"

    def _lead_rows(self, period, condition, date_column, value=SQL("1")):
        start, stop = self._bounds(period)
        date = SQL.identifier("l", date_column)
        # a lead without company counts for its team's, else its salesperson's
        return SQL(
            "SELECT %s AS subject_id, l.id AS res_id, %s AS value FROM crm_lead l "
            "LEFT JOIN crm_stage st ON st.id = l.stage_id "
            "LEFT JOIN crm_team lt ON lt.id = l.team_id "
            "LEFT JOIN res_users lu ON lu.id = l.user_id "
            "WHERE COALESCE(l.company_id, lt.company_id, lu.company_id) = %s AND %s "
            "AND %s >= %s AND %s < %s",
            self._subject(period, "l"), value, period.company.id, condition,
            date, start, date, stop,
        )

    @metric("opportunities_won", _lt("Opportunities Won"), "crm.lead", "count_rows",
            LEAD_SOURCES)
    def _metric_opportunities_won(self, period):
        return self._lead_rows(period, WON, "date_closed")

    @metric("opportunities_lost", _lt("Opportunities Lost"), "crm.lead", "count_rows",
            LEAD_SOURCES)
    def _metric_opportunities_lost(self, period):
        return self._lead_rows(period, LOST, "date_closed")

    @metric("win_rate", _lt("Win Rate"), "crm.lead", "avg", LEAD_SOURCES)
    def _metric_win_rate(self, period):
        value = SQL("CASE WHEN %s THEN 100.0 ELSE 0.0 END", WON)
        return self._lead_rows(period, SQL("(%s OR %s)", WON, LOST), "date_closed", value)

    @metric("leads_created", _lt("Leads Created"), "crm.lead", "count_rows", LEAD_SOURCES)
    def _metric_leads_created(self, period):
        return self._lead_rows(period, SQL("TRUE"), "create_date")

    @metric("avg_sales_cycle_days", _lt("Average Sales Cycle (Days)"), "crm.lead", "avg",
            LEAD_SOURCES)
    def _metric_avg_sales_cycle_days(self, period):
        value = SQL("EXTRACT(EPOCH FROM (l.date_closed - l.create_date)) / 86400.0")
        return self._lead_rows(period, WON, "date_closed", value)
