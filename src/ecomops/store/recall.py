"""A short memory of app-database answers that every request asks for (who is signed in, which
actions of a brief are tasks already).

The console is one process: each change it makes clears the memory at once, and an entry lives
``seconds`` at most, so a change made elsewhere (the ``ecomops user`` commands) shows within that.
Hand-written rather than cachetools: a dict, a lock and a clock, and no extra dependency.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

MAX_ENTRIES = 10_000


class Recall:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._items: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any) -> Any | None:
        found = self._items.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            if len(self._items) >= MAX_ENTRIES:
                self._items.clear()
            self._items[key] = (time.monotonic() + self.seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_SHARED: weakref.WeakKeyDictionary[Any, Recall] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def shared(owner: Any, seconds: float) -> Recall:
    """The one ``Recall`` of ``owner`` (an app database's session maker) in this process, so a
    change through any object over that database clears what every other one remembers."""
    with _SHARED_LOCK:
        found = _SHARED.get(owner)
        if found is None:
            found = _SHARED[owner] = Recall(seconds)
        return found
