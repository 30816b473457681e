from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import DashboardCase

MY_PERFORMANCE = "sales_assessment_dashboard.sales_assessment_report_action_my"
BOARD = "sales_assessment_dashboard.sales_assessment_evaluation_action_kanban"


@tagged("post_install", "-at_install")
@freeze_time("2025-02-14 12:00:00")
class TestLanding(DashboardCase):
    """The My Performance app opens, through its root menu's server action,
    on the user's own results when they are assessed, and on the board of
    the current cycle for a team leader or a manager who is not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.landing = cls.env.ref("sales_assessment_dashboard.sales_assessment_landing_action")

    def setUp(self):
        super().setUp()
        self.cycle = self.make_revenue_cycle()
        # a month of the quarter, open too: the board shows it, the shortest
        # period that began last
        template = self.cycle.template_ids
        self.february = self.make_cycle(template, date(2025, 2, 1), date(2025, 2, 28),
                                        period_type="month", name="SA February 2025")
        # a cycle that has not begun yet
        self.next_quarter = self.make_cycle(template, date(2025, 4, 1), date(2025, 6, 30),
                                            period_type="quarter", name="SA Q2 2025")
        (self.cycle | self.february | self.next_quarter).action_open()

    def land(self, user):
        return self.landing.with_user(user).run()

    def assertLandsOn(self, user, xmlid):
        action = self.land(user)
        self.assertEqual(action["id"], self.env.ref(xmlid).id, f"{user.name} lands on {xmlid}")
        return action

    def test_root_menu_runs_landing_action(self):
        menu = self.env.ref("sales_assessment_dashboard.sales_assessment_my_performance_menu")
        self.assertEqual(menu.action, self.landing)

    def test_salesperson_lands_on_my_performance(self):
        self.assertLandsOn(self.user_a, MY_PERFORMANCE)

    def test_salesperson_not_assessed_yet_lands_on_my_performance(self):
        newcomer = new_test_user(self.env, "sa_newcomer", groups="sales_team.group_sale_salesman")
        self.assertLandsOn(newcomer, MY_PERFORMANCE)

    def test_leader_not_assessed_lands_on_current_board(self):
        self.assertFalse(self.env["sales.assessment.evaluation"].search_count(
            [("user_id", "=", self.leader.id)]))
        action = self.assertLandsOn(self.leader, BOARD)
        self.assertEqual(action["context"], {"search_default_cycle_id": self.february.id})

    def test_manager_not_assessed_lands_on_current_board(self):
        action = self.assertLandsOn(self.manager, BOARD)
        self.assertEqual(action["context"], {"search_default_cycle_id": self.february.id})

    def test_board_without_open_cycle_keeps_open_cycles_filter(self):
        (self.cycle | self.february | self.next_quarter).action_cancel()
        action = self.assertLandsOn(self.manager, BOARD)
        self.assertIn("search_default_open_cycles", action["context"])

    def test_leader_who_is_assessed_lands_on_my_performance(self):
        self.team_2.member_ids = [Command.link(self.leader.id)]
        self.cycle.action_refresh()
        self.assertTrue(self.evaluation(self.cycle, self.leader))
        self.assertLandsOn(self.leader, MY_PERFORMANCE)

    def test_my_performance_shows_started_cycles_only(self):
        Report = self.env["sales.assessment.report"].with_user(self.user_a)
        action = self.land(self.user_a)
        domain = [("user_id", "=", self.user_a.id), ("is_started", "=", True)]
        self.assertEqual(action["domain"], "[('user_id', '=', uid), ('is_started', '=', True)]")
        self.assertEqual(set(Report.search(domain).cycle_id.ids),
                         {self.cycle.id, self.february.id})
        self.assertEqual(Report.search([("is_started", "=", False)]).cycle_id, self.next_quarter)

    @freeze_time("2025-03-31 20:00:00")
    def test_started_in_the_cycle_timezone(self):
        """At 20:00 UTC on 31 March it is already 1 April in Shanghai: the
        second quarter has begun there, not in UTC."""
        Report = self.env["sales.assessment.report"].with_user(self.user_a)
        self.next_quarter.tz = "Asia/Shanghai"
        self.assertIn(self.next_quarter, Report.search([("is_started", "=", True)]).cycle_id)
        self.next_quarter.tz = "UTC"
        self.assertNotIn(self.next_quarter, Report.search([("is_started", "=", True)]).cycle_id)

    def test_rows_without_target(self):
        """Without target, Ann's row has no achievement or score (left out of
        the averages, not counted 0) and her evaluation no pacing summary."""
        self.env["sales.assessment.target"].search([
            ("cycle_id", "=", self.cycle.id), ("user_id", "=", self.user_a.id)]).unlink()
        self.make_order(self.user_b, self.customers[1], 500, date(2025, 1, 10))
        self.cycle.action_refresh()
        Report = self.env["sales.assessment.report"]
        row = Report.search([("cycle_id", "=", self.cycle.id), ("user_id", "=", self.user_a.id)])
        self.assertRecordValues(row, [{
            "has_target": False, "evaluation_has_target": False, "achievement": 0.0,
            "pacing": False, "pacing_label": False,
        }])
        [group] = Report.read_group([("cycle_id", "=", self.cycle.id)], ["achievement:avg"],
                                    ["cycle_id"], lazy=False)
        # Bob's 50 % and Cid's 0 %, not Ann's 0 too
        self.assertAlmostEqual(group["achievement"], 25.0)
