"""Progress per source while a crawl runs: one line per source whose counts moved.

Written to stderr (not the log), so it shows with ``--quiet`` too. Setting read:
``PANTAU_PROGRESS_INTERVAL`` (seconds, default 10; 0 switches progress off).
"""

from __future__ import annotations

import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.run import CrawlRun


class SourceProgress:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
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
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self) -> None:
        try:
            run = CrawlRun.of(self.crawler)
        except LookupError:
            return
        for name in run.by_name:
            counts = run.counts(name)
            now = (counts.pages, counts.new_articles)
            if now != self.last.get(name, (0, 0)):
                self.last[name] = now
                print(f"  {name}: {counts.pages} pages, {counts.new_articles} new articles"
                      f"{', ' + str(sum(counts.errors.values())) + ' errors' if counts.errors else ''}",
                      file=sys.stderr, flush=True)

    def closed(self, spider: Any) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
