from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FiniteNumbersMixin, SalesAssessmentCase

LIMIT = 1e12


@tagged("post_install", "-at_install")
class TestFiniteNumbers(FiniteNumbersMixin, SalesAssessmentCase):
    """Numbers typed by users or API clients are finite and at most 1e12 in
    size: NaN, ±infinity, 1e308 and 1e13 are refused with a ValidationError
    naming the field (never a ValueError, an OverflowError or an engine
    error), on create and on write, by the role who types them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.won = cls.kpi("won")
        cls.revenue = cls.kpi("revenue_ordered")
        cls.template = cls.make_template([(cls.won, 50, {}), (cls.revenue, 50, {})])
        cls.line_won = cls.template.line_ids.filtered(lambda ln: ln.kpi_id == cls.won)
        cls.bands_line = cls.make_template([(cls.won, 100, {
            "scoring_method": "bands",
            "band_ids": [Command.create({"from_achievement": 50, "score": 40})],
        })]).line_ids
        cls.cycle = cls.make_cycle(cls.template)
        cls.target = cls.env["sales.assessment.target"].create({
            "cycle_id": cls.cycle.id, "kpi_id": cls.won.id, "user_id": cls.user_a.id,
            "target_value": 10,
        })
        cls.grade = cls.env["sales.assessment.grade"].create({"name": "SA G", "min_score": 10})

    def new_target(self, value, user=None):
        return self.env["sales.assessment.target"].with_user(self.manager).create({
            "cycle_id": self.cycle.id, "kpi_id": self.won.id,
            "user_id": (user or self.user_b).id, "target_value": value,
        })

    def test_target_create(self):
        self.assertRefused("sales.assessment.target", "target_value", self.new_target)
        self.assertEqual(self.new_target(LIMIT).target_value, LIMIT)
        self.assertEqual(self.new_target(250.5, self.user_c).target_value, 250.5)

    def test_target_write(self):
        target = self.target.with_user(self.manager)
        self.assertRefused("sales.assessment.target", "target_value",
                           lambda value: target.write({"target_value": value}))
        for value in (LIMIT, 0.0, 42.5):
            target.target_value = value
            self.assertEqual(target.target_value, value)

    def test_target_over_api(self):
        self.assertRefusedOverApi(self.target, self.manager, "target_value")
        with self.assertRaisesRegex(ValidationError, "must be a number"):
            call_kw(self.env["sales.assessment.target"].with_user(self.manager), "create", [{
                "cycle_id": self.cycle.id, "kpi_id": self.won.id, "user_id": self.user_b.id,
                "target_value": float("nan"),
            }], {})

    # -- scorecard lines

    def new_template(self, **line_values):
        return self.env["sales.assessment.template"].with_user(self.manager).create({
            "name": "SA Numbers",
            "line_ids": [Command.create(dict({"kpi_id": self.won.id, "weight": 100},
                                             **line_values))],
        })

    def test_scorecard_line_create(self):
        Line = "sales.assessment.template.line"
        self.assertRefused(Line, "weight", lambda value: self.new_template(weight=value))
        self.assertRefused(Line, "cap_achievement",
                           lambda value: self.new_template(cap_achievement=value))
        self.assertRefused(Line, "min_achievement", lambda value: self.new_template(
            scoring_method="gate", cap_achievement=0, min_achievement=value))
        line = self.new_template(scoring_method="gate", cap_achievement=LIMIT,
                                 min_achievement=LIMIT).line_ids
        self.assertEqual((line.cap_achievement, line.min_achievement), (LIMIT, LIMIT))

    def test_scorecard_line_write(self):
        line = self.line_won.with_user(self.manager)
        for fname in ("weight", "min_achievement", "cap_achievement"):
            self.assertRefused(line._name, fname,
                               lambda value, f=fname: line.write({f: value}))
        line.write({"scoring_method": "gate", "cap_achievement": LIMIT,
                    "min_achievement": 80.5})
        self.assertEqual((line.cap_achievement, line.min_achievement), (LIMIT, 80.5))

    def test_scorecard_line_write_through_the_scorecard(self):
        template = self.template.with_user(self.manager)
        self.assertRefused("sales.assessment.template.line", "weight", lambda value: (
            template.write({"line_ids": [Command.update(self.line_won.id, {"weight": value})]})
        ))

    def test_weight_of_a_whole_scorecard(self):
        """1e12 is a number: it is refused by the sum of the weights, not as NaN."""
        with self.assertRaisesRegex(ValidationError, "sum to 1000000000000"):
            self.new_template(weight=LIMIT)

    def test_scorecard_line_over_api(self):
        self.assertRefusedOverApi(self.line_won, self.manager, "weight")
        self.assertRefusedOverApi(self.line_won, self.manager, "cap_achievement")

    def test_weights_sum_never_meets_a_nan(self):
        """A NaN stored before the lines refused it gets the field's message
        from the scorecard's check, not the engine's error."""
        self.env.cr.execute(
            "UPDATE sales_assessment_template_line SET weight = 'NaN' WHERE id = %s",
            [self.line_won.id],
        )
        self.line_won.invalidate_recordset(["weight"])
        with self.assertRaisesRegex(ValidationError, "^Weight of .* must be a number"):
            self.template.with_user(self.manager).write({"line_ids": [
                Command.create({"kpi_id": self.kpi("lost").id, "weight": 0}),
            ]})

    # -- bands

    def test_band_create(self):
        line = self.bands_line.with_user(self.manager)

        def add_band(**values):
            line.write({"band_ids": [Command.create(dict(
                {"from_achievement": 80, "score": 70}, **values))]})

        Band = "sales.assessment.template.band"
        self.assertRefused(Band, "from_achievement", lambda value: add_band(from_achievement=value))
        self.assertRefused(Band, "score", lambda value: add_band(score=value))
        add_band(from_achievement=LIMIT, score=LIMIT)
        self.assertIn(LIMIT, line.band_ids.mapped("score"))

    def test_band_write(self):
        band = self.bands_line.band_ids.with_user(self.manager)
        for fname in ("from_achievement", "score"):
            self.assertRefused(band._name, fname, lambda value, f=fname: band.write({f: value}))
        band.write({"from_achievement": LIMIT, "score": 95.5})
        self.assertEqual((band.from_achievement, band.score), (LIMIT, 95.5))
        self.assertRefusedOverApi(band, self.manager, "score")

    # -- grades

    def test_grade(self):
        Grade = self.env["sales.assessment.grade"].with_user(self.manager)
        grade = self.grade.with_user(self.manager)
        self.assertRefused(Grade._name, "min_score",
                           lambda value: Grade.create({"name": "X", "min_score": value}))
        self.assertRefused(Grade._name, "min_score",
                           lambda value: grade.write({"min_score": value}))
        self.assertEqual(Grade.create({"name": "Top", "min_score": LIMIT}).min_score, LIMIT)
        grade.min_score = 72.5
        self.assertEqual(grade.min_score, 72.5)
        self.assertRefusedOverApi(self.grade, self.manager, "min_score")

    # -- wizards

    def allocate_wizard(self, **values):
        return self.env["sales.assessment.target.allocate"].with_user(self.manager).create(
            dict({"cycle_id": self.cycle.id, "kpi_id": self.won.id,
                  "team_id": self.team_1.id, "team_target": 100}, **values))

    def test_allocate_wizard(self):
        Wizard = "sales.assessment.target.allocate"
        self.assertRefused(Wizard, "team_target",
                           lambda value: self.allocate_wizard(team_target=value))
        wizard = self.allocate_wizard(team_target=LIMIT)
        self.assertRefused(Wizard, "team_target",
                           lambda value: wizard.write({"team_target": value}))
        self.assertRefusedOverApi(wizard, self.manager, "team_target")
        self.assertEqual(wizard.team_target, LIMIT)

    def test_allocate_wizard_members(self):
        def member(**values):
            return self.allocate_wizard(line_ids=[Command.create(dict(
                {"user_id": self.user_a.id}, **values))])

        Line = "sales.assessment.target.allocate.line"
        self.assertRefused(Line, "weight", lambda value: member(weight=value))
        self.assertRefused(Line, "presence", lambda value: member(presence=value))
        line = member(weight=LIMIT, presence=LIMIT).line_ids
        self.assertEqual((line.weight, line.presence), (LIMIT, LIMIT))
        for fname in ("weight", "presence"):
            self.assertRefused(Line, fname, lambda value, f=fname: line.write({f: value}))
        self.assertRefusedOverApi(line, self.manager, "weight")
        line.write({"weight": 2.5, "presence": 60})
        self.assertEqual((line.weight, line.presence), (2.5, 60))

    def test_generate_wizard_year(self):
        Wizard = self.env["sales.assessment.cycle.generate"].with_user(self.manager)
        self.assertRefused(Wizard._name, "fiscal_year",
                           lambda value: Wizard.create({"fiscal_year": value}))
        wizard = Wizard.create({"fiscal_year": 2031})
        self.assertRefused(Wizard._name, "fiscal_year",
                           lambda value: wizard.write({"fiscal_year": value}))
        self.assertRefusedOverApi(wizard, self.manager, "fiscal_year")
        self.assertEqual(wizard.fiscal_year, 2031)

    # -- settings

    def test_company_grace_days(self):
        company = self.company.with_user(self.admin)
        self.assertRefused("res.company", "sales_assessment_grace_days",
                           lambda value: company.write({"sales_assessment_grace_days": value}))
        self.assertRefusedOverApi(self.company, self.admin, "sales_assessment_grace_days")
        company.sales_assessment_grace_days = 12
        self.assertEqual(company.sales_assessment_grace_days, 12)

    def test_settings_grace_days(self):
        """The settings form sends its company with the values, and the
        settings' own create converts them first: refused before that."""
        Settings = self.env["res.config.settings"].with_user(self.admin)
        self.assertRefused(Settings._name, "sales_assessment_grace_days", lambda value: (
            Settings.create({"company_id": self.company.id, "sales_assessment_grace_days": value})
        ))
        Settings.create({"sales_assessment_grace_days": 9}).execute()
        self.assertEqual(self.company.sales_assessment_grace_days, 9)
