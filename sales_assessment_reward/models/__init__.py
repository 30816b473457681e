from . import res_company
from . import res_config_settings
from . import sales_assessment_reward_rule
from . import sales_assessment_reward
from . import sales_assessment_reward_budget
from . import sales_assessment_dispute
from . import sales_assessment_cycle
from . import sales_assessment_evaluation
