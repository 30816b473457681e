from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.http import content_disposition, request

from ..models.sales_assessment_xlsx import XLSX_MIMETYPE


class SalesAssessmentXlsxController(http.Controller):
    """Download of a cycle's workbook, built on request with the reader's
    rights (the rows are those the report's record rules show them), so
    that no stored file carries the figures of people they may not see."""

    @http.route("/sales_assessment/cycle/<int:cycle_id>/xlsx", type="http", auth="user",
                methods=["GET"])
    def download_cycle_xlsx(self, cycle_id):
        """The workbook of the cycle for whoever may read the cycle; 404 for
        a cycle that does not exist, 403 for one the reader may not read."""
        cycle = request.env["sales.assessment.cycle"].browse(cycle_id).exists()
        if not cycle:
            raise NotFound()
        if not cycle.has_access("read"):
            raise Forbidden()
        content = cycle._build_xlsx()
        return request.make_response(content, headers=[
            ("Content-Type", XLSX_MIMETYPE),
            ("Content-Disposition", content_disposition(cycle._get_xlsx_filename())),
            ("Content-Length", len(content)),
        ])
