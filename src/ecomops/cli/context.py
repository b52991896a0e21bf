"""What every command gets from the global options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from ecomops.workspace import Workspace


@dataclass
class State:
    workspace_dir: Path
    debug: bool = False
    _workspace: Workspace | None = field(default=None, repr=False)

    def workspace(self) -> Workspace:
        """The workspace of ``--workspace``, opened (and migrated) once per command."""
        from ecomops.workspace import Workspace

        if self._workspace is None:
            self._workspace = Workspace.open(self.workspace_dir)
        return self._workspace


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


# Rich output goes to standard error, so that standard output carries only data (JSON, CSV).
err_console = Console(stderr=True)
out_console = Console()
