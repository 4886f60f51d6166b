"""Counters of a crawl run: error kind names, the stats keys, and the run rows built from them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import AsyncCrawlerRunner, Crawler, CrawlerRunner
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.utils.reactor import is_reactor_installed
from scrapy.utils.test import get_crawler, get_reactor_settings
from twisted.internet.error import DNSLookupError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawler.run import CrawlRun, run_status
from crawler.runstats import RunCounters, SourceCounts, error_kind
from crawler.spiders.news import NewsSpider
from pipelines.storage import Store


def test_scrapy_and_twisted_errors_share_kind_names() -> None:
    assert error_kind(DownloadConnectionRefusedError("refused")) == "connection_refused"
    assert error_kind(DownloadTimeoutError("took longer than 3 seconds")) == "timeout"
    assert error_kind(TwistedTimeoutError()) == "timeout"
    assert error_kind(CannotResolveHostError("no such host")) == "dns"
    assert error_kind(DNSLookupError()) == "dns"


def test_an_unknown_error_is_named_after_its_class() -> None:
    assert error_kind(ValueError("x")) == "valueerror"
    assert error_kind(RuntimeError("Cancelling download: larger than DOWNLOAD_MAXSIZE")) == "too_large"


# counters in Scrapy's stats ----------------------------------------------------------------------
def test_counters_live_in_scrapy_stats_under_one_prefix_per_source() -> None:
    stats = get_crawler().stats
    counters = RunCounters(stats)
    counters.add("polres", "requests", 3)
    counters.error("polres", "http_404")
    counters.error("polres", "http_404")
    counters.skip("polres", "not_modified")
    counters.add("polres-kota", "pages")
    counters.skip("polres", "over_max_pages", 0)    # nothing happened: nothing written
    assert stats.get_value("pantau/polres/requests") == 3
    assert stats.get_value("pantau/polres/errors/http_404") == 2
    assert "pantau/polres/skipped/over_max_pages" not in stats.get_stats()
    counts = SourceCounts.from_stats(stats, "polres")
    assert counts.as_row() == {"requests": 3, "pages": 0, "new_articles": 0, "known_skipped": 0,
                               "too_old": 0, "not_articles": 0, "errors": {"http_404": 2},
                               "skipped": {"not_modified": 1}}
    assert SourceCounts.from_stats(stats, "polres-kota").pages == 1
    with pytest.raises(KeyError):
        counters.add("polres", "typo")


def test_run_status() -> None:
    assert run_status("finished", SourceCounts(pages=1)) == "ok"
    assert run_status("finished", SourceCounts(skipped=Counter(not_modified=2))) == "ok"
    assert run_status("finished", SourceCounts(requests=3)) == "failed"
    assert run_status("shutdown", SourceCounts(pages=9)) == "interrupted"


# the crawl run -----------------------------------------------------------------------------------
SOURCES = """sources:
  - name: polres
    url: http://127.0.0.2/
  - name: kominfo
    url: http://127.0.0.3/
"""


def news_crawler(settings: dict[str, Any], **spider_args: Any) -> Crawler:
    """A crawler set up the way ``Crawler.crawl`` does it (spider, then extensions), without
    crawling: Pantau's project settings under ``settings``."""
    import crawler.settings as project

    values = {k: getattr(project, k) for k in dir(project) if k.isupper()}
    values.update(get_reactor_settings(), **settings)
    runner = CrawlerRunner(values) if is_reactor_installed() else AsyncCrawlerRunner(values)
    built = runner.create_crawler(NewsSpider)
    built.spider = built._create_spider(**spider_args)
    built._apply_settings()
    return built


