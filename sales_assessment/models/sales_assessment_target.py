from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_amount, formatLang

MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"
# what a salesperson proposing their own target in a draft plan may write
PROPOSAL_FIELDS = {"cycle_id", "kpi_id", "user_id", "team_id", "target_value", "note"}
# what a plan decides: every business field of a target (not the chatter's)
PLAN_FIELDS = PROPOSAL_FIELDS | {"presence_percent", "ramp_percent"}


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

    Target plans (``sales.assessment.target.plan``) decide who changes a
    target besides managers: in a draft plan of the team, its leader, and
    with the company's ``sales_assessment_target_proposal`` each salesperson
    their own target. A submitted plan leaves its targets to managers; an
    approved plan locks them for everyone, managers included, until a
    manager resets it.
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
    is_locked = fields.Boolean(
        compute="_compute_is_locked",
        help="An approved target plan holds this target: a manager resets the plan "
        "before it changes.")
    note = fields.Char(tracking=True)
    # what the allocation wizard applied to the member's share of the team
    # target: the days present in the cycle and the ramp of a new salesperson
    presence_percent = fields.Float(
        string="Presence (%)", default=100.0, readonly=True,
        help="Share of the cycle's days the salesperson belonged to the team, "
        "applied by the allocation of the team target.",
    )
    ramp_percent = fields.Float(
        string="Ramp (%)", default=100.0, readonly=True,
        help="Ramp of a new salesperson for their month of tenure at the start of the "
        "cycle (scorecard's ramp), applied by the allocation of the team target.",
    )

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

    @api.depends("cycle_id", "user_id", "team_id")
    def _compute_is_locked(self):
        plans = self._get_plans()
        for target in self:
            target.is_locked = any(p.state == "approved" for p in plans.get(target, ()))

    def _get_plans(self):
        """Return {target: plans covering it}: the plan of its team for a team
        target, the plans of the teams its salesperson is a member of."""
        # sudo: whoever may read a target may know which plan holds it
        Plan = self.env["sales.assessment.target.plan"].sudo()
        by_team, by_member = {}, {}
        for plan in Plan.search([("cycle_id", "in", self.cycle_id.ids)]):
            by_team[plan.cycle_id.id, plan.team_id.id] = plan
            for user_id in plan.team_id.member_ids.ids:
                by_member[plan.cycle_id.id, user_id] = by_member.get(
                    (plan.cycle_id.id, user_id), Plan) | plan
        return {
            target: by_member.get((target.cycle_id.id, target.user_id.id), Plan)
            if target.user_id else by_team.get((target.cycle_id.id, target.team_id.id), Plan)
            for target in self
        }

    def _check_plan_allows_change(self):
        """Refuse changing targets an approved plan locks, and, for others than
        managers, targets outside a draft plan they prepare."""
        manager = self.env.su or self.env.user.has_group(MANAGER_GROUP)
        for target, plans in self._get_plans().items():
            approved = plans.filtered(lambda p: p.state == "approved")
            if approved:
                raise UserError(_(
                    "The targets of %(plan)s are approved and locked: a manager resets the "
                    "plan before %(target)s changes.", plan=approved[0].name,
                    target=target.display_name))
            if not manager:
                target._check_plan_preparer(plans)

    def _check_plan_preparer(self, plans):
        """A leader changes the targets of a draft plan of a team they lead; a
        salesperson, with the company's setting, their own target in a draft plan."""
        user = self.env.user
        drafts = plans.filtered(lambda p: p.state == "draft")
        if plans - drafts:
            raise UserError(_(
                "The targets of %(plan)s are submitted for approval: a manager changes "
                "them now, or resets the plan to draft.", plan=(plans - drafts)[0].name))
        if drafts.filtered(lambda p: p.team_id.user_id == user):
            return
        if drafts and self.user_id == user and self.company_id.sales_assessment_target_proposal:
            return
        raise AccessError(_(
            "You cannot change the target %(target)s: managers set targets, team leaders "
            "in a draft target plan of their team, and salespeople propose their own when "
            "the company allows it.", target=self.display_name))

    def _check_proposal_fields(self, vals):
        """A salesperson proposing their target writes its value and note only."""
        if self.env.su or self.env.user.has_group(MANAGER_GROUP) or \
                self.env.user.has_group("sales_assessment.group_sales_assessment_team_leader"):
            return
        refused = set(vals) - PROPOSAL_FIELDS
        if refused:
            raise AccessError(_(
                "A salesperson proposes the value and the note of their target only, not "
                "%(fields)s.", fields=", ".join(
                    self._fields[f]._description_string(self.env) for f in sorted(refused)
                    if f in self._fields) or ", ".join(sorted(refused))))

    @api.model
    def get_import_templates(self):
        return [{
            "label": _("Import Template for Targets"),
            "template": "/sales_assessment/static/xls/sales_assessment_target.xlsx",
        }]

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
        if any(not target.user_id and not target.team_id for target in self):
            raise ValidationError(_("Set the salesperson or the sales team of the target."))
        duplicates = self._get_duplicate_keys()
        for target in self:
            if target._get_subject_key() in duplicates:
                target._raise_duplicate()

    def _get_subject_key(self):
        """The (cycle, KPI, salesperson, team) a target is unique for: the team
        counts only for a team target (without salesperson)."""
        self.ensure_one()
        return self._make_subject_key(self.cycle_id.id, self.kpi_id.id, self.user_id.id,
                                      self.team_id.id)

    @api.model
    def _make_subject_key(self, cycle_id, kpi_id, user_id, team_id):
        """The subject key of ``_get_subject_key`` from raw ids (values to create)."""
        return (cycle_id, kpi_id, user_id or False, False if user_id else team_id or False)

    def _get_duplicate_keys(self):
        """Return the subject keys of ``self`` that more than one target has, in
        two queries whatever the number of targets."""
        return self._find_existing_keys(
            self.cycle_id.ids, self.kpi_id.ids, self.user_id.ids, self.team_id.ids,
            having=[("__count", ">", 1)])

    @api.model
    def _find_existing_keys(self, cycle_ids, kpi_ids, user_ids, team_ids, having=()):
        """Return the subject keys of the targets of these cycles and KPIs whose
        salesperson is one of ``user_ids`` or, for team targets, whose team is
        one of ``team_ids``: one grouped query per kind of subject."""
        if not cycle_ids or not kpi_ids:
            return set()
        # sudo: a duplicate is one whoever may read it
        Target = self.sudo()
        base = [("cycle_id", "in", cycle_ids), ("kpi_id", "in", kpi_ids)]
        keys = set()
        if user_ids:
            groups = Target._read_group(
                base + [("user_id", "in", user_ids)], ["cycle_id", "kpi_id", "user_id"],
                ["__count"], having=list(having), order="__count")
            keys.update(self._make_subject_key(cycle.id, kpi.id, user.id, False)
                        for cycle, kpi, user, _count in groups)
        if team_ids:
            groups = Target._read_group(
                base + [("user_id", "=", False), ("team_id", "in", team_ids)],
                ["cycle_id", "kpi_id", "team_id"], ["__count"], having=list(having),
                order="__count")
            keys.update(self._make_subject_key(cycle.id, kpi.id, False, team.id)
                        for cycle, kpi, team, _count in groups)
        return keys

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
        """Refuse duplicates before they reach the database's unique index: among
        ``vals_list``, and against the existing targets in one batch."""
        keys = [self._make_subject_key(vals.get("cycle_id"), vals.get("kpi_id"),
                                       vals.get("user_id"), vals.get("team_id"))
                for vals in vals_list]
        complete = [key for key in keys if all(key[:2])]
        existing = self._find_existing_keys(
            list({key[0] for key in complete}), list({key[1] for key in complete}),
            list({key[2] for key in complete if key[2]}),
            list({key[3] for key in complete if key[3]}))
        seen = set()
        for vals, key in zip(vals_list, keys):
            if key in seen or key in existing:
                self.new(vals)._raise_duplicate()
            seen.add(key)

    def _check_cycle_editable(self):
        """Targets change while their cycle is draft or open."""
        self.cycle_id._check_targets_editable()

    @api.model_create_multi
    def create(self, vals_list):
        """Create the targets and record each initial value in its chatter, in
        as many queries for one target as for thousands (an import)."""
        # the first note formats the value: refuse NaN and infinity before it
        self._check_finite_vals(vals_list)
        self.env["sales.assessment.cycle"].browse(
            [vals["cycle_id"] for vals in vals_list if vals.get("cycle_id")]
        )._check_targets_editable()
        self._check_duplicate_vals(vals_list)
        for vals in vals_list:
            self._check_proposal_fields(vals)
        # the initial value note below is the creation note: not a second one
        targets = super(SalesAssessmentTarget, self.with_context(mail_create_nolog=True)).create(
            self._prepare_team_vals_list(vals_list)).with_env(self.env)
        targets._check_plan_allows_change()
        targets._log_initial_values()
        return targets

    def _log_initial_values(self):
        """Log "Target set to …" on each target, all notes in one batch: a log
        note, as tracking writes it, needs no sender address and notifies no one.
        ``_message_log_batch`` writes as superuser: called on targets just created,
        which their creator may read."""
        bodies = {}
        for target in self:
            bodies[target.id] = _("Target set to %(value)s.", value=target._format_target_value())
        self._message_log_batch(bodies=bodies)

    @api.model
    def _prepare_team_vals_list(self, vals_list):
        """Return ``vals_list`` completed by ``_prepare_team_vals``, the teams of
        all their salespeople read at once."""
        users = self.env["res.users"].browse(
            {vals["user_id"] for vals in vals_list if vals.get("user_id")})
        users.mapped("sale_team_id")  # computed for all of them at once
        return [self._prepare_team_vals(vals) for vals in vals_list]

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
        if PLAN_FIELDS.intersection(vals):
            self._check_proposal_fields(vals)
            self._check_plan_allows_change()
        result = super().write(vals)
        if {"cycle_id", "user_id", "team_id"}.intersection(vals):
            # where it lands is checked too: moved into a locked plan, or to another
            self._check_plan_allows_change()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_cycle(self):
        self._check_cycle_editable()
        self._check_plan_allows_change()
