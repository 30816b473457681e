from . import sales_assessment_reward_refuse
from . import sales_assessment_estimate
