import re
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.sales_assessment_kpi import FORMULA_ERRORS, Period
from ..tools import formula as formula_tools
from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestValidation(SalesAssessmentCase):
    """Bad input is refused with a message that says what to fix."""

    def test_weights_must_sum_to_100(self):
        with self.assertRaisesRegex(ValidationError, "sum to 90"):
            self.make_template([(self.kpi("won"), 50, {}), (self.kpi("lost"), 40, {})])

    def test_end_before_start(self):
        with self.assertRaisesRegex(ValidationError, "ends .* before it starts"):
            self.make_cycle(self.env["sales.assessment.template"],
                            date(2025, 3, 1), date(2025, 2, 1))

    def test_overlapping_cycles_of_same_type(self):
        self.make_cycle(self.env["sales.assessment.template"], period_type="quarter")
        with self.assertRaisesRegex(ValidationError, "overlaps cycle SA Cycle"):
            self.make_cycle(self.env["sales.assessment.template"],
                            date(2025, 3, 1), date(2025, 3, 31), period_type="quarter",
                            name="Other")
        # another type over the same dates is fine
        self.make_cycle(self.env["sales.assessment.template"],
                        date(2025, 3, 1), date(2025, 3, 31), period_type="month",
                        name="March")

    def test_negative_target(self):
        cycle = self.make_cycle(self.env["sales.assessment.template"])
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.set_targets(cycle, self.kpi("won"), {self.user_a: -5})

    def test_domain_does_not_parse(self):
        with self.assertRaisesRegex(ValidationError, "does not parse"):
            self.make_lead_kpi("dom_kpi", "[('name', '=', ")

    def test_domain_unknown_field(self):
        with self.assertRaisesRegex(ValidationError, "not valid for"):
            self.make_lead_kpi("dom_kpi", "[('no_such_field', '=', 1)]")

    def test_formula_unknown_code(self):
        with self.assertRaisesRegex(ValidationError, "nosuchkpi"):
            self.env["sales.assessment.kpi"].create({
                "name": "F", "code": "f_bad", "kpi_type": "formula",
                "formula": "won + nosuchkpi",
            })

    def test_formula_cycle(self):
        Kpi = self.env["sales.assessment.kpi"]
        first = Kpi.create({"name": "F1", "code": "f_one", "kpi_type": "formula",
                            "formula": "won * 2"})
        Kpi.create({"name": "F2", "code": "f_two", "kpi_type": "formula",
                    "formula": "f_one + 1"})
        with self.assertRaisesRegex(ValidationError, "loop"):
            first.formula = "f_two - 1"

    def test_formula_forbidden_element(self):
        with self.assertRaises(ValidationError):
            self.env["sales.assessment.kpi"].create({
                "name": "F", "code": "f_evil", "kpi_type": "formula",
                "formula": "__import__('os').getcwd()",
            })

    def test_formula_errors_are_whole_sentences(self):
        """The engine says what failed (a code and its params); the message is
        one translated sentence naming the KPI, never the engine's English."""
        cases = {
            "   ": r"^Write the formula of KPI F\.$",
            "won ** 2": r'^Unsupported element "\*\*" in the formula of KPI F: use only',
            "won / (won + ": r"^The formula of KPI F does not parse at column 7: check",
            "open(won)": r'^Unsupported function "open" in the formula of KPI F: only',
            "max + 1": r'^Function "max" in the formula of KPI F must be called, e\.g\. max\(x\)',
            "abs(won, lost)": r'^Function "abs" in the formula of KPI F takes a single argument',
            "min(won)": r'^Function "min" in the formula of KPI F takes at least 2 arguments',
            "round()": r'^Function "round" in the formula of KPI F takes 1 to 2 arguments',
            "1e999": r'^Number "1e999" in the formula of KPI F is out of range',
            "won + nosuch": r'^Unknown KPI code "nosuch" in the formula of KPI F: use',
            "won + " * 200 + "won": r"^The formula of KPI F is too long: keep it within 1000",
            "+".join(["won"] * 250): r"^The formula of KPI F is too complex \(over 400",
        }
        for formula, pattern in cases.items():
            with self.subTest(formula=formula):
                with self.assertRaises(ValidationError) as caught:
                    self.env["sales.assessment.kpi"].create({
                        "name": "F", "code": "f_sentence", "kpi_type": "formula",
                        "formula": formula,
                    })
                self.assertRegex(str(caught.exception), pattern)
                self.assertNotIn(" in formula", str(caught.exception))

    def test_every_formula_error_code_has_a_sentence(self):
        # the codes of the table in the engine's documentation
        codes = set(re.findall(r"^  ``(\w+)`` {2,}", formula_tools.__doc__, re.MULTILINE))
        self.assertIn("unknown_code", codes)
        self.assertEqual(codes - set(FORMULA_ERRORS), set())

    def test_formula_error_while_measuring_is_a_sentence(self):
        Kpi = self.env["sales.assessment.kpi"]
        manual = Kpi.create({"name": "M", "code": "f_manual", "kpi_type": "manual"})
        huge = Kpi.create({"name": "Huge", "code": "f_huge", "kpi_type": "formula",
                           "formula": "f_manual * 1e300"})
        period = Period(self.date_from, self.date_to, self.company, "user")
        uid = self.user_a.id
        with self.assertRaisesRegex(
                UserError, r"^The formula of KPI Huge gives a result out of range: check"):
            huge._measure_values(period, [uid], {manual.id: {uid: 1e10}})

    def test_close_draft_or_cancelled_cycle(self):
        cycle = self.make_cycle(self.env["sales.assessment.template"])
        with self.assertRaisesRegex(UserError, "only open cycles can be closed"):
            cycle.action_close()
        cycle.action_cancel()
        with self.assertRaisesRegex(UserError, "only open cycles can be closed"):
            cycle.action_close()

    def test_reopen_needs_reason(self):
        cycle = self.make_cycle(self.env["sales.assessment.template"])
        cycle.action_open()
        cycle.action_close()
        with self.assertRaisesRegex(UserError, "reason"):
            cycle.action_reopen()
        self.assertEqual(cycle.state, "closed")

    def test_salesperson_cannot_close(self):
        cycle = self.make_cycle(self.env["sales.assessment.template"])
        cycle.action_open()
        with self.assertRaisesRegex(AccessError, "Only sales assessment managers"):
            cycle.with_user(self.user_a).action_close()
        self.assertEqual(cycle.state, "open")

    def test_bands_required(self):
        with self.assertRaisesRegex(ValidationError, "add at least one band"):
            self.make_template([(self.kpi("won"), 100, {"scoring_method": "bands"})])

    def test_duplicate_kpi_code(self):
        with self.assertRaisesRegex(ValidationError, "already uses the code"):
            self.env["sales.assessment.kpi"].create(
                {"name": "Dup", "code": "won", "kpi_type": "manual"}
            )

    def test_closed_cycle_targets_are_locked(self):
        template = self.make_template([(self.kpi("won"), 100, {})])
        cycle = self.make_cycle(template)
        self.set_targets(cycle, self.kpi("won"), {self.user_a: 3})
        cycle.action_open()
        cycle.action_close()
        with self.assertRaisesRegex(UserError, "Reopen the cycle first"):
            cycle.target_ids.target_value = 5
