"""Which currency a file's amounts are in, from what the file says (pure functions).

Evidence, strongest first: a currency column (Shopify's and Amazon's ``Currency``, a template
file's ``currency`` / ``币种``), then a currency in a money column's header (``Spend (₹)``,
``Total (USD)``, ``实付金额（元）``). Symbols shared by several currencies (``$``, ``¥``) name all
of them, and the store's currency matches when it is one of them. The loader rejects rows whose
currency is not the store's: amounts of two currencies are never added up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

CURRENCY_HEADERS = ("currency", "currencycode", "币种", "货币", "币别", "结算币种")
"""Normalized headers of a per-row currency column."""

SYMBOLS: dict[str, tuple[str, ...]] = {
    "$": ("USD", "CAD", "AUD", "NZD", "HKD", "SGD", "TWD", "MXN"),
    "us$": ("USD",), "c$": ("CAD",), "a$": ("AUD",), "hk$": ("HKD",), "s$": ("SGD",),
    "¥": ("CNY", "JPY"), "￥": ("CNY", "JPY"), "元": ("CNY",), "rmb": ("CNY",), "人民币": ("CNY",),
    "€": ("EUR",), "£": ("GBP",), "₹": ("INR",), "rs": ("INR",), "rs.": ("INR",), "₩": ("KRW",),
    "円": ("JPY",), "美元": ("USD",), "港币": ("HKD",), "欧元": ("EUR",), "英镑": ("GBP",),
}
_BRACKET = re.compile(r"[(\[{（【]\s*([^)\]}）】]{1,12}?)\s*[)\]}）】]\s*$")
_CODE = re.compile(r"^[A-Za-z]{3}$")


def is_currency_header(header: str) -> bool:
    text = unicodedata.normalize("NFKC", header).strip().lower()
    return re.sub(r"[\s_\-]+", "", text) in CURRENCY_HEADERS


def header_currencies(header: str) -> tuple[str, ...]:
    """The currencies a header's bracketed unit names (``Spend (₹)`` → INR), else ``()``."""
    m = _BRACKET.search(header.strip())
    if not m:
        return ()
    unit = m.group(1).strip()
    if _CODE.match(unit):
        return (unit.upper(),)
    return SYMBOLS.get(unit.lower(), ())


def file_currency(money_headers: Sequence[str], store: str) -> str | None:
    """The currency the money headers name when it is not ``store``'s, else ``None``."""
    for h in money_headers:
        codes = header_currencies(h)
        if codes and store.upper() not in codes:
            return codes[0]
    return None
