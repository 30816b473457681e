from datetime import date

from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestTargetPlan(SalesAssessmentCase):
    """The target plan of a team: prepared by its leader, submitted, approved
    by another manager, locked, reset with a reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_2 = new_test_user(
            cls.env, "sa_manager_2", groups="sales_team.group_sale_manager", name="Max Manager")
        cls.revenue = cls.kpi("revenue_invoiced")
        cls.orders = cls.kpi("orders_count")
        cls.template = cls.make_template([(cls.revenue, 60, {}), (cls.orders, 40, {})])
        cls.cycle = cls.make_cycle(cls.template)
        cls.cycle.action_open()
        Plan = cls.env["sales.assessment.target.plan"]
        cls.plan = Plan.search([("cycle_id", "=", cls.cycle.id), ("team_id", "=", cls.team_1.id)])
        cls.Target = cls.env["sales.assessment.target"]

    def other_cycle(self, name):
        return self.make_cycle(self.template, date(2025, 4, 1), date(2025, 6, 30), name=name)

    def team_target(self, kpi, value, user=None):
        return self.Target.with_user(user or self.manager).create({
            "cycle_id": self.cycle.id, "kpi_id": kpi.id, "team_id": self.team_1.id,
            "target_value": value,
        })

    def member_target(self, user, kpi, value, as_user=None):
        return self.Target.with_user(as_user or self.leader).create({
            "cycle_id": self.cycle.id, "kpi_id": kpi.id, "user_id": user.id,
            "team_id": self.team_1.id, "target_value": value,
        })

    def complete_plan(self):
        self.team_target(self.revenue, 1000.0)
        self.member_target(self.user_a, self.revenue, 600.0)
        self.member_target(self.user_b, self.revenue, 400.0)

    def approve(self):
        self.complete_plan()
        self.plan.with_user(self.leader).action_submit()
        self.plan.with_user(self.manager).action_approve()

    def activities(self, xmlid):
        return self.plan.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(f"sales_assessment.{xmlid}"))

    # ------------------------------------------------------------------
    # Creation
    # ------------------------------------------------------------------

    def test_open_creates_one_draft_plan_per_team(self):
        plans = self.env["sales.assessment.target.plan"].search([("cycle_id", "=", self.cycle.id)])
        self.assertEqual(plans.team_id, self.team_1 | self.team_2)
        self.assertEqual(set(plans.mapped("state")), {"draft"})
        submit = self.activities("mail_act_target_plan_submit")
        self.assertEqual(submit.user_id, self.leader, "the leader is asked to submit")
        # opening again (reset to draft and open) adds no second plan
        self.env["sales.assessment.target.plan"]._create_for_cycles(self.cycle)
        self.assertEqual(self.env["sales.assessment.target.plan"].search_count(
            [("cycle_id", "=", self.cycle.id)]), 2)

    def test_leader_creates_plan_of_own_team_only(self):
        cycle = self.other_cycle("SA Draft Cycle")
        Plan = self.env["sales.assessment.target.plan"].with_user(self.leader)
        plan = Plan.create({"cycle_id": cycle.id, "team_id": self.team_1.id})
        self.assertEqual(plan.state, "draft")
        with self.assertRaises(AccessError):
            Plan.create({"cycle_id": cycle.id, "team_id": self.team_2.id})
        with self.assertRaises(AccessError):
            self.env["sales.assessment.target.plan"].with_user(self.user_a).create(
                {"cycle_id": cycle.id, "team_id": self.team_1.id})

    def test_roll_up_lines(self):
        self.team_target(self.revenue, 1000.0)
        self.member_target(self.user_a, self.revenue, 600.0)
        line = self.plan.line_ids.filtered(lambda ln: ln.kpi_id == self.revenue)
        self.assertRecordValues(line, [{
            "team_target": 1000.0, "member_target_total": 600.0, "difference": -400.0,
            "member_count": 2, "member_target_count": 1, "is_short": True,
        }])
        self.assertEqual(self.plan.target_count, 2)
        self.assertEqual(self.plan.short_line_count, 1)

    # ------------------------------------------------------------------
    # Submit
    # ------------------------------------------------------------------

    def test_submit_refused_while_a_member_lacks_a_target(self):
        self.team_target(self.revenue, 1000.0)
        self.member_target(self.user_a, self.revenue, 1000.0)
        plan = self.plan.with_user(self.leader)
        self.assertFalse(plan.can_submit)
        self.assertIn("Bob Seller", plan.cannot_submit_reason)
        with self.assertRaisesRegex(UserError, r"Members of SA Team 1 have no target for .* \(Bob Seller\)"):
            plan.action_submit()

    def test_submit_refused_while_members_fall_short(self):
        self.team_target(self.revenue, 1000.0)
        self.member_target(self.user_a, self.revenue, 500.0)
        self.member_target(self.user_b, self.revenue, 400.0)
        with self.assertRaisesRegex(UserError, r"add up to .*900.*100.*short"):
            self.plan.with_user(self.leader).action_submit()

    def test_submit_refused_without_targets(self):
        with self.assertRaisesRegex(UserError, "has no target yet"):
            self.plan.with_user(self.leader).action_submit()

    def test_submit_by_leader_asks_a_manager(self):
        self.complete_plan()
        plan = self.plan.with_user(self.leader)
        self.assertTrue(plan.can_submit)
        plan.action_submit()
        self.assertRecordValues(self.plan, [{"state": "submitted", "submitted_uid": self.leader.id}])
        self.assertFalse(self.activities("mail_act_target_plan_submit"))
        approve = self.activities("mail_act_target_plan_approve")
        self.assertEqual(len(approve), 1)
        self.assertTrue(approve.user_id.has_group("sales_assessment.group_sales_assessment_manager"))

    def test_submit_refused_to_others(self):
        self.complete_plan()
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_a).action_submit()
        other_leader = new_test_user(
            self.env, "sa_leader_2", name="Leo Other",
            groups="sales_team.group_sale_salesman,"
            "sales_assessment.group_sales_assessment_team_leader")
        with self.assertRaises(AccessError):
            self.plan.with_user(other_leader).action_submit()

    def test_submit_refused_in_closed_cycle(self):
        self.complete_plan()
        self.cycle.action_close()
        self.assertFalse(self.plan.with_user(self.leader).can_submit)
        with self.assertRaisesRegex(UserError, "Cycle SA Cycle is Closed"):
            self.plan.with_user(self.leader).action_submit()

    # ------------------------------------------------------------------
    # Approve
    # ------------------------------------------------------------------

    def test_approve_by_another_manager(self):
        self.complete_plan()
        self.plan.with_user(self.manager).action_submit()
        with self.assertRaisesRegex(UserError, "another manager approves it"):
            self.plan.with_user(self.manager).action_approve()
        self.assertFalse(self.plan.with_user(self.manager).can_approve)
        self.plan.with_user(self.manager_2).action_approve()
        self.assertRecordValues(self.plan, [{"state": "approved",
                                             "approved_uid": self.manager_2.id}])
        self.assertFalse(self.plan.activity_ids)

    def test_approve_refused_to_leader_and_salesperson(self):
        self.complete_plan()
        self.plan.with_user(self.leader).action_submit()
        for user in (self.leader, self.user_a):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self.plan.with_user(user).action_approve()

    def test_approve_refused_before_submission(self):
        self.complete_plan()
        with self.assertRaisesRegex(UserError, "not waiting for approval"):
            self.plan.with_user(self.manager).action_approve()

    def test_same_plan_twice_is_approved_once(self):
        self.complete_plan()
        self.plan.with_user(self.leader).action_submit()
        self.plan.browse([self.plan.id, self.plan.id]).with_user(self.manager).action_approve()
        notes = self.plan.message_ids.filtered(lambda m: "Target plan approved" in m.body)
        self.assertEqual(len(notes), 1, "one approval, not two")

    # ------------------------------------------------------------------
    # Lock and reset
    # ------------------------------------------------------------------

    def test_approved_plan_locks_targets_even_for_managers(self):
        self.approve()
        target = self.plan.target_ids.filtered(lambda t: t.user_id == self.user_a)
        self.assertTrue(target.is_locked)
        for user in (self.manager, self.manager_2, self.leader):
            with self.subTest(user=user.name), self.assertRaisesRegex(UserError, "locked"):
                target.with_user(user).target_value = 1.0
        with self.assertRaisesRegex(UserError, "locked"):
            target.sudo().target_value = 1.0
        with self.assertRaisesRegex(UserError, "locked"):
            target.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "locked"):
            self.member_target(self.user_a, self.orders, 5.0, as_user=self.manager)
        with self.assertRaisesRegex(UserError, "locked"):
            self.plan.target_ids.filtered(lambda t: not t.user_id).with_user(
                self.manager).target_value = 2000.0

    def test_target_moved_into_approved_plan_is_refused(self):
        self.approve()
        other_cycle = self.other_cycle("SA Other Cycle")
        elsewhere = self.Target.create({
            "cycle_id": other_cycle.id, "kpi_id": self.orders.id, "user_id": self.user_a.id,
            "target_value": 3.0})
        with self.assertRaisesRegex(UserError, "locked"):
            elsewhere.with_user(self.manager).cycle_id = self.cycle
        outsider = self.Target.create({
            "cycle_id": self.cycle.id, "kpi_id": self.orders.id, "user_id": self.user_c.id,
            "target_value": 3.0})
        with self.assertRaisesRegex(UserError, "locked"):
            outsider.with_user(self.manager).user_id = self.user_b

    def test_submitted_plan_leaves_targets_to_managers(self):
        self.complete_plan()
        self.plan.with_user(self.leader).action_submit()
        target = self.plan.target_ids.filtered(lambda t: t.user_id == self.user_a)
        with self.assertRaisesRegex(UserError, "submitted for approval"):
            target.with_user(self.leader).target_value = 700.0
        target.with_user(self.manager).target_value = 700.0
        self.assertEqual(target.target_value, 700.0)

    def test_reset_needs_a_reason_and_a_manager(self):
        self.approve()
        for reason in (None, "", "   ", 42):
            with self.subTest(reason=reason), self.assertRaisesRegex(UserError, "Say why"):
                self.plan.with_user(self.manager).action_reset(reason)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.leader).action_reset("Too low")
        self.plan.with_user(self.manager).action_reset("Q1 revised after the new contract")
        self.assertRecordValues(self.plan, [{"state": "draft", "approved_uid": False}])
        self.assertIn("Q1 revised after the new contract", self.plan.message_ids[0].body)
        self.assertEqual(self.activities("mail_act_target_plan_submit").user_id, self.leader)
        target = self.plan.target_ids.filtered(lambda t: t.user_id == self.user_a)
        target.with_user(self.leader).target_value = 650.0
        self.assertFalse(target.is_locked)
        with self.assertRaisesRegex(UserError, "a draft already"):
            self.plan.with_user(self.manager).action_reset("again")

    def test_reset_wizard(self):
        self.approve()
        action = self.plan.with_user(self.manager).action_open_reset_wizard()
        wizard = self.env[action["res_model"]].with_user(self.manager).with_context(
            **action["context"]).create({"reason": "New hire"})
        wizard.action_reset()
        self.assertEqual(self.plan.state, "draft")

    def test_plan_stays_with_its_cycle_and_team(self):
        self.approve()
        other = self.other_cycle("SA Q2")
        for user in (self.leader, self.manager):
            for vals in ({"team_id": self.team_2.id}, {"cycle_id": other.id}):
                with self.subTest(user=user.name, vals=vals), \
                        self.assertRaisesRegex(UserError, "stays with its cycle and team"):
                    self.plan.with_user(user).write(vals)
        self.plan.with_user(self.manager).write({"team_id": self.team_1.id})  # unchanged

    def test_state_is_written_by_the_workflow_only(self):
        for user in (self.manager, self.leader):
            with self.subTest(user=user.name), self.assertRaises(UserError):
                self.plan.with_user(user).write({"state": "approved"})
        with self.assertRaises(UserError):
            self.plan.sudo().write({"approved_uid": self.manager.id})
        with self.assertRaises(UserError):
            call_kw(self.env["sales.assessment.target.plan"].with_user(self.manager), "create",
                    [{"cycle_id": self.other_cycle("SA C3").id,
                      "team_id": self.team_1.id, "state": "approved"}], {})
        # no context key unlocks anything
        self.approve()
        target = self.plan.target_ids[:1].with_user(self.manager).with_context(
            skip_plan_lock=True, tracking_disable=True, install_mode=True)
        with self.assertRaisesRegex(UserError, "locked"):
            target.target_value = 5.0

    # ------------------------------------------------------------------
    # Who prepares the targets
    # ------------------------------------------------------------------

    def test_leader_changes_targets_of_own_draft_plan_only(self):
        self.member_target(self.user_a, self.revenue, 500.0)
        with self.assertRaises(AccessError):
            self.member_target(self.user_c, self.revenue, 500.0)
        draft = self.other_cycle("SA Draft Cycle")
        with self.assertRaises(AccessError, msg="no plan of the team in that cycle"):
            self.Target.with_user(self.leader).create({
                "cycle_id": draft.id, "kpi_id": self.revenue.id, "user_id": self.user_a.id,
                "target_value": 1.0})

    def test_salesperson_proposes_own_target_with_the_setting(self):
        vals = {"cycle_id": self.cycle.id, "kpi_id": self.revenue.id,
                "user_id": self.user_a.id, "target_value": 450.0}
        with self.assertRaises(AccessError):
            self.Target.with_user(self.user_a).create(vals)
        self.company.sales_assessment_target_proposal = True
        target = self.Target.with_user(self.user_a).create(vals)
        target.with_user(self.user_a).target_value = 480.0
        with self.assertRaises(AccessError, msg="not another's"):
            self.Target.with_user(self.user_a).create(dict(vals, user_id=self.user_b.id))
        with self.assertRaises(AccessError, msg="not the team's"):
            self.Target.with_user(self.user_a).create(
                dict(vals, user_id=False, team_id=self.team_1.id))
        with self.assertRaises(AccessError, msg="not the allocation factors"):
            target.with_user(self.user_a).ramp_percent = 10.0
        with self.assertRaises(AccessError, msg="not handed to someone else"):
            target.with_user(self.user_a).user_id = self.user_b
        # the leader adjusts the proposal before submitting
        target.with_user(self.leader).target_value = 600.0
        self.assertEqual(target.target_value, 600.0)
        self.member_target(self.user_b, self.revenue, 400.0)
        self.team_target(self.revenue, 1000.0)
        self.plan.with_user(self.leader).action_submit()
        with self.assertRaisesRegex(UserError, "submitted for approval"):
            target.with_user(self.user_a).target_value = 700.0

    def test_salesperson_proposal_needs_a_draft_plan(self):
        self.company.sales_assessment_target_proposal = True
        draft = self.other_cycle("SA Draft Cycle")
        with self.assertRaises(AccessError):
            self.Target.with_user(self.user_a).create({
                "cycle_id": draft.id, "kpi_id": self.revenue.id, "user_id": self.user_a.id,
                "target_value": 1.0})

    # ------------------------------------------------------------------
    # Allocation inside a plan, other company
    # ------------------------------------------------------------------

    def test_allocation_inside_a_plan(self):
        action = self.plan.with_user(self.leader).action_allocate()
        Wizard = self.env[action["res_model"]].with_user(self.leader).with_context(
            **action["context"])
        wizard = Wizard.create({"kpi_id": self.revenue.id, "team_target": 900.0})
        wizard._onchange_team_id()
        wizard.action_allocate()
        self.assertEqual(
            sorted(self.plan.target_ids.filtered("user_id").mapped("target_value")),
            [450.0, 450.0])
        self.team_target(self.revenue, 900.0)
        self.plan.with_user(self.leader).action_submit()
        self.plan.with_user(self.manager).action_approve()
        wizard = Wizard.create({"kpi_id": self.revenue.id, "team_target": 1200.0})
        wizard._onchange_team_id()
        with self.assertRaisesRegex(UserError, "locked"):
            wizard.action_allocate()

    def test_other_company_manager_cannot_reach_the_plan(self):
        company, manager = self.make_other_company_manager()
        self.complete_plan()
        self.plan.with_user(self.leader).action_submit()
        with self.assertRaises(AccessError):
            self.plan.with_user(manager).with_company(company).read(["state"])
        with self.assertRaises(AccessError):
            self.plan.with_user(manager).with_company(company).action_approve()
        self.assertFalse(self.env["sales.assessment.target.plan.line"].with_user(
            manager).with_company(company).search([("plan_id", "=", self.plan.id)]))

    def test_salesperson_reads_no_plan(self):
        self.complete_plan()
        self.plan.with_user(self.leader).action_submit()
        self.assertTrue(self.plan.message_ids)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.user_a).read(["state"])
        # nor its chatter, where the targets are discussed
        self.assertFalse(self.env["mail.message"].with_user(self.user_a).search(
            [("model", "=", self.plan._name), ("res_id", "=", self.plan.id)]))
        with self.assertRaises(AccessError):
            self.plan.message_ids[:1].with_user(self.user_a).read(["body"])
        with self.assertRaises(AccessError):
            self.env["sales.assessment.target.plan.line"].with_user(self.user_a).search([])

    def test_leader_reads_plans_of_own_teams(self):
        Plan = self.env["sales.assessment.target.plan"].with_user(self.leader)
        self.assertEqual(Plan.search([("cycle_id", "=", self.cycle.id)]), self.plan)
        self.team_1.member_ids = [Command.link(self.user_c.id)]
        self.team_target(self.revenue, 10.0)
        self.assertEqual(self.plan.with_user(self.leader).line_ids.member_count, 3)
