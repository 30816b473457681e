from collections import defaultdict

import pytz

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools import pacing
from .sales_assessment_evaluation_line import is_cumulative, pipeline_kind

COACHING_ACTIVITY = "sales_assessment_dashboard.mail_act_coaching"


class SalesAssessmentCycle(models.Model):
    """Adds pacing, pipeline projection and coaching activities to the
    refresh of open cycles, and the XLSX export.

    The figures are added inside the core's own bulk writes through its
    hooks, which receive the refresh (``FigureRun``) they belong to:
    ``sales.assessment.evaluation.line._prepare_line_figures`` and
    ``sales.assessment.evaluation._prepare_evaluation_figures`` call
    :meth:`_add_line_pacing_vals` and :meth:`_add_evaluation_pacing_vals`."""

    _inherit = "sales.assessment.cycle"

    # -- pacing and projection

    def _today(self):
        """Today in the cycle's timezone."""
        self.ensure_one()
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(pytz.timezone(self.tz or "UTC")).date()

    def _add_line_pacing_vals(self, rows, vals_list):
        """Return ``vals_list`` with the expected achievement, pacing, weighted
        pipeline and projection of each line row (``LineRow``), from its new
        achievement and actual."""
        self.ensure_one()
        today = self._today()
        working, on_track, off_track = self.env["res.company"]._get_assessment_pacing_settings(
            self.company_id.id
        )
        elapsed = pacing.elapsed_share(self.date_start, self.date_end, today, working)
        # per KPI, not per line: its pipeline kind and whether it accumulates
        kpi_info = {
            kpi.id: (pipeline_kind(kpi), is_cumulative(kpi))
            for kpi in self.env["sales.assessment.kpi"].browse({row.kpi_id for row in rows})
        }
        items = [(kpi_info[row.kpi_id][0], row.subject_type, row.subject_id) for row in rows]
        pipeline = self._get_pipeline_values(items, today)
        result = []
        for row, (kind, group, subject), vals in zip(rows, items, vals_list):
            expected = elapsed if kpi_info[row.kpi_id][1] else 100.0
            status = pacing.pacing_status(vals["achievement"], expected, on_track, off_track)
            weighted = pipeline[kind][group].get(subject, 0.0) if kind else 0.0
            result.append(dict(
                vals, expected_achievement=expected, pacing=status, pipeline_value=weighted,
                projected_value=vals["actual_value"] + weighted if kind else 0.0,
            ))
        return result

    def _add_evaluation_pacing_vals(self, run, evaluations, vals_list, line_vals):
        """Return ``vals_list`` with each evaluation's pacing (its worst KPI's,
        from ``line_vals``) and whether its team leader coaches it; the
        coaching activities that start and end are synced once the figures
        are written (``run.after_write``)."""
        statuses = defaultdict(list)
        for row, vals in zip(run.rows, line_vals):
            statuses[row.evaluation_id].append(vals.get("pacing"))
        state = self._get_coaching_state(evaluations)
        started, ended, result = [], [], []
        for ev_id, vals in zip(evaluations.ids, vals_list):
            coached, has_coach = state[ev_id]
            status = evaluations._worst_pacing(statuses.get(ev_id, []))
            coaching = status == "off_track" and bool(has_coach)
            if coaching and not coached:
                started.append(ev_id)
            elif coached and not coaching:
                ended.append(ev_id)
            result.append(dict(vals, pacing=status, coaching_open=coaching))
        Evaluation = self.env["sales.assessment.evaluation"]
        run.after_write.append(lambda: self._sync_coaching_activities(
            Evaluation.browse(started), Evaluation.browse(ended)))
        return result

    def _end_coaching_vals(self, run, evaluations, vals_list):
        """At the close: the cycle is over, its coaching ends with it, in the
        same write and one unlink (a feedback per activity would cost queries
        per salesperson); no query more when nobody is coached."""
        coached = [ev_id for ev_id, (is_coached, _coach)
                   in self._get_coaching_state(evaluations).items() if is_coached]
        if coached:
            # sudo: system activities, whoever holds them
            run.after_write.append(lambda: evaluations.browse(coached).sudo().activity_unlink(
                [COACHING_ACTIVITY]))
        return [dict(vals, coaching_open=False) for vals in vals_list]

    @api.model
    def _get_coaching_state(self, evaluations):
        """{evaluation_id: (coached, has a coach)} in one query (the ORM would
        read the evaluations by batches of a thousand); see ``_get_coach``."""
        evaluations.flush_recordset(["coaching_open", "team_id", "user_id"])
        self.env.cr.execute(SQL(
            "SELECT ev.id, ev.coaching_open, "
            "ev.user_id IS NOT NULL AND t.user_id IS NOT NULL AND t.user_id != ev.user_id "
            "FROM sales_assessment_evaluation ev LEFT JOIN crm_team t ON t.id = ev.team_id "
            "WHERE ev.id = ANY(%s)", evaluations.ids,
        ))
        return {ev_id: (coached, has_coach) for ev_id, coached, has_coach
                in self.env.cr.fetchall()}

    @api.model
    def _pipeline_subject_field(self, subject_type):
        return "team_id" if subject_type == "team" else "user_id"

    def _get_pipeline_domain(self, subject_type, today=None):
        """Open opportunities expected to close in the rest of the cycle."""
        self.ensure_one()
        today = today or self._today()
        return [
            ("type", "=", "opportunity"),
            ("active", "=", True),
            ("probability", "<", 100),
            ("stage_id.is_won", "=", False),
            ("date_deadline", ">=", max(today, self.date_start)),
            ("date_deadline", "<=", self.date_end),
            # the cycle's company only: a salesperson of two companies has two pipelines
            "|", ("company_id", "=", self.company_id.id),
            "&", ("company_id", "=", False), ("team_id.company_id", "=", self.company_id.id),
        ]

    def _get_pipeline_values(self, items, today):
        """{'revenue'|'won': {'user'|'team': {subject: value}}} for ``items``
        of (kind, subject type, subject): weighted open revenue in company
        currency and expected won count, one grouped query per subject type."""
        result = {kind: defaultdict(lambda: defaultdict(float)) for kind in ("revenue", "won")}
        subjects = defaultdict(set)
        for kind, group, subject in items:
            if kind:
                subjects[group].add(subject)
        if not subjects or today > self.date_end:
            return result
        # sudo: projections count every opportunity of the subject, whatever the reader sees
        Lead = self.env["crm.lead"].sudo()
        currency = self.company_id.currency_id
        for group, group_subjects in subjects.items():
            field = self._pipeline_subject_field(group)
            domain = self._get_pipeline_domain(group, today) + [
                (field, "in", list(group_subjects))
            ]
            groups = Lead._read_group(
                domain, [field], ["prorated_revenue:sum", "probability:sum"]
            )
            # the leads are the company's: their revenue is in its currency
            for subject, revenue, probability in groups:
                result["revenue"][group][subject.id] += currency.round(revenue or 0.0)
                result["won"][group][subject.id] += (probability or 0.0) / 100.0
        return result

    # -- coaching

    def _sync_coaching_activities(self, started, ended):
        """One coaching activity for the team leader of each salesperson who
        went off track (``started``); closed for those back on track (``ended``)."""
        # sudo: coaching activities are system-scheduled for the leader
        for evaluation in started.sudo():
            evaluation.activity_schedule(
                COACHING_ACTIVITY,
                date_deadline=fields.Date.context_today(self),
                summary=_("Coach %(name)s: off track", name=evaluation.user_id.name),
                note=_(
                    "%(name)s is off track in %(cycle)s on %(kpis)s.",
                    name=evaluation.user_id.name,
                    cycle=self.name,
                    kpis=", ".join(evaluation.line_ids.filtered(
                        lambda ln: ln.pacing == "off_track").kpi_id.mapped("name")),
                ),
                user_id=evaluation._get_coach().id,
            )
        self._close_coaching_activities(ended, _("Back on track"))

    @api.model
    def _close_coaching_activities(self, evaluations, feedback):
        if evaluations:
            # sudo: coaching activities are closed by the system, whoever holds them
            evaluations.sudo().activity_feedback([COACHING_ACTIVITY], feedback=feedback)
