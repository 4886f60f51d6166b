"""The item-pipeline stages on real-looking pages, without a crawl (the crawl tests cover that)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem

from crawler.items import PageItem
from crawler.runstats import SourceCounts
from crawler.sources import Source
from pipelines.stages import ExtractStage, WindowStage

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
                    content_type="text/html", fetched_at=datetime.now(timezone.utc),
                    discovered_via="listing", aliases={url.rstrip("/")})


@pytest.fixture
def crawler() -> SimpleNamespace:
    counts = SourceCounts()
    spider = SimpleNamespace(
        by_name={"polres": Source(name="polres", url=HOME, kind="police")},
        counts=lambda name: counts, now=datetime(2026, 11, 22, tzinfo=timezone.utc),
        windows={"polres": datetime(2026, 11, 15, tzinfo=WIB)})
    return SimpleNamespace(spider=spider)


def test_canonical_inside_the_site_becomes_the_identity_and_the_fetched_url_an_alias(
        crawler: SimpleNamespace) -> None:
    fetched = HOME + "?p=4812"
    canonical = HOME + "2026/11/20/patroli-skala-besar/"
    out = ExtractStage(crawler).process_item(item(page(canonical), fetched))
    assert out.url == canonical and out.url_key == canonical.rstrip("/")
    assert fetched.rstrip("/") in out.aliases


def test_canonical_on_another_site_is_ignored(crawler: SimpleNamespace) -> None:
    fetched = HOME + "2026/11/20/patroli-skala-besar/"
    out = ExtractStage(crawler).process_item(item(page("https://aggregator.example.com/x"), fetched))
    assert out.url == fetched


def test_articles_older_than_the_window_are_dropped(crawler: SimpleNamespace) -> None:
    url = HOME + "2026/11/01/patroli-lama/"
    old = ExtractStage(crawler).process_item(
        item(page(url, published="2026-11-01T08:00:00+07:00"), url))
    with pytest.raises(DropItem, match="older than the window"):
        WindowStage(crawler).process_item(old)
    assert crawler.spider.counts("polres").too_old == 1


def test_a_listing_page_is_not_an_article(crawler: SimpleNamespace) -> None:
    links = "".join(f'<li><a href="{HOME}2026/11/{i:02d}/berita-{i}/">Berita nomor {i} hari ini</a></li>'
                    for i in range(1, 30))
    html = f"<html><head><title>Berita – Tribratanews</title></head><body><ul>{links}</ul></body></html>"
    with pytest.raises(DropItem, match="not an article"):
        ExtractStage(crawler).process_item(item(html, HOME + "kategori/berita/"))
    assert crawler.spider.counts("polres").not_articles == 1
