"""Running the console: ``serve`` (uvicorn on one process) and ``serve_demo`` for ``ecomops demo``."""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ecomops.errors import InputError

if TYPE_CHECKING:
    from ecomops.workspace import Workspace

log = logging.getLogger(__name__)
DEMO_USER = "demo"


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def serve(ws: Workspace, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the console and API of ``ws`` until interrupted.

    The server reads the analytics store through a read-only connection that it closes when idle
    (``web.gate``), so the CLI's readers run next to it and ``ecomops import`` waits at most for
    the requests in flight; an import from the Data page holds the write lock only while it runs.
    A connection ``ws`` still has open (``ecomops demo`` imported first) is closed here.
    """
    import uvicorn

    from ecomops.web.app import create_app

    if not 0 < port < 65536:
        raise InputError(f"{port} is not a TCP port")
    ws.close_analytics()
    ws.read_only = True
    app = create_app(ws)
    stop_warm_up = warm_up(app)
    try:
        # proxy_headers=False: the app believes X-Forwarded-* only from ``[web] trusted_proxies``
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                    proxy_headers=False)
    finally:
        stop_warm_up()
        app.state.console.gate.close()


def warm_up(app: object) -> Callable[[], None]:
    """Build the default date's brief on a thread, so the first visitor does not wait for it.

    Returns the function that stops it: call it before the workspace is closed. A brief still
    building when the server stops (Ctrl+C right after start) holds a cursor of the store;
    DuckDB refuses to close a connection in use, and the thread, left running, would abort the
    process at exit. Stopping interrupts its queries and waits for the thread (at most a minute).
    """
    import threading

    briefs = app.state.console.briefs  # type: ignore[attr-defined]
    stopping = threading.Event()

    def build() -> None:
        try:
            briefs.get(briefs.default_date())
        except Exception:  # the page will show the error when asked; the server keeps running
            if not stopping.is_set():
                log.warning("building the brief at start-up failed", exc_info=True)

    thread = threading.Thread(target=build, name="ecomops-warm-up", daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        # the brief's steps catch some failures and go on to their next query: interrupt again
        for _ in range(300):
            if not thread.is_alive():
                return
            briefs.gate.interrupt()
            thread.join(timeout=0.2)

    return stop


def ensure_demo_login(ws: Workspace) -> tuple[str, str]:
    """Create (or reset) the demo's admin login; returns (name, password)."""
    from ecomops.web.accounts import Accounts, UserNotFound

    accounts = Accounts(ws.app_sessions, ws.settings.store.language)
    password = secrets.token_urlsafe(9)
    try:
        accounts.get(DEMO_USER)
        accounts.change(DEMO_USER, by="ecomops demo", role="admin", active=True, password=password)
    except UserNotFound:
        accounts.add_user(DEMO_USER, "admin", password, by="ecomops demo")
    return DEMO_USER, password


def serve_demo(
    ws: Workspace, host: str = "127.0.0.1", port: int = 8000,
    announce: Callable[[str], None] = _stderr,
) -> None:
    """The end of ``ecomops demo``: create the demo login, say where to sign in, serve."""
    name, password = ensure_demo_login(ws)
    announce(f"Console: http://{host}:{port}/  user: {name}  password: {password}")
    announce("Stop it with Ctrl+C.")
    serve(ws, host, port)


class BackgroundServer:
    """The console served by uvicorn on a thread (browser tests, screenshots, the benchmark)."""

    def __init__(self, app: object, host: str = "127.0.0.1", port: int = 0) -> None:
        import socket
        import threading

        import uvicorn

        if port == 0:
            with socket.socket() as s:
                s.bind((host, 0))
                port = s.getsockname()[1]
        self.url = f"http://{host}:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",  # type: ignore[arg-type]
                                                    access_log=False, proxy_headers=False))
        self.thread = threading.Thread(target=self.server.run, name="ecomops-web", daemon=True)

    def __enter__(self) -> BackgroundServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the console did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
