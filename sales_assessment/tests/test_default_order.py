from datetime import date

from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestDefaultOrder(SalesAssessmentCase):
    """Lists open on the newest cycle: evaluations and targets follow the
    cycles' own order (newest first), not its reverse."""

    def test_newest_cycle_first(self):
        satisfaction = self.kpi("customer_satisfaction")
        template = self.make_template([(satisfaction, 100, {})])
        old = self.make_cycle(template, date(2024, 1, 1), date(2024, 3, 31), name="SA old")
        new = self.make_cycle(template, date(2025, 1, 1), date(2025, 3, 31), name="SA new")
        for cycle in (old, new):
            self.set_targets(cycle, satisfaction, {self.user_a: 100})
            cycle.action_open()
        cycles = (old | new).ids
        evaluations = self.env["sales.assessment.evaluation"].search([("cycle_id", "in", cycles)])
        self.assertEqual(evaluations[0].cycle_id, new)
        self.assertEqual(evaluations[-1].cycle_id, old)
        targets = self.env["sales.assessment.target"].search([("cycle_id", "in", cycles)])
        self.assertEqual(targets.mapped("cycle_id").ids, [new.id, old.id])
