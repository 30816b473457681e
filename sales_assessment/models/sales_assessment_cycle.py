import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import errors as pg_errors

import pytz

from odoo import _, api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_datetime, mute_logger

from ..tools import periods
from .sales_assessment_kpi import Period

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"
LEADER_GROUP = "sales_assessment.group_sales_assessment_team_leader"
# what the figures of a closed cycle depend on
FROZEN_CYCLE_FIELDS = {
    "date_start", "date_end", "tz", "company_id", "template_ids", "period_type",
}


def _result_changed(old, new):
    """Whether the total (to the cent), the grade or the rank of a snapshot changed."""
    return round(old[0], 2) != round(new[0], 2) or old[1:3] != new[1:3]


class SalesAssessmentCycle(models.Model):
    """An assessment period (month, quarter, half, year or custom) of one
    company, with the scorecards applied in it, the targets set for it and
    the evaluations computed for it.

    ============  =================  =========================================
    Action        Group              Restriction
    ============  =================  =========================================
    open          manager            draft cycle
    refresh       team leader        open cycle; figures only
    close         manager            open cycle (closed: no-op); row-locked
    reopen        manager            closed cycle; a reason is required
    cancel        manager            draft or open cycle
    draft         manager            cancelled cycle
    ============  =================  =========================================

    The state changes only through these actions (see
    ``sales.assessment.workflow.mixin``); the scoring itself is the
    evaluations' and their lines' (``sales.assessment.evaluation._refresh_cycle``).

    Access: every salesperson and team leader reads the cycles of their
    companies (the chatter holds no individual figure); managers create,
    change and delete them; a closed cycle is frozen for everyone.
    """

    _name = "sales.assessment.cycle"
    _description = "Assessment Cycle"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.assessment.workflow.mixin"]
    _order = "date_start desc, period_type, id desc"
    _check_company_auto = True
    _workflow_verbs = ("open", "refresh", "close", "reopen", "cancel", "draft")
    # who closed it chooses the second approver of its rewards: the workflow's
    _workflow_fields = ("state", "closed_date", "closed_uid", "close_requested_uid",
                        "close_requested_date")

    name = fields.Char(required=True, tracking=True, default=lambda self: self._default_name())
    period_type = fields.Selection(
        [
            ("month", "Month"),
            ("quarter", "Quarter"),
            ("half", "Half-Year"),
            ("year", "Year"),
            ("custom", "Custom"),
        ],
        required=True,
        default="month",
    )
    date_start = fields.Date(
        required=True, tracking=True, default=lambda self: self._default_period()[0])
    date_end = fields.Date(
        required=True, tracking=True, default=lambda self: self._default_period()[1])
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tz = fields.Selection(
        _tz_get,
        string="Timezone",
        required=True,
        default=lambda self: self._default_tz(),
        tracking=True,
        help="The days of the cycle start and end at midnight in this timezone: an "
        "order placed at 01:00 on 1 January in Shanghai belongs to January.",
    )
    template_ids = fields.Many2many(
        "sales.assessment.template", string="Scorecards", check_company=True,
        default=lambda self: self._default_template_ids(),
        help="The scorecards applied in the cycle: by default every active scorecard "
        "of the company.",
    )
    evaluation_ids = fields.One2many(
        "sales.assessment.evaluation", "cycle_id", string="Evaluations"
    )
    target_ids = fields.One2many("sales.assessment.target", "cycle_id", string="Targets")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Open"),
            ("closed", "Closed"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    last_computed = fields.Datetime(string="Last Computed At", readonly=True, copy=False)
    closed_date = fields.Datetime(readonly=True, copy=False)
    closed_uid = fields.Many2one("res.users", string="Closed By", readonly=True, copy=False)
    close_requested_uid = fields.Many2one(
        "res.users", string="Close Requested By", readonly=True, copy=False,
        help="The manager whose close of this large cycle runs in the background job; they "
             "are notified when it is done.")
    close_requested_date = fields.Datetime(string="Close Requested At", readonly=True, copy=False)
    reopen_reason = fields.Text(
        copy=False, help="Why the cycle was last reopened (required to reopen)."
    )
    can_open = fields.Boolean(compute="_compute_can_workflow")
    cannot_open_reason = fields.Char(compute="_compute_can_workflow")
    can_refresh = fields.Boolean(compute="_compute_can_workflow")
    cannot_refresh_reason = fields.Char(compute="_compute_can_workflow")
    can_close = fields.Boolean(compute="_compute_can_workflow")
    cannot_close_reason = fields.Char(compute="_compute_can_workflow")
    can_reopen = fields.Boolean(compute="_compute_can_workflow")
    cannot_reopen_reason = fields.Char(compute="_compute_can_workflow")
    can_cancel = fields.Boolean(compute="_compute_can_workflow")
    cannot_cancel_reason = fields.Char(compute="_compute_can_workflow")
    can_draft = fields.Boolean(compute="_compute_can_workflow")
    cannot_draft_reason = fields.Char(compute="_compute_can_workflow")
    evaluation_count = fields.Integer(compute="_compute_evaluation_count")
    targets_acknowledged_count = fields.Integer(
        compute="_compute_evaluation_count", string="Targets Acknowledged")
    results_acknowledged_count = fields.Integer(
        compute="_compute_evaluation_count", string="Results Acknowledged")
    target_count = fields.Integer(compute="_compute_evaluation_count")
    target_plan_count = fields.Integer(compute="_compute_target_plan_count")
    missing_target_count = fields.Integer(
        compute="_compute_missing_target_count", string="Missing Targets",
        help="KPIs of the cycle's scorecards that have no target for a salesperson or team "
             "assessed in the cycle. They show their actual but do not count.")

    @api.model
    def _default_company(self):
        return self.env["res.company"].browse(
            self.env.context.get("default_company_id")
        ) or self.env.company

    @api.model
    def _default_tz(self):
        """The company's working-hours timezone, else the user's, else UTC."""
        return self._default_company().resource_calendar_id.tz or self.env.user.tz or "UTC"

    @api.model
    def _fiscal_start_month(self, company=None):
        company = company or self._default_company()
        return int(company.sales_assessment_fiscal_start_month or 1)

    @api.model
    def _default_period(self, period_type=None, day=None):
        """(start, end) of the period of the default type holding today: a new
        cycle is the current month unless the form asks for another type."""
        period_type = period_type or self.env.context.get("default_period_type") or "month"
        if period_type == "custom":
            period_type = "month"
        day = day or fields.Date.context_today(self.with_context(tz=self._default_tz()))
        return periods.period_bounds(period_type, day, self._fiscal_start_month())

    @api.model
    def _default_name(self):
        """The label of the default period, e.g. 2026-12 or 2026-Q4."""
        period_type = self.env.context.get("default_period_type") or "month"
        start, end = self._default_period(period_type)
        return periods.period_label(period_type, start, end, self._fiscal_start_month())

    @api.model
    def _default_template_ids(self):
        return self.env["sales.assessment.template"].search(
            [("company_id", "in", [self._default_company().id, False])])

    @api.onchange("period_type", "date_start")
    def _onchange_period_type(self):
        """A month, quarter, half or year starts and ends on its bounds: the
        form snaps the dates to the period holding the start, and names a
        cycle still unnamed, or still named by a period label."""
        if self.period_type == "custom" or not self.date_start:
            return
        fiscal = self._fiscal_start_month(self.company_id)
        self.date_start, self.date_end = periods.period_bounds(
            self.period_type, self.date_start, fiscal)
        if not self.name or periods.is_period_label(self.name):
            self.name = periods.period_label(
                self.period_type, self.date_start, self.date_end, fiscal)

    def _compute_evaluation_count(self):
        evaluations = {
            cycle: counts for cycle, *counts in self.env["sales.assessment.evaluation"]._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id"],
                ["__count", "targets_acknowledged_date:count", "result_acknowledged_date:count"],
            )
        }
        targets = dict(
            self.env["sales.assessment.target"]._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]
            )
        )
        for cycle in self:
            (cycle.evaluation_count, cycle.targets_acknowledged_count,
             cycle.results_acknowledged_count) = evaluations.get(cycle, (0, 0, 0))
            cycle.target_count = targets.get(cycle, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for cycle in self:
            if cycle.date_end < cycle.date_start:
                raise ValidationError(
                    _(
                        "Cycle %(name)s ends (%(end)s) before it starts (%(start)s): "
                        "fix the dates.",
                        name=cycle.name,
                        end=cycle.date_end,
                        start=cycle.date_start,
                    )
                )

    @api.constrains("tz")
    def _check_tz(self):
        for cycle in self:
            if cycle.tz not in pytz.all_timezones_set:
                raise ValidationError(
                    _(
                        'Cycle %(name)s: "%(tz)s" is not a timezone. Choose one from the '
                        "list, e.g. Asia/Shanghai or Europe/Brussels.",
                        name=cycle.name,
                        tz=cycle.tz,
                    )
                )

    @api.constrains("date_start", "date_end", "period_type", "company_id", "state")
    def _check_overlap(self):
        for cycle in self.filtered(lambda c: c.state != "cancel"):
            other = self.search(
                [
                    ("id", "!=", cycle.id),
                    ("company_id", "=", cycle.company_id.id),
                    ("period_type", "=", cycle.period_type),
                    ("state", "!=", "cancel"),
                    ("date_start", "<=", cycle.date_end),
                    ("date_end", ">=", cycle.date_start),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    _(
                        "Cycle %(name)s overlaps cycle %(other)s of the same type "
                        "(%(start)s – %(end)s): change the dates or cancel one of them.",
                        name=cycle.name,
                        other=other.name,
                        start=other.date_start,
                        end=other.date_end,
                    )
                )

    def _check_targets_editable(self):
        """Targets change while the cycle is draft or open."""
        self._check_not_closed()
        cancelled = self.filtered(lambda c: c.state == "cancel")
        if cancelled:
            raise UserError(
                _(
                    "Cycle %(name)s is cancelled: reset it to draft before changing its "
                    "targets.",
                    name=cancelled[0].name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        if any(cycle.state == "closed" for cycle in self):
            raise UserError(_("A closed cycle cannot be deleted: reopen and cancel it."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_tz_value(vals.get("tz"))
        return super().create(vals_list)

    def write(self, vals):
        self._check_tz_value(vals.get("tz"))
        frozen = FROZEN_CYCLE_FIELDS.intersection(vals)
        if frozen:
            self._check_not_closed()
        return super().write(vals)

    @api.model
    def _check_tz_value(self, tz):
        """Refuse an unknown timezone before it reaches the selection field."""
        if tz and tz not in pytz.all_timezones_set:
            raise ValidationError(
                _(
                    '"%(tz)s" is not a timezone. Choose one from the list, e.g. '
                    "Asia/Shanghai or Europe/Brussels.",
                    tz=tz,
                )
            )

    def _check_not_closed(self):
        """A closed cycle is frozen: nothing of it changes until it is reopened."""
        closed = self.filtered(lambda c: c.state == "closed")
        if closed:
            raise UserError(
                _(
                    "Cycle %(name)s is closed: its figures are frozen. Reopen the cycle "
                    "first (managers: Reopen, with a reason).",
                    name=closed[0].name,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _is_manager(self):
        return self.env.su or self.env.user.has_group(MANAGER_GROUP)

    @api.depends("state", "close_requested_uid")
    @api.depends_context("uid")
    def _compute_can_workflow(self):
        return super()._compute_can_workflow()

    def _get_open_refusal(self):
        if not self._is_manager():
            return AccessError, _("Only sales assessment managers can open a cycle.")
        if self.state != "draft":
            return UserError, _("Only draft cycles can be opened: %(name)s is not a draft.",
                                name=self.name)
        return None

    def _get_refresh_refusal(self):
        if not (self.env.su or self.env.user.has_group(LEADER_GROUP)):
            return AccessError, _("Only team leaders and managers refresh a cycle.")
        if self.state != "open":
            return UserError, _(
                "Only open cycles have live figures: closed cycles are frozen, draft and "
                "cancelled ones have none (%(name)s).", name=self.name)
        return None

    def _get_close_refusal(self):
        if not self._is_manager():
            return AccessError, _("Only sales assessment managers can close a cycle.")
        if self.state == "draft":
            return UserError, _("Cycle %(name)s is a draft: only open cycles can be closed.",
                                name=self.name)
        if self.state == "cancel":
            return UserError, _(
                "Cycle %(name)s is cancelled: only open cycles can be closed.", name=self.name)
        return self._get_close_requested_refusal()

    def _get_close_requested_refusal(self):
        if self.close_requested_uid:
            return UserError, _(
                "The close of %(name)s was requested by %(user)s on %(date)s: the background "
                "job is closing it, and notifies them when it is done.", name=self.name,
                user=self.close_requested_uid.name,
                date=format_datetime(self.env, self.close_requested_date))
        return None

    def _get_reopen_refusal(self):
        if not self._is_manager():
            return AccessError, _("Only sales assessment managers can reopen a cycle.")
        if self.state != "closed":
            return UserError, _("Only closed cycles can be reopened: %(name)s is not closed.",
                                name=self.name)
        return None

    def _get_cancel_refusal(self):
        if not self._is_manager():
            return AccessError, _("Only sales assessment managers can cancel a cycle.")
        if self.state == "closed":
            return UserError, _("Reopen a closed cycle before cancelling it (%(name)s).",
                                name=self.name)
        if self.state == "cancel":
            return UserError, _("Cycle %(name)s is cancelled already.", name=self.name)
        return self._get_close_requested_refusal()

    def _get_draft_refusal(self):
        if not self._is_manager():
            return AccessError, _(
                "Only sales assessment managers can reset a cycle to draft.")
        if self.state != "cancel":
            return UserError, _(
                "Only cancelled cycles go back to draft: %(name)s is not cancelled.",
                name=self.name)
        return None

    def _check_can_open(self):
        self._check_can("open")

    def _check_can_refresh(self):
        self._check_can("refresh")

    def _check_can_close(self):
        self._check_can("close")

    def _check_can_reopen(self):
        self._check_can("reopen")

    def _check_can_cancel(self):
        self._check_can("cancel")

    def _check_can_draft(self):
        self._check_can("draft")

    def action_open(self):
        """Open the cycles; say how many targets are missing, if any: those
        KPIs will show their actual and count for nothing."""
        cycles = self._workflow_records()
        cycles._check_can_open()
        missing = cycles._do_open()
        if not missing:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": _("Targets missing"),
                "message": _(
                    "%(count)s targets are missing: those KPIs show their actual but do not "
                    "count, and an evaluation without any target gets no score, grade or rank. "
                    "Set them, or copy the previous cycle's targets.", count=missing),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _do_open(self):
        """Open and compute the cycles; return how many targets they miss
        (told in each cycle's chatter)."""
        self._write_state({"state": "open"})
        self._action_refresh()
        self._schedule_manual_value_activities()
        self.env["sales.assessment.target.plan"]._create_for_cycles(self)
        total = 0
        for cycle in self:
            missing = len(cycle._get_missing_targets())
            total += missing
            if missing:
                cycle._post_workflow_message(_(
                    "Cycle opened with %(count)s targets missing: those KPIs do not count "
                    "until a target is set.", count=missing))
        return total

    # ------------------------------------------------------------------
    # Targets missing, and the previous cycle's
    # ------------------------------------------------------------------

    @api.depends("state", "template_ids", "target_ids", "date_start", "date_end")
    def _compute_missing_target_count(self):
        for cycle in self:
            cycle.missing_target_count = (
                len(cycle._get_missing_targets()) if cycle.id and cycle.state != "cancel" else 0)

    def _get_missing_targets(self):
        """Return the set of (kpi_id, 'user'|'team', subject_id) of the
        cycle's scorecards that have no target in the cycle: read from the
        lines once the cycle is open, from the scorecards' subjects before."""
        self.ensure_one()
        Line = self.env["sales.assessment.evaluation.line"]
        if self.state in ("open", "closed"):
            Line.flush_model(["has_target", "cycle_id"])
            self.env.cr.execute(SQL(
                "SELECT DISTINCT line.kpi_id, tmpl.subject_type, "
                "CASE WHEN tmpl.subject_type = 'team' THEN ev.team_id ELSE ev.user_id END "
                "FROM sales_assessment_evaluation_line line "
                "JOIN sales_assessment_evaluation ev ON ev.id = line.evaluation_id "
                "JOIN sales_assessment_template tmpl ON tmpl.id = ev.template_id "
                "WHERE ev.cycle_id = %s AND NOT line.has_target",
                self.id,
            ))
            return set(self.env.cr.fetchall())
        # sudo: the subjects of the scorecards, whoever reads the cycle
        targets = Line._get_target_map(self)
        missing = set()
        for template in self.sudo().template_ids:
            kpis = template.line_ids.kpi_id.ids
            for subject_id in template._get_subject_teams(self):
                missing.update(
                    (kpi_id, template.subject_type, subject_id) for kpi_id in kpis
                    if (kpi_id, template.subject_type, subject_id) not in targets)
        return missing

    def _get_previous_cycle(self):
        """Return the latest earlier cycle of the same period type and
        company, cancelled ones left out (empty when there is none)."""
        self.ensure_one()
        return self.search([
            ("company_id", "=", self.company_id.id),
            ("period_type", "=", self.period_type),
            ("date_start", "<", self.date_start),
            ("state", "!=", "cancel"),
            ("id", "!=", self.id),
        ], order="date_start desc, id desc", limit=1)

    def action_copy_previous_targets(self):
        """Copy the targets of the previous cycle (the latest earlier one of
        the same period type and company) for the salespeople, teams and KPIs
        of the cycle's scorecards still without one. An open cycle is
        refreshed so that the copied targets count at once."""
        self.ensure_one()
        if self.state not in ("draft", "open"):
            raise UserError(_(
                "Targets are copied into a draft or open cycle: %(name)s is %(state)s.",
                name=self.name, state=dict(self._fields["state"]._description_selection(
                    self.env))[self.state]))
        previous = self._get_previous_cycle()
        if not previous:
            raise UserError(_(
                "There is no earlier %(period)s cycle of %(company)s to copy targets from: "
                "set the targets of %(name)s, or allocate a team target with the wizard.",
                period=dict(self._fields["period_type"]._description_selection(
                    self.env))[self.period_type],
                company=self.company_id.name, name=self.name))
        missing = self._get_missing_targets()
        vals_list = [
            {"cycle_id": self.id, "kpi_id": target.kpi_id.id, "target_value": target.target_value,
             **({"user_id": target.user_id.id} if target.user_id
                else {"team_id": target.team_id.id})}
            for target in previous.target_ids
            if (target.kpi_id.id, "user" if target.user_id else "team",
                (target.user_id or target.team_id).id) in missing
        ]
        copied = self.env["sales.assessment.target"].create(vals_list)
        if copied and self.state == "open":
            self._action_refresh()
        left = len(missing) - len(copied)
        message = _(
            "%(count)s targets copied from %(previous)s; %(left)s still missing.",
            count=len(copied), previous=previous.name, left=left,
        ) if left else _(
            "%(count)s targets copied from %(previous)s; every KPI has a target.",
            count=len(copied), previous=previous.name)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if copied and not left else "warning",
                "title": _("Previous targets"),
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _schedule_manual_value_activities(self):
        """Ask each team leader to enter the manual KPIs of their team."""
        for cycle in self:
            manual = cycle.template_ids.line_ids.kpi_id.filtered(
                lambda k: k.kpi_type == "manual"
            )
            if not manual:
                continue
            leaders = cycle.template_ids.team_ids.user_id
            for leader in leaders:
                cycle.activity_schedule(
                    "sales_assessment.mail_act_manual_values",
                    date_deadline=cycle.date_end,
                    summary=_("Enter manual KPI values"),
                    note=_(
                        "Enter %(kpis)s for your team in the evaluations of %(cycle)s "
                        "before the cycle closes.",
                        kpis=", ".join(manual.mapped("name")),
                        cycle=cycle.name,
                    ),
                    user_id=leader.id,
                )

    def action_refresh(self):
        """Recompute the live figures of open cycles."""
        cycles = self._workflow_records()
        cycles._check_can_refresh()
        cycles._action_refresh()
        return True

    def action_close(self):
        """Compute, freeze, rank, grade and publish every evaluation of the
        cycles, all or nothing. Closing a closed cycle changes nothing. A
        cycle of at least its company's ``sales_assessment_background_close_size``
        evaluations is closed by the background job instead, which notifies
        the manager when it is done: the action says so."""
        cycles = self._workflow_records()
        cycles._check_can_close()
        cycles = cycles.filtered(lambda c: c.state == "open")
        sizes = cycles._get_background_close_sizes()
        large = cycles.browse(list(sizes))
        (cycles - large)._action_close()
        if not large:
            return True
        large._request_close(sizes)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": _("Closing in the background"),
                "message": _(
                    "%(names)s has too many evaluations to close while you wait: the background "
                    "job closes it, all or nothing, and notifies you when it is done.",
                    names=", ".join(large.mapped("name"))),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _get_background_close_sizes(self):
        """Return {cycle id: its number of evaluations} of the cycles of
        ``self`` large enough to be closed in the background (one query for
        all, none when no company closes in the background)."""
        if not any(self.company_id.mapped("sales_assessment_background_close_size")):
            return {}
        Evaluation = self.env["sales.assessment.evaluation"]
        # sudo: how many evaluations a cycle has is no secret of its manager
        counts = dict(Evaluation.sudo()._read_group(
            [("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]))
        return {
            cycle.id: counts.get(cycle, 0) for cycle in self
            if 0 < cycle.company_id.sales_assessment_background_close_size <= counts.get(cycle, 0)
        }

    def _request_close(self, sizes):
        """Hand the close of the cycles to the background job, for the current
        user (a manager: checked), who is told in the chatter; ``sizes``:
        {cycle id: number of evaluations}."""
        self._write_state({"close_requested_uid": self.env.uid,
                           "close_requested_date": fields.Datetime.now()})
        for cycle in self:
            cycle._post_workflow_message(_(
                "Close requested by %(user)s: %(count)s evaluations are closed by the "
                "background job, all or nothing.",
                user=self.env.user.name, count=sizes[cycle.id]))
        # sudo: a manager may not edit scheduled actions; the job is ours to wake
        self.env.ref("sales_assessment.ir_cron_close_requested").sudo()._trigger()

    @api.model
    def _cron_close_requested(self):
        """Close the cycles whose close a manager sent to the background, each
        all or nothing, as that manager (their rights checked again), and
        notify them of the result in their inbox and on screen."""
        cycles = self.search([("close_requested_uid", "!=", False)], order="close_requested_date")
        for index, cycle in enumerate(cycles):
            requester = cycle.close_requested_uid
            # in their language: the messages of the close and of its outcome
            cycle = cycle.with_context(lang=requester.lang or self.env.lang)
            as_requester = cycle.with_user(requester).with_company(cycle.company_id)
            error = None
            try:
                if not as_requester._is_manager():
                    raise AccessError(_(
                        "%(user)s is no longer a sales assessment manager.", user=requester.name))
                with self.env.cr.savepoint():
                    as_requester.filtered(lambda c: c.state == "open")._action_close()
            except (UserError, AccessError) as refusal:
                error = refusal.args[0]
            except Exception:  # one broken cycle must not stop the others
                _logger.exception("Assessment cycle %s not closed in the background", cycle.name)
                error = _("An unexpected error stopped it; the server log says which.")
            cycle._write_state({"close_requested_uid": False, "close_requested_date": False})
            cycle._notify_background_close(requester, error)
            self.env["ir.cron"]._notify_progress(done=index + 1, remaining=len(cycles) - index - 1)

    def _notify_background_close(self, requester, error=None):
        """Tell ``requester`` that the background close of the cycle is done,
        or why it failed (then nothing of it changed): a chatter message in
        their inbox and a notification on their screen."""
        self.ensure_one()
        if error:
            title = _("Cycle not closed")
            body = _("The background close of %(name)s failed, so nothing of it changed: "
                     "%(error)s", name=self.name, error=error)
        else:
            title = _("Cycle closed")
            body = _("The background close of %(name)s is done: its results are published.",
                     name=self.name)
        # sudo: the job posts for the requester, who may read the cycle
        self.sudo().message_post(
            body=body, message_type="notification", subtype_xmlid="mail.mt_note",
            partner_ids=requester.partner_id.ids,
        )
        requester._bus_send("simple_notification", {
            "type": "danger" if error else "success", "title": title, "message": body,
            "sticky": bool(error),
        })

    def _lock_for_close(self):
        """Lock the cycles' rows, so that a concurrent close of the same cycle
        fails clearly instead of writing a second set of results."""
        self.flush_recordset()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM sales_assessment_cycle WHERE id = ANY(%s) "
                    "FOR UPDATE NOWAIT",
                    self.ids,
                ))
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure) as error:
            raise UserError(
                _(
                    "Cycle %(names)s is being closed by someone else right now. "
                    "Reload the page in a moment to see the result.",
                    names=", ".join(self.mapped("name")),
                )
            ) from error
        self.invalidate_recordset(["state"])

    def _action_close(self):
        """Close open cycles under a row lock: the path the button and the cron
        share. A cycle closed meanwhile by another transaction is left as it is."""
        self._lock_for_close()
        self.filtered(lambda c: c.state == "open")._do_close()

    def _do_close(self):
        """Compute, freeze, rank, grade and publish the evaluations of the
        (locked, open) cycles."""
        reclosed = self.filtered("closed_date")
        before = reclosed._get_results_snapshot()
        # the evaluations are published in the same write as their results
        # (see sales.assessment.evaluation._grade_and_rank)
        runs = self._action_refresh(closing=True)
        self.activity_feedback(
            ["sales_assessment.mail_act_manual_values"], feedback=_("Cycle closed")
        )
        # what is computed from the state (buttons, rights) is computed again
        self.evaluation_ids.invalidate_recordset()
        # the reason of a previous reopening stays in the chatter; the next one needs its own
        self._write_state(
            {"state": "closed", "closed_date": fields.Datetime.now(),
             "closed_uid": self.env.uid, "reopen_reason": False}
        )
        for cycle in self - reclosed:
            unpublished = runs[cycle].without_target
            if unpublished:
                cycle._post_workflow_message(_(
                    "Cycle closed: %(count)s evaluations frozen, scored, ranked and published; "
                    "%(unpublished)s without any target have no result and are not published.",
                    count=len(cycle.evaluation_ids) - unpublished, unpublished=unpublished,
                ))
            else:
                cycle._post_workflow_message(_(
                    "Cycle closed: %(count)s evaluations frozen, scored, ranked and published.",
                    count=len(cycle.evaluation_ids),
                ))
        if reclosed:
            changed = reclosed._post_result_changes(before, reclosed._get_results_snapshot())
            # sudo: the flag is system data, read by the notification cron
            changed.sudo()._bulk_write([{"notified": False}] * len(changed))
            changed._reset_result_acknowledgement()
        self.env.ref("sales_assessment.ir_cron_notify_results")._trigger()
        self.env["sales.assessment.webhook"]._queue_results(self)

    def _get_results_snapshot(self):
        """Return {evaluation_id: (total, grade_id, rank, {line_id: (kpi_id,
        target, actual, score)})} of the cycles, in one query."""
        if not self:
            return {}
        self.env.cr.execute(SQL(
            "SELECT ev.id, ev.total_score, ev.grade_id, ev.rank, line.id, line.kpi_id, "
            "line.target_value, line.actual_value, line.score "
            "FROM sales_assessment_evaluation ev "
            "LEFT JOIN sales_assessment_evaluation_line line ON line.evaluation_id = ev.id "
            "WHERE ev.cycle_id = ANY(%s)",
            self.ids,
        ))
        result = {}
        for ev_id, total, grade, rank, line_id, kpi, target, actual, score in self.env.cr.fetchall():
            lines = result.setdefault(ev_id, (total or 0.0, grade, rank, {}))[3]
            if line_id:
                lines[line_id] = (kpi, target or 0.0, actual or 0.0, score or 0.0)
        return result

    def _post_result_changes(self, before, after):
        """Post old → new on each evaluation whose total, grade or rank changed
        by a reopening, with the KPI lines that changed; count them on the cycle.

        :return: the evaluations that changed
        """
        Evaluation = self.env["sales.assessment.evaluation"]
        changed = defaultdict(int)
        changed_evaluations = Evaluation
        for ev_id, new in after.items():
            old = before.get(ev_id)
            if old is None or not _result_changed(old, new):
                continue
            evaluation = Evaluation.browse(ev_id)
            evaluation._post_result_change(old, new)
            changed[evaluation.cycle_id] += 1
            changed_evaluations |= evaluation
        for cycle in self:
            cycle._post_workflow_message(_(
                "Cycle closed again after its reopening: %(changed)s of %(count)s "
                "evaluations changed (see their history).",
                changed=changed[cycle],
                count=len(cycle.evaluation_ids),
            ))
        return changed_evaluations

    def action_reopen(self):
        """Reopen closed cycles (managers only). API clients give the reason
        in the ``reopen_reason`` context key (a non-empty string); without
        it, the cycle's ``reopen_reason`` field is the reason."""
        cycles = self._workflow_records()
        cycles._check_can_reopen()
        reason = self.env.context.get("reopen_reason")
        if reason is not None and not (isinstance(reason, str) and reason.strip()):
            raise UserError(_(
                "The reason for reopening must be a text saying why (reopen_reason): "
                "write it in words."))
        cycles._do_reopen(reason)
        return True

    def _do_reopen(self, reason=None):
        """Reopen the cycles for ``reason`` (else each cycle's ``reopen_reason``):
        the evaluations become live again and the reason goes to the chatter."""
        for cycle in self:
            cycle_reason = reason or cycle.reopen_reason
            if not (isinstance(cycle_reason, str) and cycle_reason.strip()):
                raise UserError(
                    _("Give the reason for reopening cycle %(name)s.", name=cycle.name)
                )
        for cycle in self:
            cycle_reason = reason or cycle.reopen_reason
            cycle._write_state({"state": "open", "reopen_reason": cycle_reason})
            cycle._post_workflow_message(
                Markup("%s<br/>%s") % (_("Cycle reopened. Reason:"), cycle_reason))
        self.evaluation_ids.with_context(tracking_disable=True)._write_state({"state": "draft"})

    def action_reopen_wizard(self):
        self._check_can_reopen()
        return {
            "type": "ir.actions.act_window",
            "name": _("Reopen Cycle"),
            "res_model": "sales.assessment.cycle.reopen",
            "view_mode": "form",
            "target": "new",
            "context": {"default_cycle_ids": self.ids},
        }

    def action_cancel(self):
        cycles = self._workflow_records()
        cycles._check_can_cancel()
        cycles._do_cancel()
        return True

    def _do_cancel(self):
        self._write_state({"state": "cancel"})

    def action_draft(self):
        cycles = self._workflow_records()
        cycles._check_can_draft()
        cycles._do_draft()
        return True

    def _do_draft(self):
        self._write_state({"state": "draft"})

    def action_view_evaluations(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment.sales_assessment_evaluation_action"
        )
        action["domain"] = [("cycle_id", "in", self.ids)]
        action["context"] = {"default_cycle_id": self.id}
        return action

    def _compute_target_plan_count(self):
        # sudo: how many teams plan their targets is no secret of any of them
        counts = dict(self.env["sales.assessment.target.plan"].sudo()._read_group(
            [("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]))
        for cycle in self:
            cycle.target_plan_count = counts.get(cycle, 0)

    def action_view_target_plans(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment.sales_assessment_target_plan_action")
        action["domain"] = [("cycle_id", "in", self.ids)]
        action["context"] = {"default_cycle_id": self.id}
        return action

    def action_view_targets(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment.sales_assessment_target_action"
        )
        action["domain"] = [("cycle_id", "in", self.ids)]
        action["context"] = {"default_cycle_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Computation (shared by buttons and crons)
    # ------------------------------------------------------------------

    def _action_refresh(self, closing=False):
        """Create missing evaluations and recompute every figure, set-based:
        the number of queries does not grow with the number of subjects.
        ``closing``: the close's own refresh, which publishes the results.
        Return {cycle: its FigureRun}."""
        Evaluation = self.env["sales.assessment.evaluation"]
        runs = {}
        for cycle in self:
            cycle._sync_evaluations()
            runs[cycle] = Evaluation._refresh_cycle(cycle, closing=closing)
        # sudo: the stamp is system data; the caller's rights were checked
        self.sudo().write({"last_computed": fields.Datetime.now()})
        return runs

    def _sync_evaluations(self):
        """Create the missing evaluations of the cycle, and keep the team of the
        existing ones in line with the memberships. Their lines are written
        with their figures by ``sales.assessment.evaluation._refresh_cycle``."""
        self.ensure_one()
        # sudo: evaluations are system-computed; callers were checked above
        Evaluation = self.env["sales.assessment.evaluation"].sudo().with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        # {(scorecard, subject): (evaluation, team, {teams})}, in one query
        Evaluation.flush_model()
        self.env.cr.execute(SQL(
            "SELECT ev.id, ev.template_id, COALESCE(ev.user_id, ev.team_id), ev.team_id, "
            "ARRAY(SELECT rel.team_id FROM sales_assessment_evaluation_team_rel rel "
            "      WHERE rel.evaluation_id = ev.id) "
            "FROM sales_assessment_evaluation ev WHERE ev.cycle_id = %s",
            self.id,
        ))
        existing = {(template_id, subject_id): (ev_id, team_id, set(team_ids))
                    for ev_id, template_id, subject_id, team_id, team_ids
                    in self.env.cr.fetchall()}
        vals_list = []
        moved = defaultdict(list)  # {(main team, other teams…): evaluation ids}
        for template in self.template_ids:
            for subject_id, team_ids in template._get_subject_teams(self).items():
                found = existing.get((template.id, subject_id))
                if not found:
                    vals_list.append(
                        self._prepare_evaluation_vals(template, subject_id, team_ids)
                    )
                elif found[1:] != (team_ids[0], set(team_ids)):
                    moved[tuple(team_ids)].append(found[0])
        # one write per set of teams (their lines, rewards and disputes follow)
        for team_ids, evaluation_ids in moved.items():
            Evaluation.browse(evaluation_ids).write(
                self._prepare_evaluation_team_vals(list(team_ids)))
        # new evaluations have no line, reward or dispute yet: inserted in bulk
        Evaluation._bulk_create(vals_list)
        self.env["sales.assessment.evaluation.line"]._drop_obsolete_lines(
            Evaluation.browse([ev[0] for ev in existing.values()]))

    @api.model
    def _prepare_evaluation_team_vals(self, team_ids):
        return {"team_id": team_ids[0], "member_team_ids": [fields.Command.set(team_ids)]}

    def _prepare_evaluation_vals(self, template, subject_id, team_ids):
        subject_field = "team_id" if template.subject_type == "team" else "user_id"
        vals = {
            "cycle_id": self.id,
            "company_id": self.company_id.id,  # stored related, inserted in bulk
            "template_id": template.id,
            **self._prepare_evaluation_team_vals(team_ids),
            "user_id": None,
        }
        vals[subject_field] = subject_id
        return vals  # lines are inserted with their figures, in one query

    def _get_period(self, group):
        """Return the :class:`Period` of the cycle for subjects of ``group``."""
        self.ensure_one()
        return Period(self.date_start, self.date_end, self.company_id, group, self.tz)

    @api.model
    def _load_demo(self):
        """Build the demo activity (called by the demo data only)."""
        # imported here: the generator is demo code, never loaded otherwise
        from ..demo.demo_generator import DemoGenerator  # noqa: PLC0415

        DemoGenerator(self.env).load()

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------

    @api.model
    def _cron_process_cycles(self):
        """Daily: refresh open cycles; close those past their end + grace days."""
        cycles = self.search([("state", "=", "open")])
        for index, cycle in enumerate(cycles):
            # "today" where the cycle's days are counted
            today = fields.Date.context_today(self.with_context(tz=cycle.tz))
            grace = timedelta(days=cycle.company_id.sales_assessment_grace_days)
            try:
                with self.env.cr.savepoint():
                    if cycle.date_end + grace < today:
                        cycle._action_close()
                    else:
                        cycle._action_refresh()
            except Exception:  # one broken cycle must not stop the others
                _logger.exception("Assessment cycle %s not processed", cycle.name)
            self.env["ir.cron"]._notify_progress(done=index + 1, remaining=len(cycles) - index - 1)

    @api.model
    def _cron_notify_results(self, batch_size=100):
        """Send published results to salespeople and summaries to team leaders."""
        Evaluation = self.env["sales.assessment.evaluation"]
        evaluations = Evaluation.search(
            [("state", "=", "published"), ("notified", "=", False)], limit=batch_size
        )
        evaluations._notify_published()
        remaining = Evaluation.search_count(
            [("state", "=", "published"), ("notified", "=", False)]
        )
        self.env["ir.cron"]._notify_progress(done=len(evaluations), remaining=remaining)
