from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "sales.assessment.number.mixin"]

    sales_assessment_grace_days = fields.Integer(
        related="company_id.sales_assessment_grace_days", readonly=False
    )
    sales_assessment_fiscal_start_month = fields.Selection(
        related="company_id.sales_assessment_fiscal_start_month", readonly=False
    )
    sales_assessment_target_proposal = fields.Boolean(
        related="company_id.sales_assessment_target_proposal", readonly=False
    )
    sales_assessment_ack_days = fields.Integer(
        related="company_id.sales_assessment_ack_days", readonly=False
    )
    sales_assessment_statement_in_mail = fields.Boolean(
        related="company_id.sales_assessment_statement_in_mail", readonly=False
    )

    sales_assessment_background_close_size = fields.Integer(
        related="company_id.sales_assessment_background_close_size", readonly=False
    )

    @property
    def _finite_fields(self):
        # a property, as res.users' SELF_READABLE_FIELDS: each addon adds its settings
        return (*super()._finite_fields, "sales_assessment_grace_days", "sales_assessment_ack_days",
                "sales_assessment_background_close_size")

    @api.model_create_multi
    def create(self, vals_list):
        # the settings' own create converts the values before the mixin's create does
        self._check_finite_vals(vals_list)
        return super().create(vals_list)
