from odoo import _, models
from odoo.tools.misc import format_amount

from odoo.addons.sales_assessment.tools import webhooks


class SalesAssessmentWebhook(models.Model):
    """Robots also push the reward proposals waiting for approval."""

    _inherit = "sales.assessment.webhook"

    def _queue_approvals(self, rewards):
        """Queue, for each robot pushing approvals, one message listing the
        proposals of its teams that now wait for an approver."""
        waiting = rewards.filtered(lambda r: r.state == "to_approve")
        robots = self._find_robots(waiting.company_id, "notify_approvals")
        vals_list = []
        for robot in robots:
            concerned = waiting.filtered(
                lambda r, robot=robot: r.company_id == robot.company_id
                and robot._covers(r.team_id))
            if concerned:
                vals_list.append(robot._prepare_approvals_vals(concerned))
        return self._queue(vals_list)

    def _prepare_approvals_vals(self, rewards):
        """The message of proposals waiting: title, salesperson, approver and,
        unless the company hides amounts, the amount."""
        title = _("Reward proposals waiting for approval")
        hide = self._hides_amounts()
        # sudo: the approver is shown whoever submitted
        lines = [self._approval_line(reward, hide) for reward in rewards.sudo()]
        return self._prepare_message_vals("approval", title, lines)

    def _approval_line(self, reward, hide):
        esc = webhooks.escape_markdown
        values = {
            "name": esc(reward.name), "user": esc(reward.user_id.name),
            "cycle": esc(reward.cycle_id.name),
            "approver": esc(reward._get_approver().name or _("a manager")),
        }
        if hide or not reward.amount:
            return _("- %(name)s for %(user)s (%(cycle)s), awaiting %(approver)s", **values)
        return _(
            "- %(name)s for %(user)s (%(cycle)s): %(amount)s, awaiting %(approver)s",
            amount=esc(format_amount(self.env, reward.amount, reward.currency_id)), **values)
