"""The crawl's side of the durable frontier: every URL recorded before it is fetched, every
outcome recorded after, and a busy database never costing an item.

Why its own module: the spider, the item stages and the crawl run all report to the durable
frontier (``pipelines/storage/frontier.py``), and each report must survive the same trouble: a
database another process keeps busy past the busy timeout. :class:`FrontierJournal` is the one
place that knows that a failed report is counted (``storage_busy``, an error of the source) and
logged, never raised into Scrapy, and that the row it could not update simply stays open, so the
next run does that URL again. Nothing here decides what to fetch: that is ``crawler.frontier``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from crawler.runstats import RunCounters
from pipelines.storage import DatabaseError, FrontierEntry, RetryPolicy, Store, is_busy

logger = logging.getLogger(__name__)
T = TypeVar("T")


class FrontierJournal:
    """Reports of one run to the durable frontier, each one its own short transaction."""

    def __init__(self, store: Store, run_id: str, counters: RunCounters,
                 policy: RetryPolicy) -> None:
        self.store = store
        self.run_id = run_id
        self.counters = counters
        self.policy = policy

    def _write(self, source: str, what: str, write: Callable[[], T]) -> T | None:
        """Run one write; a database still busy after the busy timeout is an error of the
        source (``storage_busy``), logged, and the URL stays open for the next run."""
        try:
            return write()
        except DatabaseError as exc:
            kind = "storage_busy" if is_busy(exc) else "storage_error"
            if source:
                self.counters.error(source, kind)
            logger.error("%s: could not record %s (%s); it stays open for the next run",
                         source, what, exc)
            return None

    def queue(self, source: str, entries: Iterable[FrontierEntry], *,
              page: tuple[str, str] | None = None) -> None:
        """URLs found (and optionally the state of the page they were found on)."""
        rows = list(entries)
        if rows or page:
            self._write(source, f"{len(rows)} new URLs",
                        lambda: self.store.queue(rows, self.run_id, page=page))

    def settle(self, source: str, key: str, state: str, *, reason: str | None = None,
               detail: str | None = None) -> None:
        self._write(source, f"{key} as {state}",
                    lambda: self.store.settle(key, state, self.run_id, reason=reason,
                                              detail=detail))

    def decided(self, source: str, page_keys: Iterable[str]) -> None:
        """Listing pages whose chain paged on or ended."""
        for key in page_keys:
            self.settle(source, key, "done")

    def failed(self, source: str, key: str, kind: str) -> None:
        """A failed fetch: retried on a later night with backoff, or given up at the cap."""
        self._write(source, f"{key} as failed",
                    lambda: self.store.failed(key, kind, self.run_id, self.policy))

    def dropped(self, source: str, key: str, reason: str, detail: str, *, url: str,
                html: bytes | None = None, http_status: int | None = None,
                content_type: str | None = None, encoding: str | None = None) -> None:
        """A page fetched and not stored, for good: its reason, and its raw page kept for
        ``pantau reextract --dropped``."""
        def write() -> None:
            with self.store.write():
                self.store.settle(key, "dropped", self.run_id, reason=reason, detail=detail[:500])
                if html is not None:
                    self.store.keep_dropped_page(key, url, source, html, http_status=http_status,
                                                 content_type=content_type, encoding=encoding)
        self._write(source, f"{key} as dropped", write)

    def path(self, source: str, url: str, kind: str, articles: int | None) -> None:
        """Discovery memory: a path that answered (with how many fresh links; ``None``: it was
        missing)."""
        self._write(source, f"discovery path {url}",
                    lambda: self.store.record_path(source, url, kind, found=articles is not None,
                                                   articles=articles or 0))

    def prune(self, older_than: datetime) -> None:
        removed = self._write("", "the retention of dropped pages",
                              lambda: self.store.prune_past_retention(older_than))
        if removed:
            logger.info("removed %d raw pages of dropped URLs past their retention", removed)
