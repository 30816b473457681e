from odoo import fields, models


class SalesAssessmentRewardRefuse(models.TransientModel):
    """Asks the reason for refusing one or more proposals."""

    _name = "sales.assessment.reward.refuse"
    _description = "Refuse Reward Proposals"

    reward_ids = fields.Many2many("sales.assessment.reward", string="Proposals")
    reason = fields.Text()

    def action_refuse(self):
        self.reward_ids._check_can_refuse()
        self.reward_ids._do_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
