"""Fixtures of the framework-free engine tests.

The engine modules of ``sales_assessment/tools`` are loaded by file path:
importing the ``sales_assessment`` package would import Odoo.
"""

import importlib.util
from pathlib import Path

import pytest
from hypothesis import settings

TOOLS_DIR = Path(__file__).resolve().parent.parent / "sales_assessment" / "tools"

settings.register_profile("engine", database=None, deadline=None)
settings.load_profile("engine")


def load_tool(name):
    """Return ``sales_assessment/tools/<name>.py`` loaded as a standalone module."""
    path = TOOLS_DIR / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"sales_assessment_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def scoring():
    """The scoring engine module."""
    return load_tool("scoring")


@pytest.fixture(scope="session")
def periods():
    """The periods engine module."""
    return load_tool("periods")


@pytest.fixture(scope="session")
def formula():
    """The formula evaluator module."""
    return load_tool("formula")


@pytest.fixture(scope="session")
def payplans():
    """The pay plans engine module."""
    return load_tool("payplans")
