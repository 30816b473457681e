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
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/sales_assessment_reward_security.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "wizard/sales_assessment_reward_refuse_views.xml",
        "wizard/sales_assessment_estimate_views.xml",
        "views/sales_assessment_reward_rule_views.xml",
        "views/sales_assessment_reward_views.xml",
        "views/sales_assessment_dispute_views.xml",
        "views/sales_assessment_cycle_views.xml",
        "views/sales_assessment_evaluation_views.xml",
        "views/res_config_settings_views.xml",
        "views/sales_assessment_reward_menus.xml",
        "report/sales_assessment_evaluation_statement.xml",
    ],
    "demo": [
        "demo/sales_assessment_reward_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_assessment_reward/static/tests/tours/*.js",
        ],
    },
}
