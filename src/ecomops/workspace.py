"""A workspace: one folder holding a store's settings, analytics store and app database.

Layout::

    DIR/ecomops.toml      settings (commented)
    DIR/analytics.duckdb  the DATA.md tables
    DIR/app.db            users, tasks, imports, audit (SQLite unless app_url is set)
    DIR/rejects/          one CSV of rejected rows per import
    DIR/cache/            caches of libraries (jieba's dictionary cache, ...)

``Workspace.open`` migrates the analytics store forward, and the app database is migrated
when a command first uses it, so every command works on an older workspace without a separate
upgrade step (and commands that never touch users or tasks do not pay for Alembic).

DuckDB lets one process at a time hold the analytics store for writing, or any number of
processes hold it for reading. A workspace opened ``read_only`` (the brief, the console) reads
through read-only connections, so it runs next to the console and other readers; a writer (an
import) waits until the readers have let go (``store.analytics.connect``), and readers wait for
it. ``Workspace.open(root, connect=False)`` opens nothing until a command uses the store, so
commands that only touch the app database (``user add``) never take the store's lock.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecomops.errors import WorkspaceError
from ecomops.settings import CONFIG_NAME, Settings, load_settings, render_template

if TYPE_CHECKING:
    import duckdb
    from sqlalchemy.orm import sessionmaker

ENV_VAR = "ECOMOPS_WORKSPACE"
DEFAULT_DIR = "ecomops-workspace"


def default_dir(environ: dict[str, str] | None = None) -> Path:
    """``ECOMOPS_WORKSPACE``, else ``./ecomops-workspace`` (CLI.md)."""
    env = os.environ if environ is None else environ
    return Path(env.get(ENV_VAR) or DEFAULT_DIR)


@dataclass
class Workspace:
    """An opened workspace. Connections are made on first use and closed by ``close``."""

    root: Path
    settings: Settings
    read_only: bool = False
    """Read the analytics store through a read-only connection (never takes the write lock)."""
    on_wait: Callable[[str], None] | None = field(default=None, repr=False, compare=False)
    """Told once when opening the store waits for another process (the CLI prints it)."""

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def analytics_path(self) -> Path:
        return self.root / "analytics.duckdb"

    @property
    def app_db_path(self) -> Path:
        return self.root / "app.db"

    @property
    def rejects_dir(self) -> Path:
        return self.root / "rejects"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def store_wait(self) -> float:
        """Seconds to wait for another process holding the analytics store (``[database]``)."""
        return self.settings.database.store_wait_seconds

    @property
    def app_url(self) -> str:
        return self.settings.database.app_url or f"sqlite:///{self.app_db_path}"

    @cached_property
    def analytics(self) -> duckdb.DuckDBPyConnection:
        """Connection to the analytics store (schema migrated forward): read-write, or read-only
        in a ``read_only`` workspace. Waits while another process holds a conflicting lock."""
        from ecomops.store import analytics

        return analytics.connect(self.analytics_path, read_only=self.read_only,
                                 wait=self.store_wait, on_wait=self.on_wait)

    @cached_property
    def app_sessions(self) -> sessionmaker[Any]:
        """Session maker of the app database (migrated to the newest revision on first use)."""
        from ecomops.store.appdb import open_app_db

        return open_app_db(self.app_url)

    def read_only_analytics(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection, for queries that must not change the store (the caller
        closes it). A read-write connection of this workspace is closed first: one process
        cannot hold the same file both ways."""
        from ecomops.store import analytics

        if not self.read_only:
            self.close_analytics()
        return analytics.connect(self.analytics_path, read_only=True, wait=self.store_wait,
                                 on_wait=self.on_wait)

    def data_days(self) -> tuple[dt.date, dt.date] | None:
        """The store's first and last day with orders (``store.bounds``), read without the
        write lock; None for a store without orders."""
        from ecomops.store.bounds import data_days

        if "analytics" in self.__dict__:
            return data_days(self.analytics)
        con = self.read_only_analytics()
        try:
            return data_days(con)
        finally:
            con.close()

    def with_analytics(self, con: duckdb.DuckDBPyConnection) -> Workspace:
        """This workspace reading through ``con`` (a cursor the caller owns): lets a server run
        a service that takes a workspace on one of its own connections. Do not ``close`` it."""
        view = copy.copy(self)
        view.__dict__["analytics"] = con
        return view

    def for_writing(self) -> Workspace:
        """This workspace with its own read-write analytics connection, opened when first used
        (an import from a read-only server); close it with ``close_analytics``."""
        view = copy.copy(self)
        view.__dict__.pop("analytics", None)
        view.read_only = False
        return view

    def close_analytics(self) -> None:
        """Close the analytics connection (if open), letting go of the store's lock."""
        con = self.__dict__.pop("analytics", None)
        if con is not None:
            con.close()

    def close(self) -> None:
        self.close_analytics()
        sessions = self.__dict__.pop("app_sessions", None)
        if sessions is not None:
            sessions.kw["bind"].dispose()

    @classmethod
    def open(cls, root: Path | str, *, read_only: bool = False, connect: bool = True,
             on_wait: Callable[[str], None] | None = None) -> Workspace:
        """Open an existing workspace, migrating its databases forward.

        ``connect=False`` opens the analytics store only when it is first used."""
        root = Path(root)
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(
                f"{root} is not an ecomops workspace (no {CONFIG_NAME})",
                hint=f"create it with `ecomops --workspace {root} init`",
            )
        ws = cls(root=root, settings=load_settings(root / CONFIG_NAME), read_only=read_only,
                 on_wait=on_wait)
        if connect:
            ws.analytics  # noqa: B018 - opening migrates the store forward
        return ws

    @classmethod
    def init(cls, root: Path | str, settings: Settings | None = None) -> Workspace:
        """Create a workspace in ``root`` (an existing one is opened, never overwritten)."""
        root = Path(root)
        try:
            root.mkdir(parents=True, exist_ok=True)
            config = root / CONFIG_NAME
            if not config.exists():
                config.write_text(render_template(settings), encoding="utf-8")
            for sub in ("rejects", "cache"):
                (root / sub).mkdir(exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create the workspace {root}: {exc.strerror}") from exc
        ws = cls.open(root)
        ws.app_sessions  # noqa: B018 - creates the app database with every migration
        return ws
