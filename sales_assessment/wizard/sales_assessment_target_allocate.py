from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.sales_assessment_kpi import Period
from ..tools import periods


MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"


class SalesAssessmentTargetAllocate(models.TransientModel):
    """Splits a team target among the team's members: equally, by weight, or
    by their share of the previous cycle's actual. Each member's weight is
    multiplied by their presence (the share of the cycle's days their
    membership covers) and by their ramp (the percent of the ramp of the
    cycle's scorecard covering the team for their month of tenure when the
    cycle starts); the shares are then scaled so that the members' targets
    add up to the team target. The targets keep both factors.

    Opened by managers, or by team leaders for the teams they lead (the
    record rules of targets decide what they may write); ``default_cycle_id``
    and ``default_team_id`` in the context prefill it."""

    _name = "sales.assessment.target.allocate"
    _description = "Allocate a Team Target"
    _inherit = ["sales.assessment.number.mixin"]
    _finite_fields = ("team_target",)

    cycle_id = fields.Many2one("sales.assessment.cycle", required=True)
    kpi_id = fields.Many2one("sales.assessment.kpi", string="KPI", required=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True)
    allowed_team_ids = fields.Many2many("crm.team", compute="_compute_allowed_team_ids")
    ramp_template_id = fields.Many2one(
        "sales.assessment.template", string="Ramp of Scorecard",
        compute="_compute_ramp_template_id",
        help="The scorecard of the cycle assessing the team's salespeople whose ramp "
             "lowers the share of new salespeople (the first by sequence if several).")
    team_target = fields.Float(required=True)
    method = fields.Selection(
        [
            ("equal", "Equally"),
            ("weight", "By Weight"),
            ("previous", "By Share of the Previous Cycle"),
        ],
        required=True,
        default="equal",
    )
    line_ids = fields.One2many(
        "sales.assessment.target.allocate.line", "wizard_id", string="Members"
    )

    @api.depends_context("uid")
    def _compute_allowed_team_ids(self):
        manager = self.env.user.has_group(MANAGER_GROUP)
        teams = self.env["crm.team"].search([] if manager else [("user_id", "=", self.env.uid)])
        for wizard in self:
            wizard.allowed_team_ids = teams

    @api.depends("cycle_id", "team_id")
    def _compute_ramp_template_id(self):
        for wizard in self:
            wizard.ramp_template_id = wizard._get_ramp_template()

    def _get_ramp_template(self):
        """Return the scorecard whose ramp applies: among the cycle's
        scorecards assessing the salespeople of the team, the first by
        (sequence, id); an empty recordset when none covers the team."""
        team = self.team_id
        templates = self.cycle_id.template_ids.filtered(
            lambda t: t.subject_type == "user" and team in t.team_ids)
        return templates.sorted(lambda t: (t.sequence, t.id))[:1]

    @api.onchange("team_id", "cycle_id")
    def _onchange_team_id(self):
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create(vals) for vals in self._prepare_member_lines()
        ]

    def _prepare_member_lines(self):
        if not (self.team_id and self.cycle_id):
            return []
        cycle = self.cycle_id
        lines = []
        for member in self.team_id.crm_team_member_all_ids:
            presence = periods.prorate(
                100.0, cycle.date_start, cycle.date_end, *member._get_assessment_dates()
            )
            if presence > 0:
                lines.append({"user_id": member.user_id.id, "presence": presence,
                              "ramp": self._get_ramp(member.user_id), "weight": 1.0})
        return lines

    def _get_ramp(self, user):
        """Return the ramp percent of ``user`` in the month the cycle starts
        in (100 without a ramp or a start date)."""
        template = self._get_ramp_template()
        if not template:
            return 100.0
        return template._get_ramp_percent(user.sales_assessment_start_date,
                                          self.cycle_id.date_start)

    def _get_base_weights(self):
        if self.method == "equal":
            return {line.id: 1.0 for line in self.line_ids}
        if self.method == "weight":
            return {line.id: line.weight for line in self.line_ids}
        previous = self._get_previous_actuals()
        return {line.id: previous.get(line.user_id.id, 0.0) for line in self.line_ids}

    def _get_previous_actuals(self):
        cycle = self.cycle_id
        date_from, date_to = periods.previous_period(cycle.date_start, cycle.date_end)
        period = Period(date_from, date_to, cycle.company_id, "user", cycle.tz)
        values = self.kpi_id._measure_values(period, self.line_ids.user_id.ids)
        return values[self.kpi_id.id]

    def _get_allocation(self):
        """Return {line: target} adding up to the team target: each line's
        base weight times its presence and its ramp."""
        base = self._get_base_weights()
        weights = {line: base[line.id] * line.presence / 100.0 * line.ramp / 100.0
                   for line in self.line_ids}
        total = sum(weights.values())
        if total <= 0:
            raise UserError(
                _(
                    "Nothing to allocate by: the members have no weight, no presence "
                    "in the cycle, a ramp of zero or no previous actual. Choose another "
                    "method."
                )
            )
        targets = {line: round(self.team_target * w / total, 2) for line, w in weights.items()}
        # the cents lost in rounding go to the largest share, so the sum is exact
        largest = max(targets, key=targets.get)
        targets[largest] = round(targets[largest] + self.team_target - sum(targets.values()), 2)
        return targets

    def action_allocate(self):
        self.ensure_one()
        if self.team_target < 0:
            raise UserError(_("The team target must not be negative."))
        if not self.line_ids:
            self.line_ids = [fields.Command.create(v) for v in self._prepare_member_lines()]
        Target = self.env["sales.assessment.target"]
        allocation = self._get_allocation()
        existing = {target.user_id: target for target in Target.search([
            ("cycle_id", "=", self.cycle_id.id),
            ("kpi_id", "=", self.kpi_id.id),
            ("user_id", "in", [line.user_id.id for line in allocation]),
        ])}
        new_vals = []
        for line, value in allocation.items():
            vals = self._prepare_target_vals(line, value)
            target = existing.get(line.user_id)
            if target:
                target.write({key: vals[key] for key in self._get_updated_target_fields()})
            else:
                new_vals.append(vals)
        Target.create(new_vals)
        return self.cycle_id.action_view_targets()

    def _prepare_target_vals(self, line, value):
        """Return the values of the target of ``line``'s member worth ``value``."""
        return {
            "cycle_id": self.cycle_id.id,
            "kpi_id": self.kpi_id.id,
            "user_id": line.user_id.id,
            "team_id": self.team_id.id,
            "target_value": value,
            "presence_percent": line.presence,
            "ramp_percent": line.ramp,
        }

    def _get_updated_target_fields(self):
        """Return the fields the allocation changes on a member's existing target."""
        return ["target_value", "presence_percent", "ramp_percent"]


class SalesAssessmentTargetAllocateLine(models.TransientModel):
    """A member of the team in the allocation: their presence in the cycle,
    their ramp and, by weight, their weight."""

    _name = "sales.assessment.target.allocate.line"
    _description = "Allocate a Team Target: Member"
    _inherit = ["sales.assessment.number.mixin"]
    _finite_fields = ("presence", "ramp", "weight")

    wizard_id = fields.Many2one(
        "sales.assessment.target.allocate", required=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Salesperson", required=True)
    presence = fields.Float(
        string="Presence (%)", default=100.0,
        help="Share of the cycle's days the member belongs to the team.")
    ramp = fields.Float(
        string="Ramp (%)", default=100.0,
        help="Share of a full member's target for the member's month of tenure when the "
             "cycle starts, from the ramp of the team's scorecard.")
    weight = fields.Float(default=1.0)
