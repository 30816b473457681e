"""SQL helpers Odoo's ``odoo.tools.sql`` lacks."""

from odoo.tools import SQL
from odoo.tools.sql import index_exists


def create_covering_index(cr, name, table, columns, include, where=""):
    """Create the btree index ``name`` on ``columns`` of ``table``, carrying
    the ``include`` columns for index-only scans, unless it exists."""
    if index_exists(cr, name):
        return
    cr.execute(SQL(
        "CREATE INDEX %s ON %s (%s) INCLUDE (%s)%s",
        SQL.identifier(name),
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
        SQL(", ").join(SQL.identifier(column) for column in include),
        SQL(" WHERE %s", SQL(where)) if where else SQL(),
    ))
