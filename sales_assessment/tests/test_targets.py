from datetime import date

from odoo.tests import Form, tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestTargets(SalesAssessmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.template = cls.make_template([(cls.revenue, 100, {})])
        cls.cycle = cls.make_cycle(cls.template)

    def test_changes_are_tracked_on_the_target(self):
        Target = self.env["sales.assessment.target"].with_context(tracking_disable=False)
        target = Target.with_user(self.manager).create({
            "cycle_id": self.cycle.id, "kpi_id": self.revenue.id,
            "user_id": self.user_a.id, "target_value": 1000,
        })
        self.env.flush_all()
        self.env.cr.precommit.run()  # records are tracked from the next transaction on
        target.with_user(self.manager).target_value = 1500
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking is written when the transaction commits
        tracking = target.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "target_value")
        self.assertEqual((tracking.old_value_float, tracking.new_value_float), (1000.0, 1500.0))
        self.assertEqual(tracking.mail_message_id.author_id, self.manager.partner_id)
        # the first value, as the KPI shows it: an amount in the company's currency
        symbol = self.company.currency_id.symbol
        self.assertTrue(any("1,000.00" in (m.body or "") and symbol in m.body
                            for m in target.message_ids))
        # nothing of it reaches the cycle's chatter, read by every salesperson
        self.assertFalse(any(value in (m.body or "") for m in self.cycle.message_ids
                             for value in ("1000", "1,000", "1500", "1,500")))
        self.assertFalse(self.cycle.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "target_value"))

    def _allocate(self, method, team_target, weights=None):
        wizard_form = Form(self.env["sales.assessment.target.allocate"])
        wizard_form.cycle_id = self.cycle
        wizard_form.kpi_id = self.revenue
        wizard_form.team_id = self.team_1
        wizard_form.team_target = team_target
        wizard_form.method = method
        wizard = wizard_form.save()
        for line in wizard.line_ids:
            if weights:
                line.weight = weights[line.user_id]
        wizard.action_allocate()
        return {t.user_id: t.target_value for t in self.cycle.target_ids}

    def test_allocate_equally(self):
        targets = self._allocate("equal", 1000)
        self.assertEqual(targets, {self.user_a: 500.0, self.user_b: 500.0})

    def test_allocate_by_weight(self):
        targets = self._allocate("weight", 1000, {self.user_a: 3, self.user_b: 1})
        self.assertEqual(targets, {self.user_a: 750.0, self.user_b: 250.0})

    def test_allocate_by_previous_share(self):
        # previous cycle of equal length: 2024-10-01 .. 2024-12-31
        self.make_order(self.user_a, self.customers[0], 300.0, date(2024, 11, 1))
        self.make_order(self.user_b, self.customers[1], 100.0, date(2024, 12, 1))
        targets = self._allocate("previous", 2000)
        self.assertEqual(targets, {self.user_a: 1500.0, self.user_b: 500.0})

    def test_allocate_prorates_partial_members(self):
        member_b = self.team_1.crm_team_member_ids.filtered(lambda m: m.user_id == self.user_b)
        # Bob joined on 2025-02-15: present 45 of the 90 days of the cycle
        member_b.assessment_date_start = date(2025, 2, 15)
        targets = self._allocate("equal", 1500)
        self.assertEqual(targets, {self.user_a: 1000.0, self.user_b: 500.0})

    def test_import_targets(self):
        result = self.env["sales.assessment.target"].load(
            ["cycle_id/.id", "kpi_id/.id", "user_id/.id", "target_value"],
            [[str(self.cycle.id), str(self.revenue.id), str(self.user_a.id), "1234.5"]],
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(self.cycle.target_ids.target_value, 1234.5)
        exported = self.cycle.target_ids.export_data(["kpi_id/name", "target_value"])
        self.assertEqual(exported["datas"], [["Revenue Ordered", 1234.5]])
