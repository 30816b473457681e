#!/usr/bin/env bash
# The one test command: lint, framework-free engine tests, and the addons' Odoo
# tests in a fresh database of a real Odoo 18 server on a real PostgreSQL.
# Ends with "N passed, M failed" and exits non-zero on any failure.
# Writes a machine-readable summary to .test-summary.json (git-ignored).
set -uo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"

"$SA_REPO/setup/install.sh" || exit 2
ODOO_SRC="$(cat "$SA_ODOO_SRC_FILE")"
# one log directory per checkout, like the configuration: runs side by side never mix
LOG_DIR="$SA_CACHE/logs/$(basename "${SA_CONF%.conf}")"
mkdir -p "$LOG_DIR"
PASSED=0
FAILED=0
declare -A LAYER

record() { # layer passed failed
    LAYER[$1]="$2 $3"
    PASSED=$((PASSED + $2))
    FAILED=$((FAILED + $3))
    sa_log "$1: $2 passed, $3 failed"
}

run_lint() {
    local ok=0 ko=0 addons=(sales_assessment sales_assessment_reward sales_assessment_dashboard)
    cd "$SA_REPO" || return
    if "$SA_VENV/bin/pylint" --rcfile=.pylintrc "${addons[@]}"; then ok=$((ok + 1)); else ko=$((ko + 1)); fi
    if "$SA_VENV/bin/oca-checks-odoo-module" --no-verbose "${addons[@]}" >"$LOG_DIR/oca-checks.log" 2>&1; then
        ok=$((ok + 1))
    else
        cat "$LOG_DIR/oca-checks.log" >&2
        ko=$((ko + 1))
    fi
    local po=(./*/i18n/*.po ./*/i18n/*.pot)
    [ -e "${po[0]}" ] || po=()
    if [ "${#po[@]}" = 0 ] || "$SA_VENV/bin/oca-checks-po" --no-verbose "${po[@]}" >"$LOG_DIR/oca-po.log" 2>&1; then
        ok=$((ok + 1))
    else
        cat "$LOG_DIR/oca-po.log" >&2
        ko=$((ko + 1))
    fi
    record lint "$ok" "$ko"
}

run_pytest() {
    local xml="$LOG_DIR/pytest.xml" counts
    (cd "$SA_REPO" && "$SA_VENV/bin/python" -m pytest -q -p no:cacheprovider \
        --junitxml="$xml" tests/)
    counts="$("$SA_VENV/bin/python" - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print(0, 1); sys.exit()
suites = [root] if root.tag == "testsuite" else list(root)
tests = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(tests - bad - skipped, bad if tests else 1)
PY
)"
    # shellcheck disable=SC2086
    record pytest $counts
}

# A database with the dependencies only, made once per Odoo tree and copied
# for each run: our addons are then installed, with their tests, into a fresh copy.
template_db() {
    local key name
    key="$( (cat "$ODOO_SRC/odoo/release.py"; grep -h '"depends"' "$SA_REPO"/sales_assessment*/__manifest__.py) | sha1sum | cut -c1-10)"
    name="sa_template_$key"
    if ! sa_psql -Atqc "select 1 from pg_database where datname='$name'" | grep -q 1; then
        sa_log "Creating template database $name (dependencies with demo data, once)"
        sa_psql -qc "drop database if exists ${name}_tmp" >/dev/null
        sa_odoo -d "${name}_tmp" -i sale_crm,gamification,spreadsheet_dashboard \
            --stop-after-init --log-level=warn >"$LOG_DIR/template.log" 2>&1 ||
            { tail -20 "$LOG_DIR/template.log" >&2; return 1; }
        sa_psql -qc "alter database ${name}_tmp rename to $name" >/dev/null || return 1
    fi
    # the template's attachments (web assets) follow its name
    local filestore="$SA_CACHE/data/filestore"
    if [ -d "$filestore/${name}_tmp" ] && [ ! -d "$filestore/$name" ]; then
        mv "$filestore/${name}_tmp" "$filestore/$name"
    fi
    echo "$name"
}

