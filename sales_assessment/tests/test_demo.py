from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """Installed with demo data, the product shows a closed previous quarter
    and an open current one with meaningful scores."""

    def test_demo_cycles_have_scores(self):
        if not self.env.ref("base.module_sales_assessment").demo:
            self.skipTest("installed without demo data")
        cycles = self.env["sales.assessment.cycle"].search([("name", "like", "(demo)")])
        self.assertEqual(sorted(cycles.mapped("state")), ["closed", "open"])
        for cycle in cycles:
            self.assertEqual(len(cycle.evaluation_ids), 6)
            self.assertTrue(any(ev.total_score > 0 for ev in cycle.evaluation_ids))
        closed = cycles.filtered(lambda c: c.state == "closed")
        self.assertTrue(all(closed.evaluation_ids.mapped("grade_id")))
        self.assertEqual(min(closed.evaluation_ids.mapped("rank")), 1)
