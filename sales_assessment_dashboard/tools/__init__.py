from . import pacing
