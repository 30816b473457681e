from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

PACING = [("on_track", "On Track"), ("at_risk", "At Risk"), ("off_track", "Off Track")]


def pipeline_kind(kpi):
    """'revenue' or 'won' for KPIs projected from the pipeline, else False:
    the ``projection`` the metric registry declares for a builtin KPI's
    metric (``sales.assessment.kpi._get_builtin_spec``)."""
    spec = kpi._get_builtin_spec()
    return (spec and spec.projection) or False


def is_cumulative(kpi):
    """Amounts and counts grow during the cycle; rates and averages do not."""
    return kpi.direction == "higher" and kpi.unit in ("monetary", "count")


class SalesAssessmentEvaluationLine(models.Model):
    """Adds pacing and projection to a KPI of an evaluation, computed for a
    whole cycle at each refresh (see :meth:`_prepare_line_figures`)."""

    _inherit = "sales.assessment.evaluation.line"

    expected_achievement = fields.Float(
        string="Expected (%)", readonly=True, digits=(16, 2),
        help="Achievement expected at this point of the open cycle: the share of the "
        "cycle elapsed for amounts and counts, 100 % for rates and averages.",
    )
    pacing = fields.Selection(PACING, readonly=True)
    pipeline_value = fields.Float(
        string="Weighted Pipeline", readonly=True,
        help="Open opportunities expected to close in the rest of the cycle, "
        "weighted by their probability (revenue in company currency, or count).",
    )
    projected_value = fields.Float(
        string="Projection", readonly=True,
        help="Actual plus the probability-weighted pipeline due in the rest of the cycle.",
    )
    has_projection = fields.Boolean(compute="_compute_has_projection")

    @api.depends("kpi_id.builtin_metric", "kpi_id.kpi_type")
    def _compute_has_projection(self):
        for line in self:
            line.has_projection = line._pipeline_kind() is not False

    @api.model
    def _prepare_line_figures(self, run, vals_list):
        """The line figures a refresh of an open cycle writes carry the pacing
        and projection too: same query, no query more (the close's figures
        are final: pacing is about the rest of an open cycle). A line
        without target has no pacing: it has nothing to be behind of."""
        vals_list = super()._prepare_line_figures(run, vals_list)
        if run.closing or run.cycle.state != "open" or not vals_list:
            return vals_list
        vals_list = run.cycle._add_line_pacing_vals(run.rows, vals_list)
        # None, not False: the bulk write sends the figures as JSON (NULL)
        vals_list = [vals if vals.get("has_target", True) else dict(vals, pacing=None)
                     for vals in vals_list]
        self._push_turned_off_track(run, vals_list)
        return vals_list

    @api.model
    def _push_turned_off_track(self, run, vals_list):
        """Have the chat-group robots told, once the figures are written
        (``run.after_write``), of the lines of ``run.rows`` that turn off
        track with ``vals_list`` (see :meth:`_get_turned_off_track`)."""
        turned = self._get_turned_off_track(run, vals_list)
        if turned:
            run.after_write.append(
                lambda: self.env["sales.assessment.webhook"]._queue_pacing(run.cycle, turned))

    @api.model
    def _get_turned_off_track(self, run, vals_list):
        """Return [(row, figures)] of the rows of ``run.rows`` that turn off
        track: off track in ``vals_list``, on track or at risk at the previous
        refresh, and some robot of the cycle's company pushes pacing alerts.

        A line's first pacing only sets where it starts from: a line this
        refresh creates, a line of a cycle just opened, a line that just got
        its target, is not "turning" off track (the first refresh of a
        cycle would otherwise list everyone behind). One query, none when no
        line of ``run.rows`` is off track; the rows may be any part of the
        cycle."""
        candidates = {
            row.line_id: (row, vals) for row, vals in zip(run.rows, vals_list)
            if row.line_id and vals.get("pacing") == "off_track"
        }
        if not candidates:
            return []
        # sudo: whoever refreshes may not read the robots (credentials)
        Webhook = self.env["sales.assessment.webhook"].sudo()
        robots = Webhook._search(Webhook._get_robots_domain(run.cycle.company_id, "notify_pacing"))
        self.flush_model(["pacing"])
        self.env.cr.execute(SQL(
            "SELECT line.id FROM sales_assessment_evaluation_line line "
            "WHERE line.id = ANY(%(ids)s) AND line.pacing IN ('on_track', 'at_risk') "
            "AND EXISTS(SELECT FROM sales_assessment_webhook robot WHERE robot.id IN %(robots)s)",
            ids=list(candidates), robots=robots.subselect(),
        ))
        turned = {line_id for line_id, in self.env.cr.fetchall()}
        return [item for line_id, item in candidates.items() if line_id in turned]

    def _pipeline_kind(self):
        self.ensure_one()
        return pipeline_kind(self.kpi_id)

    def action_view_pipeline(self):
        """Open the open opportunities behind the projection."""
        self.ensure_one()
        if not self.has_projection:
            raise UserError(
                _("%(kpi)s has no pipeline projection.", kpi=self.kpi_id.name)
            )
        cycle = self.cycle_id
        domain = cycle._get_pipeline_domain(self.subject_type) + [
            (cycle._pipeline_subject_field(self.subject_type), "=",
             self.evaluation_id._subject_id()),
        ]
        return {
            "type": "ir.actions.act_window",
            "name": _("%(kpi)s: pipeline in the projection", kpi=self.kpi_id.name),
            "res_model": "crm.lead",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
        }
