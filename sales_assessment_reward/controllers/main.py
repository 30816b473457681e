from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request

from ..models.sales_assessment_cycle import XLSX_MIMETYPE


class SalesAssessmentPayoutController(http.Controller):
    """Download of a payout workbook, built again from the paid proposals
    of its reference for the managers of the cycle's company: the workbook
    lists everyone's amounts and is never stored where salespeople read."""

    @http.route("/sales_assessment/cycle/<int:cycle_id>/payout", type="http", auth="user",
                methods=["GET"])
    def download_payout_xlsx(self, cycle_id, reference=None):
        """404 for a cycle or a reference that does not exist, 403 for a
        reader who is not a manager of the cycle's company."""
        cycle = request.env["sales.assessment.cycle"].browse(cycle_id).exists()
        if not cycle:
            raise NotFound()
        try:
            cycle._check_can_download_payout()
        except AccessError:
            raise Forbidden() from None
        rewards = cycle._get_paid_rewards(reference)
        if not rewards:
            raise NotFound()
        content = cycle._build_payout_xlsx(rewards)
        return request.make_response(content, headers=[
            ("Content-Type", XLSX_MIMETYPE),
            ("Content-Disposition", content_disposition(cycle._get_payout_filename(reference))),
            ("Content-Length", len(content)),
        ])
