import logging
from collections import defaultdict, namedtuple
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_datetime

from ..tools import scoring

_logger = logging.getLogger(__name__)

LEADER_GROUP = "sales_assessment.group_sales_assessment_team_leader"
MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"
ACK_ACTIVITY = "sales_assessment.mail_act_acknowledge_result"
STATEMENT_REPORT = "sales_assessment.action_report_evaluation_statement"
SELF_FIELDS = {"self_comment"}
LEADER_FIELDS = SELF_FIELDS | {"manager_comment", "line_ids"}
# what a closed cycle freezes on its evaluations (comments stay open)
FROZEN_FIELDS = {
    "cycle_id", "template_id", "user_id", "team_id", "member_team_ids", "line_ids",
    "total_score", "grade_id", "rank", "team_rank", "state",
}


# One KPI line of an evaluation as a refresh computes it: ``line_id`` is None
# for a line still to create; the subject is a user, or a team when
# ``subject_type`` is ``team``.
LineRow = namedtuple(
    "LineRow",
    "line_id evaluation_id kpi_id template_line_id manual_value subject_type subject_id",
)


def _num(value):
    """A figure as the history shows it: two decimals."""
    return f"{value or 0.0:.2f}"


class FigureRun:
    """One refresh (or the close's refresh) of a cycle, as the hooks that add
    to its figures see it: the cycle, whether it is the close, whether only
    some of its evaluations are computed (``partial``), the line rows being
    computed (those of the evaluations computed), what a hook must do once the figures are written
    (``after_write``: callables without arguments), and how many evaluations
    have no target at all (``without_target``)."""

    __slots__ = ("cycle", "closing", "partial", "rows", "after_write", "without_target")

    def __init__(self, cycle, closing, partial=False):
        self.cycle = cycle
        self.closing = closing
        # only some evaluations of the cycle (the stale ones) are computed;
        # the others of their scorecards are ranked again from their totals
        self.partial = partial
        self.rows = []
        self.after_write = []
        self.without_target = 0


