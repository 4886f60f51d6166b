"""The scheduler's own database (``jobs_db``): APScheduler's job store and the scheduler's memory.

Why a second file: the jobs and the scheduler's state (the alerts' watermark, the set of sources
last judged unhealthy, a log of scheduled runs) belong to one scheduler installation, while the
Pantau database may be shared, copied or rebuilt. Both files are opened only here.

- :func:`job_store`: APScheduler's own ``SQLAlchemyJobStore`` on the file (its table
  ``apscheduler_jobs`` has the same columns the hand-written store of release 0.1.0 used, so an
  existing jobs file keeps its jobs and their next fire times).
- :class:`SchedulerState`: a key/value table and the scheduled-run log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

from pipelines.storage.connection import connect, write_transaction

JOBS_TABLE = "apscheduler_jobs"


def job_store(path: Path) -> SQLAlchemyJobStore:
    """APScheduler's SQLAlchemy job store on the jobs file (created if missing)."""
    return SQLAlchemyJobStore(url=f"sqlite:///{Path(path).resolve()}", tablename=JOBS_TABLE,
                              engine_options={"connect_args": {"timeout": 60}})


class SchedulerState:
    """The scheduler's memory in the jobs file: ``get``/``put`` JSON values by key, and
    ``record`` one row per scheduled run."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with self._write() as conn:
            conn.execute("create table if not exists scheduler_state "
                         "(key text primary key, value text)")
            conn.execute("create table if not exists scheduler_runs (id integer primary key, "
                         "grp text, started text, ended text, outcome text, detail text, "
                         "run_ids text, new_articles integer, log text)")

    @contextmanager
    def _write(self) -> Iterator[Any]:
        conn = connect(self.path)
        try:
            with write_transaction(conn):
                yield conn
        finally:
            conn.close()

    def get(self, key: str, default: Any = None) -> Any:
        conn = connect(self.path)
        try:
            row = conn.execute("select value from scheduler_state where key = ?", [key]).fetchone()
        finally:
            conn.close()
        return json.loads(row[0]) if row else default

    def put(self, key: str, value: Any) -> None:
        with self._write() as conn:
            conn.execute("insert or replace into scheduler_state values (?, ?)",
                         [key, json.dumps(value)])

    def record(self, run: Mapping[str, Any]) -> None:
        """One scheduled run: ``group``, ``started``, ``ended``, ``outcome``, ``detail``,
        ``run_ids`` (a list), ``new_articles`` and ``log`` (the crawl's output file)."""
        with self._write() as conn:
            conn.execute(
                "insert into scheduler_runs (grp, started, ended, outcome, detail, run_ids, "
                "new_articles, log) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [run["group"], run["started"], run["ended"], run["outcome"], run["detail"],
                 json.dumps(list(run["run_ids"])), run["new_articles"],
                 str(run["log"]) if run.get("log") else None])

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        """The scheduled runs, newest first."""
        conn = connect(self.path)
        try:
            return [dict(r) for r in conn.execute(
                "select * from scheduler_runs order by id desc limit ?", [limit])]
        finally:
            conn.close()
