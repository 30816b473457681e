from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.sales_assessment_kpi import Period
from ..tools import periods


class SalesAssessmentTargetAllocate(models.TransientModel):
    """Splits a team target among the team's members: equally, by weight, or
    by their share of the previous cycle's actual. Members present part of
    the cycle (membership dates) get a share prorated by their days present;
    the shares are then scaled so that the members' targets add up to the
    team target."""

    _name = "sales.assessment.target.allocate"
    _description = "Allocate a Team Target"
    _inherit = ["sales.assessment.number.mixin"]
    _finite_fields = ("team_target",)

    cycle_id = fields.Many2one("sales.assessment.cycle", required=True)
    kpi_id = fields.Many2one("sales.assessment.kpi", string="KPI", required=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True)
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

    @api.onchange("team_id", "cycle_id")
    def _onchange_team_id(self):
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create(vals) for vals in self._prepare_member_lines()
        ]

    def _prepare_member_lines(self):
        if not (self.team_id and self.cycle_id):
            return []
        members = self.team_id.crm_team_member_all_ids
        cycle = self.cycle_id
        lines = []
        for member in members:
            presence = periods.prorate(
                100.0, cycle.date_start, cycle.date_end, *member._get_assessment_dates()
            )
            if presence > 0:
                lines.append({"user_id": member.user_id.id, "presence": presence, "weight": 1.0})
        return lines

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
        """Return {line: target} adding up to the team target."""
        base = self._get_base_weights()
        weights = {line: base[line.id] * line.presence / 100.0 for line in self.line_ids}
        total = sum(weights.values())
        if total <= 0:
            raise UserError(
                _(
                    "Nothing to allocate by: the members have no weight, no presence "
                    "in the cycle or no previous actual. Choose another method."
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
        for line, value in self._get_allocation().items():
            target = Target.search(
                [
                    ("cycle_id", "=", self.cycle_id.id),
                    ("kpi_id", "=", self.kpi_id.id),
                    ("user_id", "=", line.user_id.id),
                ]
            )
            if target:
                target.target_value = value
            else:
                Target.create(
                    {
                        "cycle_id": self.cycle_id.id,
                        "kpi_id": self.kpi_id.id,
                        "user_id": line.user_id.id,
                        "team_id": self.team_id.id,
                        "target_value": value,
                    }
                )
        return self.cycle_id.action_view_targets()


class SalesAssessmentTargetAllocateLine(models.TransientModel):
    _name = "sales.assessment.target.allocate.line"
    _description = "Allocate a Team Target: Member"
    _inherit = ["sales.assessment.number.mixin"]
    _finite_fields = ("presence", "weight")

    wizard_id = fields.Many2one(
        "sales.assessment.target.allocate", required=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Salesperson", required=True)
    presence = fields.Float(string="Presence (%)", default=100.0)
    weight = fields.Float(default=1.0)
