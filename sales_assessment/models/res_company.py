from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "sales.assessment.number.mixin"]

    sales_assessment_grace_days = fields.Integer(
        string="Assessment Grace Days",
        default=5,
        help="Days after the end of a cycle before the daily job closes it, "
        "so late invoices and payments can still be recorded.",
    )
    sales_assessment_fiscal_start_month = fields.Selection(
        [
            ("1", "January"), ("2", "February"), ("3", "March"), ("4", "April"),
            ("5", "May"), ("6", "June"), ("7", "July"), ("8", "August"),
            ("9", "September"), ("10", "October"), ("11", "November"), ("12", "December"),
        ],
        string="Assessment Year Starts In Month",
        default="1",
    )
    sales_assessment_target_proposal = fields.Boolean(
        string="Salespeople Propose Their Targets",
        help="In a draft target plan, salespeople may create and change their own "
        "targets (never others'); the team leader adjusts them before submitting.",
    )
    sales_assessment_ack_days = fields.Integer(
        string="Acknowledgement Reminder Days",
        default=3,
        help="Days after a result is published before its salesperson, who has not "
        "acknowledged it, gets a reminder activity.",
    )
    sales_assessment_statement_in_mail = fields.Boolean(
        string="Statement In The Results Mail",
        help="The mail of a published result carries the salesperson's PDF statement, "
        "in their language, attached to their evaluation.",
    )

    sales_assessment_background_close_size = fields.Integer(
        string="Close In The Background From",
        default=5000,
        help="A manager's close of a cycle with at least this many evaluations runs in the "
        "background job, which notifies them when it is done; 0 closes every cycle at once.",
    )

    @property
    def _finite_fields(self):
        # a property, as res.users' SELF_READABLE_FIELDS: each addon adds its settings
        return (*super()._finite_fields, "sales_assessment_grace_days", "sales_assessment_ack_days",
                "sales_assessment_background_close_size")

    @api.constrains("sales_assessment_background_close_size")
    def _check_sales_assessment_background_close_size(self):
        if any(company.sales_assessment_background_close_size < 0 for company in self):
            raise ValidationError(_(
                "Cycles are closed in the background from a number of evaluations: enter "
                "zero (always at once) or more evaluations."
            ))

    @api.constrains("sales_assessment_ack_days")
    def _check_sales_assessment_ack_days(self):
        if any(company.sales_assessment_ack_days < 0 for company in self):
            raise ValidationError(_(
                "The acknowledgement reminder comes a number of days after publication: "
                "enter zero or more days."
            ))
