from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext as _lt

from ..sales_assessment_metric import metric

INVOICE_SOURCES = ("account.move.line", "account.partial.reconcile", "account.move",
                   "sales.assessment.credit.split")


class SalesAssessmentMetricInvoices(models.AbstractModel):
    """Metrics of posted customer invoices and the payments reconciled with
    them, by invoice salesperson (or team) and invoice or payment date
    (dates: taken as they are, in every timezone).

    For salesperson subjects, an invoice with credit split lines credits
    each line's user ``amount × share / 100`` instead of its salesperson
    (its payments likewise); team subjects keep the invoice's team.
    """

    _inherit = "sales.assessment.metric"

    def _split_join(self, period, alias):
        """SQL: the credit split lines of the invoice ``alias`` (salesperson
        subjects only), probed on the split's invoice index."""
        if period.group != "user":
            return SQL()
        return SQL("LEFT JOIN sales_assessment_credit_split sp ON sp.move_id = %s",
                   SQL.identifier(alias, "id"))

    def _split_subject(self, period, alias):
        """SQL: the subject credited by a row of :meth:`_split_join`."""
        if period.group != "user":
            return self._subject(period, alias, "invoice_user_id")
        return SQL("COALESCE(sp.user_id, %s)", SQL.identifier(alias, "invoice_user_id"))

    def _of_split_subjects(self, period, alias):
        """SQL: `` AND`` the invoice ``alias`` credits one of the subjects the
        period is narrowed to (see ``_of_subjects``): its salesperson (or
        team), or the user of one of its split lines, both read from an
        index; nothing when the period is not narrowed."""
        if not period.subject_ids or period.group != "user":
            return self._of_subjects(period, self._subject(period, alias, "invoice_user_id"))
        return SQL(
            " AND (%(user)s = ANY(%(subjects)s) OR %(id)s = ANY(ARRAY("
            "SELECT move_id FROM sales_assessment_credit_split "
            "WHERE user_id = ANY(%(subjects)s) AND move_id IS NOT NULL)))",
            user=SQL.identifier(alias, "invoice_user_id"), id=SQL.identifier(alias, "id"),
            subjects=list(period.subject_ids),
        )

    def _split_value(self, period, value):
        """SQL: the split line's share of ``value`` (all of it without split)."""
        if period.group != "user":
            return value
        return SQL("%s * COALESCE(sp.share, 100.0) / 100", value)

    @metric("revenue_invoiced", _lt("Revenue Invoiced"), "account.move", "sum",
            INVOICE_SOURCES, unit="monetary", projection="revenue")
    def _metric_revenue_invoiced(self, period):
        # as account.invoice.report: the product lines in company currency,
        # stored per invoice (see account_move.py; an invoice without product
        # line counts for 0)
        return SQL(
            "SELECT %s AS subject_id, am.id AS res_id, %s AS value "
            "FROM account_move am %s WHERE am.state = 'posted' "
            "AND am.move_type IN ('out_invoice', 'out_refund') AND %s "
            "AND am.invoice_date >= %s AND am.invoice_date <= %s%s",
            self._split_subject(period, "am"),
            self._split_value(period, SQL("am.sales_assessment_amount")),
            self._split_join(period, "am"),
            self._in_company(period, "am.company_id"),
            period.date_from, period.date_to, self._of_split_subjects(period, "am"),
        )

    @metric("revenue_collected", _lt("Revenue Collected"), "account.move.line", "sum",
            INVOICE_SOURCES, unit="monetary", projection="revenue")
    def _metric_revenue_collected(self, period):
        # the reconciliations of the company that may hold a payment of the
        # period (a payment's date is at most the later of its two dates),
        # read first from their index, then their invoice and payment lines
        return SQL(
            "WITH apr AS MATERIALIZED ("
            "  SELECT debit_move_id, credit_move_id, amount FROM account_partial_reconcile "
            "  WHERE %(reconciled_in_company)s AND max_date >= %(date_from)s) "
            "SELECT %(subject)s AS subject_id, pay_line.id AS res_id, %(value)s AS value "
            "FROM apr "
            "JOIN account_move_line inv_line ON inv_line.id = apr.debit_move_id "
            "JOIN account_move inv ON inv.id = inv_line.move_id %(split)s "
            "JOIN account_move_line pay_line ON pay_line.id = apr.credit_move_id "
            "JOIN account_move pay ON pay.id = pay_line.move_id "
            "WHERE inv.move_type = 'out_invoice' AND inv.state = 'posted' "
            "AND pay.move_type = 'entry' AND pay.state = 'posted' "
            "AND %(in_company)s "
            "AND pay_line.date >= %(date_from)s AND pay_line.date <= %(date_to)s%(subjects)s",
            subject=self._split_subject(period, "inv"),
            value=self._split_value(period, SQL("apr.amount")), split=self._split_join(period, "inv"),
            reconciled_in_company=self._in_company(period, "account_partial_reconcile.company_id"),
            in_company=self._in_company(period, "inv.company_id"),
            date_from=period.date_from, date_to=period.date_to,
            subjects=self._of_split_subjects(period, "inv"),
        )
