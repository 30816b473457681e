from odoo import fields, models


class CrmTeamMember(models.Model):
    """Adds the dates a salesperson belonged to a team, used to prorate targets."""

    _inherit = "crm.team.member"

    assessment_date_start = fields.Date(
        string="Member Since",
        help="First day counted for this member in assessment cycles "
        "(empty: since ever). Targets are prorated by the days present.",
    )
    assessment_date_end = fields.Date(
        string="Member Until",
        help="Last day counted for this member in assessment cycles (empty: still a member).",
    )

    def _get_assessment_dates(self):
        """Return (first, last) day counted for this membership; None is open.

        An archived membership without an end date ended when it was archived,
        so a salesperson who left still counts for the cycles they worked in.
        """
        self.ensure_one()
        end = self.assessment_date_end
        if not self.active and not end:
            end = self.write_date.date()
        return self.assessment_date_start or None, end or None
