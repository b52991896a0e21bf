"""The ``ecomops`` app: global options, error translation and command registration."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from ecomops.cli.context import State
from ecomops.errors import EcomopsError
from ecomops.workspace import default_dir

app = typer.Typer(
    name="ecomops",
    help="ecomops: the e-commerce operations assistant (电商运营助理).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# One module per capability; each defines ``register(app)``.
COMMAND_MODULES = [
    "ecomops.cli.workspace_cmds",
    "ecomops.cli.explain_cmds",
    "ecomops.cli.ingest_cmds",
    "ecomops.cli.inventory_cmds",
    "ecomops.cli.web_cmds",
    "ecomops.cli.demo_cmds",
    "ecomops.cli.brief_cmds",
]


@app.callback()
def main(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", "-w",
            help="Workspace folder. Default: $ECOMOPS_WORKSPACE, then ./ecomops-workspace.",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
) -> None:
    """ecomops: the e-commerce operations assistant (电商运营助理)."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = State(workspace_dir=workspace or default_dir(), debug=debug)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def run() -> None:
    """Console entry point: one readable line on error, a traceback only with --debug."""
    debug = "--debug" in sys.argv
    try:
        app(standalone_mode=False)
    except EcomopsError as exc:
        if debug:
            raise
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click's usage errors
            exc.show()
            sys.exit(exc.exit_code)
        if debug:
            raise
        logging.getLogger("ecomops").debug("unexpected error", exc_info=True)
        typer.echo(
            f"Error: unexpected {exc.__class__.__name__}: {exc} (run again with --debug for details)",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    run()
