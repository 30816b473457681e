from . import sales_assessment_cycle_generate
from . import sales_assessment_cycle_reopen
from . import sales_assessment_target_allocate
from . import sales_assessment_target_plan_reset
from . import sales_assessment_estimate
