"""A small cache of facet counts, valid for one state of the database file.

Why: counting every filter value over 100,000 articles costs tens of milliseconds per facet,
and the counts only change when something is written. Entries are valid for one state of the
database file and its WAL (size and modification time: every commit by any process, the crawl
included, changes the WAL); when the state differs at a lookup, every entry is dropped. Entries
also expire after ``ttl`` seconds as a last resort. The article list itself is never cached.

Operator marks, the app's own writes, do not drop the counts: ``begin_change`` / ``end_change``
bracket a mark, and when nothing but that mark was committed meanwhile (the caller checks with
``PRAGMA data_version``), every entry is adjusted by the caller's function (which moves the
marked articles between status counts) and stays valid for the new state. Lookups that start
while a mark is in flight still compute, but do not store what they computed: their snapshot may
or may not include the mark.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

# Adjusting costs (entries × marked articles) predicate checks; past this, recompute instead.
MAX_ADJUST_WORK = 50_000


def file_state(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


class Ticket(NamedTuple):
    """What a lookup saw: a later ``store`` keeps its value only if nothing changed since."""

    generation: int
    state: tuple[Any, ...]
    storable: bool


class FacetCache:
    def __init__(self, db_path: str, size: int = 256, ttl: float = 300.0,
                 enabled: bool = True) -> None:
        self.db_path = db_path
        self.size, self.ttl, self.enabled = size, ttl, enabled
        self.generation = 0        # bumped at the start and end of every change and invalidation
        self.in_flight = 0         # marks begun and not ended
        self._valid_for: tuple[Any, ...] | None = None
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def state(self) -> tuple[Any, ...]:
        """Changes with every commit to the database, by this process or any other."""
        return (file_state(self.db_path), file_state(self.db_path + "-wal"))

    def _sync(self, state: tuple[Any, ...]) -> None:
        """Drop every entry if the database changed since they were valid (lock held)."""
        if state != self._valid_for:
            self._items.clear()
            self._valid_for = state

    def lookup(self, key: Hashable) -> tuple[Any, Ticket | None]:
        """(value, None) on a hit, else (None, ticket) for ``store``."""
        state = self.state()
        now = time.monotonic()
        with self._lock:
            if not self.enabled:
                return None, Ticket(self.generation, state, False)
            self._sync(state)
            hit = self._items.get(key)
            if hit and now - hit[0] < self.ttl:
                self._items.move_to_end(key)
                return hit[1], None
            return None, Ticket(self.generation, state, self.in_flight == 0)

    def store(self, key: Hashable, value: Any, ticket: Ticket) -> None:
        with self._lock:
            if (not ticket.storable or ticket.generation != self.generation
                    or ticket.state != self._valid_for):
                return
            self._items[key] = (time.monotonic(), value)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        value, ticket = self.lookup(key)
        if ticket is None:
            return value
        value = compute()
        self.store(key, value, ticket)
        return value

    def begin_change(self) -> None:
        """A write of this process is about to start: stop lookups from storing."""
        with self._lock:
            self.generation += 1
            self.in_flight += 1

    def end_change(self, before: tuple[Any, ...] | None, after: tuple[Any, ...] | None,
                   adjust: Callable[[Hashable, Any], Any] | None, changed: int = 0) -> None:
        """The write is over. ``before``: the state inside its transaction before writing;
        ``after``: the state after its commit, or None if another connection may have committed
        meanwhile; ``adjust(key, value)`` gives an entry's value after the write (None: drop
        it); ``changed``: how many rows the write touched (to bound the work). Without all of
        them, or when the entries were not valid for ``before``, every entry is dropped."""
        with self._lock:
            self.generation += 1
            self.in_flight -= 1
            usable = (before is not None and after is not None and adjust is not None
                      and before == self._valid_for
                      and changed * len(self._items) <= MAX_ADJUST_WORK)
            if not usable:
                self._items.clear()
                self._valid_for = None
                return
            try:
                adjusted = [(key, at, adjust(key, value))
                            for key, (at, value) in self._items.items()]
            except Exception:
                self._items.clear()
                self._valid_for = None
                raise
            for key, at, value in adjusted:
                if value is None:
                    del self._items[key]
                else:
                    self._items[key] = (at, value)
            self._valid_for = after

    def invalidate(self) -> None:
        with self._lock:
            self.generation += 1
            self._items.clear()
            self._valid_for = None
