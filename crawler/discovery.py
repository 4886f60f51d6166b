"""Discovery parsers: sitemaps, feeds and listing pages (pure: bytes in, links out).

The spider fetches; these functions only read what it fetched, so each is tested on saved
documents. Preferred order of discovery (the peer survey, section 5): Google News sitemap
or feed, then sitemaps with ``lastmod``, then listing pages followed by ``next_page_links``.

Who does what:
  * robots.txt is Scrapy's (RobotsTxtMiddleware with Protego); the spider reads its Sitemap:
    lines and Crawl-delay from the parsed file (``robots_parsed`` signal), see crawler/politeness.
  * lxml: sitemaps, parsed with entity resolution, network access and huge trees off.
    Scrapy's ``Sitemap`` is not used because it drops nested ``<news:news>`` elements.
  * feedparser: RSS 0.9x/1.0/2.0 and Atom, including paged feeds (``rel="next"``).
  * lxml.html: feed autodiscovery, pagination and article links.
  * crawler.urls: URL identity and the article/non-article decision.
  * pipelines.vocabulary: the page-counter words of listing URLs ("/page/2", "?paged=2").

Dates are tz-aware; a date without an offset is read as WIB (UTC+07:00), the zone nearly
every Indonesian CMS is configured with.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import feedparser
import lxml.etree
import lxml.html

from crawler.urls import canonical_url, looks_like_article_url, page_kind, request_url, same_site
from pipelines.vocabulary import PAGE_NUMBER_PATH, PAGE_QUERY_KEYS, WIB

__all__ = [
    "Link",
    "WIB",
    "parse_datetime",
    "parse_sitemap",
    "feed_links",
    "parse_feed",
    "next_page_links",
    "listing_links",
    "article_links",
    "guess_sitemap_urls",
]

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file


@dataclass(frozen=True)
class Link:
    """A discovered URL with whatever the sitemap or feed said about it."""

    url: str
    published: datetime | None = None
    title: str | None = None
    lastmod: datetime | None = None


# --- dates ------------------------------------------------------------------------------

YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_datetime(text: str | None) -> datetime | None:
    """W3C/ISO 8601 or RFC 822 date text to a tz-aware datetime; naive means WIB."""
    text = (text or "").strip()
    if not text:
        return None
    parsed = _parse_iso(text) or _parse_rfc822(text)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def _parse_iso(text: str) -> datetime | None:
    match = YEAR_MONTH.match(text)
    if match:
        return datetime(int(match[1]), int(match[2]), 1)
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except ValueError:
        return None


def _parse_rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


# --- sitemaps ---------------------------------------------------------------------------


def _gunzip(body: bytes) -> bytes:
    """Decompress gzip bodies (sitemap.xml.gz), capped so a gzip bomb cannot eat memory."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflater.decompress(body, MAX_SITEMAP_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes once decompressed")
    return data


def _xml_root(body: bytes) -> lxml.etree._Element | None:
    """Parse untrusted XML: no entity expansion, no network, no huge trees, lenient.

    None for anything unusable (corrupt or oversized gzip, not XML), so one broken sitemap
    is reported as "invalid" rather than raising inside the spider's callback.
    """
    try:
        body = _gunzip(body).lstrip(b"\xef\xbb\xbf \t\r\n")
    except (zlib.error, ValueError):
        return None
    parser = lxml.etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
        load_dtd=False,
    )
    try:
        return lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return None


def _local(element: lxml.etree._Element) -> str:
    """Tag name without its namespace; comments and entities have no name."""
    return lxml.etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: lxml.etree._Element, name: str) -> list[lxml.etree._Element]:
    return [child for child in element if _local(child) == name]


def _text(elements: list[lxml.etree._Element]) -> str | None:
    """Stripped text of the first element; CDATA and surrounding whitespace are common."""
    return (elements[0].text or "").strip() or None if elements else None


def _sitemap_link(element: lxml.etree._Element, base_url: str) -> Link | None:
    """One <url>/<sitemap>: <loc> and <lastmod> are direct children; the Google News date
    and title live in <news:news>, apart from <image:title> which must not be taken."""
    url = _absolute(base_url, _text(_children(element, "loc")) or "")
    if not url:
        return None
    news = _children(element, "news")
    return Link(
        url=url,
        published=parse_datetime(_text(_children(news[0], "publication_date"))) if news else None,
        title=_text(_children(news[0], "title")) if news else None,
        lastmod=parse_datetime(_text(_children(element, "lastmod"))),
    )


