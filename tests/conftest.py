"""Shared fixtures: workspaces in temporary folders, the shared datasets folder."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from ecomops.workspace import Workspace

# Property tests are derandomized: every run of the suite (a fresh clone, CI) draws the same
# examples, so the suite never fails at random. To hunt for new failures, run with
# ECOMOPS_HYPOTHESIS=explore (random draws, more examples); a failing example found that way
# becomes a plain test next to its property.
# Timing is not part of a property: no deadlines, no "too slow" health check (both vary with the
# machine's load, which is what made the suite fail at random).
hypothesis_settings.register_profile(
    "suite", derandomize=True, database=None, print_blob=True, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=500, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("ECOMOPS_HYPOTHESIS", "suite"))

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A new, empty workspace."""
    ws = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def datasets() -> Path:
    """``../shared/datasets``; tests that need it skip with a reason where it is absent."""
    if not DATASETS.is_dir():
        pytest.skip(f"shared datasets not found at {DATASETS}")
    return DATASETS


DEMO_END = __import__("datetime").date(2026, 11, 24)
"""Last day of the test demo store (its 'yesterday')."""


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo shop's import files at small scale, fixed seed, ending on ``DEMO_END``."""
    from ecomops.demo import generate

    out = tmp_path_factory.mktemp("demo") / "data"
    generate(out, scale=0.05, seed=11, end=DEMO_END)
    return out


@pytest.fixture(scope="session")
def demo_workspace(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the small demo shop imported. Read it; copy it before changing it."""
    from ecomops.ingest.service import import_folder

    root = tmp_path_factory.mktemp("demo_ws") / "ws"
    ws = Workspace.init(root)
    try:
        import_folder(ws, demo_dir)
    finally:
        ws.close()
    return root


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """A local SparkSession on loopback (the ``spark`` extra and a Java runtime; skips without)."""
    pytest.importorskip("pyspark", reason="the spark extra is not installed (uv sync --extra spark)")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH (apt-get install -y openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    # the Python workers need this environment's packages (pandas, statsforecast, ecomops)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]").appName("ecomops-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield session
    session.stop()
