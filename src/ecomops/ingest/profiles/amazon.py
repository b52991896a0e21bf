"""Amazon Sponsored Products reports (Ads console downloads, xlsx or csv) → ``ads``.

Six report kinds slice the same spend differently: search term, targeting, advertised product,
campaign, placement and performance over time. Imported one at a time, each becomes ads rows at
its own grain. Imported together (one folder, one ``convert`` call), they would count every
rupee several times, so each (date, campaign) takes its rows from the finest report that covers
it, and coarser reports only fill what the finer ones do not cover:

1. search-term rows (keyword = Targeting, match_type, search_term);
2. the targeting report per (date, campaign, ad group), minus what the search-term rows of that
   ad group already hold: Amazon lists a search term only once it has a click, so the targeting
   report's impressions (and any cost) beyond them become one row per ad group with empty
   keyword / match type / search term. The search-term report writes auto targets as ``*`` and
   the targeting report as ``close-match``..., so the subtraction is per ad group, not per target;
3. advertised-product rows for (date, campaign) not covered above (ASIN as sku when the ad group
   advertised one ASIN that day; otherwise the ASINs go to extras);
4. campaign rows, then placement rows summed per campaign (placements in extras), for the
   (date, campaign) pairs still uncovered; campaign-level rows have ad group ``(all)``;
5. performance-over-time rows (account totals per day) for days nothing else covers; that report
   has no impressions, so such rows are rejected with that reason rather than guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ecomops.ingest.currency import header_currencies
from ecomops.ingest.headers import normalize
from ecomops.ingest.profiles.common import contract_table, find, frame, header_set, number, pick
from ecomops.settings import Settings

CHANNEL = "amazon"
ALL = "(all)"
"""Ad group of rows from reports without ad groups (campaign, placement, performance)."""
KINDS = ("search_term", "targeting", "advertised_product", "campaign", "placement", "performance")
METRICS = ("impressions", "clicks", "cost", "orders", "sales")
KEY = ("date", "campaign", "ad_group", "keyword", "match_type", "search_term")
AUTO_TARGETS = {"*", "close-match", "loose-match", "substitutes", "complements"}
REQUIRED_HEADERS = ("Date", "Campaign Name", "Impressions", "Clicks", "Spend")
NOTE_KEY = b"note"
"""Schema metadata of a yielded table: a sentence for the import report (read by the pipeline)."""


def report_kind(headers: list[str]) -> str | None:
    """Which Sponsored Products report ``headers`` belong to, or ``None``."""
    h = header_set(headers)

    def has(*names: str) -> bool:
        return all(normalize(n) in h for n in names)

    if not has("Spend"):
        return None
    has_date = has("Date") or has("Start Date", "End Date")
    if not has_date:
        return None
    if not has("Campaign Name"):
        return "performance" if has("Clicks") else None
    if has("Customer Search Term"):
        return "search_term"
    if has("Targeting", "Match Type"):
        return "targeting"
    if any(normalize(x) in h for x in ("Advertised ASIN", "Advertised SKU")):
        return "advertised_product"
    if has("Placement"):
        return "placement"
    return "campaign"


def _dates(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The day of each row (``Date``, else a range's start) and the range's end when there is one."""
    col = find(df, "Date")
    end = pick(df, "End Date") if col is None else pd.Series("", index=df.index)
    raw = df[col] if col is not None else pick(df, "Start Date")
    iso = pd.to_datetime(raw.where(raw != ""), format="ISO8601", errors="coerce")
    # "Feb 1, 2020" in csv downloads; Excel cells arrive as ISO text.
    other = pd.to_datetime(raw.where(iso.isna() & (raw != "")), format="%b %d, %Y", errors="coerce")
    day = iso.fillna(other).dt.strftime("%Y-%m-%d").fillna(raw)
    return day, end


def _match_type(match: pd.Series, target: pd.Series) -> pd.Series:
    m = match.str.lower().str.strip()
    auto = target.str.lower().isin(AUTO_TARGETS)
    return m.where(~m.isin(["-", ""]), np.where(auto, "auto", ""))


