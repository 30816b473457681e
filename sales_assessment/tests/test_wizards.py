from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestWizards(SalesAssessmentCase):
    def test_generate_cycles_of_a_year(self):
        template = self.make_template([(self.kpi("won"), 100, {})])
        wizard = self.env["sales.assessment.cycle.generate"].create({
            "fiscal_year": 2031, "month": True, "quarter": True, "half": True, "year": True,
            "template_ids": [(6, 0, template.ids)],
        })
        wizard.action_generate()
        cycles = self.env["sales.assessment.cycle"].search(
            [("date_start", ">=", date(2031, 1, 1)), ("date_end", "<=", date(2031, 12, 31))]
        )
        counts = {t: len(cycles.filtered(lambda c, t=t: c.period_type == t))
                  for t in ("month", "quarter", "half", "year")}
        self.assertEqual(counts, {"month": 12, "quarter": 4, "half": 2, "year": 1})
        q2 = cycles.filtered(lambda c: c.period_type == "quarter" and c.name == "2031-Q2")
        self.assertEqual((q2.date_start, q2.date_end), (date(2031, 4, 1), date(2031, 6, 30)))
        self.assertEqual(q2.template_ids, template)
        with self.assertRaisesRegex(UserError, "exist already"):
            wizard.action_generate()

    def test_generate_follows_fiscal_year_start(self):
        self.company.sales_assessment_fiscal_start_month = "4"
        wizard = self.env["sales.assessment.cycle.generate"].create(
            {"fiscal_year": 2032, "month": False, "quarter": True, "year": False}
        )
        wizard.action_generate()
        quarters = self.env["sales.assessment.cycle"].search(
            [("period_type", "=", "quarter"), ("date_start", ">=", date(2032, 4, 1)),
             ("date_end", "<=", date(2033, 3, 31))], order="date_start",
        )
        self.assertEqual(quarters[0].date_start, date(2032, 4, 1))
        self.assertEqual(quarters[-1].date_end, date(2033, 3, 31))
        self.assertEqual(len(quarters), 4)

    def test_reopen_wizard_keeps_reason(self):
        template = self.make_template([(self.kpi("won"), 100, {})])
        cycle = self.make_cycle(template)
        cycle.action_open()
        cycle.action_close()
        action = cycle.action_reopen_wizard()
        wizard_form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard_form.reason = "Invoices were posted late"
        wizard_form.save().action_reopen()
        self.assertEqual(cycle.state, "open")
        self.assertEqual(cycle.reopen_reason, "Invoices were posted late")
        self.assertTrue(any("Invoices were posted late" in body
                            for body in cycle.message_ids.mapped("body")))
        self.assertEqual(set(cycle.evaluation_ids.mapped("state")), {"draft"})
