from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_assessment_grace_days = fields.Integer(
        related="company_id.sales_assessment_grace_days", readonly=False
    )
    sales_assessment_fiscal_start_month = fields.Selection(
        related="company_id.sales_assessment_fiscal_start_month", readonly=False
    )
