from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..models.sales_assessment_evaluation import LineRow
from ..tools import scoring


class SalesAssessmentEstimate(models.TransientModel):
    """A what-if estimate of one evaluation of an open cycle: the salesperson
    types the figures they expect, the scorecard's own engine scores them.

    Nothing is written to the evaluation. The lines are scored with the
    scorecard line settings exactly as the close scores them (scoring method,
    bands, cap, gate; weights of the lines with a target scaled to sum 100);
    the grade is the one the total reaches by score: a forced distribution
    depends on the whole cycle and is ignored here.

    Who may estimate: whoever may read the evaluation (the salesperson their
    own, a team leader their teams', a manager all of their companies').
    """

    _name = "sales.assessment.estimate"
    _description = "Assessment What-if Estimate"

    evaluation_id = fields.Many2one(
        "sales.assessment.evaluation", required=True, readonly=True, ondelete="cascade"
    )
    template_id = fields.Many2one(related="evaluation_id.template_id")
    company_id = fields.Many2one(related="evaluation_id.company_id")
    line_ids = fields.One2many("sales.assessment.estimate.line", "estimate_id", string="KPIs")
    estimated_score = fields.Float(
        compute="_compute_estimate", digits=(16, 2),
        help="Total score the what-if values would give, weighted as at the close.",
    )
    has_estimate = fields.Boolean(
        compute="_compute_estimate",
        help="False when no KPI of the scorecard has a target: there is no total.",
    )
    estimated_grade_id = fields.Many2one(
        "sales.assessment.grade", compute="_compute_estimate", string="Estimated Grade",
        help="The grade whose minimum score is the highest not above the estimated score. "
        "The scorecard's forced distribution depends on the whole cycle and is ignored "
        "for an estimate.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        evaluations = self.env["sales.assessment.evaluation"].browse(
            [vals.get("evaluation_id") for vals in vals_list if vals.get("evaluation_id")])
        self._check_can_estimate(evaluations)
        for vals in vals_list:
            if vals.get("evaluation_id") and "line_ids" not in vals:
                vals["line_ids"] = [
                    Command.create(line_vals) for line_vals in self._prepare_line_vals(
                        evaluations.browse(vals["evaluation_id"]))
                ]
        return super().create(vals_list)

    @api.model
    def _check_can_estimate(self, evaluations):
        """Whoever may read an evaluation may estimate it, while its cycle
        is open: a closed cycle's result is final."""
        evaluations.check_access("read")
        closed = evaluations.filtered(lambda e: e.cycle_state != "open")
        if closed:
            raise UserError(_(
                "%(evaluation)s belongs to a cycle that is not open: only the figures of an "
                "open cycle can still change, so only they can be estimated.",
                evaluation=closed[0].display_name,
            ))

    @api.model
    def _prepare_line_vals(self, evaluation):
        """The estimate lines of ``evaluation``: its figures, the what-if
        value starting at the line's projection when it has one (see
        :meth:`sales.assessment.estimate.line._default_what_if_value`)."""
        Line = self.env["sales.assessment.estimate.line"]
        return [{
            "evaluation_line_id": line.id,
            "template_line_id": line.template_line_id.id,
            "kpi_id": line.kpi_id.id,
            "actual_value": line.actual_value,
            "target_value": line.target_value,
            "has_target": line.has_target,
            "what_if_value": Line._default_what_if_value(line),
        } for line in evaluation.line_ids if line.template_line_id]

    @api.depends("line_ids.what_if_value", "line_ids.has_target", "line_ids.target_value")
    def _compute_estimate(self):
        for estimate in self:
            total = estimate._get_estimated_total()
            grades = estimate._get_grading()
            grade_id = scoring.grade(total, grades) if total is not None else None
            estimate.has_estimate = total is not None
            estimate.estimated_score = total or 0.0
            estimate.estimated_grade_id = grade_id or False

    def _get_estimated_total(self):
        """The total of the scorecard with the what-if values, or None when
        no line has a target: the close's :func:`scoring.scorecard`."""
        self.ensure_one()
        scorers = self.line_ids.template_line_id._get_scorers()
        _lines, total = scoring.scorecard([
            (line._get_result()["score"] if line.has_target else None,
             scorers[line.template_line_id.id][0])
            for line in self.line_ids if line.template_line_id
        ])
        return total

    def _get_grading(self):
        """[(grade_id, min_score)] of the scorecard, as the close reads them."""
        self.ensure_one()
        template = self.evaluation_id.template_id
        if not template:
            return []
        return self.env["sales.assessment.evaluation"]._read_grading({template.id})[template.id][0]


class SalesAssessmentEstimateLine(models.TransientModel):
    """One KPI of a what-if estimate: the actual so far and the value typed in."""

    _name = "sales.assessment.estimate.line"
    _description = "Assessment What-if Estimate Line"
    _inherit = ["sales.assessment.number.mixin"]
    _finite_fields = ("what_if_value",)

    estimate_id = fields.Many2one("sales.assessment.estimate", required=True, ondelete="cascade")
    evaluation_line_id = fields.Many2one("sales.assessment.evaluation.line", readonly=True)
    template_line_id = fields.Many2one("sales.assessment.template.line", readonly=True)
    kpi_id = fields.Many2one("sales.assessment.kpi", string="KPI", readonly=True)
    unit = fields.Selection(related="kpi_id.unit")
    actual_value = fields.Float(string="Actual", readonly=True)
    target_value = fields.Float(string="Target", readonly=True)
    has_target = fields.Boolean(readonly=True)
    what_if_value = fields.Float(
        string="What if",
        help="The value you expect at the end of the cycle; it starts at the projection "
        "when the KPI has one, else at the actual.",
    )
    estimated_achievement = fields.Float(
        string="Achievement (%)", compute="_compute_estimated", digits=(16, 2))
    estimated_line_score = fields.Float(
        string="Score", compute="_compute_estimated", digits=(16, 2))

    @api.model
    def _default_what_if_value(self, evaluation_line):
        """The projection of ``evaluation_line`` when an addon computes one
        and it is set, else its actual."""
        projection = evaluation_line["projected_value"] \
            if "projected_value" in evaluation_line._fields else 0.0
        return projection or evaluation_line.actual_value

    @api.depends("what_if_value", "target_value", "has_target", "template_line_id")
    def _compute_estimated(self):
        for line in self:
            result = line._get_result() if line.has_target and line.template_line_id else {}
            line.estimated_achievement = result.get("achievement", 0.0)
            line.estimated_line_score = result.get("score", 0.0)

    def _get_result(self):
        """The engine's {achievement, score, weighted_score} of the what-if
        value, by the scorecard line's rule, as the close scores a line."""
        self.ensure_one()
        evaluation = self.estimate_id.evaluation_id
        score = self.template_line_id._get_scorers()[self.template_line_id.id][1]
        row = LineRow(self.evaluation_line_id.id, evaluation.id, self.kpi_id.id,
                      self.template_line_id.id, self.what_if_value,
                      evaluation.subject_type, evaluation._subject_id())
        return self.env["sales.assessment.evaluation.line"]._score_row(
            row, score, self.what_if_value, self.target_value)
