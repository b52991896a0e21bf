"""The metric layer's I/O: compiled SQL kept on disk between runs of the command line.

Compiling the dozen query shapes of a brief through Ibis costs ~1-2 s per process (``compiled``
keeps them in memory only). ``sql_cache(con, path)`` loads the SQL compiled by an earlier run
and writes back what was added. The file is used only when it was written by the same Ibis and
sqlglot versions, the same metric code and the same table columns; otherwise it is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from importlib import metadata
from pathlib import Path
from typing import Any

from ecomops.metrics import compiled

log = logging.getLogger(__name__)

_CODE = ("compiled.py", "defs.py", "facts.py", "scope.py")


def fingerprint(con: Any) -> str:
    """What the compiled SQL depends on: library versions, metric code, the tables' columns."""
    h = hashlib.sha256()
    for dist in ("ibis-framework", "sqlglot", "duckdb"):
        with suppress(metadata.PackageNotFoundError):
            h.update(f"{dist}={metadata.version(dist)};".encode())
    here = Path(__file__).parent
    for name in _CODE:
        h.update((here / name).read_bytes())
    h.update(compiled.namespace(con).encode())  # the engine and its tables' columns
    return h.hexdigest()


@contextmanager
def sql_cache(con: Any, path: Path) -> Iterator[None]:
    """Within the block, metric queries on ``con`` reuse (and add to) the SQL kept in ``path``."""
    if con.name != "duckdb":  # other engines run Ibis expressions, nothing is compiled ahead
        yield
        return
    key, space = fingerprint(con), compiled.namespace(con)
    before: dict[str, str] = {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("fingerprint") == key:
            compiled.restore(space, data.get("sql", {}))
            before = compiled.entries(space)
    except (OSError, ValueError):
        pass  # no cache yet, or an unreadable one: it is rebuilt below
    yield
    now = compiled.entries(space)
    if now == before:
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"fingerprint": key, "sql": now}), encoding="utf-8")
        tmp.replace(path)  # atomic: a concurrent reader sees the old file or the new one
    except OSError as exc:
        log.warning("cannot write the metric SQL cache %s: %s", path, exc)
        with suppress(OSError):
            tmp.unlink()
