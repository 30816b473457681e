from odoo import fields, models


class SalesAssessmentTargetPlanReset(models.TransientModel):
    """Asks why target plans go back to draft, then resets them."""

    _name = "sales.assessment.target.plan.reset"
    _description = "Reset Target Plan"

    plan_ids = fields.Many2many(
        "sales.assessment.target.plan", "sales_assessment_target_plan_reset_rel", "wizard_id",
        "plan_id", required=True)
    reason = fields.Text(required=True)

    def action_reset(self):
        self.ensure_one()
        self.plan_ids.action_reset(self.reason)
        return {"type": "ir.actions.act_window_close"}
