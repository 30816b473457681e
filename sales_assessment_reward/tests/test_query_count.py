from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import RewardCase

# queries proposals add to the core's close, whatever the number of evaluations:
# generating them, scaling bonuses to the budget and saying so in the chatter
# (at most: 20 alone, 21 with the dashboard installed)
REWARD_QUERIES = 21


@tagged("post_install", "-at_install")
class TestRewardQueryCount(RewardCase):
    def _prepare_bulk(self, n_users, date_from, date_to, rules=True):
        users = self.env["res.users"].create([
            {"name": f"SA reward bulk {n_users}-{i}", "login": f"sa_rw_bulk_{date_from}_{i}"}
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
        cycle = self.make_cycle(template, date_from, date_to, name=f"SA rw bulk {date_from}")
        self.set_targets(cycle, revenue, {user: 150.0 for user in users})
        if not rules:
            cycle.action_open()
            return cycle
        self.make_rule(f"Bonus {n_users}", template_ids=[Command.set(template.ids)],
                       min_score=10, reward_type="bonus", amount_type="per_point", amount=5)
        self.make_rule(f"Training {n_users}", template_ids=[Command.set(template.ids)],
                       reward_type="training", kpi_id=revenue.id, min_achievement=1)
        # a budget below the bonuses: scaling and its chatter are measured too
        cycle.reward_budget_ids = [Command.create({"template_id": template.id,
                                                   "amount": 7.5 * n_users})]
        cycle.action_open()
        return cycle

    def _count_close(self, cycle):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        cycle.action_close()
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def test_generation_query_count_is_independent_of_evaluations(self):
        """Proposals cost the core's close the same few queries more at 5 and
        at 50 evaluations."""
        warm_up = self._prepare_bulk(1, date(2024, 10, 1), date(2024, 12, 31))
        cycle5 = self._prepare_bulk(5, date(2025, 1, 1), date(2025, 3, 31))
        cycle50 = self._prepare_bulk(50, date(2025, 4, 1), date(2025, 6, 30))
        bare5 = self._prepare_bulk(5, date(2025, 7, 1), date(2025, 9, 30), rules=False)
        bare50 = self._prepare_bulk(50, date(2025, 10, 1), date(2025, 12, 31), rules=False)
        warm_up.action_close()  # fills the registry caches
        core = [self._count_close(bare5), self._count_close(bare50)]
        self.assertEqual(core[0], core[1], "the core's close at 5 and 50")
        with self.assertQueryCount(core[0] + REWARD_QUERIES):
            with_rewards = [self._count_close(cycle5)]
        with self.assertQueryCount(core[0] + REWARD_QUERIES):
            with_rewards.append(self._count_close(cycle50))
        self.assertEqual(with_rewards[0], with_rewards[1], "queries at 5 and 50 evaluations")
        self.assertLessEqual(with_rewards[0] - core[0], REWARD_QUERIES)
        self.assertFalse(bare50.reward_ids)
        self.assertEqual(len(cycle5.reward_ids), 10)
        self.assertEqual(len(cycle50.reward_ids), 100)
        for cycle in (cycle5, cycle50):
            self.assertLess(cycle.reward_scale_factor, 1)
            bonuses = cycle.reward_ids.filtered(lambda r: r.reward_type == "bonus")
            self.assertAlmostEqual(sum(bonuses.mapped("amount")),
                                   cycle.reward_budget_ids.amount, places=2)
