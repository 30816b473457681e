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
        return assessment_dates(self.active, self.assessment_date_start,
                                self.assessment_date_end, self.write_date)


def assessment_dates(active, date_start, date_end, write_date):
    """Return (first, last) day counted for a membership of these values (see
    ``crm.team.member._get_assessment_dates``)."""
    if not active and not date_end:
        date_end = write_date.date()
    return date_start or None, date_end or None
