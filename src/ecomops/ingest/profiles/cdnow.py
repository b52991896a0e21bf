"""CDNOW purchases (Fader & Hardie): ``customer_id date number_of_cds dollar_value`` per line,
whitespace-separated. Each line is a purchase → ``orders`` (channel ``cdnow``, status ``paid``).

The data has neither order ids nor products: the order id is ``<customer>-<YYYYMMDD>`` (with
``-2``, ``-3``... for further purchases the same day) and no ``order_lines`` are made (there is
no SKU to give them); the number of CDs goes to extras. The brief must take sales from
``orders.payment_amount`` here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ecomops.ingest.profiles.common import contract_table, header_set
from ecomops.settings import Settings

CHANNEL = "cdnow"
HEADERS = ("customer_id", "date", "number_of_cds", "dollar_value")


def read_cdnow(path: Path) -> pd.DataFrame:
    """The whitespace-separated file (the import pipeline's reader splits on , ; and tab only)."""
    return pd.read_csv(path, sep=r"\s+", dtype=str, keep_default_na=False)


def cdnow_orders(df: pd.DataFrame, channel: str = CHANNEL) -> pd.DataFrame:
    """Purchases as an ``orders`` frame (pure)."""
    day = pd.to_datetime(df["date"], format="%Y%m%d", errors="coerce")
    base = df["customer_id"] + "-" + df["date"]
    seq = df.groupby(base).cumcount() + 1
    out = pd.DataFrame(
        {
            "order_id": base.where(seq == 1, base + "-" + seq.astype(str)),
            "channel": channel,
            "order_time": day.dt.strftime("%Y-%m-%d 00:00:00").fillna(df["date"]),
            "customer_id": df["customer_id"],
            "status": "paid",
            "payment_amount": df["dollar_value"],
            "_row": range(1, len(df) + 1),
        }
    )
    out["extras"] = ['{"number_of_cds": ' + n + "}" if n.isdigit() else None for n in df["number_of_cds"]]
    return out


class CdnowProfile:
    """CDNOW_master.txt."""

    name = "cdnow"
    required_headers = HEADERS

    def match(self, path: Path, headers: list[str]) -> float:
        words = header_set(" ".join(headers).split())
        return 0.95 if header_set(HEADERS) <= words else 0.0

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        for path in paths:
            yield "orders", contract_table("orders", cdnow_orders(read_cdnow(path)), path.name)
