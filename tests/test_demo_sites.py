"""The bundled demo sites: real HTTP on loopback, each site on its own address, discovery surfaces
that parse, validators and 304s, and the broken portal's traps.

Everything goes through urllib against running servers, as a crawler would see it.
"""

from __future__ import annotations

import gzip
import html
import re
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from datetime import datetime
from email.message import Message
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import yaml
from lxml import etree
from lxml import html as lxml_html
from protego import Protego

from crawler.demo.model import WIB
from crawler.demo.server import DemoSites, FixtureServer
from crawler.demo.sites import build_big_site, build_sites, load_seed
from crawler.demo.templates.broken import BrokenPortal
from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.urls import looks_like_article_url

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=WIB)
SM = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "news": "http://www.google.com/schemas/sitemap-news/0.9"}
SEEDED = ["detikkasus", "kominfo-babel", "lumajang", "globalinvestigasi", "tribratanews-tulungagung"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None, follow: bool = True) -> tuple[int, Message, bytes]:
    """Status, headers and body of a GET; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, headers=headers or {})
    open_url = urllib.request.urlopen if follow else OPENER.open
    try:
        with open_url(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def text(url: str) -> str:
    status, _, body = fetch(url)
    assert status == 200, url
    return body.decode("utf-8")


def links(page_url: str) -> list[str]:
    """Absolute hrefs of all ``<a>`` on a page."""
    tree = lxml_html.fromstring(text(page_url))
    return [urljoin(page_url, h) for h in tree.xpath("//a/@href")]


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoSites]:
    with DemoSites(now=NOW, slow_seconds=1.0) as sites:
        yield sites


def server(demo: DemoSites, name: str) -> FixtureServer:
    return demo.servers[name]


def article_urls(demo: DemoSites, name: str) -> set[str]:
    srv = demo.servers[name]
    return {srv.url(a.path) for a in demo.sites[name].articles}


# ------------------------------------------------------------------------------- hosts, yaml


def test_each_site_on_its_own_loopback_host(demo: DemoSites) -> None:
    hosts = [urlsplit(s.base_url).hostname for s in demo.servers.values()]
    assert len(set(hosts)) == len(hosts) == 6
    assert all(re.fullmatch(r"127\.0\.0\.\d+", h or "") and h != "127.0.0.1" for h in hosts)


def test_sources_yaml_names_only_what_an_operator_would(demo: DemoSites) -> None:
    sources = yaml.safe_load(demo.sources_yaml())["sources"]
    by_name = {s["name"]: s for s in sources}
    assert set(by_name) == set(demo.servers)
    assert by_name["kominfo-babel"]["kind"] == "government"
    assert by_name["lumajang"]["listings"] == [demo.servers["lumajang"].url("/berita?hal={page}")]
    assert not any("feeds" in s or "sitemaps" in s for s in sources)
    assert [s["name"] for s in yaml.safe_load(demo.sources_yaml(["lumajang"]))["sources"]] == ["lumajang"]


def test_request_log_records_method_path_headers_status_time(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    before = time.monotonic()
    fetch(srv.url("/berita/tidak-ada?x=1"), {"User-Agent": "pantau-test"})
    entry = srv.requests[-1]
    assert (entry.method, entry.path, entry.status) == ("GET", "/berita/tidak-ada?x=1", 404)
    assert entry.headers["User-Agent"] == "pantau-test" and entry.at >= before
    assert srv.paths()[-1] == "/berita/tidak-ada?x=1"


# ------------------------------------------------------------------------ article pages


@pytest.mark.parametrize("name", SEEDED)
def test_seed_page_carries_body_and_clutter(demo: DemoSites, name: str) -> None:
    seed = load_seed(name)
    assert seed is not None
    page = html.unescape(text(server(demo, name).url(seed["url_path"])))
    flat = " ".join(page.split())
    assert all(" ".join(p.split()) in flat for p in seed["body"])
    assert all(c in flat for c in seed["must_not_contain"])
    assert datetime.fromisoformat(seed["published"]).utcoffset() is not None


@pytest.mark.parametrize("name", list(build_sites(NOW)))
def test_every_article_page_has_title_suffix_and_its_metadata(demo: DemoSites, name: str) -> None:
    site, srv = demo.sites[name], demo.servers[name]
    for art in site.articles:
        status, headers, body = fetch(srv.url(art.path))
        if status == 500:  # the broken portal's flaky page, first attempt
            status, headers, body = fetch(srv.url(art.path))
        charset = headers.get_content_charset()
        assert status == 200 and charset in ("utf-8", "windows-1252")
        tree = lxml_html.fromstring(body.decode(charset))
        assert tree.findtext(".//title").endswith(site.display_name)
        assert all(c in " ".join(tree.text_content().split()) for c in art.clutter), art.path
        has_og = bool(tree.xpath('//meta[@property="article:published_time"]'))
        assert has_og == (name not in ("lumajang", "globalinvestigasi"))
        if has_og:
            assert tree.xpath('//link[@rel="canonical"]/@href') == [srv.url(art.path)]


def test_articles_are_spread_over_45_days_and_mix_topics() -> None:
    for site in build_sites(NOW).values():
        generated = [a for a in site.articles if not a.is_seed]
        ages = [(NOW - a.published).days for a in generated]
        assert min(ages) < 1 and 30 < max(ages) <= 45
        assert {a.kamtibmas for a in generated} == {True, False}
        assert all(len(a.paragraphs) >= 4 and a.published.utcoffset() is not None for a in generated)


def test_build_is_deterministic() -> None:
    first, second = build_sites(NOW), build_sites(NOW)
    assert [(a.path, a.paragraphs) for a in first["detikkasus"].articles] == \
           [(a.path, a.paragraphs) for a in second["detikkasus"].articles]


# ------------------------------------------------------------------ detikkasus (WordPress)


def test_detikkasus_robots_sitemaps_and_disallowed_link(demo: DemoSites) -> None:
    srv = server(demo, "detikkasus")
    robots = Protego.parse(text(srv.url("/robots.txt")))
    assert robots.crawl_delay("pantau") == 0.3
    assert list(robots.sitemaps) == [srv.url("/sitemap_index.xml")]
    assert not robots.can_fetch(srv.url("/pracetak/draf-rilis-kapolres-tulungagung-belum-terbit/"), "pantau")
    assert robots.can_fetch(srv.url("/"), "pantau")
    assert srv.url("/pracetak/draf-rilis-kapolres-tulungagung-belum-terbit/") in links(srv.url("/"))
    index = etree.fromstring(fetch(srv.url("/sitemap_index.xml"))[2])
    children = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=SM)
    assert srv.url("/post-sitemap.xml") in children and srv.url("/post-sitemap2.xml") in children
    found = set()
    for child in children:
        tree = etree.fromstring(fetch(child)[2])
        found |= set(tree.xpath("//sm:url/sm:loc/text()", namespaces=SM))
        assert "post" not in child or tree.xpath("//sm:lastmod", namespaces=SM)
    assert article_urls(demo, "detikkasus") <= found


def test_detikkasus_feed_amp_tracking_and_archives(demo: DemoSites) -> None:
    srv = server(demo, "detikkasus")
    home = lxml_html.fromstring(text(srv.url("/")))
    feed_url = home.xpath('//link[@rel="alternate"][@type="application/rss+xml"]/@href')[0]
    feed = feedparser.parse(fetch(feed_url)[2])
    assert not feed.bozo and len(feed.entries) == 10
    assert {e.link for e in feed.entries} <= article_urls(demo, "detikkasus")
    hrefs = links(srv.url("/"))
    assert any("/amp/" in h for h in hrefs) and any("utm_source=" in h and "utm_medium=" in h for h in hrefs)
    seed = demo.sites["detikkasus"].articles[-1]
    amp = lxml_html.fromstring(text(srv.url(seed.path + "amp/")))
    assert amp.xpath('//link[@rel="canonical"]/@href') == [srv.url(seed.path)]
    for archive in ("/tag/kamtibmas/", "/category/kamtibmas/", "/author/redaksi-detikkasus/"):
        assert srv.url(seed.path) in links(srv.url(archive))


# ------------------------------------------------------------------ listings and pagers


def follow_pages(start: str, next_xpath: str, limit: int = 20) -> list[str]:
    """URLs of listing pages reached by following the "next" link."""
    pages, url = [start], start
    while len(pages) < limit:
        nxt = lxml_html.fromstring(text(url)).xpath(next_xpath)
        if not nxt:
            return pages
        url = urljoin(url, nxt[0])
        pages.append(url)
    raise AssertionError("pager does not end")


def test_kominfo_drupal_pager_and_unadvertised_sitemap(demo: DemoSites) -> None:
    srv = server(demo, "kominfo-babel")
    pages = follow_pages(srv.url("/berita"), '//li[contains(@class,"pager__item--next")]/a/@href')
    assert pages[1:] == [srv.url("/berita?page=1"), srv.url("/berita?page=2")]
    assert {"« pertama", "‹ sebelumnya", "berikutnya ›", "terakhir »"} <= set(
        lxml_html.fromstring(text(pages[1])).xpath("//nav[@class='pager']//a/text()"))
    assert article_urls(demo, "kominfo-babel") <= {u for p in pages for u in links(p)}
    assert "Sitemap" not in text(srv.url("/robots.txt"))
    listed = etree.fromstring(fetch(srv.url("/sitemap.xml"))[2]).xpath("//sm:loc/text()", namespaces=SM)
    assert article_urls(demo, "kominfo-babel") <= set(listed)


def test_lumajang_listing_is_the_only_way_in(demo: DemoSites) -> None:
    srv = server(demo, "lumajang")
    assert fetch(srv.url("/robots.txt"))[0] == 404 and fetch(srv.url("/sitemap.xml"))[0] == 404
    pages = follow_pages(srv.url("/berita?hal=1"), '//a[text()="Selanjutnya"]/@href')
    assert len(pages) == 3
    assert article_urls(demo, "lumajang") <= {u for p in pages for u in links(p)}
    assert fetch(srv.url("/berita/index/2"))[2] == fetch(srv.url("/berita?hal=2"))[2]


def test_blogger_atom_paging_older_links_labels_and_mobile(demo: DemoSites) -> None:
    srv, found = server(demo, "globalinvestigasi"), set()
    home = lxml_html.fromstring(text(srv.url("/")))
    url = home.xpath('//link[@type="application/atom+xml"]/@href')[0]
    while url:
        feed = feedparser.parse(fetch(url)[2])
        assert not feed.bozo and len(feed.entries) <= 5
        found |= {e.link for e in feed.entries}
        url = next((link.href for link in feed.feed.links if link.rel == "next"), None)
    assert found == article_urls(demo, "globalinvestigasi")
    pages = follow_pages(srv.url("/"), '//a[@class="blog-pager-older-link"]/@href')
    assert len(pages) == 3 and "/search?updated-max=" in pages[1]
    assert article_urls(demo, "globalinvestigasi") <= {u for p in pages for u in links(p)}
    seed = load_seed("globalinvestigasi")
    assert seed is not None
    mobile = srv.url(seed["url_path"] + "?m=1")
    assert mobile in links(srv.url(seed["url_path"]))
    tree = lxml_html.fromstring(text(mobile))
    assert tree.xpath('//link[@rel="canonical"]/@href') == [srv.url(seed["url_path"])]
    assert srv.url(seed["url_path"]) in links(srv.url("/search/label/Kamtibmas"))
    assert len(tree.xpath('//div[contains(@class,"post-body")]//li')) == len(seed["list_items"])


def test_tribratanews_news_sitemap_and_home_pagination(demo: DemoSites) -> None:
    srv = server(demo, "tribratanews-tulungagung")
    assert list(Protego.parse(text(srv.url("/robots.txt"))).sitemaps) == [srv.url("/news-sitemap.xml")]
    tree = etree.fromstring(fetch(srv.url("/news-sitemap.xml"))[2])
    assert len(tree.xpath("//news:news/news:publication_date", namespaces=SM)) == 10
    assert tree.xpath("//news:title/text()", namespaces=SM)[0]
    pages = follow_pages(srv.url("/"), '//a[text()="Berikutnya"]/@href')
    assert pages[1] == srv.url("/page/2/") and len(pages) == 3
    assert lxml_html.fromstring(text(srv.url("/"))).xpath('//link[@rel="next"]/@href') == [srv.url("/page/2/")]
    assert article_urls(demo, "tribratanews-tulungagung") <= {u for p in pages for u in links(p)}


# ---------------------------------------------------------------- validators and 304


@pytest.mark.parametrize(("name", "path"), [
    ("detikkasus", "/"), ("detikkasus", "/feed/"), ("detikkasus", "/sitemap_index.xml"),
    ("kominfo-babel", "/berita?page=1"), ("lumajang", "/berita?hal=2"),
    ("globalinvestigasi", "/feeds/posts/default"), ("tribratanews-tulungagung", "/news-sitemap.xml")])
def test_conditional_requests_get_304(demo: DemoSites, name: str, path: str) -> None:
    url = server(demo, name).url(path)
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": headers["ETag"]})[:1] == (304,)
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[:1] == (304,)
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_article_pages_carry_no_validators(demo: DemoSites) -> None:
    srv = server(demo, "detikkasus")
    _, headers, _ = fetch(srv.url(demo.sites["detikkasus"].articles[0].path))
    assert "ETag" not in headers and headers["Content-Type"] == "text/html; charset=UTF-8"


def test_publish_new_changes_page_one_feeds_and_etags() -> None:
    with DemoSites(now=NOW, slow_seconds=0.1, first_host=20) as demo:
        srv = demo.servers["detikkasus"]
        _, old, _ = fetch(srv.url("/feed/"))
        _, old_home, _ = fetch(srv.url("/"))
        new = demo.publish_new(per_site=2)
        assert len(new) == 12 and len(set(new)) == 12
        assert fetch(srv.url("/feed/"), {"If-None-Match": old["ETag"]})[0] == 200
        assert fetch(srv.url("/"), {"If-Modified-Since": old_home["Last-Modified"]})[0] == 200
        fresh = [u for u in new if u.startswith(srv.base_url)]
        assert set(fresh) <= set(links(srv.url("/")))
        assert set(fresh) <= {e.link for e in feedparser.parse(fetch(srv.url("/feed/"))[2]).entries}
        lumajang = demo.servers["lumajang"]
        assert {u for u in new if u.startswith(lumajang.base_url)} <= set(links(lumajang.url("/berita?hal=1")))
        blogger = demo.servers["globalinvestigasi"]
        entries = feedparser.parse(fetch(blogger.url("/feeds/posts/default"))[2]).entries
        assert {u for u in new if u.startswith(blogger.base_url)} <= {e.link for e in entries}
        assert all(fetch(u)[0] == 200 for u in new)


# ------------------------------------------------------------------------- broken portal


def test_flaky_page_fails_once_then_recovers(demo: DemoSites) -> None:
    url = server(demo, "portal-rusak").url("/berita/server-sempat-gangguan-warga-tetap-lapor-kamtibmas")
    statuses = [fetch(url)[0] for _ in range(3)]
    assert statuses in ([500, 200, 200], [200, 200, 200])  # the metadata test may have tripped it first


def test_three_hop_redirect_ends_on_an_article(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    hops, url = [], srv.url(BrokenPortal.OLD_URL)
    for _ in range(4):
        status, headers, _ = fetch(url, follow=False)
        hops.append(status)
        if status not in (301, 302):
            break
        url = urljoin(url, headers["Location"])
    assert hops == [301, 302, 301, 200]
    assert demo.sites["portal-rusak"].article_at(urlsplit(url).path) is not None
    assert srv.url(BrokenPortal.OLD_URL) in links(srv.url("/"))


def test_windows_1252_article(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    status, headers, body = fetch(srv.url("/berita/festival-kafe-rakyat-ramaikan-alun-alun-kediri"))
    assert headers.get_content_charset() == "windows-1252"
    assert b"charset=windows-1252" in body and b"\x93Kaf\xe9 Rakyat\x94" in body and b"\xb1" in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_slow_page_does_not_block_the_server(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    slow: list[float] = []
    started = time.monotonic()
    worker = threading.Thread(target=lambda: slow.append(
        fetch(srv.url("/berita/laporan-lambat-patroli-malam-di-pare"))[0] or time.monotonic()))
    worker.start()
    time.sleep(0.1)
    assert fetch(srv.url("/"))[0] == 200
    assert time.monotonic() - started < 0.8
    worker.join()
    assert time.monotonic() - started >= 1.0 and slow == [200]


def test_pdf_garbage_and_404(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    status, headers, body = fetch(srv.url("/files/laporan.pdf"))
    assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    status, headers, body = fetch(srv.url(BrokenPortal.BROKEN))
    assert status == 200 and headers.get_content_type() == "text/html" and len(body) == 4096
    assert fetch(srv.url(BrokenPortal.GONE))[0] == 404
    home = links(srv.url("/"))
    assert {srv.url(p) for p in ("/files/laporan.pdf", BrokenPortal.BROKEN, BrokenPortal.GONE)} <= set(home)


def test_trouble_pages_are_linked_as_articles(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    trouble = [srv.url(p) for p in (BrokenPortal.TOO_BIG, BrokenPortal.BOMB, BrokenPortal.LOOP_A)]
    assert set(trouble) <= set(links(srv.url("/")))
    assert all(looks_like_article_url(u, srv.url("/")) for u in trouble)


def test_oversized_page_is_over_the_default_download_maxsize(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    started = time.monotonic()
    status, headers, body = fetch(srv.url(BrokenPortal.TOO_BIG))
    assert status == 200 and headers.get_content_type() == "text/html"
    assert int(headers["Content-Length"]) == len(body) == 9 * 2**20 > DOWNLOAD_MAXSIZE == 8 * 2**20
    assert body.startswith(b"<!DOCTYPE html>") and body.rstrip().endswith(b"</html>")
    assert time.monotonic() - started < 5


def test_gzip_bomb_is_small_on_the_wire_and_inflates_past_the_limit(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    status, headers, body = fetch(srv.url(BrokenPortal.BOMB))   # urllib does not inflate
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body) < 64 * 1024
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflated = sum(len(inflater.decompress(body[i:i + 1024])) for i in range(0, len(body), 1024))
    assert inflater.eof and inflated > DOWNLOAD_MAXSIZE
    assert gzip.decompress(body).startswith(b"<!DOCTYPE html>")
    assert fetch(srv.url(BrokenPortal.BOMB))[2] == body   # built once


def test_redirect_loop_never_ends(demo: DemoSites) -> None:
    srv = server(demo, "portal-rusak")
    url, visited = srv.url(BrokenPortal.LOOP_A), []
    for _ in range(12):
        status, headers, _ = fetch(url, follow=False)
        assert status == 302
        visited.append(urlsplit(url).path)
        url = urljoin(url, headers["Location"])
    assert visited == [BrokenPortal.LOOP_A, BrokenPortal.LOOP_B] * 6
    assert urlsplit(url).query == "putaran=12"   # every hop a new URL: no duplicate filter ends it


# ----------------------------------------------------------------------------- big site


def test_big_site_is_cheap_and_fully_discoverable() -> None:
    started = time.monotonic()
    site = build_big_site(NOW, 2000)
    assert time.monotonic() - started < 2.0 and len(site.articles) == 2000
    assert len({a.path for a in site.articles}) == 2000
    with DemoSites(now=NOW, first_host=30, big_site_articles=2000) as demo:
        srv = demo.servers["big"]
        index = etree.fromstring(fetch(srv.url("/sitemap_index.xml"))[2])
        children = [c for c in index.xpath("//sm:loc/text()", namespaces=SM) if "post-sitemap" in c]
        assert len(children) == 2
        locs = {u for c in children for u in etree.fromstring(fetch(c)[2]).xpath("//sm:loc/text()", namespaces=SM)}
        assert locs == article_urls(demo, "big")
        assert fetch(srv.url("/page/100/"))[0] == 200 and fetch(srv.url("/page/101/"))[0] == 404
