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

Settings read (defaults in ``crawler/settings.py``): ``PANTAU_SOURCES``, ``PANTAU_DB``,
``PANTAU_SINCE``, ``PANTAU_SELECT``, ``PANTAU_MAX_PAGES`` (each overridden by the spider argument
of the same meaning: ``sources``, ``db``, ``since``, ``select``, ``max_pages``; ``run_id`` too),
``PANTAU_MAX_LISTING_PAGES``, ``PANTAU_FIRST_CRAWL_DAYS``, ``PANTAU_OVERLAP_DAYS``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, NotConfigured

from crawler.frontier import Frontier
from crawler.runstats import RunCounters, SourceCounts
from crawler.sources import Source, load_sources, select_sources
from crawler.window import parse_since, source_window
from pipelines.storage import Store

logger = logging.getLogger(__name__)

ARGUMENT_SETTINGS = {"sources": "PANTAU_SOURCES", "db": "PANTAU_DB", "since": "PANTAU_SINCE",
                     "select": "PANTAU_SELECT", "max_pages": "PANTAU_MAX_PAGES"}


class CrawlRun:
    """One crawl of some sources into one database."""

    def __init__(self, crawler: Crawler, sources: list[Source], *, db: str, since: str,
                 max_pages: int, max_depth: int, first_days: int, overlap_days: int,
                 run_id: str | None = None) -> None:
        self.crawler = crawler
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.now = datetime.now(UTC)
        self.sources = sources
        self.by_name = {s.name: s for s in sources}
        self.db_path = db
        self.since_arg = since            # "" = each source's own window
        self.first_days, self.overlap_days = first_days, overlap_days
        self.counters = RunCounters(crawler.stats)
        self.frontier = Frontier((), max_pages=max_pages, max_depth=max_depth)  # until opened
        self.store: Store | None = None
        self.windows: dict[str, datetime] = {}
        self.run_rows: dict[str, int] = {}
        self.validators: dict[str, dict[str, tuple[str | None, str | None]]] = {}

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
        """Open the database, close what a killed crawl left running, fix each source's window
        and its known URLs, and start the run rows."""
        self.store = store = Store(self.db_path)
        store.mark_interrupted_runs()
        store.register_sources(self.sources)
        self.windows = {s.name: self._window(store, s.name) for s in self.sources}
        self.frontier = Frontier(store.known_urls(), max_pages=self.frontier.max_pages,
                                 max_depth=self.frontier.max_depth)
        self.run_rows = {s.name: store.start_run(self.run_id, s.name, self.windows[s.name])
                         for s in self.sources}

    def _window(self, store: Store, source: str) -> datetime:
        if self.since_arg:
            return parse_since(self.since_arg, self.now)
        return source_window(store.last_success(source), self.now, first_days=self.first_days,
                             overlap_days=self.overlap_days)

    def closed(self, spider: Spider, reason: str) -> None:
        """Write each source's run row; only a run that fetched pages moves the window on.
        HTTP validators are saved only for sources whose run went without errors: a stale
        validator must never hide articles that a failed run did not get."""
        if self.store is None:
            return
        with self.store as store:
            for src in self.sources:
                counts = self.counts(src.name)
                status = run_status(reason, counts)
                if status == "ok" and not counts.errors:
                    for url, (etag, modified) in self.validators.get(src.name, {}).items():
                        store.save_validators(url, etag, modified)
                store.finish_run(self.run_rows[src.name], src.name, counts.as_row(), status)
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
