"""The :class:`Store`: one connection to a Pantau database, and everything said through it.

Opening a store for writing applies pending migrations (inside ``BEGIN IMMEDIATE``, so two
processes opening an old database together migrate it once); a read-only store never migrates
and never blocks a writer. ``Store`` is a context manager that closes its connection.

:class:`StorePool` keeps a few open stores for a threaded server (the review app): each request
borrows one, and its page cache stays warm between requests.
"""

from __future__ import annotations

import queue
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlite_utils

from pipelines.storage.articles import ArticlesMixin
from pipelines.storage.connection import DatabaseError, connect, write_transaction
from pipelines.storage.frontier import FrontierMixin
from pipelines.storage.inbox import InboxMixin
from pipelines.storage.leases import LeasesMixin
from pipelines.storage.reviews import ReviewsMixin
from pipelines.storage.runs import RunsMixin
from pipelines.storage.schema import migrate, pending
from pipelines.storage.templates import TemplatesMixin


class Store(ArticlesMixin, RunsMixin, FrontierMixin, LeasesMixin, ReviewsMixin, InboxMixin, TemplatesMixin):
    """A Pantau database. ``Store(path)`` creates or migrates it; ``readonly=True`` only reads."""

    def __init__(self, path: str | Path, *, readonly: bool = False, migrate: bool = True) -> None:
        self.path = str(path)
        self.readonly = readonly
        self._conn = connect(self.path, readonly=readonly)
        self.db = sqlite_utils.Database(self._conn, execute_plugins=False)
        self._stories = None
        try:
            if not readonly and migrate:
                self._migrate()
        except BaseException:
            self._conn.close()
            raise

    def _migrate(self) -> None:
        if pending(self.db):
            with write_transaction(self._conn):
                migrate(self.db)

    def pending_migrations(self) -> list[str]:
        return pending(self.db)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def optimize(self) -> None:
        """Refresh the query planner's statistics where they went stale (cheap; after a crawl)."""
        self._conn.execute("PRAGMA optimize")

    def analyze(self) -> None:
        """Full planner statistics (after a bulk load: the benchmarks, the tests' fixtures)."""
        self._conn.execute("ANALYZE")

    def load_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        """Bulk-load rows into one of the schema's tables in one transaction (benchmarks and
        test fixtures that need a large, realistic database fast); returns how many."""
        if table not in self.db.table_names():
            raise ValueError(f"{table!r}: no such table in the Pantau schema")
        count = 0

        def counted() -> Iterator[dict[str, Any]]:
            nonlocal count
            for row in rows:
                count += 1
                yield row

        with self.write():
            self.db[table].insert_all(counted(), batch_size=1000)
        return count

    def checkpoint(self) -> None:
        """Fold the WAL into the database file (before measuring its size)."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def table_sizes(self) -> dict[str, int]:
        """Bytes per table and index where SQLite was built with ``dbstat`` (else empty)."""
        try:
            return dict(self._conn.execute(
                "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
        except DatabaseError:
            return {}

    def rollback_open_transaction(self) -> None:
        """Make a borrowed store clean again (a request that failed inside a transaction)."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")


def ensure_database(path: str | Path) -> None:
    """Create or migrate the database at ``path`` (before a crawl or a server starts, so a
    schema problem is reported at once, not in the middle of the night)."""
    Store(path).close()


class StorePool:
    """A few reusable stores on one database; extra ones are closed rather than kept."""

    def __init__(self, path: str | Path, size: int = 8) -> None:
        self.path = str(path)
        self._idle: queue.LifoQueue[Store] = queue.LifoQueue(maxsize=size)

    def acquire(self) -> Store:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return Store(self.path, migrate=False)

    def release(self, store: Store) -> None:
        store.rollback_open_transaction()
        try:
            self._idle.put_nowait(store)
        except queue.Full:
            store.close()

    @contextmanager
    def store(self) -> Iterator[Store]:
        borrowed = self.acquire()
        try:
            yield borrowed
        finally:
            self.release(borrowed)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
