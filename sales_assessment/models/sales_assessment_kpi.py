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
# `group` is "user" or "team". `subject_ids`: when set (a tuple), only these
# subjects of `group` are measured (a live refresh of a few), and the builtin
# metrics may narrow their scan to them; None: every subject may be.
Period = namedtuple("Period", "date_from date_to company group tz subject_ids",
                    defaults=("UTC", None))


def _arity_sentence(env, p):
    if p["max"] is None:
        return env._('Function "%(function)s" in the formula of KPI %(name)s takes at '
                     "least %(min)s arguments.", **p)
    if p["max"] == 1:
        return env._('Function "%(function)s" in the formula of KPI %(name)s takes a '
                     "single argument.", **p)
    return env._('Function "%(function)s" in the formula of KPI %(name)s takes '
                 "%(min)s to %(max)s arguments.", **p)


def _syntax_sentence(env, p):
    if p.get("column"):
        return env._("The formula of KPI %(name)s does not parse at column %(column)s: "
                     "check its brackets, operators and KPI codes.", **p)
    return env._("The formula of KPI %(name)s does not parse: check its brackets, "
                 "operators and KPI codes.", **p)


# The sentence of each FormulaError code (tools/formula.py), from the error's
# params, its token and the KPI's name: whole sentences, translated as such.
FORMULA_ERRORS = {
    "empty": lambda env, p: env._("Write the formula of KPI %(name)s.", **p),
    "too_long": lambda env, p: env._(
        "The formula of KPI %(name)s is too long: keep it within %(max_length)s "
        "characters, or split it into several KPIs.", **p),
    "syntax": _syntax_sentence,
    "too_nested": lambda env, p: env._(
        "The formula of KPI %(name)s is nested too deeply: remove brackets, or split "
        "it into several KPIs.", **p),
    "too_complex": lambda env, p: env._(
        "The formula of KPI %(name)s is too complex (over %(max_nodes)s elements): "
        "split it into several KPIs.", **p),
    "unsupported": lambda env, p: env._(
        'Unsupported element "%(token)s" in the formula of KPI %(name)s: use only '
        "numbers, KPI codes, + - * / ( ), min, max, abs and round.", **p),
    "unsupported_function": lambda env, p: env._(
        'Unsupported function "%(function)s" in the formula of KPI %(name)s: only min, '
        "max, abs and round can be called.", **p),
    "function_not_called": lambda env, p: env._(
        'Function "%(function)s" in the formula of KPI %(name)s must be called, e.g. '
        "%(function)s(x).", **p),
    "arity": _arity_sentence,
    "number_out_of_range": lambda env, p: env._(
        'Number "%(token)s" in the formula of KPI %(name)s is out of range: use a '
        "smaller number.", **p),
    "round_digits": lambda env, p: env._(
        "The digits of round() in the formula of KPI %(name)s must be a whole number "
        "from -%(max)s to %(max)s.", **p),
    "unknown_code": lambda env, p: env._(
        'Unknown KPI code "%(kpi_code)s" in the formula of KPI %(name)s: use the code of '
        "a KPI of the same company, or of a shared one.", **p),
    "missing_value": lambda env, p: env._(
        'The formula of KPI %(name)s needs the value of KPI code "%(kpi_code)s", which '
        "was not measured: check that this KPI exists in the cycle's company.", **p),
    "value_not_number": lambda env, p: env._(
        'The value of KPI code "%(kpi_code)s" in the formula of KPI %(name)s is not a '
        "number: check the figures of that KPI.", **p),
    "value_not_finite": lambda env, p: env._(
        'The value of KPI code "%(kpi_code)s" in the formula of KPI %(name)s is not a '
        "finite number: check the figures of that KPI.", **p),
    "out_of_range": lambda env, p: env._(
        "The formula of KPI %(name)s gives a result out of range: check the figures "
        "it combines, or divide them by a larger unit.", **p),
    "loop": lambda env, p: env._(
        "KPI formulas refer to each other in a loop: %(loop)s. Break the loop by "
        "changing one of these formulas.", **p),
}


# A domain KPI's model and fields, by name (see _get_domain_definition);
# team_field and measure_field are False when unset.
DomainDefinition = namedtuple(
    "DomainDefinition", "model date_field date_type user_field team_field measure_field")

