from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext as _lt

from ...tools import periods
from ..sales_assessment_metric import metric

ORDER_SOURCES = ("sale.order", "sale.order.line", "res.partner")

# as sale.report: product lines' untaxed subtotals, in company currency
ORDER_LINES = SQL(
    "LEFT JOIN sale_order_line sol ON sol.order_id = so.id "
    "AND sol.display_type IS NULL AND sol.product_id IS NOT NULL"
)
LINE_AMOUNT = SQL("sol.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1.0)")


class SalesAssessmentMetricOrders(models.AbstractModel):
    """Metrics of confirmed sale orders and of the customers who placed them,
    by order salesperson (or team) and local order date."""

    _inherit = "sales.assessment.metric"

    def _order_rows(self, period, value, join=SQL("")):
        start, stop = self._bounds(period)
        return SQL(
            "SELECT %s AS subject_id, so.id AS res_id, %s AS value FROM sale_order so %s "
            "WHERE so.state = 'sale' AND so.company_id = %s "
            "AND so.date_order >= %s AND so.date_order < %s",
            self._subject(period, "so"), value, join, period.company.id, start, stop,
        )

    # one row per product line (an order without one still counts, for 0)
    @metric("revenue_ordered", _lt("Revenue Ordered"), "sale.order", "sum", ORDER_SOURCES)
    def _metric_revenue_ordered(self, period):
        return self._order_rows(period, LINE_AMOUNT, ORDER_LINES)

    @metric("orders_count", _lt("Confirmed Orders"), "sale.order", "count", ORDER_SOURCES)
    def _metric_orders_count(self, period):
        return self._order_rows(period, SQL("1"))

    @metric("avg_order_value", _lt("Average Order Value"), "sale.order", "avg_per_record",
            ORDER_SOURCES)
    def _metric_avg_order_value(self, period):
        return self._order_rows(period, SQL("COALESCE(%s, 0)", LINE_AMOUNT), ORDER_LINES)

    def _customer_order_rows(self, start, stop, period, flag):
        return SQL(
            "SELECT DISTINCT %s AS subject_id, p.commercial_partner_id AS res_id, "
            "%s AS value FROM sale_order so JOIN res_partner p ON p.id = so.partner_id "
            "WHERE so.state = 'sale' AND so.company_id = %s "
            "AND so.date_order >= %s AND so.date_order < %s",
            self._subject(period, "so"), flag, period.company.id, start, stop,
        )

    @metric("new_customers", _lt("New Customers"), "res.partner", "count", ORDER_SOURCES)
    def _metric_new_customers(self, period):
        start, stop = self._bounds(period)
        first_order = SQL(
            "NOT EXISTS (SELECT 1 FROM sale_order o2 "
            "JOIN res_partner p2 ON p2.id = o2.partner_id "
            "WHERE p2.commercial_partner_id = p.commercial_partner_id "
            "AND o2.state = 'sale' AND o2.company_id = so.company_id "
            "AND (o2.date_order, o2.id) < (so.date_order, so.id))"
        )
        return SQL(
            "SELECT * FROM (%s) AS c WHERE c.value",
            self._customer_order_rows(start, stop, period, first_order),
        )

    @metric("repeat_customer_rate", _lt("Repeat Customer Rate"), "res.partner", "avg",
            ORDER_SOURCES)
    def _metric_repeat_customer_rate(self, period):
        start, stop = self._bounds(period)
        repeat = SQL(
            "CASE WHEN EXISTS (SELECT 1 FROM sale_order o2 "
            "JOIN res_partner p2 ON p2.id = o2.partner_id "
            "WHERE p2.commercial_partner_id = p.commercial_partner_id "
            "AND o2.state = 'sale' AND o2.company_id = so.company_id "
            "AND o2.date_order < %s) THEN 100.0 ELSE 0.0 END",
            start,
        )
        return self._customer_order_rows(start, stop, period, repeat)

    @metric("churn_rate", _lt("Churn Rate"), "res.partner", "avg", ORDER_SOURCES)
    def _metric_churn_rate(self, period):
        start, stop = self._bounds(period)
        prev_from, prev_to = periods.previous_period(period.date_from, period.date_to)
        prev_start, prev_stop = self._bounds(
            period._replace(date_from=prev_from, date_to=prev_to))
        churned = SQL(
            "CASE WHEN NOT EXISTS (SELECT 1 FROM sale_order o2 "
            "JOIN res_partner p2 ON p2.id = o2.partner_id "
            "WHERE p2.commercial_partner_id = p.commercial_partner_id "
            "AND o2.state = 'sale' AND o2.company_id = so.company_id "
            "AND o2.date_order >= %s AND o2.date_order < %s) THEN 100.0 ELSE 0.0 END",
            start, stop,
        )
        return self._customer_order_rows(prev_start, prev_stop, period, churned)
