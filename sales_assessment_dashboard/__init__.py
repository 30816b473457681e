from . import models
from . import report


def post_init_hook(env):
    """Pace the cycles already open when the dashboard is installed."""
    for cycle in env["sales.assessment.cycle"].search([("state", "=", "open")]):
        cycle._compute_pacing()