def parse_sitemap(body: bytes, base_url: str) -> tuple[str, list[Link]]:
    """``("index", child sitemaps)`` or ``("urlset", pages)``; ``("invalid", [])`` otherwise.

    Reads ``<lastmod>`` and Google News ``<news:publication_date>``/``<news:title>``, so a
    caller can skip old entries without fetching them.
    """
    root = _xml_root(body)
    kind = {"sitemapindex": "index", "urlset": "urlset"}.get(
        _local(root) if root is not None else ""
    )
    if kind is None:
        return "invalid", []
    entry = "sitemap" if kind == "index" else "url"
    links = (_sitemap_link(el, base_url) for el in root if _local(el) == entry)
    return kind, _dedupe_links(link for link in links if link is not None)


def guess_sitemap_urls(home: str) -> list[str]:
    """Common sitemap locations (Yoast, WordPress core, news plugins), most likely first."""
    paths = (
        "/sitemap.xml",
        "/sitemap_index.xml",
        "/news-sitemap.xml",
        "/sitemap_news.xml",
        "/wp-sitemap.xml",
    )
    return [urljoin(home, path) for path in paths]


# --- feeds ------------------------------------------------------------------------------

# Not plain "application/json": WordPress puts <link rel="alternate" type="application/json">
# to its REST API (/wp-json/wp/v2/posts/123) on every page.
FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
}
COMMENT_FEED = re.compile(
    r"/comments/feed/?$|/feed/?\?.*withcomments|/comments/default", re.IGNORECASE
)


