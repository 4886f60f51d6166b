"""The crawl run: the one owner of a crawl's state, as a Scrapy extension.

Why an extension: the database, the sources and their windows, the counters and the frontier
belong to the run, not to the spider, and several components need them (the spider, the item
stages, the download middlewares, the progress lines). :class:`CrawlRun` opens them when the
spider opens and writes the run's rows when it closes; every component asks for it with
``CrawlRun.of(crawler)`` instead of reaching into another component's attributes.

The order Scrapy 2.19 keeps (``scrapy/crawler.py`` ``Crawler.crawl``, ``core/engine.py``
``open_spider_async`` and ``close_spider_async``), and what this module builds on:

1. the spider is built (``NewsSpider.from_crawler``): its arguments wait in ``run_args``;
2. the stats collector, then the extensions (:meth:`CrawlRun.from_crawler` reads the spider's
   arguments and the settings, and loads the sources file); ``crawler.extensions`` is set only
   after every extension is built, so :meth:`CrawlRun.of` works from step 3 on;
3. the engine: downloader middlewares, spider middlewares and item pipelines;
4. the spider's ``start()`` is created (iterated only after step 6), the item pipelines'
   ``open_spider`` runs (``ScoreStage`` needs only the database path), then ``spider_opened``:
   :meth:`CrawlRun.opened` opens the database; then the first start request is read;
5. at the end: downloader, item pipelines' ``close_spider``, scheduler, then ``spider_closed``
   (:meth:`CrawlRun.closed` writes the run rows from the stats, still intact), then the stats
   collector closes.

What the run keeps so that nothing is lost (issue 11):

- **leases**: at open it takes each source's lease (``pipelines/storage/leases.py``); a source
  another crawl holds is skipped, with a ``skipped`` run row and a warning that names the
  holder; the heartbeat renews the leases, close gives them back;
- **the durable frontier**: what earlier runs left open is read at open (``resume``, oldest
  first) and done before new discovery; "known" for the stop rules is "stored or finished"
  (``Store.finished_keys``); every report goes through :class:`crawler.journal.FrontierJournal`;
- **counts while it goes**: the heartbeat (every ``PANTAU_HEARTBEAT_SECONDS``) writes each
  source's counts and limits to its run row, so a killed run's row says what it did;
- **stories**: articles a killed crawl stored without a story get one at the next open.

Settings read (defaults in ``crawler/settings.py``): ``PANTAU_SOURCES``, ``PANTAU_DB``,
``PANTAU_SINCE``, ``PANTAU_SELECT``, ``PANTAU_MAX_PAGES`` (each overridden by the spider argument
of the same meaning: ``sources``, ``db``, ``since``, ``select``, ``max_pages``; ``run_id`` too),
``PANTAU_MAX_LISTING_PAGES``, ``PANTAU_FIRST_CRAWL_DAYS``, ``PANTAU_OVERLAP_DAYS``,
``PANTAU_LEASE_SECONDS``, ``PANTAU_HEARTBEAT_SECONDS``, ``PANTAU_RETRY_AFTER_HOURS``,
``PANTAU_MAX_ATTEMPTS``, ``PANTAU_DROPPED_RETENTION_DAYS``, ``PANTAU_MAX_SOURCE_MINUTES``.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured
from twisted.internet import task

from crawler.frontier import Frontier
from crawler.journal import FrontierJournal
from crawler.limits import RunLimits
from crawler.runstats import RunCounters, SourceCounts
from crawler.sources import Source, load_sources, select_sources
from crawler.window import parse_since, source_window
from pipelines.storage import DatabaseError, RetryPolicy, Store
from pipelines.template import SiteTemplate

logger = logging.getLogger(__name__)

ARGUMENT_SETTINGS = {"sources": "PANTAU_SOURCES", "db": "PANTAU_DB", "since": "PANTAU_SINCE",
                     "select": "PANTAU_SELECT", "max_pages": "PANTAU_MAX_PAGES"}


class CrawlRun:
    """One crawl of some sources into one database."""

    def __init__(self, crawler: Crawler, sources: list[Source], *, db: str, since: str,
                 max_pages: int, max_depth: int, first_days: int, overlap_days: int,
                 run_id: str | None = None) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.now = datetime.now(UTC)
        self.sources = sources
        self.by_name = {s.name: s for s in sources}
        self.db_path = db
        self.since_arg = since            # "" = each source's own window
        self.first_days, self.overlap_days = first_days, overlap_days
        self.counters = RunCounters(crawler.stats)
        self.limits = RunLimits()
        self.frontier = Frontier((), max_pages=max_pages, max_depth=max_depth)  # until opened
        self.store: Store | None = None
        self.journal: FrontierJournal | None = None
        self.windows: dict[str, datetime] = {}
        self.templates: dict[str, SiteTemplate] = {}         # source → its learned template
        self.run_rows: dict[str, int] = {}
        self.skipped_busy: dict[str, dict[str, Any]] = {}   # source → the lease that holds it
        self.resume: list[dict[str, Any]] = []               # open frontier rows, oldest first
        self.validators: dict[str, dict[str, tuple[str | None, str | None]]] = {}
        self.lease_ttl = timedelta(seconds=settings.getfloat("PANTAU_LEASE_SECONDS"))
        self.heartbeat_seconds = settings.getfloat("PANTAU_HEARTBEAT_SECONDS")
        self.retry = RetryPolicy(first_hours=settings.getfloat("PANTAU_RETRY_AFTER_HOURS"),
                                 max_attempts=settings.getint("PANTAU_MAX_ATTEMPTS"))
        self.dropped_retention = timedelta(days=settings.getfloat("PANTAU_DROPPED_RETENTION_DAYS"))
        self.source_seconds = settings.getfloat("PANTAU_MAX_SOURCE_MINUTES") * 60
        self.source_began: dict[str, float] = {}
        self._heartbeat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRun:
        args = getattr(crawler.spider, "run_args", None)
        if args is None:
            raise NotConfigured("not a Pantau spider (no run_args)")
        run = cls(crawler, **run_options(crawler.settings, args))
        crawler.signals.connect(run.opened, signal=signals.spider_opened)
        crawler.signals.connect(run.closed, signal=signals.spider_closed)
        return run

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlRun:
        """The run of this crawler (the extension instance Scrapy built)."""
        for ext in getattr(getattr(crawler, "extensions", None), "middlewares", ()):
            if isinstance(ext, cls):
                return ext
        raise LookupError("CrawlRun is not enabled (EXTENSIONS in crawler/settings.py)")

    # the run's life --------------------------------------------------------------------------
    def opened(self, spider: Spider) -> None:
        """Open the run; a run that cannot open closes the spider before any request (the
        signal would otherwise only log the error and let the crawl go on without a run)."""
        try:
            self.open()
        except Exception as exc:
            logger.exception("the crawl run could not open %s", self.db_path)
            raise CloseSpider("pantau_run_not_opened") from exc

    def open(self) -> None:
        """Open the database; take the sources' leases (skipping those another crawl holds);
        close what a killed crawl left running on them and give its stored articles their
        stories; fix each source's window, its known URLs and its open work; start the run rows
        and the heartbeat."""
        self.store = store = Store(self.db_path)
        store.register_sources(self.sources)
        granted, refused = store.acquire_leases(
            [s.name for s in self.sources], self.run_id, pid=os.getpid(),
            host=socket.gethostname(), ttl=self.lease_ttl, alive=holder_alive)
        for name, lease in refused.items():
            logger.warning("source %s skipped: another crawl (run %s, pid %s on %s) has been "
                           "crawling it since %s", name, lease["holder"], lease["pid"],
                           lease["host"], lease["acquired_at"])
            self.skipped_busy[name] = lease
        self.sources = [s for s in self.sources if s.name in granted]
        self.by_name = {s.name: s for s in self.sources}
        store.mark_interrupted_runs(sources=granted)
        self._repair_stories(store, granted)
        self.windows = {s.name: self._window(store, s.name) for s in self.sources}
        known = store.known_urls() | store.finished_keys(self.windows)
        self.frontier = Frontier(known, max_pages=self.frontier.max_pages,
                                 max_depth=self.frontier.max_depth)
        self.resume = store.open_work(granted)
        self.journal = FrontierJournal(store, self.run_id, self.counters, self.retry)
        for name in refused:
            store.skip_run(self.run_id, name, None, "source_busy")
        self.run_rows = {s.name: store.start_run(self.run_id, s.name, self.windows[s.name])
                         for s in self.sources}
        if self.heartbeat_seconds > 0 and self.sources:
            self._heartbeat = task.LoopingCall(self.heartbeat)
            self._heartbeat.start(self.heartbeat_seconds, now=False)

    @staticmethod
    def _repair_stories(store: Store, sources: list[str]) -> None:
        """Stories are written with their article; a crawl killed before that (or a release
        that wrote them apart) left articles without one: they get theirs now."""
        orphans = store.articles_without_story(sources)
        for art in orphans:
            store.assign_story(art["id"], art["text"] or "",
                               datetime.fromisoformat(art["published"]) if art["published"] else None)
        if orphans:
            logger.info("gave %d stored articles their stories (left by a killed crawl)",
                        len(orphans))

    def heartbeat(self) -> None:
        """Renew the leases and write every source's counts so far (a busy database only
        delays this; the next beat tries again)."""
        if self.store is None:
            return
        try:
            self.store.renew_leases(self.run_id, self.lease_ttl)
            for src in self.sources:
                self.store.update_run(self.run_rows[src.name], self.counts(src.name).as_row(),
                                      self.limits.of(src.name))
        except DatabaseError as exc:
            logger.warning("heartbeat skipped: %s", exc)

    def _window(self, store: Store, source: str) -> datetime:
        if self.since_arg:
            return parse_since(self.since_arg, self.now)
        return source_window(store.last_success(source), self.now, first_days=self.first_days,
                             overlap_days=self.overlap_days)

    def closed(self, spider: Spider, reason: str) -> None:
        """Write each source's run row; only a run that fetched pages moves the window on.
        HTTP validators are saved only for sources whose run went without errors: a stale
        validator must never hide articles that a failed run did not get. Then the leases go
        back and raw pages of dropped URLs past their retention are removed."""
        if self.store is None:
            return
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        with self.store as store:
            for src in self.sources:
                counts = self.counts(src.name)
                status = run_status(reason, counts)
                if status == "ok" and not counts.errors:
                    for url, (etag, modified) in self.validators.get(src.name, {}).items():
                        store.save_validators(url, etag, modified)
                store.finish_run(self.run_rows[src.name], src.name, counts.as_row(), status,
                                 self.limits.of(src.name))
            store.release_leases(self.run_id)
            if self.journal is not None:
                self.journal.prune(datetime.now(UTC) - self.dropped_retention)
            store.optimize()
        self.store = None

    # what components ask ---------------------------------------------------------------------
    def counts(self, source: str) -> SourceCounts:
        return self.counters.counts(source)

    def remember_validators(self, source: str, url: str, etag: str | None,
                            last_modified: str | None) -> None:
        """Validators a feed or sitemap answered with; saved at close if the run went well."""
        self.validators.setdefault(source, {})[url] = (etag, last_modified)

    def open_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("the crawl run is not open")
        return self.store

    def open_journal(self) -> FrontierJournal:
        if self.journal is None:
            raise RuntimeError("the crawl run is not open")
        return self.journal

    def window_of(self, source: str, since: str | datetime | None) -> datetime:
        """The window a page is judged against: its own (an open frontier row keeps the window
        of the run that found it) or else the source's window in this run."""
        if isinstance(since, datetime):
            return since
        if since:
            return datetime.fromisoformat(since)
        return self.windows[source]

    def time_left(self, source: str) -> bool:
        """``PANTAU_MAX_SOURCE_MINUTES``: whether this source may still plan requests (its clock
        starts with its first planned request)."""
        if self.source_seconds <= 0:
            return True
        began = self.source_began.setdefault(source, time.monotonic())
        return time.monotonic() - began < self.source_seconds


