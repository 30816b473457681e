from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_amount, formatLang


class SalesAssessmentTarget(models.Model):
    """The target of one KPI for one salesperson (or one team) in one cycle.

    Every change is tracked (author, old → new) in the target's own chatter,
    which only those who may read the target read: the salesperson, the
    leaders of their teams and the managers — never the cycle's chatter,
    which every salesperson of the cycle reads.

    Access: a salesperson reads their own targets; a team leader reads the
    targets of their teams and of their members; managers read, create,
    change and delete every target of their companies; nobody changes the
    targets of a closed cycle.
    """

    _name = "sales.assessment.target"
    _description = "Assessment Target"
    _inherit = ["mail.thread", "sales.assessment.number.mixin"]
    _order = "cycle_id, team_id, user_id, kpi_id"  # the cycle's order: newest first
    _check_company_auto = True
    _finite_fields = ("target_value",)

    cycle_id = fields.Many2one(
        "sales.assessment.cycle", required=True, ondelete="cascade", index=True,
        check_company=True,
    )
    kpi_id = fields.Many2one("sales.assessment.kpi", string="KPI", required=True,
                             ondelete="restrict", check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True,
        help="Leave empty for a target of the whole team.",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True,
        help="The team of the target; with a salesperson, the team they sell for.",
    )
    target_value = fields.Float(string="Target", required=True, tracking=True)
    unit = fields.Selection(related="kpi_id.unit")
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    cycle_state = fields.Selection(related="cycle_id.state", string="Cycle Status")
    note = fields.Char(tracking=True)

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sales_assessment_target_user_unique "
            "ON sales_assessment_target (cycle_id, kpi_id, user_id) WHERE user_id IS NOT NULL"
        )
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sales_assessment_target_team_unique "
            "ON sales_assessment_target (cycle_id, kpi_id, team_id) WHERE user_id IS NULL"
        )

    @api.depends("kpi_id", "user_id", "team_id")
    def _compute_display_name(self):
        for target in self:
            subject = target.user_id if target.user_id else target.team_id
            target.display_name = f"{target.kpi_id.name or ''} – {subject.name or ''}"

    @api.constrains("target_value")
    def _check_target_value(self):
        for target in self:
            if target.target_value < 0:
                raise ValidationError(
                    _(
                        "The target of %(kpi)s for %(subject)s is negative (%(value)s): "
                        "targets must be zero or more.",
                        kpi=target.kpi_id.name,
                        subject=(target.user_id or target.team_id).name,
                        value=target.target_value,
                    )
                )

    @api.constrains("cycle_id", "kpi_id", "user_id", "team_id")
    def _check_subject(self):
        for target in self:
            if not target.user_id and not target.team_id:
                raise ValidationError(_("Set the salesperson or the sales team of the target."))
            if self._find_duplicate(target.cycle_id.id, target.kpi_id.id, target.user_id.id,
                                    target.team_id.id, exclude_id=target.id):
                target._raise_duplicate()

    @api.model
    def _find_duplicate(self, cycle_id, kpi_id, user_id, team_id, exclude_id=None):
        """Whether another target has this cycle, KPI and subject (a salesperson,
        or a team without salesperson)."""
        domain = [("cycle_id", "=", cycle_id), ("kpi_id", "=", kpi_id),
                  ("user_id", "=", user_id or False)]
        if not user_id:
            domain.append(("team_id", "=", team_id or False))
        if exclude_id:
            domain.append(("id", "!=", exclude_id))
        # sudo: a duplicate is one whoever may read it
        return bool(self.sudo().search_count(domain, limit=1))

    def _raise_duplicate(self):
        raise ValidationError(
            _(
                "%(subject)s already has a target for %(kpi)s in %(cycle)s: edit that one.",
                subject=(self.user_id or self.team_id).name,
                kpi=self.kpi_id.name,
                cycle=self.cycle_id.name,
            )
        )

    @api.model
    def _check_duplicate_vals(self, vals_list):
        """Refuse duplicates before they reach the database's unique index."""
        seen = set()
        for vals in vals_list:
            key = (vals.get("cycle_id"), vals.get("kpi_id"), vals.get("user_id") or False,
                   False if vals.get("user_id") else vals.get("team_id") or False)
            if key in seen or (all(key[:2]) and self._find_duplicate(*key)):
                self.new(vals)._raise_duplicate()
            seen.add(key)

    def _check_cycle_editable(self):
        """Targets change while their cycle is draft or open."""
        self.cycle_id._check_targets_editable()

    @api.model_create_multi
    def create(self, vals_list):
        # the first note formats the value: refuse NaN and infinity before it
        self._check_finite_vals(vals_list)
        self.env["sales.assessment.cycle"].browse(
            [vals["cycle_id"] for vals in vals_list if vals.get("cycle_id")]
        )._check_targets_editable()
        self._check_duplicate_vals(vals_list)
        targets = super().create([self._prepare_team_vals(vals) for vals in vals_list])
        for target in targets:
            # a log note, as tracking writes it: no sender address needed
            target._message_log(
                body=_("Target set to %(value)s.", value=target._format_target_value()),
            )
        return targets

    @api.model
    def _prepare_team_vals(self, vals):
        """A salesperson's target is for the team they sell for, unless told."""
        if vals.get("user_id") and not vals.get("team_id"):
            team = self.env["res.users"].browse(vals["user_id"]).sale_team_id
            if team:
                return dict(vals, team_id=team.id)
        return vals

    @api.onchange("user_id")
    def _onchange_user_id(self):
        if self.user_id and not self.team_id:
            self.team_id = self.user_id.sale_team_id

    def _format_target_value(self):
        """The target as its KPI shows it: an amount in the company's currency,
        a count without decimals, a percentage, days or a score."""
        self.ensure_one()
        if self.unit == "monetary":
            currency = self.company_id.currency_id or self.env.company.currency_id
            return format_amount(self.env, self.target_value, currency)
        value = formatLang(self.env, self.target_value, digits=0 if self.unit == "count" else 2)
        return f"{value} %" if self.unit == "percent" else value

    def write(self, vals):
        self._check_cycle_editable()
        if "cycle_id" in vals:
            self.env["sales.assessment.cycle"].browse(vals["cycle_id"])._check_targets_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_cycle(self):
        self._check_cycle_editable()
