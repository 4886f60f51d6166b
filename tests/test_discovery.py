import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.discovery import (
    WIB,
    Link,
    article_links,
    feed_links,
    guess_sitemap_urls,
    listing_links,
    next_page_links,
    parse_datetime,
    parse_feed,
    parse_sitemap,
)

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
PLUS7 = timezone(timedelta(hours=7))

PAGE_URLS = {  # where each listing fixture was "fetched"
    "listing_wordpress_page2.html": "https://www.kabarlumajang.example.id/page/2/",
    "listing_wordpress_older_posts.html": "https://tribratanews.example.polri.go.id/category/berita-polres/",
    "listing_drupal.html": "https://kominfo.example.go.id/berita?page=1",
    "listing_custom_cms.html": "https://www.examplekab.go.id/berita?hal=2",
    "listing_blogger.html": "https://kabarpolsek.blogspot.com/",
}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-07-14T19:30:00+07:00", datetime(2024, 7, 14, 19, 30, tzinfo=PLUS7)),
        ("2024-07-14T12:30:00Z", datetime(2024, 7, 14, 12, 30, tzinfo=UTC)),
        ("2024-07-14T19:30+07:00", datetime(2024, 7, 14, 19, 30, tzinfo=PLUS7)),
        ("2024-07-14", datetime(2024, 7, 14, tzinfo=WIB)),
        ("2024-07", datetime(2024, 7, 1, tzinfo=WIB)),
        ("2024-07-14 08:00:00", datetime(2024, 7, 14, 8, tzinfo=WIB)),
        ("Sun, 14 Jul 2024 12:30:00 +0000", datetime(2024, 7, 14, 12, 30, tzinfo=UTC)),
        ("Sun, 14 Jul 2024 12:30:00 GMT", datetime(2024, 7, 14, 12, 30, tzinfo=UTC)),
        ("", None),
        ("kemarin", None),
        (None, None),
    ],
)
def test_parse_datetime(text: str | None, expected: datetime | None) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


def test_yoast_sitemap_index_with_bom_and_stylesheet() -> None:
    assert fixture_bytes("yoast_sitemap_index.xml").startswith(b"\xef\xbb\xbf")
    kind, links = parse_sitemap(
        fixture_bytes("yoast_sitemap_index.xml"),
        "https://kabarlumajang.example.id/sitemap_index.xml",
    )
    assert kind == "index"
    assert [link.url.rsplit("/", 1)[1] for link in links] == [
        "post-sitemap.xml",
        "post-sitemap2.xml",
        "page-sitemap.xml",
        "category-sitemap.xml",
        "post_tag-sitemap.xml",
        "author-sitemap.xml",
    ]
    assert links[0].lastmod == datetime(2024, 7, 14, 12, 31, 5, tzinfo=UTC)


def test_wordpress_core_sitemap_index_and_urlset() -> None:
    kind, children = parse_sitemap(
        fixture_bytes("wp-sitemap.xml"), "https://diskominfo.example.go.id/wp-sitemap.xml"
    )
    assert kind == "index"
    assert children[0] == Link("https://diskominfo.example.go.id/wp-sitemap-posts-post-1.xml")
    assert len(children) == 5

    kind, pages = parse_sitemap(fixture_bytes("wp-sitemap-posts-post-1.xml"), children[0].url)
    assert kind == "urlset"
    assert len(pages) == 3  # the repeated entry is dropped
    assert pages[0].lastmod == datetime(2024, 7, 14, 9, 12, 40, tzinfo=PLUS7)
    assert pages[2].lastmod == datetime(2024, 7, 12, tzinfo=WIB)  # date-only means WIB midnight


