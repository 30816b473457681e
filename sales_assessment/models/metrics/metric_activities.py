from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext as _lt

from ..sales_assessment_metric import metric


class SalesAssessmentMetricActivities(models.AbstractModel):
    """Metrics of activities marked done, by the user who did them and the
    local day they were done."""

    _inherit = "sales.assessment.metric"

    @metric("activities_done", _lt("Activities Done"), "mail.message", "count_rows",
            ("mail.message", "crm.team.member"), unit="count")
    def _metric_activities_done(self, period):
        start, stop = self._bounds(period)
        if period.group == "team":
            subject = SQL("tm.crm_team_id")
            join = SQL("JOIN crm_team_member tm ON tm.user_id = u.id AND tm.active")
        else:
            subject, join = SQL("u.id"), SQL("")
        # the company of the record the activity was done on, else the
        # salesperson's main team's, else the salesperson's main company
        return SQL(
            "SELECT %s AS subject_id, m.id AS res_id, 1 AS value FROM mail_message m "
            "JOIN res_users u ON u.partner_id = m.author_id %s "
            "LEFT JOIN crm_team ut ON ut.id = u.sale_team_id "
            "WHERE m.mail_activity_type_id IS NOT NULL "
            "AND m.message_type = 'notification' AND m.date >= %s AND m.date < %s "
            "AND %s",
            subject, join, start, stop,
            self._in_company(period, "m.record_company_id", "ut.company_id", "u.company_id"),
        )
