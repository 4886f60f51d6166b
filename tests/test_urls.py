import pytest

from crawler.urls import (
    PAGE_KINDS,
    canonical_url,
    is_amp_or_mobile,
    looks_like_article_url,
    page_kind,
    request_url,
    same_site,
    site_host,
)

HOME = "https://www.kabarlumajang.example.id/"
ARTICLE = "https://www.kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor"


@pytest.mark.parametrize(
    "url, expected",
    [
        # tracking parameters go, meaningful ones stay and are sorted
        (ARTICLE + "/?utm_source=facebook&utm_medium=social&utm_campaign=x", ARTICLE),
        (ARTICLE + "/?fbclid=IwAR3abc&gclid=xyz&_ga=2.1&mc_cid=9", ARTICLE),
        (
            "https://x.example.id/index.php?page=berita&id=45&utm_source=wa",
            "https://x.example.id/index.php?id=45&page=berita",
        ),
        ("https://x.example.id/?p=48213&utm_source=rss", "https://x.example.id/?p=48213"),
        (
            "https://x.example.id/berita?page=3&b=2&a=1",
            "https://x.example.id/berita?a=1&b=2&page=3",
        ),
        (
            "https://x.example.id/galeri?gallery=4&galeri=2",
            "https://x.example.id/galeri?galeri=2&gallery=4",
        ),
        # AMP: path suffix, path prefix, host, query flags
        (ARTICLE + "/amp/", ARTICLE),
        (ARTICLE + "/amp", ARTICLE),
        (
            "https://www.kabarlumajang.example.id/amp/berita/polisi-tangkap-pengedar-sabu",
            "https://www.kabarlumajang.example.id/berita/polisi-tangkap-pengedar-sabu",
        ),
        (
            "https://amp.kabarlumajang.example.id/berita/polisi-tangkap-pengedar-sabu",
            "https://kabarlumajang.example.id/berita/polisi-tangkap-pengedar-sabu",
        ),
        (ARTICLE + "/?amp=1", ARTICLE),
        (ARTICLE + "/?amp", ARTICLE),
        (ARTICLE + "?output=amp", ARTICLE),
        # mobile: m. host and Blogger ?m=1 / ?m=0
        (
            "https://m.kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor/",
            "https://kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor",
        ),
        (
            "https://kabarpolsek.blogspot.com/2024/07/polsek-amankan-pelaku.html?m=1",
            "https://kabarpolsek.blogspot.com/2024/07/polsek-amankan-pelaku.html",
        ),
        (
            "https://kabarpolsek.blogspot.com/2024/07/polsek-amankan-pelaku.html?m=0",
            "https://kabarpolsek.blogspot.com/2024/07/polsek-amankan-pelaku.html",
        ),
        # case, default ports, fragments, duplicate slashes, dot segments
        (
            "HTTPS://WWW.KabarLumajang.Example.ID:443/2024/07/14/polres-amankan-pelaku-curanmor/",
            ARTICLE,
        ),
        ("http://www.kabarlumajang.example.id:80/a/b", "http://www.kabarlumajang.example.id/a/b"),
        ("http://localhost:8000/a/b/", "http://localhost:8000/a/b"),
        (ARTICLE + "/#comments", ARTICLE),
        (ARTICLE + "#respond", ARTICLE),
        (
            "https://www.kabarlumajang.example.id//2024//07/14/polres-amankan-pelaku-curanmor/",
            ARTICLE,
        ),
        (
            "https://www.kabarlumajang.example.id/berita/./lama/../polisi-patroli",
            "https://www.kabarlumajang.example.id/berita/polisi-patroli",
        ),
        # trailing slash: /slug/ and /slug are one identity; the root keeps its slash
        ("https://www.kabarlumajang.example.id", "https://www.kabarlumajang.example.id/"),
        ("https://www.kabarlumajang.example.id/", "https://www.kabarlumajang.example.id/"),
        (
            "  https://www.kabarlumajang.example.id/berita/ \n",
            "https://www.kabarlumajang.example.id/berita",
        ),
        # non-ASCII paths are percent-encoded once, whatever form they arrive in
        ("https://x.example.id/berita/kapolres-é", "https://x.example.id/berita/kapolres-%C3%A9"),
        (
            "https://x.example.id/berita/kapolres-%c3%a9",
            "https://x.example.id/berita/kapolres-%C3%A9",
        ),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_slash_variants_share_identity() -> None:
    assert (
        canonical_url(ARTICLE) == canonical_url(ARTICLE + "/") == canonical_url(ARTICLE + "/amp/")
    )


def test_canonical_url_is_idempotent() -> None:
    for url in (
        ARTICLE + "/?utm_source=x&p=1#c",
        "https://m.x.example.id/a/amp/?m=1",
        "https://x.example.id/",
    ):
        assert canonical_url(canonical_url(url)) == canonical_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://m.kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor/",
        "https://kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor",
        "http://amp.kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor/amp/",
        "https://mobile.kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor?m=1",
    ],
)
def test_variants_fold_onto_home_host(url: str) -> None:
    assert canonical_url(url, HOME) == ARTICLE


