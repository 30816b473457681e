from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import formatLang

MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"
ACTIVITY_TYPE = "sales_assessment_reward.mail_act_dispute"
# what the team leader or manager resolving a dispute writes, not the salesperson
RESOLVER_FIELDS = {"answer", "correction_line_id", "corrected_value"}


class SalesAssessmentDispute(models.Model):
    """A salesperson's dispute of their own published evaluation: the reason,
    the lines concerned, and how it was resolved.

    ============  ==================  ==============================================
    Action        Group               Restriction
    ============  ==================  ==============================================
    create        salesperson         own evaluation, published, cycle closed
    reject        team leader         open dispute of their team; an answer
    accept        manager             open dispute; an answer; an optional
                                      correction of a manual value or a target,
                                      applied by reopening and closing the cycle
                                      (once for all the disputes of a cycle)
    ============  ==================  ==============================================

    The state changes only through these actions; the salesperson writes the
    reason, the resolver the answer and the correction.
    """

    _name = "sales.assessment.dispute"
    _description = "Assessment Dispute"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "sales.assessment.workflow.mixin",
        "sales.assessment.number.mixin",
    ]
    _order = "create_date desc, id desc"
    _check_company_auto = True
    _workflow_verbs = ("reject", "accept")
    _finite_fields = ("corrected_value",)

    evaluation_id = fields.Many2one(
        "sales.assessment.evaluation", required=True, ondelete="cascade", index=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        related="evaluation_id.user_id", store=True, index=True, string="Salesperson"
    )
    cycle_id = fields.Many2one(related="evaluation_id.cycle_id", store=True, string="Cycle")
    team_id = fields.Many2one(related="evaluation_id.team_id", store=True, string="Sales Team")
    company_id = fields.Many2one(related="evaluation_id.company_id", store=True, index=True)
    reason = fields.Text(required=True, tracking=True)
    line_ids = fields.Many2many(
        "sales.assessment.evaluation.line", string="KPIs Concerned",
        domain="[('evaluation_id', '=', evaluation_id)]",
    )
    state = fields.Selection(
        [("open", "Open"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        default="open", required=True, readonly=True, tracking=True, copy=False,
    )
    answer = fields.Text(tracking=True)
    correction_line_id = fields.Many2one(
        "sales.assessment.evaluation.line", string="KPI to Correct",
        domain="[('evaluation_id', '=', evaluation_id)]",
        help="On acceptance: the manual value (manual KPIs) or the target (other "
        "KPIs) of this line is corrected and the cycle is closed again.",
    )
    corrected_value = fields.Float(string="Corrected Value")

    can_reject = fields.Boolean(compute="_compute_can_workflow")
    cannot_reject_reason = fields.Char(compute="_compute_can_workflow")
    can_accept = fields.Boolean(compute="_compute_can_workflow")
    cannot_accept_reason = fields.Char(compute="_compute_can_workflow")

    @api.depends("evaluation_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = _("Dispute of %(evaluation)s",
                                     evaluation=dispute.evaluation_id.display_name)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_finite_vals(vals_list)
        # sudo: a salesperson cannot read another's evaluation, yet must be told why
        Evaluation = self.env["sales.assessment.evaluation"].sudo()
        for vals in vals_list:
            self._check_creation_vals(vals)
            self._check_can_dispute(Evaluation.browse(vals.get("evaluation_id")))
        disputes = super().create(vals_list)
        for dispute in disputes:
            if dispute.line_ids - dispute.evaluation_id.line_ids:
                raise ValidationError(_("Only lines of the disputed evaluation can be chosen."))
            dispute._notify_created()
        return disputes

    @api.model
    def _check_creation_vals(self, vals):
        """A dispute starts open, with the salesperson's reason only: the
        answer and the correction are the resolver's."""
        given = RESOLVER_FIELDS.intersection(k for k, v in vals.items() if v)
        if given and not self.env.su:
            raise UserError(_(
                "A new dispute holds your reason and the KPIs concerned only: the answer "
                "and the correction are written by the team leader or manager who "
                "resolves it."))

    @api.model
    def _check_can_dispute(self, evaluation):
        if not self.env.su and evaluation.user_id != self.env.user:
            # whose evaluation it is stays untold: the caller may not read it
            raise AccessError(_("You can only dispute your own evaluation."))
        if evaluation.state != "published" or evaluation.cycle_id.state != "closed":
            raise ValidationError(
                _("Cycle %(cycle)s is not closed: its figures are still live, so "
                  "there is nothing to dispute yet.", cycle=evaluation.cycle_id.name)
            )

    def write(self, vals):
        if RESOLVER_FIELDS.intersection(vals) and not self.env.su:
            for dispute in self:
                refusal = dispute._get_reject_refusal()
                if refusal and refusal[0] is AccessError:
                    raise refusal[0](refusal[1])
            if any(dispute.state != "open" for dispute in self):
                raise UserError(_("This dispute is resolved already: its answer stays."))
        return super().write(vals)

    def _notify_created(self):
        # sudo: salespeople cannot post on their evaluation as the system does
        evaluation = self.evaluation_id.sudo()
        self.activity_update()
        evaluation.message_post(
            body=Markup("%s<br/>%s") % (
                _("%(user)s disputes this evaluation (%(kpis)s):", user=self.user_id.name,
                  kpis=", ".join(self.line_ids.kpi_id.mapped("name")) or _("all KPIs")),
                self.reason,
            ),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )

    def activity_update(self, feedback=None):
        """Keep the answer activity in line with the state, as
        ``hr.expense.sheet`` does: one for the team leader while the dispute
        is open, marked done with the resolution."""
        activity_type = self.env.ref(ACTIVITY_TYPE)
        # sudo: the salesperson schedules their leader's activity; resolvers
        # close it whoever it was assigned to
        for dispute in self.sudo():
            activities = dispute.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type)
            leader = dispute.evaluation_id.team_id.user_id
            if dispute.state != "open":
                activities.action_feedback(feedback=feedback)
            elif not activities and leader and leader != dispute.user_id:
                dispute.activity_schedule(
                    ACTIVITY_TYPE,
                    user_id=leader.id,
                    summary=_("Answer the dispute of %(user)s", user=dispute.user_id.name),
                    note=dispute.reason,
                )

    # ------------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------------

    @api.depends("state", "answer", "user_id", "team_id")
    @api.depends_context("uid")
    def _compute_can_workflow(self):
        return super()._compute_can_workflow()

    def _get_resolve_refusal(self, manager_only):
        user = self.env.user
        is_manager = self.env.su or user.has_group(MANAGER_GROUP)
        if not self.env.su and self.user_id == user:
            return AccessError, _("You cannot resolve a dispute of your own evaluation.")
        if manager_only and not is_manager:
            return AccessError, _("Only sales assessment managers accept disputes.")
        if not is_manager and self.team_id.user_id != user:
            return AccessError, _("Only the leader of %(team)s or a manager resolves this "
                                  "dispute.", team=self.team_id.name)
        if self.state != "open":
            return UserError, _("This dispute is resolved already.")
        if not (self.answer or "").strip():
            return UserError, _("Write the answer to the salesperson first.")
        return None

    def _get_reject_refusal(self):
        return self._get_resolve_refusal(manager_only=False)

    def _get_accept_refusal(self):
        return self._get_resolve_refusal(manager_only=True)

    def _check_can_reject(self):
        self._check_can("reject")

    def _check_can_accept(self):
        self._check_can("accept")

    def action_reject(self):
        disputes = self._workflow_records()
        disputes._check_can_reject()
        disputes._do_reject()
        return True

    def _do_reject(self):
        for dispute in self:
            dispute._resolve("rejected", _("Dispute rejected: %(answer)s",
                                           answer=dispute.answer))

    def action_accept(self):
        disputes = self._workflow_records()
        disputes._check_can_accept()
        disputes._do_accept()
        return True

    def _do_accept(self):
        """Accept the disputes; the corrections of one cycle are applied in
        one reopening and one close."""
        bodies = {}
        for cycle in self.cycle_id:
            disputes = self.filtered(lambda d, c=cycle: d.cycle_id == c)
            bodies.update(disputes._apply_corrections())
        for dispute in self:
            dispute._resolve("accepted", bodies[dispute.id])

    def _resolve(self, state, body):
        # sudo: the state is written only through the checks above
        self.sudo()._write_state({"state": state})
        self.activity_update(feedback=body)
        self._post_workflow_message(body, partner_ids=self.user_id.partner_id.ids,
                                    subtype_xmlid="mail.mt_comment")
        # sudo: the evaluation's note is system-written; the resolution was checked
        self.evaluation_id.sudo()._post_workflow_message(body)

    def _apply_corrections(self):
        """Correct the chosen lines' manual values or targets of the disputes
        of one cycle, recomputing the evaluations and their proposals through
        one reopening and one close of the cycle. Return {dispute_id: the
        sentence telling the acceptance and the change}."""
        corrected = self.filtered("correction_line_id")
        bodies = {d.id: _("Dispute accepted: %(answer)s", answer=d.answer)
                  for d in self - corrected}
        if not corrected:
            return bodies
        cycle = corrected.cycle_id
        cycle._check_can_reopen()
        # the cycle's chatter is read by every salesperson: the reason names
        # nobody (each dispute and evaluation tells its own correction)
        cycle._do_reopen(_(
            "Accepted disputes correct figures of this cycle (%(count)s): it is closed again "
            "with them.", count=len(corrected)))
        for dispute in corrected:
            bodies[dispute.id] = dispute._apply_correction()
        cycle._check_can_close()
        cycle._action_close()
        return bodies

    def _apply_correction(self):
        """Correct the chosen line's manual value or target (the cycle is
        reopened); return the sentence telling the change."""
        self.ensure_one()
        line = self.correction_line_id
        manual = line.kpi_id.kpi_type == "manual"
        if manual:
            old = line.manual_value
            line.write({"manual_value": self.corrected_value})
        else:
            old = self._set_target(line)
        values = {"answer": self.answer, "kpi": line.kpi_id.name,
                  "old": self._format_value(old), "new": self._format_value(self.corrected_value)}
        if manual:
            return _("Dispute accepted: %(answer)s. The manual value of %(kpi)s is now "
                     "%(new)s (was %(old)s).", **values)
        return _("Dispute accepted: %(answer)s. The target of %(kpi)s is now %(new)s "
                 "(was %(old)s).", **values)

    def _format_value(self, value):
        """A corrected figure as the chatter shows it."""
        return formatLang(self.env, value or 0.0, digits=2)

    def _set_target(self, line):
        Target = self.env["sales.assessment.target"]
        target = Target.search([("cycle_id", "=", self.cycle_id.id),
                                ("kpi_id", "=", line.kpi_id.id),
                                ("user_id", "=", self.user_id.id)], limit=1)
        old = target.target_value
        if target:
            target.write({"target_value": self.corrected_value,
                          "note": _("Corrected after a dispute")})
        else:
            Target.create({"cycle_id": self.cycle_id.id, "kpi_id": line.kpi_id.id,
                           "user_id": self.user_id.id, "team_id": self.team_id.id,
                           "target_value": self.corrected_value,
                           "note": _("Corrected after a dispute")})
        return old
