"""The one way to open a Pantau database: pragmas set once, writes that wait instead of failing.

Why here and nowhere else: the crawl, the review app, the CLI and the scheduler all open the same
file, often at the same time. Every connection therefore gets the same pragmas (WAL, a busy
timeout, foreign keys), and every write goes through :func:`write_transaction`, which takes the
write lock up front with ``BEGIN IMMEDIATE``. A deferred transaction that reads first and writes
later cannot wait for a busy database when it upgrades its lock (SQLite answers ``database is
locked`` at once, to avoid a deadlock), which is how a crawl used to lose articles while an
operator marked some in the review app. With the lock taken at ``BEGIN``, the busy timeout applies
and the writer waits its turn.

Connections are in autocommit mode (``isolation_level=None``): the driver never opens a
transaction behind our back, so a forgotten commit cannot hold the lock, and sqlite-utils' own
``atomic()`` blocks nest inside ours as savepoints.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 60_000
"""How long a writer waits for another writer (an operator's bulk mark, ``pantau rescore``'s
batches) before giving up: far above any single transaction Pantau itself holds."""

READER_PRAGMAS = (
    "foreign_keys = ON",
    "cache_size = -65536",        # 64 MiB page cache: inbox counts and story lookups stay warm
    "mmap_size = 268435456",
    "temp_store = MEMORY",        # search hits and mark staging live in temp tables per request
)
WRITER_PRAGMAS = (
    # In WAL mode NORMAL never corrupts the file; a killed process loses nothing committed.
    "synchronous = NORMAL",
    # rarer checkpoints keep story indexing fast; readers never wait for the writer in WAL
    "wal_autocheckpoint = 10000",
)


DatabaseError = sqlite3.Error
"""What a failed statement raises (callers outside this package catch it by this name)."""


class DatabaseMissing(FileNotFoundError):
    """A read-only open of a database file that does not exist."""


def connect(path: str | Path, *, readonly: bool = False,
            busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A configured connection to a Pantau database (``":memory:"`` for tests).

    ``readonly`` opens the file with ``mode=ro``: it must exist, and nothing can be written
    through it; such a reader never blocks a crawl writing beside it.
    """
    name = str(path)
    if readonly:
        if name != ":memory:" and not Path(name).exists():
            raise DatabaseMissing(f"{name}: no such database")
        conn = sqlite3.connect(f"file:{name}?mode=ro", uri=True, isolation_level=None,
                               timeout=busy_timeout_ms / 1000, check_same_thread=False)
    else:
        conn = sqlite3.connect(name, isolation_level=None, timeout=busy_timeout_ms / 1000,
                               check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    for pragma in READER_PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    if not readonly and name != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        for pragma in WRITER_PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
    return conn


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any error.

    Nested use (a write helper called inside a larger write) becomes a savepoint, so callers can
    compose writes without knowing whether a transaction is already open.
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT pantau_nested")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO SAVEPOINT pantau_nested")
                conn.execute("RELEASE SAVEPOINT pantau_nested")
            raise
        conn.execute("RELEASE SAVEPOINT pantau_nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def is_busy(exc: BaseException) -> bool:
    """A database that stayed locked past the busy timeout (worth a 'try again', not a crash)."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)
