"""``ecomops demo``: generate the demo shop, import it into a demo workspace, open the console."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import shutil
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ecomops.cli.context import err_console
from ecomops.errors import WorkspaceError

if TYPE_CHECKING:
    from ecomops.demo import DemoResult
    from ecomops.workspace import Workspace

DEFAULT_DIR = Path("demo-workspace")
STORE_NAME = "Demo Store"


class FileFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


def demo(
    scale: Annotated[float, typer.Option(help="Size: 1 = about 1M order lines over two years.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same shop.")] = 7,
    end: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], show_default=False,
                     help="Last day of data. Default: yesterday in the store's time zone."),
    ] = None,
    directory: Annotated[
        Path, typer.Option("--dir", help="Demo workspace folder; the generated files go to DIR/data."),
    ] = DEFAULT_DIR,
    files: Annotated[
        FileFormat, typer.Option("--files", help="csv doubles as import examples; parquet is faster."),
    ] = FileFormat.csv,
    force: Annotated[bool, typer.Option(help="Replace an earlier demo workspace in DIR.")] = False,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Do not start the console.")] = False,
    host: Annotated[str, typer.Option(help="Address the console listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The console's TCP port.")] = 8000,
) -> None:
    """Create a demo workspace: a generated multi-channel shop with known incidents, imported.

    Writes two years of Tmall, JD, Douyin and Shopify data to DIR/data (with ground_truth.json),
    imports it into the workspace DIR, prints its path, and starts the console (unless --no-serve).

    Example: ecomops demo --scale 0.1 --seed 7 --dir ./demo-workspace --no-serve
    """
    from ecomops.settings import Settings, StoreSettings
    from ecomops.workspace import Workspace

    store = StoreSettings(name=STORE_NAME)
    last = _end_day(end, store.timezone)
    serving = not no_serve and _has_console()
    if serving:
        _check_port(host, port)  # before minutes of work, not after
    root = _prepare(directory, force)
    data = root / "data"
    result = _generate(data, scale=scale, seed=seed, end=last, fmt=files.value)
    ws = Workspace.init(root, Settings(store=store))
    try:
        _import(ws, data)
        _next_steps(root, result, last, serving=serving)
        typer.echo(str(root.resolve()))
        if serving:
            from ecomops.web.service import serve_demo

            # serve_demo prints the URL and a demo login, then serves until Ctrl+C; uvicorn stops
            # gracefully, then re-raises the SIGINT it caught (a KeyboardInterrupt, unless ignored).
            with contextlib.suppress(KeyboardInterrupt):
                serve_demo(ws, host, port)
            err_console.print(
                f"Console stopped. Start it again with: {_cli()} --workspace {root.resolve()} serve"
                f"{'' if host == '127.0.0.1' else f' --host {host}'} --port {port}  (same demo login)",
                markup=False, highlight=False, soft_wrap=True,
            )
    finally:
        ws.close()


def _has_console() -> bool:
    """Whether the web console (``ecomops.web.service``) is installed in this build."""
    try:
        return importlib.util.find_spec("ecomops.web.service") is not None
    except ModuleNotFoundError:
        return False


def _check_port(host: str, port: int) -> None:
    """Refuse a console address that is taken, so the demo is not generated for nothing."""
    import socket

    from ecomops.errors import InputError

    if not 0 < port < 65536:
        raise InputError(f"{port} is not a TCP port")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is free
        try:
            s.bind((host, port))
        except OSError as exc:
            raise InputError(
                f"the console cannot listen on {host}:{port} ({exc.strerror})",
                hint="choose another port with --port, or use --no-serve",
            ) from None


def _end_day(value: dt.datetime | None, timezone: str) -> dt.date:
    """``--end``, else yesterday in the store's time zone (the CLI reads the clock, never ``generate``)."""
    if value is not None:
        return value.date()
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(timezone)).date() - dt.timedelta(days=1)


def _prepare(directory: Path, force: bool) -> Path:
    """The demo folder, emptied when --force replaces an earlier demo (and nothing else)."""
    root = directory.expanduser()
    if not root.exists() or (root.is_dir() and not any(root.iterdir())):
        return root
    earlier_demo = (root / "ecomops.toml").is_file() and (root / "data" / "ground_truth.json").is_file()
    if not earlier_demo:
        raise WorkspaceError(
            f"{root} exists and is not an ecomops demo workspace",
            hint="choose another folder with --dir",
        )
    if not force:
        raise WorkspaceError(
            f"{root} already holds a demo workspace",
            hint=f"open it with `ecomops --workspace {root} serve`, or recreate it with --force",
        )
    shutil.rmtree(root)
    return root


def _generate(data: Path, *, scale: float, seed: int, end: dt.date, fmt: str) -> DemoResult:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ecomops.demo import generate
    from ecomops.demo.service import STEPS

    err_console.print(
        f"Generating the demo shop (scale {scale:g}, seed {seed}, 730 days to {end.isoformat()}) ..."
    )
    with Progress(
        TextColumn("{task.description:<12}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=err_console, transient=True,
    ) as bar:
        task = bar.add_task("start", total=len(STEPS))
        done = {"n": 0}

        def step(name: str) -> None:
            bar.update(task, description=name, completed=done["n"])
            done["n"] += 1

        result = generate(data, scale=scale, seed=seed, end=end, fmt=fmt,  # type: ignore[arg-type]
                          progress=step)
        bar.update(task, completed=len(STEPS))
    lines = result.rows.get("order_lines", 0)
    err_console.print(
        f"Generated {lines:,} order lines and {len(result.files)} files in {result.seconds:.1f} s "
        f"into {data}.", markup=False, highlight=False,
    )
    return result


def _import(ws: Workspace, data: Path) -> None:
    from ecomops.errors import IngestError
    from ecomops.ingest.service import import_folder

    err_console.print("Importing into the demo workspace ...")
    report = import_folder(ws, data, progress=True)
    if not report.ok:
        raise IngestError(f"the demo files in {data} could not be imported")
    if report.total_rejected:
        err_console.print(
            f"{report.total_rejected} row(s) rejected; details in {report.rejects_path}",
            markup=False, highlight=False,
        )


def _cli() -> str:
    """How to call this command line again: ``ecomops`` when it is on PATH, else its full path
    (``scripts/demo`` runs ``.venv/bin/ecomops`` without activating the virtual environment)."""
    import sys

    me, found = Path(sys.argv[0]), shutil.which("ecomops")
    if me.name != "ecomops" or (found is not None and Path(found).resolve() == me.resolve()):
        return "ecomops"
    return str(me.resolve())


def _next_steps(root: Path, result: DemoResult, end: dt.date, *, serving: bool) -> None:
    ws, day = f"{_cli()} --workspace {root.resolve()}", end.isoformat()
    console = "" if serving else (
        f"  {ws} user add me --role admin   (a console login; asks for a password)\n"
        f"  {ws} serve\n"
    )
    err_console.print(
        f"\nDemo workspace ready in {root.resolve()} ({len(result.incidents)} known incidents in "
        f"{result.ground_truth.resolve()}).\nNext:\n"
        f"  {ws} brief --date {day} --format html --out brief.html\n"
        f"  {ws} brief --date {day} --format json\n"
        f"{console}"
        f"  {ws} sql \"SELECT channel, count(*) FROM orders GROUP BY 1\"",
        markup=False, highlight=False, soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    app.command()(demo)
