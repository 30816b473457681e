import functools

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import periods, scoring
from .crm_team_member import assessment_dates


class SalesAssessmentTemplate(models.Model):
    """A scorecard (考核方案): the weighted KPIs and grades that assess the
    salespeople (or the teams) of some sales teams.

    Access (scorecards, their KPI lines and bands): salespeople and team
    leaders read; managers create, change and delete; other companies see
    nothing."""

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
    distribution_ids = fields.One2many(
        "sales.assessment.template.distribution", "template_id", string="Forced Distribution",
        copy=True,
        help="At most this share of the scorecard's evaluations in a cycle gets each grade "
             "(强制分布); the others drop to the next grade down, in rank order.")
    ramp_ids = fields.One2many(
        "sales.assessment.template.ramp", "template_id", string="Ramp", copy=True,
        help="Share of the target a new salesperson carries in each month of tenure "
             "when a team target is allocated; 100 % after the last line.")
    total_weight = fields.Float(compute="_compute_total_weight")

    @api.depends("line_ids.weight")
    def _compute_total_weight(self):
        for template in self:
            template.total_weight = sum(template.line_ids.mapped("weight"))

    @api.constrains("line_ids")
    def _check_weights(self):
        for template in self:
            weights = template.line_ids.mapped("weight")
            # a NaN stored before the lines refused it must not reach the engine
            template.line_ids._check_finite_vals([{"weight": weight} for weight in weights])
            if weights and not scoring.check_weights(weights):
                raise ValidationError(
                    _(
                        "The KPI weights of scorecard %(name)s sum to %(total)s %%: "
                        "adjust them so that they sum to 100 %%.",
                        name=template.name,
                        total=round(sum(weights), 2),
                    )
                )

    @api.constrains("distribution_ids", "grade_ids")
    def _check_distribution_grades(self):
        for template in self:
            outside = template.distribution_ids.grade_id - template.grade_ids
            if outside:
                raise ValidationError(_(
                    "The forced distribution of scorecard %(name)s caps grade %(grades)s, "
                    "which the scorecard does not give: add it to the grades or remove its "
                    "distribution line.",
                    name=template.name, grades=", ".join(outside.mapped("name"))))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evaluated(self):
        # sudo: evaluations of every company and reader keep the scorecard
        used = self.env["sales.assessment.evaluation"].sudo().search(
            [("template_id", "in", self.ids)], limit=1
        )
        if used:
            raise UserError(
                _(
                    "Scorecard %(name)s has evaluations in cycle %(cycle)s: archive it "
                    "instead of deleting it.",
                    name=used.template_id.name,
                    cycle=used.cycle_id.name,
                )
            )

    def _get_ramp_percent(self, start_date, day):
        """Return the ramp percent of a salesperson who started on
        ``start_date`` (False: no ramp) in the month holding ``day``."""
        self.ensure_one()
        ramps = [(ramp.month, ramp.percent) for ramp in self.ramp_ids]
        return periods.ramp_percent(ramps, periods.tenure_month(start_date, day))

    def _get_subjects(self, cycle):
        """Return {subject_id: team_id} of the subjects assessed in ``cycle``."""
        return {subject: teams[0] for subject, teams in self._get_subject_teams(cycle).items()}

    def _get_subject_teams(self, cycle):
        """Return {subject_id: [team_id, …]} of the subjects assessed in ``cycle``:
        the covered teams each one belonged to, the evaluation's team first.

        The evaluation's team is the salesperson's main sales team when the
        scorecard covers it, else the first covered team they belong to.
        Members count when their membership dates overlap the cycle; archived
        users and memberships still count for the cycles they worked in.
        """
        self.ensure_one()
        if self.subject_type == "team":
            return {team.id: [team.id] for team in self.team_ids}
        # one query for every membership, archived ones and users included
        self.env["crm.team.member"].flush_model()
        self.env["res.users"].flush_model(["sale_team_id"])
        self.env.cr.execute(SQL(
            "SELECT m.user_id, m.crm_team_id, m.active, m.assessment_date_start, "
            "m.assessment_date_end, m.write_date, u.sale_team_id "
            "FROM crm_team_member m JOIN res_users u ON u.id = m.user_id "
            "WHERE m.crm_team_id = ANY(%s) ORDER BY m.active DESC, m.id",
            self.team_ids.ids,
        ))
        subjects, main_teams = {}, {}
        for user_id, team_id, active, date_start, date_end, write_date, main_team in (
                self.env.cr.fetchall()):
            start, end = assessment_dates(active, date_start, date_end, write_date)
            if (start and start > cycle.date_end) or (end and end < cycle.date_start):
                continue
            teams = subjects.setdefault(user_id, [])
            if team_id not in teams:
                teams.append(team_id)
            main_teams[user_id] = main_team
        for user_id, teams in subjects.items():
            if main_teams[user_id] in teams[1:]:
                teams.remove(main_teams[user_id])
                teams.insert(0, main_teams[user_id])
        return subjects


