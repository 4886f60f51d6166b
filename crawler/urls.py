"""URL identity and URL-level classification (pure functions, no I/O).

Two forms of a URL matter to the crawler:

* ``canonical_url`` is the *identity* of a page: the key the seen-URL store and the
  database upsert on. ``/slug/`` and ``/slug`` give the same identity, so it drops the
  trailing slash; it may therefore cost one redirect when fetched on WordPress.
* ``request_url`` is the same cleaning *without* touching the trailing slash: the form to
  fetch, so WordPress does not answer every article with a 301 first.

Both map www./m./mobile./amp. host variants onto the source's home host when ``home`` is
given (always pass it when you know the source: that makes the identity stable across
variants and keeps the host one that is known to resolve; many regency ``.go.id`` sites
have no DNS record for the bare domain). Without ``home`` only the m./mobile./amp.
prefixes are removed.

Who does what:
  * w3lib ``canonicalize_url``: percent-encoding normalisation, query sorting, dot
    segments, fragment removal, lower-case host.
  * courlan ``check_url`` (non-strict) and ``is_navigation_page``: generic "is this a
    crawlable HTML page" and WordPress structure filters. Its strict mode is not used:
    its adult-content regex rejects Kamtibmas slugs such as ``.../penyebar-video-porno``.
  * tld ``is_tld``: never strip a prefix down to a public suffix (``m.go.id``).
  * Tracking parameters are our own explicit list: courlan's ``clean_query`` regex also
    drops meaningful parameters (``gallery``, ``galeri``, ``gambar``, ``sourceid``).
  * pipelines.vocabulary: the taxonomy words of URL paths (tag, category, author, search,
    archive, page counters), shared with discovery's pager and extraction's listing check.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

import courlan
import tld
from courlan.filters import extension_filter, type_filter
from w3lib.url import canonicalize_url

from pipelines.vocabulary import (
    ARCHIVE_PATH,
    AUTHOR_PATH,
    CATEGORY_PATH,
    PAGINATION,
    SEARCH_PATH,
    TAG_PATH,
)

__all__ = [
    "canonical_url",
    "request_url",
    "site_host",
    "same_site",
    "is_amp_or_mobile",
    "page_kind",
    "looks_like_article_url",
    "PAGE_KINDS",
]

PAGE_KINDS = (
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
)

VARIANT_PREFIXES = ("www", "m", "mobile", "amp")
TRACKING_PREFIXES = (
    "utm_",
    "ga_",
    "_ga",
    "_gl",
    "mc_",
    "pk_",
    "mtm_",
    "hsa_",
    "oly_",
    "vero_",
    "itm_",
    "fb_",
)
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "igsh",
        "twclid",
        "ttclid",
        "wbraid",
        "gbraid",
        "li_fat_id",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
        "ref_src",
        "ref_url",
        "spm",
        "utm",
        "amp",
        "noamp",
        "amp_js_v",
        "amp_gsa",
        "usqp",
        "_branch_match_id",
    }
)
MOBILE_FLAG_VALUES = frozenset({"0", "1"})

AMP_PATH = re.compile(r"^/amp(?=/)|/amp/?$", re.IGNORECASE)
MULTI_SLASH = re.compile(r"/{2,}")


def _split(url: str) -> SplitResult:
    """urlsplit that tolerates surrounding whitespace (hrefs in CMS templates often have it)."""
    return urlsplit(url.strip())


def _strip_variants(host: str) -> str:
    """Drop www./m./mobile./amp. prefixes, but never down to a public suffix such as go.id."""
    labels = host.lower().rstrip(".").split(".")
    while (
        len(labels) > 2 and labels[0] in VARIANT_PREFIXES and not tld.is_tld(".".join(labels[1:]))
    ):
        labels = labels[1:]
    return ".".join(labels)


def site_host(url: str) -> str:
    """The host that names a *site*: lower-case, no port, without www./m./mobile./amp."""
    return _strip_variants(_split(url).hostname or "")


def same_site(url: str, home: str) -> bool:
    """True for the home host and its www./m./amp. variants; other subdomains are other sites.

    kominfo.jatimprov.go.id and jatimprov.go.id are run by different teams, publish
    different things and are separate sources, so they must not leak into each other.
    """
    host = site_host(url)
    return bool(host) and host == site_host(home)


def _is_tracking(key: str, value: str) -> bool:
    """A query parameter that says how someone arrived, not which page they asked for."""
    k = key.lower()
    if k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES):
        return True
    if k == "m" and value in MOBILE_FLAG_VALUES:  # Blogger and others: ?m=1 mobile view
        return True
    return k == "output" and value.lower() == "amp"


def _clean_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if not _is_tracking(k, v)])


def _clean_path(path: str) -> str:
    """Collapse duplicate slashes and remove AMP path markers (/amp/slug, /slug/amp/)."""
    path = MULTI_SLASH.sub("/", path)
    stripped = AMP_PATH.sub("", path)
    if stripped != path and path.endswith("/") and not stripped.endswith("/"):
        stripped += "/"
    return stripped or "/"


def _netloc(parts: SplitResult, home: str | None) -> tuple[str, str]:
    """(scheme, netloc): same-site URLs take home's scheme and host (one identity, and a
    host known to resolve); others lose m./mobile./amp. (not www.) and default ports."""
    if home and same_site(urlunsplit(parts), home):
        home_parts = _split(home)
        return home_parts.scheme.lower(), home_parts.netloc.lower()
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".")
    if not host.startswith("www."):
        host = _strip_variants(host)
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    return scheme, host


def request_url(url: str, home: str | None = None) -> str:
    """The cleaned, fetchable form of ``url``: no fragment, trackers or AMP/mobile markers.

    Keeps the trailing slash exactly as the site wrote it, because that is the form the
    site serves without a redirect.
    """
    parts = _split(url)
    scheme, netloc = _netloc(parts, home)
    rebuilt = urlunsplit((scheme, netloc, _clean_path(parts.path), _clean_query(parts.query), ""))
    return canonicalize_url(rebuilt, keep_blank_values=True)


def canonical_url(url: str, home: str | None = None) -> str:
    """One identity per article: ``request_url`` plus trailing-slash folding.

    >>> canonical_url("https://M.Example.co.id/2024/07/kasus-curanmor/amp/?utm_source=fb#top")
    'https://example.co.id/2024/07/kasus-curanmor'
    """
    parts = urlsplit(request_url(url, home))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def is_amp_or_mobile(url: str) -> bool:
    """True for AMP or mobile copies, whose article identity is the plain URL."""
    parts = _split(url)
    first = (parts.hostname or "").split(".")[0]
    if first in ("m", "mobile", "amp") and _strip_variants(parts.hostname or "") != parts.hostname:
        return True
    if AMP_PATH.search(MULTI_SLASH.sub("/", parts.path)):
        return True
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return any(k.lower() in {"amp", "m", "output"} and _is_tracking(k, v) for k, v in pairs)


# --- page kinds -------------------------------------------------------------------------

ASSET_EXT = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|bmp|tiff?|pdf|docx?|xlsx?|pptx?|odt|ods|csv|zip|rar|7z|"
    r"gz|tar|mp[34]|m4a|aac|ogg|wav|avi|mov|mkv|webm|flv|css|js|woff2?|ttf|eot|apk|exe)$",
    re.IGNORECASE,
)
ASSET_DIRS = re.compile(
    r"/(wp-content|wp-includes|uploads|assets|static|images?|files?)/", re.IGNORECASE
)
ADMIN = re.compile(
    r"/(wp-admin|wp-json|wp-login\.php|xmlrpc\.php|cgi-bin|admin|administrator|user/login)(/|$)",
    re.IGNORECASE,
)
SITEMAP = re.compile(r"sitemap[^/]*\.xml(\.gz)?$|/sitemap/?$|\.xml\.gz$", re.IGNORECASE)
FEED = re.compile(
    r"/(feed|feeds|rss|atom)(/|$)|\.(rss|atom|xml)$|/rss\.php$|[?&]feed=", re.IGNORECASE
)
# Taxonomy kinds (tag, category, author, search, archive) and pagination: pipelines.vocabulary.
HOME = re.compile(r"^/?((index|home|default|beranda)(\.(php|html?|aspx?))?)?/?$", re.IGNORECASE)
STATIC_PAGE = re.compile(
    r"/(kontak|contact|contact-us|hubungi-kami|tentang|tentang-kami|about|about-us|redaksi|"
    r"susunan-redaksi|pedoman-media-siber|pedoman-pemberitaan-media-siber|kebijakan-privasi|"
    r"privacy-policy|privacy|disclaimer|syarat-dan-ketentuan|terms|kode-etik|info-iklan|iklan|"
    r"karir|login|masuk|daftar|register|logout|cart|checkout)(\.[a-z]{3,5})?/?$",
    re.IGNORECASE,
)
ARTICLE_PATTERNS = (
    re.compile(r"^/\d{4}/\d{1,2}/\d{1,2}/[^/]+"),  # WordPress /2024/07/14/slug/
    re.compile(r"^/\d{4}/\d{1,2}/[^/]+\.html?$"),  # Blogger /2024/07/slug.html
    re.compile(r"^/\d{4}/\d{1,2}/[^/]*[a-z][^/]*-[^/]+/?$", re.I),  # WordPress /2024/07/slug/
    re.compile(
        r"/(baca|read|detail|berita/detail|news/read|view)/.*[a-z0-9]", re.I
    ),  # /berita/baca/12/slug
    re.compile(r"/node/\d+/?$"),  # Drupal /node/123
    re.compile(r"^/[a-z][a-z-]*/\d{3,}/?$", re.I),  # /berita/12345
    re.compile(r"/\d{3,}[-/][^/]*[a-z][^/]*$", re.I),  # /berita/1234-slug, /1234/slug
    re.compile(r"/[^/]*[a-z][^/]*-\d{4,}(\.html?)?/?$", re.I),  # /slug-123456
)
SLUG = re.compile(
    r"^[^/]*[a-z][^/]*(-[^/-]+){2,}(\.html?|\.php)?$", re.IGNORECASE
)  # three or more words
WP_PAGE_QUERY = re.compile(r"(^|&)page_id=\d+($|&)")
ID_QUERY = re.compile(
    r"(^|&)(p|id|post|postid|post_id|article_id|artikel_id|berita_id|newsid|news_id|nid|aid|itemid)=\d+($|&)",
    re.IGNORECASE,
)
BLOGGER_PAGE = re.compile(r"^/p/[^/]+\.html$")


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def _structural_kind(path: str, query: str) -> str | None:
    """Kinds decided by structure alone; checked before anything article-shaped."""
    full = _with_query(path, query)
    if SITEMAP.search(path):
        return "sitemap"
    if ASSET_EXT.search(path) or ASSET_DIRS.search(path):
        return "asset"
    if FEED.search(full):
        return "feed"
    if ADMIN.search(path):
        return "other"
    for kind, pattern in (
        ("tag", TAG_PATH),
        ("search", SEARCH_PATH),
        ("category", CATEGORY_PATH),
        ("author", AUTHOR_PATH),
        ("archive", ARCHIVE_PATH),
    ):
        if pattern.search(full if kind == "search" else path):
            return kind
    if STATIC_PAGE.search(path) or BLOGGER_PAGE.match(path) or courlan.is_not_crawlable(path):
        return "other"
    return None


def _is_article_path(path: str, query: str) -> bool:
    if ID_QUERY.search(query):
        return True  # /?p=123, index.php?page=berita&id=45
    if any(p.search(path) for p in ARTICLE_PATTERNS):
        return True
    return bool(SLUG.match(path.strip("/").rsplit("/", 1)[-1]))


def page_kind(url: str) -> str:
    """Guess what a URL points to from the URL alone (one of ``PAGE_KINDS``).

    A guess to decide what to fetch and how to treat it: the page itself has the last
    word (an article page is only an article once extraction agrees).
    """
    parts = _split(url)
    path, query = MULTI_SLASH.sub("/", parts.path or "/"), parts.query
    if PAGINATION.search(_with_query(path, query)) and not (
        TAG_PATH.search(path) or CATEGORY_PATH.search(path) or AUTHOR_PATH.search(path)
    ):
        return "listing"
    kind = _structural_kind(path, query)
    if kind:
        return kind
    if WP_PAGE_QUERY.search(query):
        return "other"  # a WordPress static page (?page_id=), not a post
    if HOME.match(path) and not ID_QUERY.search(query):
        return "home"
    if _is_article_path(path, query):
        return "article"
    if courlan.is_navigation_page(url) or path.count("/") <= 2:
        return "listing"
    return "other"


def looks_like_article_url(url: str, home: str) -> bool:
    """Same site, article-shaped, not an AMP/mobile copy, and HTML by courlan's filters.

    Only courlan's type and extension filters are used, not ``check_url``: its domain
    filter rejects ``localhost`` and ``127.0.0.1:8000``, which the loopback tests crawl.
    """
    if not same_site(url, home) or is_amp_or_mobile(url) or page_kind(url) != "article":
        return False
    return type_filter(url) and extension_filter(_split(url).path)