def test_google_news_sitemap_reads_publication_date_and_title() -> None:
    kind, links = parse_sitemap(
        fixture_bytes("news_sitemap.xml"), "https://www.kabarlumajang.example.id/news-sitemap.xml"
    )
    assert kind == "urlset"
    first, second, third = links
    assert (
        first.url
        == "https://www.kabarlumajang.example.id/2024/07/14/polres-lumajang-amankan-dua-pelaku-curanmor/"
    )
    assert first.published == datetime(2024, 7, 14, 19, 30, tzinfo=PLUS7)
    assert (
        first.title == "Polres Lumajang Amankan Dua Pelaku Curanmor di Pasirian"
    )  # not <image:title>
    assert second.url.endswith(
        "/tawuran-pelajar-dibubarkan-patroli-samapta/"
    )  # <loc> whitespace stripped
    assert second.title == 'Tawuran Pelajar "Dibubarkan" Patroli Samapta & Warga'  # CDATA
    assert second.published == datetime(2024, 7, 14, 20, 5, tzinfo=PLUS7)
    assert second.lastmod == datetime(2024, 7, 14, 21, 2, tzinfo=PLUS7)
    assert third.published == datetime(2024, 7, 13, 8, tzinfo=WIB)


def test_gzipped_sitemap() -> None:
    body = gzip.compress(fixture_bytes("news_sitemap.xml"))
    kind, links = parse_sitemap(body, "https://www.kabarlumajang.example.id/news-sitemap.xml.gz")
    assert kind == "urlset" and len(links) == 3


def test_sitemap_without_namespace_relative_locs_and_leading_whitespace() -> None:
    body = b"\n\n  <?xml version='1.0'?><urlset><url><loc> /berita/baca/12/polisi-patroli </loc></url></urlset>"
    kind, links = parse_sitemap(body, "https://x.example.go.id/sitemap.xml")
    assert (kind, [link.url for link in links]) == (
        "urlset",
        ["https://x.example.go.id/berita/baca/12/polisi-patroli"],
    )


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body>Not found</body></html>", b"\x1f\x8bnot really gzip"[:2] + b"", b"{}"],
)
def test_sitemap_that_is_not_a_sitemap(body: bytes) -> None:
    assert parse_sitemap(body, "https://x.example.id/sitemap.xml") == ("invalid", [])


def test_sitemap_gzip_bomb_and_corrupt_gzip_are_invalid() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024))
    assert len(bomb) < 100_000
    assert parse_sitemap(bomb, "https://x.example.id/sitemap.xml.gz") == ("invalid", [])
    corrupt = gzip.compress(fixture_bytes("news_sitemap.xml"))[:-40] + b"\x00" * 40
    assert parse_sitemap(corrupt, "https://x.example.id/sitemap.xml.gz")[0] in ("urlset", "invalid")


def test_sitemap_does_not_expand_entities() -> None:
    billion_laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset><url><loc>https://x.example.id/&lol3;</loc></url></urlset>"""
    _kind, links = parse_sitemap(billion_laughs, "https://x.example.id/sitemap.xml")
    assert all("lollollol" not in link.url for link in links)


def test_sitemap_does_not_read_external_entities() -> None:
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>
<urlset><url><loc>https://x.example.id/a</loc><lastmod>&xxe;</lastmod></url></urlset>"""
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    _kind, links = parse_sitemap(xxe, "https://x.example.id/sitemap.xml")
    assert all(hostname not in (link.url + str(link.lastmod)) for link in links)


def test_guess_sitemap_urls() -> None:
    assert guess_sitemap_urls("https://lumajangkab.go.id/") == [
        "https://lumajangkab.go.id/sitemap.xml",
        "https://lumajangkab.go.id/sitemap_index.xml",
        "https://lumajangkab.go.id/news-sitemap.xml",
        "https://lumajangkab.go.id/sitemap_news.xml",
        "https://lumajangkab.go.id/wp-sitemap.xml",
    ]


# --- feeds ------------------------------------------------------------------------------


