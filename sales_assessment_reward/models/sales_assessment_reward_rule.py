from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import format_amount

from odoo.addons.sales_assessment.tools import payplans

MONETARY_TYPES = ("bonus", "penalty")


class SalesAssessmentRewardRule(models.Model):
    """A rule turning a published evaluation into a reward or penalty
    proposal: optional conditions (all ANDed) and one outcome. Rules of a
    scorecard are tried in sequence; a matching rule with ``stop`` ends the
    search for that evaluation."""

    _name = "sales.assessment.reward.rule"
    _description = "Assessment Reward Rule"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "sequence, id"
    _check_company_auto = True
    _finite_fields = (
        "min_score", "max_score", "rank_top", "min_achievement", "amount", "amount_cap",
    )

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    template_ids = fields.Many2many(
        "sales.assessment.template", string="Scorecards", check_company=True,
        help="Scorecards whose evaluations this rule applies to (empty: all).",
    )
    stop = fields.Boolean(
        string="Stop Further Rules",
        help="When this rule matches, no later rule is tried for the evaluation.",
    )
    # conditions
    grade_ids = fields.Many2many("sales.assessment.grade", string="Grades")
    min_score = fields.Float(
        help="Lowest total score that matches (0: no minimum). Per-point amounts "
        "count the points above it."
    )
    max_score = fields.Float(help="Highest total score that matches (0: no maximum).")
    rank_top = fields.Integer(
        string="Rank Top N", help="Only the N best ranked match (0: any rank)."
    )
    rank_scope = fields.Selection(
        [("cycle", "In the Cycle"), ("team", "In the Team")], default="cycle", required=True
    )
    kpi_id = fields.Many2one(
        "sales.assessment.kpi", string="KPI", check_company=True,
        help="KPI of the achievement condition, and base of percent amounts.",
    )
    min_achievement = fields.Float(
        string="Minimum Achievement (%)",
        help="With a KPI: the KPI's achievement must be at or above this.",
    )
    # outcome
    reward_type = fields.Selection(
        [
            ("bonus", "Bonus"),
            ("penalty", "Penalty"),
            ("recognition", "Recognition"),
            ("promotion", "Promotion"),
            ("demotion", "Demotion"),
            ("training", "Training"),
            ("warning", "Warning"),
        ],
        required=True,
        default="bonus",
    )
    amount_type = fields.Selection(
        [
            ("fixed", "Fixed Amount"),
            ("percent_of_kpi", "Percent of the KPI's Actual"),
            ("per_point", "Per Score Point above the Minimum"),
            ("tiered", "Tiered Commission on the KPI's Actual"),
            ("curve", "Pay Curve on the KPI's Achievement"),
        ],
        required=True,
        default="fixed",
        help="Tiered: the KPI's actual is cut at each tier's achievement of the target and "
             "each part paid at its tier's rate (or all of it at the highest tier reached). "
             "Pay curve: the amount is the on-target incentive, paid at the percent the curve "
             "gives for the KPI's achievement.",
    )
    tier_mode = fields.Selection(
        [("marginal", "Each Part at its Tier's Rate"),
         ("whole", "All at the Highest Tier Reached")],
        string="Tiers Apply", required=True, default="marginal",
    )
    tier_ids = fields.One2many(
        "sales.assessment.reward.tier", "rule_id", string="Tiers", copy=True,
        help="Tiered commission: from this achievement of the target on, the rate paid. "
             "Pay curve: at this achievement, the payout percent of the amount.")
    curve_preview = fields.Html(
        compute="_compute_curve_preview", string="What the Plan Pays", sanitize=False,
        help="The amount at 50, 80, 100, 120 and 150 % of the target.")
    amount = fields.Float(help="Always positive: penalties are deducted.")
    amount_cap = fields.Float(string="Cap", help="Largest amount (0: no cap).")
    badge_id = fields.Many2one(
        "gamification.badge", string="Badge", help="Granted when a recognition is approved."
    )
    is_monetary = fields.Boolean(compute="_compute_is_monetary")

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache("company_id")
    def _get_rule_templates(self, company_id):
        """((rule_id, (template_id, …)), …) of the company's active rules."""
        # sudo: the cached answer must not depend on the first reader's rights
        rules = self.sudo().search([("company_id", "=", company_id)])
        return tuple((rule.id, tuple(rule.template_ids.ids)) for rule in rules)

    @api.depends("reward_type")
    def _compute_is_monetary(self):
        for rule in self:
            rule.is_monetary = rule.reward_type in MONETARY_TYPES

    @api.constrains("amount", "amount_cap")
    def _check_amount(self):
        for rule in self:
            if rule.amount < 0 or rule.amount_cap < 0:
                raise ValidationError(
                    _(
                        "Rule %(name)s: the amount and the cap must be zero or more; "
                        "choose the Penalty type to deduct.",
                        name=rule.name,
                    )
                )

    @api.constrains("amount_type", "kpi_id", "tier_ids", "tier_mode")
    def _check_pay_plan(self):
        for rule in self.filtered(
                lambda r: r.reward_type in MONETARY_TYPES and r.amount_type in ("tiered", "curve")):
            if not rule.kpi_id:
                raise ValidationError(_(
                    "Rule %(name)s pays on a KPI's figures: choose the KPI.", name=rule.name))
            try:
                payplans.check_tiers([(t.from_achievement, t.rate) for t in rule.tier_ids])
            except payplans.PayPlanError as error:
                raise ValidationError(rule._pay_plan_message(error.code)) from error

    def _pay_plan_message(self, code):
        """The sentence of a refused pay plan (``payplans.PayPlanError.code``)."""
        messages = {
            "empty": _("Rule %(name)s has no tier: add at least one (e.g. from 0 %% at 3 %%)."),
            "negative": _("Rule %(name)s has a negative tier: achievements and rates of tiers "
                          "are zero or more."),
            "not_finite": _("Rule %(name)s has a tier that is not a finite number."),
            "duplicate_start": _("Rule %(name)s has two tiers starting at the same "
                                 "achievement: merge them."),
            "decreasing": _("Rule %(name)s pays less in a higher tier: the rates of the tiers "
                            "must not decrease as the achievement grows."),
        }
        return messages.get(code, messages["not_finite"]) % {"name": self.name}

    @api.depends("amount_type", "tier_ids.from_achievement", "tier_ids.rate", "tier_mode",
                 "amount", "amount_cap", "reward_type")
    def _compute_curve_preview(self):
        for rule in self:
            rule.curve_preview = rule._render_curve_preview()

    def _render_curve_preview(self):
        """A small table of what the plan pays at 50 … 150 % of a target
        (tiered commission: for a target of 100,000)."""
        if self.amount_type not in ("tiered", "curve") or not self.tier_ids:
            return False
        target = 100000.0
        rows = []
        for achievement in (50, 80, 100, 120, 150):
            facts = {"kpis": {self.kpi_id.id: (target * achievement / 100, achievement,
                                               target, True)}}
            try:
                amount = self._get_reward_amount(facts, signed=False)
            except ValidationError:
                return False
            rows.append(f"<tr><td>{achievement} %</td><td class='text-end'>"
                        f"{tools.html_escape(format_amount(self.env, amount, self.currency_id))}"
                        f"</td></tr>")
        caption = _("For a target of %(target)s", target=format_amount(
            self.env, target, self.currency_id)) if self.amount_type == "tiered" else _(
            "For an on-target amount of %(amount)s", amount=format_amount(
                self.env, self.amount, self.currency_id))
        achievement_label, pays_label = _("Achievement"), _("Pays")
        return (f"<table class='table table-sm o_sa_curve_preview mb-0'><caption>"
                f"{tools.html_escape(caption)}</caption><thead><tr><th>"
                f"{tools.html_escape(achievement_label)}</th><th class='text-end'>"
                f"{tools.html_escape(pays_label)}</th></tr></thead><tbody>{''.join(rows)}"
                f"</tbody></table>")

    @api.constrains("amount_type", "kpi_id", "min_score")
    def _check_amount_type(self):
        for rule in self.filtered(lambda r: r.reward_type in MONETARY_TYPES):
            if rule.amount_type == "percent_of_kpi" and not rule.kpi_id:
                raise ValidationError(
                    _("Rule %(name)s pays a percent of a KPI: choose the KPI.", name=rule.name)
                )
            if rule.amount_type == "per_point" and rule.min_score <= 0:
                raise ValidationError(
                    _(
                        "Rule %(name)s pays per score point above the minimum score: "
                        "set the minimum score.",
                        name=rule.name,
                    )
                )

    @api.constrains("badge_id", "reward_type")
    def _check_badge(self):
        for rule in self:
            if rule.badge_id and rule.reward_type != "recognition":
                raise ValidationError(
                    _(
                        "Rule %(name)s grants a badge: only recognition rules grant badges.",
                        name=rule.name,
                    )
                )

    @api.constrains("min_score", "max_score")
    def _check_scores(self):
        for rule in self:
            if rule.max_score and rule.max_score < rule.min_score:
                raise ValidationError(
                    _(
                        "Rule %(name)s: the maximum score is below the minimum score.",
                        name=rule.name,
                    )
                )

    # ------------------------------------------------------------------
    # Matching (plain data in, no query)
    # ------------------------------------------------------------------

    def _matches(self, facts):
        """Whether this rule applies to an evaluation described by ``facts``:
        a dict with template_id, grade_id, total_score, rank, team_rank and
        kpis ({kpi_id: (actual, achievement, target, has_target)})."""
        self.ensure_one()
        score = facts["total_score"]
        rank = facts["team_rank"] if self.rank_scope == "team" else facts["rank"]
        checks = (
            not self.template_ids or facts["template_id"] in self.template_ids.ids,
            not self.grade_ids or facts["grade_id"] in self.grade_ids.ids,
            not self.min_score or score >= self.min_score,
            not self.max_score or score <= self.max_score,
            not self.rank_top or (rank and rank <= self.rank_top),
            not self.kpi_id or facts["kpis"].get(self.kpi_id.id, (0.0, 0.0))[1]
            >= self.min_achievement,
        )
        return all(checks)

    def _get_reward_amount(self, facts, signed=True):
        """The signed amount this rule gives (0 for non-monetary outcomes):
        positive for a bonus, negative for a penalty, capped before the sign.
        Tiered and curve rules pay nothing on a KPI without target."""
        self.ensure_one()
        if self.reward_type not in MONETARY_TYPES:
            return 0.0
        actual, achievement, target, has_target = (
            tuple(facts["kpis"].get(self.kpi_id.id, ())) + (0.0, 0.0, 0.0, False))[:4]
        if self.amount_type == "percent_of_kpi":
            value = actual * self.amount / 100
        elif self.amount_type == "per_point":
            value = max(facts["total_score"] - self.min_score, 0.0) * self.amount
        elif self.amount_type in ("tiered", "curve"):
            value = self._get_pay_plan_amount(actual, achievement, target) if has_target else 0.0
        else:
            value = self.amount
        value = payplans.cap(value, self.amount_cap)
        value = self.currency_id.round(value)
        if not signed:
            return value
        return -value if self.reward_type == "penalty" else value

    def _get_pay_plan_amount(self, actual, achievement, target):
        """The amount of a tiered or curve rule (pure engine: tools/payplans)."""
        tiers = [(tier.from_achievement, tier.rate) for tier in self.tier_ids]
        try:
            if self.amount_type == "tiered":
                return payplans.tiered_amount(actual, target, tiers, self.tier_mode)
            return payplans.curve_amount(self.amount, achievement, tiers)
        except payplans.PayPlanError as error:
            raise ValidationError(self._pay_plan_message(error.code)) from error


class SalesAssessmentRewardTier(models.Model):
    """A tier of a tiered commission, or a point of a pay curve."""

    _name = "sales.assessment.reward.tier"
    _description = "Assessment Reward Tier"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "rule_id, from_achievement, id"
    _finite_fields = ("from_achievement", "rate")

    rule_id = fields.Many2one(
        "sales.assessment.reward.rule", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    from_achievement = fields.Float(
        string="From Achievement (%)", required=True,
        help="Percent of the KPI's target from which this tier (or curve point) applies.")
    rate = fields.Float(
        string="Rate (%)", required=True,
        help="Tiered commission: the percent of the actual paid in this tier. Pay curve: the "
             "payout percent of the amount at this achievement.")
