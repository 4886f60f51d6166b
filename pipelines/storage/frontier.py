"""The durable frontier: what crawls discovered and have not finished, and how each URL ended.

Why in the database: a crawl that is killed, stopped at its time limit, cut by a limit or kept
waiting by a second writer used to lose whatever was only in the spider's memory. Each URL a
crawl means to fetch is a row of ``frontier`` before it is requested, and its row says how it
ended; the next run starts with the rows that did not end (oldest first).

A row (``key`` is the article's identity, ``crawler.urls.canonical_url``, or a discovery page's
URL)::

    kind   article | listing | feed | sitemap
    state  queued   to fetch (new, cut by a limit, or left by an interrupted run)
           fetched  a discovery page read, its listing chain not yet decided
           done     a discovery page whose chain went on or ended
           stored   an article stored (its ``articles`` row was written in the same transaction)
           dropped  fetched and not stored, for good: ``reason`` (too_old, not_article, …) and
                    the extractor's ``detail``; the raw page is kept in ``dropped_pages``
           failed   the fetch failed (``reason`` the error kind); tried again from ``next_try``
                    on, with backoff, until ``attempts`` reaches the cap, then dropped
                    (``gave_up``)

``since`` is the window a row is judged against: the window of the run that found it, kept when
a later run (with a window that moved on) resumes it, so an archive cut by a limit is completed
over later nights instead of being discarded as too old.

The stop rules count a URL as known once it is *finished* (stored, dropped, or failed and not
yet due): a listing chain that an interrupted run left half way does not end at its first page.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pipelines.storage.base import StoreBase, iso, placeholders, utc_now

OPEN_STATES = ("queued", "fetched")
FINISHED_STATES = ("stored", "dropped", "done")
KINDS = ("article", "listing", "feed", "sitemap")


@dataclass(frozen=True)
class FrontierEntry:
    """One URL a crawl means to fetch."""

    key: str
    url: str
    source: str
    kind: str                       # article | listing | feed | sitemap
    via: str                        # the discovery path: home, listing, feed, sitemap …
    since: datetime | None          # the window it is judged against
    found_on: str | None = None     # the page it was found on
    chain: str | None = None        # a listing chain's first page
    depth: int = 1
    template: str | None = None     # a sources-file listing template
    listed_published: datetime | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """Failed fetches are tried again on later nights: after ``first_hours``, doubling, until
    ``max_attempts`` attempts have failed (then the URL is dropped as ``gave_up``)."""

    first_hours: float = 20.0
    max_attempts: int = 4

    def next_try(self, attempts: int, now: datetime) -> datetime:
        return now + timedelta(hours=self.first_hours * 2 ** max(0, attempts - 1))


class FrontierMixin(StoreBase):
    # what the stop rules know ----------------------------------------------------------------
    def finished_keys(self, windows: Mapping[str, datetime],
                      now: datetime | None = None) -> set[str]:
        """Keys of these sources (``{source: this run's window}``) that need no fetch now:
        stored, dropped, done, or failed and not yet due again. A page dropped as too old is
        finished only for a window no wider than the one it was too old for: a crawl that looks
        further back fetches it again."""
        if not windows:
            return set()
        stamp = iso(now or utc_now())
        sources = list(windows)
        keys = set()
        for key, source, reason, since in self._conn.execute(
                f"select key, source, reason, since from frontier where source in "
                f"({placeholders(sources)}) and (state in ({placeholders(FINISHED_STATES)}) "
                f"or (state = 'failed' and next_try > ?))", [*sources, *FINISHED_STATES, stamp]):
            if reason == "too_old" and since and windows[source] < datetime.fromisoformat(since):
                continue
            keys.add(key)
        return keys

    def open_work(self, sources: Sequence[str], now: datetime | None = None) -> list[dict[str, Any]]:
        """Rows of these sources left to do (queued, read but undecided, failed and due), oldest
        first: what a run finishes before it discovers anything new."""
        if not sources:
            return []
        stamp = iso(now or utc_now())
        return self._dicts(
            f"select * from frontier where source in ({placeholders(sources)}) and "
            f"(state in ({placeholders(OPEN_STATES)}) or (state = 'failed' and next_try <= ?)) "
            f"order by first_seen, rowid", [*sources, *OPEN_STATES, stamp])

    def open_counts(self, sources: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
        """Per source, how many rows are in each state (``pantau sources``, ``pantau health``)."""
        where, args = ("", [])
        if sources:
            where, args = f"where source in ({placeholders(sources)})", list(sources)
        out: dict[str, dict[str, int]] = {}
        for source, state, n in self._conn.execute(
                f"select source, state, count(*) from frontier {where} group by source, state", args):
            out.setdefault(source, {})[state] = n
        return out

    # writing ---------------------------------------------------------------------------------
    def queue(self, entries: Iterable[FrontierEntry], run_id: str, *,
              page: tuple[str, str] | None = None) -> int:
        """Record URLs to fetch (a URL already there keeps its state; a queued one keeps the
        older window), and optionally set the state of the page they were found on (``(key,
        state)``) in the same transaction. Returns how many rows are new."""
        now = iso(utc_now())
        rows = [(e.key, e.url, e.source, e.kind, e.via, e.found_on, e.chain, e.depth, e.template,
                 iso(e.since), iso(e.listed_published), now, run_id) for e in entries]
        with self.write():
            before = self._conn.total_changes
            self._conn.executemany(
                "insert into frontier (key, url, source, kind, via, found_on, chain, depth, "
                "template, since, listed_published, state, first_seen, run_id) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?) "
                "on conflict(key) do update set since = min(coalesce(since, excluded.since), "
                "coalesce(excluded.since, since)) where state = 'queued'", rows)
            added = self._conn.total_changes - before
            if page is not None:
                self._set_state(page[0], page[1], run_id, now)
        return added

    def settle(self, key: str, state: str, run_id: str, *, reason: str | None = None,
               detail: str | None = None) -> None:
        """A URL's outcome: ``stored``, ``dropped`` (with its reason), ``fetched`` or ``done``."""
        with self.write():
            self._set_state(key, state, run_id, iso(utc_now()), reason=reason, detail=detail)

    def _set_state(self, key: str, state: str, run_id: str, now: str | None, *,
                   reason: str | None = None, detail: str | None = None) -> None:
        self._conn.execute(
            "update frontier set state = ?, reason = ?, detail = ?, run_id = ?, last_tried = ?, "
            "next_try = null where key = ?", [state, reason, detail, run_id, now, key])

    def failed(self, key: str, kind: str, run_id: str, policy: RetryPolicy) -> str:
        """A failed fetch: tried again later with backoff, or dropped as ``gave_up`` once the
        cap is reached. Returns the row's new state."""
        now = utc_now()
        with self.write():
            row = self._conn.execute("select attempts from frontier where key = ?", [key]).fetchone()
            if row is None:
                return "failed"
            attempts = int(row[0]) + 1
            if attempts >= policy.max_attempts:
                state, reason, due = "dropped", f"gave_up:{kind}", None
            else:
                state, reason, due = "failed", kind, iso(policy.next_try(attempts, now))
            self._conn.execute(
                "update frontier set state = ?, reason = ?, attempts = ?, run_id = ?, "
                "last_tried = ?, next_try = ? where key = ?",
                [state, reason, attempts, run_id, iso(now), due, key])
        return state

    # pages not stored ------------------------------------------------------------------------
    def keep_dropped_page(self, key: str, url: str, source: str, html: bytes, *,
                          http_status: int | None, content_type: str | None,
                          encoding: str | None) -> None:
        """Keep the raw page of a dropped URL (``pantau reextract --dropped``)."""
        with self.write():
            self._conn.execute(
                "insert into dropped_pages (key, url, source, fetched_at, http_status, "
                "content_type, encoding, html_zlib) values (?, ?, ?, ?, ?, ?, ?, ?) "
                "on conflict(key) do update set url = excluded.url, fetched_at = "
                "excluded.fetched_at, http_status = excluded.http_status, html_zlib = "
                "excluded.html_zlib, encoding = excluded.encoding",
                [key, url, source, iso(utc_now()), http_status, content_type, encoding,
                 zlib.compress(html, 6)])

    def dropped(self, *, run_id: str | None = None, source: str | None = None,
                limit: int = 100) -> list[dict[str, Any]]:
        """Dropped and given-up URLs, newest first, each with its run, reason and detail and
        whether its raw page is still kept."""
        where, args = ["f.state = 'dropped'"], []
        if run_id:
            where.append("f.run_id = ?")
            args.append(run_id)
        if source:
            where.append("f.source = ?")
            args.append(source)
        return self._dicts(
            "select f.url, f.source, f.run_id, f.kind, f.reason, f.detail, f.attempts, "
            "f.last_tried, d.key is not null as raw_kept from frontier f "
            "left join dropped_pages d on d.key = f.key "
            f"where {' and '.join(where)} order by f.last_tried desc, f.rowid desc limit ?",
            [*args, limit])

    def iter_dropped_pages(self) -> Iterator[dict[str, Any]]:
        """Every kept dropped page with its frontier row, in key order, decompressed."""
        last = ""
        while True:
            rows = self._dicts(
                "select d.key, d.url, d.source, d.encoding, d.html_zlib, d.http_status, "
                "d.content_type, d.fetched_at, f.reason, f.via, f.since, f.listed_published, "
                "f.run_id from dropped_pages d "
                "join frontier f on f.key = d.key where d.key > ? and f.state = 'dropped' "
                "order by d.key limit 100", [last])
            if not rows:
                return
            for row in rows:
                packed = row.pop("html_zlib")
                row["html"] = zlib.decompress(packed) if packed else b""
                yield row
            last = rows[-1]["key"]

    def forget_dropped_page(self, key: str) -> None:
        with self.write():
            self._conn.execute("delete from dropped_pages where key = ?", [key])

    def prune_past_retention(self, older_than: datetime) -> int:
        """Past the retention period: raw pages of dropped URLs are deleted (their rows stay:
        they keep the URL from being fetched again), and rows of stored articles and decided
        pages go (the ``articles`` table and its aliases know those URLs for good)."""
        with self.write():
            cur = self._conn.execute("delete from dropped_pages where fetched_at < ?",
                                     [iso(older_than)])
            self._conn.execute("delete from frontier where state in ('stored', 'done') "
                               "and last_tried < ?", [iso(older_than)])
        return cur.rowcount

    # discovery memory ------------------------------------------------------------------------
    def discovery_paths(self, source: str | None = None) -> list[dict[str, Any]]:
        where, args = ("where source = ?", [source]) if source else ("", [])
        return self._dicts(f"select * from discovery_paths {where} order by source, url", args)

    def missing_paths(self, source: str, checked_after: datetime) -> set[str]:
        """Guessed paths of this source found missing and checked since ``checked_after``:
        not probed again before that is a week old."""
        return {r[0] for r in self._conn.execute(
            "select url from discovery_paths where source = ? and status = 'missing' "
            "and checked_at >= ?", [source, iso(checked_after)])}

    def record_path(self, source: str, url: str, kind: str, *, found: bool,
                    articles: int = 0) -> None:
        """A discovery path answered (``found``) or was missing (a 404 or 410 probe)."""
        now = iso(utc_now())
        with self.write():
            self._conn.execute(
                "insert into discovery_paths (source, url, kind, status, articles, checked_at, "
                "missing_since) values (?, ?, ?, ?, ?, ?, ?) on conflict(source, url) do update "
                "set status = excluded.status, kind = excluded.kind, "
                "articles = excluded.articles, checked_at = excluded.checked_at, "
                "missing_since = case when excluded.status = 'missing' "
                "then coalesce(discovery_paths.missing_since, excluded.checked_at) else null end",
                [source, url, kind, "found" if found else "missing", articles, now,
                 None if found else now])
