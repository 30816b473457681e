# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sales Assessment",
    "summary": "Targets, KPIs from CRM, sales and invoices, weighted scorecards, "
    "cycle close with grades and ranks",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-assessment/sales-assessment",
    "author": "Sales Assessment",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["sale_crm"],
    "data": [
        "security/sales_assessment_groups.xml",
        "security/ir.model.access.csv",
        "security/sales_assessment_security.xml",
        "data/sales_assessment_kpi_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/mail_activity_type_data.xml",
        "wizard/sales_assessment_cycle_generate_views.xml",
        "wizard/sales_assessment_cycle_reopen_views.xml",
        "wizard/sales_assessment_target_allocate_views.xml",
        "views/sales_assessment_kpi_views.xml",
        "views/sales_assessment_grade_views.xml",
        "views/sales_assessment_template_views.xml",
        "views/sales_assessment_cycle_views.xml",
        "views/sales_assessment_target_views.xml",
        "views/sales_assessment_evaluation_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/sales_assessment_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_assessment/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/sales_assessment_demo.xml",
    ],
}
