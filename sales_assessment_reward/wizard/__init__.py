from . import sales_assessment_reward_refuse
