from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sales_assessment_reward_threshold = fields.Monetary(
        string="Reward Approval Threshold",
        currency_field="currency_id",
        default=1000.0,
        help="Rewards above this amount need a sales manager's approval after "
        "the team leader's.",
    )

    @property
    def _finite_fields(self):
        return (*super()._finite_fields, "sales_assessment_reward_threshold")
