from odoo import models


class MailActivity(models.Model):
    """An activity marked done counts for its user's activity KPIs: their
    live figures become stale."""

    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # read before: the activity is gone once done
        user_ids = self.user_id.ids
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        self.env["sales.assessment.evaluation"]._mark_stale(user_ids)
        return result
