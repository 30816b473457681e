from odoo import fields, models


class SalesAssessmentCycleReopen(models.TransientModel):
    """Asks why closed cycles are reopened, then reopens them."""

    _name = "sales.assessment.cycle.reopen"
    _description = "Reopen Assessment Cycle"

    cycle_ids = fields.Many2many("sales.assessment.cycle", required=True)
    reason = fields.Text(required=True)

    def action_reopen(self):
        self.ensure_one()
        self.cycle_ids._check_can_reopen()
        self.cycle_ids._do_reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
