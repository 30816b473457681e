"""Benchmark: reward proposals generated when a cycle of many salespeople closes.

Creates, inside one transaction that is rolled back at the end, N salespeople
in teams of 10, a scorecard on a manual KPI with scores spread over 0-100,
five reward rules (grades, top N, KPI achievement, per point with a cap, a
penalty with stop) and a bonus budget below the bonuses, then times:

- ``action_close`` with the rules (close + generation + budget scaling);
- ``_generate_rewards`` alone once more (drafts regenerated).

Prints seconds, query counts and the number of proposals. Run it against a
database where sales_assessment_reward is installed::

    ~/.cache/sales_assessment/venv/bin/python tests/benchmarks/bench_reward.py \\
        -c ~/.cache/sales_assessment/odoo-<hash>.conf -d sales_assessment \\
        --salespeople 1000

It is not collected by pytest (no ``test_`` prefix) and never commits.
"""

import time
from datetime import date

from bench_common import base_parser, run_rolled_back, timed


def parse_args():
    parser = base_parser(__doc__)
    parser.add_argument("--salespeople", type=int, default=1000)
    return parser.parse_args()


def setup(env, count):
    from odoo import Command  # noqa: PLC0415

    users = env["res.users"].with_context(no_reset_password=True).create([
        {"name": f"Bench seller {i}", "login": f"bench_reward_seller_{i}",
         "groups_id": [Command.set(env.ref("sales_team.group_sale_salesman").ids)]}
        for i in range(count)
    ])
    leaders = env["res.users"].with_context(no_reset_password=True).create([
        {"name": f"Bench leader {i}", "login": f"bench_reward_leader_{i}"}
        for i in range(0, count, 10)
    ])
    teams = env["crm.team"].create([
        {"name": f"Bench reward team {i}", "user_id": leader.id,
         "member_ids": [Command.set(users[i * 10:(i + 1) * 10].ids)]}
        for i, leader in enumerate(leaders)
    ])
    satisfaction = env.ref("sales_assessment.kpi_customer_satisfaction")
    template = env["sales.assessment.template"].create({
        "name": "Bench reward scorecard", "team_ids": [Command.set(teams.ids)],
        "grade_ids": [Command.set([env.ref(f"sales_assessment.grade_{g}").id
                                   for g in "abcd"])],
        "line_ids": [Command.create({"kpi_id": satisfaction.id, "weight": 100})],
    })
    rule_vals = [
        {"name": "Bench grade A", "grade_ids": [Command.set(
            env.ref("sales_assessment.grade_a").ids)], "reward_type": "recognition"},
        {"name": "Bench top 50", "rank_top": 50, "min_score": 60,
         "amount_type": "per_point", "amount": 20, "amount_cap": 600},
        {"name": "Bench KPI", "kpi_id": satisfaction.id, "min_achievement": 80,
         "amount_type": "percent_of_kpi", "amount": 200},
        {"name": "Bench training", "grade_ids": [Command.set(
            env.ref("sales_assessment.grade_d").ids)], "reward_type": "training"},
        {"name": "Bench penalty", "max_score": 30, "reward_type": "penalty",
         "amount": 100, "stop": True},
    ]
    env["sales.assessment.reward.rule"].create([
        dict({"template_ids": [Command.set(template.ids)], "reward_type": "bonus"}, **vals)
        for vals in rule_vals
    ])
    cycle = env["sales.assessment.cycle"].create({
        "name": "Bench reward cycle", "period_type": "custom",
        "date_start": date(2031, 1, 1), "date_end": date(2031, 3, 31),
        "template_ids": [Command.set(template.ids)],
        "reward_budget_ids": [Command.create({"template_id": template.id,
                                              "amount": 50.0 * count})],
    })
    env["sales.assessment.target"].create([
        {"cycle_id": cycle.id, "kpi_id": satisfaction.id, "user_id": user.id,
         "target_value": 100.0}
        for user in users
    ])
    cycle.action_open()
    env.flush_all()
    env.cr.execute(
        "UPDATE sales_assessment_evaluation_line l SET manual_value = (l.id * 37) %% 101 "
        "FROM sales_assessment_evaluation e WHERE e.id = l.evaluation_id AND e.cycle_id = %s",
        (cycle.id,),
    )
    env.invalidate_all()
    return cycle


def run(env, args):
    env = env(context=dict(env.context, tracking_disable=True))
    start = time.perf_counter()
    cycle = setup(env, args.salespeople)
    print(f"set up {args.salespeople} salespeople in {time.perf_counter() - start:.1f} s")
    # closed while the caller waits, whatever the size (rolled back at the end)
    cycle.company_id.sales_assessment_background_close_size = 0
    timed(env, "action_close (close + proposals + budget)", cycle.action_close, 46)
    timed(env, "_generate_rewards again (drafts regenerated)", cycle._generate_rewards, 46)
    rewards = cycle.reward_ids
    bonuses = rewards.filtered(lambda r: r.reward_type == "bonus")
    print(f"proposals: {len(rewards)}, bonuses {sum(bonuses.mapped('amount')):,.2f} "
          f"(budget {cycle.reward_budget_ids.amount:,.2f}, factor "
          f"{cycle.reward_scale_factor:.4f})")


def main():
    args = parse_args()
    run_rolled_back(args, lambda env: run(env, args))


if __name__ == "__main__":
    main()
