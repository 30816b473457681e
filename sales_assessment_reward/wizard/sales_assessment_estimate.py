from odoo import api, fields, models


class SalesAssessmentEstimate(models.TransientModel):
    """A what-if estimate also tells the rewards its figures would bring:
    the evaluation's applicable rules matched on the estimated facts, as a
    close matches them, without creating any reward. The evaluation's
    current ranks stand in for the ranks, and a bonus budget (which depends
    on the whole cycle) is ignored."""

    _inherit = "sales.assessment.estimate"

    currency_id = fields.Many2one(related="evaluation_id.currency_id")
    estimated_reward_amount = fields.Monetary(
        compute="_compute_estimated_reward_amount", string="Estimated Reward",
        help="What the reward rules of the scorecard would give with these figures "
        "(bonuses minus penalties), before any bonus budget scaling. Ranks are the "
        "evaluation's current ones.",
    )

    @api.depends("estimated_score", "estimated_grade_id", "line_ids.what_if_value")
    def _compute_estimated_reward_amount(self):
        for estimate in self:
            evaluation = estimate.evaluation_id
            cycle = evaluation.cycle_id
            if not cycle:
                estimate.estimated_reward_amount = 0.0
                continue
            rules = cycle._get_reward_rules()
            amounts = cycle._match_reward_rules(
                evaluation, rules, {evaluation.id: estimate._get_reward_facts()})
            estimate.estimated_reward_amount = sum(amounts.values())

    def _get_reward_facts(self):
        """The facts ``reward.rule._matches`` reads (see
        ``sales.assessment.cycle._get_reward_facts``), from the estimate."""
        self.ensure_one()
        evaluation = self.evaluation_id
        kpis = {}
        for line in self.line_ids.filtered("has_target"):
            kpis[line.kpi_id.id] = (line.what_if_value, line.estimated_achievement,
                                    line.target_value, True)
        for line in self.line_ids.filtered(lambda ln: not ln.has_target):
            kpis.setdefault(line.kpi_id.id, (line.what_if_value, 0.0, line.target_value, False))
        return {
            "template_id": evaluation.template_id.id,
            "grade_id": self.estimated_grade_id.id,
            "total_score": self.estimated_score,
            "rank": evaluation.rank,
            "team_rank": evaluation.team_rank,
            "kpis": kpis,
        }
