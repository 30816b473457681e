# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sales Assessment Rewards",
    "summary": "Bonus, penalty and recognition proposals from assessment results, "
    "approved by managers",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-assessment/sales-assessment",
    "author": "Sales Assessment",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["sales_assessment", "gamification"],
    "data": [
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
    ],
}