def test_wordpress_rss() -> None:
    links, next_url = parse_feed(
        fixture_bytes("wordpress_feed.xml"), "https://www.kabarlumajang.example.id/feed/"
    )
    assert next_url is None
    assert [link.title for link in links] == [
        "Polres Lumajang Amankan Dua Pelaku Curanmor di Pasirian",
        "Bupati Pimpin Apel Siaga Bencana Erupsi Semeru",
        "Sosialisasi Bahaya Narkoba di Sekolah",
    ]
    assert links[0].published == datetime(2024, 7, 14, 12, 30, tzinfo=UTC)
    assert links[2].published == datetime(2024, 7, 12, 8, tzinfo=PLUS7)
    assert links[0].lastmod is None  # RSS has no update date; feedparser's fallback is not used
    assert "utm_source=rss" in links[1].url  # parse_feed reports; canonical_url cleans


def test_blogger_atom_with_next_page() -> None:
    links, next_url = parse_feed(
        fixture_bytes("blogger_atom.xml"), "https://kabarpolsek.blogspot.com/feeds/posts/default"
    )
    assert (
        next_url
        == "https://www.blogger.com/feeds/4471958823094125613/posts/default?start-index=3&max-results=2"
    )
    assert [link.url for link in links] == [
        "https://kabarpolsek.blogspot.com/2024/07/polsek-amankan-pelaku-penganiayaan.html",
        "https://kabarpolsek.blogspot.com/2024/07/patroli-dialogis-jaga-kamtibmas.html",
    ]
    assert links[0].published == datetime(2024, 7, 14, 19, 30, 0, 1000, tzinfo=PLUS7)
    assert links[0].lastmod == datetime(2024, 7, 14, 19, 31, 12, 345000, tzinfo=PLUS7)


def test_rss_with_atom_next_link_relative_links_and_naive_dates() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Berita</title><link>https://x.example.go.id/</link>
<atom:link rel="next" href="/feed/?paged=2"/>
<item><title>Apel Pagi</title><link>/berita/apel-pagi-bersama-forkopimda</link><pubDate>2024-07-14 08:00:00</pubDate></item>
<item><title>Tanpa tautan</title></item>
</channel></rss>"""
    links, next_url = parse_feed(body, "https://x.example.go.id/feed/")
    assert next_url == "https://x.example.go.id/feed/?paged=2"
    assert links == [
        Link(
            "https://x.example.go.id/berita/apel-pagi-bersama-forkopimda",
            datetime(2024, 7, 14, 8, tzinfo=WIB),
            "Apel Pagi",
        )
    ]


def test_rss_1_0() -> None:
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://x.example.id/"><title>X</title><link>https://x.example.id/</link></channel>
<item rdf:about="https://x.example.id/berita/satu-dua-tiga"><title>Satu</title><link>https://x.example.id/berita/satu-dua-tiga</link><dc:date>2024-07-14T10:00:00+07:00</dc:date></item>
</rdf:RDF>"""
    links, _next = parse_feed(body, "https://x.example.id/rss")
    assert links[0].url == "https://x.example.id/berita/satu-dua-tiga"
    assert links[0].published == datetime(2024, 7, 14, 10, tzinfo=PLUS7)


