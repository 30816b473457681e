"""Benchmark: the dashboard's analysis report and XLSX workbook at scale.

Generates, inside one transaction that is rolled back at the end, N
salespeople (plain SQL inserts, as in ``bench_close.py``), closed cycles
with their evaluations and evaluation lines, then times:

- ``read_group`` on ``sales.assessment.report`` over all evaluation lines,
  grouped KPI × salesperson as the pivot asks (target: < 300 ms over 100,000
  lines);
- ``action_export_xlsx`` of one cycle of N salespeople × 12 KPIs (target:
  < 3 s and < 150 MB peak memory), reporting the time, the Python memory
  peak of the build (tracemalloc) and the growth of the process's peak RSS.

Run it against a database where sales_assessment_dashboard is installed::

    ~/.cache/sales_assessment/venv/bin/python tests/benchmarks/bench_dashboard.py \\
        -c ~/.cache/sales_assessment/odoo-<hash>.conf -d sales_assessment \\
        --salespeople 1000 --lines 100000

It is not collected by pytest (no ``test_`` prefix) and never commits.
"""

import math
import resource
import statistics
import time
import tracemalloc

from bench_common import base_parser, run_rolled_back


def parse_args():
    parser = base_parser(__doc__)
    parser.add_argument("--salespeople", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=100000)
    parser.add_argument("--kpis", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


SELLERS = [
    """INSERT INTO res_partner (name, active, autopost_bills, type, company_id)
       SELECT 'Bench seller ' || g, true, 'ask', 'contact', %(company)s
       FROM generate_series(1, %(salespeople)s) g""",
    """INSERT INTO res_users (login, partner_id, company_id, active, notification_type)
       SELECT 'bench.seller.' || p.id, p.id, %(company)s, true, 'email'
       FROM res_partner p WHERE p.name LIKE 'Bench seller %%'""",
    """CREATE TEMP TABLE bench_sellers AS
       SELECT u.id AS user_id, row_number() OVER (ORDER BY u.id) - 1 AS n
       FROM res_users u WHERE u.login LIKE 'bench.seller.%%'""",
]
CYCLES = """
    INSERT INTO sales_assessment_cycle (name, period_type, date_start, date_end, company_id,
                                        tz, state)
    SELECT 'Bench cycle ' || g, 'custom', date '2000-01-01' + g * 40,
           date '2000-01-01' + g * 40 + 30, %(company)s, 'UTC', 'closed'
    FROM generate_series(1, %(cycles)s) g RETURNING id"""
EVALUATIONS = """
    INSERT INTO sales_assessment_evaluation (cycle_id, template_id, user_id, team_id,
                                             company_id, total_score, rank, team_rank, state)
    SELECT c.id, %(template)s, s.user_id, %(team)s, %(company)s,
           (s.n * 37 + c.id) %% 120, 1 + (s.n * 7 + c.id) %% %(salespeople)s, 1, 'published'
    FROM unnest(%(cycle_ids)s) c(id) CROSS JOIN bench_sellers s"""
LINES = """
    INSERT INTO sales_assessment_evaluation_line (evaluation_id, cycle_id, user_id, team_id,
        company_id, kpi_id, sequence, weight,
        target_value, actual_value, achievement, score, weighted_score)
    SELECT e.id, e.cycle_id, e.user_id, e.team_id, e.company_id, k.id, k.n, 100.0 / %(kpis)s,
           1000, (e.id * 13 + k.n * 7) %% 1500,
           ((e.id * 13 + k.n * 7) %% 1500) / 10.0,
           LEAST(((e.id * 13 + k.n * 7) %% 1500) / 10.0, 120),
           LEAST(((e.id * 13 + k.n * 7) %% 1500) / 10.0, 120) / %(kpis)s
    FROM sales_assessment_evaluation e
    CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n
                FROM unnest(%(kpi_ids)s) id) k
    WHERE e.cycle_id = ANY(%(cycle_ids)s)"""


def generate(env, args):
    from odoo import Command  # noqa: PLC0415

    cr = env.cr
    params = {"company": env.company.id, "salespeople": args.salespeople}
    for query in SELLERS:
        cr.execute(query, params)
    kpis = env["sales.assessment.kpi"].search([], limit=args.kpis)
    while len(kpis) < args.kpis:
        kpis |= env["sales.assessment.kpi"].create({
            "name": f"Bench manual {len(kpis)}", "code": f"bench_{len(kpis)}",
            "kpi_type": "manual",
        })
    team = env["crm.team"].create({"name": "Bench dashboard team"})
    template = env["sales.assessment.template"].create({
        "name": "Bench dashboard scorecard",
        "line_ids": [Command.create({"kpi_id": kpi.id, "weight": 100.0 / len(kpis)})
                     for kpi in kpis],
    })
    cycles = max(1, math.ceil(args.lines / (args.salespeople * len(kpis))))
    cr.execute(CYCLES, dict(params, cycles=cycles))
    cycle_ids = [row[0] for row in cr.fetchall()]
    params.update(template=template.id, team=team.id, cycle_ids=cycle_ids,
                  kpi_ids=kpis.ids, kpis=len(kpis))
    cr.execute(EVALUATIONS, params)
    cr.execute(LINES, params)
    cr.execute("ANALYZE sales_assessment_evaluation; ANALYZE sales_assessment_evaluation_line")
    env.invalidate_all()
    return env["sales.assessment.cycle"].browse(cycle_ids)


def bench_read_group(env, args, cycles):
    Report = env["sales.assessment.report"]
    [[count]] = Report._read_group([("cycle_id", "in", cycles.ids)], [], ["__count"])
    timings = []
    for _index in range(args.repeat):
        env.invalidate_all()
        start = time.perf_counter()
        groups = Report.read_group(
            [("cycle_id", "in", cycles.ids)],
            ["achievement:avg", "score:avg", "actual_value:sum"],
            ["kpi_id", "user_id"], lazy=False,
        )
        timings.append(time.perf_counter() - start)
    print(f"read_group report KPI x salesperson over {count} lines: "
          f"median {statistics.median(timings) * 1000:.0f} ms, "
          f"best {min(timings) * 1000:.0f} ms ({len(groups)} groups)")


def bench_xlsx(env, args, cycle):
    lines = len(cycle.evaluation_ids.line_ids)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings = []
    for _index in range(args.repeat):
        env.invalidate_all()
        start = time.perf_counter()
        cycle._build_xlsx()  # the workbook the download route builds
        timings.append(time.perf_counter() - start)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    env.invalidate_all()
    tracemalloc.start()
    content = cycle._build_xlsx()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"XLSX of {len(cycle.evaluation_ids)} salespeople, {lines} KPI lines: "
          f"median {statistics.median(timings):.2f} s, best {min(timings):.2f} s, "
          f"{len(content) / 1024:.0f} kB file; memory: Python peak of one build "
          f"{peak / 1024 / 1024:.1f} MB, process peak RSS {rss_after:.0f} MB "
          f"(+{rss_after - rss_before:.0f} MB over the {rss_before:.0f} MB of the loaded "
          f"server and generated data)")


def run(env, args):
    env = env(context=dict(env.context, tracking_disable=True))
    start = time.perf_counter()
    cycles = generate(env, args)
    print(f"generated {args.salespeople} salespeople x {args.kpis} KPIs x "
          f"{len(cycles)} cycles in {time.perf_counter() - start:.1f} s")
    bench_read_group(env, args, cycles)
    bench_xlsx(env, args, cycles[0])


def main():
    args = parse_args()
    run_rolled_back(args, lambda env: run(env, args))


if __name__ == "__main__":
    main()
