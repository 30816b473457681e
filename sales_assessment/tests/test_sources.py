from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestSources(SalesAssessmentCase):
    """"View sources" opens exactly the records counted, for every KPI type
    and subject type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.customers
        cls.order_a = cls.make_order(cls.user_a, c[0], 100.0, date(2025, 1, 5))
        cls.order_b = cls.make_order(cls.user_b, c[1], 200.0, date(2025, 1, 6))
        cls.order_c = cls.make_order(cls.user_c, c[2], 400.0, date(2025, 1, 7))
        cls.make_order(cls.user_a, c[3], 800.0, date(2025, 5, 7))  # outside
        cls.won_a = cls.make_opportunity(cls.user_a, "won", date(2025, 2, 1))
        cls.lost_a = cls.make_opportunity(cls.user_a, "lost", date(2025, 2, 2))
        cls.won_b = cls.make_opportunity(cls.user_b, "won", date(2025, 2, 3))
        cls.make_opportunity(cls.user_a, "won", date(2025, 6, 3))  # outside
        leads = cls.env["crm.lead"].with_context(active_test=False).search([("user_id", "in", (cls.user_a | cls.user_b).ids)])
        cls.env.cr.execute(
            "UPDATE crm_lead SET create_date = '2025-02-10 10:00' WHERE id IN %s",
            [tuple(leads.ids)],
        )
        cls.env.invalidate_all()

    def open_sources(self, kpi, subject_type="user", subject=None):
        template = self.make_template([(kpi, 100, {})], subject_type=subject_type)
        cycle = self.make_cycle(template, name=f"SA sources {kpi.code} {subject_type}")
        cycle.action_open()
        evaluation = cycle.evaluation_ids.filtered(
            lambda e: (e.team_id if subject_type == "team" else e.user_id) == subject)
        line = evaluation.line_ids
        action = line.action_view_sources()
        records = self.env[action["res_model"]].with_context(active_test=False).search(
            action["domain"])
        return line, records

    def test_builtin_user(self):
        line, records = self.open_sources(self.kpi("revenue_ordered"), subject=self.user_a)
        self.assertEqual(records, self.order_a)
        self.assertEqual(line.actual_value, sum(records.mapped("amount_untaxed")))

    def test_builtin_team(self):
        line, records = self.open_sources(self.kpi("revenue_ordered"), "team", self.team_1)
        self.assertEqual(records, self.order_a | self.order_b)
        self.assertEqual(line.actual_value, 300.0)

    def test_domain_user(self):
        kpi = self.make_lead_kpi("sa_src_dom", "[('type', '=', 'opportunity')]")
        line, records = self.open_sources(kpi, subject=self.user_a)
        self.assertEqual(len(records), line.actual_value)
        self.assertEqual(records.user_id, self.user_a)
        self.assertIn(self.won_a, records)
        self.assertIn(self.lost_a, records)

    def test_domain_team_with_team_field(self):
        kpi = self.make_lead_kpi(
            "sa_src_dom_team", "[('type', '=', 'opportunity')]",
            team_field_id=self.env["ir.model.fields"]._get("crm.lead", "team_id").id,
        )
        line, records = self.open_sources(kpi, "team", self.team_1)
        self.assertEqual(len(records), line.actual_value)
        self.assertEqual(records.team_id, self.team_1)

    def test_domain_team_by_members(self):
        kpi = self.make_lead_kpi("sa_src_dom_members", "[('type', '=', 'opportunity')]")
        line, records = self.open_sources(kpi, "team", self.team_1)
        self.assertEqual(len(records), line.actual_value)
        self.assertEqual(records.user_id, self.user_a | self.user_b)
        self.assertEqual(line.actual_value, 4)

    def test_formula_of_one_model(self):
        kpi = self.env["sales.assessment.kpi"].create({
            "name": "SA decided", "code": "sa_decided", "kpi_type": "formula",
            "formula": "won + lost",
        })
        line, records = self.open_sources(kpi, subject=self.user_a)
        self.assertEqual(records, self.won_a | self.lost_a)
        self.assertEqual(line.actual_value, 2)

    def test_formula_of_several_models_explains(self):
        kpi = self.env["sales.assessment.kpi"].create({
            "name": "SA mixed", "code": "sa_mixed", "kpi_type": "formula",
            "formula": "won + orders_count",
        })
        with self.assertRaisesRegex(UserError, "different kinds of records"):
            self.open_sources(kpi, subject=self.user_a)

    def test_manual_has_no_sources(self):
        with self.assertRaisesRegex(UserError, "not read from records"):
            self.open_sources(self.kpi("customer_satisfaction"), subject=self.user_a)
