"""What an import did: per file (profile, tables, counts, messages) and in total."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ecomops.ingest.loader import TableResult
from ecomops.ingest.notices import ImportWarning

FileStatus = Literal["imported", "empty", "refused", "unreadable", "skipped"]


@dataclass(frozen=True)
class FileResult:
    """One source file: which profile read it, what each table got, and what went wrong."""

    file: str
    status: FileStatus
    profile: str | None = None
    tables: tuple[TableResult, ...] = ()
    messages: tuple[str, ...] = ()
    seconds: float = 0.0
    warnings: tuple[ImportWarning, ...] = ()
    """what the user must know beyond rejected rows (another currency, another time zone)"""

    @property
    def table(self) -> str | None:
        """The (first) contract table the file went to."""
        return self.tables[0].table if self.tables else None

    def _sum(self, name: str) -> int:
        return sum(int(getattr(t, name)) for t in self.tables)

    @property
    def read(self) -> int:
        return self._sum("read")

    @property
    def inserted(self) -> int:
        return self._sum("inserted")

    @property
    def replaced(self) -> int:
        return self._sum("replaced")

    @property
    def unchanged(self) -> int:
        return self._sum("unchanged")

    @property
    def rejected(self) -> int:
        return self._sum("rejected")

    @property
    def stored(self) -> int:
        """Rows now in the store from this file (inserted, replaced or already there)."""
        return self.inserted + self.replaced + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "status": self.status, "profile": self.profile,
            "table": self.table, "read": self.read, "inserted": self.inserted,
            "replaced": self.replaced, "unchanged": self.unchanged, "rejected": self.rejected,
            "seconds": round(self.seconds, 3), "messages": list(self.messages),
            "tables": [t.to_dict() for t in self.tables],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class ImportReport:
    """The result of ``import_folder`` / ``import_files``."""

    import_id: int | None
    source: str
    files: tuple[FileResult, ...] = ()
    rejects_path: Path | None = None
    seconds: float = 0.0
    messages: tuple[str, ...] = field(default=())

    @property
    def warnings(self) -> tuple[ImportWarning, ...]:
        return tuple(w for f in self.files for w in f.warnings)

    @property
    def total_rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def ok(self) -> bool:
        """Something was imported (rows inserted, replaced, or found already there)."""
        return any(f.stored > 0 for f in self.files)

    def table_totals(self) -> dict[str, dict[str, int]]:
        """Counts summed per contract table."""
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            for t in f.tables:
                row = out.setdefault(t.table, dict.fromkeys(
                    ("read", "inserted", "replaced", "unchanged", "rejected"), 0))
                for k in row:
                    row[k] += int(getattr(t, k))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id, "source": self.source, "ok": self.ok,
            "total_rejected": self.total_rejected,
            "rejects_path": str(self.rejects_path) if self.rejects_path else None,
            "seconds": round(self.seconds, 3), "messages": list(self.messages),
            "tables": self.table_totals(), "files": [f.to_dict() for f in self.files],
            "warnings": [w.to_dict() for w in self.warnings],
        }
