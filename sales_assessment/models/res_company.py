from odoo import fields, models


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

    @property
    def _finite_fields(self):
        # a property, as res.users' SELF_READABLE_FIELDS: each addon adds its settings
        return (*super()._finite_fields, "sales_assessment_grace_days")
