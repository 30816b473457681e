from contextlib import contextmanager
from datetime import date, datetime

from odoo_test_helper import FakeModelLoader

from odoo import Command, fields, models
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models.sales_assessment_kpi import Period
from .common import SalesAssessmentCase


def _fake_model_classes():
    """Business models of another addon, built inside the FakeModelLoader
    (a model class registers itself when it is defined): visits have a
    company, a score only system administrators read and a note; calls have
    no company; notes are readable by no one but the superuser."""

    class SalesAssessmentTestVisit(models.Model):
        _name = "sa.test.visit"
        _description = "SA Test Visit"

        company_id = fields.Many2one("res.company")
        user_id = fields.Many2one("res.users")
        visit_date = fields.Date()
        score = fields.Float()
        secret_score = fields.Float(groups="base.group_system")
        note_id = fields.Many2one("sa.test.note")

    class SalesAssessmentTestCall(models.Model):
        _name = "sa.test.call"
        _description = "SA Test Call"

        user_id = fields.Many2one("res.users")
        call_date = fields.Date()

    class SalesAssessmentTestNote(models.Model):
        _name = "sa.test.note"
        _description = "SA Test Note"

        company_id = fields.Many2one("res.company")
        user_id = fields.Many2one("res.users")
        note_date = fields.Date()

    return SalesAssessmentTestVisit, SalesAssessmentTestCall, SalesAssessmentTestNote


