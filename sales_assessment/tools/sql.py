"""SQL helpers Odoo's ``odoo.tools.sql`` lacks."""

import logging
import time

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, index_exists

_logger = logging.getLogger(__name__)


def add_filled_columns(cr, table, columns, fill):
    """Create the missing ``columns`` ({name: SQL type}) of ``table`` and fill
    them with ``fill(cr)`` (one UPDATE returning the number of rows), so
    that the ORM does not compute a new stored field record by record."""
    missing = {name: kind for name, kind in columns.items() if not column_exists(cr, table, name)}
    if not missing:
        return
    for name, kind in missing.items():
        create_column(cr, table, name, kind)
    start = time.perf_counter()
    count = fill(cr)
    _logger.info("Table %s: %s of %s rows filled in %.1f s", table, ", ".join(missing),
                 count, time.perf_counter() - start)


def create_covering_index(cr, name, table, columns, include, where=""):
    """Create the btree index ``name`` on ``columns`` of ``table``, carrying
    the ``include`` columns for index-only scans, unless it exists."""
    if index_exists(cr, name):
        return
    start = time.perf_counter()
    cr.execute(SQL(
        "CREATE INDEX %s ON %s (%s) INCLUDE (%s)%s",
        SQL.identifier(name),
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
        SQL(", ").join(SQL.identifier(column) for column in include),
        SQL(" WHERE %s", SQL(where)) if where else SQL(),
    ))
    _logger.info("Table %s: index %s built in %.1f s", table, name, time.perf_counter() - start)
