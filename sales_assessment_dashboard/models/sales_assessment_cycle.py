from collections import defaultdict

import pytz

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools import pacing
from .sales_assessment_evaluation_line import is_cumulative, pipeline_kind

COACHING_ACTIVITY = "sales_assessment_dashboard.mail_act_coaching"
# per-transaction memo handing the line statuses of a refresh to its evaluation write
PACING_CACHE = "sales_assessment_dashboard.pacing"


class SalesAssessmentCycle(models.Model):
    """Adds pacing, pipeline projection and coaching activities to the
    refresh of open cycles, and the XLSX export."""

    _inherit = "sales.assessment.cycle"

    def _refresh_evaluations(self):
        """Add pacing, projection and coaching to the refresh of an open cycle,
        inside the core's own bulk writes (see ``_prepare_line_figures`` and
        ``_prepare_evaluation_figures``): no query more unless the pipeline is
        read or a coaching activity starts or ends."""
        if self.state != "open":
            return super()._refresh_evaluations()
        if self.env.context.get("sales_assessment_closing"):
            # pacing is about the rest of an open cycle: the close only ends the
            # coaching the last refresh left open (no query when there is none)
            res = super()._refresh_evaluations()
            self.env.cr.execute(SQL(
                "SELECT id FROM sales_assessment_evaluation "
                "WHERE cycle_id = %s AND coaching_open", self.id,
            ))
            coached = self.env["sales.assessment.evaluation"].browse(
                [row[0] for row in self.env.cr.fetchall()])
            if coached:
                # the cycle is over: its coaching ends with it, in one go (a
                # feedback per activity would cost queries per salesperson);
                # sudo: system activities, whoever holds them
                coached.sudo().activity_unlink([COACHING_ACTIVITY])
                self._bulk_write(coached, [{"coaching_open": False}] * len(coached))
            return res
        cycle = self.with_context(sales_assessment_pacing=self.id)
        res = super(SalesAssessmentCycle, cycle)._refresh_evaluations()
        started, ended = self.env.cr.cache.pop(PACING_CACHE, {}).get("coaching", ([], []))
        self._sync_coaching_activities(
            self.env["sales.assessment.evaluation"].browse(started),
            self.env["sales.assessment.evaluation"].browse(ended),
        )
        return res

    def _action_close(self):
        return super(
            SalesAssessmentCycle, self.with_context(sales_assessment_closing=True)
        )._action_close()

    def _prepare_line_figures(self, rows, vals_list):
        """During a refresh, the line figures the core writes carry the pacing
        and projection too: same query, no query more."""
        vals_list = super()._prepare_line_figures(rows, vals_list)
        if self.env.context.get("sales_assessment_pacing") and vals_list:
            vals_list = self._add_line_pacing_vals(rows, vals_list)
        return vals_list

    def _prepare_evaluation_figures(self, evaluations, vals_list):
        """During a refresh, the evaluation figures the core writes carry the
        pacing too: same UPDATE, no query more than the coaching state's."""
        vals_list = super()._prepare_evaluation_figures(evaluations, vals_list)
        if self.env.context.get("sales_assessment_pacing") and vals_list:
            vals_list = self._add_evaluation_pacing_vals(evaluations, vals_list)
        return vals_list

    # -- pacing and projection

    def _today(self):
        """Today in the cycle's timezone."""
        self.ensure_one()
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(pytz.timezone(self.tz or "UTC")).date()

    def _add_line_pacing_vals(self, rows, vals_list):
        """Return ``vals_list`` with the expected achievement, pacing, weighted
        pipeline and projection of each line row (see ``_get_line_rows``),
        from its new achievement and actual; remember each evaluation's line
        statuses for its own write."""
        cycle = self.browse(self.env.context["sales_assessment_pacing"])
        today = cycle._today()
        working, on_track, off_track = self.env["res.company"]._get_assessment_pacing_settings(
            cycle.company_id.id
        )
        elapsed = pacing.elapsed_share(cycle.date_start, cycle.date_end, today, working)
        memo = self.env.cr.cache.setdefault(PACING_CACHE, {})
        # per KPI, not per line: its pipeline kind and whether it accumulates
        kpi_info = {
            kpi.id: (pipeline_kind(kpi), is_cumulative(kpi))
            for kpi in self.env["sales.assessment.kpi"].browse({row[2] for row in rows})
        }
        items = [(kpi_info[row[2]][0], row[5], row[6]) for row in rows]
        pipeline = cycle._get_pipeline_values(items, today)
        statuses = defaultdict(list)
        result = []
        for row, (kind, group, subject), vals in zip(rows, items, vals_list):
            expected = elapsed if kpi_info[row[2]][1] else 100.0
            status = pacing.pacing_status(vals["achievement"], expected, on_track, off_track)
            weighted = pipeline[kind][group].get(subject, 0.0) if kind else 0.0
            statuses[row[1]].append(status)
            result.append(dict(
                vals, expected_achievement=expected, pacing=status, pipeline_value=weighted,
                projected_value=vals["actual_value"] + weighted if kind else 0.0,
            ))
        memo["statuses"] = statuses
        return result

    def _add_evaluation_pacing_vals(self, evaluations, vals_list):
        """Return ``vals_list`` with each evaluation's pacing (its worst KPI's)
        and whether its team leader coaches it; remember the coachings that
        start and end."""
        memo = self.env.cr.cache.get(PACING_CACHE, {})
        statuses = memo.get("statuses", {})
        # whether each one has a coach (see _get_coach) and is coached, in one
        # query (the ORM would read the evaluations by batches of a thousand)
        evaluations.flush_recordset(["coaching_open", "team_id", "user_id"])
        self.env.cr.execute(SQL(
            "SELECT ev.id, ev.coaching_open, "
            "ev.user_id IS NOT NULL AND t.user_id IS NOT NULL AND t.user_id != ev.user_id "
            "FROM sales_assessment_evaluation ev LEFT JOIN crm_team t ON t.id = ev.team_id "
            "WHERE ev.id = ANY(%s)", evaluations.ids,
        ))
        state = {ev_id: (coached, has_coach) for ev_id, coached, has_coach
                 in self.env.cr.fetchall()}
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
        memo["coaching"] = (started, ended)
        return result

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
                domain, [field, "company_id"], ["prorated_revenue:sum", "probability:sum"]
            )
            for subject, lead_company, revenue, probability in groups:
                source = lead_company.currency_id or currency
                result["revenue"][group][subject.id] += source._convert(
                    revenue or 0.0, currency, self.company_id, today
                )
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
