from . import test_report
from . import test_pacing
from . import test_projection
from . import test_leaderboard
from . import test_stage_dwell
from . import test_xlsx
from . import test_spreadsheet_dashboard
from . import test_tour
