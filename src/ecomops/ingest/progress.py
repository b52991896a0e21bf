"""Rich progress bars on standard error for an import, fed by DuckDB's progress of each query."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

PROGRESS_MIN_BYTES = 4 << 20
"""Files from this size on get a progress bar (when progress is asked for)."""


class Progress:
    """Rich progress bars on standard error, fed by DuckDB's progress of the running query."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.con = con
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(), console=Console(stderr=True), transient=False,
        )

    def __enter__(self) -> Progress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    @contextmanager
    def track(self, label: str, path: Path | None = None) -> Iterator[None]:
        if path is not None and path.stat().st_size < PROGRESS_MIN_BYTES:
            yield
            return
        task = self.progress.add_task(label, total=100)
        stop = threading.Event()

        def poll() -> None:
            seen = 0.0
            while not stop.wait(0.2):
                try:
                    pct = float(self.con.query_progress())
                except duckdb.Error:
                    continue
                # Several queries run per file: keep the bar from going backwards.
                seen = max(seen, min(pct, 99.0))
                self.progress.update(task, completed=seen)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            self.progress.update(task, completed=100)
