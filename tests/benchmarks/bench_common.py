"""What the benchmarks share: their command line, a rolled-back Odoo
environment, and the timing of one step. Not collected by pytest."""

import argparse
import os
import sys
import time


def base_parser(doc):
    """An argument parser with the options every benchmark takes: the Odoo
    configuration, the database and the Odoo source tree."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--odoo", default=os.environ.get("ODOO_SRC"))
    return parser


def run_rolled_back(args, function):
    """Return ``function(env)`` run as superuser in one transaction of the
    database, rolled back at the end whatever happens: nothing is committed."""
    if args.odoo:
        sys.path.insert(0, args.odoo)
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            return function(env)
        finally:
            cr.rollback()


def cold_run(env, function):
    """Run ``function`` with cold caches; return (its seconds, its queries)."""
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    function()
    env.flush_all()
    return time.perf_counter() - start, env.cr.sql_log_count - queries


def timed(env, label, function, width=42):
    """Run ``function`` with cold caches; print and return its seconds."""
    elapsed, queries = cold_run(env, function)
    print(f"{label:<{width}} {elapsed:8.2f} s {queries:6d} queries")
    return elapsed
