from collections import defaultdict

from odoo import api, fields, models

from .sales_assessment_evaluation_line import PACING

PACING_ORDER = {"off_track": 0, "at_risk": 1, "on_track": 2}
LEADER_GROUP = "sales_assessment.group_sales_assessment_team_leader"
MY_PERFORMANCE_ACTION = "sales_assessment_dashboard.sales_assessment_report_action_my"
BOARD_ACTION = "sales_assessment_dashboard.sales_assessment_evaluation_action_kanban"


def pacing_summary(env, pacing, off_track_count, at_risk_count):
    """The pacing of an evaluation of an open cycle in words: how many KPIs
    lag ("1 KPI off track", "2 KPIs at risk"), or "On track"; False without
    pacing. One whole sentence per case, so that translators see them all."""
    if not pacing:
        return False
    if off_track_count == 1:
        return env._("1 KPI off track")
    if off_track_count:
        return env._("%(count)s KPIs off track", count=off_track_count)
    if at_risk_count == 1:
        return env._("1 KPI at risk")
    if at_risk_count:
        return env._("%(count)s KPIs at risk", count=at_risk_count)
    return env._("On track")


class SalesAssessmentEvaluation(models.Model):
    """Adds the evaluation's pacing (its worst KPI's, and how many of its KPIs
    are off track or at risk) and, when the reward addon is installed, the
    total of its rewards."""

    _inherit = "sales.assessment.evaluation"

    pacing = fields.Selection(PACING, readonly=True)
    off_track_count = fields.Integer(
        string="KPIs Off Track", readonly=True, aggregator="sum",
        help="KPIs of the open cycle behind their expected achievement at the last refresh.",
    )
    at_risk_count = fields.Integer(string="KPIs at Risk", readonly=True, aggregator="sum")
    pacing_label = fields.Char(
        string="Pacing Summary", compute="_compute_pacing_label",
        help="How many KPIs lag, while the cycle is open.",
    )
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
        vals_list = run.cycle._add_evaluation_pacing_vals(run, self, vals_list, line_vals)
        return self._add_pacing_count_vals(run, vals_list, line_vals)

    def _add_pacing_count_vals(self, run, vals_list, line_vals):
        """Return ``vals_list`` with how many KPIs of each evaluation of self
        are off track and at risk, from the pacing of ``line_vals`` (the
        figures of ``run.rows``). An evaluation none of whose KPIs has a
        pacing (none has a target) has none either: NULL, not JSON's false."""
        counts = defaultdict(lambda: {"off_track": 0, "at_risk": 0})
        for row, vals in zip(run.rows, line_vals):
            if vals.get("pacing") in ("off_track", "at_risk"):
                counts[row.evaluation_id][vals["pacing"]] += 1
        return [
            dict(vals, pacing=vals.get("pacing") or None,
                 off_track_count=counts[ev_id]["off_track"],
                 at_risk_count=counts[ev_id]["at_risk"])
            for ev_id, vals in zip(self.ids, vals_list)
        ]

    @api.depends("pacing", "off_track_count", "at_risk_count", "cycle_state", "has_target")
    def _compute_pacing_label(self):
        for evaluation in self:
            live = evaluation.cycle_state == "open" and evaluation.has_target
            evaluation.pacing_label = live and pacing_summary(
                self.env, evaluation.pacing, evaluation.off_track_count,
                evaluation.at_risk_count)

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

    # -- landing page of the My Performance app

    @api.model
    def _get_landing_action(self):
        """The window action the My Performance app opens on (its root menu's
        server action): the user's own results when they are assessed (or
        not a team leader: their results appear there once they are); the
        performance board of the current cycle for a team leader or manager
        without evaluation of their own."""
        Action = self.env["ir.actions.act_window"]
        assessed = self.search_count(
            [("user_id", "=", self.env.uid), ("cycle_id.state", "!=", "cancel")], limit=1)
        if assessed or not self.env.user.has_group(LEADER_GROUP):
            return Action._for_xml_id(MY_PERFORMANCE_ACTION)
        action = Action._for_xml_id(BOARD_ACTION)
        cycle = self._get_landing_cycle()
        if cycle:
            action["context"] = {"search_default_cycle_id": cycle.id}
        return action

    @api.model
    def _get_landing_cycle(self):
        """The current cycle of the board: the open cycle of the current
        company that began last (of a month and its quarter, the month), or
        an empty recordset when no open cycle has begun."""
        cycles = self.env["sales.assessment.cycle"].search(
            [("state", "=", "open"), ("company_id", "=", self.env.company.id)],
            order="date_start desc, date_end, id desc",
        )
        return next((cycle for cycle in cycles if cycle.date_start <= cycle._today()),
                    cycles.browse())

    @api.model
    def _worst_pacing(self, statuses):
        statuses = [s for s in statuses if s]
        return min(statuses, key=PACING_ORDER.get) if statuses else False
