"""What every part of the store shares: its one connection, the write transaction, the clock.

The store is one class (:class:`pipelines.storage.Store`) assembled from one mixin per concern
(articles, runs, reviews, inbox), each in its own module; they all speak through ``_conn`` (the
configured ``sqlite3`` connection) and ``db`` (sqlite-utils over that same connection).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlite_utils

from pipelines.storage.connection import write_transaction

if TYPE_CHECKING:
    from pipelines.storage.stories import StoryIndex


def utc_now() -> datetime:
    """The one clock of the storage layer (UTC, second precision)."""
    return datetime.now(UTC).replace(microsecond=0)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its UTC offset, as every date column stores it."""
    return value.isoformat() if value else None


def to_utc_iso(value: datetime | None) -> str | None:
    """A sortable UTC form of an aware datetime (offsets make the ISO strings unsortable)."""
    return value.astimezone(UTC).isoformat() if value else None


def placeholders(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class StoreBase:
    path: str
    readonly: bool
    _conn: sqlite3.Connection
    db: sqlite_utils.Database
    _stories: StoryIndex | None

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``; a savepoint when nested)."""
        with write_transaction(self._conn):
            yield

    def _dicts(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self._conn.execute(sql, list(args))]

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, list(args)).fetchall()
