from odoo import _, api, models
from odoo.exceptions import ValidationError

from ..tools import numbers


class SalesAssessmentNumberMixin(models.AbstractModel):
    """Numbers typed by users or API clients (targets, manual values,
    weights, caps, amounts, budgets, shares) are finite and at most 1e12 in
    size: NaN, infinity and absurd sizes are refused with a
    ``ValidationError`` naming the field, before anything reads them.

    A model lists its typed number fields in ``_finite_fields``; models that
    override ``create``/``write`` and use a value before ``super()`` call
    :meth:`_check_finite_vals` first.
    """

    _name = "sales.assessment.number.mixin"
    _description = "Assessment Typed Numbers"
    _finite_fields = ()

    @api.model
    def _check_finite_vals(self, vals_list):
        """Refuse non-finite or oversized values of ``_finite_fields`` in
        ``vals_list`` (a dict or a list of dicts)."""
        for vals in [vals_list] if isinstance(vals_list, dict) else vals_list:
            for fname in self._finite_fields:
                if fname not in vals:
                    continue
                problem = numbers.number_problem(vals[fname])
                if not problem and self._fields[fname].type == "integer" \
                        and abs(float(vals[fname] or 0)) > numbers.MAX_INTEGER:
                    problem = "too_large_integer"
                if problem:
                    self._raise_number_problem(fname, vals[fname], problem)

    @api.model
    def _raise_number_problem(self, fname, value, problem):
        label = self._fields[fname]._description_string(self.env)
        if problem == "too_large_integer":
            raise ValidationError(_(
                "%(field)s of %(model)s is too large (%(value)s): enter a whole number of "
                "at most 2,147,483,647.",
                field=label, model=self._description, value=value,
            ))
        if problem == "too_large":
            raise ValidationError(_(
                "%(field)s of %(model)s is too large (%(value)s): enter a number of at "
                "most 1,000,000,000,000 in size.",
                field=label, model=self._description, value=value,
            ))
        raise ValidationError(_(
            "%(field)s of %(model)s must be a number (%(value)s is not): enter digits, "
            "e.g. 1500 or 12.5.",
            field=label, model=self._description, value=value,
        ))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_finite_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_finite_vals(vals)
        return super().write(vals)
