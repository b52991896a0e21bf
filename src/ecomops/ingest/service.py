"""Importing files into a workspace: the I/O shell around readers, profiles and the loader.

``import_folder`` / ``import_files`` pick a profile for every file, load each file in its own
transaction, write one rejects file per import (``<workspace>/rejects/<import-id>.csv``), record
the run in the app database (``ImportRun``) and return an ``ImportReport``. A file that cannot
be imported is reported and the others go on (a bad file never stops the folder).
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb

from ecomops.errors import EcomopsError, IngestError, InputError
from ecomops.ingest.excel import ExcelLimits, excel_limits
from ecomops.ingest.headers import map_headers
from ecomops.ingest.history import finish_run, mark_interrupted, reclaim_space, start_run
from ecomops.ingest.loader import TableResult, load_relation, load_table, zone_offsets
from ecomops.ingest.notices import file_warnings
from ecomops.ingest.profile import (
    MATCH_THRESHOLD,
    TEMPLATE,
    SourceProfile,
    TemplateProfile,
    closest_table,
    missing_headers,
    profiles,
    template_select,
)
from ecomops.ingest.progress import Progress
from ecomops.ingest.reader import (
    EmptyFileError,
    SourceReadError,
    file_kind,
    open_source,
    read_headers,
)
from ecomops.ingest.rejects import RejectSink
from ecomops.ingest.report import FileResult, FileStatus, ImportReport
from ecomops.store.schema import TABLES
from ecomops.workspace import Workspace

log = logging.getLogger(__name__)

def import_folder(
    ws: Workspace,
    folder: Path,
    *,
    progress: bool = False,
    user: str | None = None,
    profile: str | None = None,
) -> ImportReport:
    """Import every recognised file of ``folder`` (or the single file ``folder``) into ``ws``.

    ``profile`` names the profile to read every file with (``template``, ``shopify`` ...) instead
    of recognising each file by its name and headers.
    """
    folder = Path(folder)
    if folder.is_file():
        paths = [folder]
    elif folder.is_dir():
        paths = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    else:
        raise IngestError(f"{folder} does not exist")
    return import_files(ws, paths, progress=progress, user=user, source=str(folder), profile=profile)


def import_files(
    ws: Workspace,
    paths: list[Path],
    *,
    progress: bool = False,
    user: str | None = None,
    source: str | None = None,
    profile: str | None = None,
) -> ImportReport:
    """Import ``paths`` into ``ws`` (the console's upload calls this with the uploaded files)."""
    imports = ws.settings.imports
    limits = ExcelLimits(max_cells=imports.max_excel_cells,
                         max_unpacked_bytes=imports.max_excel_unpacked_mb * 1_000_000)
    with excel_limits(limits):
        return _import_files(ws, paths, progress=progress, user=user, source=source, profile=profile)


def _import_files(
    ws: Workspace,
    paths: list[Path],
    *,
    progress: bool,
    user: str | None,
    source: str | None,
    profile: str | None,
) -> ImportReport:
    forced = _named_profile(profile) if profile else None
    started = time.perf_counter()
    source = source or ", ".join(p.name for p in paths)
    mark_interrupted(ws.app_sessions)
    reclaim_space(ws.analytics)
    run_id = start_run(ws.app_sessions, source, user)
    try:
        report = _run(ws, run_id, paths, forced, source, started, progress)
    except BaseException:
        finish_run(ws.app_sessions, run_id, None, failed=True)
        raise
    finish_run(ws.app_sessions, run_id, report, [w.to_dict() for w in report.warnings])
    return report


def _run(
    ws: Workspace, run_id: int, paths: list[Path], forced: SourceProfile | None, source: str,
    started: float, progress: bool,
) -> ImportReport:
    rejects = RejectSink(ws.rejects_dir / f"{run_id}.csv")
    con = ws.analytics
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    results: list[FileResult] = []
    claims: dict[str, list[Path]] = {}
    chosen: dict[str, SourceProfile] = {}
    with rejects:
        for path in paths:
            picked = _pick_profile(path, forced)
            if isinstance(picked, FileResult):
                results.append(picked)
                continue
            chosen[picked.name] = picked
            claims.setdefault(picked.name, []).append(path)
        bars = Progress(con) if progress else None
        with bars or nullcontext():
            for name, claimed in claims.items():
                profile = chosen[name]
                if isinstance(profile, TemplateProfile):
                    for path in claimed:
                        results.append(_import_template(ws, con, path, rejects, bars))
                else:
                    results.extend(_import_profile(ws, con, profile, claimed, rejects, bars))
    order = {p.name: i for i, p in enumerate(paths)}
    results.sort(key=lambda r: order.get(r.file, len(order)))
    store = ws.settings.store
    offsets = sorted(zone_offsets(store.timezone))
    results = [
        replace(r, warnings=file_warnings(r.file, r.tables, store.currency, store.timezone, offsets))
        for r in results
    ]
    return ImportReport(
        import_id=run_id, source=source, files=tuple(results), rejects_path=rejects.written,
        seconds=time.perf_counter() - started,
    )


def _named_profile(name: str) -> SourceProfile:
    by_name = {p.name: p for p in profiles()}
    if name not in by_name:
        raise InputError(
            f"there is no import profile called {name!r}",
            hint="profiles: " + ", ".join(sorted(by_name)),
        )
    return by_name[name]


def _pick_profile(path: Path, forced: SourceProfile | None = None) -> SourceProfile | FileResult:
    """The best-matching profile of ``path`` (or ``forced``), or the FileResult saying why not."""
    if file_kind(path) is None:
        return FileResult(path.name, "skipped", messages=(
            f"{path.name} was skipped: only .csv, .tsv, .txt (also gzipped: .csv.gz), .xlsx and "
            ".parquet files are imported",))
    if forced is not None:
        return forced
    try:
        headers = read_headers(path)
    except EcomopsError as exc:
        return FileResult(path.name, _failed(exc), messages=(str(exc),))
    except Exception as exc:  # a damaged file must not stop the folder
        log.debug("reading headers of %s", path, exc_info=True)
        return FileResult(path.name, "unreadable", messages=(f"{path.name} cannot be read: {exc}",))
    best: tuple[float, SourceProfile] | None = None
    for profile in profiles():
        try:
            score = float(profile.match(path, headers))
        except Exception:
            log.warning("profile %s failed to match %s", profile.name, path, exc_info=True)
            continue
        # Ties go to the more specific (platform) profile over the generic template.
        if best is None or score > best[0] or (score == best[0] and best[1] is TEMPLATE):
            best = (score, profile)
    if best is not None and best[0] > MATCH_THRESHOLD:
        return best[1]
    return FileResult(path.name, "refused", messages=(_unrecognised(path, headers),))


def _unrecognised(path: Path, headers: list[str]) -> str:
    table, lacking = closest_table(headers)
    text = (
        f"{path.name} was not recognised: name it after a table (e.g. {table.name}.csv or "
        f"{table.zh}.csv)"
    )
    if lacking:
        text += f"; as {table.name} it lacks {', '.join(lacking)}"
    others = [(p, missing_headers(p, headers)) for p in profiles() if p is not TEMPLATE]
    others = [(p, m) for p, m in others if getattr(p, "required_headers", None)]
    if others:
        p, m = min(others, key=lambda pm: len(pm[1]))
        if len(m) < len(getattr(p, "required_headers", ())):
            text += f"; the closest platform format is {p.name}, which needs {', '.join(m)}"
    return text


def _import_template(
    ws: Workspace, con: duckdb.DuckDBPyConnection, path: Path, rejects: RejectSink,
    bars: Progress | None,
) -> FileResult:
    started = time.perf_counter()
    try:
        return _load_template(ws, con, path, rejects, bars, started, repair=False)
    except SourceReadError as exc:
        if file_kind(path) != "csv":
            return FileResult(path.name, "unreadable", TEMPLATE.name, messages=(str(exc),),
                              seconds=time.perf_counter() - started)
        # DuckDB stopped on the file (a 200 MB field, a quote never closed): isolate those rows
        # and import the rest.
        log.info("%s: %s; reading again with the bad rows isolated", path.name, exc)
    try:
        return _load_template(ws, con, path, rejects, bars, started, repair=True)
    except EcomopsError as exc:
        return FileResult(path.name, _failed(exc), TEMPLATE.name, messages=(str(exc),),
                          seconds=time.perf_counter() - started)


def _load_template(
    ws: Workspace, con: duckdb.DuckDBPyConnection, path: Path, rejects: RejectSink,
    bars: Progress | None, started: float, *, repair: bool,
) -> FileResult:
    """One template file; raises ``SourceReadError`` when DuckDB's reader stops on it."""
    name = path.name
    try:
        with open_source(con, path, ws.cache_dir / "import-tmp", repair=repair) as src:
            table, _ = TEMPLATE.table_for(path, src.headers)
            if table is None:
                msg = _unrecognised(path, src.headers)
                return FileResult(name, "refused", TEMPLATE.name, messages=(msg,))
            hm = map_headers(table, src.headers)
            if not hm.ok:
                return FileResult(name, "refused", TEMPLATE.name, messages=(_missing_message(path, hm),))
            with bars.track(name, path) if bars else nullcontext():
                result = load_relation(
                    con, table, template_select(hm, src.from_sql, ws.settings.store.currency),
                    source_file=name,
                    settings=ws.settings, rejects=rejects, reader_rejects_sql=src.reader_rejects_sql,
                )
    except SourceReadError:
        raise
    except EcomopsError as exc:
        return FileResult(name, _failed(exc), TEMPLATE.name, messages=(str(exc),),
                          seconds=time.perf_counter() - started)
    messages = list(result.messages)
    if hm.extras:
        messages.insert(0, f"kept {len(hm.extras)} other column(s) in extras: {', '.join(hm.extras)}")
    status: FileStatus = "imported" if result.read else "empty"
    if not result.read:
        messages.append(f"{name} has a header but no data rows")
    return FileResult(name, status, TEMPLATE.name, (result,), tuple(messages),
                      time.perf_counter() - started)


def _failed(exc: EcomopsError) -> FileStatus:
    return "empty" if isinstance(exc, EmptyFileError) else "unreadable"


def _missing_message(path: Path, hm: Any) -> str:
    parts = []
    for column in hm.missing:
        zh = hm.table.column(column).zh
        text = f"{column}" + (f" ({'/'.join(zh)})" if zh else "")
        near = hm.closest(column)
        if near:
            text += f", closest header found: {near!r}"
        parts.append(text)
    return (
        f"{path.name} was not imported: it lacks the required column "
        f"{'; '.join(parts)} of {hm.table.name}"
    )


def _import_profile(
    ws: Workspace, con: duckdb.DuckDBPyConnection, profile: SourceProfile, paths: list[Path],
    rejects: RejectSink, bars: Progress | None,
) -> list[FileResult]:
    started = time.perf_counter()
    names = [p.name for p in paths]
    per_file: dict[str, list[TableResult]] = {}
    errors: dict[str, list[str]] = {}
    try:
        for table_name, data in profile.convert(list(paths), ws.settings):
            meta = data.schema.metadata or {}
            label = meta.get(b"source_file", b"").decode() or ", ".join(names)
            if meta.get(b"note"):  # a profile's sentence for the report (e.g. rows not needed)
                errors.setdefault(label, []).append(meta[b"note"].decode())
            try:
                with bars.track(label) if bars else nullcontext():
                    res = load_table(con, TABLES[table_name], data, source_file=label,
                                     settings=ws.settings, rejects=rejects)
                per_file.setdefault(label, []).append(res)
            except EcomopsError as exc:
                errors.setdefault(label, []).append(str(exc))
    except EcomopsError as exc:
        errors.setdefault(", ".join(names), []).append(str(exc))
    except Exception as exc:
        log.warning("profile %s failed on %s", profile.name, names, exc_info=True)
        errors.setdefault(", ".join(names), []).append(
            f"{', '.join(names)} could not be converted by {profile.name}: {exc}")
    seconds = time.perf_counter() - started
    out = []
    for label in dict.fromkeys([*per_file, *errors]):
        tables = tuple(per_file.get(label, ()))
        msgs = tuple(m for t in tables for m in t.messages) + tuple(errors.get(label, ()))
        status: FileStatus = "imported" if tables else "refused"
        out.append(FileResult(label, status, profile.name, tables, msgs, seconds))
    claimed = set(per_file) | set(errors)
    for n in names:
        if n not in claimed and not any(n in lbl for lbl in claimed):
            out.append(FileResult(n, "empty", profile.name, messages=(
                f"{n}: the {profile.name} profile found nothing to import",)))
    return out
