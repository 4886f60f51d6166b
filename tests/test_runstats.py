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
