from collections import defaultdict

import pytz

from odoo import _, api, fields, models

from ..tools import pacing

COACHING_ACTIVITY = "sales_assessment_dashboard.mail_act_coaching"


class SalesAssessmentCycle(models.Model):
    """Adds pacing, pipeline projection and coaching activities to the
    refresh of open cycles, and the XLSX export."""

    _inherit = "sales.assessment.cycle"

    def _compute_evaluations(self):
        res = super()._compute_evaluations()
        if self.state != "open":
            return res
        if self.env.context.get("sales_assessment_closing"):
            # pacing is about the rest of an open cycle: the close only ends the
            # coaching the last refresh left open (no query when there is none)
            coached = self.evaluation_ids.filtered("coaching_open")
            self._close_coaching_activities(coached, _("Cycle closed"))
        else:
            self._compute_pacing()
        return res

    def _action_close(self):
        return super(
            SalesAssessmentCycle, self.with_context(sales_assessment_closing=True)
        )._action_close()

    # -- pacing and projection

    def _today(self):
        """Today in the cycle's timezone."""
        self.ensure_one()
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(pytz.timezone(self.tz or "UTC")).date()

    def _compute_pacing(self):
        """Write expected achievement, pacing and projection of every line of
        the (open) cycle, in one query per table, then schedule or close the
        coaching activities."""
        self.ensure_one()
        company = self.company_id
        today = self._today()
        working = company.sales_assessment_pacing_days != "calendar"
        elapsed = pacing.elapsed_share(self.date_start, self.date_end, today, working)
        evaluations = self.evaluation_ids.sudo()
        lines = evaluations.line_ids
        pipeline = self._get_pipeline_values(lines, today)
        vals_list = []
        by_evaluation = defaultdict(list)
        for line in lines:
            expected = elapsed if line._is_cumulative() else 100.0
            status = pacing.pacing_status(
                line.achievement, expected,
                company.sales_assessment_on_track_threshold,
                company.sales_assessment_off_track_threshold,
            )
            kind = line._pipeline_kind()
            weighted = pipeline[kind].get(line.evaluation_id._subject_id(), 0.0) if kind else 0.0
            vals_list.append({
                "expected_achievement": expected,
                "pacing": status,
                "pipeline_value": weighted,
                "projected_value": line.actual_value + weighted if kind else 0.0,
            })
            by_evaluation[line.evaluation_id.id].append(status)
        self._bulk_write(lines, vals_list)
        statuses = [evaluations._worst_pacing(by_evaluation[ev.id]) for ev in evaluations]
        self._bulk_write(evaluations, [
            {"pacing": status, "coaching_open": status == "off_track" and bool(ev._get_coach())}
            for ev, status in zip(evaluations, statuses)
        ])
        self._sync_coaching_activities(evaluations)

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

    def _get_pipeline_values(self, lines, today):
        """{'revenue': {subject: weighted revenue in company currency},
        'won': {subject: expected won count}} of the lines' subjects, one
        grouped query per subject type."""
        result = {"revenue": defaultdict(float), "won": defaultdict(float)}
        kinds = {line._pipeline_kind() for line in lines} - {False}
        if not kinds or today > self.date_end:
            return result
        # sudo: projections count every opportunity of the subject, whatever the reader sees
        Lead = self.env["crm.lead"].sudo()
        currency = self.company_id.currency_id
        for subject_type in set(lines.mapped("subject_type")):
            field = self._pipeline_subject_field(subject_type)
            subjects = {
                line.evaluation_id._subject_id() for line in lines
                if line.subject_type == subject_type
            }
            domain = self._get_pipeline_domain(subject_type, today) + [
                (field, "in", list(subjects))
            ]
            groups = Lead._read_group(
                domain, [field, "company_id"], ["prorated_revenue:sum", "probability:sum"]
            )
            for subject, lead_company, revenue, probability in groups:
                source = lead_company.currency_id or currency
                result["revenue"][subject.id] += source._convert(
                    revenue or 0.0, currency, self.company_id, today
                )
                result["won"][subject.id] += (probability or 0.0) / 100.0
        return result

    # -- coaching

    def _sync_coaching_activities(self, evaluations):
        """One coaching activity per off-track salesperson for their team
        leader; closed as soon as the salesperson is no longer off track."""
        activity_type = self.env.ref(COACHING_ACTIVITY, raise_if_not_found=False)
        if not activity_type:
            return
        existing = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "sales.assessment.evaluation"),
            ("res_id", "in", evaluations.ids),
            ("activity_type_id", "=", activity_type.id),
        ])
        coached = set(existing.mapped("res_id"))
        off = evaluations.filtered("coaching_open")
        for evaluation in off.filtered(lambda ev: ev.id not in coached):
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
        self._close_coaching_activities(
            evaluations.filtered(lambda ev: ev.id in coached) - off, _("Back on track")
        )

    @api.model
    def _close_coaching_activities(self, evaluations, feedback):
        if evaluations:
            evaluations.sudo().activity_feedback([COACHING_ACTIVITY], feedback=feedback)
