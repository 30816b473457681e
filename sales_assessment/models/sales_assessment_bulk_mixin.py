import json

from odoo import Command, api, models
from odoo.tools import SQL
from odoo.tools.misc import clean_context


class SalesAssessmentBulkMixin(models.AbstractModel):
    """Set-based writes of system-computed figures: one query whatever the
    number of records, up to a bound (``_bulk_chunk_rows`` rows per
    statement, so that no parameter grows without limit), for the models
    whose figures a refresh or close of a cycle computes (evaluations, their
    lines). Only for plain stored fields: no access check, no tracking, no
    recomputation — callers checked the rights of the step that computes
    them."""

    _name = "sales.assessment.bulk.mixin"
    _description = "Assessment Bulk Figures"
    # rows of one bulk statement (its JSON parameter: some 150 bytes a row);
    # more rows take one statement more per chunk
    _bulk_chunk_rows = 100_000

    @api.model
    def _bulk_chunks(self, rows):
        """The slices of ``rows`` each bulk statement takes: one at least, even
        of no row, so that a forced statement is issued whatever the data."""
        size = self._bulk_chunk_rows
        return [rows[start:start + size] for start in range(0, len(rows), size)] or [rows]

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
        query (``UPDATE … FROM json_to_recordset(…)``) per chunk of rows,
        skipping the records whose values did not change, then drop the
        cache. With ``fnames`` (the fields of every dict), the query is
        issued even for no record, so that a caller's query count does not
        depend on the data."""
        if not self and not fnames:
            return
        self.flush_recordset()
        fnames = list(fnames or vals_list[0])
        columns = [SQL.identifier(fname) for fname in fnames]
        rows = [dict(vals, id=record_id) for record_id, vals in zip(self.ids, vals_list)]
        for chunk in self._bulk_chunks(rows):
            self.env.cr.execute(SQL(
                "UPDATE %(table)s AS t SET %(assign)s, write_date = %(now)s, write_uid = %(uid)s "
                "FROM %(records)s WHERE t.id = v.id AND (%(old)s) IS DISTINCT FROM (%(new)s)",
                table=SQL.identifier(self._table),
                assign=SQL(", ").join(SQL("%s = v.%s", c, c) for c in columns),
                now=self.env.cr.now(),
                uid=self.env.uid,
                records=self._sql_records(fnames, chunk),
                # a record whose values did not change is not written again
                old=SQL(", ").join(SQL("t.%s", c) for c in columns),
                new=SQL(", ").join(SQL("v.%s", c) for c in columns),
            ))
        self.invalidate_recordset(fnames + ["write_date", "write_uid"])

    @api.model
    def _bulk_create(self, vals_list):
        """Create one record per dict of ``vals_list`` in one query whatever
        their number (``INSERT … SELECT FROM json_to_recordset(…)``), and one
        more per many2many field (its rows, from ``Command.set`` or a list of
        ids). Every dict has the same keys; the other stored fields get their
        defaults, read once and never from the context (a client's
        ``default_*`` keys fill nothing). No ORM create cascade: no access
        check, tracking, chatter or recomputation — the caller gives every
        stored value, related ones included, checked the rights of the step,
        and creates only records nothing depends on yet. Return the records
        in the order of ``vals_list``."""
        if not vals_list:
            return self.browse()
        given = list(vals_list[0])
        many2many = [fname for fname in given if self._fields[fname].type == "many2many"]
        # the context replaced, not updated: its default_* keys are dropped
        clean = self.with_context(clean_context(self.env.context))  # pylint: disable=context-overridden
        defaults = clean.default_get([
            fname for fname, field in self._fields.items()
            if field.store and field.column_type and not field.compute
            and fname not in given and fname not in models.LOG_ACCESS_COLUMNS
        ])
        defaults = {fname: value for fname, value in defaults.items()
                    if self._fields[fname].column_type}
        fnames = [fname for fname in given if fname not in many2many] + list(defaults)
        columns = [SQL.identifier(fname) for fname in fnames]
        self.flush_model()
        ids = []
        for chunk in self._bulk_chunks(vals_list):
            self.env.cr.execute(SQL(
                "INSERT INTO %(table)s (%(columns)s, create_uid, create_date, write_uid, "
                "write_date) SELECT %(values)s, %(uid)s, %(now)s, %(uid)s, %(now)s "
                "FROM %(records)s RETURNING id",
                table=SQL.identifier(self._table),
                columns=SQL(", ").join(columns),
                values=SQL(", ").join(SQL("v.%s", column) for column in columns),
                uid=self.env.uid,
                now=self.env.cr.now(),
                records=self._sql_records(fnames, [
                    {fname: self._bulk_value(fname, vals[fname] if fname in vals
                                             else defaults[fname]) for fname in fnames}
                    for vals in chunk
                ], keys=()),
            ))
            # the ids come from the sequence in the order of the rows
            ids += sorted(row[0] for row in self.env.cr.fetchall())
        records = self.browse(ids)
        # the one2many fields of the records' parents (a cycle's evaluations)
        # gain them: read again when next used
        for fname in fnames:
            for inverse in self.pool.field_inverses[self._fields[fname]]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
        for fname in many2many:
            field = self._fields[fname]
            pairs = [(record_id, other_id) for record_id, vals in zip(records.ids, vals_list)
                     for other_id in _many2many_ids(vals[fname])]
            self.env.cr.execute(SQL(
                "INSERT INTO %(relation)s (%(column1)s, %(column2)s) "
                "SELECT * FROM unnest(%(ids1)s::int4[], %(ids2)s::int4[]) ON CONFLICT DO NOTHING",
                relation=SQL.identifier(field.relation),
                column1=SQL.identifier(field.column1),
                column2=SQL.identifier(field.column2),
                ids1=[pair[0] for pair in pairs],
                ids2=[pair[1] for pair in pairs],
            ))
        return records

    def _bulk_value(self, fname, value):
        """A value as its column takes it: ``False`` is NULL but for a boolean."""
        if value is False and self._fields[fname].type != "boolean":
            return None
        return value


def _many2many_ids(value):
    """The ids of a many2many value given as ids or as one ``Command.set``."""
    if value and isinstance(value[0], (list, tuple)):
        (command,) = value
        if command[0] != Command.SET:
            raise ValueError(f"only Command.set creates many2many rows in bulk, not {command}")
        return command[2]
    return value or []
