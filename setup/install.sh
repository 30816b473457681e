#!/usr/bin/env bash
# Prepare everything Sales Assessment needs to run and test, idempotently:
#   1. Odoo 18.0 source ($ODOO_SRC, else the cache, else a shallow clone);
#   2. one virtualenv with Odoo's requirements and ours;
#   3. a reachable PostgreSQL (the PG* server if it answers, else a private cluster);
#   4. an Odoo configuration file pointing at all of the above.
# Safe to re-run: each step is skipped when already done.
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"

ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"

resolve_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        sa_odoo_ok "$ODOO_SRC" && return 0
        sa_die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo-bin, or not version 18.0).
Point ODOO_SRC at a checkout of the 18.0 branch of $ODOO_GIT_URL, e.g.
    git clone --depth 1 --branch 18.0 $ODOO_GIT_URL /opt/odoo-18.0
    ODOO_SRC=/opt/odoo-18.0 setup/test.sh"
    fi
    ODOO_SRC="$SA_ODOO_DEFAULT"
    sa_odoo_ok "$ODOO_SRC" && return 0
    sa_log "Odoo 18.0 source not found at $ODOO_SRC; cloning branch 18.0 (shallow) from $ODOO_GIT_URL"
    mkdir -p "$SA_CACHE"
    rm -rf "$ODOO_SRC.partial"
    # Fail fast (well within a minute) when the repository cannot be reached at all.
    if GIT_TERMINAL_PROMPT=0 timeout 45 git ls-remote --heads "$ODOO_GIT_URL" 18.0 >/dev/null 2>&1 &&
        GIT_TERMINAL_PROMPT=0 timeout "${SA_CLONE_TIMEOUT:-1800}" \
        git -c http.lowSpeedLimit=1000 -c http.lowSpeedTime=30 clone --quiet \
        --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$ODOO_SRC.partial" 2>&1 | tail -3 >&2 &&
        sa_odoo_ok "$ODOO_SRC.partial"; then
        mv "$ODOO_SRC.partial" "$ODOO_SRC"
        return 0
    fi
    rm -rf "$ODOO_SRC.partial"
    sa_die "Could not obtain Odoo 18.0 source (no network?).
Provide it and tell us where with ODOO_SRC, e.g.
    ODOO_SRC=/path/to/odoo-18.0 setup/test.sh
or place it at the default location $SA_ODOO_DEFAULT."
}

# Odoo's pins, adapted to what builds on this Python.
odoo_requirements() {
    local py_minor
    py_minor="$("$SA_PYTHON" -c 'import sys; print(sys.version_info[1])')"
    sed -e 's/[[:space:]]*#.*$//' "$ODOO_SRC/requirements.txt" | while IFS= read -r line; do
        [ -z "$line" ] && continue
        case "$line" in
        # cbor2 5.4.2 has no wheel for 3.11 and its sdist needs pkg_resources,
        # which current setuptools no longer ships: take the 5.6 wheel instead.
        cbor2==5.4.2*) [ "$py_minor" -lt 12 ] && echo "cbor2==5.6.5 ; python_version < '3.12'" ;;
        # The OCA lint hooks need polib 1.2 (Odoo runs with it, as on Ubuntu 24.04).
        polib==1.1.1*) echo "polib==1.2.0" ;;
        # python-ldap is only used by auth_ldap and needs libldap headers.
        python-ldap*) [ -f /usr/include/ldap.h ] && echo "$line" ;;
        *) echo "$line" ;;
        esac
    done
}

# pip, without the notices about configured package locations absent here
sa_pip() {
    "$SA_VENV/bin/python" -m pip -q --disable-pip-version-check "$@" 2>&1 |
        { grep -v "is ignored: it is neither a file nor a directory" || true; } >&2
}

ensure_venv() {
    local reqs stamp want
    reqs="$SA_CACHE/requirements-all.txt"
    mkdir -p "$SA_CACHE"
    { odoo_requirements; cat "$SA_REPO/requirements.txt"; } >"$reqs.new"
    mv "$reqs.new" "$reqs"
    want="$("$SA_PYTHON" -VV | sha1sum | cut -c1-12)-$(sha1sum <"$reqs" | cut -c1-12)"
    stamp="$SA_VENV/.sales_assessment-stamp"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$SA_VENV/bin/python" ]; then
        return 0
    fi
    sa_log "Creating virtualenv $SA_VENV (a few minutes the first time)"
    [ -x "$SA_VENV/bin/python" ] || "$SA_PYTHON" -m venv "$SA_VENV"
    sa_pip install --upgrade pip wheel "setuptools<70"
    sa_pip install -r "$reqs"
    echo "$want" >"$stamp"
}

