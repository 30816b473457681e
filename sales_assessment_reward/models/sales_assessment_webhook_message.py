from odoo import fields, models


class SalesAssessmentWebhookMessage(models.Model):
    """Messages also tell of reward proposals waiting for approval."""

    _inherit = "sales.assessment.webhook.message"

    event = fields.Selection(
        selection_add=[("approval", "Approvals Waiting")], ondelete={"approval": "cascade"}
    )
