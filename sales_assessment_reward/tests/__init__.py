from . import test_settings
from . import test_generation
from . import test_query_count
from . import test_approval
