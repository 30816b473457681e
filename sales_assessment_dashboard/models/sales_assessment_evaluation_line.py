from odoo import _, api, fields, models
from odoo.exceptions import UserError

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
        return [vals if vals.get("has_target", True) else dict(vals, pacing=None)
                for vals in vals_list]

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
