from . import sales_assessment_report