def test_request_url_keeps_trailing_slash_for_fetching() -> None:
    url = "https://m.kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor/amp/?utm_source=x#top"
    assert request_url(url, HOME) == ARTICLE + "/"
    assert request_url("https://x.example.id/a.html?m=1") == "https://x.example.id/a.html"


def test_public_suffix_is_never_stripped() -> None:
    assert site_host("https://www.go.id/") == "www.go.id"
    assert site_host("https://m.co.id/") == "m.co.id"
    assert site_host("https://www.babelprov.go.id/") == "babelprov.go.id"


@pytest.mark.parametrize(
    "url, home, expected",
    [
        ("https://www.jatimprov.go.id/berita/a", "https://jatimprov.go.id/", True),
        ("https://m.jatimprov.go.id/berita/a", "https://www.jatimprov.go.id/", True),
        ("http://amp.jatimprov.go.id/berita/a", "https://jatimprov.go.id", True),
        ("https://JATIMPROV.go.id:8443/x", "https://jatimprov.go.id/", True),
        ("https://kominfo.jatimprov.go.id/berita/a", "https://jatimprov.go.id/", False),
        ("https://jatimprov.go.id/berita/a", "https://kominfo.jatimprov.go.id/", False),
        ("https://jatimprov.go.id.evil.example/berita", "https://jatimprov.go.id/", False),
        ("/relative/path", "https://jatimprov.go.id/", False),
        ("mailto:humas@jatimprov.go.id", "https://jatimprov.go.id/", False),
    ],
)
def test_same_site(url: str, home: str, expected: bool) -> None:
    assert same_site(url, home) is expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://m.x.example.id/a", True),
        ("https://mobile.x.example.id/a", True),
        ("https://amp.x.example.id/a", True),
        ("https://x.example.id/a/amp/", True),
        ("https://x.example.id/amp/a", True),
        ("https://x.example.id/a?amp=1", True),
        ("https://x.example.id/a?amp", True),
        ("https://x.example.id/a?output=amp", True),
        ("https://x.blogspot.com/2024/07/a.html?m=1", True),
        ("https://www.x.example.id/a", False),
        ("https://x.example.id/ampera-jaya-bangun-pos-kamling", False),
        ("https://x.example.id/berita?m=juli", False),
        ("https://m.co.id/a", False),
    ],
)
def test_is_amp_or_mobile(url: str, expected: bool) -> None:
    assert is_amp_or_mobile(url) is expected


