# shellcheck shell=bash
# Shared settings of setup/install.sh, run.sh and test.sh. Sourced, not run.
#
# Every location can be overridden from the environment:
#   ODOO_SRC      Odoo 18.0 source tree (default: $SA_CACHE/odoo-18.0)
#   SA_CACHE      cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/sales_assessment)
#   SA_VENV       virtualenv (default: $SA_CACHE/venv)
#   SA_PG_DIR     private PostgreSQL cluster (default: $SA_CACHE/pg, or
#                 /var/tmp/sales_assessment/pg when run as root)
#   SA_PG_PORT    port of the private cluster (default: 54329)
#   PGHOST PGPORT PGUSER PGPASSWORD  an existing PostgreSQL server to use instead

SA_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SA_CACHE="${SA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sales_assessment}"
SA_ODOO_DEFAULT="$SA_CACHE/odoo-18.0"
SA_VENV="${SA_VENV:-$SA_CACHE/venv}"
SA_PYTHON="${SA_PYTHON:-python3}"
SA_PG_PORT="${SA_PG_PORT:-54329}"
if [ "$(id -u)" = 0 ]; then
    SA_PG_DIR="${SA_PG_DIR:-/var/tmp/sales_assessment/pg}"
else
    SA_PG_DIR="${SA_PG_DIR:-$SA_CACHE/pg}"
fi
SA_PG_ROLE="${SA_PG_ROLE:-odoo}"
# one configuration per checkout, so that clones side by side do not share addons paths
SA_CONF="$SA_CACHE/odoo-$(printf %s "$SA_REPO" | sha1sum | cut -c1-8).conf"
SA_ODOO_SRC_FILE="${SA_CONF%.conf}.odoo_src"
SA_ADDONS="sales_assessment,sales_assessment_reward,sales_assessment_dashboard"

sa_log() { printf '[sales_assessment] %s\n' "$*" >&2; }
sa_die() { printf '[sales_assessment] ERROR: %s\n' "$*" >&2; exit 2; }

# Print the PostgreSQL binaries directory (pg_ctl, initdb, postgres).
sa_pg_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

# The OS user that owns the private cluster: ourselves, or an unprivileged
# account when we are root (PostgreSQL refuses to run as root).
sa_pg_osuser() {
    if [ "$(id -u)" != 0 ]; then
        id -un
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        id sales_assessment >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin sales_assessment
        echo sales_assessment
    fi
}

sa_as_pg_user() {
    local user
    user="$(sa_pg_osuser)"
    if [ "$(id -un)" = "$user" ]; then
        "$@"
    else
        runuser -u "$user" -- "$@"
    fi
}

sa_odoo_ok() {
    [ -f "$1/odoo-bin" ] && grep -q "^version_info = (18, 0," "$1/odoo/release.py" 2>/dev/null
}

sa_odoo() {
    "$SA_VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$SA_CONF" "$@"
}

# psql against the server of the generated Odoo configuration.
sa_psql() {
    local host port user
    host="$(sed -n 's/^db_host = //p' "$SA_CONF")"; port="$(sed -n 's/^db_port = //p' "$SA_CONF")"
    user="$(sed -n 's/^db_user = //p' "$SA_CONF")"
    [ "$host" = False ] && host=""; [ "$port" = False ] && port=""; [ "$user" = False ] && user=""
    PGOPTIONS="-c client_min_messages=warning" PGHOST="${host:-${PGHOST:-}}" PGPORT="${port:-${PGPORT:-}}" PGUSER="${user:-${PGUSER:-}}" \
        psql -d postgres "$@"
}
