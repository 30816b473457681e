from odoo import _, fields, models


class SalesAssessmentEvaluation(models.Model):
    """Adds the evaluation's reward proposals and disputes."""

    _inherit = "sales.assessment.evaluation"

    reward_ids = fields.One2many("sales.assessment.reward", "evaluation_id", string="Rewards")
    reward_count = fields.Integer(compute="_compute_reward_count")
    dispute_ids = fields.One2many(
        "sales.assessment.dispute", "evaluation_id", string="Disputes"
    )
    dispute_count = fields.Integer(compute="_compute_reward_count")
    can_dispute = fields.Boolean(compute="_compute_can_dispute")

    def _compute_reward_count(self):
        rewards = dict(self.env["sales.assessment.reward"]._read_group(
            [("evaluation_id", "in", self.ids)], ["evaluation_id"], ["__count"]
        ))
        disputes = dict(self.env["sales.assessment.dispute"]._read_group(
            [("evaluation_id", "in", self.ids)], ["evaluation_id"], ["__count"]
        ))
        for evaluation in self:
            evaluation.reward_count = rewards.get(evaluation, 0)
            evaluation.dispute_count = disputes.get(evaluation, 0)

    def _compute_can_dispute(self):
        for evaluation in self:
            evaluation.can_dispute = (
                evaluation.user_id == self.env.user
                and evaluation.state == "published"
                and evaluation.cycle_id.state == "closed"
            )

    def action_view_rewards(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment_reward.sales_assessment_reward_action"
        )
        action["domain"] = [("evaluation_id", "in", self.ids)]
        action["context"] = {}
        return action

    def action_view_disputes(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment_reward.sales_assessment_dispute_action"
        )
        action["domain"] = [("evaluation_id", "in", self.ids)]
        action["context"] = {}
        return action

    def action_dispute(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Dispute my Evaluation"),
            "res_model": "sales.assessment.dispute",
            "view_mode": "form",
            "target": "new",
            "views": [(self.env.ref(
                "sales_assessment_reward.sales_assessment_dispute_view_form_new").id, "form")],
            "context": {"default_evaluation_id": self.id},
        }
