from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-18 10:00:00")
class TestCycleDefaults(SalesAssessmentCase):
    """A new cycle is the current month, named after it, with the company's
    scorecards; choosing another period type snaps the dates and the name."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.make_template([(cls.kpi("customer_satisfaction"), 100, {})])

    def test_new_cycle_form(self):
        form = Form(self.env["sales.assessment.cycle"].with_user(self.manager))
        self.assertEqual((form.date_start, form.date_end), (date(2026, 11, 1), date(2026, 11, 30)))
        self.assertEqual(form.name, "2026-11")
        self.assertIn(self.template, form.template_ids)
        form.period_type = "quarter"
        self.assertEqual((form.date_start, form.date_end), (date(2026, 10, 1), date(2026, 12, 31)))
        self.assertEqual(form.name, "2026-Q4")
        form.name = "SA Autumn push"
        form.period_type = "half"
        self.assertEqual((form.date_start, form.date_end), (date(2026, 7, 1), date(2026, 12, 31)))
        self.assertEqual(form.name, "SA Autumn push", "a name the user chose stays")
        cycle = form.save()
        self.assertEqual(cycle.state, "draft")

    def test_api_create_takes_the_defaults(self):
        cycle = self.env["sales.assessment.cycle"].with_user(self.manager).create({})
        self.assertEqual((cycle.name, cycle.date_start, cycle.date_end),
                         ("2026-11", date(2026, 11, 1), date(2026, 11, 30)))
        self.assertIn(self.template, cycle.template_ids)
