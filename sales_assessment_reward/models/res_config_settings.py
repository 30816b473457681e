from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_assessment_reward_threshold = fields.Monetary(
        related="company_id.sales_assessment_reward_threshold",
        currency_field="currency_id",
        readonly=False,
    )

    @property
    def _finite_fields(self):
        return (*super()._finite_fields, "sales_assessment_reward_threshold")
