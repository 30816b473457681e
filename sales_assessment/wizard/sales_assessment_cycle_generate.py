from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import periods


class SalesAssessmentCycleGenerate(models.TransientModel):
    """Generates the month, quarter, half-year and year cycles of a fiscal year."""

    _name = "sales.assessment.cycle.generate"
    _description = "Generate Assessment Cycles"
    _inherit = ["sales.assessment.number.mixin"]
    _finite_fields = ("fiscal_year",)

    fiscal_year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    month = fields.Boolean(string="Months", default=True)
    quarter = fields.Boolean(string="Quarters", default=True)
    half = fields.Boolean(string="Half-Years")
    year = fields.Boolean(string="Year", default=True)
    template_ids = fields.Many2many(
        "sales.assessment.template",
        string="Scorecards",
        domain="[('company_id', '=', company_id)]",
    )

    @api.model
    def _period_types(self):
        return ["month", "quarter", "half", "year"]

    def _prepare_cycle_vals(self, period_type, date_start, date_end):
        return {
            "name": periods.period_label(
                period_type, date_start, date_end, int(self.company_id.sales_assessment_fiscal_start_month or 1)
            ),
            "period_type": period_type,
            "date_start": date_start,
            "date_end": date_end,
            "company_id": self.company_id.id,
            "template_ids": [fields.Command.set(self.template_ids.ids)],
        }

    def action_generate(self):
        """Create the missing cycles; existing overlapping ones are kept."""
        self.ensure_one()
        start_month = int(self.company_id.sales_assessment_fiscal_start_month or 1)
        if not 1900 <= self.fiscal_year <= 9998:
            raise UserError(_("Enter a year between 1900 and 9998."))
        Cycle = self.env["sales.assessment.cycle"]
        vals_list = []
        for period_type in self._period_types():
            if not self[period_type]:
                continue
            for date_start, date_end in periods.fiscal_year_periods(
                self.fiscal_year, period_type, start_month
            ):
                if not Cycle.search_count(
                    [
                        ("company_id", "=", self.company_id.id),
                        ("period_type", "=", period_type),
                        ("state", "!=", "cancel"),
                        ("date_start", "<=", date_end),
                        ("date_end", ">=", date_start),
                    ]
                ):
                    vals_list.append(self._prepare_cycle_vals(period_type, date_start, date_end))
        if not vals_list:
            raise UserError(_("All the cycles of this year exist already."))
        cycles = Cycle.create(vals_list)
        return {
            "type": "ir.actions.act_window",
            "name": _("Generated Cycles"),
            "res_model": "sales.assessment.cycle",
            "view_mode": "list,form",
            "domain": [("id", "in", cycles.ids)],
        }
