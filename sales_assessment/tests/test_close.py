from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SalesAssessmentCase

# queries of closing a cycle, whatever its number of salespeople (one of them
# counts its evaluations: a large cycle would be closed in the background)
CLOSE_QUERIES = 41
# queries of opening a cycle of a salesperson and a team scorecard, likewise
# (at most: 75 when the registry's caches are warm)
OPEN_QUERIES = 76
# queries of refreshing an open cycle, likewise (at most: the dashboard's
# pacing adds one when it is installed)
REFRESH_QUERIES = 23


@tagged("post_install", "-at_install")
class TestCycleClose(SalesAssessmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.won = cls.kpi("won")
        cls.template = cls.make_template([
            (cls.revenue, 60, {"cap_achievement": 150}),
            (cls.won, 40, {"cap_achievement": 150}),
        ])

    def figures(self, cycle):
        return sorted(
            (ln.evaluation_id.user_id.id, ln.kpi_id.id, ln.actual_value, ln.score,
             ln.evaluation_id.total_score, ln.evaluation_id.rank)
            for ln in cycle.evaluation_ids.line_ids
        )

    def test_close_is_idempotent_and_frozen(self):
        order = self.make_order(self.user_a, self.customers[0], 1000.0, date(2025, 1, 5))
        cycle = self.make_cycle(self.template)
        self.set_targets(cycle, self.revenue,
                         {self.user_a: 2000, self.user_b: 1000, self.user_c: 1000})
        cycle.action_open()
        cycle.action_close()
        self.assertEqual(cycle.state, "closed")
        self.assertEqual(set(cycle.evaluation_ids.mapped("state")), {"published"})
        evaluations = cycle.evaluation_ids
        before = self.figures(cycle)
        self.assertEqual(self.line(cycle, self.user_a, self.revenue).actual_value, 1000.0)
        self.assertEqual(self.line(cycle, self.user_a, self.revenue).achievement, 50.0)
        cycle.action_close()
        self.assertEqual(cycle.evaluation_ids, evaluations)
        self.assertEqual(self.figures(cycle), before)
        # a later edit of a counted order leaves the closed cycle untouched
        order.order_line.price_unit = 5000.0
        self.env["sales.assessment.cycle"]._cron_process_cycles()
        self.assertEqual(self.figures(cycle), before)
        # reopen and close again: same numbers unless sources changed
        order.order_line.price_unit = 1000.0
        cycle.with_context(reopen_reason="Check").action_reopen()
        self.assertEqual(cycle.state, "open")
        cycle.action_close()
        self.assertEqual(cycle.evaluation_ids, evaluations)
        self.assertEqual(self.figures(cycle), before)
        order.order_line.price_unit = 3000.0
        cycle.with_context(reopen_reason="Late change").action_reopen()
        self.assertEqual(cycle.reopen_reason, "Late change")
        cycle.action_close()
        self.assertEqual(self.line(cycle, self.user_a, self.revenue).actual_value, 3000.0)
        self.assertTrue(any("Late change" in body for body in cycle.message_ids.mapped("body")))
        # the next reopening needs a reason of its own
        with self.assertRaisesRegex(UserError, "reason"):
            cycle.action_reopen()

    def test_refresh_tracks_live_progress(self):
        cycle = self.make_cycle(self.template)
        self.set_targets(cycle, self.revenue, {self.user_a: 1000})
        cycle.action_open()
        line = self.line(cycle, self.user_a, self.revenue)
        self.assertEqual(line.actual_value, 0.0)
        self.make_order(self.user_a, self.customers[0], 400.0, date(2025, 2, 5))
        cycle.action_refresh()
        self.assertEqual((line.actual_value, line.achievement), (400.0, 40.0))
        self.assertTrue(cycle.last_computed)

    def test_publish_notifies_salespeople_and_leader(self):
        cycle = self.make_cycle(self.template)
        self.set_targets(cycle, self.revenue, {self.user_a: 100, self.user_b: 100, self.user_c: 100})
        cycle.action_open()
        cycle.action_close()
        self.env["sales.assessment.cycle"]._cron_notify_results()
        evaluation = self.evaluation(cycle, self.user_a)
        self.assertTrue(evaluation.notified)
        message = evaluation.message_ids.filtered(
            lambda m: self.user_a.partner_id in m.notification_ids.res_partner_id
        )
        self.assertTrue(message)
        self.assertIn(cycle.name, message[0].subject or message[0].body)
        leader_notes = self.env["mail.message"].search([
            ("model", "=", "sales.assessment.cycle"), ("res_id", "=", cycle.id),
            ("partner_ids", "in", self.leader.partner_id.ids),
        ])
        self.assertTrue(leader_notes)

    def test_cron_closes_after_grace_days(self):
        self.company.sales_assessment_grace_days = 3
        cycle = self.make_cycle(self.template)
        cycle.action_open()
        with freeze_time("2025-04-03"):  # end 2025-03-31 + 3 days: still in grace
            self.env["sales.assessment.cycle"]._cron_process_cycles()
        self.assertEqual(cycle.state, "open")
        self.assertTrue(cycle.last_computed)
        with freeze_time("2025-04-04"):
            self.env["sales.assessment.cycle"]._cron_process_cycles()
        self.assertEqual(cycle.state, "closed")

    def test_server_action_closes_several_cycles(self):
        cycles = self.make_cycle(self.template) | self.make_cycle(
            self.template, date(2025, 4, 1), date(2025, 6, 30), name="SA Q2"
        )
        cycles.action_open()
        action = self.env.ref("sales_assessment.action_server_close_cycles")
        action.with_context(active_model=cycles._name, active_ids=cycles.ids).run()
        self.assertEqual(set(cycles.mapped("state")), {"closed"})

    def _prepare_bulk(self, n_users, date_from, date_to, open_cycle=True, orders=True):
        users = self.env["res.users"].create([
            {"name": f"SA bulk {n_users}-{i}", "login": f"sa_bulk_{n_users}_{i}"}
            for i in range(n_users)
        ])
        team = self.env["crm.team"].create({
            "name": f"SA bulk {n_users}", "member_ids": [Command.set(users.ids)],
        })
        for index, user in enumerate(users[:50] if orders else ()):
            self.make_order(user, self.customers[index % 6], 100.0 + index, date_from)
        template = self.make_template(
            [(self.revenue, 60, {}), (self.won, 40, {})], users_teams=team
        )
        cycle = self.make_cycle(template, date_from, date_to, name=f"SA bulk {n_users}")
        self.set_targets(cycle, self.revenue, {user: 150.0 for user in users})
        if open_cycle:
            cycle.action_open()
        return cycle

    def test_open_query_count_is_independent_of_salespeople(self):
        """Opening creates the evaluations and their lines in as many queries
        for 5 as for 50 salespeople, and for 150 (the ORM would create them
        by batches of a hundred), with a team scorecard beside."""
        counts = []
        for n_users, date_from, date_to in ((1, date(2024, 10, 1), date(2024, 12, 31)),
                                            (5, date(2025, 1, 1), date(2025, 3, 31)),
                                            (50, date(2025, 4, 1), date(2025, 6, 30)),
                                            (150, date(2025, 7, 1), date(2025, 9, 30))):
            cycle = self._prepare_bulk(n_users, date_from, date_to, open_cycle=False,
                                       orders=n_users <= 50)
            team = cycle.template_ids.team_ids
            cycle.template_ids |= self.make_template(
                [(self.revenue, 100, {})], users_teams=team, subject_type="team")
            self.env.flush_all()
            self.env.invalidate_all()
            # the first open fills the registry caches (access, xml ids, crons)
            with self.assertQueryCount(OPEN_QUERIES if n_users > 1 else 1000):
                start = self.cr.sql_log_count
                cycle.with_user(self.manager).action_open()
                self.env.flush_all()
                counts.append(self.cr.sql_log_count - start)
            self.assertEqual(len(cycle.evaluation_ids), n_users + 1)
            self.assertEqual(len(cycle.evaluation_ids.line_ids), 2 * n_users + 1)
        self.assertEqual(counts[1:], [counts[1]] * 3, "queries at 5, 50 and 150")

    def test_open_creates_the_evaluations_as_the_orm_would(self):
        """The evaluations inserted in bulk have their subject, teams, company
        and defaults, no chatter and no follower; a client's default_* keys
        fill nothing."""
        self.env["ir.config_parameter"].sudo().set_param("sales_team.membership_multi", True)
        self.env["crm.team.member"].create({"crm_team_id": self.team_2.id,
                                            "user_id": self.user_a.id})
        team_template = self.make_template([(self.revenue, 100, {})], subject_type="team")
        cycle = self.make_cycle(self.template | team_template)
        other_company = self.env["res.company"].create({"name": "SA Other Company"})
        cycle.with_user(self.manager).with_context(
            default_state="published", default_total_score=99, default_notified=True,
            default_company_id=other_company.id,
        ).action_open()
        self.env.invalidate_all()
        evaluation = self.evaluation(cycle, self.user_a)
        self.assertEqual(evaluation.company_id, self.company)
        self.assertEqual(evaluation.team_id, self.team_1)
        self.assertEqual(evaluation.member_team_ids, self.team_1 | self.team_2)
        self.assertEqual(evaluation.template_id, self.template)
        team_evaluations = cycle.evaluation_ids.filtered(lambda ev: not ev.user_id)
        self.assertEqual(team_evaluations.team_id, self.team_1 | self.team_2)
        self.assertEqual(team_evaluations.template_id, team_template)
        for ev in cycle.evaluation_ids:
            self.assertEqual(ev.state, "draft")
            self.assertFalse(ev.notified)
            self.assertEqual(ev.create_uid, self.manager)
            self.assertFalse(ev.message_ids, "no creation message")
            self.assertFalse(ev.message_follower_ids, "nobody subscribed")
            self.assertEqual(ev.line_ids.company_id, self.company)
            self.assertEqual(ev.line_ids.team_id, ev.team_id)
        self.assertEqual(self.env["sales.assessment.evaluation"].with_user(self.user_a).search(
            [("cycle_id", "=", cycle.id)]), evaluation, "she reads hers alone")
        # opened twice: no second evaluation
        cycle.action_refresh()
        self.assertEqual(len(cycle.evaluation_ids), 5)

    def test_refresh_follows_a_salesperson_into_another_team(self):
        """A salesperson who moves to another team of the scorecard while the
        cycle is open is assessed in it: the evaluation's team, its lines' and
        its teams follow at the next refresh."""
        cycle = self.make_cycle(self.template)
        cycle.action_open()
        evaluation_b = self.evaluation(cycle, self.user_b)
        evaluation_a = self.evaluation(cycle, self.user_a)
        self.assertEqual(evaluation_b.team_id, self.team_1)
        self.user_b.crm_team_member_ids.unlink()
        self.user_a.crm_team_member_ids.unlink()
        self.env["crm.team.member"].create([
            {"crm_team_id": self.team_2.id, "user_id": user.id}
            for user in (self.user_a, self.user_b)])
        cycle.action_refresh()
        self.env.invalidate_all()
        for evaluation in (evaluation_a, evaluation_b):
            self.assertEqual(evaluation.team_id, self.team_2)
            self.assertEqual(evaluation.member_team_ids, self.team_2)
            self.assertEqual(evaluation.line_ids.team_id, self.team_2)
        # the leader of the team they left reads them no more, the new one does
        leader_2 = new_test_user(
            self.env, "sa_leader_moved", name="Mo Leader",
            groups="sales_team.group_sale_salesman,"
            "sales_assessment.group_sales_assessment_team_leader")
        self.team_2.user_id = leader_2
        Evaluation = self.env["sales.assessment.evaluation"]
        domain = [("cycle_id", "=", cycle.id)]
        self.assertFalse(Evaluation.with_user(self.leader).search(domain) & evaluation_b)
        self.assertEqual(Evaluation.with_user(leader_2).search(domain),
                         evaluation_a | evaluation_b | self.evaluation(cycle, self.user_c))

    def test_bulk_statements_in_chunks_write_the_same_figures(self):
        """With chunks of two rows, opening and refreshing write the figures
        the single statements write, in more statements."""
        cycle = self._prepare_bulk(5, date(2025, 1, 1), date(2025, 3, 31), open_cycle=False)
        Evaluation = self.env["sales.assessment.evaluation"]
        Line = self.env["sales.assessment.evaluation.line"]

        def refresh_counting():
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            cycle.action_refresh()
            self.env.flush_all()
            return self.cr.sql_log_count - start

        with patch.object(type(Evaluation), "_bulk_chunk_rows", 2), \
                patch.object(type(Line), "_bulk_chunk_rows", 2):
            cycle.action_open()
            chunked = self.figures(cycle)
            (cycle | cycle).write({"last_computed": False})
            chunked_queries = refresh_counting()
        self.assertEqual(len(cycle.evaluation_ids), 5)
        self.assertEqual(len(cycle.evaluation_ids.line_ids), 10)
        self.assertEqual(sorted(cycle.evaluation_ids.mapped("rank")), [1, 2, 3, 4, 5])
        cycle.write({"last_computed": False})
        single_queries = refresh_counting()
        self.assertEqual(self.figures(cycle), chunked)
        # 10 lines in 5 statements, 5 evaluations in 3: 6 statements more
        self.assertEqual(chunked_queries - single_queries, 6)

    def test_close_query_count_is_independent_of_salespeople(self):
        """Closing costs the same number of queries for 5 and for 50 salespeople."""
        warm_up = self._prepare_bulk(1, date(2024, 10, 1), date(2024, 12, 31))
        cycle5 = self._prepare_bulk(5, date(2025, 1, 1), date(2025, 3, 31))
        cycle50 = self._prepare_bulk(50, date(2025, 4, 1), date(2025, 6, 30))
        warm_up.action_close()  # fills the registry caches (access, xml ids, crons)
        counts = []
        for cycle in (cycle5, cycle50):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(CLOSE_QUERIES):
                start = self.cr.sql_log_count
                cycle.action_close()
                self.env.flush_all()
                counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1], "queries at 5 and 50 salespeople")
        self.assertEqual(len(cycle5.evaluation_ids), 5)
        self.assertEqual(len(cycle50.evaluation_ids), 50)
        self.assertEqual(set(cycle50.evaluation_ids.mapped("state")), {"published"})

    def test_refresh_query_count_is_independent_of_salespeople(self):
        """Refreshing costs the same number of queries for 5 and 50 salespeople."""
        warm_up = self._prepare_bulk(1, date(2024, 10, 1), date(2024, 12, 31))
        cycle5 = self._prepare_bulk(5, date(2025, 1, 1), date(2025, 3, 31))
        cycle50 = self._prepare_bulk(50, date(2025, 4, 1), date(2025, 6, 30))
        warm_up.action_refresh()
        # the refresh stamps last_computed: make it a change in both cycles
        (cycle5 | cycle50).write({"last_computed": False})
        counts = []
        for cycle in (cycle5, cycle50):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(REFRESH_QUERIES):
                start = self.cr.sql_log_count
                cycle.action_refresh()
                self.env.flush_all()
                counts.append(self.cr.sql_log_count - start)
        # upper addons may add a constant few: the guarantee is the same count
        self.assertEqual(counts[0], counts[1], "queries at 5 and 50 salespeople")

    def _post_cost(self, evaluation):
        """Queries of posting a result message on one evaluation by hand."""
        start = self.cr.sql_log_count
        evaluation.message_post(
            body="<p>Result</p>", subject="Result", message_type="notification",
            subtype_xmlid="mail.mt_comment", partner_ids=evaluation.user_id.partner_id.ids,
        )
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def test_notification_cost_per_evaluation_is_its_message(self):
        """Sending the results costs, per evaluation, its message and nothing
        more: the template is rendered for all evaluations at once."""
        warm_up = self._prepare_bulk(1, date(2024, 10, 1), date(2024, 12, 31))
        cycles = {
            5: self._prepare_bulk(5, date(2025, 1, 1), date(2025, 3, 31)),
            10: self._prepare_bulk(10, date(2025, 4, 1), date(2025, 6, 30)),
        }
        counts = {}
        for size, cycle in [(1, warm_up), *cycles.items()]:
            cycle.action_close()
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            cycle.evaluation_ids._notify_published()
            self.env.flush_all()
            counts[size] = self.cr.sql_log_count - start
            self.assertTrue(all(cycle.evaluation_ids.mapped("notified")))
        per_evaluation = (counts[10] - counts[5]) / 5
        by_hand = self._post_cost(cycles[5].evaluation_ids[0])
        self.assertLessEqual(per_evaluation, by_hand, f"queries: {counts}, one post: {by_hand}")
        message = cycles[10].evaluation_ids[-1].message_ids[:1]
        self.assertIn(cycles[10].name, message.subject)
        self.assertIn("Score", message.body)

    def test_archived_salesperson_still_assessed(self):
        """A salesperson archived after the cycle keeps their evaluation and figures."""
        self.make_order(self.user_b, self.customers[0], 800.0, date(2025, 2, 5))
        self.user_b.action_archive()
        cycle = self.make_cycle(self.template)
        cycle.action_open()
        cycle.action_close()
        self.assertEqual(self.line(cycle, self.user_b, self.revenue).actual_value, 800.0)

    def test_member_who_left_before_is_not_assessed(self):
        member = self.team_1.crm_team_member_ids.filtered(lambda m: m.user_id == self.user_b)
        member.assessment_date_end = date(2024, 12, 31)
        cycle = self.make_cycle(self.template)
        cycle.action_open()
        self.assertFalse(self.evaluation(cycle, self.user_b))
        self.assertTrue(self.evaluation(cycle, self.user_a))

    def test_other_company_documents_not_counted(self):
        company_b = self.env["res.company"].create({"name": "SA Other Co"})
        self.user_a.company_ids = [Command.link(company_b.id)]
        order = self.make_order(self.user_a, self.customers[0], 100.0, date(2025, 1, 5))
        other = self.env["sale.order"].with_company(company_b).create({
            "partner_id": self.customers[1].id, "user_id": self.user_a.id,
            "company_id": company_b.id,
            "order_line": [Command.create({"product_id": self.product.id,
                                           "price_unit": 999.0, "tax_id": False})],
        })
        other.action_confirm()
        other.date_order = order.date_order
        cycle = self.make_cycle(self.template)
        cycle.action_open()
        self.assertEqual(self.line(cycle, self.user_a, self.revenue).actual_value, 100.0)

    def test_close_is_all_or_nothing(self):
        """A KPI that fails half way leaves the cycle open with nothing written."""
        broken = self.make_lead_kpi("broken_kpi")
        template = self.make_template([(self.revenue, 50, {}), (broken, 50, {})])
        cycle = self.make_cycle(template)
        cycle.action_open()
        self.make_order(self.user_a, self.customers[0], 700.0, date(2025, 1, 5))
        # the domain becomes invalid behind the validation's back (e.g. a module uninstalled)
        self.env.cr.execute(
            "UPDATE sales_assessment_kpi SET domain = %s WHERE id = %s",
            ["[('gone_field', '=', 1)]", broken.id],
        )
        broken.invalidate_recordset()
        with self.assertRaisesRegex(Exception, "not valid"):
            cycle.action_close()
        self.env.invalidate_all()
        self.assertEqual(cycle.state, "open")
        self.assertEqual(set(cycle.evaluation_ids.mapped("state")), {"draft"})
        self.assertEqual(self.line(cycle, self.user_a, self.revenue).actual_value, 0.0)

    def test_team_leaders_asked_for_manual_values(self):
        satisfaction = self.kpi("customer_satisfaction")
        template = self.make_template([(satisfaction, 100, {})])
        cycle = self.make_cycle(template)
        cycle.action_open()
        activity = cycle.activity_ids
        self.assertEqual(activity.user_id, self.leader)
        self.assertIn("Customer Satisfaction", activity.note)
        cycle.action_close()
        self.assertFalse(cycle.activity_ids)
