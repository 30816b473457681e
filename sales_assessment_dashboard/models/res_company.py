from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sales_assessment_pacing_days = fields.Selection(
        [("working", "Working days"), ("calendar", "Calendar days")],
        string="Assessment Pacing Days",
        default="working",
        required=True,
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
        help="Salespeople see the ranks and scores of the leaderboard, but not "
        "the monetary actuals and targets of other people.",
    )
