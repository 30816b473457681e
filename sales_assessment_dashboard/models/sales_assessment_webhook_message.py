from odoo import fields, models


class SalesAssessmentWebhookMessage(models.Model):
    """Messages also tell of the KPIs that turned off track (pacing alerts)."""

    _inherit = "sales.assessment.webhook.message"

    event = fields.Selection(
        selection_add=[("pacing", "Off-Track Alerts")], ondelete={"pacing": "cascade"}
    )