def holder_alive(host: str | None, pid: int | None) -> bool:
    """Whether a lease holder may still run: on another host we cannot tell (its lease expires
    on its own), on this one its process must exist."""
    if not pid or host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_options(settings: Any, args: Mapping[str, Any]) -> dict[str, Any]:
    """:class:`CrawlRun`'s arguments: a spider argument wins over the setting of its meaning."""
    value = {arg: args.get(arg) if args.get(arg) not in (None, "") else settings.get(name)
             for arg, name in ARGUMENT_SETTINGS.items()}
    sources = load_sources(str(value["sources"]))
    wanted = [n for n in str(value["select"] or "").split(",") if n]
    return {"sources": select_sources(sources, wanted) if wanted else sources,
            "db": str(value["db"]), "since": str(value["since"] or ""),
            "max_pages": int(value["max_pages"] or 0),
            "max_depth": settings.getint("PANTAU_MAX_LISTING_PAGES"),
            "first_days": settings.getint("PANTAU_FIRST_CRAWL_DAYS"),
            "overlap_days": settings.getint("PANTAU_OVERLAP_DAYS"),
            "run_id": str(args.get("run_id") or "") or None}


def run_status(reason: str, counts: SourceCounts) -> str:
    """ok: finished and the site answered; failed: nothing usable came back; else interrupted."""
    if reason != "finished":
        return "interrupted"
    return "ok" if counts.pages or counts.skipped.get("not_modified") else "failed"
