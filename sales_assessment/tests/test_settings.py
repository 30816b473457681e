from lxml import etree

from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestSettingsReachable(SalesAssessmentCase):
    """The addons' settings sit in an app of their own in the Settings form:
    Sales' block is not rendered without sale_management (``notApp``), and
    our addons depend on sale_crm only."""

    def settings_app(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]
        apps = etree.fromstring(arch["arch"]).xpath("//app[@name='sales_assessment']")
        self.assertEqual(len(apps), 1, "one Sales Assessment app in Settings")
        return apps[0]

    def test_every_setting_in_its_app(self):
        sale_management = self.env["ir.module.module"].search(
            [("name", "=", "sale_management")])
        if sale_management.state == "installed":
            self.skipTest("sale_management is installed: Sales' block shows anyway")
        app = self.settings_app()
        self.assertNotEqual(app.get("notApp"), "1")
        shown = {field.get("name") for field in app.iter("field")}
        ours = {name for name in self.env["res.config.settings"]._fields
                if name.startswith("sales_assessment_")}
        self.assertTrue(ours)
        self.assertFalse(ours - shown, "every setting of the addons is in their app")
        # nothing of ours is left inside Sales' hidden app
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]
        for sale_app in etree.fromstring(arch["arch"]).xpath("//app[@name='sale_management']"):
            self.assertFalse(ours & {f.get("name") for f in sale_app.iter("field")})

    def test_settings_menu_of_the_app(self):
        action = self.env.ref("sales_assessment.res_config_settings_action")
        self.assertEqual(action.res_model, "res.config.settings")
        self.assertIn("'module': 'sales_assessment'", action.context)
        menu = self.env.ref("sales_assessment.sales_assessment_settings_menu")
        self.assertEqual(menu.action, action)