def test_spider_arguments_win_over_settings_and_the_run_is_the_extension(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(SOURCES, encoding="utf-8")
    built = news_crawler({"PANTAU_SOURCES": str(tmp_path / "s.yaml"), "PANTAU_MAX_PAGES": 7,
                          "PANTAU_DB": str(tmp_path / "settings.db")},
                         db=str(tmp_path / "arg.db"), select="kominfo", run_id="r1")
    run = CrawlRun.of(built)
    assert [s.name for s in run.sources] == ["kominfo"]
    assert run.db_path == str(tmp_path / "arg.db") and run.run_id == "r1"
    assert run.frontier.max_pages == 7 and run.frontier.max_depth == 30


def test_the_run_writes_its_rows_from_the_stats_and_saves_validators_of_clean_runs(
        tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(SOURCES, encoding="utf-8")
    db = tmp_path / "p.db"
    built = news_crawler({"PANTAU_SOURCES": str(tmp_path / "s.yaml")}, db=str(db), since="3d",
                         run_id="r2")
    run = CrawlRun.of(built)
    run.opened(built.spider)
    assert set(run.windows) == {"polres", "kominfo"}
    for name in ("polres", "kominfo"):
        run.counters.add(name, "pages", 2)
        run.remember_validators(name, f"http://{name}/feed", f'"{name}"', None)
    run.counters.add("polres", "new_articles")
    run.counters.error("kominfo", "http_500")
    run.closed(built.spider, "finished")
    with Store(db) as store:
        rows = {r["source"]: r for r in store.runs_of("r2")}
        assert rows["polres"]["status"] == rows["kominfo"]["status"] == "ok"
        assert rows["polres"]["new_articles"] == 1 and rows["kominfo"]["errors"] == {"http_500": 1}
        assert store.validators("http://polres/feed") == ('"polres"', None)
        assert store.validators("http://kominfo/feed") == (None, None)   # a run with errors


# failed pages named by kind: maxsize, gzip bombs, redirect loops ---------------------------------
# Real exceptions from Scrapy's own code: its maxsize helpers, its Twisted-exception wrapper and its
# middlewares fed real Request/Response objects (the end-to-end path is test_crawl's demo crawl).
# Imports stay inside the tests so this block is one piece.

def test_a_page_over_download_maxsize_is_too_large_and_other_cancellations_stay_cancelled() -> None:
    from scrapy import Request
    from scrapy.core.downloader.handlers._base_streaming import BaseStreamingDownloadHandler
    from scrapy.exceptions import DownloadCancelledError
    from scrapy.utils._download_handlers import wrap_twisted_exceptions
    from twisted.internet.defer import CancelledError

    request = Request("http://127.0.0.7/berita/rekap-laporan-kamtibmas-setahun-penuh")
    for expected in (True, False):    # announced by Content-Length, or counted while streaming
        with pytest.raises(DownloadCancelledError) as cancelled:
            BaseStreamingDownloadHandler._cancel_maxsize(9 * 2**20, 8 * 2**20, request, expected=expected)
        assert "larger than download max size (8388608)" in str(cancelled.value)
        assert error_kind(cancelled.value) == "too_large"
    # what the HTTP/1.1 handler raises for a body without Content-Length that grows past the
    # limit, and for any other cancelled Deferred: nothing in it says why, so it stays cancelled
    with pytest.raises(DownloadCancelledError) as bare:
        with wrap_twisted_exceptions():
            raise CancelledError()
    assert str(bare.value) == "" and error_kind(bare.value) == "cancelled"
    # Scrapy < 2.14 raised Twisted's CancelledError with its own maxsize message
    old = CancelledError(f"Cancelling download of {request.url}: expected response size (9437184) "
                         f"larger than download max size (8388608).")
    assert error_kind(old) == "too_large"


def test_scrapy_refusals_of_a_gzip_bomb_a_redirect_loop_and_an_oversized_page_are_named() -> None:
    import gzip
    from datetime import datetime
    from urllib.parse import parse_qsl, urlsplit

    from scrapy import Request
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
    from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import HtmlResponse, Response
    from scrapy.utils._download_handlers import get_maxsize_msg

    from crawler.demo.model import WIB
    from crawler.demo.model import Request as DemoRequest
    from crawler.demo.sites import build_sites
    from crawler.demo.templates.broken import BrokenPortal, gzip_bomb
    from crawler.runstats import ignored_kind

    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 8 * 2**20})
    url = "http://127.0.0.7/berita/arsip-berita-terkompresi-tanpa-batas"
    inflate = HttpCompressionMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest) as bomb:
        inflate.process_response(Request(url), Response(url, body=gzip_bomb(),
                                                        headers={"Content-Encoding": "gzip"}))
    assert ignored_kind(bomb.value) == "decompression_bomb"
    with pytest.raises(IgnoreRequest) as small_limit:   # a per-request limit, same refusal
        inflate.process_response(Request(url, meta={"download_maxsize": 4096}),
                                 Response(url, body=gzip.compress(b"<p>berita</p>" * 1000),
                                          headers={"Content-Encoding": "gzip"}))
    assert ignored_kind(small_limit.value) == "decompression_bomb"
    fine = inflate.process_response(Request(url), Response(url, body=gzip.compress(b"<p>berita</p>"),
                                                           headers={"Content-Encoding": "gzip"}))
    assert fine.body == b"<p>berita</p>"

    # the demo portal's loop, answered by its own template, followed by Scrapy's middleware
    site = build_sites(datetime(2026, 11, 20, 10, 0, tzinfo=WIB))["portal-rusak"]
    base = "http://127.0.0.7"
    follow = RedirectMiddleware.from_crawler(crawler)
    request, hops = Request(base + BrokenPortal.LOOP_A), 0
    with pytest.raises(IgnoreRequest) as loop:
        while True:
            parts = urlsplit(request.url)
            reply = site.serve(DemoRequest(path=parts.path, query=dict(parse_qsl(parts.query)),
                                           target=parts.path, base_url=base))
            request = follow.process_response(request, HtmlResponse(request.url, status=reply.status,
                                                                   headers=reply.headers, request=request))
            hops += 1
    assert hops == crawler.settings.getint("REDIRECT_MAX_TIMES")
    assert str(loop.value) == "max redirections reached" and ignored_kind(loop.value) == "redirect_loop"

    # any other refusal that names the size limit (no Scrapy middleware raises one today)
    other = IgnoreRequest(get_maxsize_msg(9 * 2**20, 8 * 2**20, Request(url), expected=True))
    assert ignored_kind(other) == "too_large"


