from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..models.sales_assessment_evaluation import pacing_summary
from ..models.sales_assessment_evaluation_line import PACING

UNITS = [("monetary", "Amount"), ("count", "Count"), ("percent", "Percent"),
         ("days", "Days"), ("score", "Score")]


class SalesAssessmentReport(models.Model):
    """Assessment analysis: one row per evaluated KPI (evaluation line), with
    its cycle, salesperson, team, grade and rank, for graph and pivot across
    cycles. Record rules mirror the evaluations': salespeople see their own rows."""

    _name = "sales.assessment.report"
    _description = "Sales Assessment Analysis"
    _auto = False
    _rec_name = "kpi_id"
    _order = "date_start desc, evaluation_id, sequence"

    evaluation_id = fields.Many2one("sales.assessment.evaluation", readonly=True)
    cycle_id = fields.Many2one("sales.assessment.cycle", readonly=True)
    template_id = fields.Many2one("sales.assessment.template", string="Scorecard", readonly=True)
    kpi_id = fields.Many2one("sales.assessment.kpi", string="KPI", readonly=True)
    sequence = fields.Integer(readonly=True, aggregator=False)
    unit = fields.Selection(UNITS, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    grade_id = fields.Many2one("sales.assessment.grade", readonly=True)
    grade_color = fields.Integer(readonly=True, aggregator=False)
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("half", "Half-Year"),
         ("year", "Year"), ("custom", "Custom")],
        readonly=True,
    )
    cycle_state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed"), ("cancel", "Cancelled")],
        readonly=True,
    )
    cycle_open = fields.Boolean(string="Cycle in Progress", readonly=True)
    date_start = fields.Date(string="Cycle Start", readonly=True)
    date_end = fields.Date(string="Cycle End", readonly=True)
    is_started = fields.Boolean(
        string="Cycle Started", compute="_compute_is_started", search="_search_is_started",
        help="The cycle has begun: its start is today or earlier in the cycle's timezone.",
    )
    has_target = fields.Boolean(string="KPI Has Target", readonly=True)
    evaluation_has_target = fields.Boolean(string="Evaluation Has Target", readonly=True)
    weight = fields.Float(readonly=True, aggregator="sum")
    target_value = fields.Float(string="Target", readonly=True, aggregator="sum")
    actual_value = fields.Float(string="Actual", readonly=True, aggregator="sum")
    achievement = fields.Float(string="Achievement (%)", readonly=True, aggregator="avg")
    score = fields.Float(readonly=True, aggregator="avg")
    weighted_score = fields.Float(readonly=True, aggregator="sum")
    total_score = fields.Float(string="Total Score", readonly=True, aggregator="avg")
    rank = fields.Integer(readonly=True, aggregator="min")
    expected_achievement = fields.Float(string="Expected (%)", readonly=True, aggregator="avg")
    pacing = fields.Selection(PACING, readonly=True)
    projected_value = fields.Float(string="Projection", readonly=True, aggregator="sum")
    evaluation_pacing = fields.Selection(PACING, readonly=True)
    off_track_count = fields.Integer(string="KPIs Off Track", readonly=True, aggregator=False)
    at_risk_count = fields.Integer(string="KPIs at Risk", readonly=True, aggregator=False)
    pacing_label = fields.Char(string="Pacing Summary", compute="_compute_pacing_label")
    targets_acknowledged_date = fields.Datetime(string="Targets Acknowledged On", readonly=True)
    last_computed = fields.Datetime(
        string="Last Computed At", readonly=True,
        help="When the evaluation's figures were last computed (whole cycle or live refresh).")
    is_stale = fields.Boolean(
        string="Updating", readonly=True,
        help="A source record changed: the figures are refreshed within a minute.")
    result_acknowledged_date = fields.Datetime(string="Result Acknowledged On", readonly=True)
    # the evaluation's own rights for the reader: the button of "My performance"
    # shows what the action accepts
    can_acknowledge_targets = fields.Boolean(
        related="evaluation_id.can_acknowledge_targets", compute_sudo=False)
    can_acknowledge_result = fields.Boolean(
        related="evaluation_id.can_acknowledge_result", compute_sudo=False)

    _depends = {
        "sales.assessment.evaluation.line": [
            "evaluation_id", "cycle_id", "user_id", "team_id", "company_id",
            "kpi_id", "sequence", "weight", "target_value", "actual_value",
            "achievement", "score", "weighted_score", "expected_achievement", "pacing",
            "projected_value", "has_target",
        ],
        "sales.assessment.evaluation": [
            "cycle_id", "template_id", "user_id", "team_id", "company_id", "grade_id",
            "total_score", "rank", "has_target", "pacing", "off_track_count", "at_risk_count",
            "targets_acknowledged_date", "result_acknowledged_date", "live_computed", "is_stale",
        ],
        "sales.assessment.cycle": ["period_type", "state", "date_start", "date_end",
                                   "last_computed"],
        "sales.assessment.kpi": ["unit"],
        "sales.assessment.grade": ["color"],
        "res.company": ["currency_id"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        return SQL(
            """
            SELECT line.id AS id,
                   line.evaluation_id AS evaluation_id,
                   line.cycle_id AS cycle_id,
                   ev.template_id AS template_id,
                   line.kpi_id AS kpi_id,
                   line.sequence AS sequence,
                   kpi.unit AS unit,
                   line.user_id AS user_id,
                   line.team_id AS team_id,
                   line.company_id AS company_id,
                   company.currency_id AS currency_id,
                   ev.grade_id AS grade_id,
                   grade.color AS grade_color,
                   cycle.period_type AS period_type,
                   cycle.state AS cycle_state,
                   cycle.state = 'open' AS cycle_open,
                   cycle.date_start AS date_start,
                   cycle.date_end AS date_end,
                   line.weight AS weight,
                   line.target_value AS target_value,
                   line.actual_value AS actual_value,
                   -- a KPI without target has no achievement or score: NULL,
                   -- which averages leave out, not a 0 that drags them down
                   CASE WHEN line.has_target THEN line.achievement END AS achievement,
                   CASE WHEN line.has_target THEN line.score END AS score,
                   line.weighted_score AS weighted_score,
                   ev.total_score AS total_score,
                   ev.rank AS rank,
                   line.expected_achievement AS expected_achievement,
                   line.pacing AS pacing,
                   line.projected_value AS projected_value,
                   line.has_target AS has_target,
                   ev.has_target AS evaluation_has_target,
                   ev.pacing AS evaluation_pacing,
                   ev.off_track_count AS off_track_count,
                   ev.at_risk_count AS at_risk_count,
                   ev.targets_acknowledged_date AS targets_acknowledged_date,
                   ev.result_acknowledged_date AS result_acknowledged_date,
                   GREATEST(cycle.last_computed, ev.live_computed) AS last_computed,
                   ev.is_stale AS is_stale
            """
        )

    @api.model
    def _from(self):
        # the line's stored cycle, salesperson, team and company, and LEFT JOINs
        # on primary keys: PostgreSQL drops the joins a pivot does not use
        return SQL(
            """
            FROM sales_assessment_evaluation_line line
            JOIN sales_assessment_cycle cycle ON cycle.id = line.cycle_id
            LEFT JOIN sales_assessment_evaluation ev ON ev.id = line.evaluation_id
            LEFT JOIN sales_assessment_kpi kpi ON kpi.id = line.kpi_id
            LEFT JOIN res_company company ON company.id = line.company_id
            LEFT JOIN sales_assessment_grade grade ON grade.id = ev.grade_id
            """
        )

    @api.model
    def _where(self):
        return SQL("WHERE cycle.state != 'cancel'")

    @api.depends("date_start", "cycle_id")
    def _compute_is_started(self):
        for row in self:
            row.is_started = bool(row.date_start) and row.date_start <= row.cycle_id._today()

    @api.model
    def _search_is_started(self, operator, value):
        """Rows of the cycles begun in their own timezone. Whatever the
        timezone, a cycle that starts before yesterday (UTC) has begun and one
        that starts after tomorrow has not: only the few in between are
        checked one by one."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        today = fields.Date.today()
        borderline = self.env["sales.assessment.cycle"].search([
            ("date_start", ">=", today - timedelta(days=1)),
            ("date_start", "<=", today + timedelta(days=1)),
        ])
        started = borderline.filtered(lambda cycle: cycle.date_start <= cycle._today())
        domain = ["|", ("date_start", "<", today - timedelta(days=1)),
                  ("cycle_id", "in", started.ids)]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("evaluation_pacing", "off_track_count", "at_risk_count", "cycle_open",
                 "evaluation_has_target")
    def _compute_pacing_label(self):
        for row in self:
            live = row.cycle_open and row.evaluation_has_target
            row.pacing_label = live and pacing_summary(
                self.env, row.evaluation_pacing, row.off_track_count, row.at_risk_count)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """Serve the pivot's and graph's requests (all groups at once, on
        many-to-one fields, with numeric aggregates) from plain SQL tuples:
        over 100,000 lines, Odoo's generic path spends more time building
        records and dictionaries per group than PostgreSQL spends grouping.
        Any other request takes the generic path."""
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
        specs = None
        if not (offset or limit or orderby or lazy):
            specs = self._get_pivot_aggregates(fields, groupby)
        if specs is None:
            return super().read_group(domain, fields, groupby, offset=offset, limit=limit,
                                      orderby=orderby, lazy=lazy)
        return self._pivot_read_group(domain, groupby, specs)

    @api.model
    def _get_pivot_aggregates(self, fields, groupby):
        """Return the (field, function) aggregates of a plain pivot request, or
        None when the request is not one (the generic path serves it)."""
        if not groupby or self.env.context.get("fill_temporal") is not None:
            return None
        for group in groupby:
            field = self._fields.get(group)
            if not field or field.type != "many2one" or not field.store:
                return None
        specs = []
        for spec in fields:
            if spec == "__count":
                continue
            name, _sep, function = spec.partition(":")
            field = self._fields.get(name)
            if not field or field.type not in ("integer", "float", "monetary"):
                return None
            function = function or field.aggregator
            if function not in ("sum", "avg", "min", "max"):
                return None
            specs.append((name, function))
        return specs

    @api.model
    def _pivot_read_group(self, domain, groupby, specs):
        """``read_group(domain, …, groupby, lazy=False)`` for many-to-one groups
        and numeric aggregates, built from the same query pieces as
        ``_read_group`` (access rules, record rules, ordering)."""
        self.browse().check_access("read")
        query = self._search(domain)
        if query.is_empty():
            return []
        group_terms = {group: self._read_group_groupby(group, query) for group in groupby}
        query.groupby = SQL(", ").join(group_terms.values())
        select = [self._read_group_select(f"{name}:{function}", query)
                  for name, function in specs]
        select.append(self._read_group_select("__count", query))
        rows = self.env.execute_query(query.select(*group_terms.values(), *select))
        labels, ranks = {}, {}
        for index, group in enumerate(groupby):
            # sudo: group labels and order as Odoo's own read_group shows them;
            # ordering the few distinct values here spares the big query the
            # joins that ordering by their names would need
            comodel = self.env[self._fields[group].comodel_name].sudo().with_context(
                active_test=False)
            values = comodel.search([("id", "in", list({row[index] for row in rows} - {None}))])
            labels[group] = dict(zip(values.ids, values.mapped("display_name")))
            ranks[index] = {value_id: rank for rank, value_id in enumerate(values.ids)}
        rows.sort(key=lambda row: tuple(
            ranks[index].get(row[index], len(ranks[index])) for index in range(len(groupby))))
        prefix = ["&"] * len(groupby) + expression.normalize_domain(domain)
        result = []
        for row in rows:
            group = {}
            leaves = []
            for fname, value in zip(groupby, row):
                group[fname] = (value, labels[fname][value]) if value else False
                leaves.append((fname, "=", value or False))
            group["__count"] = row[-1]
            for (name, _function), value in zip(specs, row[len(groupby):-1]):
                group[name] = value if value is not None else False
            group["__domain"] = prefix + leaves
            result.append(group)
        return result

    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """Group on many-to-one fields only (the pivot's KPI × salesperson ×
        cycle): build each group's domain by concatenation, the search domain
        normalized once, instead of one normalizing AND per group and level,
        which dominates the pivot's time over thousands of groups."""
        many2one = all(
            ":" not in group and "." not in group
            and getattr(self._fields.get(group), "type", None) == "many2one"
            for group in lazy_groupby
        )
        if not (many2one and rows_dict):
            return super()._read_group_format_result(rows_dict, lazy_groupby)
        # the labels of each field's values, read in one batch
        labels = {}
        for group in lazy_groupby:
            values = self.env[self._fields[group].comodel_name].browse(
                {row[group].id for row in rows_dict} - {False})
            # sudo: labels of the grouped values, as Odoo's own read_group shows them
            labels[group] = dict(zip(values.ids, values.sudo().mapped("display_name")))
        base = {}
        for row in rows_dict:
            leaves = []
            for group in lazy_groupby:
                value_id = row[group].id
                leaves.append((group, "=", value_id or False))
                row[group] = (value_id, labels[group][value_id]) if value_id else False
            key = id(row["__domain"])
            if key not in base:
                base[key] = expression.normalize_domain(row["__domain"])
            row["__domain"] = ["&"] * len(leaves) + base[key] + leaves

    def action_open_evaluation(self):
        """Open the evaluation behind the row (from "My performance")."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales.assessment.evaluation",
            "res_id": self.evaluation_id.id,
            "views": [(False, "form")],
        }
