from collections import Counter

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import scoring


class SalesAssessmentCreditSplit(models.Model):
    """One salesperson's share of the credit of a shared sale order or
    customer invoice (a credit split line).

    The lines of one document sum to 100 %: the revenue KPIs
    (``revenue_ordered``, ``revenue_invoiced``, ``revenue_collected``) credit
    each line's salesperson with ``amount × share / 100`` of the document
    instead of crediting the document's salesperson, who keeps a share only
    through a line of their own. Counts, averages, customers and leads stay
    with the document's salesperson. An invoice without lines of its own
    takes the lines of its order, a credit note those of its invoice, when
    it is posted (account_move.py).

    ===============  ===============  ==========================================
    Action           Group            Restriction
    ===============  ===============  ==========================================
    read             Salesperson      lines they are credited on, or of their
                                      own documents
    create, change,  Team Leader      documents of the teams they lead (or of
    delete                            their teams' members)
    everything       Manager          every document of the allowed companies
    ===============  ===============  ==========================================

    The shares of a document are checked together, once the whole change
    is written: through the document's ``sales_assessment_split_ids`` (the
    form) as well as line by line over the API. Every change is logged on
    the document's chatter, where only those who read the document see it.
    """

    _name = "sales.assessment.credit.split"
    _description = "Assessment Credit Split"
    _inherit = ["sales.assessment.number.mixin"]
    _order = "order_id, move_id, share desc, id"
    _finite_fields = ("share",)

    order_id = fields.Many2one(
        "sale.order", string="Sale Order", ondelete="cascade", index=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", ondelete="cascade", index=True,
        domain=[("move_type", "in", ("out_invoice", "out_refund"))])
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, ondelete="restrict", index=True,
        domain=[("share", "=", False)],
        help="Credited with this share of the document's revenue.")
    share = fields.Float(
        string="Share (%)", required=True, digits=(16, 2),
        help="Percent of the document's revenue credited to this salesperson; the "
        "shares of a document sum to 100.")
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True)

    @api.depends("order_id.company_id", "move_id.company_id")
    def _compute_company_id(self):
        for split in self:
            split.company_id = split.order_id.company_id or split.move_id.company_id

    @api.constrains("order_id", "move_id")
    def _check_document(self):
        for split in self:
            if bool(split.order_id) == bool(split.move_id):
                raise ValidationError(_(
                    "A credit split line of %(user)s belongs to one sale order or to one "
                    "customer invoice: choose exactly one of them.",
                    user=split.user_id.display_name,
                ))
            if split.move_id and split.move_id.move_type not in ("out_invoice", "out_refund"):
                raise ValidationError(_(
                    "%(move)s is not a customer invoice or credit note: only those can "
                    "split their credit between salespeople.",
                    move=split.move_id.display_name,
                ))

    @api.constrains("share")
    def _check_share(self):
        for split in self:
            if split.share <= 0 or split.share > 100:
                raise ValidationError(_(
                    "The share of %(user)s is %(share)s %%: enter a percentage above 0 "
                    "and at most 100 (remove the line to credit them nothing).",
                    user=split.user_id.display_name, share=split.share,
                ))

    # -- changes, checked per document once they are all written: the public
    # methods check after their change, the ``_<verb>_splits`` ones (super's,
    # unchecked) let _write_document_splits check once after many changes

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        splits = self._create_splits(vals_list)
        # a line without document sets neither field: no constraint would run
        splits._check_document()
        self._after_change(splits._documents())
        return splits

    def write(self, vals):  # pylint: disable=method-required-super
        documents = self._documents()
        result = self._write_splits(vals)
        self._after_change(self._merge(documents, self._documents()))
        return result

    def unlink(self):  # pylint: disable=method-required-super
        documents = self._documents()
        result = self._unlink_splits()
        self._after_change(documents)
        return result

    def _create_splits(self, vals_list):
        """Create without checking the documents' shares (the caller does)."""
        splits = super().create(vals_list)  # pylint: disable=super-method-mismatch
        splits._mark_stale()
        return splits

    def _write_splits(self, vals):
        """Write without checking the documents' shares (the caller does)."""
        credited = self._credited_users()
        result = super().write(vals)  # pylint: disable=super-method-mismatch
        self._mark_stale(credited)
        return result

    def _unlink_splits(self):
        """Delete without checking the documents' shares (the caller does)."""
        credited = self._credited_users()
        result = super().unlink()  # pylint: disable=super-method-mismatch
        self.env["sales.assessment.evaluation"]._mark_stale(credited.ids)
        return result

    def _credited_users(self):
        """The salespeople whose revenue the lines ``self`` move: theirs and
        their documents' salespeople."""
        # sudo: the documents' salespeople, also for a leader who may not read them
        splits = self.sudo()
        return (splits.user_id | splits.order_id.user_id
                | splits.move_id.invoice_user_id).with_env(self.env)

    def _mark_stale(self, credited=None):
        """Mark stale the live figures of the salespeople of the lines
        ``self`` and of ``credited`` (those of before a change)."""
        users = self._credited_users() | (credited or self.env["res.users"])
        self.env["sales.assessment.evaluation"]._mark_stale(users.ids)

    def _documents(self):
        """Return (orders, moves) of the lines ``self``."""
        return self.order_id, self.move_id

    @api.model
    def _merge(self, *pairs):
        orders = self.env["sale.order"].union(*(pair[0] for pair in pairs))
        moves = self.env["account.move"].union(*(pair[1] for pair in pairs))
        return orders, moves

    @api.model
    def _after_change(self, documents):
        """Check the shares of the (orders, moves) ``documents`` whose lines
        changed, and log their new split on each."""
        # sudo: the shares are checked over all the lines of a document, and
        # logged, also when the editor (a team leader) may read the lines but
        # not the document itself
        documents = tuple(records.sudo().exists() for records in documents)
        self._check_documents(documents)
        self._log_documents(documents)

    @api.model
    def _check_documents(self, documents):
        """One line per salesperson per document, shares summing to 100."""
        for records in documents:
            for document in records:
                splits = document.sales_assessment_split_ids
                twice = [user for user, count in Counter(s.user_id for s in splits).items()
                         if count > 1]
                if twice:
                    raise ValidationError(_(
                        "%(user)s has two credit split lines on %(document)s: keep one line "
                        "per salesperson and give it their whole share.",
                        user=twice[0].display_name, document=document.display_name,
                    ))
                shares = splits.mapped("share")
                if splits and not scoring.check_weights(shares):
                    raise ValidationError(_(
                        "The credit split shares of %(document)s sum to %(total)s %%: adjust "
                        "them so that they sum to 100 %%.",
                        document=document.display_name, total=round(sum(shares), 2),
                    ))

    @api.model
    def _log_documents(self, documents):
        """Log who gets what share on each document (an internal note: seen
        by whoever reads the document, never by its customer)."""
        for records in documents:
            bodies = {document.id: self._split_note(document) for document in records}
            if bodies:
                records._message_log_batch(bodies)

    @api.model
    def _split_note(self, document):
        splits = document.sales_assessment_split_ids
        if not splits:
            text = self.env._(
                "Credit split removed: the revenue goes to the document's salesperson.")
        else:
            text = self.env._("Credit split: %(shares)s.", shares=", ".join(
                self.env._("%(user)s %(share)s %%", user=split.user_id.display_name,
                           share=round(split.share, 2))
                for split in splits
            ))
        return Markup("<p>%s</p>") % escape(text)

    # -- the documents' one2many, applied as one change

    @api.model
    def _write_document_splits(self, documents, commands):
        """Apply the x2many ``commands`` of ``documents.sales_assessment_split_ids``
        (sale orders or invoices) as one change: the shares are checked once
        every command is applied, not after each line."""
        inverse = "order_id" if documents._name == "sale.order" else "move_id"
        touched = self._documents()
        to_create = []
        for command in commands:
            verb = command[0]
            if verb == Command.CREATE:
                to_create += [dict(command[2], **{inverse: document.id}) for document in documents]
            elif verb == Command.UPDATE:
                lines = self.browse(command[1])
                touched = self._merge(touched, lines._documents())
                lines._write_splits(command[2])
            elif verb in (Command.DELETE, Command.UNLINK):
                lines = self.browse(command[1])
                touched = self._merge(touched, lines._documents())
                lines._unlink_splits()
            elif verb == Command.LINK:
                lines = self.browse(command[1])
                touched = self._merge(touched, lines._documents())
                lines._write_splits({inverse: documents[-1:].id})
            elif verb in (Command.CLEAR, Command.SET):
                keep = self.browse(command[2] if verb == Command.SET else [])
                (documents.sales_assessment_split_ids - keep)._unlink_splits()
                touched = self._merge(touched, keep._documents())
                keep._write_splits({inverse: documents[-1:].id})
        self._create_splits(to_create)
        pair = (documents, self.env["account.move"]) if inverse == "order_id" else (
            self.env["sale.order"], documents)
        self._after_change(self._merge(touched, pair))
