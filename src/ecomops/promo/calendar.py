"""The e-commerce festival calendar: event days with their phase, for baselines and forecasts.

Public holidays come from the ``holidays`` package (China's schedule with make-up workdays). The
shopping festivals are not public holidays, so their windows are written here from how the
platforms run them; the windows are deliberately a little wide (pre-sale and warm-up days), since a
baseline that wrongly calls a festival day "normal" raises false alarms, while one marked day too
many costs little.

``events(start, end)`` returns one row per (date, event) with:

- ``event``   stable id (``d618``, ``d1111``, ``d1212``, ``black_friday``, ``cyber_monday``,
  ``spring_festival``, ``new_year_goods``, ``womens_day``, ``public_holiday``)
- ``phase``   ``warmup`` (pre-sale, add-to-cart build-up), ``peak`` (the main sales days),
  ``after`` (the hangover days after a peak), ``logistics_stop`` (couriers pause around the Spring
  Festival), ``holiday``
- ``channels`` which channels the event moves (``all`` or a ``|``-joined list)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass

import holidays
import pandas as pd

CN_CHANNELS = "tmall|jd|douyin|taobao|pdd|kuaishou"
GLOBAL_CHANNELS = "shopify|amazon"

EVENT_LABELS: dict[str, tuple[str, str]] = {
    "d618": ("618", "618 mid-year festival"),
    "d1111": ("双11", "Singles' Day (11.11)"),
    "d1212": ("双12", "Double 12"),
    "black_friday": ("黑五", "Black Friday"),
    "cyber_monday": ("网络星期一", "Cyber Monday"),
    "spring_festival": ("春节", "Spring Festival"),
    "new_year_goods": ("年货节", "New Year goods festival"),
    "womens_day": ("38女神节", "Women's Day (3.8)"),
    "public_holiday": ("法定节假日", "Public holiday"),
}


@dataclass(frozen=True)
class EventDay:
    date: dt.date
    event: str
    phase: str
    channels: str


def _span(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


@functools.cache
def _spring_festival(year: int) -> dt.date | None:
    """The first day of the Spring Festival holiday in ``year`` (from ``holidays``)."""
    days = [d for d, name in holidays.China(years=[year]).items() if "Spring Festival" in name]
    return min(days) if days else None


def _year_events(year: int) -> Iterator[EventDay]:
    d = dt.date
    # 618: warm-up from the end of May, peak on the first days of June and 16-18 June.
    yield from (EventDay(x, "d618", "warmup", CN_CHANNELS) for x in _span(d(year, 5, 20), d(year, 5, 31)))
    yield from (EventDay(x, "d618", "peak", CN_CHANNELS) for x in _span(d(year, 6, 1), d(year, 6, 3)))
    yield from (EventDay(x, "d618", "warmup", CN_CHANNELS) for x in _span(d(year, 6, 4), d(year, 6, 15)))
    yield from (EventDay(x, "d618", "peak", CN_CHANNELS) for x in _span(d(year, 6, 16), d(year, 6, 18)))
    yield from (EventDay(x, "d618", "after", CN_CHANNELS) for x in _span(d(year, 6, 19), d(year, 6, 21)))
    # 双11: pre-sale from about 20 October, first sales window 1-3 November, peak 10-11 November.
    yield from (EventDay(x, "d1111", "warmup", CN_CHANNELS) for x in _span(d(year, 10, 20), d(year, 10, 31)))
    yield from (EventDay(x, "d1111", "peak", CN_CHANNELS) for x in _span(d(year, 11, 1), d(year, 11, 3)))
    yield from (EventDay(x, "d1111", "warmup", CN_CHANNELS) for x in _span(d(year, 11, 4), d(year, 11, 9)))
    yield from (EventDay(x, "d1111", "peak", CN_CHANNELS) for x in _span(d(year, 11, 10), d(year, 11, 11)))
    yield from (EventDay(x, "d1111", "after", CN_CHANNELS) for x in _span(d(year, 11, 12), d(year, 11, 15)))
    # 双12
    yield from (EventDay(x, "d1212", "warmup", CN_CHANNELS) for x in _span(d(year, 12, 8), d(year, 12, 11)))
    yield EventDay(d(year, 12, 12), "d1212", "peak", CN_CHANNELS)
    # Black Friday: the day after the fourth Thursday of November; Cyber Monday three days later.
    first = d(year, 11, 1)
    thanksgiving = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    bf = thanksgiving + dt.timedelta(days=1)
    yield from (EventDay(x, "black_friday", "warmup", GLOBAL_CHANNELS)
                for x in _span(bf - dt.timedelta(days=7), bf - dt.timedelta(days=1)))
    yield from (EventDay(x, "black_friday", "peak", GLOBAL_CHANNELS)
                for x in _span(bf, bf + dt.timedelta(days=2)))
    yield EventDay(bf + dt.timedelta(days=3), "cyber_monday", "peak", GLOBAL_CHANNELS)
    # 38 女神节
    yield from (EventDay(x, "womens_day", "warmup", CN_CHANNELS) for x in _span(d(year, 3, 1), d(year, 3, 7)))
    yield EventDay(d(year, 3, 8), "womens_day", "peak", CN_CHANNELS)
    # Spring Festival: 年货节 in the three weeks before, couriers pause about a week either side.
    sf = _spring_festival(year)
    if sf is not None:
        yield from (EventDay(x, "new_year_goods", "peak", CN_CHANNELS)
                    for x in _span(sf - dt.timedelta(days=24), sf - dt.timedelta(days=10)))
        yield from (EventDay(x, "spring_festival", "logistics_stop", "all")
                    for x in _span(sf - dt.timedelta(days=7), sf + dt.timedelta(days=8)))


def events(start: dt.date, end: dt.date) -> pd.DataFrame:
    """Every festival day and public holiday between ``start`` and ``end`` (both included)."""
    rows: list[EventDay] = []
    for year in range(start.year, end.year + 1):
        rows.extend(e for e in _year_events(year) if start <= e.date <= end)
        for day, _name in holidays.China(years=[year]).items():
            if start <= day <= end:
                rows.append(EventDay(day, "public_holiday", "holiday", "all"))
    frame = pd.DataFrame(
        [(r.date, r.event, r.phase, r.channels) for r in rows],
        columns=["date", "event", "phase", "channels"],
    )
    return frame.sort_values(["date", "event"], ignore_index=True)


def is_event_day(day: dt.date, channel: str | None = None) -> bool:
    """Whether ``day`` carries any festival or holiday (for ``channel``, when given)."""
    ev = events(day, day)
    if channel is None or ev.empty:
        return not ev.empty
    return bool(ev["channels"].map(lambda c: c == "all" or channel in c.split("|")).any())
