"""One typed ``Settings`` object, read from the workspace's ``ecomops.toml``.

``ECOMOPS_`` environment variables override single values (``ECOMOPS_STORE__CURRENCY=USD``,
``ECOMOPS_DATABASE__APP_URL=postgresql+psycopg://...``). The commented template written by
``ecomops init`` documents every setting; a test checks that it does.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ecomops.errors import ConfigError

CONFIG_NAME = "ecomops.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreSettings(_Section):
    name: str = "My Store"
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    language: Literal["zh_CN", "en"] = "zh_CN"
    channels: tuple[str, ...] = ("tmall", "jd", "douyin", "shopify")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class ThresholdSettings(_Section):
    min_impact: float = Field(300.0, ge=0)
    min_volume: int = Field(30, ge=0)
    band_z: float = Field(3.0, gt=0)
    history_days: int = Field(56, ge=14)
    service_level: float = Field(0.95, gt=0.5, lt=1.0)
    target_cover_days: int = Field(30, ge=1)
    slow_mover_days: int = Field(30, ge=1)
    overstock_days: int = Field(90, ge=1)


class DatabaseSettings(_Section):
    app_url: str = ""
    store_wait_seconds: float = Field(120.0, ge=0)


class ImportSettings(_Section):
    max_upload_mb: int = Field(200, ge=1)
    max_excel_cells: int = Field(5_000_000, ge=1)
    max_excel_unpacked_mb: int = Field(500, ge=1)


class WebSettings(_Section):
    trusted_proxies: tuple[str, ...] = ()
    token_days: int = Field(90, ge=1, le=3650)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        # ECOMOPS_WEB__TRUSTED_PROXIES="10.0.0.1,10.0.0.2" comes as one string
        return [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"{item!r} is not an IP address or network (like 10.0.0.0/8)") from exc
        return value


class Settings(_Section):
    store: StoreSettings = StoreSettings()
    thresholds: ThresholdSettings = ThresholdSettings()
    database: DatabaseSettings = DatabaseSettings()
    imports: ImportSettings = ImportSettings()
    web: WebSettings = WebSettings()


TEMPLATE = """\
# ecomops workspace settings. Every value has a default; delete a line to use it.
# Environment variables override single values: ECOMOPS_STORE__CURRENCY=USD.

[store]
# The shop's name, shown on reports and in the console.
name = "{name}"
# ISO 4217 code of the store currency; every money column is in this currency.
currency = "{currency}"
# IANA time zone of timestamps without an offset, and of "yesterday".
timezone = "{timezone}"
# Language of reports and the console: "zh_CN" or "en".
language = "{language}"
# Sales channels of the shop (tmall, jd, douyin, shopify, amazon ...).
channels = [{channels}]

[thresholds]
# A finding must move the day's GMV (or margin) by at least this much, in store currency.
min_impact = 300.0
# ... and rest on at least this many visitors, orders or clicks.
min_volume = 30
# Width of the expected band, in robust standard deviations.
band_z = 3.0
# Days of history behind every expected value.
history_days = 56
# Service level for safety stock (0.5 - 1).
service_level = 0.95
# Days of demand a purchase order should cover.
target_cover_days = 30
# An SKU without a sale for this many days is a slow mover.
slow_mover_days = 30
# More days of supply than this is overstock (Amazon's definition: 90): clear, stop buying or move it.
overstock_days = 90

[database]
# App database (users, tasks, imports, audit). Empty: SQLite inside the workspace.
# For a team: "postgresql+psycopg://user:password@host:5432/ecomops".
app_url = ""
# How long a command or the console waits for another process that holds the analytics store
# (an import writing it; readers, while an import wants to write), in seconds.
store_wait_seconds = 120

[imports]
# Largest file the console accepts for upload, in megabytes.
max_upload_mb = 200
# Most cells an Excel workbook may hold (Excel is read into memory; CSV has no such limit).
max_excel_cells = 5000000
# Most megabytes an Excel workbook may unpack to (its zip's declared sizes, checked first).
max_excel_unpacked_mb = 500

[web]
# Addresses (or networks, "10.0.0.0/8") of reverse proxies whose X-Forwarded-For and
# X-Forwarded-Proto headers are believed. Empty: none, the connecting address is the client
# (the login rate limit counts it), whoever sends such headers.
trusted_proxies = []
# Days an API token works after `ecomops user token` (or the Users page) made it.
token_days = 90
"""


def render_template(settings: Settings | None = None) -> str:
    """The commented ``ecomops.toml`` for ``settings`` (defaults when ``None``)."""
    s = (settings or Settings()).store
    channels = ", ".join(f'"{c}"' for c in s.channels)
    return TEMPLATE.format(
        name=s.name, currency=s.currency, timezone=s.timezone,
        language=s.language, channels=channels,
    )


def _env_overrides(environ: dict[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, value in environ.items():
        if not key.startswith("ECOMOPS_") or "__" not in key:
            continue
        section, _, name = key[len("ECOMOPS_"):].lower().partition("__")
        if section in Settings.model_fields:
            out.setdefault(section, {})[name] = value
    return out


def load_settings(path: Path, environ: dict[str, str] | None = None) -> Settings:
    """Read ``path`` (an ``ecomops.toml``) and apply ``ECOMOPS_`` overrides."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path} does not exist", hint="run `ecomops init` first") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    env = os.environ if environ is None else environ
    for section, values in _env_overrides(dict(env)).items():
        data.setdefault(section, {}).update(values)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: setting {where}: {first['msg']}") from exc
