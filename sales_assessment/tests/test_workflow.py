from odoo import Command
from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestWorkflowRights(SalesAssessmentCase):
    """can_<verb> / cannot_<verb>_reason follow the reader, and the buttons
    refuse what they say is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.make_template([(cls.kpi("customer_satisfaction"), 100, {})])
        cls.cycle = cls.make_cycle(cls.template)

    def test_cycle_rights_per_user(self):
        as_manager = self.cycle.with_user(self.manager)
        as_seller = self.cycle.with_user(self.user_a)
        self.assertTrue(as_manager.can_open)
        self.assertFalse(as_seller.can_open)
        self.assertIn("Only sales assessment managers can open", as_seller.cannot_open_reason)
        self.assertFalse(as_manager.can_close)
        self.assertIn("is a draft", as_manager.cannot_close_reason)
        self.cycle.action_open()
        self.cycle.invalidate_recordset()
        self.assertTrue(as_manager.can_close)
        self.assertTrue(self.cycle.with_user(self.leader).can_refresh)
        self.assertFalse(as_seller.can_refresh)
        self.assertFalse(as_manager.can_reopen)
        self.cycle.action_close()
        self.cycle.invalidate_recordset()
        self.assertTrue(as_manager.can_reopen)
        self.assertFalse(as_manager.can_cancel)
        self.assertIn("Reopen a closed cycle", as_manager.cannot_cancel_reason)

    def test_reopen_through_wizard_and_api(self):
        self.cycle.action_open()
        self.cycle.action_close()
        wizard = self.env["sales.assessment.cycle.reopen"].create({
            "cycle_ids": [Command.set(self.cycle.ids)], "reason": "Survey arrived late",
        })
        wizard.action_reopen()
        self.assertEqual((self.cycle.state, self.cycle.reopen_reason),
                         ("open", "Survey arrived late"))
        self.cycle.action_close()
        self.cycle.with_context(reopen_reason="API client").action_reopen()
        self.assertEqual(self.cycle.reopen_reason, "API client")

    def test_evaluation_confirm_rights(self):
        self.team_1.member_ids = [Command.link(self.leader.id)]
        self.cycle.action_open()
        own = self.evaluation(self.cycle, self.leader).with_user(self.leader)
        mate = self.evaluation(self.cycle, self.user_a).with_user(self.leader)
        self.assertTrue(mate.can_confirm)
        self.assertFalse(own.can_confirm)
        self.assertIn("your own evaluation", own.cannot_confirm_reason)
        self.assertFalse(self.evaluation(self.cycle, self.user_a).with_user(
            self.user_a).can_confirm)
