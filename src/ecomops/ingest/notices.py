"""What a user must know about an import that is not a rejected row: warnings, in both languages.

A warning is a code, the file and its values; its sentence comes from the ``ingest`` gettext
catalog (``locale/<lang>/LC_MESSAGES/ingest.po``), and is stored in both languages (``texts``)
in the import history, so that the console shows it in each reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecomops.i18n import N_, SUPPORTED, translations

if TYPE_CHECKING:
    from ecomops.ingest.loader import TableResult

DOMAIN = "ingest"
MESSAGES: dict[str, str] = {
    "currency": N_(
        "{file}: {rows} row(s) ({tables}) are in {currency}, not in the store currency {store}; they were "
        "rejected so that the store's totals never add {currency} to {store}. To import them, "
        "use a workspace whose [store] currency is {currency} (ecomops.toml)."
    ),
    "timezone": N_(
        "{file}: the times in {column} carry the UTC offset {offsets}, while the store's time zone "
        "{timezone} is UTC{store_offset}; they were converted to {timezone}, so days are counted "
        "from midnight in {timezone}. If the shop works in another zone, set [store] timezone in "
        "ecomops.toml before importing."
    ),
}


@dataclass(frozen=True)
class ImportWarning:
    """One warning of an import."""

    code: str
    file: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None) -> str:
        message = translations(lang, DOMAIN).gettext(MESSAGES[self.code])
        return message.format(file=self.file, **self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "file": self.file, "params": dict(self.params),
                "texts": {lang: self.text(lang) for lang in SUPPORTED}}


def file_warnings(file: str, tables: Sequence[TableResult], store: str, timezone: str,
                  zone_offsets: Sequence[str]) -> tuple[ImportWarning, ...]:
    """The warnings of one file from what loading its tables found."""
    out: list[ImportWarning] = []
    by_currency: dict[str, tuple[int, list[str]]] = {}
    for t in tables:
        for code, rows in t.currencies:
            n, names = by_currency.get(code, (0, []))
            by_currency[code] = (n + rows, [*names, t.table])
    for code, (rows, names) in by_currency.items():
        out.append(ImportWarning("currency", file, {
            "rows": rows, "tables": ", ".join(names), "currency": code, "store": store}))
    timed = next((t for t in tables if t.offsets), None)
    if timed is not None:
        out.append(ImportWarning("timezone", file, {
            "column": timed.offset_column, "offsets": ", ".join(timed.offsets),
            "timezone": timezone, "store_offset": "/".join(sorted(zone_offsets))}))
    return tuple(out)