def normalise_report(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One report as ads-shaped rows (before the cross-report choice), extras as a dict column."""
    day, end = _dates(df)
    sales_col = find(
        df,
        "14 Day Total Sales*",
        "7 Day Total Sales*",
        "30 Day Total Sales*",
        "1 Day Total Sales*",
        "Total Sales*",
    )
    orders_col = find(
        df,
        "14 Day Total Orders*",
        "7 Day Total Orders*",
        "30 Day Total Orders*",
        "1 Day Total Orders*",
        "Total Orders*",
    )
    window = next(
        (w for w in ("1", "7", "14", "30") if sales_col and normalize(sales_col).startswith(f"{w}day")), ""
    )
    target = pick(df, "Targeting", "Keyword")
    out = pd.DataFrame(
        {
            "date": day,
            "campaign": pick(df, "Campaign Name"),
            "ad_group": pick(df, "Ad Group Name") if find(df, "Ad Group Name") else ALL,
            "keyword": target if kind in ("search_term", "targeting") else "",
            "match_type": _match_type(pick(df, "Match Type"), target)
            if kind in ("search_term", "targeting")
            else "",
            "search_term": pick(df, "Customer Search Term") if kind == "search_term" else "",
            "sku": pick(df, "Advertised SKU", "Advertised ASIN") if kind == "advertised_product" else "",
            "impressions": number(pick(df, "Impressions")) if find(df, "Impressions") else np.nan,
            "clicks": number(pick(df, "Clicks")),
            "cost": number(pick(df, "Spend")),
            "orders": number(df[orders_col]) if orders_col else np.nan,
            "sales": number(df[sales_col]) if sales_col else np.nan,
            "_row": np.arange(1, len(df) + 1),
        }
    )
    used = {
        c
        for c in (
            find(df, "Date"),
            find(df, "Campaign Name"),
            find(df, "Ad Group Name"),
            find(df, "Targeting", "Keyword"),
            find(df, "Match Type"),
            find(df, "Customer Search Term"),
            find(df, "Impressions"),
            find(df, "Clicks"),
            find(df, "Spend"),
            sales_col,
            orders_col,
        )
        if c
    }
    if kind == "advertised_product":
        used.add(find(df, "Advertised SKU", "Advertised ASIN") or "")
    rest = [c for c in df.columns if c not in used]
    extra = df[rest].copy()
    extra.columns = [c.strip() for c in rest]
    extra["report"] = kind
    if find(df, "Currency") is None:
        # India's reports name the currency only in headers: "14 Day Total Sales (₹)".
        unit = next((c for h in (sales_col, find(df, "Spend*"), find(df, "CPC*"))
                     if h and (c := header_currencies(h))), ())
        if unit:
            extra["Currency"] = unit[0]
    if window:
        extra["attribution_days"] = window
    if end.ne("").any():
        extra["date_end"] = end
    out["extras"] = (
        extra.apply(lambda r: {k: v for k, v in r.items() if v not in ("", None)}, axis=1)
        if len(extra)
        else pd.Series([], dtype=object)
    )
    return out


def _sum_by(df: pd.DataFrame, by: list[str], note: str) -> pd.DataFrame:
    """Rows summed per ``by`` (other key columns blank); the parts go to extras under ``note``."""
    g = df.groupby(by, sort=False, dropna=False)
    out = g[list(METRICS)].sum(min_count=1).reset_index()
    first = g[["_row", "extras"]].first().reset_index(drop=True)
    out["_row"] = first["_row"]
    parts = g.apply(
        lambda x: sorted(set(x[note].astype(str))) if note in x else [], include_groups=False
    ).reset_index(drop=True)
    out["extras"] = [{**e, note: p} if p else e for e, p in zip(first["extras"], parts, strict=True)]
    for c in (*KEY, "sku"):
        if c not in out:
            out[c] = ""
    return out


def combine(reports: list[pd.DataFrame]) -> pd.DataFrame:
    """Several normalised reports (with a ``kind`` attribute) as ads rows counting spend once."""
    by_kind: dict[str, list[pd.DataFrame]] = {}
    for r in reports:
        by_kind.setdefault(r.attrs["kind"], []).append(r)
    cat = {k: pd.concat(v, ignore_index=True) for k, v in by_kind.items()}
    if len(cat) == 1:
        kind, only = next(iter(cat.items()))
        return _single(only, kind)
    chosen: list[pd.DataFrame] = []
    covered: set[tuple[str, str]] = set()
    group = ["date", "campaign", "ad_group"]
    st, tg = cat.get("search_term"), cat.get("targeting")
    if st is not None:
        chosen.append(st)
    if tg is not None:
        tg_sum = tg.groupby(group, sort=False)[list(METRICS)].sum(min_count=1)
        if st is not None:
            st_sum = st.groupby(group, sort=False)[list(METRICS)].sum(min_count=1)
            tg_sum = tg_sum.sub(st_sum.reindex(tg_sum.index).fillna(0), fill_value=0)
            # Differences of float sums: back to whole counts and cents, so that 1e-13 of
            # rounding noise neither makes a row nor is rejected as negative spend.
            tg_sum = tg_sum.round({"impressions": 0, "clicks": 0, "orders": 0, "cost": 2, "sales": 2})
        rest = tg_sum[(tg_sum.abs() > 1e-9).any(axis=1)].reset_index()
        if st is None:
            chosen.append(tg)
        elif len(rest):
            first = tg.groupby(group, sort=False)["_row"].first()
            rest["_row"] = first.reindex(pd.MultiIndex.from_frame(rest[group])).to_numpy()
            source = tg["extras"].iloc[0].get("_file") if len(tg) else None
            note = {"report": "targeting", "part": "not broken down by search term"}
            if len(tg) and tg["extras"].iloc[0].get("Currency"):
                note["Currency"] = tg["extras"].iloc[0]["Currency"]
            rest["extras"] = [{**note, "_file": source} if source else dict(note) for _ in range(len(rest))]
            for c in ("keyword", "match_type", "search_term", "sku"):
                rest[c] = ""
            chosen.append(rest)
    for frame_ in chosen:
        covered |= set(zip(frame_["date"], frame_["campaign"], strict=True))
    for kind in ("advertised_product", "campaign", "placement"):
        rows = cat.get(kind)
        if rows is None:
            continue
        rows = _single(rows, kind)
        keys = list(zip(rows["date"], rows["campaign"], strict=True))
        keep = rows[[k not in covered for k in keys]]
        chosen.append(keep)
        covered |= set(keys)
    pf = cat.get("performance")
    if pf is not None:
        days = {d for d, _ in covered}
        chosen.append(_single(pf[~pf["date"].isin(days)], "performance"))
    return pd.concat(chosen, ignore_index=True)


def _single(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One kind's rows at the ads grain (coarse kinds summed to it)."""
    if kind == "advertised_product":
        rows = rows.assign(asin=rows["sku"])
        out = _sum_by(rows, ["date", "campaign", "ad_group"], "asin")
        out["sku"] = [e["asin"][0] if len(e.get("asin", [])) == 1 else "" for e in out["extras"]]
        return out
    if kind == "placement":
        rows = rows.assign(placement=[e.get("Placement", "") for e in rows["extras"]])
        out = _sum_by(rows, ["date", "campaign"], "placement")
        out["ad_group"] = ALL
        return out
    if kind == "performance":
        rows = rows.assign(campaign=ALL)
    return rows


class AmazonAdsProfile:
    """Amazon Ads console Sponsored Products reports."""

    name = "amazon_ads"
    required_headers = REQUIRED_HEADERS

    def match(self, path: Path, headers: list[str]) -> float:
        kind = report_kind(headers)
        if kind is None:
            return 0.0
        if kind == "performance":
            return 0.9 if "performance" in path.name.lower() else 0.55
        return 0.96

    def convert(self, paths: list[Path], settings: Settings) -> Iterator[tuple[str, pa.Table]]:
        reports = []
        for path in paths:
            df = frame(path)
            kind = report_kind(list(df.columns))
            if kind is None:
                continue
            rep = normalise_report(df, kind)
            rep["_file"] = path.name
            rep.attrs["kind"] = kind
            reports.append(rep)
        if not reports:
            return
        rows = combine_keep_file(reports)
        for name, part in rows.groupby("_file", sort=False):
            yield "ads", contract_table("ads", ads_frame(part), str(name))
        kept = set(rows["_file"])
        finest = ", ".join(dict.fromkeys(f for f in rows["_file"] if f))
        for rep in reports:
            name = str(rep["_file"].iloc[0]) if len(rep) else ""
            if name and name not in kept:
                # Every (day, campaign) of this report is covered by a finer one: an empty table
                # says so in the import report instead of "found nothing to import".
                note = (
                    f"{name}: its {len(rep)} rows slice the same spend as {finest}, which "
                    "are finer; none were added, so nothing is counted twice"
                )
                empty = contract_table("ads", ads_frame(rep.iloc[:0]), name)
                yield (
                    "ads",
                    empty.replace_schema_metadata({**(empty.schema.metadata or {}), NOTE_KEY: note.encode()}),
                )


def combine_keep_file(reports: list[pd.DataFrame]) -> pd.DataFrame:
    """``combine`` keeping each row's source file (rows made of several files get the first)."""
    for r in reports:
        r["extras"] = [{**e, "_file": f} for e, f in zip(r["extras"], r["_file"], strict=True)]
    out = combine(reports)
    out["_file"] = [e.pop("_file", "") if isinstance(e, dict) else "" for e in out["extras"]]
    return out


def ads_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Combined rows → the ads frame the loader takes (extras as JSON text)."""
    rows = rows.assign(channel=CHANNEL, ad_type="search")
    cols = ["date", "channel", "ad_type", *KEY[1:], "sku", *METRICS, "_row"]
    res = rows[cols].reset_index(drop=True)
    res["_currency"] = [e.get("Currency") if isinstance(e, dict) else None for e in rows["extras"]]
    res["extras"] = [
        json.dumps(e, ensure_ascii=False) if isinstance(e, dict) and e else None for e in rows["extras"]
    ]
    return res
