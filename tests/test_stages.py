"""The item-pipeline stages on real-looking pages, without a crawl (the crawl tests cover that)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import PageItem
from crawler.run import CrawlRun
from crawler.sources import Source
from pipelines.errors import Garbage, NotAnArticle, TooOld
from pipelines.stages import ExtractStage, StoreStage, WindowStage

WIB = timezone(timedelta(hours=7))
HOME = "https://tribratanews.tulungagung.example.id/"
PARAGRAPH = ("Tulungagung – Polres Tulungagung menggelar patroli skala besar di pusat kota pada "
             "Sabtu malam untuk menjaga situasi kamtibmas tetap kondusif menjelang akhir pekan. ")


def page(canonical: str, published: str = "2026-11-20T19:00:00+07:00") -> str:
    body = "".join(f"<p>{PARAGRAPH}Kalimat ke-{i} menjelaskan jalannya kegiatan.</p>" for i in range(6))
    return (f'<html lang="id"><head><title>Patroli Skala Besar – Tribratanews</title>'
            f'<link rel="canonical" href="{canonical}">'
            f'<meta property="og:type" content="article">'
            f'<meta property="article:published_time" content="{published}"></head>'
            f'<body><article><h1>Patroli Skala Besar</h1>{body}</article></body></html>')


def item(html: str, url: str) -> PageItem:
    return PageItem(url=url, url_key=url.rstrip("/"), response_url=url, source="polres",
                    html=html.encode(), text=html, encoding="utf-8", http_status=200,
                    content_type="text/html", fetched_at=datetime.now(UTC),
                    discovered_via="listing", aliases={url.rstrip("/")})


@pytest.fixture
def run() -> CrawlRun:
    """A crawl run of one source with a fixed window; no database (these stages need none)."""
    source = Source(name="polres", url=HOME, kind="police")
    run = CrawlRun(get_crawler(), [source], db=":memory:", since="", max_pages=0, max_depth=30,
                   first_days=30, overlap_days=1)
    run.now = datetime(2026, 11, 22, tzinfo=UTC)
    run.windows = {"polres": datetime(2026, 11, 15, tzinfo=WIB)}
    return run


def test_canonical_inside_the_site_becomes_the_identity_and_the_fetched_url_an_alias(
        run: CrawlRun) -> None:
    fetched = HOME + "?p=4812"
    canonical = HOME + "2026/11/20/patroli-skala-besar/"
    out = ExtractStage(run.crawler, run).process_item(item(page(canonical), fetched))
    assert out.url == canonical and out.url_key == canonical.rstrip("/")
    assert fetched.rstrip("/") in out.aliases


def test_canonical_on_another_site_is_ignored(run: CrawlRun) -> None:
    fetched = HOME + "2026/11/20/patroli-skala-besar/"
    out = ExtractStage(run.crawler, run).process_item(item(page("https://aggregator.example.com/x"), fetched))
    assert out.url == fetched


def test_articles_older_than_the_window_are_dropped(run: CrawlRun) -> None:
    url = HOME + "2026/11/01/patroli-lama/"
    old = ExtractStage(run.crawler, run).process_item(
        item(page(url, published="2026-11-01T08:00:00+07:00"), url))
    with pytest.raises(TooOld, match="older than the window"):
        WindowStage(run.crawler, run).process_item(old)
    assert run.counts("polres").too_old == 1


def test_a_day_only_date_on_the_windows_first_day_is_kept(run: CrawlRun) -> None:
    """The window opens at 02.55 WIB; a page printing only "15 November" may be from 10.00."""
    run.windows = {"polres": datetime(2026, 11, 15, 2, 55, tzinfo=WIB)}
    url = HOME + "2026/11/15/patroli-pagi/"
    fresh = ExtractStage(run.crawler, run).process_item(item(page(url, published="2026-11-15"), url))
    assert WindowStage(run.crawler, run).process_item(fresh) is fresh
    older = ExtractStage(run.crawler, run).process_item(item(page(url, published="2026-11-14"), url))
    with pytest.raises(TooOld):
        WindowStage(run.crawler, run).process_item(older)


def test_a_listing_page_is_not_an_article(run: CrawlRun) -> None:
    links = "".join(f'<li><a href="{HOME}2026/11/{i:02d}/berita-{i}/">Berita nomor {i} hari ini</a></li>'
                    for i in range(1, 30))
    html = f"<html><head><title>Berita – Tribratanews</title></head><body><ul>{links}</ul></body></html>"
    with pytest.raises(NotAnArticle, match="not an article"):
        ExtractStage(run.crawler, run).process_item(item(html, HOME + "kategori/berita/"))
    assert run.counts("polres").not_articles == 1


def test_a_page_that_does_not_decode_is_garbage_and_counted_as_an_error(run: CrawlRun) -> None:
    html = "<html><body>" + "\ufffd\x00\x01" * 400 + "</body></html>"
    with pytest.raises(Garbage) as caught:
        ExtractStage(run.crawler, run).process_item(item(html, HOME + "2026/11/20/rusak/"))
    assert isinstance(caught.value, NotAnArticle)   # the tree: garbage is not an article
    assert run.counts("polres").errors == {"garbage": 1}


def test_the_stages_switch_off_without_a_crawl_run() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(StoreStage, get_crawler())
