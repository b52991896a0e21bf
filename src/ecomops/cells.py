"""Export-safe spreadsheet cells: the one guard against CSV / formula injection.

Spreadsheet programs (Excel, LibreOffice Calc, Numbers, Google Sheets) read a cell whose text
starts with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage return, line feed or NUL before one)
as a formula, even in a CSV file. A product title or a supplier name imported from a
marketplace export can carry ``=HYPERLINK(...)``; written as is into a CSV or xlsx, it runs on
the operator's machine. OWASP's rule: prefix such *text* cells with a single quote, which the
spreadsheet shows as plain text; numbers stay numbers (``-5`` the number is data, ``"-5"`` the
text is escaped).

Every CSV and xlsx writer calls ``safe_cell`` on each value it writes::

    from ecomops.cells import safe_cell
    writer.writerow([safe_cell(v) for v in row])

With xlsxwriter, also open the workbook with ``{"strings_to_formulas": False}`` so that no text
is ever turned into a formula.
"""

from __future__ import annotations

from typing import TypeVar

FORMULA_STARTS: tuple[str, ...] = (
    "=", "+", "-", "@", "\t", "\r", "\n", "\0",
    "\uff1d", "\uff0b", "\uff0d", "\uff20",  # full-width ＝ ＋ － ＠ (East Asian input methods)
)
"""First characters that make a spreadsheet treat a text cell as a formula."""

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """``value`` unchanged, unless it is text starting like a formula: then ``"'" + value``.

    Only ``str`` is touched: numbers, dates, booleans and ``None`` come back as they are.
    Idempotent (an escaped cell starts with ``'``, which is not a formula start).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
