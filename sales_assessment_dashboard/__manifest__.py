# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sales Assessment Dashboards",
    "summary": "Leaderboards, trends, pivot and graph analysis, XLSX export "
    "and a spreadsheet dashboard of sales assessments",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-assessment/sales-assessment",
    "author": "Sales Assessment",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["sales_assessment", "spreadsheet_dashboard"],
    "data": [
        "security/ir.model.access.csv",
        "security/sales_assessment_dashboard_security.xml",
        "report/sales_assessment_report_views.xml",
    ],
}
