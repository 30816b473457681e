from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sales_assessment_grace_days = fields.Integer(
        string="Assessment Grace Days",
        default=5,
        help="Days after the end of a cycle before the daily job closes it, "
        "so late invoices and payments can still be recorded.",
    )
    sales_assessment_fiscal_start_month = fields.Selection(
        [(str(m), str(m)) for m in range(1, 13)],
        string="Assessment Year Starts In Month",
        default="1",
    )
