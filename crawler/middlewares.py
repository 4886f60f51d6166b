"""Pantau's downloader middlewares.

- :class:`SourceStatsMiddleware` (next to the network) counts, per source, every request sent
  (retries and redirect hops included) and every failed attempt by kind.
- :class:`ConditionalRequestMiddleware` (next to the engine) sends ``If-None-Match`` /
  ``If-Modified-Since`` for feeds, sitemaps and first listing pages (requests with
  ``meta["conditional"]``) and hands the new validators to the spider, which saves them only for
  sources whose run went without errors: a stale validator must never hide articles that a
  failed run did not get (the reason Media Cloud switched conditional GET off by default).

Both find the run's counters on the spider (``spider.counts(source)``); requests without a
``meta["source"]`` (Scrapy's own robots.txt fetches) are not counted.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.runstats import error_kind


class _SpiderAware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def _counts(self, request: Request) -> Any:
        source = request.meta.get("source")
        spider = self.crawler.spider
        if source is None or not hasattr(spider, "counts"):
            return None
        return spider.counts(source)


class SourceStatsMiddleware(_SpiderAware):
    def process_request(self, request: Request) -> None:
        counts = self._counts(request)
        if counts is not None:
            counts.requests += 1

    def process_response(self, request: Request, response: Response) -> Response:
        counts = self._counts(request)
        if request.meta.get("probe"):  # a guessed sitemap or robots.txt may rightly be missing
            return response
        if counts is not None and response.status >= 400:
            counts.errors[f"http_{response.status}"] += 1
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        counts = self._counts(request)
        if counts is not None and not isinstance(exception, IgnoreRequest):
            counts.errors[error_kind(exception)] += 1  # robots.txt refusals are not errors


class ConditionalRequestMiddleware(_SpiderAware):
    def process_request(self, request: Request) -> None:
        store = getattr(self.crawler.spider, "store", None)
        if not request.meta.get("conditional") or store is None:
            return
        etag, last_modified = store.validators(request.url)
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode())
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified.encode())

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("conditional") and response.status == 200:
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            if etag or modified:
                self.crawler.spider.remember_validators(
                    request.meta["source"], request.url,
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None)
        return response
