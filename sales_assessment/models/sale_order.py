from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import drop_index

from ..tools.sql import add_filled_columns, create_covering_index

# what the order metrics read of a confirmed order: a change makes its
# salespeople's figures stale
ASSESSED_ORDER_FIELDS = {
    "user_id", "team_id", "partner_id", "date_order", "order_line", "currency_rate",
    "company_id",
}


class SaleOrder(models.Model):
    """Stores what the builtin order metrics count, so that a quarter of a
    large sales force is read from one index, without visiting order lines."""

    _inherit = "sale.order"

    sales_assessment_amount = fields.Float(
        string="Assessed Revenue",
        compute="_compute_sales_assessment_amount",
        store=True,
        readonly=True,
        copy=False,
        digits=0,
        help="Untaxed amount of the order's product lines in the company's currency, "
        "as the Sales Analysis report counts it: what the revenue KPIs of a sales "
        "assessment add up.",
    )
    sales_assessment_customer_id = fields.Many2one(
        "res.partner",
        string="Assessed Customer",
        related="partner_id.commercial_partner_id",
        store=True,
        readonly=True,
        help="The customer's company: the customer the customer KPIs of a sales "
        "assessment count.",
    )
    sales_assessment_split_ids = fields.One2many(
        "sales.assessment.credit.split", "order_id", string="Credit Split", copy=False,
        help="Salespeople sharing the credit of this order: the revenue KPIs credit each "
        "their share instead of the order's salesperson, who keeps a share only through "
        "a line of their own. Counts and customers stay with the order's salesperson.",
    )
    sales_assessment_split_total = fields.Float(
        string="Total Share (%)", compute="_compute_sales_assessment_split_total",
        digits=(16, 2),
    )

    @api.depends("sales_assessment_split_ids.share")
    def _compute_sales_assessment_split_total(self):
        for order in self:
            order.sales_assessment_split_total = sum(
                order.sales_assessment_split_ids.mapped("share"))

    def write(self, vals):
        assessed = self.browse()
        if ASSESSED_ORDER_FIELDS.intersection(vals):
            assessed = self.filtered(lambda order: order.state == "sale")
        # read before the write: a salesperson who loses the order is stale too
        credited = assessed._sales_assessment_credited_users()
        # the split lines are changed as one change, checked once (see
        # sales.assessment.credit.split), by their own access rights: a team
        # leader may split an order they cannot otherwise change
        if "sales_assessment_split_ids" not in vals:
            result = super().write(vals)
        else:
            vals = dict(vals)
            commands = vals.pop("sales_assessment_split_ids")
            result = super().write(vals) if vals else True
            self.env["sales.assessment.credit.split"]._write_document_splits(self, commands)
        if assessed:
            credited |= assessed._sales_assessment_credited_users()
            self.env["sales.assessment.evaluation"]._mark_stale(credited.ids)
        return result

    def action_confirm(self):
        result = super().action_confirm()
        self._sales_assessment_mark_stale()
        return result

    def _action_cancel(self):
        confirmed = self.filtered(lambda order: order.state == "sale")
        result = super()._action_cancel()
        confirmed._sales_assessment_mark_stale()
        return result

    def _sales_assessment_mark_stale(self):
        """Mark stale the live figures of the salespeople credited with the
        orders ``self``."""
        if self:
            self.env["sales.assessment.evaluation"]._mark_stale(
                self._sales_assessment_credited_users().ids)

    def _sales_assessment_credited_users(self):
        """The salespeople the orders ``self`` count for: their salesperson
        and those of their split lines."""
        # sudo: the split lines are read whoever changes the order
        return self.user_id | self.sudo().sales_assessment_split_ids.user_id.with_env(self.env)

    @api.depends("order_line.price_subtotal", "order_line.display_type",
                 "order_line.product_id", "currency_rate")
    def _compute_sales_assessment_amount(self):
        for order in self:
            lines = order.order_line.filtered(lambda l: not l.display_type and l.product_id)
            order.sales_assessment_amount = sum(lines.mapped("price_subtotal")) / (
                order.currency_rate or 1.0)

    def _auto_init(self):
        """Fill both columns in one UPDATE on install, not a compute per order:
        a database of a million orders installs in about a minute."""
        add_filled_columns(
            self.env.cr, "sale_order",
            {"sales_assessment_amount": "numeric", "sales_assessment_customer_id": "int4"},
            fill_assessed_columns,
        )
        return super()._auto_init()

    def init(self):
        res = super().init()
        cr = self.env.cr
        # a company's confirmed orders of a period with every figure the order
        # metrics read: an index-only scan, no order row visited
        create_covering_index(
            cr, "sale_order_sales_assessment_period_index", "sale_order",
            ["company_id", "date_order"],
            ["user_id", "team_id", "sales_assessment_customer_id", "sales_assessment_amount"],
            where="state = 'sale'",
        )
        # a few salespeople's confirmed orders of a period, index-only too (the
        # live refresh of the salespeople whose figures changed)
        create_covering_index(
            cr, "sale_order_sales_assessment_user_index", "sale_order",
            ["user_id", "date_order"],
            ["company_id", "team_id", "sales_assessment_customer_id", "sales_assessment_amount"],
            where="state = 'sale'",
        )
        # a customer's earlier confirmed orders (new, returning, lost customers)
        # in order: a customer's first order is the first entry
        create_covering_index(
            cr, "sale_order_sales_assessment_customer_date_index", "sale_order",
            ["sales_assessment_customer_id", "company_id", "date_order", "id"],
            ["user_id", "team_id"], where="state = 'sale'",
        )
        # indexes of earlier versions, replaced by the two above
        drop_index(cr, "sale_order_sales_assessment_index", "sale_order")
        drop_index(cr, "sale_order_sales_assessment_customer_index", "sale_order")
        drop_index(cr, "sale_order_line_sales_assessment_index", "sale_order_line")
        return res


def fill_assessed_columns(cr, order_ids=None):
    """Store the assessed amount and customer of the orders ``order_ids`` (all
    by default) as the ORM computes them, in one UPDATE; return their number."""
    cr.execute(SQL(
        "UPDATE sale_order so SET sales_assessment_customer_id = "
        "p.commercial_partner_id, sales_assessment_amount = "
        "COALESCE(amounts.amount, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1.0) "
        "FROM res_partner p, sale_order o "
        "LEFT JOIN (SELECT sol.order_id, SUM(sol.price_subtotal) AS amount "
        "           FROM sale_order_line sol "
        "           WHERE sol.display_type IS NULL AND sol.product_id IS NOT NULL "
        "           GROUP BY sol.order_id) AS amounts ON amounts.order_id = o.id "
        "WHERE o.id = so.id AND p.id = so.partner_id%s",
        SQL(" AND so.id = ANY(%s)", list(order_ids)) if order_ids is not None else SQL(),
    ))
    return cr.rowcount
