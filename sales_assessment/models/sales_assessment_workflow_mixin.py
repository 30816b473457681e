import contextvars
from contextlib import contextmanager

from odoo import _, api, models
from odoo.exceptions import UserError

# The records whose state the running workflow step may change, as
# {(model, id)} plus (model, "create") for creations in another state than
# the default. A context variable of this Python thread, set only by
# ``_write_state``/``_create_with_state``: unlike a context key, no client
# of the external API can set it.
_STATE_CHANGES = contextvars.ContextVar("sales_assessment_state_changes", default=frozenset())


class SalesAssessmentWorkflowMixin(models.AbstractModel):
    """The workflow shape of every assessment document with a ``state``
    (cycle, evaluation, reward, dispute): the state changes only through
    ``action_<verb>`` → ``_check_can_<verb>()`` → ``_do_<verb>()``.

    - A ``create`` or ``write`` that sets ``state`` (or another of
      ``_workflow_fields``: who approved, when it was closed) from outside
      that path is refused with a ``UserError``, for managers and the
      superuser too: ``_do_<verb>`` changes them through :meth:`_write_state`.
    - Each verb of ``_workflow_verbs`` has ``can_<verb>`` and
      ``cannot_<verb>_reason`` fields (declared by the model, computed here
      per user from ``_get_<verb>_refusal()``), and ``_check_can_<verb>()``
      raises the same refusal: the button and the RPC method agree.
    - An action given the same record twice acts on it once
      (:meth:`_workflow_records`).
    """

    _name = "sales.assessment.workflow.mixin"
    _description = "Assessment Workflow"
    _workflow_verbs = ()
    # what only the workflow writes: the state, and what records who decided
    _workflow_fields = ("state",)

    # ------------------------------------------------------------------
    # State written only by the workflow
    # ------------------------------------------------------------------

    @contextmanager
    def _allow_state_change(self, create=False):
        keys = {(self._name, record_id) for record_id in self.ids}
        if create:
            keys.add((self._name, "create"))
        token = _STATE_CHANGES.set(_STATE_CHANGES.get() | keys)
        try:
            yield
        finally:
            _STATE_CHANGES.reset(token)

    def _write_state(self, vals):
        """Write ``vals`` (holding the new ``state``): the one way the
        ``_do_<verb>`` methods change the state."""
        with self._allow_state_change():
            return self.write(vals)

    @api.model
    def _create_with_state(self, vals_list):
        """Create records in another state than the default (system steps)."""
        with self._allow_state_change(create=True):
            return self.create(vals_list)

    def _check_state_vals(self, vals, creating=False):
        fnames = [fname for fname in self._workflow_fields if fname in vals]
        if not fnames:
            return
        allowed = _STATE_CHANGES.get()
        if creating:
            if (self._name, "create") in allowed or self._is_default_workflow_vals(vals):
                return
        elif all((self._name, record_id) in allowed for record_id in self.ids):
            return
        raise UserError(_(
            "The status of %(document)s changes only through its buttons (%(verbs)s), "
            "which check who may do it: %(fields)s cannot be written directly.",
            document=self._description,
            verbs=", ".join(self._workflow_verbs),
            fields=", ".join(self._fields[fname]._description_string(self.env)
                             for fname in fnames),
        ))

    def _is_default_workflow_vals(self, vals):
        """Whether a creation gives the workflow fields what a new record has
        anyway (the default state, no approver, …)."""
        for fname in self._workflow_fields:
            if fname not in vals:
                continue
            field = self._fields[fname]
            default = field.default(self) if field.default else False
            if (vals[fname] or False) != (default or False):
                return False
        return True

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_state_vals(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_state_vals(vals)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Who may do what
    # ------------------------------------------------------------------

    def _workflow_records(self):
        """``self`` without duplicates: an action given the same id twice
        acts once (a two-level approval is not completed by one approver
        passing a proposal twice)."""
        return self.browse(list(dict.fromkeys(self.ids)))

    def _compute_can_workflow(self):
        """``can_<verb>`` and ``cannot_<verb>_reason`` of every verb, for the
        current user (the model decorates its override with
        ``@api.depends_context('uid')``)."""
        for record in self:
            for verb in self._workflow_verbs:
                refusal = record._get_refusal(verb)
                record[f"can_{verb}"] = not refusal
                record[f"cannot_{verb}_reason"] = refusal[1] if refusal else False

    def _get_refusal(self, verb):
        """Return (error class, message) refusing ``verb`` on this record to
        the current user, or None when they may do it."""
        self.ensure_one()
        return getattr(self, f"_get_{verb}_refusal")()

    def _check_can(self, verb):
        for record in self:
            refusal = record._get_refusal(verb)
            if refusal:
                raise refusal[0](refusal[1])

    # ------------------------------------------------------------------
    # Notes
    # ------------------------------------------------------------------

    def _post_workflow_message(self, body, partner_ids=None, subtype_xmlid="mail.mt_note"):
        """Post a workflow step in the chatter as the current user, whether
        or not they have an email address (the step was checked already):
        the mails it sends come from the company's address then."""
        author = self.env.user.partner_id
        email_from = author.email_formatted or self.env.company.partner_id.email_formatted
        # sudo: posting as the system does not need the author's email
        # address; the author stays the user who made the step
        for record in self.sudo():
            record.message_post(
                body=body,
                author_id=author.id,
                email_from=email_from or None,
                partner_ids=partner_ids(record) if callable(partner_ids) else partner_ids,
                subtype_xmlid=subtype_xmlid,
            )
