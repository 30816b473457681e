from . import formula, numbers, periods, scoring  # noqa: F401