def test_json_feed() -> None:
    body = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "Berita",
      "next_url": "/feed.json?page=2",
      "items": [{"id": "1", "url": "https://x.example.id/berita/satu-dua-tiga", "title": "Satu",
                 "date_published": "2024-07-14T10:00:00+07:00"},
                {"id": "2", "title": "tanpa url"}, "junk"]}"""
    links, next_url = parse_feed(body, "https://x.example.id/feed.json")
    assert next_url == "https://x.example.id/feed.json?page=2"
    assert links == [
        Link(
            "https://x.example.id/berita/satu-dua-tiga",
            datetime(2024, 7, 14, 10, tzinfo=PLUS7),
            "Satu",
        )
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body>Maaf, halaman tidak ditemukan</body></html>",
        b"\x00\x01garbage",
        b"{oops",
        b"{}",
    ],
)
def test_feed_that_is_not_a_feed(body: bytes) -> None:
    assert parse_feed(body, "https://x.example.id/feed/") == ([], None)


def test_feed_autodiscovery_skips_comment_feeds() -> None:
    html = fixture_text("listing_wordpress_page2.html")
    assert feed_links(html, PAGE_URLS["listing_wordpress_page2.html"]) == [
        "https://www.kabarlumajang.example.id/feed/"
    ]


def test_feed_autodiscovery_blogger_atom_and_rss() -> None:
    html = fixture_text("listing_blogger.html")
    assert feed_links(html, PAGE_URLS["listing_blogger.html"]) == [
        "https://kabarpolsek.blogspot.com/feeds/posts/default",
        "https://kabarpolsek.blogspot.com/feeds/posts/default?alt=rss",
    ]


def test_feed_autodiscovery_relative_json_feed_and_duplicates() -> None:
    html = """<html><head>
    <link rel="alternate" type="application/rss+xml" href="/feed/">
    <link rel="alternate" type="application/rss+xml" href="https://x.example.id/feed/">
    <link rel="alternate" type="application/feed+json" href="/feed/json">
    <link rel="alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
    <link rel="alternate" hreflang="en" href="/en/">
    <link rel="alternate" type="application/json" href="https://x.example.id/wp-json/wp/v2/posts/12">
    <link rel="stylesheet" type="text/css" href="/style.css">
    </head><body></body></html>"""
    assert feed_links(html, "https://x.example.id/berita/") == [
        "https://x.example.id/feed/",
        "https://x.example.id/feed/json",
        "https://x.example.id/berita/atom.xml",
    ]
    assert feed_links("", "https://x.example.id/") == []


# --- pagination -------------------------------------------------------------------------


def next_of(name: str) -> list[str]:
    return next_page_links(fixture_text(name), PAGE_URLS[name])


def test_next_page_wordpress_numbered_rel_next_and_berikutnya() -> None:
    assert next_of("listing_wordpress_page2.html") == [
        "https://www.kabarlumajang.example.id/page/3/"
    ]


def test_next_page_wordpress_older_posts_inside_nav_previous() -> None:
    assert next_of("listing_wordpress_older_posts.html") == [
        "https://tribratanews.example.polri.go.id/category/berita-polres/page/2/",
    ]


def test_next_page_drupal_zero_based_pager() -> None:
    links = next_of("listing_drupal.html")
    assert links[0] == "https://kominfo.example.go.id/berita?page=2"
    assert "https://kominfo.example.go.id/berita" not in links  # first / previous
    assert "https://kominfo.example.go.id/berita?page=41" not in links  # "terakhir »"


def test_next_page_custom_cms_selanjutnya_with_base_href() -> None:
    assert next_of("listing_custom_cms.html") == ["https://www.examplekab.go.id/berita?hal=3"]


def test_next_page_blogger_posting_lama() -> None:
    assert next_of("listing_blogger.html") == [
        "https://kabarpolsek.blogspot.com/search?max-results=7&updated-max=2024-07-10T09%3A15%3A00%2B07%3A00",
    ]


def test_next_page_numbers_only() -> None:
    html = """<ul class="pagination">
      <li class="page-item"><a class="page-link" href="/berita/index/1">1</a></li>
      <li class="page-item"><a class="page-link" href="/berita/index/2">2</a></li>
      <li class="page-item active"><span class="page-link">3</span></li>
      <li class="page-item"><a class="page-link" href="/berita/index/4">4</a></li>
      <li class="page-item"><a class="page-link" href="/berita/index/5">5</a></li>
    </ul>"""
    assert next_page_links(html, "https://x.example.go.id/berita/index/3") == [
        "https://x.example.go.id/berita/index/4"
    ]


def test_next_page_url_pattern_without_text_signals() -> None:
    html = '<div><a href="/page/1/"><i class="fa"></i></a> <a href="/page/3/"><i class="fa fa-chevron"></i></a></div>'
    assert next_page_links(html, "https://x.example.id/page/2/") == ["https://x.example.id/page/3/"]


def test_next_page_drupal8_pager_with_visually_hidden_text() -> None:
    html = """<nav class="pager"><ul class="pager__items">
      <li class="pager__item is-active"><a href="?page=0" title="Current page" aria-current="page"><span class="visually-hidden">Current page</span>1</a></li>
      <li class="pager__item"><a href="?page=1" title="Go to page 2"><span class="visually-hidden">Page</span>2</a></li>
      <li class="pager__item pager__item--next"><a href="?page=1" title="Go to next page" rel="next"><span class="visually-hidden">Next page</span><span aria-hidden="true">››</span></a></li>
    </ul></nav>"""
    assert next_page_links(html, "https://x.example.go.id/berita") == [
        "https://x.example.go.id/berita?page=1"
    ]


def test_next_page_never_previous_or_other_site() -> None:
    html = """<head><link rel="prev" href="/page/2/"></head>
      <a rel="prev" href="/page/2/">2</a>
      <a href="/page/1/">Sebelumnya</a>
      <a href="https://lain.example.id/page/4/">Berikutnya</a>
      <a href="/page/3/">3</a>
      <a href="/page/2/">»</a>
      <a href="#">Next</a>"""
    assert next_page_links(html, "https://x.example.id/page/3/") == []


def test_next_page_orders_strongest_signal_first() -> None:
    html = """<head><link rel="next" href="/berita?hal=2"></head>
      <a href="/berita?hal=3">Selanjutnya</a> <a href="/berita?hal=2">2</a>"""
    assert next_page_links(html, "https://x.example.go.id/berita") == [
        "https://x.example.go.id/berita?hal=2",
        "https://x.example.go.id/berita?hal=3",
    ]


@pytest.mark.parametrize("html", ["", "   ", "<html></html>"])
def test_next_page_on_empty_documents(html: str) -> None:
    assert next_page_links(html, "https://x.example.id/") == []


# --- article links ----------------------------------------------------------------------


def test_article_links_wordpress_listing() -> None:
    name = "listing_wordpress_page2.html"
    home = "https://www.kabarlumajang.example.id/"
    assert article_links(fixture_text(name), PAGE_URLS[name], home) == [
        "https://www.kabarlumajang.example.id/2024/07/10/polisi-bubarkan-balap-liar-di-jalan-lingkar-timur/",
        "https://www.kabarlumajang.example.id/2024/07/09/kapolres-cek-pos-pengamanan-jelang-pilkada/",
        "https://www.kabarlumajang.example.id/2024/07/08/warga-gotong-royong-perbaiki-jembatan-putus/",
    ]


def test_article_links_drupal_custom_and_blogger() -> None:
    drupal = "listing_drupal.html"
    assert article_links(
        fixture_text(drupal), PAGE_URLS[drupal], "https://kominfo.example.go.id/"
    ) == [
        "https://kominfo.example.go.id/berita/forkopimda-gelar-patroli-skala-besar-malam-tahun-baru",
        "https://kominfo.example.go.id/berita/diskominfo-imbau-warga-waspadai-hoaks-pilkada",
        "https://kominfo.example.go.id/node/1187",
    ]
    custom = "listing_custom_cms.html"
    assert article_links(
        fixture_text(custom), PAGE_URLS[custom], "https://www.examplekab.go.id/"
    ) == [
        "https://www.examplekab.go.id/berita/baca/3120/kapolres-dan-bupati-tinjau-pengamanan-idul-adha",
        "https://www.examplekab.go.id/berita/baca/3119/bpbd-salurkan-bantuan-korban-banjir",
        "https://www.examplekab.go.id/index.php?id=3118&page=berita",
    ]
    blogger = "listing_blogger.html"
    assert article_links(
        fixture_text(blogger), PAGE_URLS[blogger], "https://kabarpolsek.blogspot.com/"
    ) == [
        "https://kabarpolsek.blogspot.com/2024/07/polsek-amankan-pelaku-penganiayaan.html",
        "https://kabarpolsek.blogspot.com/2024/07/patroli-dialogis-jaga-kamtibmas.html",
    ]


def test_article_links_respects_source_allow_deny() -> None:
    name = "listing_wordpress_page2.html"
    links = article_links(
        fixture_text(name),
        PAGE_URLS[name],
        PAGE_URLS[name],
        allows=lambda url: "pilkada" not in url,
    )
    assert len(links) == 2 and all("pilkada" not in url for url in links)


def test_article_links_maps_variants_onto_home_host() -> None:
    html = '<a href="https://m.x.example.id/berita/polisi-tangkap-pengedar-sabu?m=1">a</a>'
    assert article_links(html, "https://m.x.example.id/", "https://www.x.example.id/") == [
        "https://www.x.example.id/berita/polisi-tangkap-pengedar-sabu",
    ]


def test_article_links_keeps_articles_only_linked_as_amp() -> None:
    html = '<a href="/2024/07/14/kapolres-tinjau-pos-mudik/amp/">AMP</a>'
    home = "https://x.example.id/"
    assert article_links(html, home, home) == [
        "https://x.example.id/2024/07/14/kapolres-tinjau-pos-mudik/"
    ]


def test_article_links_one_locator_per_identity() -> None:
    html = """<a href="/berita/polisi-amankan-pelaku-begal/">a</a>
    <a href="/berita/polisi-amankan-pelaku-begal?utm_source=wa">b</a>
    <a href="https://m.x.example.id/berita/polisi-amankan-pelaku-begal/#comments">c</a>"""
    home = "https://x.example.id/"
    assert article_links(html, home, home) == [
        "https://x.example.id/berita/polisi-amankan-pelaku-begal/"
    ]


def test_article_links_tolerates_junk_hrefs() -> None:
    html = """<a href="javascript:void(0)">x</a><a href="mailto:a@b.id">x</a><a href="http://[::1">x</a>
    <a href="http://x.example.id:99999/a-b-c">x</a><a href="">x</a><a>x</a>
    <a href=" /berita/baca/1/polisi-amankan-pelaku ">ok</a>"""
    assert article_links(html, "https://x.example.id/", "https://x.example.id/") == [
        "https://x.example.id/berita/baca/1/polisi-amankan-pelaku",
    ]


# --- section pages ----------------------------------------------------------------------


def test_listing_links_finds_sections_not_pages_or_articles() -> None:
    name = "listing_wordpress_page2.html"
    assert listing_links(
        fixture_text(name), PAGE_URLS[name], "https://www.kabarlumajang.example.id/"
    ) == [
        "https://www.kabarlumajang.example.id/category/hukum-kriminal/",
        "https://www.kabarlumajang.example.id/category/pemerintahan/",
    ]


def test_listing_links_lihat_semua_berita() -> None:
    html = """<a href="/">Beranda</a><a href="/berita/apel-siaga-bencana-erupsi-semeru">x</a>
    <a href="/berita">Lihat semua berita</a><a href="/berita?page=1">2</a><a href="/kontak">Kontak</a>"""
    home = "https://kominfo.example.go.id/"
    assert listing_links(html, home, home) == ["https://kominfo.example.go.id/berita"]


def test_blogger_next_page_on_blogger_com_moves_onto_the_blog_host() -> None:
    from crawler.discovery import feed_next_on_own_host

    home = "https://globalinvestigasinews.example.id/"
    feed = "https://globalinvestigasinews.example.id/feeds/posts/default"
    blogger = ("http://www.blogger.com/feeds/4133318116112233/posts/default"
               "?start-index=26&max-results=25")
    assert feed_next_on_own_host(blogger, feed, home) == (
        "https://globalinvestigasinews.example.id/feeds/posts/default"
        "?start-index=26&max-results=25")
    same = feed + "?start-index=26&max-results=25"
    assert feed_next_on_own_host(same, feed, home) == same
    assert feed_next_on_own_host("https://elsewhere.example.com/feed/", feed, home) is None
