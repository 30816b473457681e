from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """Installed with demo data, the product shows four closed quarters and an
    open current one with meaningful scores, and opportunities with a stage
    history and an open pipeline."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("base.module_sales_assessment").demo:
            self.skipTest("installed without demo data")
        self.cycles = self.env["sales.assessment.cycle"].search(
            [("name", "like", "(demo)")], order="date_start"
        )

    def test_demo_cycles_have_scores(self):
        self.assertEqual(self.cycles.mapped("state"), ["closed"] * 4 + ["open"])
        self.assertTrue(all(c.period_type == "quarter" for c in self.cycles))
        for cycle in self.cycles:
            self.assertEqual(len(cycle.evaluation_ids), 6)
            self.assertTrue(any(ev.total_score > 0 for ev in cycle.evaluation_ids))
        closed = self.cycles.filtered(lambda c: c.state == "closed")
        self.assertTrue(all(closed.evaluation_ids.mapped("grade_id")))
        self.assertEqual(min(closed.evaluation_ids.mapped("rank")), 1)

    def test_demo_forced_distribution(self):
        """At most a third of each closed demo quarter holds A (floor(34 % × 6) = 2),
        and the grade by score is kept beside it."""
        grade_a = self.env.ref("sales_assessment.grade_a")
        template = self.env.ref("sales_assessment.template_salesperson")
        self.assertEqual(template.distribution_ids.grade_id, grade_a)
        for cycle in self.cycles.filtered(lambda c: c.state == "closed"):
            evaluations = cycle.evaluation_ids
            self.assertLessEqual(len(evaluations.filtered(lambda e: e.grade_id == grade_a)), 2)
            self.assertTrue(all(evaluations.mapped("score_grade_id")))

    def test_demo_target_plans(self):
        """The open quarter's plans: one waits for a manager, one is approved
        and locks its targets; both teams' members add up to the team target."""
        plans = self.env["sales.assessment.target.plan"].search(
            [("cycle_id", "=", self.cycles[-1].id)])
        self.assertEqual(sorted(plans.mapped("state")), ["approved", "submitted"])
        waiting = plans.filtered(lambda p: p.state == "submitted")
        self.assertTrue(waiting.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(
                "sales_assessment.mail_act_target_plan_approve")))
        self.assertFalse(any(waiting.target_ids.mapped("is_locked")))
        approved = plans - waiting
        self.assertTrue(all(approved.target_ids.mapped("is_locked")))
        self.assertFalse(plans.line_ids.filtered("is_short"))

    def test_demo_pipeline_history(self):
        users = self.cycles.evaluation_ids.user_id
        leads = self.env["crm.lead"].with_context(active_test=False).search(
            [("user_id", "in", users.ids)]
        )
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        changes = self.env["mail.tracking.value"].sudo().search_count([
            ("field_id", "=", field.id),
            ("mail_message_id.res_id", "in", leads.ids),
            ("mail_message_id.model", "=", "crm.lead"),
        ])
        self.assertGreater(changes, len(leads) // 2)
        open_leads = leads.filtered(lambda lead: lead.active and lead.probability < 100)
        self.assertTrue(open_leads.filtered("date_deadline"))
        self.assertTrue(leads.filtered("lost_reason_id"))
