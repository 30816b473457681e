from odoo import _

MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"


class RewardDemo:
    """Takes the demo proposals and disputes through their workflow, each
    step by the user whose step it is, so that a first login finds every
    state: the oldest closed demo quarter paid (a payout workbook to
    download), the next one approved (a payout to export), the latest
    waiting for the team leaders' approval, with one accepted and one open
    dispute. Plain Python, not a model, called once from the demo data
    (``sales.assessment.cycle._demo_settle_rewards``)."""

    def __init__(self, env):
        self.env = env
        self.manager = env.ref("base.user_admin")

    def load(self):
        cycles = self.env["sales.assessment.cycle"].search(
            [("state", "=", "closed"), ("name", "like", "(demo)"), ("reward_ids", "!=", False)],
            order="date_start",
        )
        if len(cycles) < 3 or not self.manager.has_group(MANAGER_GROUP) or self._done(cycles):
            return
        self._dispute(cycles[-1])
        self._approve(cycles[0] | cycles[1])
        self._submit(cycles)
        # the manager exports the oldest quarter's payout: its proposals are paid
        cycles[0].with_user(self.manager).action_export_rewards()

    def _done(self, cycles):
        """Whether the demo was settled already (the demo data is loaded
        again on every update of the addon)."""
        settled = cycles.reward_ids.filtered(lambda r: r.state not in ("draft", "to_approve"))
        return bool(settled or cycles.evaluation_ids.dispute_ids)

    def _approve(self, cycles):
        """Approve every proposal waiting in ``cycles``, as its approver: the
        team leader, then a manager above the threshold."""
        for reward in cycles.reward_ids.filtered(lambda r: r.state == "to_approve"):
            approver = reward._get_approver()
            while approver and reward.state == "to_approve":
                reward.with_user(approver).action_approve()
                approver = reward._get_approver()

    def _submit(self, cycles):
        """Submit the drafts left (new proposals and differences of a
        correction), as the team leader, or a manager for a leader's own."""
        for reward in cycles.reward_ids.filtered(lambda r: r.state == "draft"):
            leader = reward.team_id.user_id
            submitter = leader if leader and leader != reward.user_id else self.manager
            reward.with_user(submitter).action_submit()

    def _dispute(self, cycle):
        """Two salespeople who lead no team dispute the cycle: the manager
        accepts the first, correcting its customer satisfaction (the cycle is
        closed again), the second waits for an answer."""
        evaluations = cycle.evaluation_ids.filtered(
            lambda e: e.state == "published" and e.team_id.user_id
            and e.team_id.user_id != e.user_id)
        if len(evaluations) < 2:
            return
        satisfaction = self.env.ref("sales_assessment.kpi_customer_satisfaction")
        revenue = self.env.ref("sales_assessment.kpi_revenue_invoiced")
        ordered = evaluations.sorted(lambda e: e.user_id.login)
        first, second = ordered[0], ordered[-1]
        line = first.line_ids.filtered(lambda ln: ln.kpi_id == satisfaction)
        accepted = self._create_dispute(first, line, _(
            "Two customers answered the satisfaction survey after its deadline: "
            "their answers are missing from my score."))
        accepted.with_user(self.manager).write({
            "answer": _("The late answers count: the survey was sent late."),
            "correction_line_id": line.id,
            "corrected_value": min(line.manual_value + 8, 100),
        })
        accepted.with_user(self.manager).action_accept()
        self._create_dispute(
            second, second.line_ids.filtered(lambda ln: ln.kpi_id == revenue), _(
                "An invoice of my customer was posted on the first day of the next "
                "quarter although the goods were delivered in this one."))

    def _create_dispute(self, evaluation, lines, reason):
        return self.env["sales.assessment.dispute"].with_user(evaluation.user_id).create({
            "evaluation_id": evaluation.id,
            "line_ids": [(6, 0, lines.ids)],
            "reason": reason,
        })
