#!/usr/bin/env bash
# Serve Odoo with the three Sales Assessment addons and their demo data on
# http://127.0.0.1:8069 (database "sales_assessment" by default). Ctrl-C stops it.
set -euo pipefail
# shellcheck source=setup/common.sh
. "$(dirname "$0")/common.sh"
DB="${SA_DB:-sales_assessment}"

"$SA_REPO/setup/install.sh"
ODOO_SRC="$(cat "$SA_ODOO_SRC_FILE")"
installed="$(sa_psql -d "$DB" -Atqc "select count(*) from ir_module_module
    where name in ('sales_assessment','sales_assessment_reward','sales_assessment_dashboard')
    and state = 'installed'" 2>/dev/null || echo 0)"
if [ "$installed" != 3 ]; then
    sa_log "Creating database $DB with the addons and demo data (a few minutes, once)"
    sa_odoo -d "$DB" -i "$SA_ADDONS" --stop-after-init --log-level=warn
fi
sa_log "Odoo is starting on http://127.0.0.1:8069  (login: admin / password: admin, database: $DB)"
sa_log "Press Ctrl-C to stop."
exec "$SA_VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$SA_CONF" -d "$DB" --db-filter "^$DB\$"
