from odoo import api, fields, models
from odoo.tools import ormcache

PACING_FIELDS = {
    "sales_assessment_pacing_days",
    "sales_assessment_on_track_threshold",
    "sales_assessment_off_track_threshold",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    sales_assessment_pacing_days = fields.Selection(
        [("working", "Working days"), ("calendar", "Calendar days")],
        string="Assessment Pacing Days",
        default="working",
        # not required in the database: a company created by a module loaded
        # before this one (e.g. Odoo's own tests) has none, and counts working days
        help="How the elapsed share of an open cycle is counted: working days "
        "(Monday to Friday) or calendar days.",
    )
    sales_assessment_on_track_threshold = fields.Float(
        string="On Track From (%)",
        default=95.0,
        help="A KPI is on track when its achievement reaches this share of the "
        "expected achievement.",
    )
    sales_assessment_off_track_threshold = fields.Float(
        string="Off Track Below (%)",
        default=75.0,
        help="A KPI is off track when its achievement is below this share of the "
        "expected achievement; in between it is at risk.",
    )
    sales_assessment_hide_amounts = fields.Boolean(
        string="Hide Amounts From Salespeople",
        default=True,
        help="Salespeople see the ranks and scores of the leaderboard, but not "
        "the monetary actuals and targets of other people (on by default: "
        "a salesperson sees only their own figures).",
    )

    @property
    def _finite_fields(self):
        return (
            *super()._finite_fields,
            "sales_assessment_on_track_threshold",
            "sales_assessment_off_track_threshold",
        )

    def write(self, vals):
        if PACING_FIELDS.intersection(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    @api.model
    @ormcache("company_id")
    def _get_assessment_pacing_settings(self, company_id):
        """(working days?, on-track %, off-track %) of a company, cached: the
        refresh of a cycle reads them without a query."""
        # sudo: the cached answer must not depend on the first reader's rights
        company = self.browse(company_id).sudo()
        return (
            company.sales_assessment_pacing_days != "calendar",
            company.sales_assessment_on_track_threshold,
            company.sales_assessment_off_track_threshold,
        )
