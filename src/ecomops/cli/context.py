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

    def workspace(self, *, read_only: bool = False) -> Workspace:
        """The workspace of ``--workspace``, opened once per command.

        The analytics store is opened (and migrated) when the command first uses it, so commands
        that never read it (``user add``) do not wait for its lock; ``read_only`` commands read it
        next to ``ecomops serve`` and other readers."""
        from ecomops.workspace import Workspace

        if self._workspace is None:
            self._workspace = Workspace.open(self.workspace_dir, read_only=read_only,
                                             connect=False, on_wait=_tell_wait)
        return self._workspace


def _tell_wait(message: str) -> None:
    err_console.print(f"{message}...", highlight=False, markup=False)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


# Rich output goes to standard error, so that standard output carries only data (JSON, CSV).
err_console = Console(stderr=True)
out_console = Console()
