from collections import defaultdict, namedtuple

from odoo import api, models
from odoo.tools import SQL

from ..tools import periods

# One builtin metric: its code and label, the model of the records it counts
# (what "view sources" opens), its aggregate over the rows (sum, avg, count of
# distinct records), the models to flush before reading, the unit and
# direction a KPI of it takes by default, the pipeline it is projected from
# (see metric()), and the method returning the SQL of its rows.
Metric = namedtuple(
    "Metric", "code label model aggregate depends unit direction projection method")

# the values of sales.assessment.kpi's unit and direction, and the pipelines
# an open cycle projects a metric from (the dashboard addon)
UNITS = ("monetary", "count", "percent", "days", "score")
DIRECTIONS = ("higher", "lower")
PROJECTIONS = (None, "revenue", "won")

# the aggregate of a metric's rows: a function of the SQL of the value and of
# the counted record; a row whose value is NULL is not counted
_AGGREGATES = {
    "sum": lambda value, res_id: SQL("SUM(%s)", value),
    "avg": lambda value, res_id: SQL("AVG(%s)", value),
    "count": lambda value, res_id: SQL(
        "COUNT(DISTINCT CASE WHEN %s IS NOT NULL THEN %s END)", value, res_id),
    # rows are distinct records already: no sort to count them
    "count_rows": lambda value, res_id: SQL("COUNT(%s)", value),
    # rows are parts (lines) of records: the average per record
    "avg_per_record": lambda value, res_id: SQL(
        "SUM(%s) / NULLIF(COUNT(DISTINCT CASE WHEN %s IS NOT NULL THEN %s END), 0)",
        value, value, res_id),
}


class SourceRows(SQL):
    """The rows ``(subject_id, res_id, value)`` of a metric computed over a
    shared *source*: the SQL of rows ``(subject_id, res_id, …)`` aliased
    ``src``, and the SQL of the ``value`` on them (NULL: not counted).
    Metrics whose rows are built over the same source are measured together,
    in one grouped query: one scan of the records for the whole family."""

    def __init__(self, source, value):
        super().__init__(
            "SELECT src.subject_id, src.res_id, %s AS value FROM (%s) AS src", value, source)
        self.source = source
        self.value = value

    def source_key(self):
        """What makes two sources the same: their SQL and parameters."""
        return (self.source.code, repr(self.source.params))


def metric(code, label, model, aggregate, depends, unit="count", direction="higher",
           projection=None):
    """Declare the decorated method of ``sales.assessment.metric`` as the
    builtin metric ``code``.

    The method takes a :class:`~.sales_assessment_kpi.Period` and returns the
    SQL of rows ``(subject_id, res_id, value)``: the subject (a user, or a team
    when ``period.group`` is ``team``), the counted record of ``model`` and its
    value (NULL: not counted). Metrics reading the same records return
    :class:`SourceRows` over one source, so that they are measured together.
    ``aggregate`` (``sum``, ``avg``, ``count`` of distinct records,
    ``count_rows`` when each row is a distinct record, or ``avg_per_record``
    when rows are lines of the records) turns the rows of a subject into its
    value; ``depends`` lists the models to flush before the query. ``label``
    is a lazy translation (``_lt``).

    ``unit`` (one of :data:`UNITS`) and ``direction`` (``higher`` or
    ``lower`` is better) are what a KPI of the metric takes unless its author
    sets them; ``projection`` (``revenue``, ``won`` or None) names the open
    pipeline that projects the metric's figure to the end of an open cycle
    (the probability-weighted expected revenue, or count, of the open
    opportunities).
    """
    if aggregate not in _AGGREGATES:
        raise ValueError(f"Unknown aggregate {aggregate!r} of metric {code!r}")
    for value, allowed in ((unit, UNITS), (direction, DIRECTIONS), (projection, PROJECTIONS)):
        if value not in allowed:
            raise ValueError(f"{value!r} of metric {code!r} is not one of {allowed}")

    def decorate(method):
        method._sales_assessment_metric = (
            code, label, model, aggregate, tuple(depends), unit, direction, projection)
        return method

    return decorate


class SalesAssessmentMetric(models.AbstractModel):
    """The registry of builtin metrics: one decorated method per metric.

    Families of metrics live in ``models/metrics/``, each inheriting this
    model; the metrics of a family that read the same records return
    :class:`SourceRows` over one source, and are measured in one query.
    Another addon adds a metric the same way: ``_inherit =
    "sales.assessment.metric"`` and one method decorated with :func:`metric`
    (overriding a metric keeps its decorator). The helpers below give every
    metric the same subject column (:meth:`_subject`), timezone bounds
    (:meth:`_bounds`) and company filter (:meth:`_in_company`).
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
        return self._measure_many([code], period, subject_ids)[code]

    @api.model
    def _measure_many(self, codes, period, subject_ids):
        """Return {code: {subject_id: value}} of the metrics ``codes``: one
        grouped query per metric, and one for all the metrics built over the
        same source (see :class:`SourceRows`)."""
        families = defaultdict(list)
        for code in codes:
            rows = self._rows(code, period)
            key = rows.source_key() if isinstance(rows, SourceRows) else ("rows", code)
            families[key].append((code, rows))
        result = {}
        for members in families.values():
            if isinstance(members[0][1], SourceRows):
                source = members[0][1].source
                values = [(code, rows.value) for code, rows in members]
            else:
                (code, rows), = members
                source, values = rows, [(code, SQL("src.value"))]
            self.env.cr.execute(SQL(
                "SELECT src.subject_id, %s FROM (%s) AS src "
                "WHERE src.subject_id = ANY(%s) GROUP BY src.subject_id",
                SQL(", ").join(
                    _AGGREGATES[self._get_metric(code).aggregate](value, SQL("src.res_id"))
                    for code, value in values
                ),
                source, list(subject_ids),
            ))
            figures = self.env.cr.fetchall()
            for index, (code, _value) in enumerate(values, start=1):
                result[code] = {row[0]: row[index] for row in figures}
        return result

    @api.model
    def _source_ids(self, code, period, subject_id):
        """Return (model, ids) of the records counted for one subject."""
        self.env.cr.execute(SQL(
            "SELECT DISTINCT rows.res_id FROM (%s) AS rows "
            "WHERE rows.subject_id = %s AND rows.value IS NOT NULL",
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
    def _in_company(self, period, *columns):
        """SQL: the first non-empty of ``columns`` (qualified column names,
        the record's own company first, then fallbacks) is the period's
        company. One column stays a plain comparison, for its index."""
        company = (SQL.identifier(*columns[0].split(".")) if len(columns) == 1 else SQL(
            "COALESCE(%s)", SQL(", ").join(SQL.identifier(*c.split(".")) for c in columns)))
        return SQL("%s = %s", company, period.company.id)

    @api.model
    def _of_subjects(self, period, column):
        """SQL: `` AND column`` is one of the subjects the period is narrowed
        to (``Period.subject_ids``, a live refresh of a few), so that the
        scan reads only theirs from the column's index; nothing when it is
        not narrowed. The measure still filters the subjects itself: this
        only narrows what is read, it never widens it."""
        if not period.subject_ids:
            return SQL()
        return SQL(" AND %s = ANY(%s)", column, list(period.subject_ids))

    @api.model
    def _subject(self, period, alias, user_column="user_id"):
        """The column of ``alias`` naming the subject: its team, or its user."""
        return SQL.identifier(alias, "team_id" if period.group == "team" else user_column)