def _html_root(html: str) -> lxml.html.HtmlElement | None:
    """Parse HTML leniently; a page with an XML encoding declaration is parsed as bytes."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        return lxml.html.document_fromstring(html.encode("utf-8"))
    except lxml.etree.ParserError:
        return None


def _base(root: lxml.html.HtmlElement, base_url: str) -> str:
    """Resolve links against ``<base href>`` when the page declares one."""
    hrefs = root.xpath("//base/@href")
    return urljoin(base_url, hrefs[0].strip()) if hrefs else base_url


def feed_links(html: str, base_url: str) -> list[str]:
    """Feeds announced by ``<link rel="alternate" type="...">``, without comment feeds."""
    root = _html_root(html)
    if root is None:
        return []
    base = _base(root, base_url)
    found = []
    for link in root.xpath("//link[@href]"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        url = _absolute(base, link.get("href"))
        if url and "alternate" in rels and kind in FEED_TYPES and not COMMENT_FEED.search(url):
            found.append(url)
    return _dedupe(found)


def _entry_date(entry: feedparser.FeedParserDict, field: str) -> datetime | None:
    """Our parse of the raw text first (keeps the offset; naive means WIB), feedparser's UTC
    tuple only for formats we do not read.

    Read with ``dict.get``: feedparser's own ``entry["updated"]`` silently falls back to
    ``published`` with a DeprecationWarning, and that would fake a modification date.
    """
    parsed = parse_datetime(dict.get(entry, field))
    as_tuple = dict.get(entry, f"{field}_parsed")
    if parsed is None and as_tuple:
        parsed = datetime(*as_tuple[:6], tzinfo=UTC)
    return parsed


def _entry_link(entry: feedparser.FeedParserDict, base_url: str, is_atom: bool) -> Link | None:
    """A feed entry as a Link; Atom entries without an alternate link fall back to an http id.

    Outside Atom, feedparser files ``dc:date`` (the only date of RSS 1.0 items) under
    "updated"; there it is the publication date. In Atom, "updated" is only a lastmod.
    """
    href = entry.get("link") or (
        entry.get("id") if str(entry.get("id", "")).startswith("http") else None
    )
    url = _absolute(base_url, href or "")
    if not url:
        return None
    title = (entry.get("title") or "").strip() or None
    updated = _entry_date(entry, "updated")
    published = (
        _entry_date(entry, "published")
        or _entry_date(entry, "created")
        or (None if is_atom else updated)
    )
    return Link(url=url, published=published, title=title, lastmod=updated)


def parse_feed(body: bytes, base_url: str) -> tuple[list[Link], str | None]:
    """Entries of a feed and the URL of its next page (Blogger, RFC 5005), if any.

    RSS and Atom go through feedparser; JSON Feed (which feedparser 6.0 does not read, and
    autodiscovery may announce) through ``_parse_json_feed``.
    """
    if body.lstrip()[:1] == b"{":
        return _parse_json_feed(body, base_url)
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    is_atom = str(parsed.get("version", "")).startswith("atom")
    links = (_entry_link(entry, base_url, is_atom) for entry in parsed.entries)
    next_urls = [
        link.get("href")
        for link in parsed.feed.get("links", [])
        if link.get("rel") == "next" and link.get("href")
    ]
    next_url = _absolute(base_url, next_urls[0]) if next_urls else None
    return _dedupe_links(link for link in links if link is not None), next_url


def _parse_json_feed(body: bytes, base_url: str) -> tuple[list[Link], str | None]:
    """JSON Feed 1.x: ``items[].url``, ``date_published``, ``date_modified``, ``next_url``."""
    try:
        feed = json.loads(body)
    except ValueError:
        return [], None
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        return [], None
    links = []
    for item in feed["items"]:
        url = _absolute(base_url, str(item.get("url") or "")) if isinstance(item, dict) else None
        if url:
            title = str(item.get("title") or "").strip() or None
            published = parse_datetime(item.get("date_published"))
            links.append(Link(url, published, title, parse_datetime(item.get("date_modified"))))
    next_url = _absolute(base_url, str(feed.get("next_url") or ""))
    return _dedupe_links(links), next_url


# --- listing pages ----------------------------------------------------------------------

NEXT_WORDS = frozenset(
    {
        "berikutnya",
        "selanjutnya",
        "halaman berikutnya",
        "halaman selanjutnya",
        "lanjut",
        "next",
        "next page",
        "older posts",
        "older entries",
        "older",
        "posting lama",
        "postingan lama",
        "entri lama",
        "artikel lama",
        "berita lama",
        "lebih lama",
    }
)
SKIP_WORDS = frozenset(
    {  # backwards, or a jump to the first or last page
        "sebelumnya",
        "halaman sebelumnya",
        "previous",
        "previous page",
        "prev",
        "newer posts",
        "newer entries",
        "newer",
        "posting lebih baru",
        "postingan lebih baru",
        "entri baru",
        "first",
        "first page",
        "pertama",
        "halaman pertama",
        "awal",
        "last",
        "last page",
        "terakhir",
        "halaman terakhir",
        "akhir",
        "beranda",
        "home",
    }
)
ARROWS = "›»>→"
BACK_ARROWS = "‹«<←"
NEXT_CLASS = re.compile(
    r"(^|[\s_-])(next|nextpostslink|older|blog-pager-older-link)($|[\s_-])", re.I
)
SKIP_CLASS = re.compile(
    r"(^|[\s_-])(prev|previous|previouspostslink|newer|blog-pager-newer-link)($|[\s_-])", re.I
)
CURRENT_CLASS = re.compile(r"(^|[\s_-])(current|active|is-active|selected)($|\s)", re.I)
CURRENT_XPATH = (
    "//*[@aria-current='page' or contains(@class, 'current') or contains(@class, 'active')]"
)
SPACES = re.compile(r"\s+")
DIGITS = re.compile(r"\d{1,5}")


def _anchor_text(anchor: lxml.html.HtmlElement) -> str:
    text = anchor.text_content().strip() or anchor.get("title") or anchor.get("aria-label") or ""
    return SPACES.sub(" ", text).strip().lower()


def _classes(element: lxml.html.HtmlElement) -> str:
    """Class, id and rel together: pagers mark direction in any of them."""
    return " ".join(element.get(name, "") for name in ("class", "id", "rel"))


def _url_page(url: str) -> tuple[str, int] | None:
    """Where the URL keeps its page number, and the number: ("path", 3) or ("page", 2)."""
    parts = urlsplit(url)
    match = PAGE_NUMBER_PATH.search(parts.path)
    if match:
        return "path", int(match[2])
    for key, value in parse_qsl(parts.query):
        if key.lower() in PAGE_QUERY_KEYS and value.isdigit():
            return key.lower(), int(value)
    return None


def _without_page(url: str) -> tuple[str, list[tuple[str, str]]]:
    """The URL minus its page counter, to tell "same listing, another page" from other links."""
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if k.lower() not in PAGE_QUERY_KEYS)
    return PAGE_NUMBER_PATH.sub("", parts.path).rstrip("/"), query


def _current_number(root: lxml.html.HtmlElement, url: str) -> int:
    """The page number the listing shows: the pager's current item, else the URL, else 1.

    A Drupal ``?page=N`` is zero-based; if we guess one too low the "next" number points
    at the current page, which the caller drops, so the error is never a step backwards.
    """
    for element in root.xpath(CURRENT_XPATH):
        marked = element.get("aria-current") == "page" or CURRENT_CLASS.search(
            element.get("class", "")
        )
        numbers = DIGITS.findall(element.text_content() or "")
        if marked and len(numbers) == 1:
            return int(numbers[0])
    located = _url_page(url)
    return located[1] if located else 1


def _pattern_next(page_url: str, candidate: str) -> bool:
    """True when ``candidate`` is this listing with the URL's page counter one higher.

    Uses the URL's counter, not the displayed number: Drupal's ``?page=1`` shows page 2.
    A URL without a counter counts as 1, so the pattern proposes ``/page/2/``, ``?page=2``.
    """
    here, there = _url_page(page_url), _url_page(candidate)
    if there is None or (here is not None and here[0] != there[0]):
        return False
    return (
        _without_page(page_url) == _without_page(candidate)
        and there[1] == (here[1] if here else 1) + 1
    )


def _direction(text: str) -> int:
    """+1 for "next"-like link text, -1 for previous/first/last, 0 for anything else.

    Arrows are stripped first so "Berikutnya »", "next ›" and "‹ sebelumnya" read as words;
    a text of arrows alone ("»", "››") reads by the arrow.
    """
    words = SPACES.sub(" ", text.strip(ARROWS + BACK_ARROWS + " ")).strip()
    if words:
        return 1 if words in NEXT_WORDS else -1 if words in SKIP_WORDS else 0
    if text and all(ch in ARROWS or ch.isspace() for ch in text):
        return 1
    return -1 if text else 0


def _anchor_score(anchor: lxml.html.HtmlElement, url: str, page_url: str, current: int) -> int:
    """How sure we are that this anchor leads to the next page; 0 for not at all.

    Explicit text beats classes: WordPress puts "Older posts" in ``.nav-previous``.
    """
    text, rels, parent = (
        _anchor_text(anchor),
        (anchor.get("rel") or "").lower().split(),
        anchor.getparent(),
    )
    marks = _classes(anchor) + " " + (parent.get("class", "") if parent is not None else "")
    direction = _direction(text)
    if direction < 0 or "prev" in rels or "previous" in rels:
        return 0
    if "next" in rels:
        return 90
    if direction > 0:
        return 80
    if SKIP_CLASS.search(marks):
        return 0
    if NEXT_CLASS.search(marks):
        return 70
    if text == str(current + 1):
        return 60
    return 50 if _pattern_next(page_url, url) else 0


def _scored_candidates(root: lxml.html.HtmlElement, page_url: str) -> Iterator[tuple[int, str]]:
    base = _base(root, page_url)
    for link in root.xpath("//link[@href]"):
        url = _absolute(base, link.get("href"))
        if url and "next" in (link.get("rel") or "").lower().split():
            yield 100, url
    current = _current_number(root, page_url)
    for anchor in root.xpath("//a[@href]"):
        url = _absolute(base, anchor.get("href"))
        score = _anchor_score(anchor, url, page_url, current) if url else 0
        if score:
            yield score, url


def feed_next_on_own_host(next_url: str, feed_url: str, home: str) -> str | None:
    """The next page of a feed, on the source's own host.

    Blogger's Atom feeds name their next page on www.blogger.com
    (``/feeds/<blog-id>/posts/default?start-index=26``) although the blog serves the same pages
    at ``/feeds/posts/default?start-index=26`` on its own host. Pantau never leaves the source's
    host, so a next page elsewhere keeps its paging query and moves onto the feed's own URL.
    """
    if same_site(next_url, home):
        return next_url
    own, other = urlsplit(feed_url), urlsplit(next_url)
    if not other.query or own.query == other.query:
        return None
    return urlunsplit((own.scheme, own.netloc, own.path, other.query, ""))


def next_page_links(html: str, base_url: str) -> list[str]:
    """Candidate URLs of the next listing page, best first, same site only, never backwards.

    Signals, strongest first: ``<link rel=next>``, ``<a rel=next>``, "Berikutnya"-style
    text, a next/older class, the number after the current page, a URL whose page counter
    is one higher. The caller fetches the first and may fall back to the others.
    """
    root = _html_root(html)
    if root is None:
        return []
    here = canonical_url(base_url)
    best: dict[str, tuple[int, int, str]] = {}
    for order, (score, url) in enumerate(_scored_candidates(root, base_url)):
        key = canonical_url(url, base_url)
        if key == here or not same_site(url, base_url) or _goes_back(base_url, url):
            continue
        if key not in best or best[key][0] < score:
            best[key] = (score, best[key][1] if key in best else order, request_url(url, base_url))
    return [
        url for _score, _order, url in sorted(best.values(), key=lambda item: (-item[0], item[1]))
    ]


def _goes_back(page_url: str, candidate: str) -> bool:
    """A candidate in the same listing whose page counter is not above ours."""
    here, there = _url_page(page_url), _url_page(candidate)
    if here is None or there is None or here[0] != there[0]:
        return False
    return _without_page(page_url) == _without_page(candidate) and there[1] <= here[1]


def article_links(
    html: str, base_url: str, home: str, allows: Callable[[str], bool] = lambda u: True
) -> list[str]:
    """Article-looking links of a page, in page order, one per identity: same site only,
    AMP/mobile copies folded onto the article, allowed by the source.

    Returns *locators* (``request_url(u, home)``: no trackers, AMP markers or fragment, the
    home host, the trailing slash as the site wrote it), not identities: the slash-less
    ``canonical_url`` 404s on strict servers and costs a 301 on WordPress, and an identity
    cannot be turned back into the URL the site serves. Key them with ``canonical_url(u, home)``.
    """
    root = _html_root(html)
    if root is None:
        return []
    base = _base(root, base_url)
    found: dict[str, str] = {}  # identity -> locator
    for href in root.xpath("//a/@href"):
        absolute = _absolute(base, href)
        url = request_url(absolute, home) if absolute else None
        if not url or not looks_like_article_url(url, home) or not allows(url):
            continue
        found.setdefault(canonical_url(url, home), url)
    return list(found.values())


LISTING_KINDS = ("listing", "category")


def listing_links(html: str, base_url: str, home: str) -> list[str]:
    """Section pages linked from a page (``/berita``, ``/category/hukum/``), in page order.

    A fallback for homes without a pager, where the paginated listing sits behind a "Lihat
    semua berita" link (common on Drupal and custom Kominfo portals). Paginated URLs are
    left out: ``next_page_links`` owns paging. The caller should bound how many it follows.
    """
    root = _html_root(html)
    if root is None:
        return []
    base, here = _base(root, base_url), canonical_url(base_url, home)
    found: dict[str, str] = {}
    for href in root.xpath("//a/@href"):
        absolute = _absolute(base, href)
        url = request_url(absolute, home) if absolute else None
        if (
            not url
            or not same_site(url, home)
            or _url_page(url)
            or page_kind(url) not in LISTING_KINDS
        ):
            continue
        key = canonical_url(url, home)
        if key != here:
            found.setdefault(key, url)
    return list(found.values())


# --- helpers ----------------------------------------------------------------------------


def _absolute(base: str, href: str) -> str | None:
    """An absolute http(s) URL for ``href``, or None for javascript:, mailto:, #, junk."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _dedupe(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def _dedupe_links(links: Iterable[Link]) -> list[Link]:
    """First occurrence of each URL wins: sitemaps and feeds repeat entries surprisingly often."""
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())
