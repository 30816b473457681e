from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..models.sales_assessment_kpi import Period
from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestCompanyScoping(SalesAssessmentCase):
    """Each company measures its own records with its own KPIs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "SA Company B"})
        (cls.user_a | cls.user_b).company_ids = [Command.link(cls.company_b.id)]
        Kpi = cls.env["sales.assessment.kpi"]
        cls.deals_a, cls.deals_b = Kpi.create([
            {"name": "Deals A", "code": "sa_deals", "kpi_type": "manual",
             "company_id": cls.company.id},
            {"name": "Deals B", "code": "sa_deals", "kpi_type": "manual",
             "company_id": cls.company_b.id},
        ])
        cls.double_a, cls.double_b = Kpi.create([
            {"name": "Double A", "code": "sa_double", "kpi_type": "formula",
             "formula": "sa_deals * 2", "company_id": cls.company.id},
            {"name": "Double B", "code": "sa_double", "kpi_type": "formula",
             "formula": "sa_deals * 3", "company_id": cls.company_b.id},
        ])

    def period(self, company):
        return Period(self.date_from, self.date_to, company, "user")

    def test_formulas_use_their_company_kpis(self):
        uid = self.user_a.id
        values_a = self.double_a._measure_values(
            self.period(self.company), [uid], {self.deals_a.id: {uid: 5.0}})
        self.assertEqual(values_a[self.double_a.id][uid], 10.0)
        self.assertNotIn(self.deals_b.id, values_a)
        values_b = self.double_b._measure_values(
            self.period(self.company_b), [uid], {self.deals_b.id: {uid: 7.0}})
        self.assertEqual(values_b[self.double_b.id][uid], 21.0)
        self.assertNotIn(self.deals_a.id, values_b)

    def test_formula_cannot_name_another_company_kpi(self):
        self.env["sales.assessment.kpi"].create({
            "name": "Only B", "code": "sa_only_b", "kpi_type": "manual",
            "company_id": self.company_b.id,
        })
        with self.assertRaisesRegex(ValidationError, "sa_only_b"):
            self.env["sales.assessment.kpi"].create({
                "name": "Uses B", "code": "sa_uses_b", "kpi_type": "formula",
                "formula": "sa_only_b + 1", "company_id": self.company.id,
            })

    def test_same_code_in_one_company_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "already uses the code"):
            self.env["sales.assessment.kpi"].create({
                "name": "Deals A bis", "code": "sa_deals", "kpi_type": "manual",
                "company_id": self.company.id,
            })

    def test_cycle_of_each_company_uses_its_formula(self):
        seller_b = new_test_user(
            self.env, "sa_b_seller", groups="sales_team.group_sale_salesman",
            company_id=self.company_b.id, company_ids=[Command.set(self.company_b.ids)],
        )
        template_b = self.env["sales.assessment.template"].with_company(self.company_b).create({
            "name": "SA B scorecard", "company_id": self.company_b.id,
            "team_ids": [Command.set(self.env["crm.team"].create({
                "name": "SA B team", "company_id": self.company_b.id,
                "member_ids": [Command.set(seller_b.ids)],
            }).ids)],
            "line_ids": [Command.create({"kpi_id": self.deals_b.id, "weight": 50}),
                         Command.create({"kpi_id": self.double_b.id, "weight": 50})],
        })
        cycle_b = self.env["sales.assessment.cycle"].with_company(self.company_b).create({
            "name": "SA B cycle", "company_id": self.company_b.id, "period_type": "custom",
            "date_start": self.date_from, "date_end": self.date_to,
            "template_ids": [Command.set(template_b.ids)],
        })
        cycle_b.action_open()
        evaluation = cycle_b.evaluation_ids
        evaluation.line_ids.filtered(lambda ln: ln.kpi_id == self.deals_b).manual_value = 4
        cycle_b.action_refresh()
        double = evaluation.line_ids.filtered(lambda ln: ln.kpi_id == self.double_b)
        self.assertEqual(double.actual_value, 12.0)

    def test_lead_without_company_counts_for_its_team_company(self):
        team_b = self.env["crm.team"].create({
            "name": "SA B team", "company_id": self.company_b.id,
        })
        lead_a = self.make_opportunity(self.user_a, "won", date(2025, 2, 1))
        lead_b = self.make_opportunity(self.user_a, "won", date(2025, 2, 1))
        lead_b.team_id = team_b
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET company_id = NULL WHERE id IN %s", [(lead_a.id, lead_b.id)]
        )
        self.env.invalidate_all()
        won = self.kpi("won")
        values_a = won._measure_values(self.period(self.company), [self.user_a.id])
        values_b = won._measure_values(self.period(self.company_b), [self.user_a.id])
        self.assertEqual(values_a[won.id][self.user_a.id], 1)
        self.assertEqual(values_b[won.id][self.user_a.id], 1)

    def test_lead_without_company_nor_team_counts_for_salesperson_company(self):
        lead = self.make_opportunity(self.user_a, "won", date(2025, 2, 1))
        lead.team_id = False
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET company_id = NULL WHERE id = %s", [lead.id])
        self.env.invalidate_all()
        won = self.kpi("won")
        self.assertEqual(self.user_a.company_id, self.company)
        values_a = won._measure_values(self.period(self.company), [self.user_a.id])
        values_b = won._measure_values(self.period(self.company_b), [self.user_a.id])
        self.assertEqual(values_a[won.id][self.user_a.id], 1)
        self.assertEqual(values_b[won.id][self.user_a.id], 0)

    def test_activities_done_count_only_the_cycle_company(self):
        partner_b = self.env["res.partner"].create(
            {"name": "SA B partner", "company_id": self.company_b.id})
        partner_a = self.env["res.partner"].create(
            {"name": "SA A partner", "company_id": self.company.id})
        todo = self.env.ref("mail.mail_activity_data_todo")
        for partner in (partner_a, partner_b):
            activity = partner.activity_schedule(
                activity_type_id=todo.id, user_id=self.user_a.id, summary="SA call")
            activity.with_user(self.user_a).sudo().action_feedback(feedback="done")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET date = %s WHERE mail_activity_type_id IS NOT NULL "
            "AND model = 'res.partner' AND res_id IN %s",
            [datetime(2025, 2, 1, 10, 0), (partner_a.id, partner_b.id)],
        )
        kpi = self.kpi("activities_done")
        values_a = kpi._measure_values(self.period(self.company), [self.user_a.id])
        values_b = kpi._measure_values(self.period(self.company_b), [self.user_a.id])
        self.assertEqual(values_a[kpi.id][self.user_a.id], 1)
        self.assertEqual(values_b[kpi.id][self.user_a.id], 1)

    def test_domain_kpi_without_company_counts_for_salesperson_company(self):
        kpi = self.make_lead_kpi("sa_dom_company", "[('type', '=', 'lead')]")
        lead = self.env["crm.lead"].create(
            {"name": "SA lead", "type": "lead", "user_id": self.user_a.id, "team_id": False})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET company_id = NULL, create_date = %s WHERE id = %s",
            [datetime(2025, 2, 1, 10, 0), lead.id],
        )
        self.env.invalidate_all()
        values_a = kpi._measure_values(self.period(self.company), [self.user_a.id])
        values_b = kpi._measure_values(self.period(self.company_b), [self.user_a.id])
        self.assertEqual(values_a[kpi.id][self.user_a.id], 1)
        self.assertEqual(values_b[kpi.id][self.user_a.id], 0)

    def test_scorecard_line_kpi_must_be_of_its_company(self):
        with self.assertRaises(UserError):
            self.make_template([(self.deals_b, 100, {})])

    def test_cycle_scorecards_must_be_of_its_company(self):
        template_b = self.env["sales.assessment.template"].create({
            "name": "SA B card", "company_id": self.company_b.id,
        })
        with self.assertRaises(UserError):
            self.make_cycle(template_b)
