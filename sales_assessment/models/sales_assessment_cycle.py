import json
import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import errors as pg_errors

import pytz

from odoo import _, api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, mute_logger

from ..tools import scoring
from .sales_assessment_kpi import Period

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"
LEADER_GROUP = "sales_assessment.group_sales_assessment_team_leader"
WORKFLOW_VERBS = ("open", "refresh", "close", "reopen", "cancel")
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
    ============  =================  =========================================

    Access: every salesperson and team leader reads the cycles of their
    companies (the chatter holds no individual figure); managers create,
    change and delete them; a closed cycle is frozen for everyone.
    """

    _name = "sales.assessment.cycle"
    _description = "Assessment Cycle"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, period_type, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
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
    date_start = fields.Date(required=True, tracking=True)
    date_end = fields.Date(required=True, tracking=True)
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
        "sales.assessment.template", string="Scorecards", check_company=True
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
    evaluation_count = fields.Integer(compute="_compute_evaluation_count")
    target_count = fields.Integer(compute="_compute_evaluation_count")

    @api.model
    def _default_tz(self):
        """The company's working-hours timezone, else the user's, else UTC."""
        company = self.env["res.company"].browse(
            self.env.context.get("default_company_id")
        ) or self.env.company
        return company.resource_calendar_id.tz or self.env.user.tz or "UTC"

    def _compute_evaluation_count(self):
        evaluations = dict(
            self.env["sales.assessment.evaluation"]._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]
            )
        )
        targets = dict(
            self.env["sales.assessment.target"]._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]
            )
        )
        for cycle in self:
            cycle.evaluation_count = evaluations.get(cycle, 0)
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

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_workflow(self):
        for cycle in self:
            for verb in WORKFLOW_VERBS:
                refusal = cycle._get_refusal(verb)
                cycle[f"can_{verb}"] = not refusal
                cycle[f"cannot_{verb}_reason"] = refusal[1] if refusal else False

    def _get_refusal(self, verb):
        """Return (error class, message) refusing ``verb`` on this cycle to the
        current user, or None when they may do it."""
        self.ensure_one()
        return getattr(self, f"_get_{verb}_refusal")()

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
        return None

    def _get_draft_refusal(self):
        if not self._is_manager():
            return AccessError, _(
                "Only sales assessment managers can reset a cycle to draft.")
        return None

    def _check_can(self, verb):
        for cycle in self:
            refusal = cycle._get_refusal(verb)
            if refusal:
                raise refusal[0](refusal[1])

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

    def action_open(self):
        self._check_can_open()
        self.write({"state": "open"})
        self._action_refresh()
        self._schedule_manual_value_activities()
        return True

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
        self._check_can_refresh()
        self._action_refresh()
        return True

    def action_close(self):
        """Compute, freeze, rank, grade and publish every evaluation of the
        cycles, all or nothing. Closing a closed cycle changes nothing."""
        self._check_can_close()
        self.filtered(lambda c: c.state == "open")._action_close()
        return True

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
        # the refresh publishes the evaluations in the same write as their
        # results (see _grade_and_rank)
        self.with_context(sales_assessment_publish=True)._action_refresh()
        self.activity_feedback(
            ["sales_assessment.mail_act_manual_values"], feedback=_("Cycle closed")
        )
        # what is computed from the state (buttons, rights) is computed again
        self.evaluation_ids.invalidate_recordset()
        # the reason of a previous reopening stays in the chatter; the next one needs its own
        self.write(
            {"state": "closed", "closed_date": fields.Datetime.now(),
             "closed_uid": self.env.uid, "reopen_reason": False}
        )
        for cycle in self - reclosed:
            cycle.message_post(
                body=_(
                    "Cycle closed: %(count)s evaluations frozen, scored, ranked and "
                    "published.",
                    count=len(cycle.evaluation_ids),
                ),
                subtype_xmlid="mail.mt_note",
            )
        if reclosed:
            changed = reclosed._post_result_changes(before, reclosed._get_results_snapshot())
            changed.write({"notified": False})
        self.env.ref("sales_assessment.ir_cron_notify_results")._trigger()

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
            cycle.message_post(
                body=_(
                    "Cycle closed again after its reopening: %(changed)s of %(count)s "
                    "evaluations changed (see their history).",
                    changed=changed[cycle],
                    count=len(cycle.evaluation_ids),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return changed_evaluations

    def action_reopen(self):
        """Reopen closed cycles (managers only). The reason is taken from the
        ``reopen_reason`` context key (external API clients), else from the
        field, and kept."""
        self._check_can_reopen()
        self._do_reopen(self.env.context.get("reopen_reason"))
        return True

    def _do_reopen(self, reason=None):
        """Reopen the cycles for ``reason`` (else each cycle's ``reopen_reason``):
        the evaluations become live again and the reason goes to the chatter."""
        for cycle in self:
            if not (reason or cycle.reopen_reason or "").strip():
                raise UserError(
                    _("Give the reason for reopening cycle %(name)s.", name=cycle.name)
                )
        for cycle in self:
            cycle_reason = reason or cycle.reopen_reason
            cycle.write({"state": "open", "reopen_reason": cycle_reason})
            cycle.message_post(
                body=Markup("%s<br/>%s") % (_("Cycle reopened. Reason:"), cycle_reason),
                subtype_xmlid="mail.mt_note",
            )
        self.evaluation_ids.with_context(tracking_disable=True).write({"state": "draft"})

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
        self._check_can_cancel()
        self.write({"state": "cancel"})
        return True

    def action_draft(self):
        self._check_can("draft")
        self.filtered(lambda c: c.state == "cancel").write({"state": "draft"})
        return True

    def action_view_evaluations(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment.sales_assessment_evaluation_action"
        )
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

    def _action_refresh(self):
        """Create missing evaluations and recompute every figure, set-based:
        the number of queries does not grow with the number of subjects."""
        for cycle in self:
            cycle._sync_evaluations()
            cycle._refresh_evaluations()
        # sudo: the stamp is system data; the caller's rights were checked
        self.sudo().write({"last_computed": fields.Datetime.now()})

    def _sync_evaluations(self):
        """Create the missing evaluations of the cycle, and keep the team of the
        existing ones in line with the memberships. Their lines are written
        with their figures by :meth:`_refresh_evaluations`."""
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
        for template in self.template_ids:
            for subject_id, team_ids in template._get_subject_teams(self).items():
                found = existing.get((template.id, subject_id))
                if not found:
                    vals_list.append(
                        self._prepare_evaluation_vals(template, subject_id, team_ids)
                    )
                elif found[1:] != (team_ids[0], set(team_ids)):
                    Evaluation.browse(found[0]).write(
                        self._prepare_evaluation_team_vals(team_ids))
        Evaluation.create(vals_list)
        self._drop_obsolete_lines(Evaluation.browse([ev[0] for ev in existing.values()]))

    @api.model
    def _prepare_evaluation_team_vals(self, team_ids):
        return {"team_id": team_ids[0], "member_team_ids": [fields.Command.set(team_ids)]}

    def _prepare_evaluation_vals(self, template, subject_id, team_ids):
        subject_field = "team_id" if template.subject_type == "team" else "user_id"
        vals = {
            "cycle_id": self.id,
            "template_id": template.id,
            **self._prepare_evaluation_team_vals(team_ids),
            subject_field: subject_id,
        }
        return vals  # lines are inserted with their figures, in one query

    @api.model
    def _drop_obsolete_lines(self, evaluations):
        """Drop the lines of KPIs removed from the scorecards (the cycle is
        open): one query, and an unlink only when there are some."""
        # sudo: lines are system-computed; the caller's rights were checked
        Line = self.env["sales.assessment.evaluation.line"].sudo()
        Line.flush_model(["template_line_id"])
        self.env.cr.execute(SQL(
            "SELECT line.id FROM sales_assessment_evaluation_line line "
            "WHERE line.evaluation_id = ANY(%s) AND line.template_line_id IS NULL",
            evaluations.ids,
        ))
        obsolete = [row[0] for row in self.env.cr.fetchall()]
        if obsolete:
            Line.browse(obsolete).unlink()

    def _get_line_rows(self):
        """Return a row per scorecard line of each evaluation of the cycle,
        as tuples (line_id, evaluation_id, kpi_id, template_line_id,
        manual_value, subject_type, subject_id), in one query; ``line_id``
        is None for a line still to create."""
        self.ensure_one()
        self.env["sales.assessment.evaluation.line"].flush_model()
        self.env["sales.assessment.evaluation"].flush_model()
        self.env.cr.execute(SQL(
            "SELECT line.id, ev.id, COALESCE(line.kpi_id, tl.kpi_id), tl.id, "
            "line.manual_value, tmpl.subject_type, "
            "CASE WHEN tmpl.subject_type = 'team' THEN ev.team_id ELSE ev.user_id END "
            "FROM sales_assessment_evaluation ev "
            "JOIN sales_assessment_template tmpl ON tmpl.id = ev.template_id "
            "JOIN sales_assessment_template_line tl ON tl.template_id = ev.template_id "
            "LEFT JOIN sales_assessment_evaluation_line line "
            "ON line.evaluation_id = ev.id AND line.template_line_id = tl.id "
            "WHERE ev.cycle_id = %s ORDER BY ev.id, tl.sequence, tl.id",
            self.id,
        ))
        return self.env.cr.fetchall()

    def _refresh_evaluations(self):
        """Measure, score, weigh, grade and rank every evaluation of the cycle,
        creating the lines it lacks with their figures: one query per KPI and
        a few bulk queries, whatever its size."""
        self.ensure_one()
        rows = self._get_line_rows()
        values = {
            group: self._measure_lines([row for row in rows if row[5] == group], group)
            for group in {row[5] for row in rows}
        }
        scorers = self.env["sales.assessment.template.line"].browse(
            {row[3] for row in rows})._get_scorers()
        targets = self._get_target_map()
        vals_list = []
        weighted = defaultdict(list)
        for _line_id, ev_id, kpi_id, tl_id, _manual, group, subject in rows:
            actual = values[group][kpi_id].get(ev_id, 0.0)
            target = targets.get((kpi_id, group, subject), 0.0)
            weight, score = scorers[tl_id]
            result = score(actual, target)
            weighted[ev_id].append(result["weighted_score"])
            vals_list.append({
                "actual_value": actual,
                "target_value": target,
                "weight": weight,
                "achievement": result["achievement"],
                "score": result["score"],
                "weighted_score": result["weighted_score"],
            })
        self._write_line_figures(rows, self._prepare_line_figures(rows, vals_list))
        # sudo: figures are system-computed; the caller's rights were checked
        self._grade_and_rank(self.evaluation_ids.sudo(), weighted)

    def _prepare_line_figures(self, rows, vals_list):
        """Hook: return the figures to write for the line ``rows`` (see
        :meth:`_get_line_rows`), one dict of plain stored values per row."""
        return vals_list

    def _write_line_figures(self, rows, vals_list):
        """Write the figures of the existing lines in one UPDATE and insert the
        missing lines with theirs in one INSERT: a line created in this
        transaction is never updated again by it."""
        # sudo: lines are system-computed; the caller's rights were checked
        Line = self.env["sales.assessment.evaluation.line"].sudo()
        existing = [(row[0], vals) for row, vals in zip(rows, vals_list) if row[0]]
        if existing:
            self._bulk_write(Line.browse([line_id for line_id, _vals in existing]),
                             [vals for _line_id, vals in existing])
        missing = [(row, vals) for row, vals in zip(rows, vals_list) if not row[0]]
        if not missing:
            return
        fnames = list(missing[0][1])
        columns = [SQL.identifier(fname) for fname in fnames]
        # a scorecard line's KPI and sequence, the evaluation's subject, cycle
        # and company (the stored related fields), and the figures
        self.env.cr.execute(SQL(
            "INSERT INTO sales_assessment_evaluation_line (evaluation_id, template_line_id, "
            "kpi_id, sequence, user_id, team_id, cycle_id, company_id, "
            "create_uid, create_date, write_uid, write_date, %(columns)s) "
            "SELECT ev.id, tl.id, tl.kpi_id, tl.sequence, ev.user_id, ev.team_id, "
            "ev.cycle_id, ev.company_id, %(uid)s, %(now)s, %(uid)s, %(now)s, %(values)s "
            "FROM %(records)s "
            "JOIN sales_assessment_evaluation ev ON ev.id = v.evaluation_id "
            "JOIN sales_assessment_template_line tl ON tl.id = v.template_line_id",
            columns=SQL(", ").join(columns),
            values=SQL(", ").join(SQL("v.%s", column) for column in columns),
            uid=self.env.uid,
            now=self.env.cr.now(),
            records=self._sql_records(
                Line, fnames,
                [dict(vals, evaluation_id=row[1], template_line_id=row[3])
                 for row, vals in missing],
                keys=("evaluation_id", "template_line_id"),
            ),
        ))
        self.evaluation_ids.invalidate_recordset(["line_ids"])

    @api.model
    def _sql_records(self, model, fnames, vals_list, keys=("id",)):
        """SQL of the rows of ``vals_list`` as a relation ``v`` with an integer
        column per key and a column per field of ``model``, typed as the
        field's column: ONE JSON parameter, whatever the number of rows (a
        literal per value costs PostgreSQL more to parse than to write)."""
        columns = [SQL("%s int4", SQL.identifier(key)) for key in keys] + [
            SQL("%s %s", SQL.identifier(fname), SQL(model._fields[fname].column_type[1]))
            for fname in fnames
        ]
        return SQL(
            "json_to_recordset(%s::json) AS v(%s)",
            json.dumps(vals_list, default=str),
            SQL(", ").join(columns),
        )

    @api.model
    def _bulk_write(self, records, vals_list):
        """Write one dict of plain stored values per record in ONE query
        (``UPDATE … FROM json_to_recordset(…)``), whatever the number of records,
        skipping the records whose values did not change, then drop the cache. Only for system-computed figures of plain stored
        fields: no access check, no tracking, no recomputation."""
        if not records:
            return
        records.flush_recordset()
        fnames = list(vals_list[0])
        columns = [SQL.identifier(fname) for fname in fnames]
        self.env.cr.execute(SQL(
            "UPDATE %(table)s AS t SET %(assign)s, write_date = %(now)s, write_uid = %(uid)s "
            "FROM %(records)s WHERE t.id = v.id AND (%(old)s) IS DISTINCT FROM (%(new)s)",
            table=SQL.identifier(records._table),
            assign=SQL(", ").join(SQL("%s = v.%s", c, c) for c in columns),
            now=self.env.cr.now(),
            uid=self.env.uid,
            records=self._sql_records(
                records, fnames,
                [dict(vals, id=record_id) for record_id, vals in zip(records.ids, vals_list)],
            ),
            # a record whose values did not change is not written again
            old=SQL(", ").join(SQL("t.%s", c) for c in columns),
            new=SQL(", ").join(SQL("v.%s", c) for c in columns),
        ))
        records.invalidate_recordset(fnames + ["write_date", "write_uid"])

    def _get_period(self, group):
        """Return the :class:`Period` of the cycle for subjects of ``group``."""
        self.ensure_one()
        return Period(self.date_start, self.date_end, self.company_id, group, self.tz)

    def _measure_lines(self, rows, group):
        """Return {kpi_id: {evaluation_id: value}} for line rows (see
        :meth:`_get_line_rows`) of ``group``: measured KPIs per subject,
        manual and formula KPIs per evaluation."""
        keys = {row[1]: row[6] for row in rows}
        kpis = self.env["sales.assessment.kpi"].browse({row[2] for row in rows})
        manual_ids = set(kpis.filtered(lambda k: k.kpi_type == "manual").ids)
        manual = defaultdict(dict)
        for _line_id, ev_id, kpi_id, _tl_id, manual_value, _group, _subject in rows:
            if kpi_id in manual_ids:
                manual[kpi_id][ev_id] = manual_value
        subject_ids = list(set(keys.values()))
        return kpis._measure_values(self._get_period(group), subject_ids, manual, keys)

    def _get_target_map(self):
        """Return {(kpi_id, 'user'|'team', subject_id): target_value} of the cycle
        (one query)."""
        self.env["sales.assessment.target"].flush_model()
        self.env.cr.execute(SQL(
            "SELECT kpi_id, user_id, team_id, target_value FROM sales_assessment_target "
            "WHERE cycle_id = %s",
            self.id,
        ))
        result = {}
        for kpi_id, user_id, team_id, value in self.env.cr.fetchall():
            if user_id:
                result[(kpi_id, "user", user_id)] = value
            elif team_id:
                result[(kpi_id, "team", team_id)] = value
        return result

    def _grade_and_rank(self, evaluations, weighted):
        """Write total, grade, rank and team rank of ``evaluations`` from the
        weighted scores just computed ({evaluation_id: [weighted_score]}), in
        one pass and one query, without reading the lines back."""
        totals = {ev_id: scoring.total(weighted.get(ev_id, [])) for ev_id in evaluations.ids}
        # scorecard and team of each evaluation in one query (the ORM would
        # read them by batches of a thousand)
        self.env.cr.execute(SQL(
            "SELECT id, template_id, team_id, notified FROM sales_assessment_evaluation "
            "WHERE id = ANY(%s)", evaluations.ids,
        ))
        template_of, notified = {}, {}
        by_template = defaultdict(dict)
        by_team = defaultdict(dict)
        for ev_id, template_id, team_id, was_notified in self.env.cr.fetchall():
            template_of[ev_id] = template_id
            notified[ev_id] = was_notified
            by_template[template_id][ev_id] = totals[ev_id]
            by_team[(template_id, team_id)][ev_id] = totals[ev_id]
        ranks, team_ranks = {}, {}
        for scores in by_template.values():
            ranks.update(scoring.rank(scores))
        for scores in by_team.values():
            team_ranks.update(scoring.rank(scores))
        vals_list = []
        grades_of = {
            template.id: [(g.id, g.min_score) for g in template.grade_ids]
            for template in self.env["sales.assessment.template"].browse(
                set(template_of.values()))
        }
        # closing: published in the same write (a second UPDATE of rows this
        # transaction wrote costs PostgreSQL a foreign-key check per row);
        # results are sent once, after a reopening only to those whose result
        # changed (see _do_close)
        publish = self.env.context.get("sales_assessment_publish")
        first_close = not self.closed_date
        for ev_id in evaluations.ids:
            grades = grades_of[template_of[ev_id]]
            vals = {
                "total_score": totals[ev_id],
                "grade_id": scoring.grade(totals[ev_id], grades) or None,
                "rank": ranks[ev_id],
                "team_rank": team_ranks[ev_id],
            }
            if publish:
                vals.update(state="published",
                            notified=False if first_close else bool(notified[ev_id]))
            vals_list.append(vals)
        self._bulk_write(evaluations, self._prepare_evaluation_figures(evaluations, vals_list))

    def _prepare_evaluation_figures(self, evaluations, vals_list):
        """Hook: return the figures to write for ``evaluations`` (total,
        grade, ranks, and the state when closing), one dict per evaluation."""
        return vals_list

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