@pytest.mark.parametrize(
    "path, kind",
    [
        # articles across Indonesian CMSs
        ("/2024/07/14/polres-amankan-pelaku-curanmor/", "article"),
        ("/2024/07/polres-amankan-pelaku-curanmor/", "article"),
        ("/polres-amankan-pelaku-curanmor/", "article"),
        ("/?p=48213", "article"),
        ("/berita/baca/3120/kapolres-tinjau-pengamanan", "article"),
        ("/read/2024/07/14/123456/warga-temukan-mayat", "article"),
        ("/berita/1234-bupati-pimpin-apel-siaga", "article"),
        ("/2024/07/polsek-amankan-pelaku-penganiayaan.html", "article"),
        ("/berita/diskominfo-imbau-warga-waspadai-hoaks", "article"),
        ("/node/1187", "article"),
        ("/berita/12345", "article"),
        ("/index.php?page=berita&id=3118", "article"),
        ("/news/polisi-tangkap-pengedar-sabu-123456.html", "article"),
        ("/kapolres-bagikan-sembako-ke-warga-terdampak-banjir", "article"),
        # listings and pagination
        ("/page/2/", "listing"),
        ("/berita?page=2", "listing"),
        ("/berita?hal=3", "listing"),
        ("/berita/index/4", "listing"),
        ("/search?updated-max=2024-07-10T09:15:00%2B07:00&max-results=7", "listing"),
        ("/berita/", "listing"),
        # taxonomy and people
        ("/tag/curanmor/", "tag"),
        ("/search/label/Kriminal", "tag"),
        ("/label/kamtibmas", "tag"),
        ("/category/hukum-kriminal/", "category"),
        ("/category/hukum-kriminal/page/2/", "category"),
        ("/kategori/daerah", "category"),
        ("/author/redaksi/", "author"),
        ("/penulis/budi-santoso", "author"),
        # search, archives
        ("/?s=narkoba", "search"),
        ("/search?q=narkoba", "search"),
        ("/arsip", "archive"),
        ("/indeks", "archive"),
        ("/indeks-berita?date=2024-07-14", "archive"),
        ("/2024/07/", "archive"),
        ("/2024/07/14/", "archive"),
        ("/2024/", "archive"),
        ("/2024_07_01_archive.html", "archive"),
        # feeds, sitemaps, assets
        ("/feed/", "feed"),
        ("/category/hukum/feed/", "feed"),
        ("/feeds/posts/default", "feed"),
        ("/rss.xml", "feed"),
        ("/?feed=rss2", "feed"),
        ("/sitemap.xml", "sitemap"),
        ("/post-sitemap2.xml", "sitemap"),
        ("/wp-sitemap-posts-post-1.xml", "sitemap"),
        ("/sitemap.xml.gz", "sitemap"),
        ("/wp-content/uploads/2024/07/foto-kegiatan.jpg", "asset"),
        ("/files/laporan-kinerja-2023.pdf", "asset"),
        ("/download/perbup-nomor-12-tahun-2024.docx", "asset"),
        ("/arsip-berita.zip", "asset"),
        # home and other
        ("/", "home"),
        ("", "home"),
        ("/index.php", "home"),
        ("/wp-admin/", "other"),
        ("/wp-json/wp/v2/posts", "other"),
        ("/wp-login.php", "other"),
        ("/kontak/", "other"),
        ("/hubungi-kami", "other"),
        ("/tentang-kami/", "other"),
        ("/pedoman-media-siber/", "other"),
        ("/p/tentang-kami.html", "other"),
        ("/?page_id=12", "other"),
        ("/user/login", "other"),
    ],
)
def test_page_kind(path: str, kind: str) -> None:
    assert page_kind("https://x.example.id" + path) == kind


def test_page_kinds_are_documented() -> None:
    assert {
        "article",
        "listing",
        "tag",
        "category",
        "author",
        "search",
        "archive",
        "feed",
        "sitemap",
        "asset",
        "home",
        "other",
    } == set(PAGE_KINDS)


@pytest.mark.parametrize(
    "url, expected",
    [
        (ARTICLE + "/", True),
        ("https://kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor/", True),
        (ARTICLE + "/amp/", False),  # the identity is the non-AMP URL
        ("https://m.kabarlumajang.example.id/2024/07/14/polres-amankan-pelaku-curanmor/", False),
        ("https://lain.example.id/2024/07/14/polres-amankan-pelaku-curanmor/", False),
        ("https://www.kabarlumajang.example.id/tag/curanmor/", False),
        (
            "https://www.kabarlumajang.example.id/wp-content/uploads/2024/07/polisi-tangkap-pelaku-1.jpg",
            False,
        ),
        # Kamtibmas vocabulary must not trip courlan's strict adult filter
        (
            "https://www.kabarlumajang.example.id/2024/07/14/polisi-tangkap-penyebar-video-porno/",
            True,
        ),
    ],
)
def test_looks_like_article_url(url: str, expected: bool) -> None:
    assert looks_like_article_url(url, HOME) is expected


def test_looks_like_article_url_on_loopback() -> None:
    """Crawl tests serve sites from 127.0.0.N; courlan's domain filter would reject them."""
    home = "http://127.0.0.1:8765/"
    assert looks_like_article_url("http://127.0.0.1:8765/2024/07/14/polisi-amankan-pelaku/", home)
    assert looks_like_article_url(
        "http://localhost:8765/berita/baca/1/polisi-amankan-pelaku", "http://localhost:8765/"
    )
