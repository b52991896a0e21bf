"""The e-commerce festival calendar."""

from __future__ import annotations

import datetime as dt

from ecomops.promo.calendar import events, is_event_day


def test_calendar_marks_the_big_festivals_peaks() -> None:
    ev = events(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    peaks = set(ev.loc[ev.phase == "peak", "date"])
    for day in (dt.date(2026, 6, 18), dt.date(2026, 11, 11), dt.date(2026, 12, 12), dt.date(2026, 3, 8)):
        assert day in peaks


def test_black_friday_follows_the_fourth_thursday_of_november() -> None:
    ev = events(dt.date(2025, 11, 1), dt.date(2026, 12, 31))
    bf = ev[(ev.event == "black_friday") & (ev.phase == "peak")].groupby(
        ev.date.map(lambda d: d.year))["date"].min()
    assert list(bf) == [dt.date(2025, 11, 28), dt.date(2026, 11, 27)]


def test_spring_festival_stops_logistics_around_the_holiday() -> None:
    ev = events(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    stop = ev[ev.phase == "logistics_stop"]["date"]
    assert stop.min() <= dt.date(2026, 2, 10)
    assert stop.max() >= dt.date(2026, 2, 24)


def test_event_days_respect_channels() -> None:
    assert is_event_day(dt.date(2026, 11, 27), "shopify")
    assert not is_event_day(dt.date(2026, 11, 27), "tmall")
    assert not is_event_day(dt.date(2026, 4, 15))
