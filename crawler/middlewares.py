"""Pantau's downloader middlewares.

- :class:`SourceStatsMiddleware` (next to the network) counts, per source, every request sent
  (retries and redirect hops included) and every failed attempt by kind.
- :class:`ConditionalRequestMiddleware` (next to the engine) sends ``If-None-Match`` /
  ``If-Modified-Since`` for feeds, sitemaps and first listing pages (requests with
  ``meta["conditional"]``) and hands the new validators to the crawl run, which saves them only for
  sources whose run went without errors: a stale validator must never hide articles that a
  failed run did not get (the reason Media Cloud switched conditional GET off by default).

Both work for the crawl run (``CrawlRun.of(crawler)``, found when Scrapy builds them): its
counters (``crawler.stats``, keys in ``crawler.runstats``), its store and its validators. Requests
without a ``meta["source"]`` (Scrapy's own robots.txt fetches) are not counted. No settings of
their own.
"""

from __future__ import annotations

from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.run import CrawlRun
from crawler.runstats import error_kind


class _RunAware:
    """A middleware of the crawl run; switched off (``NotConfigured``) when there is no run,
    e.g. under ``scrapy fetch`` or ``scrapy shell`` in this project."""

    def __init__(self, crawler: Crawler, run: CrawlRun) -> None:
        self.crawler = crawler
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        try:
            return cls(crawler, CrawlRun.of(crawler))
        except LookupError as exc:
            raise NotConfigured(str(exc)) from exc


class SourceStatsMiddleware(_RunAware):
    def process_request(self, request: Request) -> None:
        source = request.meta.get("source")
        if source is not None:
            self.run.counters.add(source, "requests")

    def process_response(self, request: Request, response: Response) -> Response:
        source = request.meta.get("source")
        if request.meta.get("probe"):  # a guessed sitemap or robots.txt may rightly be missing
            return response
        if source is not None and response.status >= 400:
            self.run.counters.error(source, f"http_{response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        source = request.meta.get("source")
        if source is not None and not isinstance(exception, IgnoreRequest):
            self.run.counters.error(source, error_kind(exception))  # robots refusals are not errors


class ConditionalRequestMiddleware(_RunAware):
    def process_request(self, request: Request) -> None:
        if not request.meta.get("conditional"):
            return
        etag, last_modified = self.run.open_store().validators(request.url)
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode())
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified.encode())

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("conditional") and response.status == 200:
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            if etag or modified:
                self.run.remember_validators(
                    request.meta["source"], request.url,
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None)
        return response
