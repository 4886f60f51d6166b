"""Source leases: one crawl per source at a time, across processes.

Why a lease in the database and not a lock file: the crawl, the scheduler's crawls and a manual
``pantau crawl`` share only the database, and a lease row says who holds a source (run id, process
id, host), since when, and until when it holds without a heartbeat. A crawl takes the leases of
its sources when it opens (one ``BEGIN IMMEDIATE`` transaction, so two crawls starting together
cannot both win), renews them while it runs, and gives them back when it closes. A lease whose
holder is gone is free: it expired (no heartbeat for its time to live), or its process on this
host no longer exists (a ``kill -9`` must not keep the next night's crawl out for minutes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from pipelines.storage.base import StoreBase, iso, placeholders, utc_now

Alive = Callable[[str | None, int | None], bool]
"""Whether the process ``pid`` on ``host`` still runs (``crawler.run.holder_alive``)."""


class LeasesMixin(StoreBase):
    def acquire_leases(self, sources: Sequence[str], holder: str, *, pid: int, host: str,
                       ttl: timedelta, alive: Alive) -> tuple[list[str], dict[str, dict[str, Any]]]:
        """Take the leases of these sources that are free; returns the sources granted and,
        for each refused one, the lease that holds it."""
        now = utc_now()
        granted: list[str] = []
        refused: dict[str, dict[str, Any]] = {}
        with self.write():
            held = {r["source"]: r for r in self._dicts(
                f"select * from source_leases where source in ({placeholders(sources)})",
                list(sources))} if sources else {}
            for source in sources:
                lease = held.get(source)
                if lease and lease["holder"] != holder and _holds(lease, now, alive):
                    refused[source] = lease
                    continue
                self._conn.execute(
                    "insert into source_leases (source, holder, pid, host, acquired_at, "
                    "heartbeat_at, expires_at) values (?, ?, ?, ?, ?, ?, ?) on conflict(source) "
                    "do update set holder = excluded.holder, pid = excluded.pid, host = "
                    "excluded.host, acquired_at = excluded.acquired_at, heartbeat_at = "
                    "excluded.heartbeat_at, expires_at = excluded.expires_at",
                    [source, holder, pid, host, iso(now), iso(now), iso(now + ttl)])
                granted.append(source)
        return granted, refused

    def renew_leases(self, holder: str, ttl: timedelta) -> int:
        """The holder's heartbeat: its leases hold for ``ttl`` more."""
        now = utc_now()
        with self.write():
            cur = self._conn.execute(
                "update source_leases set heartbeat_at = ?, expires_at = ? where holder = ?",
                [iso(now), iso(now + ttl), holder])
        return cur.rowcount

    def release_leases(self, holder: str) -> None:
        with self.write():
            self._conn.execute("delete from source_leases where holder = ?", [holder])

    def leases(self) -> list[dict[str, Any]]:
        return self._dicts("select * from source_leases order by source")


def _holds(lease: dict[str, Any], now: datetime, alive: Alive) -> bool:
    """A lease holds while it has not expired and its process may still be running."""
    expires = datetime.fromisoformat(lease["expires_at"])
    return expires > now and alive(lease.get("host"), lease.get("pid"))
