from odoo import api, fields, models

from .sales_assessment_evaluation_line import PACING

PACING_ORDER = {"off_track": 0, "at_risk": 1, "on_track": 2}


class SalesAssessmentEvaluation(models.Model):
    """Adds the evaluation's pacing (its worst KPI's) and, when the reward
    addon is installed, the total of its rewards."""

    _inherit = "sales.assessment.evaluation"

    pacing = fields.Selection(PACING, readonly=True)
    reward_total = fields.Monetary(
        compute="_compute_reward_total", currency_field="currency_id",
        help="Approved and proposed bonuses minus penalties (reward addon).",
    )
    has_rewards = fields.Boolean(compute="_compute_reward_total")
    coaching_open = fields.Boolean(
        readonly=True, copy=False,
        help="The last refresh found this salesperson off track and gave their team "
        "leader a coaching activity (closed when back on track or at the close).",
    )

    def _compute_reward_total(self):
        totals = self._get_reward_totals()
        for evaluation in self:
            evaluation.reward_total = totals.get(evaluation.id, 0.0)
            evaluation.has_rewards = evaluation.id in totals

    def _get_reward_totals(self):
        """{evaluation_id: signed amount} of the rewards of self, when the
        reward addon is installed; {} otherwise. The dashboard never depends
        on that addon: this glue reads it only when present."""
        if "sales.assessment.reward" not in self.env or not self.ids:
            return {}
        Reward = self.env["sales.assessment.reward"]
        if not {"evaluation_id", "amount", "reward_type", "state"} <= set(Reward._fields):
            return {}
        totals = {}
        groups = Reward._read_group(
            [("evaluation_id", "in", self.ids), ("state", "not in", ("refused", "cancel"))],
            ["evaluation_id", "reward_type"], ["amount:sum"],
        )
        for evaluation, reward_type, amount in groups:
            sign = -1 if reward_type == "penalty" else 1
            totals[evaluation.id] = totals.get(evaluation.id, 0.0) + sign * (amount or 0.0)
        return totals

    def _get_coach(self):
        """The team leader who coaches this salesperson (never themselves)."""
        self.ensure_one()
        leader = self.team_id.user_id
        return leader if self.user_id and leader != self.user_id else self.env["res.users"]

    @api.model
    def _worst_pacing(self, statuses):
        statuses = [s for s in statuses if s]
        return min(statuses, key=PACING_ORDER.get) if statuses else False
