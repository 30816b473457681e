from . import formula, periods, scoring  # noqa: F401
