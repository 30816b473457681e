"""A metric contributed the way another addon would: ``_inherit`` and one
decorated method. Imported by the test only, inside a FakeModelLoader."""

from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext as _lt

from ..models.sales_assessment_metric import metric


class SalesAssessmentMetricQuotations(models.AbstractModel):
    _inherit = "sales.assessment.metric"

    @metric("quotations_sent", _lt("Quotations Sent"), "sale.order", "count",
            ("sale.order",))
    def _metric_quotations_sent(self, period):
        start, stop = self._bounds(period)
        return SQL(
            "SELECT %s AS subject_id, so.id AS res_id, 1 AS value FROM sale_order so "
            "WHERE so.state = 'sent' AND so.company_id = %s "
            "AND so.date_order >= %s AND so.date_order < %s",
            self._subject(period, "so"), period.company.id, start, stop,
        )
