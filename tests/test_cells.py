"""``safe_cell``: text that a spreadsheet would run as a formula is escaped; everything else is not."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomops.cells import FORMULA_STARTS, safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1", "\n=1", "＝1+1", "=cmd|' /C calc'!A0"])
def test_safe_cell_prefixes_text_starting_like_a_formula(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3, decimal.Decimal("-1.5"), True, None,
                                   dt.date(2026, 12, 3), "SKU-001", "红色 T恤", "", "'=already"])
def test_safe_cell_leaves_numbers_dates_and_plain_text_alone(value: object) -> None:
    assert safe_cell(value) is value


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.text())
def test_safe_cell_never_leaves_a_formula_start_and_is_idempotent(text: str) -> None:
    once = safe_cell(text)
    assert not str(once).startswith(FORMULA_STARTS)
    assert safe_cell(once) == once
    assert str(once).removeprefix("'") == text or once == text