class SalesAssessmentEvaluation(models.Model):
    """One subject's (salesperson's or team's) result in one cycle under one
    scorecard: live while the cycle is open, frozen once it is closed.

    ============  =================  =========================================
    Action        Group              Restriction
    ============  =================  =========================================
    comment       salesperson        own evaluation, self comment only
    confirm       team leader        evaluations of their teams, open cycle
    manual value  team leader        manual KPIs, open cycle
    publish       manager            done by the cycle close
    acknowledge   salesperson        own evaluation, once each: the targets
                                     while the cycle is open, the result once
                                     published; never a team evaluation
    ============  =================  =========================================

    Access: a salesperson reads their own evaluations and writes only their
    self comment; a team leader reads and comments the evaluations of the
    teams they lead (not their own); managers read, create, change and delete
    every evaluation of their companies; figures are written by the system.
    """

    _name = "sales.assessment.evaluation"
    _description = "Assessment Evaluation"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "sales.assessment.workflow.mixin",
        "sales.assessment.bulk.mixin",
    ]
    _order = "cycle_id, template_id, rank, id"  # the cycle's order: newest first
    _check_company_auto = True
    _workflow_verbs = ("confirm", "acknowledge_targets", "acknowledge_result")
    # when the salesperson acknowledged: written by their action alone
    _workflow_fields = ("state", "targets_acknowledged_date", "result_acknowledged_date")
    _rec_names_search = ["user_id", "team_id", "cycle_id"]

    cycle_id = fields.Many2one(
        "sales.assessment.cycle", required=True, ondelete="cascade", index=True
    )
    template_id = fields.Many2one(
        "sales.assessment.template", string="Scorecard", required=True, ondelete="restrict"
    )
    subject_type = fields.Selection(related="template_id.subject_type")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True, ondelete="restrict",
        context={"active_test": False},
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True,
        help="The salesperson's main sales team when the scorecard covers it, else "
        "the first covered team they belong to; team ranks are made inside it.",
    )
    member_team_ids = fields.Many2many(
        "crm.team", "sales_assessment_evaluation_team_rel", "evaluation_id", "team_id",
        string="Teams", readonly=True,
        help="Every team of the scorecard the salesperson belonged to during the "
        "cycle: their leaders read the evaluation.",
    )
    team_leader_id = fields.Many2one(related="team_id.user_id", string="Team Leader")
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(related="cycle_id.date_start")
    date_end = fields.Date(related="cycle_id.date_end")
    cycle_state = fields.Selection(related="cycle_id.state", string="Cycle Status")
    last_computed = fields.Datetime(
        string="Last Computed At", compute="_compute_last_computed",
        help="When the figures of this evaluation were last computed: by the refresh of "
             "the whole cycle, or by the live refresh that follows a change of its "
             "source records.")
    live_computed = fields.Datetime(
        string="Live Refresh At", readonly=True, copy=False,
        help="When the live refresh last computed this evaluation alone, after a change "
             "of its source records.")
    line_ids = fields.One2many(
        "sales.assessment.evaluation.line", "evaluation_id", string="KPIs"
    )
    total_score = fields.Float(readonly=True, digits=(16, 2), tracking=True, aggregator="avg")
    grade_id = fields.Many2one(
        "sales.assessment.grade", readonly=True, tracking=True,
        help="The grade of the total score, after the scorecard's forced distribution if it "
             "has one.")
    score_grade_id = fields.Many2one(
        "sales.assessment.grade", string="Grade by Score", readonly=True,
        help="The grade the total score earns on its own, before the forced distribution.")
    grade_color = fields.Integer(related="grade_id.color")
    rank = fields.Integer(readonly=True, aggregator=False)
    has_target = fields.Boolean(
        readonly=True, default=True,
        help="Whether at least one KPI of the evaluation has a target. Without any "
             "target the evaluation has no total, grade or rank and is not published.")
    team_rank = fields.Integer(readonly=True, aggregator=False)
    manager_comment = fields.Html(tracking=True)
    self_comment = fields.Html(tracking=True)
    state = fields.Selection(
        [("draft", "Live"), ("confirmed", "Confirmed"), ("published", "Published")],
        default="draft",
        required=True,
        tracking=True,
        readonly=True,
    )
    notified = fields.Boolean(readonly=True, copy=False)
    can_confirm = fields.Boolean(compute="_compute_can_workflow")
    cannot_confirm_reason = fields.Char(compute="_compute_can_workflow")
    targets_acknowledged_date = fields.Datetime(
        string="Targets Acknowledged On", readonly=True, copy=False,
        help="When the salesperson acknowledged their targets, while the cycle was open.")
    result_acknowledged_date = fields.Datetime(
        string="Result Acknowledged On", readonly=True, copy=False,
        help="When the salesperson acknowledged their published result. A reopened cycle "
             "closed again with another result asks for a new acknowledgement.")
    result_reminded = fields.Boolean(
        string="Acknowledgement Reminded", readonly=True, copy=False,
        help="The salesperson got the one reminder to acknowledge this result.")
    can_acknowledge_targets = fields.Boolean(compute="_compute_can_workflow")
    cannot_acknowledge_targets_reason = fields.Char(compute="_compute_can_workflow")
    can_acknowledge_result = fields.Boolean(compute="_compute_can_workflow")
    cannot_acknowledge_result_reason = fields.Char(compute="_compute_can_workflow")
    is_stale = fields.Boolean(
        string="Stale", readonly=True, index=True, copy=False, default=False,
        help="A source record of the salesperson changed since the figures were last "
             "computed (an order, invoice, payment, opportunity, activity or credit "
             "split): the figures are refreshed within a minute.")

    _sql_constraints = [
        (
            "subject_unique",
            "unique(cycle_id, template_id, user_id, team_id)",
            "There is one evaluation per cycle, scorecard and subject.",
        )
    ]

    def init(self):
        # user evaluations have a team too: make (cycle, scorecard, salesperson) unique
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sales_assessment_evaluation_user_unique "
            "ON sales_assessment_evaluation (cycle_id, template_id, user_id) "
            "WHERE user_id IS NOT NULL"
        )
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sales_assessment_evaluation_team_unique "
            "ON sales_assessment_evaluation (cycle_id, template_id, team_id) "
            "WHERE user_id IS NULL"
        )

    @api.depends("user_id", "team_id", "cycle_id")
    def _compute_display_name(self):
        for evaluation in self:
            subject = evaluation.user_id or evaluation.team_id
            evaluation.display_name = f"{subject.name or ''} – {evaluation.cycle_id.name or ''}"

    @api.depends("cycle_id.last_computed", "live_computed")
    def _compute_last_computed(self):
        for evaluation in self:
            stamps = [stamp for stamp in (evaluation.cycle_id.last_computed,
                                          evaluation.live_computed) if stamp]
            evaluation.last_computed = max(stamps) if stamps else False

    def _subject_id(self):
        self.ensure_one()
        return self.team_id.id if self.subject_type == "team" else self.user_id.id

    def _period(self):
        self.ensure_one()
        return self.cycle_id._get_period(self.subject_type)

    @api.model_create_multi
    def create(self, vals_list):
        cycles = self.env["sales.assessment.cycle"].browse(
            [vals["cycle_id"] for vals in vals_list if vals.get("cycle_id")]
        )
        cycles._check_not_closed()
        self._check_duplicate_vals(vals_list)
        return super().create(vals_list)

    @api.model
    def _check_duplicate_vals(self, vals_list):
        """One evaluation per cycle, scorecard and subject: refuse a second one
        before it reaches the database's unique index (one query)."""
        if not vals_list:
            return

        def key(cycle_id, template_id, user_id, team_id):
            return (cycle_id, template_id, user_id or False, False if user_id else team_id)

        # sudo: a duplicate is one whoever may read it
        existing = self.sudo().search([
            ("cycle_id", "in", [vals.get("cycle_id") for vals in vals_list]),
            ("template_id", "in", [vals.get("template_id") for vals in vals_list]),
        ])
        known = {key(e.cycle_id.id, e.template_id.id, e.user_id.id, e.team_id.id): e
                 for e in existing}
        for vals in vals_list:
            vals_key = key(vals.get("cycle_id"), vals.get("template_id"),
                           vals.get("user_id"), vals.get("team_id"))
            duplicate = known.get(vals_key)
            if duplicate:
                raise ValidationError(_(
                    "There is one evaluation per cycle, scorecard and subject: "
                    "%(subject)s already has one for %(template)s in %(cycle)s.",
                    subject=(duplicate.user_id or duplicate.team_id).name,
                    template=duplicate.template_id.name, cycle=duplicate.cycle_id.name,
                ))
            known[vals_key] = self.new(vals)

    def write(self, vals):
        self._check_write_fields(vals)
        if FROZEN_FIELDS.intersection(vals):
            self.cycle_id._check_not_closed()
        if vals.get("cycle_id"):
            # moved into another cycle: checked against the cycle it ends up in
            self.cycle_id.browse(vals["cycle_id"])._check_not_closed()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_cycle(self):
        self.cycle_id._check_not_closed()

    def _check_write_fields(self, vals):
        """Salespeople may only write their self comment; team leaders also
        comment and confirm; figures are written by the system only."""
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        allowed = LEADER_FIELDS if self.env.user.has_group(LEADER_GROUP) else SELF_FIELDS
        forbidden = set(vals) - allowed
        if forbidden:
            raise AccessError(
                _(
                    "You cannot change %(fields)s of an evaluation: the figures are "
                    "computed from Odoo's records.",
                    fields=", ".join(sorted(forbidden)),
                )
            )
        if "self_comment" in vals and any(ev.user_id != self.env.user for ev in self):
            raise AccessError(_("Only the assessed salesperson writes the self comment."))
        if set(vals) & (LEADER_FIELDS - SELF_FIELDS) and any(
            ev.user_id == self.env.user for ev in self
        ):
            raise AccessError(
                _("You cannot comment or enter figures on your own evaluation.")
            )

    @api.depends("state", "cycle_id.state", "user_id", "targets_acknowledged_date",
                 "result_acknowledged_date")
    @api.depends_context("uid")
    def _compute_can_workflow(self):
        return super()._compute_can_workflow()

    def _get_confirm_refusal(self):
        """Return (error class, message) refusing the confirmation of this
        evaluation to the current user, or None."""
        self.ensure_one()
        if not (self.env.su or self.env.user.has_group(LEADER_GROUP)):
            return AccessError, _("Only team leaders and managers confirm evaluations.")
        if self.cycle_id.state != "open" or self.state != "draft":
            return UserError, _(
                "Only live evaluations of open cycles can be confirmed: %(name)s is not.",
                name=self.display_name)
        if self.user_id == self.env.user:
            return AccessError, _("You cannot confirm your own evaluation.")
        return None

    def _check_can_confirm(self):
        self._check_can("confirm")

    def action_confirm(self):
        evaluations = self._workflow_records()
        evaluations._check_can_confirm()
        evaluations._do_confirm()
        return True

    def _do_confirm(self):
        # sudo: leaders may not write the evaluation's figures; the step was checked
        self.sudo()._write_state({"state": "confirmed"})

    def _get_acknowledger_refusal(self):
        """Return (error class, message) when the current user is not the one
        who acknowledges this evaluation: its salesperson, nobody else."""
        if not self.user_id:
            return UserError, _(
                "%(name)s assesses a team: only the evaluation of one salesperson is "
                "acknowledged, by that salesperson.", name=self.display_name)
        if self.user_id != self.env.user:
            return AccessError, _(
                "Only %(name)s acknowledges this evaluation: the targets and result are theirs.",
                name=self.user_id.name)
        return None

    def _get_acknowledge_targets_refusal(self):
        """Return (error class, message) refusing the acknowledgement of the
        targets to the current user, or None."""
        self.ensure_one()
        if refusal := self._get_acknowledger_refusal():
            return refusal
        if self.cycle_id.state == "closed":
            return UserError, _(
                "%(cycle)s is closed: its targets can no longer be acknowledged. "
                "Acknowledge your result instead once it is published.", cycle=self.cycle_id.name)
        if self.cycle_id.state != "open":
            return UserError, _(
                "The targets of %(cycle)s are acknowledged while the cycle is open: wait until "
                "a manager opens it.", cycle=self.cycle_id.name)
        if self.targets_acknowledged_date:
            return UserError, _(
                "The targets of %(cycle)s were already acknowledged on %(date)s: there is "
                "nothing more to do.", cycle=self.cycle_id.name,
                date=format_datetime(self.env, self.targets_acknowledged_date))
        return None

    def _get_acknowledge_result_refusal(self):
        """Return (error class, message) refusing the acknowledgement of the
        result to the current user, or None."""
        self.ensure_one()
        if refusal := self._get_acknowledger_refusal():
            return refusal
        if self.state != "published":
            return UserError, _(
                "The result of %(name)s is not published: acknowledge it once the cycle is "
                "closed and the result published.", name=self.display_name)
        if self.result_acknowledged_date:
            return UserError, _(
                "This result was already acknowledged on %(date)s: there is nothing more to do.",
                date=format_datetime(self.env, self.result_acknowledged_date))
        return None

    def _check_can_acknowledge_targets(self):
        self._check_can("acknowledge_targets")

    def _check_can_acknowledge_result(self):
        self._check_can("acknowledge_result")

    def action_acknowledge_targets(self):
        """The salesperson acknowledges their targets (open cycle, once)."""
        evaluations = self._workflow_records()
        evaluations._check_can_acknowledge_targets()
        evaluations._do_acknowledge_targets()
        return True

    def action_acknowledge_result(self):
        """The salesperson acknowledges their published result (once)."""
        evaluations = self._workflow_records()
        evaluations._check_can_acknowledge_result()
        evaluations._do_acknowledge_result()
        return True

    def _do_acknowledge_targets(self):
        # sudo: salespeople write only their self comment; the step was checked
        self.sudo()._write_state({"targets_acknowledged_date": fields.Datetime.now()})
        self._post_workflow_message(_("Targets acknowledged."))

    def _do_acknowledge_result(self):
        # sudo: salespeople write only their self comment; the step was checked
        self.sudo()._write_state({"result_acknowledged_date": fields.Datetime.now()})
        self._post_workflow_message(_("Result acknowledged."))
        # searched here rather than with activity_feedback(), which a client's
        # mail_activity_automation_skip context key would turn off
        self.env["mail.activity"].search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids),
            ("activity_type_id", "=", self.env.ref(ACK_ACTIVITY).id), ("active", "=", True),
        ]).action_feedback(feedback=_("Result acknowledged."))

    def _reset_result_acknowledgement(self):
        """The result of these evaluations changed (a reopened cycle closed
        again): their salespeople acknowledge the new one, and may be reminded
        of it once. One write, only for those acknowledged."""
        acknowledged = self.filtered("result_acknowledged_date")
        # sudo: a system step of the close, which was checked
        acknowledged.sudo()._write_state({"result_acknowledged_date": False,
                                          "result_reminded": False})

    @api.model
    def _cron_remind_acknowledgement(self):
        """Daily: remind once whoever has not acknowledged a published result."""
        reminded = self._action_remind_acknowledgement()
        self.env["ir.cron"]._notify_progress(done=len(reminded), remaining=0)

    @api.model
    def _action_remind_acknowledgement(self, now=None):
        """Give one reminder activity to each salesperson whose published
        result is still unacknowledged ``sales_assessment_ack_days`` days
        after the close, never a second one: one search, one batch of
        activities, one write. Return the evaluations reminded."""
        evaluations = self.search(self._get_remind_acknowledgement_domain(
            now or fields.Datetime.now()))
        if evaluations:
            evaluations._schedule_acknowledgement_reminders()
            # sudo: the flag is system data, set by the reminder cron
            evaluations.sudo().write({"result_reminded": True})
        return evaluations

    @api.model
    def _get_remind_acknowledgement_domain(self, now):
        """Published results unacknowledged and not reminded yet, closed at
        least the ack days of their company before ``now``."""
        pending = [("state", "=", "published"), ("user_id", "!=", False),
                   ("result_acknowledged_date", "=", False), ("result_reminded", "=", False)]
        # the companies with a pending result, each with its own number of days
        companies = [company for [company] in self._read_group(pending, ["company_id"])]
        return expression.AND([pending, expression.OR([
            [("company_id", "=", company.id),
             ("cycle_id.closed_date", "<=",
              now - timedelta(days=company.sales_assessment_ack_days))]
            for company in companies
        ])])

    def _schedule_acknowledgement_reminders(self):
        """One reminder activity per evaluation for its salesperson, created in
        one batch, its note in the salesperson's language."""
        activity_type = self.env.ref(ACK_ACTIVITY)
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        # sudo: the reminders are the system's, for the salespeople
        self.env["mail.activity"].sudo().create([{
            "res_model_id": model_id,
            "res_id": evaluation.id,
            "activity_type_id": activity_type.id,
            "user_id": evaluation.user_id.id,
            "date_deadline": today,
            "note": evaluation.with_context(lang=evaluation.user_id.lang).env._(
                "Your result for %(cycle)s is published: open this evaluation and "
                "acknowledge it.", cycle=evaluation.cycle_id.name),
        } for evaluation in self])

    def action_open_estimate(self):
        """Open a what-if estimate of this evaluation (nothing is written to it)."""
        self.ensure_one()
        estimate = self.env["sales.assessment.estimate"].create({"evaluation_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": _("What if…"),
            "res_model": "sales.assessment.estimate",
            "res_id": estimate.id,
            "view_mode": "form",
            "views": [(self.env.ref("sales_assessment.sales_assessment_estimate_view_form").id,
                       "form")],
            "target": "new",
        }

    def action_refresh(self):
        self.cycle_id.action_refresh()
        return True

    # ------------------------------------------------------------------
    # Live figures: stale evaluations, refreshed by a triggered cron
    # ------------------------------------------------------------------

    @api.model
    def _mark_stale(self, user_ids):
        """Mark the evaluations of open cycles of the salespeople ``user_ids``,
        and those of the teams they are assessed in, as stale and trigger the
        cron that refreshes them: one UPDATE, and the trigger only when some
        evaluation was not stale yet, so that a burst of changes costs one
        refresh. Never fails the business action that calls it: no access is
        checked (the flag is system data)."""
        user_ids = list({user_id for user_id in user_ids if user_id})
        if not user_ids:
            return
        self.flush_model(["is_stale", "user_id", "team_id", "cycle_id", "member_team_ids"])
        self.env["sales.assessment.cycle"].flush_model(["state"])
        self.env.cr.execute(SQL(
            "UPDATE sales_assessment_evaluation ev SET is_stale = TRUE "
            "WHERE ev.is_stale IS NOT TRUE AND ev.cycle_id IN "
            "(SELECT id FROM sales_assessment_cycle WHERE state = 'open') "
            "AND (ev.user_id = ANY(%(users)s) OR (ev.user_id IS NULL AND ev.team_id IN ("
            # a team evaluation: a team one of the salespeople is assessed in
            "  SELECT rel.team_id FROM sales_assessment_evaluation_team_rel rel "
            "  JOIN sales_assessment_evaluation mine ON mine.id = rel.evaluation_id "
            "  WHERE mine.user_id = ANY(%(users)s) AND mine.cycle_id = ev.cycle_id))) "
            "RETURNING ev.id",
            users=user_ids,
        ))
        marked = [row[0] for row in self.env.cr.fetchall()]
        if marked:
            self.browse(marked).invalidate_recordset(["is_stale"])
            # sudo: whoever changes a source record may not read the crons;
            # at a minute, so that the changes of the next seconds join the run
            cron = self.env.ref("sales_assessment.ir_cron_refresh_stale",
                                raise_if_not_found=False)
            if cron:  # not during an upgrade that has not loaded it yet
                cron.sudo()._trigger(fields.Datetime.now() + timedelta(minutes=1))

    @api.model
    def _cron_refresh_stale(self):
        """Triggered by :meth:`_mark_stale` (daily as a safety net)."""
        cycles = self._action_refresh_stale()
        self.env["ir.cron"]._notify_progress(done=len(cycles), remaining=0)

    @api.model
    def _action_refresh_stale(self):
        """Refresh the stale evaluations of open cycles, and only them: their
        figures are computed again, set-based, and every evaluation of their
        scorecards is ranked and graded again from the stored totals of the
        others (see :meth:`_grade_and_rank`). Each cycle runs in a savepoint,
        so that a broken cycle does not keep the others stale; the flag of
        the evaluations of cycles no longer open is cleared. Return the
        cycles refreshed."""
        self.flush_model(["is_stale", "cycle_id"])
        self.env["sales.assessment.cycle"].flush_model(["state"])
        self.env.cr.execute(SQL(
            "SELECT ev.cycle_id, cycle.state = 'open', array_agg(ev.id ORDER BY ev.id) "
            "FROM sales_assessment_evaluation ev "
            "JOIN sales_assessment_cycle cycle ON cycle.id = ev.cycle_id "
            "WHERE ev.is_stale GROUP BY ev.cycle_id, cycle.state ORDER BY ev.cycle_id"
        ))
        # sudo: the flag and the figures are system data, refreshed by the cron
        Cycle = self.env["sales.assessment.cycle"].sudo()
        refreshed, cleared = Cycle, []
        for cycle_id, is_open, evaluation_ids in self.env.cr.fetchall():
            if not is_open:
                cleared += evaluation_ids
                continue
            cycle = Cycle.browse(cycle_id)
            try:
                with self.env.cr.savepoint():
                    self.sudo()._refresh_cycle(cycle, evaluations=self.sudo().browse(evaluation_ids))
                refreshed |= cycle
            except Exception:  # one broken cycle must not stop the others
                _logger.exception("Stale evaluations of cycle %s not refreshed", cycle.name)
        if cleared:
            self.env.cr.execute(SQL(
                "UPDATE sales_assessment_evaluation SET is_stale = FALSE WHERE id = ANY(%s)",
                cleared,
            ))
            self.browse(cleared).invalidate_recordset(["is_stale"])
        return refreshed

    # ------------------------------------------------------------------
    # Figures (computed for a whole cycle at once)
    # ------------------------------------------------------------------

    @api.model
    def _refresh_cycle(self, cycle, closing=False, evaluations=None):
        """Measure, score, weigh, grade and rank every evaluation of ``cycle``,
        creating the lines it lacks with their figures: one query per KPI and
        a few bulk queries, whatever its size. ``closing``: the close's
        refresh, which publishes the results in the same write.
        ``evaluations``: compute only these (the stale ones of an open cycle),
        and rank again every evaluation of their scorecards, in as many
        queries whatever their number."""
        run = FigureRun(cycle, closing, partial=evaluations is not None)
        Line = self.env["sales.assessment.evaluation.line"]
        run.rows = Line._get_cycle_rows(cycle, evaluations)
        line_vals, weighted = Line._compute_cycle_figures(run)
        run.without_target = sum(1 for total in weighted.values() if total is None)
        line_vals = Line._prepare_line_figures(run, line_vals)
        Line._write_cycle_figures(run.rows, line_vals)
        computed = cycle.evaluation_ids if evaluations is None else evaluations
        # sudo: figures are system-computed; the caller's rights were checked
        computed.sudo()._grade_and_rank(run, weighted, line_vals)
        for callback in run.after_write:
            callback()
        return run

    def _grade_and_rank(self, run, weighted, line_vals):
        """Write total, grade, rank and team rank of the evaluations from the
        totals just computed (``weighted``: {evaluation_id: total score}), in
        one pass and one query, without reading the lines back. An evaluation
        without total (no line has a target) gets no grade or rank and is not
        published. Grades follow the scorecard's forced distribution, if any;
        ``score_grade_id`` keeps the grade of the score alone.

        A partial refresh (``run.partial``: self is the stale evaluations)
        ranks and grades every evaluation of their scorecards from the
        stored totals of the others, and writes the others' ranks and grades
        in one more query. The figures written clear ``is_stale``."""
        known, stored = self._read_ranking_keys(run)
        totals = dict(stored)
        totals.update((ev_id, weighted.get(ev_id)) for ev_id in self.ids)
        ranks, team_ranks = self._rank_totals(totals, known)
        score_grades, grades = self._grade_totals(totals, known, ranks)
        first_close = not run.cycle.closed_date
        stamp = {"is_stale": False}
        if run.partial:
            stamp["live_computed"] = fields.Datetime.now()
        vals_list = []
        for ev_id in self.ids:
            template_id, _team_id, notified, state = known[ev_id]
            if totals[ev_id] is None:
                # no result: not graded, ranked or published (nor notified)
                vals = {"total_score": 0.0, "grade_id": None, "score_grade_id": None,
                        "rank": None, "team_rank": None, "has_target": False, **stamp}
                if run.closing:
                    vals.update(state="draft" if state == "published" else state,
                                notified=bool(notified))
                vals_list.append(vals)
                continue
            vals = {
                "total_score": totals[ev_id],
                "grade_id": grades.get(ev_id),
                "score_grade_id": score_grades.get(ev_id),
                "rank": ranks[ev_id],
                "team_rank": team_ranks[ev_id],
                "has_target": True,
                **stamp,
            }
            if run.closing:
                # published in the same write (a second UPDATE of rows this
                # transaction wrote costs a foreign-key check per row); results
                # are sent once, after a reopening only to those whose result
                # changed (see sales.assessment.cycle._do_close)
                vals.update(state="published",
                            notified=False if first_close else bool(notified))
            vals_list.append(vals)
        self._bulk_write(self._prepare_evaluation_figures(run, vals_list, line_vals))
        if run.partial:
            computed = set(self.ids)
            peers = [ev_id for ev_id in known if ev_id not in computed]
            # only the rows whose rank or grade moved are written; the query
            # is issued even when every evaluation of the scorecards is stale
            self.browse(peers)._bulk_write([
                {"rank": ranks.get(ev_id), "team_rank": team_ranks.get(ev_id),
                 "grade_id": grades.get(ev_id), "score_grade_id": score_grades.get(ev_id)}
                for ev_id in peers
            ], fnames=("rank", "team_rank", "grade_id", "score_grade_id"))

    def _read_ranking_keys(self, run=None):
        """Return ({evaluation_id: (template_id, team_id, notified, state)},
        {evaluation_id: stored total, None without any target}) in one query
        (the ORM would read them by batches of a thousand): of self, and in
        a partial refresh of every evaluation of the cycle under the same
        scorecards as self (their stored totals rank them with self)."""
        self.flush_model(["template_id", "team_id", "notified", "state", "total_score",
                          "has_target"])
        if run is not None and run.partial:
            # the scorecards first (an init plan), then their evaluations
            where = SQL(
                "cycle_id = %s AND template_id = ANY(ARRAY(SELECT DISTINCT template_id FROM "
                "sales_assessment_evaluation WHERE id = ANY(%s)))", run.cycle.id, self.ids)
        else:
            where = SQL("id = ANY(%s)", self.ids)
        self.env.cr.execute(SQL(
            "SELECT id, template_id, team_id, notified, state, "
            "CASE WHEN has_target THEN total_score END "
            "FROM sales_assessment_evaluation WHERE %s", where,
        ))
        known, stored = {}, {}
        for ev_id, template_id, team_id, notified, state, total in self.env.cr.fetchall():
            known[ev_id] = (template_id, team_id, notified, state)
            stored[ev_id] = total
        return known, stored

    @api.model
    def _rank_totals(self, totals, known):
        """Return ({evaluation_id: rank in its scorecard}, {evaluation_id:
        rank in its scorecard and team}) of the evaluations with a total."""
        by_template, by_team = defaultdict(dict), defaultdict(dict)
        for ev_id, total in totals.items():
            if total is not None:
                template_id, team_id = known[ev_id][:2]
                by_template[template_id][ev_id] = total
                by_team[(template_id, team_id)][ev_id] = total
        ranks, team_ranks = {}, {}
        for scores in by_template.values():
            ranks.update(scoring.rank(scores))
        for scores in by_team.values():
            team_ranks.update(scoring.rank(scores))
        return ranks, team_ranks

    @api.model
    def _grade_totals(self, totals, known, ranks):
        """Return ({evaluation_id: grade by score}, {evaluation_id: grade
        after the scorecard's forced distribution}), grade ids or None."""
        grading = self._read_grading({keys[0] for keys in known.values()})
        score_grades = {
            ev_id: scoring.grade(total, grading[known[ev_id][0]][0]) or None
            for ev_id, total in totals.items() if total is not None
        }
        grades = dict(score_grades)
        for template_id, (thresholds, caps) in grading.items():
            if caps:
                grades.update(scoring.distribute(
                    [(ev_id, ranks[ev_id], grade) for ev_id, grade in score_grades.items()
                     if known[ev_id][0] == template_id],
                    [grade_id for grade_id, _min_score in thresholds], caps))
        return score_grades, grades

    @api.model
    def _read_grading(self, template_ids):
        """Return {template_id: ([(grade_id, min_score)] from the best grade
        down, {grade_id: max percent of its forced distribution})}, in one
        query for all the scorecards."""
        Template = self.env["sales.assessment.template"]
        field = Template._fields["grade_ids"]
        Template.flush_model(["grade_ids"])
        self.env["sales.assessment.grade"].flush_model(["min_score"])
        self.env["sales.assessment.template.distribution"].flush_model()
        self.env.cr.execute(SQL(
            "SELECT rel.%(template)s, grade.id, grade.min_score, dist.max_percent "
            "FROM %(relation)s rel "
            "JOIN sales_assessment_grade grade ON grade.id = rel.%(grade)s "
            "LEFT JOIN sales_assessment_template_distribution dist "
            "ON dist.template_id = rel.%(template)s AND dist.grade_id = grade.id "
            "WHERE rel.%(template)s = ANY(%(ids)s) ORDER BY grade.min_score DESC, grade.id",
            template=SQL.identifier(field.column1), grade=SQL.identifier(field.column2),
            relation=SQL.identifier(field.relation), ids=list(template_ids),
        ))
        grading = {template_id: ([], {}) for template_id in template_ids}
        for template_id, grade_id, min_score, max_percent in self.env.cr.fetchall():
            grading[template_id][0].append((grade_id, min_score))
            if max_percent is not None:
                grading[template_id][1][grade_id] = max_percent
        return grading

    def _prepare_evaluation_figures(self, run, vals_list, line_vals):
        """Hook: return the figures to write for the evaluations of ``self``
        (total, grade, ranks, and the state when ``run.closing``), one dict
        per evaluation; ``line_vals`` are the figures of ``run.rows``."""
        return vals_list

    def _post_result_change(self, old, new):
        """Post in the chatter what a reopening changed: total, grade, rank and
        the KPI lines whose target, actual or score moved.

        :param old: (total, grade_id, rank, {line_id: (kpi_id, target, actual, score)})
        :param new: the same after the new close
        """
        self.ensure_one()
        Grade = self.env["sales.assessment.grade"]
        items = [_("Total score: %(old)s → %(new)s", old=_num(old[0]), new=_num(new[0]))]
        if old[1] != new[1]:
            items.append(_("Grade: %(old)s → %(new)s",
                           old=Grade.browse(old[1]).name or "-",
                           new=Grade.browse(new[1]).name or "-"))
        if old[2] != new[2]:
            items.append(_("Rank: %(old)s → %(new)s", old=old[2] or "-", new=new[2] or "-"))
        Kpi = self.env["sales.assessment.kpi"]
        for line_id, (kpi_id, target, actual, score) in sorted(new[3].items()):
            previous = old[3].get(line_id)
            if previous and [_num(v) for v in previous[1:]] == [_num(target), _num(actual),
                                                               _num(score)]:
                continue
            previous = previous or (kpi_id, 0.0, 0.0, 0.0)
            items.append(_(
                "%(kpi)s: target %(old_target)s → %(new_target)s, actual %(old_actual)s → "
                "%(new_actual)s, score %(old_score)s → %(new_score)s",
                kpi=Kpi.browse(kpi_id).name,
                old_target=_num(previous[1]), new_target=_num(target),
                old_actual=_num(previous[2]), new_actual=_num(actual),
                old_score=_num(previous[3]), new_score=_num(score),
            ))
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            _("The cycle was reopened and closed again; this result changed:"),
            Markup("").join(Markup("<li>%s</li>") % item for item in items),
        )
        if self.result_acknowledged_date:
            # cleared for all of them at once by _reset_result_acknowledgement
            body += Markup("<p>%s</p>") % _(
                "The acknowledgement of the previous result no longer holds: the salesperson "
                "acknowledges the new one.")
        self._post_workflow_message(body)

    def _notify_published(self):
        """Message each salesperson their result, and each team leader a summary.

        The result template is rendered for all evaluations at once (per
        language), so the cost per evaluation is its message and its mail."""
        template = self.env.ref("sales_assessment.mail_template_evaluation_published")
        assessed = self.filtered("user_id")
        rendered = template._generate_template(assessed.ids, ("subject", "body_html"))
        files = assessed._get_result_attachments()
        messages = {}
        for evaluation in assessed:
            values = rendered[evaluation.id]
            messages[evaluation.id] = evaluation.message_post(
                body=values["body_html"],
                subject=values["subject"],
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
                partner_ids=evaluation.user_id.partner_id.ids,
                attachments=files.get(evaluation.id, []),
            )
        # the chatter notifies by mail those who chose it; the others get the mail too
        inbox = assessed.filtered(lambda e: e.user_id.notification_type == "inbox")
        if inbox:
            mails = template.send_mail_batch(inbox.ids)
            for mail in mails.filtered(lambda m: m.res_id in files) if files else ():
                # the files the message attached to the evaluation, not copies
                mail.attachment_ids = messages[mail.res_id].attachment_ids
        self._notify_team_leaders()
        # sudo: the flag is system data, set by the notification cron
        self.sudo().write({"notified": True})

    def _get_result_attachments(self):
        """Hook: return {evaluation_id: [(file name, content)]}, the files the
        results mail of each evaluation carries; posted with the message, they
        are attached to the evaluation and read by whoever reads it. Here: the
        PDF statement, in its salesperson's language and timezone, when the
        company's ``sales_assessment_statement_in_mail`` is set; otherwise
        nothing is rendered at all. Rendered per language and timezone."""
        evaluations = self.filtered(
            lambda e: e.user_id and e.company_id.sales_assessment_statement_in_mail)
        files = {}
        readers = evaluations.grouped(lambda e: (e.user_id.lang, e.user_id.tz))
        for (lang, tz), group in readers.items():
            reader_env = group.with_context(lang=lang or group.env.lang, tz=tz)
            files.update(reader_env._render_statements())
        return files

    def _render_statements(self):
        """Return {evaluation_id: [(file name, PDF)]}: one wkhtmltopdf run per
        statement, as a mail template renders its reports. A PDF per
        evaluation needs no splitting, and the wkhtmltopdf of Debian
        (unpatched Qt) takes one document per run."""
        Report = self.env["ir.actions.report"]
        files = {}
        for evaluation in self:
            content, report_type = Report._render_qweb_pdf(STATEMENT_REPORT, evaluation.ids)
            if report_type != "pdf":
                # tests without force_report_rendering: Odoo renders HTML, no PDF to send
                return {}
            files[evaluation.id] = [(
                _("Statement - %(name)s.pdf", name=evaluation.display_name), content)]
        return files

    def _notify_team_leaders(self):
        by_leader = defaultdict(list)
        for evaluation in self.filtered(lambda e: e.team_id.user_id):
            by_leader[evaluation.team_id.user_id].append(evaluation.id)
        rank_label = _("rank")
        for leader, evaluation_ids in by_leader.items():
            evaluations = self.browse(evaluation_ids)
            rows = Markup("").join(
                Markup("<li>%s: %s (%s), %s %s</li>")
                % (
                    (ev.user_id or ev.team_id).name,
                    ev.total_score,
                    ev.grade_id.name or "-",
                    rank_label,
                    ev.rank,
                )
                for ev in evaluations.sorted("rank")
            )
            cycle = evaluations.cycle_id[:1]
            cycle.message_notify(
                partner_ids=leader.partner_id.ids,
                subject=_("Team results of %(cycle)s", cycle=cycle.name),
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (_("Results of your team for %(cycle)s:", cycle=cycle.name), rows),
            )


