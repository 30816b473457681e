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

    sales_assessment_split_ids = fields.One2many(
        "sales.assessment.credit.split", "move_id", string="Credit Split", copy=False,
        help="Salespeople sharing the credit of this invoice: the revenue KPIs credit each "
        "their share instead of the invoice's salesperson, who keeps a share only through "
        "a line of their own. Without lines of its own, an invoice takes those of the one "
        "order all its products come from, and a credit note those of its invoice, when "
        "posted.",
    )
    sales_assessment_split_total = fields.Float(
        string="Total Share (%)", compute="_compute_sales_assessment_split_total",
        digits=(16, 2),
    )

    @api.depends("sales_assessment_split_ids.share")
    def _compute_sales_assessment_split_total(self):
        for move in self:
            move.sales_assessment_split_total = sum(
                move.sales_assessment_split_ids.mapped("share"))

    def write(self, vals):
        # as sale.order.write: the split lines as one change, by their own rights
        if "sales_assessment_split_ids" not in vals:
            return super().write(vals)
        vals = dict(vals)
        commands = vals.pop("sales_assessment_split_ids")
        result = super().write(vals) if vals else True
        self.env["sales.assessment.credit.split"]._write_document_splits(self, commands)
        return result

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._sales_assessment_inherit_splits()
        posted._sales_assessment_mark_stale()
        return posted

    def button_draft(self):
        # a posted move is cancelled through it too (button_cancel)
        posted = self.filtered(lambda move: move.state == "posted")
        result = super().button_draft()
        posted._sales_assessment_mark_stale()
        return result

    def _sales_assessment_mark_stale(self):
        """Mark stale the live figures of the salespeople credited with the
        customer invoices and credit notes among ``self``: their salesperson
        and those of their split lines."""
        moves = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if moves:
            # sudo: the split lines are read whoever posts or pays the move
            users = moves.sudo().invoice_user_id | moves.sudo().sales_assessment_split_ids.user_id
            self.env["sales.assessment.evaluation"]._mark_stale(users.ids)

    def _sales_assessment_inherit_splits(self):
        """Give the customer invoices ``self`` without split lines of their
        own those of the one order all their product lines come from, and
        the credit notes those of the invoice they reverse (else of their
        order): one query for all the moves, one creation for all the lines."""
        moves = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund")
                              and not m.sales_assessment_split_ids)
        if not moves:
            return
        sources = self._sales_assessment_split_sources(moves)
        vals_list = [
            {"move_id": move.id, "user_id": split.user_id.id, "share": split.share}
            for move in moves for split in sources.get(move, ())
        ]
        if vals_list:
            # sudo: the lines are copies of splits already decided on the
            # order or invoice, whoever posts the move
            self.env["sales.assessment.credit.split"].sudo().create(vals_list)

    @api.model
    def _sales_assessment_split_sources(self, moves):
        """Return {move: split lines it takes} for ``moves``: the invoice's
        lines for a credit note of a split invoice, else the lines of the one
        sale order all the move's product lines come from."""
        self.env["account.move.line"].flush_model(["move_id", "display_type", "sale_line_ids"])
        self.env["sale.order.line"].flush_model(["order_id"])
        self.env.cr.execute(SQL(
            "SELECT aml.move_id, MIN(sol.order_id) FROM account_move_line aml "
            "LEFT JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id "
            "LEFT JOIN sale_order_line sol ON sol.id = rel.order_line_id "
            "WHERE aml.move_id = ANY(%s) AND aml.display_type = 'product' "
            "GROUP BY aml.move_id "
            "HAVING COUNT(DISTINCT sol.order_id) = 1 AND bool_and(sol.order_id IS NOT NULL)",
            moves.ids,
        ))
        order_of = dict(self.env.cr.fetchall())
        # sudo: the source's splits are copied whoever posts, even a user who
        # may not read them
        orders = self.env["sale.order"].sudo().browse(order_of.values())
        # one read of the split lines for all the orders, and for all the invoices
        orders.fetch(["sales_assessment_split_ids"])
        moves.reversed_entry_id.sudo().fetch(["sales_assessment_split_ids"])
        sources = {}
        for move in moves:
            splits = move.sudo().reversed_entry_id.sales_assessment_split_ids
            if not splits and move.id in order_of:
                splits = orders.browse(order_of[move.id]).sales_assessment_split_ids
            sources[move] = splits
        return sources

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
        # a few salespeople's posted customer invoices of a period (the live
        # refresh of the salespeople whose figures changed)
        create_covering_index(
            cr, "account_move_sales_assessment_user_index", "account_move",
            ["invoice_user_id", "invoice_date"],
            ["company_id", "team_id", "sales_assessment_amount"],
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
