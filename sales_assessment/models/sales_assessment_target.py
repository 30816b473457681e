from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class SalesAssessmentTarget(models.Model):
    """The target of one KPI for one salesperson (or one team) in one cycle.
    Every change is recorded in the chatter of the cycle."""

    _name = "sales.assessment.target"
    _description = "Assessment Target"
    _order = "cycle_id desc, team_id, user_id, kpi_id"
    _check_company_auto = True

    cycle_id = fields.Many2one(
        "sales.assessment.cycle", required=True, ondelete="cascade", index=True,
        check_company=True,
    )
    kpi_id = fields.Many2one("sales.assessment.kpi", string="KPI", required=True,
                             ondelete="restrict")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True,
        help="Leave empty for a target of the whole team.",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True,
        help="The team of the target; with a salesperson, the team they sell for.",
    )
    target_value = fields.Float(string="Target", required=True)
    unit = fields.Selection(related="kpi_id.unit")
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    cycle_state = fields.Selection(related="cycle_id.state", string="Cycle Status")
    note = fields.Char()

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sales_assessment_target_user_unique "
            "ON sales_assessment_target (cycle_id, kpi_id, user_id) WHERE user_id IS NOT NULL"
        )
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sales_assessment_target_team_unique "
            "ON sales_assessment_target (cycle_id, kpi_id, team_id) WHERE user_id IS NULL"
        )

    @api.depends("kpi_id", "user_id", "team_id")
    def _compute_display_name(self):
        for target in self:
            subject = target.user_id if target.user_id else target.team_id
            target.display_name = f"{target.kpi_id.name or ''} – {subject.name or ''}"

    @api.constrains("target_value")
    def _check_target_value(self):
        for target in self:
            if target.target_value < 0:
                raise ValidationError(
                    _(
                        "The target of %(kpi)s for %(subject)s is negative (%(value)s): "
                        "targets must be zero or more.",
                        kpi=target.kpi_id.name,
                        subject=(target.user_id or target.team_id).name,
                        value=target.target_value,
                    )
                )

    @api.constrains("cycle_id", "kpi_id", "user_id", "team_id")
    def _check_subject(self):
        for target in self:
            if not target.user_id and not target.team_id:
                raise ValidationError(_("Set the salesperson or the sales team of the target."))
            duplicate = self.search_count(
                [
                    ("id", "!=", target.id),
                    ("cycle_id", "=", target.cycle_id.id),
                    ("kpi_id", "=", target.kpi_id.id),
                    ("user_id", "=", target.user_id.id),
                ]
                + ([] if target.user_id else [("team_id", "=", target.team_id.id)])
            )
            if duplicate:
                raise ValidationError(
                    _(
                        "%(subject)s already has a target for %(kpi)s in %(cycle)s: "
                        "edit that one.",
                        subject=(target.user_id or target.team_id).name,
                        kpi=target.kpi_id.name,
                        cycle=target.cycle_id.name,
                    )
                )

    def _check_cycle_editable(self):
        for target in self:
            if target.cycle_id.state in ("closed", "cancel"):
                raise UserError(
                    _(
                        "Cycle %(cycle)s is %(state)s: its targets can no longer change.",
                        cycle=target.cycle_id.name,
                        state=target.cycle_id.state,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        targets._check_cycle_editable()
        for target in targets:
            target._log_change(None, target.target_value)
        return targets

    def write(self, vals):
        self._check_cycle_editable()
        old = {target.id: target.target_value for target in self}
        result = super().write(vals)
        if "target_value" in vals:
            for target in self:
                if old[target.id] != target.target_value:
                    target._log_change(old[target.id], target.target_value)
        return result

    def unlink(self):
        self._check_cycle_editable()
        for target in self:
            target._log_change(target.target_value, None)
        return super().unlink()

    def _log_change(self, old, new):
        """Post who changed what in the chatter of the cycle."""
        subject = (self.user_id or self.team_id).name
        if old is None:
            what = _("set to %(new)s", new=new)
        elif new is None:
            what = _("removed (was %(old)s)", old=old)
        else:
            what = Markup("%s → %s") % (old, new)
        body = Markup("%s: %s") % (
            _("Target %(kpi)s of %(subject)s", kpi=self.kpi_id.name, subject=subject),
            what,
        )
        self.cycle_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note",
                                          author_id=self.env.user.partner_id.id)
