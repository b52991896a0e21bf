"""Data: upload files into the import pipeline, the import history, rejected rows to download."""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select

from ecomops.errors import EcomopsError, InputError, NoDataError
from ecomops.i18n import N_
from ecomops.store.appdb import ImportRun
from ecomops.web.deps import Operator, RowId, Viewer, checked_form, console

router = APIRouter(include_in_schema=False)
HISTORY = 50
CHUNK = 1 << 20


class TooLarge(EcomopsError):
    code = "too_large"


def upload_limit(request: Request) -> int:
    return int(request.app.state.max_upload)


def history(request: Request, limit: int = HISTORY) -> list[ImportRun]:
    from ecomops.ingest.history import mark_interrupted

    sessions = console(request).ws.app_sessions
    mark_interrupted(sessions)  # runs of a killed process show as failed, not as importing
    with sessions() as session:
        return list(session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)))


def safe_name(filename: str | None) -> str:
    """The uploaded file's own name, without any folder part; refused when nothing usable is left."""
    name = Path(str(filename or "").replace("\\", "/")).name.strip()
    if not name or name.startswith(".") or len(name) > 200:
        raise InputError.localized(N_("an uploaded file needs a plain file name"))
    return name


@router.get("/data")
def data_page(request: Request, pu: Viewer, run: int | None = None) -> Response:
    from ecomops.web.pages import render

    runs = history(request)
    shown = next((r for r in runs if r.id == run), None)
    return render(request, "data.html", pu, runs=runs, shown=shown,
                  max_mb=console(request).ws.settings.imports.max_upload_mb)


@router.post("/data/upload")
async def upload(request: Request, pu: Operator) -> Response:
    limit = upload_limit(request)
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise InputError.localized(N_("the upload has no Content-Length"))
    if int(length) > limit + 64 * 1024:
        raise TooLarge.localized(N_("the upload is larger than the limit of %(mb)s MB"),
                                 mb=limit // (1024 * 1024),
                                 hint=N_("raise [imports] max_upload_mb in ecomops.toml"))
    form = await checked_form(request, pu)
    c = console(request)
    folder = c.ws.root / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    paths: list[Path] = []
    try:
        for item in form.getlist("files"):
            if not hasattr(item, "read"):
                continue
            path = folder / safe_name(item.filename)
            size = 0
            with path.open("wb") as out:
                while chunk := await item.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge.localized(N_("%(file)s is larger than %(mb)s MB"), file=path.name,
                                                 mb=limit // (1024 * 1024))
                    out.write(chunk)
            paths.append(path)
        if not paths:
            raise InputError.localized(N_("choose at least one file to upload"))
        from starlette.concurrency import run_in_threadpool

        report = await run_in_threadpool(
            c.gate.import_files, paths, user=pu.user.name,
            source="upload: " + ", ".join(p.name for p in paths))
    finally:
        await form.close()
        shutil.rmtree(folder, ignore_errors=True)
    return RedirectResponse(f"/data?run={report.import_id}", status_code=303)


@router.get("/data/rejects/{run_id}")
def rejects(request: Request, _pu: Viewer, run_id: RowId) -> Response:
    """The rejects file of an import, served only from the workspace's rejects folder."""
    c = console(request)
    with c.ws.app_sessions() as session:
        run: Any = session.get(ImportRun, run_id)
    root = c.ws.rejects_dir.resolve()
    path = Path(run.rejects_path).resolve() if run is not None and run.rejects_path else None
    if path is None or not path.is_relative_to(root) or not path.is_file():
        raise NoDataError.localized(N_("import #%(run)s has no rejected rows to download"), run=run_id)
    return StreamingResponse(
        safe_csv(path), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rejects-{run_id}.csv"'},
    )


def safe_csv(path: Path, batch: int = 2000) -> Iterator[bytes]:
    """The rejects file ``path`` as UTF-8 CSV (with BOM) whose cells cannot run as formulas.

    The rejected values are the uploader's text, so a cell like ``=HYPERLINK(...)`` would run in
    the spreadsheet of whoever downloads it: every cell goes through ``safe_cell``. Streamed in
    batches of rows, so a large rejects file is never held in memory. Quoted as the file is
    (text quoted, the row number not).
    """
    from ecomops.cells import safe_cell

    with path.open(encoding="utf-8-sig", newline="") as fh:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        yield codecs.BOM_UTF8
        rows = csv.reader(fh)
        header = next(rows, None)
        if header is None:
            return
        writer.writerow(header)
        at = header.index("row") if "row" in header else -1
        for i, row in enumerate(rows, 1):
            writer.writerow([int(c) if j == at and c.isdigit() else safe_cell(c)
                             for j, c in enumerate(row)])
            if i % batch == 0:
                yield buf.getvalue().encode("utf-8")
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue().encode("utf-8")
