from collections import namedtuple

from odoo import api, models
from odoo.tools import SQL

from ..tools import periods

# One builtin metric: its code and label, the model of the records it counts
# (what "view sources" opens), its aggregate over the rows (sum, avg, count of
# distinct records), the models to flush before reading, and the method
# returning the SQL of its rows.
Metric = namedtuple("Metric", "code label model aggregate depends method")

_AGGREGATES = {
    "sum": SQL("SUM(rows.value)"),
    "avg": SQL("AVG(rows.value)"),
    "count": SQL("COUNT(DISTINCT rows.res_id)"),
    # rows are distinct records already: no sort to count them
    "count_rows": SQL("COUNT(*)"),
    # rows are parts (lines) of records: the average per record
    "avg_per_record": SQL("SUM(rows.value) / NULLIF(COUNT(DISTINCT rows.res_id), 0)"),
}


def metric(code, label, model, aggregate, depends):
    """Declare the decorated method of ``sales.assessment.metric`` as the
    builtin metric ``code``.

    The method takes a :class:`~.sales_assessment_kpi.Period` and returns the
    SQL of rows ``(subject_id, res_id, value)``: the subject (a user, or a team
    when ``period.group`` is ``team``), the counted record of ``model`` and its
    value. ``aggregate`` (``sum``, ``avg``, ``count`` of distinct records, or
    ``avg_per_record`` when rows are lines of the records, ``count_rows``
    when each row is a distinct record) turns the rows of a
    subject into its value; ``depends`` lists the models
    to flush before the query. ``label`` is a lazy translation (``_lt``).
    """
    if aggregate not in _AGGREGATES:
        raise ValueError(f"Unknown aggregate {aggregate!r} of metric {code!r}")

    def decorate(method):
        method._sales_assessment_metric = (code, label, model, aggregate, tuple(depends))
        return method

    return decorate


class SalesAssessmentMetric(models.AbstractModel):
    """The registry of builtin metrics: one decorated method per metric.

    Families of metrics live in ``models/metrics/``, each inheriting this
    model. Another addon adds a metric the same way: ``_inherit =
    "sales.assessment.metric"`` and one method decorated with :func:`metric`
    (overriding a metric keeps its decorator). The helpers below give every
    metric the same subject column, timezone bounds and company filter.
    """

    _name = "sales.assessment.metric"
    _description = "Assessment Builtin Metric"

    @api.model
    def _get_metrics(self):
        """Return {code: :class:`Metric`} of every registered metric, in the
        order of their declaration."""
        cls = type(self)
        # the registry class is rebuilt when modules load: cache on it, once
        found = cls.__dict__.get("_sales_assessment_metrics")
        if found is None:
            found = {}
            for klass in reversed(cls.__mro__):
                for name, method in vars(klass).items():
                    spec = getattr(method, "_sales_assessment_metric", None)
                    if spec:
                        found[spec[0]] = Metric(*spec, name)
            cls._sales_assessment_metrics = found
        return found

    @api.model
    def _get_metric(self, code):
        return self._get_metrics()[code]

    @api.model
    def _selection(self):
        """The (code, translated label) pairs of the KPI's builtin metric."""
        return [(m.code, self.env._(m.label)) for m in self._get_metrics().values()]

    @api.model
    def _rows(self, code, period):
        """Return the SQL of the rows (subject_id, res_id, value) of ``code``."""
        spec = self._get_metric(code)
        for model in spec.depends:
            self.env[model].flush_model()
        return getattr(self, spec.method)(period)

    @api.model
    def _measure(self, code, period, subject_ids):
        """Return {subject_id: value} of metric ``code`` in one grouped query."""
        spec = self._get_metric(code)
        self.env.cr.execute(SQL(
            "SELECT rows.subject_id, %s FROM (%s) AS rows "
            "WHERE rows.subject_id = ANY(%s) GROUP BY rows.subject_id",
            _AGGREGATES[spec.aggregate], self._rows(code, period), list(subject_ids),
        ))
        return dict(self.env.cr.fetchall())

    @api.model
    def _source_ids(self, code, period, subject_id):
        """Return (model, ids) of the records counted for one subject."""
        self.env.cr.execute(SQL(
            "SELECT DISTINCT rows.res_id FROM (%s) AS rows WHERE rows.subject_id = %s",
            self._rows(code, period), subject_id,
        ))
        return self._get_metric(code).model, [row[0] for row in self.env.cr.fetchall()]

    # -- helpers shared by the metrics

    @api.model
    def _bounds(self, period):
        """Return the naive UTC datetimes [start, stop) of the period's local
        days: datetime sources are cut at local midnight of ``period.tz``."""
        return periods.utc_bounds(period.date_from, period.date_to, period.tz)

    @api.model
    def _subject(self, period, alias, user_column="user_id"):
        """The column of ``alias`` naming the subject: its team, or its user."""
        return SQL.identifier(alias, "team_id" if period.group == "team" else user_column)
