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
