import re
from collections import defaultdict, namedtuple
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..tools import formula as formula_tools
from ..tools import periods

CODE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_CODES = {"min", "max", "abs", "round"}

# A period of measure: dates are inclusive local days of timezone `tz`;
# `group` is "user" or "team".
Period = namedtuple("Period", "date_from date_to company group tz", defaults=("UTC",))


class SalesAssessmentKpi(models.Model):
    """A KPI definition: what is measured, and how its value is gathered for
    every subject (salesperson or team) of a cycle at once.

    ``builtin`` KPIs read Odoo's own documents with one grouped query each,
    ``domain`` KPIs aggregate any model, ``formula`` KPIs combine other KPIs by
    code, and ``manual`` KPIs are typed in by the team leader on the evaluation.

    Access: every salesperson and team leader reads the KPIs of their
    companies; managers create, change and delete them; other companies see
    nothing (shared KPIs, without company, are read by all).
    """

    _name = "sales.assessment.kpi"
    _description = "Assessment KPI"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Identifier used in formulas: letters, digits and underscores.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the KPI between companies.",
    )
    kpi_type = fields.Selection(
        [
            ("builtin", "Built-in"),
            ("domain", "Records Matching a Domain"),
            ("formula", "Formula"),
            ("manual", "Manual"),
        ],
        required=True,
        default="builtin",
        tracking=True,
    )
    builtin_metric = fields.Selection(
        selection="_selection_builtin_metric",
        tracking=True,
        help="The measure read from Odoo's documents; see models/metrics/.",
    )
    model_id = fields.Many2one("ir.model", string="Model", ondelete="cascade")
    model_name = fields.Char(related="model_id.model", string="Model Name")
    domain = fields.Char(default="[]", tracking=True)
    date_field_id = fields.Many2one(
        "ir.model.fields",
        string="Date Field",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime'))]",
    )
    user_field_id = fields.Many2one(
        "ir.model.fields",
        string="Salesperson Field",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), "
        "('relation', '=', 'res.users')]",
    )
    team_field_id = fields.Many2one(
        "ir.model.fields",
        string="Sales Team Field",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), "
        "('relation', '=', 'crm.team')]",
        help="Used for team scorecards; without it a team's value is the sum "
        "of its members' values.",
    )
    measure_field_id = fields.Many2one(
        "ir.model.fields",
        string="Measure Field",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), "
        "('ttype', 'in', ('integer', 'float', 'monetary'))]",
    )
    aggregation = fields.Selection(
        [
            ("count", "Count"),
            ("sum", "Sum"),
            ("avg", "Average"),
            ("count_distinct", "Count Distinct"),
        ],
        default="count",
    )
    formula = fields.Char(
        tracking=True,
        help="Arithmetic over other KPI codes, e.g. won / (won + lost) * 100. "
        "Allowed: numbers, KPI codes, + - * / ( ), min, max, abs, round. "
        "A division by zero gives 0.",
    )
    direction = fields.Selection(
        [("higher", "Higher is Better"), ("lower", "Lower is Better")],
        required=True,
        default="higher",
    )
    unit = fields.Selection(
        [
            ("monetary", "Amount"),
            ("count", "Count"),
            ("percent", "Percent"),
            ("days", "Days"),
            ("score", "Score"),
        ],
        required=True,
        default="count",
    )

    @api.constrains("code", "company_id")
    def _check_code(self):
        for kpi in self:
            if not CODE_RE.match(kpi.code or "") or kpi.code in RESERVED_CODES:
                raise ValidationError(
                    _(
                        'KPI code "%(code)s" is not valid: use letters, digits and '
                        "underscores, starting with a letter (and not min, max, abs "
                        "or round).",
                        code=kpi.code,
                    )
                )
            company_domain = (
                [("company_id", "in", [kpi.company_id.id, False])] if kpi.company_id else []
            )
            # sudo: a code must be unique across the companies the editor cannot see too
            clash = self.sudo().with_context(active_test=False).search_count(
                [("id", "!=", kpi.id), ("code", "=", kpi.code)] + company_domain
            )
            if clash:
                raise ValidationError(
                    _('Another KPI already uses the code "%(code)s".', code=kpi.code)
                )

    @api.constrains("kpi_type", "builtin_metric", "model_id", "domain", "date_field_id",
                    "user_field_id", "team_field_id", "measure_field_id", "aggregation")
    def _check_definition(self):
        for kpi in self:
            if kpi.kpi_type == "builtin" and not kpi.builtin_metric:
                raise ValidationError(
                    _("Choose the built-in metric of KPI %(name)s.", name=kpi.name)
                )
            if kpi.kpi_type == "domain":
                kpi._check_domain_definition()

    def write(self, vals):
        if "code" in vals:
            self.filtered(lambda k: k.code != vals["code"])._check_not_in_formulas()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_in_formula(self):
        self._check_not_in_formulas()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # sudo: uses in every company block the deletion
        line = self.env["sales.assessment.template.line"].sudo().search(
            [("kpi_id", "in", self.ids)], limit=1
        )
        if line:
            raise UserError(_(
                "KPI %(kpi)s is used by scorecard %(name)s: remove it from the scorecard "
                "first, or archive the KPI.", kpi=line.kpi_id.name, name=line.template_id.name,
            ))
        # sudo: figures of any evaluation count, whatever the deleter reads
        used = self.env["sales.assessment.evaluation.line"].sudo().search(
            [("kpi_id", "in", self.ids)], limit=1
        ) or self.env["sales.assessment.target"].sudo().search(
            [("kpi_id", "in", self.ids)], limit=1
        )
        if used:
            raise UserError(_(
                "KPI %(kpi)s has figures in cycle %(cycle)s: archive it instead of "
                "deleting it.", kpi=used.kpi_id.name, cycle=used.cycle_id.name,
            ))

    def _check_not_in_formulas(self):
        # sudo: formulas of every company that may name these KPIs
        formulas = self.sudo().with_context(active_test=False).search(
            [("kpi_type", "=", "formula"), ("id", "not in", self.ids)]
        )
        for kpi in self:
            users = formulas.filtered(
                lambda f, kpi=kpi: kpi._is_visible_from(f.company_id)
                and kpi.code in formula_tools.formula_codes(f.formula)
            )
            if users:
                raise ValidationError(
                    _(
                        'KPI code "%(code)s" is used in the formula of %(users)s: '
                        "change those formulas first.",
                        code=kpi.code,
                        users=", ".join(users.mapped("name")),
                    )
                )

    def _check_domain_definition(self):
        self.ensure_one()
        if not (self.model_id and self.date_field_id and self.user_field_id):
            raise ValidationError(
                _(
                    "KPI %(name)s counts records of a model: set its model, date field "
                    "and salesperson field.",
                    name=self.name,
                )
            )
        fields_ = (self.date_field_id | self.user_field_id | self.measure_field_id
                   | self.team_field_id)
        if fields_.model_id - self.model_id:
            raise ValidationError(
                _("The fields of KPI %(name)s must belong to its model.", name=self.name)
            )
        self._check_domain_field_types()
        if self.aggregation != "count" and not self.measure_field_id:
            raise ValidationError(
                _("KPI %(name)s needs a measure field to aggregate.", name=self.name)
            )
        self._get_parsed_domain()

    def _check_domain_field_types(self):
        if self.date_field_id.ttype not in ("date", "datetime"):
            raise ValidationError(_(
                "The date field of KPI %(name)s, %(field)s, is not a date: choose a date "
                "or date-time field.", name=self.name, field=self.date_field_id.field_description,
            ))
        if self.user_field_id.relation != "res.users":
            raise ValidationError(_(
                "The salesperson field of KPI %(name)s, %(field)s, does not point to users: "
                "choose a field linking to a user.",
                name=self.name, field=self.user_field_id.field_description,
            ))
        if self.team_field_id and self.team_field_id.relation != "crm.team":
            raise ValidationError(_(
                "The sales team field of KPI %(name)s, %(field)s, does not point to sales "
                "teams: choose a field linking to a sales team.",
                name=self.name, field=self.team_field_id.field_description,
            ))
        if self.measure_field_id and self.measure_field_id.ttype not in (
                "integer", "float", "monetary"):
            raise ValidationError(_(
                "The measure field of KPI %(name)s, %(field)s, is not a number: choose an "
                "integer, decimal or amount field.",
                name=self.name, field=self.measure_field_id.field_description,
            ))

    def _get_parsed_domain(self):
        """Return the KPI's domain as a list, validated against its model.

        :raise ValidationError: naming what does not parse or does not exist.
        """
        self.ensure_one()
        try:
            domain = safe_eval(self.domain or "[]", {"uid": self.env.uid})
        except Exception as error:
            raise ValidationError(
                _(
                    "The domain of KPI %(name)s does not parse: %(error)s",
                    name=self.name,
                    error=error,
                )
            ) from error
        if not isinstance(domain, (list, tuple)):
            raise ValidationError(
                _("The domain of KPI %(name)s must be a list.", name=self.name)
            )
        try:
            # sudo: the domain is checked against the model, whoever edits the KPI
            self.env[self.model_id.model].sudo()._search(list(domain))
        except Exception as error:
            raise ValidationError(
                _(
                    "The domain of KPI %(name)s is not valid for %(model)s: %(error)s",
                    name=self.name,
                    model=self.model_id.name,
                    error=error,
                )
            ) from error
        return list(domain)

    @api.constrains("kpi_type", "formula", "company_id")
    def _check_formula(self):
        formula_kpis = self.filtered(lambda k: k.kpi_type == "formula")
        if not formula_kpis:
            return
        # sudo: codes of every company must be seen to validate, whoever edits
        all_kpis = self.sudo().with_context(active_test=False).search(
            [("code", "!=", False)]
        )
        for kpi in formula_kpis:
            if not kpi.formula:
                raise ValidationError(_("Write the formula of KPI %(name)s.", name=kpi.name))
            known = all_kpis.filtered(lambda k, kpi=kpi: k._is_visible_from(kpi.company_id))
            try:
                formula_tools.check_formula(kpi.formula, known.mapped("code"))
            except formula_tools.FormulaError as error:
                raise ValidationError(
                    _("Formula of KPI %(name)s: %(error)s", name=kpi.name, error=error)
                ) from error
        companies = formula_kpis.company_id or all_kpis.company_id
        for company in companies or [self.env["res.company"]]:
            self._check_formula_loop(
                all_kpis.filtered(lambda k, c=company: k._is_visible_from(c))
            )

    def _is_visible_from(self, company):
        """Whether formulas of ``company`` (empty: shared) may name this KPI."""
        return not self.company_id or self.company_id == company

    @api.model
    def _check_formula_loop(self, kpis):
        graph = {
            k.code: formula_tools.formula_codes(k.formula)
            for k in kpis
            if k.kpi_type == "formula" and k.formula
        }
        cycle = formula_tools.find_cycle(graph)
        if cycle:
            raise ValidationError(
                _(
                    "KPI formulas refer to each other in a loop: %(loop)s. "
                    "Break the loop by changing one of these formulas.",
                    loop=" → ".join(cycle),
                )
            )

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------

    def _get_dependencies(self, company):
        """Return self plus every KPI the formulas of self refer to, recursively.

        Codes resolve inside ``company``: its own KPIs and the shared ones, so
        two companies may each have a KPI coded ``won``.
        """
        result = self
        todo = self.filtered(lambda k: k.kpi_type == "formula")
        while todo:
            codes = set()
            for kpi in todo:
                codes |= formula_tools.formula_codes(kpi.formula)
            found = self.with_context(active_test=False).search(
                [("code", "in", list(codes)), ("company_id", "in", [company.id, False])]
            ) - result
            result |= found
            todo = found.filtered(lambda k: k.kpi_type == "formula")
        return result

    def _measure_values(self, period, subject_ids, manual_values=None, keys=None):
        """Measure every KPI of self for all subjects at once.

        Builtin and domain KPIs are measured once per subject (one query per
        KPI, or per family of builtin metrics reading the same records); manual and formula KPIs are then resolved per *key*, so that one
        salesperson assessed by two scorecards keeps one manual value per
        evaluation.

        :param period: a :class:`Period`
        :param subject_ids: ids of res.users (or crm.team when period.group is team)
        :param manual_values: {kpi_id: {key: value}} for manual KPIs
        :param keys: {key: subject_id}, e.g. evaluation ids; default: the subjects
        :return: {kpi_id: {key: value}} for self and their dependencies;
            a key without records gets 0.
        """
        manual_values = manual_values or {}
        keys = keys if keys is not None else {sid: sid for sid in subject_ids}
        kpis = self._get_dependencies(period.company)
        subjects = list(set(keys.values()))
        builtin = kpis.filtered(lambda k: k.kpi_type == "builtin")
        # builtin metrics together: those over the same records share a query
        measured = builtin._measure_builtin_many(period, subjects)
        values = {}
        for kpi in kpis.filtered(lambda k: k.kpi_type != "formula"):
            if kpi.kpi_type == "manual":
                raw = manual_values.get(kpi.id, {})
                values[kpi.id] = {key: float(raw.get(key) or 0.0) for key in keys}
            else:
                raw = measured[kpi.id] if kpi in builtin else kpi._measure(period, subjects)
                values[kpi.id] = {key: float(raw.get(sid) or 0.0) for key, sid in keys.items()}
        kpis._evaluate_formulas(values, list(keys))
        return values

    def _evaluate_formulas(self, values, subject_ids):
        by_code = {k.code: k for k in self}
        graph = {
            k.code: formula_tools.formula_codes(k.formula)
            for k in self
            if k.kpi_type == "formula"
        }
        for code in formula_tools.evaluation_order(graph):
            kpi = by_code.get(code)
            if not kpi or kpi.kpi_type != "formula":
                continue
            deps = graph[code]
            values[kpi.id] = {
                sid: formula_tools.evaluate(
                    kpi.formula, {d: values[by_code[d].id][sid] for d in deps}
                )
                for sid in subject_ids
            }

    def _measure(self, period, subject_ids):
        """Return {subject_id: value} of a builtin or domain KPI (one query)."""
        self.ensure_one()
        if self.kpi_type == "builtin":
            return self._measure_builtin(period, subject_ids)
        return self._measure_domain(period, subject_ids)

    # -- builtin metrics: declared in the registry (sales.assessment.metric)

    @api.model
    def _selection_builtin_metric(self):
        return self.env["sales.assessment.metric"]._selection()

    def _measure_builtin(self, period, subject_ids):
        return self.env["sales.assessment.metric"]._measure(
            self.builtin_metric, period, subject_ids
        )

    def _measure_builtin_many(self, period, subject_ids):
        """Return {kpi_id: {subject_id: value}} of builtin KPIs, measured
        together (see ``sales.assessment.metric._measure_many``)."""
        by_metric = self.env["sales.assessment.metric"]._measure_many(
            sorted(set(self.mapped("builtin_metric"))), period, subject_ids)
        return {kpi.id: by_metric[kpi.builtin_metric] for kpi in self}

    def _builtin_source_ids(self, period, subject_id):
        """Return (model, ids) of the records counted for one subject."""
        return self.env["sales.assessment.metric"]._source_ids(
            self.builtin_metric, period, subject_id
        )

    @staticmethod
    def _bounds(period):
        """Return the naive UTC datetimes [start, stop) of the period's local days."""
        return periods.utc_bounds(period.date_from, period.date_to, period.tz)

    # -- domain KPIs

    def _get_domain_for_period(self, period):
        """Return the domain of the KPI's records in the period: its own domain,
        the local days of the period (datetimes cut at the cycle's local
        midnight) and the period's company."""
        self.ensure_one()
        date_field = self.date_field_id.name
        start, stop = self._bounds(period)
        if self.date_field_id.ttype == "date":
            start, stop = period.date_from, period.date_to + timedelta(days=1)
        return self._get_parsed_domain() + [
            (date_field, ">=", start),
            (date_field, "<", stop),
        ] + self._get_company_domain(period.company)

    def _get_company_domain(self, company):
        """Records of ``company``; a record without company counts for the
        company of its sales team, else of its salesperson's main company."""
        model = self.env[self.model_id.model]
        if "company_id" not in model._fields:
            return []
        user_field = self.user_field_id.name
        no_company = [("company_id", "=", False), (f"{user_field}.company_id", "=", company.id)]
        if self.team_field_id:
            team_field = self.team_field_id.name
            no_company = [
                ("company_id", "=", False),
                "|",
                (f"{team_field}.company_id", "=", company.id),
                "&", (team_field, "=", False), (f"{user_field}.company_id", "=", company.id),
            ]
        return ["|", ("company_id", "=", company.id), "&"] + no_company

    def _group_field(self, period):
        if period.group == "team":
            return self.team_field_id.name
        return self.user_field_id.name

    def _measure_domain(self, period, subject_ids):
        group_field = self._group_field(period)
        if not group_field:
            return self._measure_domain_by_members(period, subject_ids)
        aggregate = self._domain_aggregate()
        # sudo: figures must count every record, whatever the closer may read
        model = self.env[self.model_id.model].sudo().with_context(active_test=False)
        domain = self._get_domain_for_period(period) + [(group_field, "in", list(subject_ids))]
        groups = model._read_group(domain, [group_field], [aggregate])
        return {record.id: value for record, value in groups if record}

    def _domain_aggregate(self):
        if self.aggregation == "count":
            return "__count"
        return f"{self.measure_field_id.name}:{self.aggregation}"

    def _get_team_members(self, team_ids):
        """Memberships whose values make up a team's value when the KPI has no
        team field (archived ones included: they sold for the team)."""
        # sudo: a team's figure counts all of its members, whoever reads it
        return self.env["crm.team.member"].sudo().with_context(active_test=False).search(
            [("crm_team_id", "in", list(team_ids))]
        )

    def _measure_domain_by_members(self, period, team_ids):
        members = self._get_team_members(team_ids)
        user_values = self._measure_domain(
            period._replace(group="user"), members.user_id.ids
        )
        result = defaultdict(float)
        for member in members:
            result[member.crm_team_id.id] += user_values.get(member.user_id.id, 0.0)
        return result

    # -- sources

    def _get_source_domain(self, period, subject_id):
        """Return (model, domain) of exactly the records behind a subject's
        value, or (False, False) for KPIs not read from records."""
        self.ensure_one()
        if self.kpi_type == "builtin":
            model, ids = self._builtin_source_ids(period, subject_id)
            return model, [("id", "in", ids)]
        if self.kpi_type == "domain":
            group_field = self._group_field(period)
            if group_field:
                condition = [(group_field, "=", subject_id)]
            else:  # a team's value is the sum of its members' values
                users = self._get_team_members([subject_id]).user_id
                condition = [(self.user_field_id.name, "in", users.ids)]
            return self.model_id.model, self._get_domain_for_period(period) + condition
        if self.kpi_type == "formula":
            return self._get_formula_source_domain(period, subject_id)
        return False, False

    def _get_formula_source_domain(self, period, subject_id):
        """The records of a formula are those of the KPIs it combines, when
        they are records of one model."""
        deps = (self._get_dependencies(period.company) - self).filtered(
            lambda k: k.kpi_type in ("builtin", "domain")
        )
        sources = [kpi._get_source_domain(period, subject_id) for kpi in deps]
        models_ = {model for model, _domain in sources}
        if len(models_) != 1:
            return False, False
        return models_.pop(), expression.OR([domain for _model, domain in sources])

    def _get_sources_action(self, period, subject_id):
        """Return an action listing exactly the records behind a subject's value."""
        self.ensure_one()
        model, domain = self._get_source_domain(period, subject_id)
        if not model:
            return False
        return {
            "type": "ir.actions.act_window",
            "name": _("%(kpi)s: records counted", kpi=self.name),
            "res_model": model,
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"active_test": False, "create": False},
        }
