"""Spreadsheet cells that cannot run as formulas (CSV / formula injection).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, WPS and LibreOffice as a formula; ``safe_cell`` prefixes such text with a single quote
(OWASP's advice), which spreadsheets show as plain text. Other values pass unchanged.
"""

from __future__ import annotations

from typing import TypeVar

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """``value``, or ``"'" + value`` for text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
