"""The exception tree. Every error a user can meet is an ``EcomopsError``.

Front ends translate them: the CLI prints ``message`` (and ``hint``) on one line and exits
non-zero; the web layer answers with a status code and the same text.
"""

from __future__ import annotations

from typing import Self


class EcomopsError(Exception):
    """Root of all user-facing errors: a code, a readable message and an optional hint."""

    code = "error"
    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.template: str | None = None
        self.params: dict[str, object] = {}

    @classmethod
    def localized(cls, template: str, *, hint: str | None = None, **params: object) -> Self:
        """An error whose message a front end can show in its reader's language: ``template`` is
        the English gettext message id with ``%(name)s`` placeholders (``message`` is it filled in,
        in English). ``InputError.localized(N_("%(value)s is not a date"), value="x")``."""
        err = cls(template % params if params else template, hint=hint)
        err.template, err.params = template, dict(params)
        return err

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class ConfigError(EcomopsError):
    """ecomops.toml or an ECOMOPS_ variable is wrong."""

    code = "config"


class WorkspaceError(EcomopsError):
    """The workspace is missing, unreadable or of an unknown version."""

    code = "workspace"


class InputError(EcomopsError):
    """A file or argument given by the user cannot be used."""

    code = "input"
    exit_code = 2


class IngestError(InputError):
    """An import file cannot be imported at all (wrong format, missing required column...)."""

    code = "ingest"


class QueryRefused(InputError):
    """A SQL statement was refused (it would change data, or it is not one statement)."""

    code = "query_refused"


class NoDataError(EcomopsError):
    """The store has no data for what was asked."""

    code = "no_data"


class DateOutOfRange(InputError):
    """A day before the store's first day of data or after its last (``store.bounds``)."""

    code = "date_out_of_range"

    def __init__(self, day: object, first: object, last: object) -> None:
        super().__init__(
            f"{day} is outside the store's data: it has orders from {first} to {last}",
            hint="pick a day in that range",
        )
        self.day, self.first, self.last = day, first, last


class StoreBusy(WorkspaceError):
    """Another process holds the analytics store longer than a command or page waits for it."""

    code = "store_busy"

    def __init__(self, message: str, *, who: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.who = who


class QueryTimeout(EcomopsError):
    """A query ran longer than it was allowed to (``ecomops sql --timeout``)."""

    code = "query_timeout"
