from odoo import _, api, fields, models
from odoo.exceptions import UserError

PACING = [("on_track", "On Track"), ("at_risk", "At Risk"), ("off_track", "Off Track")]
# builtin metrics whose projection adds the probability-weighted open pipeline
PIPELINE_REVENUE = {"revenue_ordered", "revenue_invoiced", "revenue_collected"}
PIPELINE_WON = {"opportunities_won"}


def pipeline_kind(kpi):
    """'revenue' or 'won' for KPIs projected from the pipeline, else False."""
    if kpi.kpi_type != "builtin":
        return False
    if kpi.builtin_metric in PIPELINE_REVENUE:
        return "revenue"
    if kpi.builtin_metric in PIPELINE_WON:
        return "won"
    return False


def is_cumulative(kpi):
    """Amounts and counts grow during the cycle; rates and averages do not."""
    return kpi.direction == "higher" and kpi.unit in ("monetary", "count")


class SalesAssessmentEvaluationLine(models.Model):
    """Adds pacing and projection to a KPI of an evaluation, computed for a
    whole cycle at each refresh (see ``sales.assessment.cycle._prepare_line_figures``)."""

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
