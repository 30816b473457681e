from datetime import datetime

from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext as _lt

from ...tools import periods
from ..sales_assessment_metric import SourceRows, metric

ORDER_SOURCES = ("sale.order.line", "res.partner", "sale.order", "sales.assessment.credit.split")


class SalesAssessmentMetricOrders(models.AbstractModel):
    """Metrics of confirmed sale orders and of the customers who placed them,
    by order salesperson (or team) and local order date."""

    _inherit = "sales.assessment.metric"

    def _confirmed(self, period, alias="so"):
        """SQL: ``alias`` is a confirmed order of the period's company (read
        from the indexes carrying its subject, customer and stored amount:
        sale_order.py)."""
        return SQL("%s = 'sale' AND %s", SQL.identifier(alias, "state"),
                   self._in_company(period, f"{alias}.company_id"))

    def _order_source(self, period):
        """The confirmed orders of the period's local days: rows (subject_id,
        res_id, amount, own, share), the source of the order metrics.

        Every order gives one row for its salesperson (or team), ``own``,
        with ``share`` 100, or NULL when the order is split. For salesperson
        subjects, each credit split line of an order gives one more row for
        its user, not ``own``, with its ``share``. Revenue counts ``amount ×
        share / 100`` (so a split order's salesperson keeps a share only
        through a line of their own); counts and averages count the ``own``
        rows only. Team subjects keep the order's team: a split moves credit
        between salespeople, not between teams.

        The orders are read in one index-only scan (sale_order.py), hashed
        against the split orders read from the split's order index.
        """
        start, stop = self._bounds(period)
        in_period = SQL("%s AND so.date_order >= %s AND so.date_order < %s",
                        self._confirmed(period), start, stop)
        if period.group != "user":
            return SQL(
                "SELECT %s AS subject_id, so.id AS res_id, so.sales_assessment_amount AS amount, "
                "TRUE AS own, 100.0 AS share FROM sale_order so WHERE %s",
                self._subject(period, "so"), in_period,
            )
        return SQL(
            "SELECT so.user_id AS subject_id, so.id AS res_id, "
            "so.sales_assessment_amount AS amount, TRUE AS own, "
            "CASE WHEN split.order_id IS NULL THEN 100.0 END AS share "
            "FROM sale_order so LEFT JOIN (SELECT DISTINCT order_id "
            "FROM sales_assessment_credit_split WHERE order_id IS NOT NULL) AS split "
            "ON split.order_id = so.id WHERE %(in_period)s "
            "UNION ALL "
            "SELECT sp.user_id, so.id, so.sales_assessment_amount, FALSE, sp.share "
            "FROM sales_assessment_credit_split sp JOIN sale_order so ON so.id = sp.order_id "
            "WHERE %(in_period)s",
            in_period=in_period,
        )

    # as sale.report: the untaxed subtotals of the product lines, in company
    # currency, stored per order (an order without product line counts for
    # 0), credited by split share (see _order_source)
    @metric("revenue_ordered", _lt("Revenue Ordered"), "sale.order", "sum", ORDER_SOURCES,
            unit="monetary", projection="revenue")
    def _metric_revenue_ordered(self, period):
        return SourceRows(self._order_source(period), SQL("src.amount * src.share / 100"))

    @metric("orders_count", _lt("Confirmed Orders"), "sale.order", "count_rows",
            ORDER_SOURCES, unit="count")
    def _metric_orders_count(self, period):
        return SourceRows(self._order_source(period), SQL("CASE WHEN src.own THEN 1 END"))

    @metric("avg_order_value", _lt("Average Order Value"), "sale.order", "avg",
            ORDER_SOURCES, unit="monetary")
    def _metric_avg_order_value(self, period):
        return SourceRows(self._order_source(period),
                          SQL("CASE WHEN src.own THEN src.amount END"))

    def _customer_order_rows(self, start, stop, period, flag):
        """One row per subject and customer (commercial partner) of the
        confirmed orders in [start, stop), with the SQL ``flag`` as value."""
        return SQL(
            "SELECT DISTINCT %s AS subject_id, so.sales_assessment_customer_id AS res_id, "
            "%s AS value FROM sale_order so "
            "WHERE %s AND so.date_order >= %s AND so.date_order < %s",
            self._subject(period, "so"), flag, self._confirmed(period), start, stop,
        )

    def _ordered_between(self, period, start, stop):
        """SQL: the customer of ``so`` has a confirmed order in [start, stop),
        probed on the customer index (see sale_order.py)."""
        return SQL(
            "EXISTS (SELECT 1 FROM sale_order o2 "
            "WHERE o2.sales_assessment_customer_id = so.sales_assessment_customer_id "
            "AND %s AND o2.date_order >= %s AND o2.date_order < %s)",
            self._confirmed(period, "o2"), start, stop,
        )

    # a customer whose first confirmed order in the company falls in the
    # period, for the salesperson (team) of that first order: the first order
    # of each customer of the period is probed on the customer index
    @metric("new_customers", _lt("New Customers"), "res.partner", "count_rows", ORDER_SOURCES,
            unit="count")
    def _metric_new_customers(self, period):
        start, stop = self._bounds(period)
        return SQL(
            "SELECT first.subject_id, c.customer AS res_id, 1 AS value "
            "FROM (SELECT DISTINCT so.sales_assessment_customer_id AS customer "
            "      FROM sale_order so WHERE %(confirmed)s "
            "      AND so.date_order >= %(start)s AND so.date_order < %(stop)s%(subjects)s) AS c "
            "CROSS JOIN LATERAL (SELECT %(subject)s AS subject_id, so.date_order "
            "      FROM sale_order so WHERE so.sales_assessment_customer_id = c.customer "
            "      AND %(confirmed)s ORDER BY so.date_order, so.id LIMIT 1) AS first "
            "WHERE first.date_order >= %(start)s",
            confirmed=self._confirmed(period), start=start, stop=stop,
            subject=self._subject(period, "so"),
            # a first order of the subjects is one of their orders of the period
            subjects=self._of_subjects(period, self._subject(period, "so")),
        )

    @metric("repeat_customer_rate", _lt("Repeat Customer Rate"), "res.partner", "avg",
            ORDER_SOURCES, unit="percent")
    def _metric_repeat_customer_rate(self, period):
        start, stop = self._bounds(period)
        repeat = SQL("CASE WHEN %s THEN 100.0 ELSE 0.0 END",
                     self._ordered_between(period, datetime.min, start))
        return self._customer_order_rows(start, stop, period, repeat)

    @metric("churn_rate", _lt("Churn Rate"), "res.partner", "avg", ORDER_SOURCES,
            unit="percent", direction="lower")
    def _metric_churn_rate(self, period):
        start, stop = self._bounds(period)
        prev_from, prev_to = periods.previous_period(period.date_from, period.date_to)
        prev_start, prev_stop = self._bounds(
            period._replace(date_from=prev_from, date_to=prev_to))
        churned = SQL("CASE WHEN %s THEN 0.0 ELSE 100.0 END",
                      self._ordered_between(period, start, stop))
        return self._customer_order_rows(prev_start, prev_stop, period, churned)
