from odoo import api, models
from odoo.tools.sql import drop_index

from ..tools.sql import create_covering_index

# what the lead metrics read of a lead, besides its dates
LEAD_COLUMNS = ["user_id", "team_id", "company_id", "stage_id", "type", "active",
                "probability"]


# what a change makes the salespeople's figures stale (won, lost, reassigned)
ASSESSED_LEAD_FIELDS = {*LEAD_COLUMNS, "date_closed", "expected_revenue", "lost_reason_id"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        self.env["sales.assessment.evaluation"]._mark_stale(leads.user_id.ids)
        return leads

    def write(self, vals):
        # won and lost (action_set_won, action_set_lost) write the stage, the
        # probability or active: caught here; the old salesperson is stale too
        if not ASSESSED_LEAD_FIELDS.intersection(vals):
            return super().write(vals)
        user_ids = self.user_id.ids
        result = super().write(vals)
        self.env["sales.assessment.evaluation"]._mark_stale(user_ids + self.user_id.ids)
        return result

    def init(self):
        res = super().init()
        cr = self.env.cr
        # the leads closed, or created, in a period with every column the lead
        # metrics read: index-only scans
        create_covering_index(
            cr, "crm_lead_sales_assessment_closed_index", "crm_lead", ["date_closed"],
            [*LEAD_COLUMNS, "create_date"], where="date_closed IS NOT NULL",
        )
        create_covering_index(
            cr, "crm_lead_sales_assessment_created_index", "crm_lead", ["create_date"],
            LEAD_COLUMNS,
        )
        # the index of earlier versions, replaced by the first one above
        drop_index(cr, "crm_lead_sales_assessment_index", "crm_lead")
        return res
