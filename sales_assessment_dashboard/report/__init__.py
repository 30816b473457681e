from . import sales_assessment_report
from . import sales_assessment_leaderboard
from . import sales_assessment_stage_report
from . import sales_assessment_outcome_report
