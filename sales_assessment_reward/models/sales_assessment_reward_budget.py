from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SalesAssessmentRewardBudget(models.Model):
    """The bonus budget of one scorecard in one cycle: when the generated
    bonuses exceed it, they are scaled down proportionally to fit."""

    _name = "sales.assessment.reward.budget"
    _description = "Assessment Bonus Budget"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "cycle_id, template_id"
    _check_company_auto = True
    _finite_fields = ("amount",)

    cycle_id = fields.Many2one(
        "sales.assessment.cycle", required=True, ondelete="cascade", index=True,
        check_company=True,
    )
    template_id = fields.Many2one(
        "sales.assessment.template", string="Scorecard", required=True, check_company=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Bonus Budget", required=True)
    bonus_total = fields.Monetary(
        string="Bonuses before Scaling", readonly=True,
        help="Total of the bonuses the rules gave at the last close.",
    )
    scale_factor = fields.Float(
        digits=(16, 6), readonly=True, default=1.0,
        help="Factor applied to the bonuses at the last close (1: within budget).",
    )

    _sql_constraints = [
        ("cycle_template_unique", "unique(cycle_id, template_id)",
         "One bonus budget per cycle and scorecard."),
    ]

    @api.constrains("amount")
    def _check_amount(self):
        for budget in self:
            if budget.amount < 0:
                raise ValidationError(
                    _("The bonus budget of %(template)s in %(cycle)s is negative: enter "
                      "zero or more.", template=budget.template_id.name,
                      cycle=budget.cycle_id.name)
                )

    def _scale(self, amounts):
        """Scale {key: amount} (positive bonuses) to fit the budget. Return
        ({key: scaled amount}, factor): amounts rounded to the currency, the
        rounding remainder on the largest, so the sum is the budget exactly."""
        self.ensure_one()
        total = sum(amounts.values())
        if not amounts or self.currency_id.compare_amounts(total, self.amount) <= 0:
            return dict(amounts), 1.0
        factor = self.amount / total
        scaled = {key: self.currency_id.round(value * factor) for key, value in amounts.items()}
        largest = max(scaled, key=lambda key: (amounts[key], str(key)))
        scaled[largest] = self.currency_id.round(
            scaled[largest] + self.amount - sum(scaled.values())
        )
        return scaled, factor
