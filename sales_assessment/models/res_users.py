from odoo import api, fields, models


class ResUsers(models.Model):
    """Adds the start of a salesperson's tenure: month 1 of the scorecards'
    ramp is the calendar month holding it.

    Only who may write users (Administration rights) changes it: it is not
    one of the fields a user writes on their own record, since it lowers
    their share of a team target."""

    _inherit = "res.users"

    sales_assessment_start_date = fields.Date(
        string="Assessment Start Date",
        compute="_compute_sales_assessment_start_date", store=True, readonly=False,
        help="First day of the salesperson's tenure: month 1 of the scorecards' ramp "
        "is the calendar month holding it. By default the start of their first sales "
        "team membership.",
    )

    @api.depends("crm_team_member_ids.assessment_date_start")
    def _compute_sales_assessment_start_date(self):
        """Default to the earliest membership start; a date already set (by
        hand or before) stays, since it may change the salesperson's target."""
        starts = self._get_membership_starts()
        for user in self:
            user.sales_assessment_start_date = (
                user.sales_assessment_start_date or starts.get(user._origin.id, False))

    def _get_membership_starts(self):
        """Return {user_id: earliest first day of their sales team memberships},
        archived ones included: the "Member Since" date, else the day the
        membership was created."""
        # sudo: memberships of every company count, as archived ones do
        members = self.env["crm.team.member"].sudo().with_context(active_test=False).search_fetch(
            [("user_id", "in", self._origin.ids)], ["user_id", "assessment_date_start", "create_date"])
        starts = {}
        for member in members:
            start = member.assessment_date_start or member.create_date.date()
            user_id = member.user_id.id
            starts[user_id] = min(start, starts.get(user_id, start))
        return starts
