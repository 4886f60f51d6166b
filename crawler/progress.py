"""Progress per source while a crawl runs: one line per source whose counts moved.

Written to stderr (not the log), so it shows with ``--quiet`` too. The counts are the crawl's
stats (``crawler.runstats`` knows the keys); the source names come from the crawl run. Setting
read: ``PANTAU_PROGRESS_INTERVAL`` (seconds, default in ``crawler/settings.py``; 0 switches
progress off).
"""

from __future__ import annotations

import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.run import CrawlRun
from crawler.runstats import SourceCounts


class SourceProgress:
    """Prints, every ``interval`` seconds, the sources whose pages or new articles moved."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.names: list[str] = []
        self.last: dict[str, tuple[int, int]] = {}
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceProgress:
        interval = crawler.settings.getfloat("PANTAU_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        """Start reporting on the crawl run's sources (none: nothing to report)."""
        try:
            self.names = list(CrawlRun.of(self.crawler).by_name)
        except LookupError:
            return
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self) -> None:
        for name in self.names:
            counts = SourceCounts.from_stats(self.crawler.stats, name)
            now = (counts.pages, counts.new_articles)
            if now != self.last.get(name, (0, 0)):
                self.last[name] = now
                print(progress_line(name, counts), file=sys.stderr, flush=True)

    def closed(self, spider: Any) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()


def progress_line(name: str, counts: SourceCounts) -> str:
    """``  lumajang: 12 pages, 9 new articles, 1 errors`` (the errors only when there are any)."""
    errors = f", {sum(counts.errors.values())} errors" if counts.errors else ""
    return f"  {name}: {counts.pages} pages, {counts.new_articles} new articles{errors}"
