from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import formatLang

MANAGER_GROUP = "sales_assessment.group_sales_assessment_manager"
ACTIVITY_TYPE = "sales_assessment_reward.mail_act_dispute"


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
    ============  ==================  ==============================================
    """

    _name = "sales.assessment.dispute"
    _description = "Assessment Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

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

    @api.depends("evaluation_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = _("Dispute of %(evaluation)s",
                                     evaluation=dispute.evaluation_id.display_name)

    @api.model_create_multi
    def create(self, vals_list):
        # sudo: a salesperson cannot read another's evaluation, yet must be told why
        Evaluation = self.env["sales.assessment.evaluation"].sudo()
        for vals in vals_list:
            self._check_can_dispute(Evaluation.browse(vals.get("evaluation_id")))
        disputes = super().create(vals_list)
        for dispute in disputes:
            if dispute.line_ids - dispute.evaluation_id.line_ids:
                raise ValidationError(_("Only lines of the disputed evaluation can be chosen."))
            dispute._notify_created()
        return disputes

    @api.model
    def _check_can_dispute(self, evaluation):
        if not self.env.su and evaluation.user_id != self.env.user:
            raise AccessError(
                _("You can only dispute your own evaluation, not the one of %(user)s.",
                  user=evaluation.user_id.name or evaluation.team_id.name)
            )
        if evaluation.state != "published" or evaluation.cycle_id.state != "closed":
            raise ValidationError(
                _("Cycle %(cycle)s is not closed: its figures are still live, so "
                  "there is nothing to dispute yet.", cycle=evaluation.cycle_id.name)
            )

    def _notify_created(self):
        # sudo: salespeople cannot schedule activities for their leader or post
        # on their evaluation as the system does
        evaluation = self.evaluation_id.sudo()
        leader = evaluation.team_id.user_id
        if leader and leader != self.user_id:
            self.sudo().activity_schedule(
                ACTIVITY_TYPE,
                user_id=leader.id,
                summary=_("Answer the dispute of %(user)s", user=self.user_id.name),
                note=self.reason,
            )
        evaluation.message_post(
            body=Markup("%s<br/>%s") % (
                _("%(user)s disputes this evaluation (%(kpis)s):", user=self.user_id.name,
                  kpis=", ".join(self.line_ids.kpi_id.mapped("name")) or _("all KPIs")),
                self.reason,
            ),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )

    def _check_can_resolve(self, manager_only=False):
        user = self.env.user
        is_manager = self.env.su or user.has_group(MANAGER_GROUP)
        for dispute in self:
            if dispute.state != "open":
                raise UserError(_("This dispute is resolved already."))
            if not self.env.su and dispute.user_id == user:
                raise AccessError(_("You cannot resolve a dispute of your own evaluation."))
            if manager_only and not is_manager:
                raise AccessError(_("Only sales assessment managers accept disputes."))
            if not is_manager and dispute.team_id.user_id != user:
                raise AccessError(_("Only the leader of %(team)s or a manager resolves "
                                    "this dispute.", team=dispute.team_id.name))
            if not (dispute.answer or "").strip():
                raise UserError(_("Write the answer to the salesperson first."))

    def action_reject(self):
        self._check_can_resolve()
        for dispute in self:
            dispute._resolve("rejected", _("Dispute rejected: %(answer)s",
                                           answer=dispute.answer))
        return True

    def action_accept(self):
        self._check_can_resolve(manager_only=True)
        for dispute in self:
            dispute._resolve("accepted", dispute._apply_correction())
        return True

    def _resolve(self, state, body):
        # sudo: the state is written only through the checks above
        self.sudo().write({"state": state})
        self.sudo().activity_feedback([ACTIVITY_TYPE], feedback=body)
        self.message_post(body=body, partner_ids=self.user_id.partner_id.ids,
                          subtype_xmlid="mail.mt_comment")
        # sudo: the evaluation's note is system-written; the resolution was checked
        self.evaluation_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    def _apply_correction(self):
        """Correct the chosen line's manual value or target, recomputing the
        evaluation and its proposals through the cycle's reopen and close.
        Return the sentence telling the acceptance and the change."""
        self.ensure_one()
        line = self.correction_line_id
        if not line:
            return _("Dispute accepted: %(answer)s", answer=self.answer)
        cycle = self.cycle_id
        cycle.with_context(reopen_reason=_(
            "Dispute of %(user)s accepted: %(answer)s", user=self.user_id.name,
            answer=self.answer,
        )).action_reopen()
        manual = line.kpi_id.kpi_type == "manual"
        if manual:
            old = line.manual_value
            line.write({"manual_value": self.corrected_value})
        else:
            old = self._set_target(line)
        cycle.action_close()
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
