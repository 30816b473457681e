from odoo import _, api, models
from odoo.exceptions import UserError


class CrmTeam(models.Model):
    """Sales teams assessed in a closed cycle keep existing: the frozen
    evaluations refer to them."""

    _inherit = "crm.team"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_assessed_in_closed_cycle(self):
        # sudo: the closed cycle may be out of the deleting user's reach
        used = self.env["sales.assessment.evaluation"].sudo().search(
            ["|", ("team_id", "in", self.ids), ("member_team_ids", "in", self.ids),
             ("cycle_id.state", "=", "closed")], limit=1,
        )
        if used:
            raise UserError(_(
                "Sales team %(team)s was assessed in the closed cycle %(cycle)s: archive the "
                "team instead of deleting it.",
                team=(used.team_id & self).name or self[0].name, cycle=used.cycle_id.name,
            ))
