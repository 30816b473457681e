import math
from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import FiniteNumbersMixin, SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestRamp(FiniteNumbersMixin, SalesAssessmentCase):
    """DESIGN.md "Target planning", ramp for new salespeople: the month of
    tenure at the cycle's start, the allocation weighted by presence and
    ramp, the start date and who may change it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.template = cls.make_template([(cls.revenue, 100, {})])
        cls.template.ramp_ids = [
            Command.create({"month": month, "percent": percent})
            for month, percent in ((1, 20.0), (2, 50.0), (3, 70.0))
        ]
        cls.cycle = cls.make_cycle(cls.template)  # 2025-01-01 .. 2025-03-31
        cls.user_d = new_test_user(
            cls.env, "sa_user_d", groups="sales_team.group_sale_salesman", name="Dan Newcomer")
        cls.team_1.member_ids = [Command.link(cls.user_d.id)]
        cls.user_a.sales_assessment_start_date = date(2024, 11, 20)  # month 3 in January
        cls.user_b.sales_assessment_start_date = date(2020, 6, 1)  # long after the ramp
        cls.user_d.sales_assessment_start_date = date(2025, 1, 15)  # month 1

    def wizard_form(self, team_target=1000):
        wizard_form = Form(self.env["sales.assessment.target.allocate"].with_context(
            default_cycle_id=self.cycle.id, default_team_id=self.team_1.id))
        wizard_form.kpi_id = self.revenue
        wizard_form.team_target = team_target
        return wizard_form

    def allocate(self, team_target=1000):
        self.wizard_form(team_target).save().action_allocate()
        return {t.user_id: t for t in self.cycle.target_ids}

    def test_month_of_tenure_at_the_cycle_start(self):
        wizard = self.wizard_form().save()
        self.assertEqual(wizard.ramp_template_id, self.template)
        ramps = {line.user_id: (line.presence, line.ramp) for line in wizard.line_ids}
        self.assertEqual(ramps, {
            self.user_a: (100.0, 70.0), self.user_b: (100.0, 100.0), self.user_d: (100.0, 20.0),
        })

    def test_allocation_adds_up_to_the_team_target(self):
        # weights 0.7, 1 and 0.2 of 1.9: the rounding cent goes to the largest share
        targets = self.allocate(1000)
        values = {user: target.target_value for user, target in targets.items()}
        self.assertEqual(values, {self.user_a: 368.42, self.user_b: 526.32, self.user_d: 105.26})
        self.assertEqual(round(sum(values.values()), 2), 1000.0)
        self.assertEqual(targets[self.user_d].ramp_percent, 20.0)
        self.assertEqual(targets[self.user_b].ramp_percent, 100.0)

    def test_joiner_carries_presence_and_ramp(self):
        member_d = self.team_1.crm_team_member_ids.filtered(lambda m: m.user_id == self.user_d)
        # joins on 2025-02-15: present 45 of 90 days, month 1 although the cycle started before
        member_d.assessment_date_start = date(2025, 2, 15)
        self.user_d.sales_assessment_start_date = date(2025, 2, 15)
        targets = self.allocate(1000)
        target_d = targets[self.user_d]
        self.assertEqual((target_d.presence_percent, target_d.ramp_percent), (50.0, 20.0))
        # 0.5 × 0.2 = 0.1 of a share, beside 0.7 and 1: 1000 × 0.1 / 1.8
        self.assertEqual(target_d.target_value, 55.56)
        self.assertEqual(round(sum(t.target_value for t in targets.values()), 2), 1000.0)

    def test_reallocation_updates_both_factors(self):
        targets = self.allocate(1000)
        self.user_d.sales_assessment_start_date = date(2024, 12, 1)  # now month 2
        self.allocate(1000)
        self.assertEqual(targets[self.user_d].ramp_percent, 50.0)
        self.assertEqual(targets[self.user_d].target_value, round(1000 * 0.5 / 2.2, 2))

    def test_first_scorecard_by_sequence_gives_the_ramp(self):
        other = self.make_template([(self.revenue, 100, {})], users_teams=self.team_1)
        other.write({"sequence": 1, "ramp_ids": [Command.create({"month": 1, "percent": 60})]})
        self.cycle.template_ids = [Command.link(other.id)]
        wizard = self.wizard_form().save()
        self.assertEqual(wizard.ramp_template_id, other)
        ramps = {line.user_id: line.ramp for line in wizard.line_ids}
        self.assertEqual(ramps[self.user_d], 60.0)
        self.assertEqual(ramps[self.user_a], 100.0)  # month 3 is after this ramp

    def test_leader_picks_among_the_teams_they_lead(self):
        Wizard = self.env["sales.assessment.target.allocate"]
        leader_wizard = Wizard.with_user(self.leader).new({})
        self.assertEqual(leader_wizard.allowed_team_ids._origin, self.team_1)
        manager_wizard = Wizard.with_user(self.manager).new({})
        self.assertLessEqual(self.team_1 | self.team_2, manager_wizard.allowed_team_ids._origin)

    def assertRampRefused(self, call, message):
        # assertRaises (not assertRaisesRegex) rolls the refused record back
        with self.assertRaises(ValidationError) as caught:
            call()
        self.assertIn(message, str(caught.exception))

    def test_ramp_lines_are_validated(self):
        Ramp = self.env["sales.assessment.template.ramp"]
        ramp = {"template_id": self.template.id, "month": 4, "percent": 50}
        self.assertRampRefused(lambda: Ramp.create(dict(ramp, month=0)),
                               "has month 0: months of tenure start at 1")
        self.assertRampRefused(lambda: Ramp.create(dict(ramp, percent=150)),
                               "carries 150.0 %: enter a share of the target from 0 to 100 %")
        line = self.template.ramp_ids[0]
        self.assertRampRefused(lambda: line.write({"percent": -1}), "from 0 to 100 %")
        self.assertRefused(Ramp._name, "percent", lambda value: line.write({"percent": value}))
        self.assertRefused(Ramp._name, "month", lambda value: line.write({"month": value}))
        self.assertRampRefused(lambda: Ramp.create(dict(ramp, percent=math.nan)),
                               "must be a number")
        self.assertEqual(self.template.ramp_ids.mapped("month"), [1, 2, 3])
        self.assertEqual(Ramp.create(ramp).percent, 50.0)

    @mute_logger("odoo.sql_db")
    def test_a_month_appears_once(self):
        with self.assertRaises(IntegrityError) as caught:
            self.template.ramp_ids = [Command.create({"month": 2, "percent": 40})]
            self.env.flush_all()
        # what a user reads over RPC
        self.assertIn("once per ramp", str(_as_validation_error(self.env, caught.exception)))
        self.assertEqual(self.template.ramp_ids.mapped("percent"), [20.0, 50.0, 70.0])

    def test_salesperson_cannot_change_own_start_date(self):
        as_self = self.user_a.with_user(self.user_a)
        as_self.write({"tz": "Asia/Shanghai"})  # what a user may change on themselves
        with self.assertRaises(AccessError):
            as_self.write({"sales_assessment_start_date": date(2020, 1, 1)})
        with self.assertRaises(AccessError):
            as_self.write({"tz": "Europe/Paris", "sales_assessment_start_date": date(2020, 1, 1)})
        self.assertEqual(self.user_a.sales_assessment_start_date, date(2024, 11, 20))

    def test_start_date_defaults_to_the_first_membership(self):
        user = new_test_user(self.env, "sa_user_e", groups="sales_team.group_sale_salesman")
        self.assertFalse(user.sales_assessment_start_date)
        self.env["crm.team.member"].create([
            {"crm_team_id": self.team_1.id, "user_id": user.id,
             "assessment_date_start": date(2024, 5, 10)},
            {"crm_team_id": self.team_2.id, "user_id": user.id, "active": False,
             "assessment_date_start": date(2023, 3, 1), "assessment_date_end": date(2023, 12, 31)},
        ])
        self.assertEqual(user.sales_assessment_start_date, date(2023, 3, 1))
        # set by hand, it stays when memberships change
        user.sales_assessment_start_date = date(2025, 1, 1)
        self.env["crm.team.member"].create({
            "crm_team_id": self.team_2.id, "user_id": user.id,
            "assessment_date_start": date(2022, 1, 1)})
        self.assertEqual(user.sales_assessment_start_date, date(2025, 1, 1))

    def test_start_date_without_member_since_is_the_day_joined(self):
        user = new_test_user(self.env, "sa_user_f", groups="sales_team.group_sale_salesman")
        member = self.env["crm.team.member"].create(
            {"crm_team_id": self.team_2.id, "user_id": user.id})
        self.assertEqual(user.sales_assessment_start_date, member.create_date.date())
