"""The suite draws the same property examples on every machine (it must never fail at random)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings


@pytest.mark.skipif(os.environ.get("ECOMOPS_HYPOTHESIS", "suite") != "suite",
                    reason="an exploratory run (ECOMOPS_HYPOTHESIS) draws at random on purpose")
def test_property_tests_run_derandomized_without_timing_checks() -> None:
    active = settings()
    assert active.derandomize
    assert active.database is None
    assert active.deadline is None
    assert HealthCheck.too_slow in active.suppress_health_check