class ReportEvaluationStatement(models.AbstractModel):
    """The PDF statement of evaluations (``STATEMENT_REPORT``), rendered with
    the reader's rights: whoever may not read one of them gets an
    AccessError before anything is rendered."""

    _name = "report.sales_assessment.report_evaluation_statement"
    _description = "Assessment Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["sales.assessment.evaluation"].browse(docids)
        # refused here rather than as an error inside the template
        docs.check_access("read")
        return {"doc_ids": docids, "doc_model": docs._name, "docs": docs}


class SalesAssessmentEvaluationLine(models.Model):
    """One KPI of an evaluation: target, actual, achievement and score.

    Access: as its evaluation for reading; team leaders write only the
    manual value of manual KPIs of their teams' evaluations, managers any
    line, and nobody the lines of a closed cycle."""

    _name = "sales.assessment.evaluation.line"
    _description = "Assessment Evaluation KPI"
    _inherit = ["sales.assessment.number.mixin", "sales.assessment.bulk.mixin"]
    _order = "evaluation_id, sequence, id"
    _finite_fields = ("manual_value",)

    evaluation_id = fields.Many2one(
        "sales.assessment.evaluation", required=True, ondelete="cascade", index=True
    )
    template_line_id = fields.Many2one(
        "sales.assessment.template.line", ondelete="set null"
    )
    sequence = fields.Integer(default=10)
    kpi_id = fields.Many2one(
        "sales.assessment.kpi", string="KPI", required=True, ondelete="restrict"
    )
    kpi_type = fields.Selection(related="kpi_id.kpi_type")
    unit = fields.Selection(related="kpi_id.unit")
    subject_type = fields.Selection(related="evaluation_id.template_id.subject_type")
    user_id = fields.Many2one(related="evaluation_id.user_id", store=True)
    team_id = fields.Many2one(related="evaluation_id.team_id", store=True)
    cycle_id = fields.Many2one(related="evaluation_id.cycle_id", store=True)
    company_id = fields.Many2one(related="evaluation_id.company_id", store=True)
    currency_id = fields.Many2one(related="evaluation_id.currency_id")
    weight = fields.Float(
        readonly=True,
        help="Weight of the KPI in the total: the scorecard's weight, scaled with the other "
             "KPIs that have a target so that they sum 100. A KPI without target weighs 0.")
    target_value = fields.Float(readonly=True)
    has_target = fields.Boolean(
        readonly=True, default=True,
        help="Whether the KPI has a target for this salesperson or team in the cycle. "
             "Without target the KPI shows its actual but has no achievement or score and "
             "does not count.")
    actual_value = fields.Float(readonly=True)
    manual_value = fields.Float(help="Value of a manual KPI, entered by the team leader.")
    achievement = fields.Float(string="Achievement (%)", readonly=True, digits=(16, 2))
    score = fields.Float(readonly=True, digits=(16, 2))
    weighted_score = fields.Float(readonly=True, digits=(16, 2))

    _sql_constraints = [
        (
            "template_line_unique",
            "unique(evaluation_id, template_line_id)",
            "An evaluation has one line per line of its scorecard.",
        )
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self._check_finite_vals(vals_list)
        evaluations = self.env["sales.assessment.evaluation"].browse(
            [vals["evaluation_id"] for vals in vals_list if vals.get("evaluation_id")]
        )
        evaluations.cycle_id._check_not_closed()
        self._check_duplicate_vals(vals_list)
        return super().create(vals_list)

    @api.model
    def _check_duplicate_vals(self, vals_list, exclude=None):
        """One line per (evaluation, scorecard line): a second one would count
        the weight twice. Refused before the database's unique constraint."""
        keys = [(vals.get("evaluation_id"), vals.get("template_line_id"))
                for vals in vals_list if vals.get("template_line_id")]
        if not keys:
            return
        # sudo: a duplicate is one whoever may read it
        existing = self.sudo().search([
            ("evaluation_id", "in", [key[0] for key in keys]),
            ("template_line_id", "in", [key[1] for key in keys]),
            ("id", "not in", (exclude or self).ids),
        ])
        known = {(line.evaluation_id.id, line.template_line_id.id) for line in existing}
        for key in keys:
            if key in known:
                line = self.env["sales.assessment.template.line"].sudo().browse(key[1])
                raise ValidationError(_(
                    "This evaluation has a line for %(kpi)s of its scorecard already: an "
                    "evaluation has one line per scorecard line.", kpi=line.kpi_id.name,
                ))
            known.add(key)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_cycle(self):
        self.cycle_id._check_not_closed()

    def write(self, vals):
        self._check_finite_vals(vals)
        self.cycle_id._check_not_closed()
        if vals.get("evaluation_id"):
            # moved to another evaluation: checked against the cycle it ends up in
            self.evaluation_id.browse(vals["evaluation_id"]).cycle_id._check_not_closed()
        if {"evaluation_id", "template_line_id"} & set(vals):
            self._check_duplicate_vals(
                [{"evaluation_id": vals.get("evaluation_id", line.evaluation_id.id),
                  "template_line_id": vals.get("template_line_id", line.template_line_id.id)}
                 for line in self], exclude=self)
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            if set(vals) - {"manual_value"} or not self.env.user.has_group(LEADER_GROUP):
                raise AccessError(
                    _("Only team leaders enter manual KPI values; other figures are computed.")
                )
            if any(line.kpi_id.kpi_type != "manual" for line in self):
                raise UserError(_("Only manual KPIs take a typed-in value."))
            if any(line.cycle_id.state != "open" for line in self):
                raise UserError(_("Manual values can only change while the cycle is open."))
            if any(line.user_id == self.env.user for line in self):
                raise AccessError(_("You cannot enter figures on your own evaluation."))
        return super().write(vals)

    def action_view_sources(self):
        """Open exactly the records counted in this line's actual value."""
        self.ensure_one()
        evaluation = self.evaluation_id
        period = evaluation._period()
        action = self.kpi_id._get_sources_action(period, evaluation._subject_id())
        if not action and self.kpi_id.kpi_type == "formula":
            raise UserError(_(
                "%(kpi)s combines KPIs counted on different kinds of records: open the "
                "sources of %(kpis)s one by one.",
                kpi=self.kpi_id.name,
                kpis=", ".join(
                    (self.kpi_id._get_dependencies(period.company) - self.kpi_id).mapped("name")
                ),
            ))
        if not action:
            raise UserError(
                _("%(kpi)s is not read from records: it has no sources to show.",
                  kpi=self.kpi_id.name)
            )
        return action

    # ------------------------------------------------------------------
    # Figures (computed for a whole cycle at once)
    # ------------------------------------------------------------------

    @api.model
    def _get_cycle_rows(self, cycle, evaluations=None):
        """Return a :class:`LineRow` per scorecard line of each evaluation of
        ``cycle`` (of ``evaluations`` only, when given), in one query."""
        self.flush_model()
        self.env["sales.assessment.evaluation"].flush_model()
        only = SQL("AND ev.id = ANY(%s)", evaluations.ids) if evaluations is not None else SQL()
        self.env.cr.execute(SQL(
            "SELECT line.id, ev.id, COALESCE(line.kpi_id, tl.kpi_id), tl.id, "
            "line.manual_value, tmpl.subject_type, "
            "CASE WHEN tmpl.subject_type = 'team' THEN ev.team_id ELSE ev.user_id END "
            "FROM sales_assessment_evaluation ev "
            "JOIN sales_assessment_template tmpl ON tmpl.id = ev.template_id "
            "JOIN sales_assessment_template_line tl ON tl.template_id = ev.template_id "
            "LEFT JOIN sales_assessment_evaluation_line line "
            "ON line.evaluation_id = ev.id AND line.template_line_id = tl.id "
            "WHERE ev.cycle_id = %s %s ORDER BY ev.id, tl.sequence, tl.id",
            cycle.id, only,
        ))
        return [LineRow(*row) for row in self.env.cr.fetchall()]

    @api.model
    def _compute_cycle_figures(self, run):
        """Return (figures of each row of ``run.rows``, {evaluation_id: total
        score, None without any target}): actuals measured per KPI for all
        subjects at once, targets read in one query, scored by the engine. A
        line without target record keeps its actual and counts for nothing;
        the weights of the others are scaled to sum 100."""
        rows = run.rows
        values = {
            group: self._measure_rows(run.cycle, [row for row in rows if row.subject_type == group],
                                      group, narrow=run.partial)
            for group in {row.subject_type for row in rows}
        }
        scorers = self.env["sales.assessment.template.line"].browse(
            {row.template_line_id for row in rows})._get_scorers()
        targets = self._get_target_map(run.cycle, rows if run.partial else None)
        vals_list, by_evaluation = [], defaultdict(list)
        for row in rows:
            actual = values[row.subject_type][row.kpi_id].get(row.evaluation_id, 0.0)
            target = targets.get((row.kpi_id, row.subject_type, row.subject_id))
            weight, score = scorers[row.template_line_id]
            vals = {"actual_value": actual, "target_value": target or 0.0, "has_target": False,
                    "weight": 0.0, "achievement": 0.0, "score": 0.0, "weighted_score": 0.0}
            if target is not None:
                result = self._score_row(row, score, actual, target)
                vals.update(has_target=True, achievement=result["achievement"],
                            score=result["score"])
            by_evaluation[row.evaluation_id].append((vals, weight))
            vals_list.append(vals)
        # the weights of the lines with a target are scaled to sum 100; an
        # evaluation without any target has no total (None)
        weighted = {}
        for ev_id, lines in by_evaluation.items():
            scored, weighted[ev_id] = scoring.scorecard(
                [(vals["score"] if vals["has_target"] else None, weight) for vals, weight in lines])
            for (vals, _weight), (scaled, weighted_score) in zip(lines, scored):
                if scaled is not None:
                    vals.update(weight=scaled, weighted_score=weighted_score)
        return vals_list, weighted

    @api.model
    def _score_row(self, row, score, actual, target):
        """The engine's result for one row; a figure it refuses (not finite,
        negative target) is told with the salesperson and the KPI to fix."""
        try:
            return score(actual, target)
        except scoring.ScoringError as error:
            # sudo: the names of the subject and KPI whose figure is wrong
            subject = self.env["crm.team" if row.subject_type == "team" else "res.users"].sudo()
            raise UserError(_(
                "The figures of %(subject)s for %(kpi)s cannot be scored (target %(target)s, "
                "actual %(actual)s): correct the target or the manual value, then refresh.",
                subject=subject.browse(row.subject_id).name,
                kpi=self.env["sales.assessment.kpi"].sudo().browse(row.kpi_id).name,
                target=target, actual=actual,
            )) from error

    @api.model
    def _measure_rows(self, cycle, rows, group, narrow=False):
        """Return {kpi_id: {evaluation_id: value}} for the rows of ``group``:
        measured KPIs per subject, manual and formula KPIs per evaluation.
        ``narrow``: the rows are a few subjects of the cycle (a live
        refresh): the metrics read only theirs (``Period.subject_ids``)."""
        keys = {row.evaluation_id: row.subject_id for row in rows}
        kpis = self.env["sales.assessment.kpi"].browse({row.kpi_id for row in rows})
        manual_ids = set(kpis.filtered(lambda k: k.kpi_type == "manual").ids)
        manual = defaultdict(dict)
        for row in rows:
            if row.kpi_id in manual_ids:
                manual[row.kpi_id][row.evaluation_id] = row.manual_value
        subject_ids = list(set(keys.values()))
        period = cycle._get_period(group)
        if narrow:
            period = period._replace(subject_ids=tuple(sorted(subject_ids)))
        return kpis._measure_values(period, subject_ids, manual, keys)

    @api.model
    def _get_target_map(self, cycle, rows=None):
        """Return {(kpi_id, 'user'|'team', subject_id): target_value} of
        ``cycle`` (one query); only of the subjects of ``rows`` when given."""
        self.env["sales.assessment.target"].flush_model()
        only = SQL()
        if rows is not None:
            subjects = {"user": set(), "team": set()}
            for row in rows:
                subjects[row.subject_type].add(row.subject_id)
            only = SQL("AND (user_id = ANY(%s) OR team_id = ANY(%s))",
                       list(subjects["user"]), list(subjects["team"]))
        self.env.cr.execute(SQL(
            "SELECT kpi_id, user_id, team_id, target_value FROM sales_assessment_target "
            "WHERE cycle_id = %s %s",
            cycle.id, only,
        ))
        result = {}
        for kpi_id, user_id, team_id, value in self.env.cr.fetchall():
            if user_id:
                result[(kpi_id, "user", user_id)] = value
            elif team_id:
                result[(kpi_id, "team", team_id)] = value
        return result

    @api.model
    def _prepare_line_figures(self, run, vals_list):
        """Hook: return the figures to write for ``run.rows``, one dict of
        plain stored values per row."""
        return vals_list

    @api.model
    def _write_cycle_figures(self, rows, vals_list):
        """Write the figures of the existing lines in one UPDATE and insert the
        missing lines with theirs in one INSERT: a line created in this
        transaction is never updated again by it."""
        # sudo: lines are system-computed; the caller's rights were checked
        lines = self.sudo()
        existing = [(row.line_id, vals) for row, vals in zip(rows, vals_list) if row.line_id]
        if existing:
            lines.browse([line_id for line_id, _vals in existing])._bulk_write(
                [vals for _line_id, vals in existing])
        missing = [(row, vals) for row, vals in zip(rows, vals_list) if not row.line_id]
        if missing:
            lines._insert_figures(missing)

    @api.model
    def _insert_figures(self, missing):
        """Insert the lines of ``missing`` [(row, figures)] in one query per
        chunk of rows, with their scorecard line's KPI and sequence and their
        evaluation's subject, cycle and company (the stored related fields)."""
        fnames = list(missing[0][1])
        columns = [SQL.identifier(fname) for fname in fnames]
        for chunk in self._bulk_chunks(missing):
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
                    fnames,
                    [dict(vals, evaluation_id=row.evaluation_id,
                          template_line_id=row.template_line_id) for row, vals in chunk],
                    keys=("evaluation_id", "template_line_id"),
                ),
            ))
        self.env["sales.assessment.evaluation"].invalidate_model(["line_ids"])

    @api.model
    def _drop_obsolete_lines(self, evaluations):
        """Drop the lines of KPIs removed from the scorecards (the cycle is
        open): one query, and an unlink only when there are some."""
        self.flush_model(["template_line_id"])
        self.env.cr.execute(SQL(
            "SELECT line.id FROM sales_assessment_evaluation_line line "
            "WHERE line.evaluation_id = ANY(%s) AND line.template_line_id IS NULL",
            evaluations.ids,
        ))
        obsolete = [row[0] for row in self.env.cr.fetchall()]
        if obsolete:
            # sudo: lines are system-computed; the caller's rights were checked
            self.sudo().browse(obsolete).unlink()
