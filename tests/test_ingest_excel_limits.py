"""Excel imports within limits: a zip bomb is refused before anything unpacks it into memory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ecomops.ingest import excel
from ecomops.ingest.service import import_folder
from ecomops.settings import load_settings
from ecomops.workspace import Workspace

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
    'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def write_bomb(path: Path, rows: int, cols: int) -> Path:
    """A valid workbook of ``rows`` x ``cols`` cells holding 1 (compresses ~1000:1)."""
    def row(r: int) -> str:
        return f'<row r="{r}">' + "<c><v>1</v></c>" * cols + "</row>"

    header = '<row r="1">' + "".join(f'<c t="inlineStr"><is><t>c{i}</t></is></c>' for i in range(cols))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                     b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            fh.write((header + "</row>").encode())
            for r in range(2, rows + 2):
                fh.write(row(r).encode())
            fh.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture
def no_calamine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a workbook with calamine (which reads a whole sheet into memory) fails the test."""
    import python_calamine

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("calamine was asked to read a workbook over the limits")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


def _limited(ws: Workspace, **values: int) -> Workspace:
    imports = ws.settings.imports.model_copy(update=values)
    return Workspace(root=ws.root, settings=ws.settings.model_copy(update={"imports": imports}))


def test_workbook_with_too_many_cells_is_refused_before_reading(
    workspace: Workspace, tmp_path: Path, no_calamine: None
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bomb = write_bomb(folder / "orders.xlsx", rows=20_000, cols=10)  # 200k cells
    assert bomb.stat().st_size < 100_000
    report = import_folder(_limited(workspace, max_excel_cells=100_000), folder)
    (f,) = report.files
    assert f.status == "unreadable"
    assert f.messages == (
        "orders.xlsx was not imported: it holds more than 100,000 cells, the most a workbook may "
        "have (save it as CSV, or raise [imports] max_excel_cells / max_excel_unpacked_mb in "
        "ecomops.toml)",)
    assert not report.ok


def test_workbook_unpacking_past_the_limit_is_refused_by_its_declared_sizes(
    workspace: Workspace, tmp_path: Path, no_calamine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_bomb(folder / "orders.xlsx", rows=20_000, cols=10)  # ~3 MB of XML
    # The declared sizes alone decide: the sheet's XML is never streamed.
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("unpacked"))
    report = import_folder(_limited(workspace, max_excel_unpacked_mb=1), folder)
    (f,) = report.files
    assert f.status == "unreadable"
    assert f.messages[0].startswith("orders.xlsx was not imported: it unpacks to 3 MB, more than the "
                                    "1 MB a workbook may hold")


def test_workbook_within_the_limits_imports_in_row_batches(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlsxwriter

    monkeypatch.setattr(excel, "BATCH_ROWS", 2)
    folder = tmp_path / "in"
    folder.mkdir()
    book = xlsxwriter.Workbook(str(folder / "products.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["sku", "title", "category", "price"])
    for i in range(5):
        sheet.write_row(i + 1, 0, [f"S{i}", f"t{i}", "c", 10 + i])
    sheet.write_row(7, 0, ["S9", "after an empty row", "c", 1.5])
    book.close()
    cells = excel.check_workbook(folder / "products.xlsx", excel.ExcelLimits(max_cells=28))
    assert cells == 28
    report = import_folder(_limited(workspace, max_excel_cells=28), folder)
    assert report.files[0].inserted == 6, report.to_dict()
    assert workspace.analytics.execute("SELECT sku, price FROM products ORDER BY sku").fetchall() == [
        ("S0", 10.0), ("S1", 11.0), ("S2", 12.0), ("S3", 13.0), ("S4", 14.0), ("S9", 1.5)]


def test_cli_refuses_a_bomb_in_one_line_with_bounded_memory(workspace: Workspace, tmp_path: Path) -> None:
    """The memory check goes through the limit: a 0.9 MB bomb of 3M cells is refused under a
    1M-cell limit at the peak memory of an empty import (measured 160 MB; reading it took the
    process to 410 MB, and the tester's 31M cells to 4.4 GB)."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_bomb(folder / "orders.xlsx", rows=300_000, cols=10)
    config = workspace.config_path
    config.write_text(config.read_text(encoding="utf-8").replace(
        "max_excel_cells = 5000000", "max_excel_cells = 1000000"), encoding="utf-8")
    assert load_settings(config).imports.max_excel_cells == 1_000_000
    workspace.close()
    # VmHWM, the peak of this process's own memory (ru_maxrss would carry pytest's over exec).
    script = (
        "import sys\n"
        "from ecomops.cli.main import run\n"
        "sys.argv = ['ecomops', '--workspace', sys.argv[1], 'import', '--quiet', sys.argv[2]]\n"
        "try:\n    run()\n"
        "finally:\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "    print('maxrss_kb', hwm, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(workspace.root), str(folder)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode != 0
    err = [line for line in proc.stderr.splitlines() if line.strip()]
    assert any("orders.xlsx was not imported: it holds more than 1,000,000 cells" in line for line in err)
    assert "Traceback" not in proc.stderr
    rss_mb = int(next(line for line in err if line.startswith("maxrss_kb")).split()[1]) / 1024
    assert rss_mb < 250, f"peak memory {rss_mb:.0f} MB"


def test_cells_are_counted_exactly_across_read_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_bomb(tmp_path / "b.xlsx", rows=997, cols=7)
    for chunk in (7, 13, 64, 1 << 20):  # tags cut at every possible place
        monkeypatch.setattr(excel, "CHUNK", chunk)
        excel._CHECKED.clear()
        assert excel.check_workbook(path, excel.ExcelLimits(max_cells=10**9)) == 998 * 7
