from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import RewardCase

# queries of a close that generates proposals, whatever its number of evaluations:
# the core's close (45 at the merge of main), 11 for the proposals, 8 for the
# budget scaling and its chatter
CLOSE_WITH_REWARDS_QUERIES = 64


@tagged("post_install", "-at_install")
class TestRewardQueryCount(RewardCase):
    def _prepare_bulk(self, n_users, date_from, date_to):
        users = self.env["res.users"].create([
            {"name": f"SA reward bulk {n_users}-{i}", "login": f"sa_rw_bulk_{n_users}_{i}"}
            for i in range(n_users)
        ])
        team = self.env["crm.team"].create({
            "name": f"SA reward bulk {n_users}", "user_id": self.leader.id,
            "member_ids": [Command.set(users.ids)],
        })
        for index, user in enumerate(users):
            self.make_order(user, self.customers[index % 6], 100.0 + index, date_from)
        revenue = self.kpi("revenue_ordered")
        template = self.make_template([(revenue, 100, {})], users_teams=team)
        self.make_rule(f"Bonus {n_users}", template_ids=[Command.set(template.ids)],
                       min_score=10, reward_type="bonus", amount_type="per_point", amount=5)
        self.make_rule(f"Training {n_users}", template_ids=[Command.set(template.ids)],
                       reward_type="training", kpi_id=revenue.id, min_achievement=1)
        cycle = self.make_cycle(template, date_from, date_to, name=f"SA rw bulk {n_users}")
        # a budget below the bonuses: scaling and its chatter are measured too
        cycle.reward_budget_ids = [Command.create({"template_id": template.id,
                                                   "amount": 7.5 * n_users})]
        self.set_targets(cycle, revenue, {user: 150.0 for user in users})
        cycle.action_open()
        return cycle

    def test_generation_query_count_is_independent_of_evaluations(self):
        warm_up = self._prepare_bulk(1, date(2024, 10, 1), date(2024, 12, 31))
        cycle5 = self._prepare_bulk(5, date(2025, 1, 1), date(2025, 3, 31))
        cycle50 = self._prepare_bulk(50, date(2025, 4, 1), date(2025, 6, 30))
        warm_up.action_close()  # fills the registry caches
        counts = []
        for cycle in (cycle5, cycle50):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(CLOSE_WITH_REWARDS_QUERIES):
                start = self.cr.sql_log_count
                cycle.action_close()
                self.env.flush_all()
                counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts, [CLOSE_WITH_REWARDS_QUERIES] * 2, "queries at 5 and 50 evaluations")
        self.assertEqual(len(cycle5.reward_ids), 10)
        self.assertEqual(len(cycle50.reward_ids), 100)
        for cycle in (cycle5, cycle50):
            self.assertLess(cycle.reward_scale_factor, 1)
            bonuses = cycle.reward_ids.filtered(lambda r: r.reward_type == "bonus")
            self.assertAlmostEqual(sum(bonuses.mapped("amount")),
                                   cycle.reward_budget_ids.amount, places=2)
