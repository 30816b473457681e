from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_assessment_pacing_days = fields.Selection(
        related="company_id.sales_assessment_pacing_days", readonly=False
    )
    sales_assessment_on_track_threshold = fields.Float(
        related="company_id.sales_assessment_on_track_threshold", readonly=False
    )
    sales_assessment_off_track_threshold = fields.Float(
        related="company_id.sales_assessment_off_track_threshold", readonly=False
    )
    sales_assessment_hide_amounts = fields.Boolean(
        related="company_id.sales_assessment_hide_amounts", readonly=False
    )

    @property
    def _finite_fields(self):
        return (
            *super()._finite_fields,
            "sales_assessment_on_track_threshold",
            "sales_assessment_off_track_threshold",
        )