ensure_chromium() {
    command -v chromium >/dev/null || command -v google-chrome >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        sa_log "Installing chromium (browser tests need it)"
        apt-get install -y -q chromium >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; } ||
            sa_log "WARNING: could not install chromium: browser tests will fail"
    else
        sa_log "WARNING: no chromium binary: install the Debian package 'chromium' (browser tests need it)"
    fi
}

ensure_pdf_tools() {
    # wkhtmltopdf renders the PDF statement; pdftotext (poppler-utils) lets the tests read it.
    command -v wkhtmltopdf >/dev/null && command -v pdftotext >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        sa_log "Installing wkhtmltopdf and poppler-utils (PDF statement and its tests need them)"
        apt-get install -y -q wkhtmltopdf poppler-utils >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wkhtmltopdf poppler-utils >/dev/null 2>&1; } ||
            sa_log "WARNING: could not install wkhtmltopdf and poppler-utils: PDF statement tests will fail"
    else
        sa_log "WARNING: no wkhtmltopdf or pdftotext: install the Debian packages 'wkhtmltopdf' and 'poppler-utils' (PDF statement tests need them)"
    fi
}

external_pg_answers() {
    [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] || return 1
    command -v psql >/dev/null || return 1
    timeout 10 psql -d "${PGDATABASE:-postgres}" -Atqc 'select 1' >/dev/null 2>&1
}

ensure_private_pg() {
    local bindir user
    bindir="$(sa_pg_bindir)" ||
        sa_die "PostgreSQL server binaries not found: install the Debian package 'postgresql' (or postgresql-15), or point PGHOST/PGPORT/PGUSER at a running server."
    user="$(sa_pg_osuser)"
    if [ ! -f "$SA_PG_DIR/PG_VERSION" ]; then
        sa_log "Creating a private PostgreSQL cluster in $SA_PG_DIR (port $SA_PG_PORT, owner $user)"
        mkdir -p "$SA_PG_DIR"
        chown "$user" "$SA_PG_DIR" "$(dirname "$SA_PG_DIR")" 2>/dev/null || true
        chmod 700 "$SA_PG_DIR"
        sa_as_pg_user "$bindir/initdb" -D "$SA_PG_DIR" -U "$SA_PG_ROLE" -A trust -E UTF8 \
            --locale=C.UTF-8 >"$SA_PG_DIR.initdb.log" 2>&1 ||
            sa_die "initdb failed, see $SA_PG_DIR.initdb.log"
        cat >>"$SA_PG_DIR/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$SA_PG_DIR'
port = $SA_PG_PORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 512MB
max_connections = 200
CONF
    fi
    if ! sa_as_pg_user "$bindir/pg_ctl" -D "$SA_PG_DIR" status >/dev/null 2>&1; then
        sa_as_pg_user "$bindir/pg_ctl" -D "$SA_PG_DIR" -l "$SA_PG_DIR/server.log" -w -t 60 start >/dev/null ||
            sa_die "PostgreSQL did not start, see $SA_PG_DIR/server.log"
    fi
    SA_DB_HOST="$SA_PG_DIR" SA_DB_PORT="$SA_PG_PORT" SA_DB_USER="$SA_PG_ROLE" SA_DB_PASSWORD=False
}

ensure_pg() {
    if external_pg_answers; then
        sa_log "Using the PostgreSQL server given by PG* variables"
        SA_DB_HOST="${PGHOST:-False}" SA_DB_PORT="${PGPORT:-False}"
        SA_DB_USER="${PGUSER:-False}" SA_DB_PASSWORD="${PGPASSWORD:-False}"
    else
        ensure_private_pg
    fi
}

write_conf() {
    sed -e "s#@ADDONS_PATH@#$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$SA_REPO#" \
        -e "s#@DB_HOST@#$SA_DB_HOST#" -e "s#@DB_PORT@#$SA_DB_PORT#" \
        -e "s#@DB_USER@#$SA_DB_USER#" -e "s#@DB_PASSWORD@#$SA_DB_PASSWORD#" \
        -e "s#@DATA_DIR@#$SA_CACHE/data#" \
        "$SA_REPO/setup/odoo.conf.template" >"$SA_CONF.new"
    mv "$SA_CONF.new" "$SA_CONF"
    echo "$ODOO_SRC" >"$SA_ODOO_SRC_FILE"
}

resolve_odoo
ensure_venv
ensure_chromium
ensure_pdf_tools
ensure_pg
write_conf
sa_log "Ready: Odoo $ODOO_SRC, venv $SA_VENV, config $SA_CONF"
