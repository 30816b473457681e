from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SalesAssessmentGrade(models.Model):
    """A grade band (A, B, C…): a total score of at least ``min_score`` earns it.
    Grades are shared by the scorecards that list them.

    Access: salespeople and team leaders read; managers create, change and
    delete; other companies see nothing but shared grades."""

    _name = "sales.assessment.grade"
    _description = "Assessment Grade"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "min_score desc, id"
    _finite_fields = ("min_score",)

    name = fields.Char(required=True, translate=True)
    min_score = fields.Float(string="Minimum Score", required=True)
    color = fields.Integer(default=0)
    description = fields.Char(translate=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the grade between companies."
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_cycle(self):
        # sudo: a closed cycle out of the editor's reach still holds the grade
        used = self.env["sales.assessment.evaluation"].sudo().search(
            [("grade_id", "in", self.ids), ("cycle_id.state", "=", "closed")], limit=1
        )
        if used:
            raise UserError(_(
                "Grade %(grade)s was given in the closed cycle %(cycle)s: remove it from "
                "the scorecards instead of deleting it.",
                grade=used.grade_id.name, cycle=used.cycle_id.name,
            ))
