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

    def _prepare_evaluation_figures(self, run, vals_list, line_vals):
        """The evaluation figures the core writes carry the pacing too (a
        refresh of an open cycle) or end the coaching (the close): same
        UPDATE, no query more than the coaching state's."""
        vals_list = super()._prepare_evaluation_figures(run, vals_list, line_vals)
        if not vals_list:
            return vals_list
        if run.closing:
            return run.cycle._end_coaching_vals(run, self, vals_list)
        return run.cycle._add_evaluation_pacing_vals(run, self, vals_list, line_vals)

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
        if not {"evaluation_id", "amount", "state"} <= set(Reward._fields):
            return {}
        # amounts are signed already: a penalty is negative
        groups = Reward._read_group(
            [("evaluation_id", "in", self.ids), ("state", "not in", ("refused", "cancel"))],
            ["evaluation_id"], ["amount:sum"],
        )
        return {evaluation.id: amount or 0.0 for evaluation, amount in groups}

    def _get_coach(self):
        """The team leader who coaches this salesperson (never themselves)."""
        self.ensure_one()
        leader = self.team_id.user_id
        return leader if self.user_id and leader != self.user_id else self.env["res.users"]

    @api.model
    def _worst_pacing(self, statuses):
        statuses = [s for s in statuses if s]
        return min(statuses, key=PACING_ORDER.get) if statuses else False
