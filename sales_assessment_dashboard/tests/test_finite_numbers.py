from odoo.api import call_kw
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.sales_assessment.tests.common import FiniteNumbersMixin

THRESHOLDS = ("sales_assessment_on_track_threshold", "sales_assessment_off_track_threshold")


@tagged("post_install", "-at_install")
class TestDashboardFiniteNumbers(FiniteNumbersMixin, TransactionCase):
    """The pacing thresholds are finite and at most 1e12 in size: NaN,
    ±infinity, 1e308 and 1e13 are refused with a ValidationError naming the
    field, in the company and in the settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.company = cls.env.company

    def test_company_thresholds(self):
        company = self.company.with_user(self.admin)
        for fname in THRESHOLDS:
            self.assertRefused("res.company", fname,
                               lambda value, f=fname: company.write({f: value}))
            with self.assertRaisesRegex(ValidationError, "must be a number"):
                call_kw(self.env["res.company"].with_user(self.admin), "write",
                        [company.ids, {fname: float("nan")}], {})
        company.write({THRESHOLDS[0]: 1e12, THRESHOLDS[1]: 60.5})
        self.assertEqual((company[THRESHOLDS[0]], company[THRESHOLDS[1]]), (1e12, 60.5))

    def test_settings_thresholds(self):
        Settings = self.env["res.config.settings"].with_user(self.admin)
        for fname in THRESHOLDS:
            # the settings form sends its company with the values
            self.assertRefused(Settings._name, fname, lambda value, f=fname: Settings.create(
                {"company_id": self.company.id, f: value}))
        Settings.create({THRESHOLDS[0]: 90.0, THRESHOLDS[1]: 70.0}).execute()
        self.assertEqual(self.company[THRESHOLDS[0]], 90.0)
        self.assertEqual(self.company[THRESHOLDS[1]], 70.0)
