"""Sources, crawl runs and HTTP validators: the crawl's own bookkeeping, and what health reads.

A run row exists from the moment a crawl starts (``running``), so a killed crawl shows as
something; the next crawl (or the scheduler, for its own crawl's rows) closes such rows as
``interrupted``. A source's ``last_success_at`` (the start of its last ``ok`` run) is what its
next incremental window is computed from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pipelines.storage.base import StoreBase, iso, placeholders, utc_now


class RunsMixin(StoreBase):
    # sources ---------------------------------------------------------------------------------
    def register_sources(self, sources: Iterable[Any]) -> None:
        """Insert or refresh the configured sources, keeping their crawl history."""
        now = iso(utc_now())
        with self.write():
            for src in sources:
                self._conn.execute(
                    "insert into sources (name, url, kind, region, added_at) values (?, ?, ?, ?, ?) "
                    "on conflict(name) do update set url = excluded.url, kind = excluded.kind, "
                    "region = excluded.region", [src.name, src.url, src.kind, src.region, now])

    def last_success(self, source: str) -> datetime | None:
        row = self._conn.execute("select last_success_at from sources where name = ?",
                                 [source]).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def source_regions(self) -> dict[str, str | None]:
        """Each source's own region (the last resort of region tagging)."""
        return {r[0]: r[1] for r in self._conn.execute("select name, region from sources")}

    def source_names(self) -> list[str]:
        return [r[0] for r in self._conn.execute("select name from sources order by name")]

    def sources_state(self) -> list[dict[str, Any]]:
        """Each source with its last run, and how many articles it has and how many are new."""
        return self._dicts(
            "select s.name, s.url, s.kind, s.region, s.last_crawl_at, s.last_success_at, "
            "r.status as last_status, r.started as last_started, r.new_articles as last_new, "
            "r.error_count as last_errors, "
            "(select count(*) from articles x where x.source = s.name) as articles, "
            "(select count(*) from articles x where x.source = s.name and x.status = 'new') as new "
            "from sources s left join crawl_runs r on r.id = "
            "(select max(id) from crawl_runs where source = s.name) order by s.name")

    # conditional requests --------------------------------------------------------------------
    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self._conn.execute("select etag, last_modified from http_validators where url = ?",
                                 [url]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if not (etag or last_modified):
            return
        with self.write():
            self._conn.execute(
                "insert into http_validators (url, etag, last_modified, checked_at) "
                "values (?, ?, ?, ?) on conflict(url) do update set etag = excluded.etag, "
                "last_modified = excluded.last_modified, checked_at = excluded.checked_at",
                [url, etag, last_modified, iso(utc_now())])

    # runs ------------------------------------------------------------------------------------
    def start_run(self, run_id: str, source: str, since: datetime | None) -> int:
        """A run row exists from the start, so a killed crawl shows as 'running', not nothing."""
        with self.write():
            cur = self._conn.execute(
                "insert into crawl_runs (run_id, source, started, status, since, requests, pages, "
                "new_articles, known_skipped, too_old, not_articles, errors, error_count, skipped) "
                "values (?, ?, ?, 'running', ?, 0, 0, 0, 0, 0, 0, '{}', 0, '{}')",
                [run_id, source, iso(utc_now()), iso(since)])
        return int(cur.lastrowid or 0)

    def update_run(self, row_id: int, counts: Mapping[str, Any],
                   limits: Mapping[str, Any] | None = None) -> None:
        """Write a running run's counts so far (a killed run's row still says what it did)."""
        with self.write():
            self._conn.execute(
                f"update crawl_runs set {_COUNT_SET}, limits = ?, updated = ? where id = ?",
                [*_count_values(counts), _limits_json(limits), iso(utc_now()), row_id])

    def finish_run(self, row_id: int, source: str, counts: Mapping[str, Any], status: str,
                   limits: Mapping[str, Any] | None = None) -> None:
        """Close one run row with its counts and the limits it hit; an ``ok`` run moves the
        source's window on (what a limit cut stays in the frontier with its own window)."""
        now = iso(utc_now())
        with self.write():
            self._conn.execute(
                f"update crawl_runs set ended = ?, status = ?, {_COUNT_SET}, limits = ?, "
                f"updated = ? where id = ?",
                [now, status, *_count_values(counts), _limits_json(limits), now, row_id])
            self._conn.execute("update sources set last_crawl_at = ? where name = ?", [now, source])
            if status == "ok":
                self._conn.execute(
                    "update sources set last_success_at = "
                    "(select started from crawl_runs where id = ?) where name = ?", [row_id, source])

    def skip_run(self, run_id: str, source: str, since: datetime | None, why: str) -> int:
        """A source this run did not crawl (another crawl holds it): a row that says so."""
        now = iso(utc_now())
        with self.write():
            cur = self._conn.execute(
                "insert into crawl_runs (run_id, source, started, ended, status, since, requests, "
                "pages, new_articles, known_skipped, too_old, not_articles, errors, error_count, "
                "skipped, limits, updated) values (?, ?, ?, ?, 'skipped', ?, 0, 0, 0, 0, 0, 0, "
                "'{}', 0, ?, '{}', ?)",
                [run_id, source, now, now, iso(since), json.dumps({why: 1}), now])
        return int(cur.lastrowid or 0)

    def mark_interrupted_runs(self, run_ids: Sequence[str] = (), *,
                              sources: Sequence[str] = ()) -> int:
        """Close rows left ``running`` by a killed crawl as ``interrupted``: those of the given
        run ids (the scheduler closes its own crawl's rows), or of the given sources (a crawl
        that just took their leases, so whoever ran them is gone), or all of them. The counts
        written while the run went are kept. Returns how many were closed."""
        where, args = "status = 'running'", [iso(utc_now())]
        if run_ids:
            where += f" and run_id in ({placeholders(run_ids)})"
            args += list(run_ids)
        if sources:
            where += f" and source in ({placeholders(sources)})"
            args += list(sources)
        with self.write():
            cur = self._conn.execute(
                f"update crawl_runs set status = 'interrupted', ended = coalesce(ended, updated, ?) "
                f"where {where}", args)
        return cur.rowcount

    def runs(self, limit: int = 50, *, run_id: str | None = None,
             source: str | None = None) -> list[dict[str, Any]]:
        """The most recent run rows, newest first (one run's rows by source name), JSON columns
        as stored; only those of one run or one source if asked."""
        where, args = [], []
        if run_id:
            where.append("run_id = ?")
            args.append(run_id)
        if source:
            where.append("source = ?")
            args.append(source)
        cond = f"where {' and '.join(where)}" if where else ""
        order = "source" if run_id else "id desc"
        return self._dicts(f"select * from crawl_runs {cond} order by {order} limit ?",
                           [*args, limit])

    def runs_of(self, run_id: str) -> list[dict[str, Any]]:
        """Every source's row of one run, by source name, ``errors``/``skipped`` decoded."""
        rows = self._dicts("select * from crawl_runs where run_id = ? order by source", [run_id])
        return [_decoded(r) for r in rows]

    def runs_started_since(self, started: str) -> list[dict[str, Any]]:
        """Rows of runs started at or after ``started`` (an ISO 8601 UTC stamp), oldest first."""
        rows = self._dicts("select * from crawl_runs where started >= ? order by id", [started])
        return [_decoded(r) for r in rows]

    def sources_with_runs(self) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "select distinct source from crawl_runs order by source")]

    def run_history(self, source: str, limit: int) -> list[dict[str, Any]]:
        """A source's last ``limit`` runs, newest first, each with the word counts of the
        articles fetched while it ran (``word_counts``): what source health is judged on."""
        rows = [_decoded(r) for r in self._dicts(
            "select * from crawl_runs where source = ? order by started desc, id desc limit ?",
            [source, limit])]
        for row in rows:
            started = _parse(row["started"]) or utc_now()
            ended = _parse(row["ended"]) or utc_now()
            row["word_counts"] = tuple(int(w[0] or 0) for w in self._conn.execute(
                "select word_count from articles where source = ? and fetched_at >= ? "
                "and fetched_at <= ?",
                [source, _utc(started), _utc(ended + timedelta(seconds=1))]))
        return rows


_COUNT_COLUMNS = ("requests", "pages", "new_articles", "known_skipped", "too_old", "not_articles")
_COUNT_SET = ", ".join(f"{c} = ?" for c in (*_COUNT_COLUMNS, "errors", "error_count", "skipped"))


def _count_values(counts: Mapping[str, Any]) -> list[Any]:
    errors = dict(counts.get("errors", {}))
    return [*(counts.get(c, 0) for c in _COUNT_COLUMNS), json.dumps(errors, sort_keys=True),
            sum(errors.values()), json.dumps(dict(counts.get("skipped", {})), sort_keys=True)]


def _limits_json(limits: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(limits or {}), sort_keys=True, ensure_ascii=False)


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("errors", "skipped", "limits"):
        try:
            row[key] = json.loads(row.get(key) or "{}")
        except ValueError:
            row[key] = {}
    return row


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
