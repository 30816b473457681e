from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestBadInput(SalesAssessmentCase):
    """Every refusal of the core is a ValidationError, UserError or
    AccessError whose message says what to fix: never a database error,
    a traceback or a silently wrong figure. One case per test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Kpi = cls.env["sales.assessment.kpi"]
        cls.fields_ = cls.env["ir.model.fields"]
        cls.won = cls.kpi("won")
        cls.revenue = cls.kpi("revenue_ordered")
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.revenue, 50, {}), (cls.satisfaction, 50, {})])
        cls.cycle = cls.make_cycle(cls.template)
        cls.target = cls.env["sales.assessment.target"].create({
            "cycle_id": cls.cycle.id, "kpi_id": cls.revenue.id, "user_id": cls.user_a.id,
            "target_value": 100,
        })

    def closed_cycle(self):
        self.cycle.action_open()
        self.cycle.action_close()
        return self.cycle

    def lead_field(self, name):
        return self.fields_._get("crm.lead", name).id

    # -- KPI definitions

    def test_kpi_code_with_space(self):
        with self.assertRaisesRegex(ValidationError, "letters, digits and underscores"):
            self.Kpi.create({"name": "X", "code": "my code", "kpi_type": "manual"})

    def test_kpi_code_starting_with_digit(self):
        with self.assertRaisesRegex(ValidationError, "starting with a letter"):
            self.Kpi.create({"name": "X", "code": "1st", "kpi_type": "manual"})

    def test_kpi_code_reserved(self):
        with self.assertRaisesRegex(ValidationError, "not min, max, abs"):
            self.Kpi.create({"name": "X", "code": "max", "kpi_type": "manual"})

    def test_kpi_code_with_accent(self):
        with self.assertRaisesRegex(ValidationError, "is not valid"):
            self.Kpi.create({"name": "X", "code": "成交", "kpi_type": "manual"})

    def test_kpi_shared_code_clashes_with_company_code(self):
        self.Kpi.create({"name": "Own", "code": "sa_own", "kpi_type": "manual",
                         "company_id": self.company.id})
        with self.assertRaisesRegex(ValidationError, "already uses the code"):
            self.Kpi.create({"name": "Shared", "code": "sa_own", "kpi_type": "manual"})

    def test_builtin_kpi_without_metric(self):
        with self.assertRaisesRegex(ValidationError, "Choose the built-in metric"):
            self.Kpi.create({"name": "X", "code": "sa_x", "kpi_type": "builtin"})

    def test_domain_kpi_without_model(self):
        with self.assertRaisesRegex(ValidationError, "set its model, date field"):
            self.Kpi.create({"name": "X", "code": "sa_x", "kpi_type": "domain"})

    def test_domain_kpi_measure_not_numeric(self):
        with self.assertRaisesRegex(ValidationError, "is not a number"):
            self.make_lead_kpi("sa_x", aggregation="sum",
                               measure_field_id=self.lead_field("name"))

    def test_domain_kpi_user_field_not_a_user(self):
        with self.assertRaisesRegex(ValidationError, "does not point to users"):
            self.make_lead_kpi("sa_x", user_field_id=self.lead_field("partner_id"))

    def test_domain_kpi_date_field_not_a_date(self):
        with self.assertRaisesRegex(ValidationError, "is not a date"):
            self.make_lead_kpi("sa_x", date_field_id=self.lead_field("name"))

    def test_domain_kpi_team_field_not_a_team(self):
        with self.assertRaisesRegex(ValidationError, "does not point to sales teams"):
            self.make_lead_kpi("sa_x", team_field_id=self.lead_field("user_id"))

    def test_domain_kpi_field_of_another_model(self):
        with self.assertRaisesRegex(ValidationError, "must belong to its model"):
            self.make_lead_kpi(
                "sa_x", date_field_id=self.fields_._get("sale.order", "date_order").id)

    def test_domain_kpi_domain_not_a_list(self):
        with self.assertRaisesRegex(ValidationError, "must be a list"):
            self.make_lead_kpi("sa_x", "42")

    def test_domain_kpi_sum_without_measure(self):
        with self.assertRaisesRegex(ValidationError, "needs a measure field"):
            self.make_lead_kpi("sa_x", aggregation="sum")

    def test_formula_kpi_without_formula(self):
        with self.assertRaisesRegex(ValidationError, "Write the formula"):
            self.Kpi.create({"name": "X", "code": "sa_x", "kpi_type": "formula"})

    def test_formula_syntax_error_names_the_column(self):
        with self.assertRaisesRegex(ValidationError, r"does not parse.*column \d+"):
            self.Kpi.create({"name": "X", "code": "sa_x", "kpi_type": "formula",
                             "formula": "won / (won + "})

    def test_formula_unsupported_operator(self):
        with self.assertRaisesRegex(ValidationError, r'Unsupported element "\*\*"'):
            self.Kpi.create({"name": "X", "code": "sa_x", "kpi_type": "formula",
                             "formula": "won ** 2"})

    def test_formula_attribute_access(self):
        with self.assertRaisesRegex(ValidationError, "Unsupported element"):
            self.Kpi.create({"name": "X", "code": "sa_x", "kpi_type": "formula",
                             "formula": "won.real"})

    def test_rename_code_used_in_formula(self):
        self.Kpi.create({"name": "F", "code": "sa_f", "kpi_type": "formula",
                         "formula": "won * 2"})
        with self.assertRaisesRegex(ValidationError, "used in the formula of F"):
            self.won.code = "won_renamed"

    def test_delete_kpi_used_in_formula(self):
        manual = self.Kpi.create({"name": "M", "code": "sa_m", "kpi_type": "manual"})
        self.Kpi.create({"name": "F", "code": "sa_f", "kpi_type": "formula",
                         "formula": "sa_m + 1"})
        with self.assertRaisesRegex(ValidationError, "change those formulas first"):
            manual.unlink()

    def test_delete_kpi_used_by_scorecard(self):
        with self.assertRaisesRegex(UserError, "remove it from the scorecard first"):
            self.satisfaction.unlink()

    def test_delete_kpi_with_figures(self):
        kpi = self.Kpi.create({"name": "M", "code": "sa_m", "kpi_type": "manual"})
        self.env["sales.assessment.target"].create({
            "cycle_id": self.cycle.id, "kpi_id": kpi.id, "user_id": self.user_a.id,
            "target_value": 1})
        with self.assertRaisesRegex(UserError, "archive it instead"):
            kpi.unlink()

    # -- scorecards

    def test_negative_weight(self):
        with self.assertRaisesRegex(ValidationError, "weight of KPI .* is negative"):
            self.make_template([(self.won, 110, {}), (self.revenue, -10, {})])

    def test_negative_cap(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.make_template([(self.won, 100, {"cap_achievement": -1})])

    def test_negative_gate(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.make_template([(self.won, 100, {"scoring_method": "gate",
                                                 "min_achievement": -5})])

    def test_gate_above_cap(self):
        with self.assertRaisesRegex(ValidationError, "is above its cap"):
            self.make_template([(self.won, 100, {"scoring_method": "gate",
                                                 "min_achievement": 130,
                                                 "cap_achievement": 120})])

    def test_same_kpi_twice(self):
        with self.assertRaisesRegex(ValidationError, "appears twice"):
            self.make_template([(self.won, 50, {}), (self.won, 50, {})])

    def test_negative_band(self):
        with self.assertRaisesRegex(ValidationError, "zero or more"):
            self.make_template([(self.won, 100, {
                "scoring_method": "bands",
                "band_ids": [Command.create({"from_achievement": -10, "score": 50})],
            })])

    def test_delete_scorecard_with_evaluations(self):
        self.cycle.action_open()
        with self.assertRaisesRegex(UserError, "archive it instead"):
            self.template.unlink()

    def test_delete_scorecard_line_scored_in_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "reopen the cycle first"):
            self.template.line_ids[:1].unlink()

    def test_delete_grade_given_in_closed_cycle(self):
        self.closed_cycle()
        grade = self.cycle.evaluation_ids.grade_id[:1]
        self.assertTrue(grade)
        with self.assertRaisesRegex(UserError, "remove it from the scorecards"):
            grade.unlink()

    def test_delete_team_assessed_in_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "archive the team instead"):
            self.team_2.unlink()

    # -- cycles

    def test_invalid_timezone_on_create(self):
        with self.assertRaisesRegex(ValidationError, "is not a timezone"):
            self.env["sales.assessment.cycle"].create({
                "name": "X", "date_start": date(2026, 1, 1), "date_end": date(2026, 1, 31),
                "tz": "Mars/Olympus",
            })

    def test_invalid_timezone_on_write(self):
        with self.assertRaisesRegex(ValidationError, "is not a timezone"):
            self.cycle.tz = "Asia/Beijing"

    def test_open_twice(self):
        self.cycle.action_open()
        with self.assertRaisesRegex(UserError, "Only draft cycles"):
            self.cycle.action_open()

    def test_refresh_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "closed cycles are frozen"):
            self.cycle.action_refresh()

    def test_reopen_open_cycle(self):
        self.cycle.action_open()
        with self.assertRaisesRegex(UserError, "Only closed cycles can be reopened"):
            self.cycle.with_context(reopen_reason="x").action_reopen()

    def test_cancel_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "Reopen a closed cycle before cancelling"):
            self.cycle.action_cancel()

    def test_delete_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.cycle.unlink()

    def test_change_dates_of_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "Reopen the cycle first"):
            self.cycle.date_start = date(2025, 1, 2)

    def test_salesperson_opens_cycle(self):
        with self.assertRaisesRegex(AccessError, "Only sales assessment managers"):
            self.cycle.with_user(self.user_a).action_open()

    def test_salesperson_refreshes_cycle(self):
        self.cycle.action_open()
        with self.assertRaisesRegex(AccessError, "Only team leaders and managers"):
            self.cycle.with_user(self.user_a).action_refresh()

    # -- targets

    def test_target_without_subject(self):
        with self.assertRaisesRegex(ValidationError, "Set the salesperson or the sales team"):
            self.env["sales.assessment.target"].create({
                "cycle_id": self.cycle.id, "kpi_id": self.won.id, "target_value": 1})

    def test_duplicate_target(self):
        with self.assertRaisesRegex(ValidationError, "already has a target"):
            self.env["sales.assessment.target"].create({
                "cycle_id": self.cycle.id, "kpi_id": self.revenue.id,
                "user_id": self.user_a.id, "target_value": 5})

    def test_target_in_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "Reopen the cycle first"):
            self.target.target_value = 1

    def test_target_in_cancelled_cycle(self):
        self.cycle.action_cancel()
        with self.assertRaisesRegex(UserError, "reset it to draft"):
            self.target.target_value = 1

    def test_delete_target_of_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "Reopen the cycle first"):
            self.target.unlink()

    def test_allocate_with_nothing_to_allocate_by(self):
        wizard_form = Form(self.env["sales.assessment.target.allocate"])
        wizard_form.cycle_id = self.cycle
        wizard_form.kpi_id = self.revenue
        wizard_form.team_id = self.team_1
        wizard_form.team_target = 1000
        wizard_form.method = "previous"
        with self.assertRaisesRegex(UserError, "Nothing to allocate by"):
            wizard_form.save().action_allocate()

    # -- evaluations

    def test_leader_types_value_of_computed_kpi(self):
        self.cycle.action_open()
        line = self.line(self.cycle, self.user_a, self.revenue)
        with self.assertRaisesRegex(UserError, "Only manual KPIs take a typed-in value"):
            line.with_user(self.leader).manual_value = 5

    def test_salesperson_comments_another_evaluation(self):
        self.cycle.action_open()
        with self.assertRaises(AccessError):
            self.evaluation(self.cycle, self.user_b).with_user(self.user_a).self_comment = "x"

    def test_confirm_evaluation_of_closed_cycle(self):
        self.closed_cycle()
        with self.assertRaisesRegex(UserError, "Only live evaluations of open cycles"):
            self.evaluation(self.cycle, self.user_a).with_user(self.leader).action_confirm()

    def test_duplicate_evaluation(self):
        self.cycle.action_open()
        with self.assertRaisesRegex(ValidationError, "one evaluation per cycle"):
            self.env["sales.assessment.evaluation"].create({
                "cycle_id": self.cycle.id, "template_id": self.template.id,
                "user_id": self.user_a.id,
            })

    def test_generate_year_out_of_range(self):
        wizard = self.env["sales.assessment.cycle.generate"].create({"fiscal_year": 12})
        with self.assertRaisesRegex(UserError, "between 1900 and 9998"):
            wizard.action_generate()
