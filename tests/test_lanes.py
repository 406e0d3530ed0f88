"""The suite's two lanes (tests/conftest.py): each module runs whole in one lane, browser tests in one lane."""

from __future__ import annotations

import os

import pytest


def test_a_module_runs_whole_in_one_lane(request: pytest.FixtureRequest) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") is None or not request.config.getoption("loadgroup", False):
        pytest.skip("run without ./dev test's lanes (-n 2 --dist loadgroup): nothing to group")
    # pytest-xdist groups by a suffix on the test's id; pytest 9.2 stopped reading it, and every module's
    # fixtures were then set up in both lanes (pyproject.toml pins pytest below 9.2 for this).
    assert request.node.nodeid.endswith("@" + request.module.__name__), request.node.nodeid