def test_robots_offsite_and_http_errors_are_not_page_errors() -> None:
    from scrapy import Request, Spider
    from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
    from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
    from scrapy.http import Response
    from scrapy.robotstxt import ProtegoRobotParser
    from scrapy.spidermiddlewares.httperror import HttpError, HttpErrorMiddleware
    from scrapy.utils.misc import build_from_crawler

    from crawler.runstats import ignored_kind

    class Polres(Spider):
        name = "polres"
        allowed_domains = ["polres.example"]

    crawler = get_crawler(Polres, {"ROBOTSTXT_OBEY": True})
    crawler.spider = Polres.from_crawler(crawler)
    robots = RobotsTxtMiddleware.from_crawler(crawler)
    parser = build_from_crawler(ProtegoRobotParser, crawler, b"User-agent: *\nDisallow: /pracetak/\n")
    with pytest.raises(IgnoreRequest) as forbidden:
        robots.process_request_2(parser, Request("http://polres.example/pracetak/draf"))
    offsite = OffsiteMiddleware.from_crawler(crawler)
    offsite.spider_opened(crawler.spider)
    with pytest.raises(IgnoreRequest) as elsewhere:
        offsite.process_request(Request("http://lain.example/berita/x"))
    gone = Request("http://polres.example/berita/dihapus")
    with pytest.raises(HttpError) as http_error:
        HttpErrorMiddleware.from_crawler(crawler).process_spider_input(
            Response(gone.url, status=404, request=gone))
    assert [ignored_kind(e.value) for e in (forbidden, elsewhere, http_error)] == [None, None, None]
    assert ignored_kind(IgnoreRequest()) is None
    assert ignored_kind(DownloadCancelledError("larger than download max size (1)")) is None  # not ignored

