from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

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
