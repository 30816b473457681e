from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext as _lt

from ..sales_assessment_metric import SourceRows, metric

LEAD_SOURCES = ("crm.lead",)
WON = SQL("(l.type = 'opportunity' AND l.active AND st.is_won)")
LOST = SQL("(l.type = 'opportunity' AND NOT l.active AND l.probability = 0)")


class SalesAssessmentMetricLeads(models.AbstractModel):
    """Metrics of CRM leads and opportunities, by lead salesperson (or team)
    and local creation or closing date."""

    _inherit = "sales.assessment.metric"

    def _lead_source(self, period, date_column):
        """The leads of the period's company by local ``date_column`` day,
        with whether each was won or lost: the source of the lead metrics."""
        start, stop = self._bounds(period)
        date = SQL.identifier("l", date_column)
        # a lead without company counts for its team's, else its salesperson's
        return SQL(
            "SELECT %s AS subject_id, l.id AS res_id, %s AS won, %s AS lost, "
            "l.create_date, l.date_closed FROM crm_lead l "
            "LEFT JOIN crm_stage st ON st.id = l.stage_id "
            "LEFT JOIN crm_team lt ON lt.id = l.team_id "
            "LEFT JOIN res_users lu ON lu.id = l.user_id "
            "WHERE %s AND %s >= %s AND %s < %s",
            self._subject(period, "l"), WON, LOST,
            self._in_company(period, "l.company_id", "lt.company_id", "lu.company_id"),
            date, start, date, stop,
        )

    def _closed_lead_rows(self, period, value):
        """``value`` over the leads closed in the period (NULL: not counted)."""
        return SourceRows(self._lead_source(period, "date_closed"), value)

    @metric("opportunities_won", _lt("Opportunities Won"), "crm.lead", "count_rows",
            LEAD_SOURCES, unit="count", projection="won")
    def _metric_opportunities_won(self, period):
        return self._closed_lead_rows(period, SQL("CASE WHEN src.won THEN 1 END"))

    # fewer lost opportunities is better
    @metric("opportunities_lost", _lt("Opportunities Lost"), "crm.lead", "count_rows",
            LEAD_SOURCES, unit="count", direction="lower")
    def _metric_opportunities_lost(self, period):
        return self._closed_lead_rows(period, SQL("CASE WHEN src.lost THEN 1 END"))

    @metric("win_rate", _lt("Win Rate"), "crm.lead", "avg", LEAD_SOURCES, unit="percent")
    def _metric_win_rate(self, period):
        return self._closed_lead_rows(
            period, SQL("CASE WHEN src.won THEN 100.0 WHEN src.lost THEN 0.0 END"))

    @metric("leads_created", _lt("Leads Created"), "crm.lead", "count_rows", LEAD_SOURCES,
            unit="count")
    def _metric_leads_created(self, period):
        return SourceRows(self._lead_source(period, "create_date"), SQL("1"))

    @metric("avg_sales_cycle_days", _lt("Average Sales Cycle (Days)"), "crm.lead", "avg",
            LEAD_SOURCES, unit="days", direction="lower")
    def _metric_avg_sales_cycle_days(self, period):
        return self._closed_lead_rows(period, SQL(
            "CASE WHEN src.won THEN "
            "EXTRACT(EPOCH FROM (src.date_closed - src.create_date)) / 86400.0 END"))
