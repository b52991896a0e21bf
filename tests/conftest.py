"""Shared fixtures: workspaces in temporary folders, the shared datasets folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecomops.workspace import Workspace

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
