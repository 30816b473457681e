from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment reaching an invoice (or leaving it) changes the collected
    revenue of the invoice's salespeople: their live figures become stale."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._sales_assessment_moves()._sales_assessment_mark_stale()
        return partials

    def unlink(self):
        moves = self._sales_assessment_moves()
        result = super().unlink()
        moves._sales_assessment_mark_stale()
        return result

    def _sales_assessment_moves(self):
        """The moves on both sides of the reconciliations ``self``."""
        # sudo: whoever registers the payment may not read every move it reaches
        partials = self.sudo()
        return partials.debit_move_id.move_id | partials.credit_move_id.move_id