# What a domain KPI never counts, nor reads through a condition: technical
# records, users (passwords, keys), bank accounts, messages and chats,
# authentication data.
FORBIDDEN_MODELS = frozenset({"res.users", "res.partner.bank"})
FORBIDDEN_PREFIXES = ("ir.", "res.users.", "mail.", "discuss.", "bus.", "auth_", "auth.")
# operators whose value is a domain on the comodel
SUBDOMAIN_OPERATORS = ("any", "not any")


def is_forbidden_model(model_name):
    """Whether a domain KPI may never count nor read records of ``model_name``."""
    return model_name in FORBIDDEN_MODELS or model_name.startswith(FORBIDDEN_PREFIXES)


def has_company(model):
    """Whether the records of ``model`` belong to a company (``company_id``)."""
    field = model._fields.get("company_id")
    return bool(field) and field.type == "many2one" and field.comodel_name == "res.company"


def searches_names(value):
    """Whether a condition's value on a relation is searched by name in the
    related model (text), rather than compared to ids."""
    if isinstance(value, (list, tuple)):
        return any(isinstance(item, str) for item in value)
    return isinstance(value, str)


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
    model_id = fields.Many2one(
        "ir.model", string="Model", ondelete="cascade",
        domain=lambda self: self._get_model_id_domain(),
        help="The model whose records are counted: a model of business records "
        "(never technical, user, bank account, messaging or authentication records).",
    )
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
    # a builtin KPI takes them from its metric (sales.assessment.metric);
    # others start as counts, higher is better
    direction = fields.Selection(
        [("higher", "Higher is Better"), ("lower", "Lower is Better")],
        required=True,
        help="Whether a higher or a lower figure scores better. A built-in KPI takes it "
        "from its metric.",
        compute="_compute_direction",
        store=True,
        readonly=False,
        precompute=True,
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
        help="How the figures are shown: amounts in the company's currency, counts, "
        "percentages, days or scores. A built-in KPI takes it from its metric.",
        compute="_compute_unit",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.model
    def _get_model_id_domain(self):
        """The models a domain KPI may count, as offered in the form (the
        constraint decides: see _check_domain_model)."""
        return expression.AND(
            [[("transient", "=", False), ("model", "not in", sorted(FORBIDDEN_MODELS))]]
            + [["!", ("model", "=like", f"{prefix}%")] for prefix in FORBIDDEN_PREFIXES]
        )

    def _get_builtin_spec(self):
        """Return the registry's :class:`Metric` of a builtin KPI, else None."""
        self.ensure_one()
        if self.kpi_type != "builtin" or not self.builtin_metric:
            return None
        return self.env["sales.assessment.metric"]._get_metrics().get(self.builtin_metric)

    @api.depends("kpi_type", "builtin_metric")
    def _compute_direction(self):
        for kpi in self:
            spec = kpi._get_builtin_spec()
            kpi.direction = spec.direction if spec else kpi.direction or "higher"

    @api.depends("kpi_type", "builtin_metric")
    def _compute_unit(self):
        for kpi in self:
            spec = kpi._get_builtin_spec()
            kpi.unit = spec.unit if spec else kpi.unit or "count"

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
        """Check a domain KPI against its model and against its author, the
        current user (``env.su`` counts as a system administrator): domain
        KPIs are measured with the rights of no one in particular, so they
        may only count what their author may read (see
        :meth:`_check_domain_model`, :meth:`_check_domain_fields` and
        :meth:`_check_domain_leaves`)."""
        self.ensure_one()
        if not (self.model_id and self.date_field_id and self.user_field_id):
            raise ValidationError(
                _(
                    "KPI %(name)s counts records of a model: set its model, date field "
                    "and salesperson field.",
                    name=self.name,
                )
            )
        definition = self._get_domain_definition()
        if any(field and field.model != definition.model
               for field in self._get_definition_fields()):
            raise ValidationError(
                _("The fields of KPI %(name)s must belong to its model.", name=self.name)
            )
        self._check_domain_field_types()
        if self.aggregation != "count" and not self.measure_field_id:
            raise ValidationError(
                _("KPI %(name)s needs a measure field to aggregate.", name=self.name)
            )
        self._get_checked_domain(definition)

    def _get_definition_fields(self):
        """Return the date, salesperson, team and measure fields of a domain
        KPI (``ir.model.fields``, empty when unset).

        sudo: field definitions are read by administrators only, while whoever
        writes, measures or lists the records of the KPI (a manager, a team
        leader, the cron) needs their names and types, not the right to browse
        field definitions; what the author may read is checked on the model's
        fields themselves (:meth:`_check_domain_fields`).
        """
        return tuple(field.sudo() for field in (
            self.date_field_id, self.user_field_id, self.team_field_id, self.measure_field_id))

    def _get_domain_definition(self):
        """Return the :class:`DomainDefinition` of a domain KPI: the names of
        its model and fields, read as :meth:`_get_definition_fields` says."""
        self.ensure_one()
        date, user, team, measure = self._get_definition_fields()
        # sudo: as for the fields, the model's name only (ir.model is read by
        # administrators only)
        return DomainDefinition(self.model_id.sudo().model, date.name, date.ttype,
                                user.name, team.name or False, measure.name or False)

    def _check_domain_field_types(self):
        date, user, team, measure = self._get_definition_fields()
        if date.ttype not in ("date", "datetime"):
            raise ValidationError(_(
                "The date field of KPI %(name)s, %(field)s, is not a date: choose a date "
                "or date-time field.", name=self.name, field=date.field_description,
            ))
        if user.relation != "res.users":
            raise ValidationError(_(
                "The salesperson field of KPI %(name)s, %(field)s, does not point to users: "
                "choose a field linking to a user.",
                name=self.name, field=user.field_description,
            ))
        if team and team.relation != "crm.team":
            raise ValidationError(_(
                "The sales team field of KPI %(name)s, %(field)s, does not point to sales "
                "teams: choose a field linking to a sales team.",
                name=self.name, field=team.field_description,
            ))
        if measure and measure.ttype not in ("integer", "float", "monetary"):
            raise ValidationError(_(
                "The measure field of KPI %(name)s, %(field)s, is not a number: choose an "
                "integer, decimal or amount field.",
                name=self.name, field=measure.field_description,
            ))

    def _get_checked_domain(self, definition):
        """Check the model, the fields and the domain of the KPI against its
        author, the current user, and return the domain as a list.

        Under sudo only what binds everyone is checked: forbidden models and
        paths, existing and stored fields, a domain valid for the model.

        :raise ValidationError: saying what to change.
        """
        self._check_domain_model(definition.model)
        self._check_domain_fields(definition)
        return self._get_parsed_domain(definition.model)

    def _model_label(self, model_name):
        """The name of a model, for a message."""
        # sudo: ir.model is read by administrators only
        return self.env["ir.model"].sudo()._get(model_name).name or model_name

    def _refusal_params(self, model_name, path=None):
        """The parameters of a message refusing ``model_name`` (reached
        through ``path``); built only when refusing, the model's name costing
        a query."""
        return {"name": self.name, "model": self._model_label(model_name), "path": path}

    def _check_domain_model(self, model_name):
        """The KPI's model: a model of business records (never technical,
        user, bank account, messaging or authentication records) that the
        author reads; one without company only for a system administrator,
        since nothing then ties its records to the cycle's company but the
        salesperson's."""
        model = self.env[model_name]
        if is_forbidden_model(model_name):
            raise ValidationError(_(
                "KPI %(name)s cannot count %(model)s: technical, user, bank account, "
                "messaging and authentication records are never counted. Choose a model of "
                "business records, such as leads, orders or invoices.",
                **self._refusal_params(model_name)))
        if model._abstract or model._transient:
            raise ValidationError(_(
                "KPI %(name)s cannot count %(model)s: it keeps no business records. Choose a "
                "model of business records, such as leads, orders or invoices.",
                **self._refusal_params(model_name)))
        if not model.browse().has_access("read"):
            raise ValidationError(_(
                "KPI %(name)s cannot count %(model)s: you may not read these records. Choose "
                "a model whose records you may read.",
                **self._refusal_params(model_name)))
        if not has_company(model) and not self.env.is_system():
            raise ValidationError(_(
                "KPI %(name)s cannot count %(model)s: these records belong to no company, so "
                "only a system administrator may count them. Choose a model whose records "
                "have a company, or ask a system administrator.",
                **self._refusal_params(model_name)))

    def _check_domain_fields(self, definition):
        """The date, salesperson, team and measure fields still exist, are
        stored and are readable by the author."""
        model = self.env[definition.model]
        names = (definition.date_field, definition.user_field, definition.team_field,
                 definition.measure_field)
        for name in filter(None, names):
            if name not in model._fields:
                raise ValidationError(_(
                    "KPI %(name)s uses the field %(field)s, which %(model)s no longer has: "
                    "choose another field.",
                    name=self.name, field=name, model=self._model_label(model._name)))
            self._check_domain_field(model._fields[name], name)

    def _check_domain_field(self, field, path):
        """A field used by the KPI (``path`` from its model) is stored and
        readable by the author (the field's ``groups``)."""
        params = {"name": self.name, "field": field._description_string(self.env),
                  "path": path}
        if not field.store:
            raise ValidationError(_(
                "KPI %(name)s uses the field %(field)s (%(path)s), which is not stored: only "
                "stored fields can be counted. Choose another field.", **params))
        if not field.is_accessible(self.env):
            raise ValidationError(_(
                "KPI %(name)s uses the field %(field)s (%(path)s), which you may not read. "
                "Choose another field.", **params))

    def _check_reached_model(self, model_name, path):
        """A model the domain reads through ``path`` (a relation followed, a
        sub-domain, a name searched) is neither forbidden nor unreadable."""
        if is_forbidden_model(model_name):
            raise ValidationError(_(
                "The domain of KPI %(name)s reaches %(model)s through %(path)s: technical, "
                "user, bank account, messaging and authentication records are never read. "
                "Remove this condition.",
                **self._refusal_params(model_name, path)))
        if not self.env[model_name].browse().has_access("read"):
            raise ValidationError(_(
                "The domain of KPI %(name)s reaches %(model)s through %(path)s, records you "
                "may not read. Remove this condition.",
                **self._refusal_params(model_name, path)))

    def _check_domain_leaves(self, model_name, domain, prefix=""):
        """Check each condition of ``domain`` on ``model_name``: every segment
        of its path (see :meth:`_check_domain_path`), and the model a
        sub-domain (``any``) or a searched name (``('user_id', 'ilike',
        'Bob')``) reads."""
        for leaf in domain:
            if not (isinstance(leaf, (list, tuple)) and len(leaf) == 3
                    and isinstance(leaf[0], str)):
                continue  # '&', '|', '!' and the constant conditions
            path, operator, value = leaf
            comodel = self._check_domain_path(model_name, path, prefix)
            if not comodel:
                continue
            if operator in SUBDOMAIN_OPERATORS:
                self._check_reached_model(comodel, prefix + path)
                subdomain = value if isinstance(value, (list, tuple)) else []
                self._check_domain_leaves(comodel, subdomain, f"{prefix}{path}.")
            elif searches_names(value):
                self._check_reached_model(comodel, prefix + path)

    def _check_domain_path(self, model_name, path, prefix=""):
        """Check each segment of the dotted ``path`` from ``model_name``: it
        exists, is stored and readable, and every relation it follows leads
        to a model that may be read. Return the model the last segment points
        to, or False when it is not a relation."""
        model, segments = self.env[model_name], path.split(".")
        for index, name in enumerate(segments):
            reached = prefix + ".".join(segments[:index + 1])
            field = model._fields.get(name)
            if field is None:
                raise ValidationError(_(
                    "The domain of KPI %(name)s is not valid for %(model)s: it has no field "
                    '"%(field)s" (%(path)s). Correct the domain.', name=self.name,
                    model=self._model_label(model._name), field=name, path=reached))
            self._check_domain_field(field, reached)
            if index + 1 < len(segments):
                if not field.relational:
                    raise ValidationError(_(
                        "The domain of KPI %(name)s is not valid: %(path)s is not a relation, "
                        "so %(full_path)s cannot follow it. Correct the domain.",
                        name=self.name, path=reached, full_path=prefix + path))
                self._check_reached_model(field.comodel_name, reached)
                model = self.env[field.comodel_name]
        return field.comodel_name if field.relational else False

    def _get_parsed_domain(self, model_name):
        """Return the KPI's domain as a list, checked against ``model_name``
        (see :meth:`_check_domain_leaves`) and valid for it.

        :raise ValidationError: naming what does not parse, does not exist or
            may not be read.
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
        self._check_domain_leaves(model_name, domain)
        try:
            # sudo: the domain is checked against the model, whoever edits the KPI
            self.env[model_name].sudo()._search(list(domain))
        except Exception as error:
            raise ValidationError(
                _(
                    "The domain of KPI %(name)s is not valid for %(model)s: %(error)s",
                    name=self.name,
                    model=self._model_label(model_name),
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
                raise ValidationError(kpi._get_formula_error_message(error)) from error
        companies = formula_kpis.company_id or all_kpis.company_id
        for company in companies or [self.env["res.company"]]:
            self._check_formula_loop(
                all_kpis.filtered(lambda k, c=company: k._is_visible_from(c))
            )

    def _get_formula_error_message(self, error):
        """Return the translated sentence telling what to fix in the formula
        of this KPI (or of none, for a loop) from a ``FormulaError``."""
        params = dict(error.params, name=self[:1].name, token=error.token)
        sentence = FORMULA_ERRORS.get(error.code)
        if sentence is None:  # a code this layer does not know yet
            return _("The formula of KPI %(name)s is not valid: correct it.", **params)
        return sentence(self.env, params)

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
        KPI, or per family of builtin metrics reading the same records);
        manual and formula KPIs are then resolved per *key*, so that one
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
        try:
            order = formula_tools.evaluation_order(graph)
        except formula_tools.FormulaError as error:
            raise UserError(self.browse()._get_formula_error_message(error)) from error
        for code in order:
            kpi = by_code.get(code)
            if kpi and kpi.kpi_type == "formula":
                values[kpi.id] = kpi._evaluate_formula(values, by_code, graph[code], subject_ids)

    def _evaluate_formula(self, values, by_code, deps, subject_ids):
        """Return {subject_id: value} of this formula KPI from the ``values``
        of the KPIs it uses ({kpi_id: {subject_id: value}})."""
        try:
            return {
                sid: formula_tools.evaluate(
                    self.formula, {d: values[by_code[d].id][sid] for d in deps}
                )
                for sid in subject_ids
            }
        except formula_tools.FormulaError as error:
            raise UserError(self._get_formula_error_message(error)) from error

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
        definition = self._get_domain_definition()
        date_field = definition.date_field
        start, stop = self._bounds(period)
        if definition.date_type == "date":
            start, stop = period.date_from, period.date_to + timedelta(days=1)
        # sudo: what the author may read was checked when the KPI was written;
        # what binds everyone (forbidden models and paths, stored fields) is
        # checked again, whoever measures
        domain = self.sudo()._get_checked_domain(definition)
        return domain + [
            (date_field, ">=", start),
            (date_field, "<", stop),
        ] + self._get_company_domain(period.company, definition)

    def _get_company_domain(self, company, definition=None):
        """Records of ``company``: a record without company (or of a model
        without company) counts for the company of its sales team, else of
        its salesperson's main company."""
        definition = definition or self._get_domain_definition()
        user_field, team_field = definition.user_field, definition.team_field
        by_user = [(f"{user_field}.company_id", "=", company.id)]
        by_owner = by_user
        if team_field:
            by_owner = ["|", (f"{team_field}.company_id", "=", company.id),
                        "&", (team_field, "=", False)] + by_user
        if not has_company(self.env[definition.model]):
            return by_owner
        return ["|", ("company_id", "=", company.id),
                "&", ("company_id", "=", False)] + by_owner

    def _group_field(self, period):
        definition = self._get_domain_definition()
        if period.group == "team":
            return definition.team_field
        return definition.user_field

    def _measure_domain(self, period, subject_ids):
        group_field = self._group_field(period)
        if not group_field:
            return self._measure_domain_by_members(period, subject_ids)
        aggregate = self._domain_aggregate()
        # sudo: figures must count every record, whatever the closer may read
        model = self.env[self._get_domain_definition().model].sudo().with_context(
            active_test=False)
        domain = self._get_domain_for_period(period) + [(group_field, "in", list(subject_ids))]
        groups = model._read_group(domain, [group_field], [aggregate])
        return {record.id: value for record, value in groups if record}

    def _domain_aggregate(self):
        if self.aggregation == "count":
            return "__count"
        return f"{self._get_domain_definition().measure_field}:{self.aggregation}"

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
            period._replace(group="user", subject_ids=None), members.user_id.ids
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
                condition = [(self._get_domain_definition().user_field, "in", users.ids)]
            return (self._get_domain_definition().model,
                    self._get_domain_for_period(period) + condition)
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
