# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sales Assessment Dashboards",
    "summary": "Leaderboards, pacing and projections, trends, pipeline insight, "
    "XLSX export and a spreadsheet dashboard of sales assessments",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-assessment/sales-assessment",
    "author": "Sales Assessment",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["sales_assessment", "spreadsheet_dashboard"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "post_init_hook": "post_init_hook",
    "data": [
        "security/ir.model.access.csv",
        "security/sales_assessment_dashboard_security.xml",
        "data/mail_activity_type_data.xml",
        "views/res_config_settings_views.xml",
        "views/sales_assessment_evaluation_views.xml",
        "views/sales_assessment_cycle_views.xml",
        "report/sales_assessment_report_views.xml",
        "report/sales_assessment_leaderboard_views.xml",
        "report/sales_assessment_pipeline_views.xml",
        "views/sales_assessment_dashboard_menus.xml",
        "data/spreadsheet_dashboard_data.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sales_assessment_dashboard/static/src/**/*",
        ],
        "web.assets_tests": [
            "sales_assessment_dashboard/static/tests/tours/*.js",
        ],
    },
}