class SalesAssessmentTemplateLine(models.Model):
    """One weighted KPI of a scorecard and the rule that turns its
    achievement into a score."""

    _name = "sales.assessment.template.line"
    _description = "Assessment Scorecard KPI"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "sequence, id"
    _check_company_auto = True
    _finite_fields = ("weight", "min_achievement", "cap_achievement")

    template_id = fields.Many2one(
        "sales.assessment.template", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    kpi_id = fields.Many2one(
        "sales.assessment.kpi", string="KPI", required=True, ondelete="restrict",
        check_company=True,
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

    @api.constrains("weight", "cap_achievement", "min_achievement", "scoring_method")
    def _check_limits(self):
        for line in self:
            if line.weight < 0:
                raise ValidationError(_(
                    "The weight of KPI %(kpi)s is negative (%(weight)s %%): weights are "
                    "zero or more and sum to 100 %%.", kpi=line.kpi_id.name, weight=line.weight,
                ))
            if line.cap_achievement < 0 or line.min_achievement < 0:
                raise ValidationError(_(
                    "The cap and the gate of KPI %(kpi)s cannot be negative: enter "
                    "percentages of zero or more.", kpi=line.kpi_id.name,
                ))
            if (line.scoring_method == "gate" and line.cap_achievement
                    and line.min_achievement > line.cap_achievement):
                raise ValidationError(_(
                    "The gate of KPI %(kpi)s (%(gate)s %%) is above its cap (%(cap)s %%): "
                    "nobody could pass it. Lower the gate or raise the cap.",
                    kpi=line.kpi_id.name, gate=line.min_achievement, cap=line.cap_achievement,
                ))

    @api.constrains("template_id", "kpi_id")
    def _check_kpi_once(self):
        for line in self:
            if len(line.template_id.line_ids.filtered(lambda ln, k=line.kpi_id: ln.kpi_id == k)) > 1:
                raise ValidationError(_(
                    "KPI %(kpi)s appears twice in scorecard %(name)s: keep one line and give "
                    "it the whole weight.", kpi=line.kpi_id.name, name=line.template_id.name,
                ))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_cycle(self):
        # sudo: a closed cycle out of the editor's reach still holds the line
        lines = self.env["sales.assessment.evaluation.line"].sudo().search(
            [("template_line_id", "in", self.ids), ("cycle_id.state", "=", "closed")], limit=1
        )
        if lines:
            raise UserError(_(
                "KPI %(kpi)s of scorecard %(name)s was scored in the closed cycle %(cycle)s: "
                "reopen the cycle first, or archive the scorecard and make a new one.",
                kpi=lines.kpi_id.name, name=lines.evaluation_id.template_id.name,
                cycle=lines.cycle_id.name,
            ))

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

    def _score(self, actual, target):
        """Return {achievement, score, weighted_score} for an actual and a target."""
        self.ensure_one()
        return self._get_scorers()[self.id][1](actual, target)

    def _get_scorers(self):
        """Return {line_id: (weight, score function of (actual, target))}: the
        scoring rule of each line read once, for scoring many evaluations."""
        return {
            line.id: (line.weight, functools.partial(
                scoring.score_line,
                direction=line.kpi_id.direction,
                method=line.scoring_method,
                weight=line.weight,
                cap=line.cap_achievement or None,
                gate=line.min_achievement if line.scoring_method == "gate" else None,
                bands=[(b.from_achievement, b.score) for b in line.band_ids],
            ))
            for line in self
        }


class SalesAssessmentTemplateBand(models.Model):
    """A band of a bands-scored KPI: from this achievement on, the KPI scores ``score``."""

    _name = "sales.assessment.template.band"
    _description = "Assessment Scoring Band"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "from_achievement"
    _finite_fields = ("from_achievement", "score")

    line_id = fields.Many2one(
        "sales.assessment.template.line", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    from_achievement = fields.Float(string="From Achievement (%)", required=True)
    score = fields.Float(required=True)

    @api.constrains("from_achievement", "score")
    def _check_values(self):
        for band in self:
            if band.from_achievement < 0 or band.score < 0:
                raise ValidationError(_(
                    "A band of KPI %(kpi)s starts at %(start)s %% with score %(score)s: "
                    "achievements and scores of bands are zero or more.",
                    kpi=band.line_id.kpi_id.name, start=band.from_achievement, score=band.score,
                ))


class SalesAssessmentTemplateDistribution(models.Model):
    """A cap of a forced distribution: at most ``max_percent`` of the
    scorecard's evaluations of a cycle get ``grade_id``."""

    _name = "sales.assessment.template.distribution"
    _description = "Assessment Forced Distribution"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "template_id, max_percent"
    _finite_fields = ("max_percent",)
    _check_company_auto = True

    template_id = fields.Many2one(
        "sales.assessment.template", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    grade_id = fields.Many2one("sales.assessment.grade", required=True, ondelete="restrict")
    max_percent = fields.Float(
        string="At Most (%)", required=True, default=20.0,
        help="The largest share of the scorecard's evaluations in a cycle that may hold "
             "this grade, e.g. 20 for at most 20 % A.")

    _sql_constraints = [
        ("grade_unique", "UNIQUE(template_id, grade_id)",
         "A grade is capped once per scorecard: change its line instead of adding another."),
    ]

    @api.constrains("max_percent")
    def _check_max_percent(self):
        for line in self:
            if not 0 <= line.max_percent <= 100:
                raise ValidationError(_(
                    "Grade %(grade)s of scorecard %(name)s is capped at %(percent)s %%: a "
                    "share of the evaluations is 0 to 100 %%.",
                    grade=line.grade_id.name, name=line.template_id.name,
                    percent=line.max_percent))


class SalesAssessmentTemplateRamp(models.Model):
    """A month of the ramp of new salespeople: in month ``month`` of their
    tenure (month 1 holds their start date), a salesperson carries
    ``percent`` of a full share when a team target is allocated."""

    _name = "sales.assessment.template.ramp"
    _description = "Assessment Ramp Month"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "template_id, month"
    _finite_fields = ("month", "percent")

    template_id = fields.Many2one(
        "sales.assessment.template", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    month = fields.Integer(
        string="Month of Tenure", required=True, default=1,
        help="1 is the calendar month holding the salesperson's start date, 2 the next one.")
    percent = fields.Float(
        string="Share of Target (%)", required=True, default=50.0,
        help="Percent of a full member's share of the team target, 0 to 100.")

    _sql_constraints = [
        ("month_unique", "UNIQUE(template_id, month)",
         "A month of tenure appears once per ramp: change its line instead of adding another."),
    ]

    @api.constrains("month", "percent")
    def _check_values(self):
        for ramp in self:
            if ramp.month < 1:
                raise ValidationError(_(
                    "The ramp of scorecard %(name)s has month %(month)s: months of tenure "
                    "start at 1, the month holding the start date.",
                    name=ramp.template_id.name, month=ramp.month))
            if not 0 <= ramp.percent <= 100:
                raise ValidationError(_(
                    "Month %(month)s of the ramp of scorecard %(name)s carries %(percent)s %%: "
                    "enter a share of the target from 0 to 100 %%.",
                    month=ramp.month, name=ramp.template_id.name, percent=ramp.percent))
