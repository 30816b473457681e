"""Benchmark: how open, targets, refresh and close of a 12-KPI cycle scale
with the number of salespeople, on the data ``bench_side_by_side.py
--commit-data`` committed (generate it with the largest size wanted):

    PY=~/.cache/sales_assessment/venv/bin/python
    $PY tests/benchmarks/bench_side_by_side.py -c <config> -d <db> --commit-data \\
        --salespeople 20000 --orders 1000000 --invoices 1000000 --leads 200000
    $PY tests/benchmarks/bench_scale.py -c <config> -d <db> --sizes 100,1000,5000,20000

For each size N, a process of its own (so that its peak RSS is its own) puts
the first N bench salespeople in a team, opens a cycle of a 12-KPI scorecard
on it, creates their N × 12 targets through the ORM with the chatter on (as
an import does; ``--sql-targets``: one INSERT instead), then refreshes and
closes it, printing seconds, queries and the peak RSS after each step; the
parent prints the scaling table. Everything is rolled back. It is not
collected by pytest (no ``test_`` prefix).
"""

import os
import resource
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import base_parser, cold_run, run_rolled_back  # noqa: E402
from bench_side_by_side import KPIS, QUARTER  # noqa: E402

STEPS = ("open", "targets", "refresh", "close")


def parse_args():
    parser = base_parser(__doc__)
    parser.add_argument("--sizes", default="100,1000,5000,20000")
    parser.add_argument("--size", type=int, help="run one size (the parent's child)")
    parser.add_argument("--sql-targets", action="store_true",
                        help="insert the targets in one query instead of the ORM")
    return parser.parse_args()


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(env, name, function):
    """Run ``function`` from cold caches; print one machine-readable line."""
    elapsed, queries = cold_run(env, function)
    print(f"STEP {name} {elapsed:.2f} {queries} {peak_rss():.0f}", flush=True)


def run_size(env, args):
    from odoo import Command  # noqa: PLC0415

    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    users = env["res.users"].search([("login", "like", "bench.seller.")], order="id",
                                    limit=args.size)
    if len(users) < args.size:
        sys.exit(f"only {len(users)} bench salespeople: generate more (see the docstring)")
    # timed while the caller waits, whatever the size
    env.company.sales_assessment_background_close_size = 0
    team = env["crm.team"].create({"name": f"Bench scale {args.size}"})
    # members of their own bench team too (multi-team): one INSERT, not N creates
    env.cr.execute(
        "INSERT INTO crm_team_member (crm_team_id, user_id, active, create_uid, create_date, "
        "write_uid, write_date) SELECT %s, u, TRUE, 1, now(), 1, now() FROM unnest(%s) u",
        [team.id, users.ids])
    env.invalidate_all()
    template = env["sales.assessment.template"].create({
        "name": f"Bench scale {args.size}", "team_ids": [Command.set(team.ids)],
        "line_ids": [Command.create({"kpi_id": env.ref(f"sales_assessment.kpi_{code}").id,
                                     "weight": weight}) for code, weight in KPIS],
    })
    cycle = env["sales.assessment.cycle"].create({
        "name": f"Bench scale {args.size}", "period_type": "custom", "tz": "UTC",
        "date_start": QUARTER[0], "date_end": QUARTER[1],
        "template_ids": [Command.set(template.ids)],
    })
    step(env, "open", cycle.action_open)
    vals_list = [{"cycle_id": cycle.id, "kpi_id": line.kpi_id.id, "user_id": user.id,
                  "target_value": 10 + user.id % 50 * 10}
                 for user in users for line in template.line_ids]

    def create_targets():
        if args.sql_targets:
            env.cr.execute(
                "INSERT INTO sales_assessment_target (cycle_id, kpi_id, user_id, target_value, "
                "company_id, presence_percent, ramp_percent, create_uid, write_uid, "
                "create_date, write_date) SELECT %s, v.kpi, v.u, v.value, %s, 100, 100, 1, 1, "
                "now(), now() FROM unnest(%s, %s, %s) AS v(kpi, u, value)",
                [cycle.id, cycle.company_id.id, [v["kpi_id"] for v in vals_list],
                 [v["user_id"] for v in vals_list], [v["target_value"] for v in vals_list]])
        else:
            env["sales.assessment.target"].with_context(
                tracking_disable=False, mail_notrack=False).create(vals_list)

    step(env, "targets", create_targets)
    step(env, "refresh", cycle.action_refresh)
    step(env, "close", cycle.action_close)


def main():
    args = parse_args()
    if args.size:
        run_rolled_back(args, lambda env: run_size(env, args))
        return
    rows = []
    for size in [int(size) for size in args.sizes.split(",")]:
        command = [sys.executable, __file__, "-c", args.config, "-d", args.database,
                   "--size", str(size)] + (["--odoo", args.odoo] if args.odoo else []) + (
                   ["--sql-targets"] if args.sql_targets else [])
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        steps = {line.split()[1]: line.split()[2:] for line in output.splitlines()
                 if line.startswith("STEP ")}
        rows.append((size, steps))
        print(f"{size:>7} salespeople: " + "   ".join(
            f"{name} {steps[name][0]} s / {steps[name][1]} q" for name in STEPS)
            + f"   peak RSS {steps['close'][2]} MB", flush=True)
    print("\nsalespeople " + "".join(f"{name:>18}" for name in STEPS) + "   peak RSS")
    for size, steps in rows:
        print(f"{size:>11} " + "".join(
            f"{steps[name][0]:>9} s {steps[name][1]:>5} q" for name in STEPS)
            + f"   {steps['close'][2]:>5} MB")


if __name__ == "__main__":
    main()
