from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import drop_index

from ..tools.sql import add_filled_columns, create_covering_index


class AccountMove(models.Model):
    """Stores what the builtin invoice metrics count, so that a quarter of a
    large sales force is read from one index, without visiting invoice lines."""

    _inherit = "account.move"

    sales_assessment_amount = fields.Monetary(
        string="Assessed Revenue",
        currency_field="company_currency_id",
        compute="_compute_sales_assessment_amount",
        store=True,
        readonly=True,
        copy=False,
        help="Untaxed amount of the product lines in the company's currency, signed as "
        "the Invoice Analysis report counts it (refunds negative): what the invoiced "
        "revenue KPIs of a sales assessment add up.",
    )

    @api.depends("line_ids.balance", "line_ids.display_type", "line_ids.account_id")
    def _compute_sales_assessment_amount(self):
        for move in self:
            lines = move.line_ids.filtered(
                lambda l: l.display_type == "product" and l.account_id)
            move.sales_assessment_amount = -sum(lines.mapped("balance"))

    def _auto_init(self):
        """Fill the column in one UPDATE on install, not a compute per move."""
        add_filled_columns(self.env.cr, "account_move", {"sales_assessment_amount": "numeric"},
                           fill_assessed_amount)
        return super()._auto_init()

    def init(self):
        res = super().init()
        cr = self.env.cr
        # a company's posted customer invoices of a period with every figure the
        # invoice metrics read: an index-only scan, no invoice row visited
        create_covering_index(
            cr, "account_move_sales_assessment_period_index", "account_move",
            ["company_id", "invoice_date"],
            ["invoice_user_id", "team_id", "sales_assessment_amount"],
            where="state = 'posted' AND move_type IN ('out_invoice', 'out_refund')",
        )
        # the reconciliations of a company from a date (collected revenue)
        create_covering_index(
            cr, "account_partial_reconcile_sales_assessment_index",
            "account_partial_reconcile", ["company_id", "max_date"],
            ["debit_move_id", "credit_move_id", "amount"],
        )
        # indexes of earlier versions, replaced by the one above
        drop_index(cr, "account_move_sales_assessment_index", "account_move")
        drop_index(cr, "account_move_line_sales_assessment_index", "account_move_line")
        return res


def fill_assessed_amount(cr, move_ids=None):
    """Store the assessed amount of the moves ``move_ids`` (all by default) as
    the ORM computes it, in one UPDATE; return their number."""
    cr.execute(SQL(
        "UPDATE account_move am SET sales_assessment_amount = "
        "COALESCE(amounts.amount, 0) FROM account_move m "
        "LEFT JOIN (SELECT aml.move_id, -SUM(aml.balance) AS amount "
        "           FROM account_move_line aml "
        "           WHERE aml.display_type = 'product' AND aml.account_id IS NOT NULL "
        "           GROUP BY aml.move_id) AS amounts ON amounts.move_id = m.id "
        "WHERE m.id = am.id%s",
        SQL(" AND am.id = ANY(%s)", list(move_ids)) if move_ids is not None else SQL(),
    ))
    return cr.rowcount