# The side-by-side benchmark (ours, gamification, plain SQL) at a small size,
# in the test database before it is dropped: its figures must agree.
run_bench_smoke() {
    local log="$LOG_DIR/bench-smoke.log"
    sa_log "Benchmark smoke test (20 salespeople; log: $log)"
    if "$SA_VENV/bin/python" "$SA_REPO/tests/benchmarks/bench_side_by_side.py" \
        -c "$SA_CONF" -d "$1" --odoo "$ODOO_SRC" --salespeople 20 --orders 5000 \
        --invoices 2000 --leads 1000 --runs 1 --smoke >"$log" 2>&1; then
        grep -vE " (INFO|WARNING) " "$log" >&2
        record bench 1 0
    else
        tail -30 "$log" >&2
        record bench 0 1
    fi
}

run_odoo_tests() {
    local db="sa_test_$$" log="$LOG_DIR/odoo-tests.log" tpl line
    tpl="$(template_db)" || { record odoo 0 1; return; }
    sa_psql -qc "create database $db template $tpl" >/dev/null || { record odoo 0 1; return; }
    # the copy's attachments live in the template's filestore: link them in
    local filestore="$SA_CACHE/data/filestore"
    [ -d "$filestore/$tpl" ] && cp -al "$filestore/$tpl" "$filestore/$db"
    sa_log "Installing $SA_ADDONS with tests in database $db (log: $log)"
    sa_odoo -d "$db" -i "$SA_ADDONS" --test-enable --stop-after-init --log-level=test \
        --test-tags "/sales_assessment,/sales_assessment_reward,/sales_assessment_dashboard" \
        --http-port "${SA_TEST_HTTP_PORT:-8169}" >"$log" 2>&1
    local rc=$?
    run_bench_smoke "$db"
    sa_psql -qc "drop database if exists $db" >/dev/null 2>&1
    rm -rf "${filestore:?}/$db"
    grep -E " (ERROR|CRITICAL) |^(FAIL|ERROR):" "$log" >&2
    # Odoo skips browser tests with a mere warning when it lacks websocket-client or Chrome
    local skipped_browser
    skipped_browser="$(grep -E "websocket-client module is not installed|Chrome executable not found|Failed to detect chrome devtools port" "$log")"
    [ -n "$skipped_browser" ] && echo "$skipped_browser" >&2
    line="$(grep -E "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database" "$log" | tail -1)"
    if [ -z "$line" ]; then
        tail -30 "$log" >&2
        sa_log "no test count in the Odoo log: the run is a failure"
        record odoo 0 1
        return
    fi
    echo "$line" >&2
    sa_log "browser tours run: $(grep -c "browser: tour succeeded" "$log")"
    local f e n
    read -r f e n <<<"$(echo "$line" | sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')"
    local bad=$((f + e))
    if [ "$bad" = 0 ] && { [ "$rc" != 0 ] || [ "$n" = 0 ] || [ -n "$skipped_browser" ] ||
        grep -qE " (ERROR|CRITICAL) " "$log"; }; then
        bad=1
    fi
    record odoo $((n - f - e)) "$bad"
}

START=$(date +%s)
run_lint
run_pytest
run_odoo_tests
ELAPSED=$(($(date +%s) - START))

"$SA_VENV/bin/python" - "$SA_REPO/.test-summary.json" "$PASSED" "$FAILED" "$ELAPSED" \
    "$(git -C "$SA_REPO" rev-parse --verify -q HEAD || echo unknown)" \
    "${LAYER[lint]}" "${LAYER[pytest]}" "${LAYER[odoo]}" "${LAYER[bench]:-0 1}" <<'PY'
import json, sys
path, passed, failed, elapsed, commit, lint, pyt, odoo, bench = sys.argv[1:]
layer = lambda s: dict(zip(("passed", "failed"), map(int, s.split())))
json.dump({"commit": commit, "passed": int(passed), "failed": int(failed),
           "seconds": int(elapsed), "lint": layer(lint), "pytest": layer(pyt),
           "odoo": layer(odoo), "bench": layer(bench)}, open(path, "w"), indent=2)
PY
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
