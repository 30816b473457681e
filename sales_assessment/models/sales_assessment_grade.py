from odoo import fields, models


class SalesAssessmentGrade(models.Model):
    """A grade band (A, B, C…): a total score of at least ``min_score`` earns it.
    Grades are shared by the scorecards that list them."""

    _name = "sales.assessment.grade"
    _description = "Assessment Grade"
    _order = "min_score desc, id"

    name = fields.Char(required=True, translate=True)
    min_score = fields.Float(string="Minimum Score", required=True)
    color = fields.Integer(default=0)
    description = fields.Char(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the grade between companies."
    )