@tagged("post_install", "-at_install")
class TestDomainKpiGuard(SalesAssessmentCase):
    """Domain KPIs are measured with the rights of no one in particular: their
    definition may only count what their author reads, never technical,
    user, bank account, messaging or authentication records, and their
    figures stay inside the cycle's company. A manager or a team leader who
    is not a system administrator measures them all the same."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        cls.loader.update_registry(_fake_model_classes())
        manager_group = cls.env.ref("sales_assessment.group_sales_assessment_manager")
        cls.env["ir.model.access"].create([{
            "name": f"SA test {model} manager",
            "model_id": cls.env["ir.model"]._get_id(model),
            "group_id": manager_group.id,
            "perm_read": True,
        } for model in ("sa.test.visit", "sa.test.call")])
        cls.company_b = cls.env["res.company"].create({"name": "SA Guard Company B"})
        cls.user_b_company = new_test_user(
            cls.env, "sa_guard_b", groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)])
        cls.user_a.company_ids = [Command.link(cls.company_b.id)]
        cls.period_a = Period(cls.date_from, cls.date_to, cls.company, "user")
        cls.period_b = Period(cls.date_from, cls.date_to, cls.company_b, "user")

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    @contextmanager
    def refused(self, pattern):
        """Expect a ValidationError matching ``pattern``; what was written
        before it is rolled back (Odoo's assertRaises holds a savepoint)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def domain_kpi(self, model, domain="[]", author=None, date_field="create_date",
                   user_field="create_uid", **values):
        """Create a domain KPI on ``model`` as ``author`` (default: the
        superuser, who counts as a system administrator)."""
        field = self.env["ir.model.fields"]._get
        Kpi = self.env["sales.assessment.kpi"]
        if author:
            Kpi = Kpi.with_user(author)
        return Kpi.create(dict({
            "name": "SA Guarded", "code": "sa_guarded", "kpi_type": "domain",
            "domain": domain, "model_id": self.env["ir.model"]._get_id(model),
            "date_field_id": field(model, date_field).id,
            "user_field_id": field(model, user_field).id,
        }, **values))

    # -- forbidden models, for everyone

    def test_private_messages_are_never_counted(self):
        with self.refused("cannot count .* never counted"):
            self.domain_kpi("mail.message", date_field="date")

    def test_users_are_never_counted(self):
        with self.refused("cannot count .* never counted"):
            self.domain_kpi("res.users", "[('password', '!=', False)]")

    def test_bank_accounts_are_never_counted(self):
        with self.refused("cannot count .* never counted"):
            self.domain_kpi("res.partner.bank")

    def test_technical_models_are_never_counted(self):
        with self.refused("cannot count .* never counted"):
            self.domain_kpi("ir.attachment")

    # -- paths

    def test_password_path_is_refused(self):
        for domain in ("[('user_id.password', '!=', False)]",
                       "[('partner_id.user_ids.login', '=', 'admin')]"):
            with self.subTest(domain=domain), \
                    self.refused("reaches .* through .*user"):
                self.domain_kpi("crm.lead", domain)

    def test_sub_domain_into_users_is_refused(self):
        with self.refused("reaches .* through create_uid"):
            self.domain_kpi("crm.lead", "[('create_uid', 'any', [('password', '!=', False)])]")

    def test_user_searched_by_name_is_refused(self):
        with self.refused("reaches .* through user_id"):
            self.domain_kpi("crm.lead", "[('user_id', 'ilike', 'admin')]")

    def test_messages_of_a_record_are_not_read(self):
        with self.refused("reaches .* through message_ids"):
            self.domain_kpi("crm.lead", "[('message_ids.body', 'ilike', 'salary')]")

    def test_bank_accounts_of_a_customer_are_not_read(self):
        with self.refused("reaches .* through partner_id.bank_ids"):
            self.domain_kpi("crm.lead", "[('partner_id.bank_ids.acc_number', '=', 'X')]")

    def test_field_not_stored_is_refused(self):
        with self.refused("not stored"):
            self.domain_kpi("crm.lead", "[('display_name', 'ilike', 'big')]")

    def test_ids_and_paths_through_business_models_are_accepted(self):
        kpi = self.domain_kpi(
            "crm.lead", "[('user_id', '=', uid), ('partner_id.country_id.code', '=', 'BE')]",
            author=self.manager)
        self.assertEqual(kpi.model_name, "crm.lead")

    # -- what the author reads

    def test_field_reserved_to_administrators(self):
        secret = self.env["ir.model.fields"]._get("sa.test.visit", "secret_score")
        for values in ({"domain": "[('secret_score', '>', 0)]"},
                       {"aggregation": "sum", "measure_field_id": secret.id}):
            with self.subTest(values=values), \
                    self.refused("which you may not read"):
                self.domain_kpi("sa.test.visit", author=self.manager, date_field="visit_date",
                                user_field="user_id", **values)
        kpi = self.domain_kpi("sa.test.visit", "[('secret_score', '>', 0)]",
                              date_field="visit_date", user_field="user_id",
                              aggregation="sum", measure_field_id=secret.id)
        self.assertEqual(kpi.aggregation, "sum")

    def test_model_without_company_for_system_administrators_only(self):
        with self.refused("belong to no company"):
            self.domain_kpi("sa.test.call", author=self.manager, date_field="call_date",
                            user_field="user_id")
        admin = new_test_user(self.env, "sa_guard_admin", groups="base.group_system,"
                              "sales_assessment.group_sales_assessment_manager")
        kpi = self.domain_kpi("sa.test.call", author=admin, date_field="call_date",
                              user_field="user_id")
        self.assertEqual(kpi.model_name, "sa.test.call")

    def test_model_the_author_cannot_read(self):
        with self.refused("you may not read these records"):
            self.domain_kpi("sa.test.note", author=self.manager, date_field="note_date",
                            user_field="user_id")

    def test_path_into_a_model_the_author_cannot_read(self):
        with self.refused("reaches .* through note_id, records you may not read"):
            self.domain_kpi("sa.test.visit", "[('note_id.note_date', '!=', False)]",
                            author=self.manager, date_field="visit_date", user_field="user_id")

    def test_definition_changed_behind_the_validation_is_refused_when_measured(self):
        """A definition written before these checks, or straight into the
        database, is checked again whoever measures it."""
        kpi = self.domain_kpi("crm.lead", user_field="user_id")
        for column, value, pattern in (
                ("domain", "[('user_id.password', '!=', False)]", "reaches .* through user_id"),
                ("model_id", self.env["ir.model"]._get_id("mail.message"), "never counted")):
            with self.subTest(column=column):
                self.env.flush_all()
                self.env.cr.execute(SQL("UPDATE sales_assessment_kpi SET %s = %s WHERE id = %s",
                                        SQL.identifier(column), value, kpi.id))
                self.env.invalidate_all()
                with self.refused(pattern):
                    kpi.with_user(self.manager)._measure_values(self.period_a, [self.user_a.id])

    # -- the cycle's company

    def test_records_of_another_company_are_not_counted(self):
        kpi = self.domain_kpi("crm.lead", "[('type', '=', 'lead')]", user_field="user_id")
        self.env["crm.lead"].create([
            {"name": "SA lead A", "type": "lead", "user_id": self.user_a.id,
             "company_id": self.company.id},
            {"name": "SA lead B", "type": "lead", "user_id": self.user_a.id,
             "company_id": self.company_b.id, "team_id": False},
        ])
        self.date_leads(datetime(2025, 2, 1, 10, 0))
        self.assertEqual(kpi._measure_values(self.period_a, [self.user_a.id])[kpi.id],
                         {self.user_a.id: 1})
        self.assertEqual(kpi._measure_values(self.period_b, [self.user_a.id])[kpi.id],
                         {self.user_a.id: 1})

    def test_model_without_company_counts_through_the_salesperson(self):
        kpi = self.domain_kpi("sa.test.call", date_field="call_date", user_field="user_id")
        self.env["sa.test.call"].create([
            {"user_id": self.user_a.id, "call_date": date(2025, 2, 1)},
            {"user_id": self.user_b_company.id, "call_date": date(2025, 2, 1)},
        ])
        users = [self.user_a.id, self.user_b_company.id]
        self.assertEqual(kpi._measure_values(self.period_a, users)[kpi.id],
                         {self.user_a.id: 1, self.user_b_company.id: 0})
        self.assertEqual(kpi._measure_values(self.period_b, users)[kpi.id],
                         {self.user_a.id: 0, self.user_b_company.id: 1})

    def date_leads(self, when):
        """Date the leads of these tests (named "SA lead …") ``when``."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE name LIKE 'SA lead%%'", [when])
        self.env.invalidate_all()

    # -- measured by managers and team leaders

    def test_manager_and_leader_refresh_and_close(self):
        kpi = self.domain_kpi("crm.lead", "[('type', '=', 'lead')]", user_field="user_id")
        cycle = self.make_cycle(self.make_template([(kpi, 100, {})]))
        cycle.action_open()
        self.set_targets(cycle, kpi, {self.user_a: 2})
        self.env["crm.lead"].create({"name": "SA lead A", "type": "lead",
                                     "user_id": self.user_a.id})
        self.date_leads(datetime(2025, 2, 1, 10, 0))
        for user in (self.leader, self.manager):
            self.assertFalse(user.has_group("base.group_system"))
        cycle.with_user(self.leader).action_refresh()
        line = self.line(cycle, self.user_a, kpi)
        self.assertEqual(line.actual_value, 1)
        action = line.with_user(self.leader).action_view_sources()
        self.assertEqual(self.env["crm.lead"].search(action["domain"]).name, "SA lead A")
        cycle.with_user(self.manager).action_refresh()
        cycle.with_user(self.manager).action_close()
        self.assertEqual(cycle.state, "closed")
        self.assertEqual(self.line(cycle, self.user_a, kpi).achievement, 50)
