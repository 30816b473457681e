import json

from odoo import api, models
from odoo.tools import SQL


class SalesAssessmentBulkMixin(models.AbstractModel):
    """Set-based writes of system-computed figures: one query whatever the
    number of records, for the models whose figures a refresh or close of a
    cycle computes (evaluations, their lines). Only for plain stored fields:
    no access check, no tracking, no recomputation — callers checked the
    rights of the step that computes them."""

    _name = "sales.assessment.bulk.mixin"
    _description = "Assessment Bulk Figures"

    @api.model
    def _sql_records(self, fnames, vals_list, keys=("id",)):
        """SQL of the rows of ``vals_list`` as a relation ``v`` with an integer
        column per key and a column per field of this model, typed as the
        field's column: ONE JSON parameter, whatever the number of rows (a
        literal per value costs PostgreSQL more to parse than to write)."""
        columns = [SQL("%s int4", SQL.identifier(key)) for key in keys] + [
            SQL("%s %s", SQL.identifier(fname), SQL(self._fields[fname].column_type[1]))
            for fname in fnames
        ]
        return SQL(
            "json_to_recordset(%s::json) AS v(%s)",
            json.dumps(vals_list, default=str),
            SQL(", ").join(columns),
        )

    def _bulk_write(self, vals_list, fnames=None):
        """Write one dict of plain stored values per record of ``self`` in ONE
        query (``UPDATE … FROM json_to_recordset(…)``), skipping the records
        whose values did not change, then drop the cache. With ``fnames``
        (the fields of every dict), the query is issued even for no record,
        so that a caller's query count does not depend on the data."""
        if not self and not fnames:
            return
        self.flush_recordset()
        fnames = list(fnames or vals_list[0])
        columns = [SQL.identifier(fname) for fname in fnames]
        self.env.cr.execute(SQL(
            "UPDATE %(table)s AS t SET %(assign)s, write_date = %(now)s, write_uid = %(uid)s "
            "FROM %(records)s WHERE t.id = v.id AND (%(old)s) IS DISTINCT FROM (%(new)s)",
            table=SQL.identifier(self._table),
            assign=SQL(", ").join(SQL("%s = v.%s", c, c) for c in columns),
            now=self.env.cr.now(),
            uid=self.env.uid,
            records=self._sql_records(
                fnames, [dict(vals, id=record_id) for record_id, vals in zip(self.ids, vals_list)],
            ),
            # a record whose values did not change is not written again
            old=SQL(", ").join(SQL("t.%s", c) for c in columns),
            new=SQL(", ").join(SQL("v.%s", c) for c in columns),
        ))
        self.invalidate_recordset(fnames + ["write_date", "write_uid"])
