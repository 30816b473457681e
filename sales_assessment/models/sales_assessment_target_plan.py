from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare
from odoo.tools.misc import formatLang

MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"
SUBMIT_ACTIVITY = "sales_assessment.mail_act_target_plan_submit"
APPROVE_ACTIVITY = "sales_assessment.mail_act_target_plan_approve"
# units whose members' targets add up to the team's: amounts and counts
ADDITIVE_UNITS = ("monetary", "count")


class SalesAssessmentTargetPlan(models.Model):
    """The targets of one sales team in one cycle, agreed top-down and
    adjusted by the team: the leader submits them, another manager approves
    them, and approved targets are locked until a manager resets the plan.

    ============  ==================  ==============================================
    Action        Group               Restriction
    ============  ==================  ==============================================
    create        team leader         own team; one plan per cycle and team
    submit        team leader         own team, draft plan, cycle draft or open;
                                      every member has a target of each KPI of the
                                      team, and the members' targets of an amount
                                      or a count add up to the team's at least
    approve       manager             submitted plan, submitted by someone else
    reset         manager             submitted or approved plan, open cycle; a
                                      reason, posted in the chatter
    ============  ==================  ==============================================

    Targets: in a draft plan the team's leader (and, with the company's
    ``sales_assessment_target_proposal``, each salesperson for their own)
    changes them; a submitted plan leaves them to managers; an approved plan
    locks them for everyone (see ``sales.assessment.target``).
    """

    _name = "sales.assessment.target.plan"
    _description = "Target Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.assessment.workflow.mixin"]
    _order = "cycle_id, team_id"
    _check_company_auto = True
    _workflow_verbs = ("submit", "approve", "reset")
    _workflow_fields = ("state", "submitted_uid", "submitted_date", "approved_uid",
                        "approved_date")

    name = fields.Char(compute="_compute_name", store=True)
    cycle_id = fields.Many2one(
        "sales.assessment.cycle", required=True, ondelete="cascade", index=True,
        check_company=True, domain="[('state', 'in', ('draft', 'open'))]",
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True,
                              ondelete="cascade", index=True, check_company=True)
    leader_id = fields.Many2one(related="team_id.user_id", string="Team Leader")
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    cycle_state = fields.Selection(related="cycle_id.state", string="Cycle Status")
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted"), ("approved", "Approved")],
        default="draft", required=True, readonly=True, tracking=True, copy=False,
    )
    submitted_uid = fields.Many2one("res.users", string="Submitted By", readonly=True,
                                    copy=False)
    submitted_date = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    approved_uid = fields.Many2one("res.users", string="Approved By", readonly=True,
                                   copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    target_ids = fields.Many2many(
        "sales.assessment.target", compute="_compute_target_ids", string="Targets",
        help="The cycle's targets of the team and of its members.",
    )
    target_count = fields.Integer(compute="_compute_target_ids")
    line_ids = fields.One2many("sales.assessment.target.plan.line", "plan_id",
                               string="KPIs", readonly=True)
    short_line_count = fields.Integer(
        compute="_compute_short_line_count",
        help="KPIs whose members lack a target or fall short of the team's target.",
    )

    can_submit = fields.Boolean(compute="_compute_can_workflow")
    cannot_submit_reason = fields.Char(compute="_compute_can_workflow")
    can_approve = fields.Boolean(compute="_compute_can_workflow")
    cannot_approve_reason = fields.Char(compute="_compute_can_workflow")
    can_reset = fields.Boolean(compute="_compute_can_workflow")
    cannot_reset_reason = fields.Char(compute="_compute_can_workflow")

    _sql_constraints = [
        ("cycle_team_unique", "UNIQUE(cycle_id, team_id)",
         "A sales team has one target plan per cycle: open the existing one."),
    ]

    @api.depends("cycle_id.name", "team_id.name")
    def _compute_name(self):
        for plan in self:
            plan.name = _("%(team)s – %(cycle)s", team=plan.team_id.name or "",
                          cycle=plan.cycle_id.name or "")

    @api.depends("cycle_id", "team_id")
    @api.depends_context("uid")
    def _compute_target_ids(self):
        for plan in self:
            targets = self.env["sales.assessment.target"].search(plan._get_target_domain())
            plan.target_ids = targets
            plan.target_count = len(targets)

    def _get_target_domain(self):
        """The cycle's targets of the team, and those of its members."""
        self.ensure_one()
        return [
            ("cycle_id", "=", self.cycle_id.id),
            "|", "&", ("user_id", "=", False), ("team_id", "=", self.team_id.id),
            ("user_id", "in", self.team_id.member_ids.ids),
        ]

    @api.depends("line_ids")
    def _compute_short_line_count(self):
        # sudo: one read of every plan's lines (a list of plans reads them at once)
        for plan, plan_sudo in zip(self, self.sudo()):
            plan.short_line_count = len(plan_sudo.line_ids.filtered("is_short"))

    @api.depends_context("uid")
    @api.depends("state", "cycle_id.state", "submitted_uid")
    def _compute_can_workflow(self):
        return super()._compute_can_workflow()

    # ------------------------------------------------------------------
    # Creation: by hand, or by the opening of a cycle
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        for plan in plans:
            plan._check_can_create()
        plans.activity_update()
        return plans

    def write(self, vals):
        if {"cycle_id", "team_id"}.intersection(vals) and any(
                plan.cycle_id.id != vals.get("cycle_id", plan.cycle_id.id)
                or plan.team_id.id != vals.get("team_id", plan.team_id.id) for plan in self):
            raise UserError(_("A target plan stays with its cycle and team: create the plan "
                              "of the other cycle or team instead."))
        return super().write(vals)

    def _check_can_create(self):
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        if self.team_id.user_id != self.env.user:
            raise AccessError(_(
                "Only the leader of %(team)s or a manager creates its target plan.",
                team=self.team_id.name))
        self.cycle_id._check_targets_editable()

    @api.model
    def _create_for_cycles(self, cycles):
        """Create the draft plans missing for every team the scorecards of
        ``cycles`` cover: one search, one create."""
        # sudo: opening a cycle prepares the plans of every team it covers
        Plan = self.sudo()
        existing = set(Plan.search([("cycle_id", "in", cycles.ids)]).mapped(
            lambda p: (p.cycle_id.id, p.team_id.id)))
        vals_list = [
            {"cycle_id": cycle.id, "team_id": team.id}
            for cycle in cycles for team in cycle.sudo().template_ids.team_ids
            if (cycle.id, team.id) not in existing and team.company_id in (
                cycle.company_id, self.env["res.company"])
        ]
        return Plan.create(vals_list)

    # ------------------------------------------------------------------
    # Who may do what
    # ------------------------------------------------------------------

    def _is_manager(self):
        return self.env.su or self.env.user.has_group(MANAGER_GROUP)

    def _get_closed_cycle_refusal(self):
        if self.cycle_id.state not in ("draft", "open"):
            return UserError, _(
                "Cycle %(cycle)s is %(state)s: its targets no longer change, so its plans "
                "stay as they are.", cycle=self.cycle_id.name,
                state=dict(self.cycle_id._fields["state"]._description_selection(
                    self.env))[self.cycle_id.state])
        return None

    def _get_submit_refusal(self):
        if not self._is_manager() and self.team_id.user_id != self.env.user:
            return AccessError, _("Only the leader of %(team)s or a manager submits its "
                                  "target plan.", team=self.team_id.name)
        if self.state != "draft":
            return UserError, _("Plan %(plan)s is submitted already.", plan=self.name)
        return self._get_closed_cycle_refusal() or self._get_shortfall_refusal()

    def _get_shortfall_refusal(self):
        """Refuse a plan whose members lack a target of a KPI the team has, or
        whose members' targets of an amount or a count fall short of the team's."""
        lines = self.sudo().line_ids
        if not self.sudo().target_ids:
            return UserError, _("Plan %(plan)s has no target yet: set the team's targets "
                                "and its members' before submitting.", plan=self.name)
        for line in lines.filtered("has_team_target"):
            missing = line._get_members_without_target()
            if missing:
                return UserError, _(
                    "Members of %(team)s have no target for %(kpi)s yet (%(names)s): set "
                    "theirs, or allocate the team target, before submitting.",
                    team=self.team_id.name, kpi=line.kpi_id.name,
                    names=", ".join(missing.mapped("name")))
            if line.is_short:
                return UserError, _(
                    "The members' targets for %(kpi)s add up to %(total)s, %(short)s short of "
                    "the team's %(target)s: raise them before submitting.",
                    kpi=line.kpi_id.name, total=line._format(line.member_target_total),
                    short=line._format(-line.difference),
                    target=line._format(line.team_target))
        return None

    def _get_approve_refusal(self):
        if not self._is_manager():
            return AccessError, _("Only a sales assessment manager approves a target plan.")
        if self.state != "submitted":
            return UserError, _("Plan %(plan)s is not waiting for approval: it is %(state)s.",
                                plan=self.name, state=self._get_state_label())
        if self.submitted_uid == self.env.user and not self.env.su:
            return UserError, _(
                "You submitted plan %(plan)s: another manager approves it.", plan=self.name)
        return self._get_closed_cycle_refusal()

    def _get_reset_refusal(self):
        if not self._is_manager():
            return AccessError, _("Only a sales assessment manager resets a target plan.")
        if self.state == "draft":
            return UserError, _("Plan %(plan)s is a draft already.", plan=self.name)
        return self._get_closed_cycle_refusal()

    def _get_state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    # ------------------------------------------------------------------
    # Submit, approve, reset
    # ------------------------------------------------------------------

    def _check_can_submit(self):
        self._check_can("submit")

    def _check_can_approve(self):
        self._check_can("approve")

    def _check_can_reset(self):
        self._check_can("reset")

    def action_submit(self):
        plans = self._workflow_records()
        plans._check_can_submit()
        plans._do_submit()
        return True

    def _do_submit(self):
        self._write_state({"state": "submitted", "submitted_uid": self.env.uid,
                           "submitted_date": fields.Datetime.now(),
                           "approved_uid": False, "approved_date": False})
        self._post_workflow_message(_("Target plan submitted for approval."))
        self.activity_update()

    def action_approve(self):
        plans = self._workflow_records()
        plans._check_can_approve()
        plans._do_approve()
        return True

    def _do_approve(self):
        self._write_state({"state": "approved", "approved_uid": self.env.uid,
                           "approved_date": fields.Datetime.now()})
        self._post_workflow_message(
            _("Target plan approved: its targets are locked until a manager resets it."),
            partner_ids=lambda plan: (plan.team_id.user_id | plan.submitted_uid).partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self.activity_update()

    def action_reset(self, reason=None):
        """Back to draft, saying why (``reason``: a non-empty text)."""
        plans = self._workflow_records()
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(_("Say why the target plan goes back to draft: the team "
                              "leader reads the reason."))
        plans._check_can_reset()
        plans._do_reset(reason.strip())
        return True

    def _do_reset(self, reason):
        self._write_state({"state": "draft", "approved_uid": False, "approved_date": False})
        self._post_workflow_message(
            Markup("%s<br/>%s") % (_("Target plan reset to draft:"), reason),
            partner_ids=lambda plan: plan.team_id.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self.activity_update()

    def action_open_reset_wizard(self):
        self._workflow_records()._check_can_reset()
        return {
            "type": "ir.actions.act_window",
            "name": _("Reset Target Plan"),
            "res_model": "sales.assessment.target.plan.reset",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Activities: the leader prepares, a manager approves
    # ------------------------------------------------------------------

    def activity_update(self):
        """One activity for whoever the plan waits on: its leader while it is
        a draft, a manager once submitted; none once approved."""
        submit_type = self.env.ref(SUBMIT_ACTIVITY)
        approve_type = self.env.ref(APPROVE_ACTIVITY)
        # sudo: activities are the workflow's, whoever they were assigned to
        for plan in self.sudo():
            activities = plan.activity_ids
            to_submit = activities.filtered(lambda a: a.activity_type_id == submit_type)
            to_approve = activities.filtered(lambda a: a.activity_type_id == approve_type)
            if plan.state != "draft" and to_submit:
                to_submit.action_feedback()
            if plan.state != "submitted" and to_approve:
                (to_approve.action_feedback() if plan.state == "approved"
                 else to_approve.unlink())
            plan._schedule_next_activity(to_submit, to_approve)

    def _schedule_next_activity(self, to_submit, to_approve):
        if self.state == "draft" and not to_submit and self.team_id.user_id:
            self.activity_schedule(
                SUBMIT_ACTIVITY, user_id=self.team_id.user_id.id,
                date_deadline=max(self.cycle_id.date_start, fields.Date.context_today(self)),
                summary=_("Submit the target plan of %(team)s", team=self.team_id.name),
            )
        elif self.state == "submitted" and not to_approve:
            approver = self._get_approver()
            if approver:
                self.activity_schedule(
                    APPROVE_ACTIVITY, user_id=approver.id,
                    summary=_("Approve the target plan of %(team)s", team=self.team_id.name),
                )

    def _get_approver(self):
        """Who is asked to approve: the cycle's author if a manager other than
        the submitter, else the company's first such manager."""
        candidates = self.cycle_id.create_uid | self.env.ref(MANAGER_GROUP).users
        return candidates.filtered(
            lambda u: u != self.submitted_uid and not u.share and not u._is_superuser()
            and u.has_group(MANAGER_GROUP) and self.company_id in u.company_ids
        )[:1]

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def action_view_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment.sales_assessment_target_action")
        action.update({
            "name": _("Targets of %(plan)s", plan=self.name),
            "domain": self._get_target_domain(),
            "context": {"default_cycle_id": self.cycle_id.id,
                        "default_team_id": self.team_id.id},
        })
        return action

    def action_allocate(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment.sales_assessment_target_allocate_action")
        action["context"] = {"default_cycle_id": self.cycle_id.id,
                             "default_team_id": self.team_id.id}
        return action

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(plan.state != "draft" for plan in self):
            raise UserError(_("Only a draft target plan can be deleted: reset it first."))


class SalesAssessmentTargetPlanLine(models.Model):
    """Per KPI of a plan: the team's target beside the sum of its members'
    targets, read live from the targets."""

    _name = "sales.assessment.target.plan.line"
    _description = "Target Plan KPI"
    _auto = False
    _order = "plan_id, kpi_id"
    _depends = {
        "sales.assessment.target": ["cycle_id", "kpi_id", "user_id", "team_id", "target_value"],
        "sales.assessment.target.plan": ["cycle_id", "team_id", "company_id"],
        "crm.team.member": ["crm_team_id", "user_id", "active"],
    }

    plan_id = fields.Many2one("sales.assessment.target.plan", readonly=True)
    kpi_id = fields.Many2one("sales.assessment.kpi", string="KPI", readonly=True)
    unit = fields.Selection(related="kpi_id.unit")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    has_team_target = fields.Boolean(readonly=True)
    team_target = fields.Float(readonly=True)
    member_target_total = fields.Float(string="Members' Targets", readonly=True)
    difference = fields.Float(
        readonly=True, help="Members' targets minus the team's target: negative when short.")
    member_count = fields.Integer(string="Members", readonly=True)
    member_target_count = fields.Integer(string="Members with a Target", readonly=True)
    is_short = fields.Boolean(
        compute="_compute_is_short",
        help="Members lack a target, or their targets of an amount or a count add up to "
        "less than the team's.")

    @property
    def _table_query(self):
        return SQL(
            """
            WITH members AS (
                SELECT m.crm_team_id AS team_id, m.user_id
                  FROM crm_team_member m
                 WHERE m.active
            ), plan_targets AS (
                SELECT p.id AS plan_id, p.company_id, t.kpi_id, t.user_id, t.target_value
                  FROM sales_assessment_target_plan p
                  JOIN sales_assessment_target t ON t.cycle_id = p.cycle_id
                 WHERE (t.user_id IS NULL AND t.team_id = p.team_id)
                    OR t.user_id IN (SELECT user_id FROM members WHERE team_id = p.team_id)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY pt.plan_id, pt.kpi_id) AS id,
                   pt.plan_id, pt.kpi_id, MIN(pt.company_id) AS company_id,
                   BOOL_OR(pt.user_id IS NULL) AS has_team_target,
                   SUM(pt.target_value) FILTER (WHERE pt.user_id IS NULL) AS team_target,
                   COALESCE(SUM(pt.target_value) FILTER (WHERE pt.user_id IS NOT NULL), 0)
                       AS member_target_total,
                   COALESCE(SUM(pt.target_value) FILTER (WHERE pt.user_id IS NOT NULL), 0)
                       - SUM(pt.target_value) FILTER (WHERE pt.user_id IS NULL) AS difference,
                   (SELECT COUNT(*) FROM members m
                      JOIN sales_assessment_target_plan p2 ON p2.team_id = m.team_id
                     WHERE p2.id = pt.plan_id) AS member_count,
                   COUNT(DISTINCT pt.user_id) AS member_target_count
              FROM plan_targets pt
             GROUP BY pt.plan_id, pt.kpi_id
            """
        )

    @api.depends("has_team_target", "member_count", "member_target_count", "difference")
    def _compute_is_short(self):
        for line in self:
            line.is_short = line.has_team_target and (
                line.member_target_count < line.member_count
                or (line.unit in ADDITIVE_UNITS
                    and float_compare(line.difference, 0.0, precision_digits=2) < 0))

    def _get_members_without_target(self):
        """The plan's members with no target of this KPI."""
        self.ensure_one()
        plan = self.plan_id
        with_target = self.env["sales.assessment.target"].sudo().search([
            ("cycle_id", "=", plan.cycle_id.id), ("kpi_id", "=", self.kpi_id.id),
            ("user_id", "in", plan.team_id.member_ids.ids),
        ]).user_id
        return plan.team_id.member_ids - with_target

    def _format(self, value):
        if self.unit == "monetary":
            return formatLang(self.env, value, currency_obj=self.currency_id)
        return formatLang(self.env, value, digits=0 if self.unit == "count" else 2)
