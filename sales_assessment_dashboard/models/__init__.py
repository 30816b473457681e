from . import res_company
from . import res_config_settings
from . import sales_assessment_evaluation
from . import sales_assessment_evaluation_line
from . import sales_assessment_cycle
from . import sales_assessment_xlsx
from . import sales_assessment_webhook
from . import sales_assessment_webhook_message
