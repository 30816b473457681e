from odoo import models
from odoo.tools.sql import drop_index

from ..tools.sql import create_covering_index

# what the lead metrics read of a lead, besides its dates
LEAD_COLUMNS = ["user_id", "team_id", "company_id", "stage_id", "type", "active",
                "probability"]


class CrmLead(models.Model):
    _inherit = "crm.lead"

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
