"""The crawl run: the one owner of a crawl's state, as a Scrapy extension.

Why an extension: the database, the sources and their windows, the counters and the frontier
belong to the run, not to the spider, and several components need them (the spider, the item
stages, the download middlewares, the progress lines). :class:`CrawlRun` opens them when the
spider opens and writes the run's rows when it closes; every component asks for it with
``CrawlRun.of(crawler)`` instead of reaching into another component's attributes.

Order in Scrapy (2.13+): the spider is built first (its arguments are read here), then the
extensions; the item pipelines' ``open_spider`` runs before ``spider_opened``, and the spider's
``start()`` is iterated only after ``spider_opened``, so the run is open before any request.

Settings read (defaults in ``crawler/settings.py``): ``PANTAU_SOURCES``, ``PANTAU_DB``,
``PANTAU_SINCE``, ``PANTAU_SELECT``, ``PANTAU_MAX_PAGES`` (each overridden by the spider argument
of the same meaning: ``sources``, ``db``, ``since``, ``select``, ``max_pages``, ``run_id``),
``PANTAU_FIRST_CRAWL_DAYS``, ``PANTAU_OVERLAP_DAYS``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.frontier import Frontier
from crawler.runstats import RunCounters, SourceCounts
from crawler.sources import Source, load_sources, select_sources
from crawler.window import parse_since, source_window
from pipelines.storage import Store


class CrawlRun:
    """One crawl of some sources into one database; Scrapy builds it from the settings."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        args = dict(getattr(crawler.spider, "run_args", {}) or {})

        def setting(arg: str, name: str) -> Any:
            value = args.get(arg)
            return value if value not in (None, "") else crawler.settings.get(name)

        self.run_id = str(args.get("run_id") or uuid.uuid4().hex[:12])
        self.now = datetime.now(UTC)
        self.db_path = str(setting("db", "PANTAU_DB"))
        all_sources = load_sources(str(setting("sources", "PANTAU_SOURCES")))
        wanted = [n for n in str(setting("select", "PANTAU_SELECT") or "").split(",") if n]
        self.sources: list[Source] = select_sources(all_sources, wanted) if wanted else all_sources
        self.by_name = {s.name: s for s in self.sources}
        self.since_arg = str(setting("since", "PANTAU_SINCE") or "")
        self.max_pages = int(setting("max_pages", "PANTAU_MAX_PAGES") or 0)
        self.counters = RunCounters(crawler.stats)
        self.store: Store | None = None
        self.windows: dict[str, datetime] = {}
        self.frontier = Frontier((), self.max_pages)
        self.run_rows: dict[str, int] = {}
        self.validators: dict[str, dict[str, tuple[str | None, str | None]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRun:
        if not hasattr(crawler.spider, "run_args"):
            raise NotConfigured("not a Pantau spider")
        run = cls(crawler)
        crawler.signals.connect(run.opened, signal=signals.spider_opened)
        crawler.signals.connect(run.closed, signal=signals.spider_closed)
        return run

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlRun:
        """The run of this crawler (the extension instance Scrapy built)."""
        for ext in getattr(crawler.extensions, "middlewares", ()):
            if isinstance(ext, cls):
                return ext
        raise LookupError("CrawlRun is not enabled (EXTENSIONS in crawler/settings.py)")

    # the run's life --------------------------------------------------------------------------
    def opened(self, spider: Spider) -> None:
        """Open the database, close what a killed crawl left running, fix each source's window
        and its known URLs, and start the run rows."""
        settings = self.crawler.settings
        self.store = Store(self.db_path)
        self.store.mark_interrupted_runs()
        self.store.register_sources(self.sources)
        fixed = parse_since(self.since_arg, self.now) if self.since_arg else None
        self.windows = {
            s.name: fixed or source_window(
                self.store.last_success(s.name), self.now,
                first_days=settings.getint("PANTAU_FIRST_CRAWL_DAYS"),
                overlap_days=settings.getint("PANTAU_OVERLAP_DAYS"))
            for s in self.sources}
        self.frontier = Frontier(self.store.known_urls(), self.max_pages)
        self.run_rows = {s.name: self.store.start_run(self.run_id, s.name, self.windows[s.name])
                         for s in self.sources}

    def closed(self, spider: Spider, reason: str) -> None:
        """Write each source's run row; only a run that fetched pages moves the window on.
        HTTP validators are saved only for sources whose run went without errors: a stale
        validator must never hide articles that a failed run did not get."""
        if self.store is None:
            return
        for src in self.sources:
            counts = self.counts(src.name)
            status = run_status(reason, counts)
            if status == "ok" and not counts.errors:
                for url, (etag, modified) in self.validators.get(src.name, {}).items():
                    self.store.save_validators(url, etag, modified)
            self.store.finish_run(self.run_rows[src.name], src.name, counts.as_row(), status)
        self.store.optimize()
        self.store.close()

    # what components ask ---------------------------------------------------------------------
    def counts(self, source: str) -> SourceCounts:
        return self.counters.counts(source)

    def remember_validators(self, source: str, url: str, etag: str | None,
                            last_modified: str | None) -> None:
        self.validators.setdefault(source, {})[url] = (etag, last_modified)

    def open_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("the crawl run is not open yet")
        return self.store


def run_status(reason: str, counts: SourceCounts) -> str:
    """ok: finished and the site answered; failed: nothing usable came back; else interrupted."""
    if reason != "finished":
        return "interrupted"
    return "ok" if counts.pages or counts.skipped.get("not_modified") else "failed"
