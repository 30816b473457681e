from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import scoring


class SalesAssessmentTemplate(models.Model):
    """A scorecard (考核方案): the weighted KPIs and grades that assess the
    salespeople (or the teams) of some sales teams."""

    _name = "sales.assessment.template"
    _description = "Assessment Scorecard"
    _inherit = ["mail.thread"]
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    subject_type = fields.Selection(
        [("user", "Salespeople"), ("team", "Sales Teams")],
        required=True,
        default="user",
        tracking=True,
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        check_company=True,
        help="The members of these teams (or the teams themselves) are assessed.",
    )
    line_ids = fields.One2many(
        "sales.assessment.template.line", "template_id", string="KPIs", copy=True
    )
    grade_ids = fields.Many2many(
        "sales.assessment.grade",
        string="Grades",
        help="The grade of an evaluation is the one with the highest minimum "
        "score not above its total score.",
    )
    total_weight = fields.Float(compute="_compute_total_weight")

    @api.depends("line_ids.weight")
    def _compute_total_weight(self):
        for template in self:
            template.total_weight = sum(template.line_ids.mapped("weight"))

    @api.constrains("line_ids")
    def _check_weights(self):
        for template in self:
            weights = template.line_ids.mapped("weight")
            if weights and not scoring.check_weights(weights):
                raise ValidationError(
                    _(
                        "The KPI weights of scorecard %(name)s sum to %(total)s %%: "
                        "adjust them so that they sum to 100 %%.",
                        name=template.name,
                        total=round(sum(weights), 2),
                    )
                )

    def _get_subjects(self, cycle):
        """Return {subject_id: team_id} of the subjects assessed in ``cycle``.

        Members count when their membership dates overlap the cycle; archived
        users and memberships still count for the cycles they worked in.
        """
        self.ensure_one()
        if self.subject_type == "team":
            return {team.id: team.id for team in self.team_ids}
        members = (
            self.env["crm.team.member"]
            .with_context(active_test=False)
            .search([("crm_team_id", "in", self.team_ids.ids)], order="active desc, id")
        )
        subjects = {}
        for member in members:
            start, end = member._get_assessment_dates()
            if (start and start > cycle.date_end) or (end and end < cycle.date_start):
                continue
            subjects.setdefault(member.user_id.id, member.crm_team_id.id)
        return subjects


class SalesAssessmentTemplateLine(models.Model):
    """One weighted KPI of a scorecard and the rule that turns its
    achievement into a score."""

    _name = "sales.assessment.template.line"
    _description = "Assessment Scorecard KPI"
    _order = "sequence, id"
    _check_company_auto = True

    template_id = fields.Many2one(
        "sales.assessment.template", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    kpi_id = fields.Many2one(
        "sales.assessment.kpi", required=True, ondelete="restrict", check_company=True
    )
    weight = fields.Float(required=True, default=0.0, help="Percent of the total score.")
    scoring_method = fields.Selection(
        [("linear", "Linear"), ("gate", "Gate"), ("bands", "Bands")],
        required=True,
        default="linear",
    )
    min_achievement = fields.Float(
        string="Gate (%)", help="Gate: below this achievement the KPI scores 0."
    )
    cap_achievement = fields.Float(
        string="Cap (%)",
        default=120.0,
        help="Achievement counts up to this percentage (0: no cap).",
    )
    band_ids = fields.One2many(
        "sales.assessment.template.band", "line_id", string="Bands", copy=True
    )

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A KPI weight cannot be negative."),
        (
            "cap_positive",
            "CHECK(cap_achievement >= 0 AND min_achievement >= 0)",
            "The cap and the gate of a KPI cannot be negative.",
        ),
        (
            "kpi_unique",
            "unique(template_id, kpi_id)",
            "A KPI appears once per scorecard.",
        ),
    ]

    @api.constrains("scoring_method", "band_ids")
    def _check_bands(self):
        for line in self:
            if line.scoring_method == "bands" and not line.band_ids:
                raise ValidationError(
                    _(
                        "KPI %(kpi)s is scored by bands: add at least one band.",
                        kpi=line.kpi_id.name,
                    )
                )

    def _prepare_evaluation_line_vals(self):
        self.ensure_one()
        return {
            "template_line_id": self.id,
            "kpi_id": self.kpi_id.id,
            "sequence": self.sequence,
            "weight": self.weight,
        }

    def _score(self, actual, target):
        """Return {achievement, score, weighted_score} for an actual and a target."""
        self.ensure_one()
        return scoring.score_line(
            actual,
            target,
            direction=self.kpi_id.direction,
            method=self.scoring_method,
            weight=self.weight,
            cap=self.cap_achievement or None,
            gate=self.min_achievement if self.scoring_method == "gate" else None,
            bands=[(b.from_achievement, b.score) for b in self.band_ids],
        )


class SalesAssessmentTemplateBand(models.Model):
    """A band of a bands-scored KPI: from this achievement on, the KPI scores ``score``."""

    _name = "sales.assessment.template.band"
    _description = "Assessment Scoring Band"
    _order = "from_achievement"

    line_id = fields.Many2one(
        "sales.assessment.template.line", required=True, ondelete="cascade", index=True
    )
    from_achievement = fields.Float(string="From Achievement (%)", required=True)
    score = fields.Float(required=True)
