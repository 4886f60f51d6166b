"""Extract one article (clean text and metadata) from one HTML page.

The page is parsed once with lxml. Metadata and date evidence are read from the raw tree first,
because cleaning removes bylines and labelled fields; then the DOM rules of
:mod:`pipelines.cleaning` prune the tree, trafilatura extracts the main text from that same tree,
and the text rules finish the job. Listing, tag and error pages come back with
``is_article=False`` and a ``reason`` instead of ``None``, so callers can log why.

Used by the Scrapy extraction pipeline and by ``pantau extract``; both call
:func:`extract_article` and nothing else.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml.etree import ElementDefaultClassLookup
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction, fromstring
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

from pipelines.cleaning import (
    clean_paragraphs,
    clean_tree,
    join_label_value_lines,
    join_wrapped_lines,
    split_paragraphs,
    story_blocks,
    story_of,
)
from pipelines.cms import CmsProfile
from pipelines.cms import detect as detect_cms
from pipelines.dates import PageDates, choose_modified, choose_published, iter_json_ld, read_page_dates
from pipelines.metadata import (
    byline_author,
    canonical_url,
    choose_author,
    detect_language,
    extract_dateline,
    extract_title,
    is_placeholder_author,
    metadata_author,
    read_credit_lines,
    read_labelled_fields,
)
from pipelines.template import Line, SiteTemplate, apply_template, page_lines
from pipelines.vocabulary import LISTING_ARCHIVE_PATH, LISTING_TAXONOMY_PATH, WIB

MIN_RUNNING_WORDS = 30  # below this much prose (lines of 15+ words) the page has no real body
LISTING_MIN_LINKS = 30
# Taxonomy and search pages are listings whatever their slug looks like (LISTING_TAXONOMY_PATH);
# archive and pagination paths only when nothing in the URL names a single story (LISTING_ARCHIVE_PATH).
# A story URL carries an id, a date or a hyphenated slug; section pages rarely do.
_ARTICLE_PATH = re.compile(r"\d{4,}|[a-z0-9]+(-[a-z0-9]+){2,}|[?&](\w*id|p)=\d+", re.I)
_ITEM_QUERY = re.compile(r"[?&](\w*id\w*|p)=\d+", re.I)  # "?idx=8723&page=1" is one story
_ARTICLE_TYPES = re.compile(r"Article$|BlogPosting$|^Report", re.I)
LISTING_MIN_HEADLINE_LINKS = 10
LISTING_MIN_DATES = 3  # distinct dates (or repeated datelines) in the content of a section page
_ERROR_PAGE = re.compile(
    r"\b(404|halaman tidak ditemukan|page not found|not found|captcha|just a moment|access denied"
    r"|attention required|forbidden|akses ditolak|are you a robot|enable javascript)\b",
    re.I,
)
# A short page is an article when its structure says so (see _short_article): one headline, one
# body block that holds most of the page's prose, and article markup or an article URL.
SHORT_MIN_WORDS = 20  # a four-sentence release has ~40; fewer words than this is a stub, not a story
SHORT_BODY_SHARE = 0.5  # share of the page's <p> prose (links left out) its body block must hold
_ARTICLE_MICRODATA = re.compile(r"schema\.org/(News|Report|Scholarly|Tech)?Article|schema\.org/BlogPosting", re.I)
_LOGIN_WALL = re.compile(
    r"\b(silakan|silahkan|harap|please)\s+(login|log in|masuk|sign in|daftar|berlangganan|subscribe)"
    r"|\b(login|masuk|berlangganan|subscribe)\s+(untuk|to)\s+(membaca|melanjutkan|read|continue)"
    r"|\bkonten (ini )?(khusus|hanya untuk) (pelanggan|member|anggota)",
    re.I,
)


@dataclass
class Article:
    """One page's extraction result; ``reason`` explains ``is_article=False``."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    text: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    author: str | None = None
    source_attribution: str | None = None
    dateline: str | None = None
    language: str | None = None
    is_article: bool = False
    reason: str | None = None
    cms: str | None = None
    """The content management system the page was recognised as (``pipelines/data/cms.yaml``)."""
    template_removed: list[str] = field(default_factory=list)
    """Lines its site's learned template removed (``pipelines.template``), for ``pantau show``."""
    lines: list[Line] = field(default_factory=list, repr=False)
    """The paragraphs before the template was applied, placed: what the learner counts."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (datetimes as ISO 8601 with their UTC offset)."""
        data = asdict(self)
        del data["lines"]
        for key in ("published", "modified"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class _RawEvidence:
    """What must be read before cleaning alters the tree."""

    title: str | None
    canonical: str | None
    dates: PageDates
    fields: dict[str, str]
    link_count: int
    authors: tuple[str | None, ...]
    headline_links: int
    typed_article: bool
    structure: _Structure


@dataclass
class _Structure:
    """What the markup says about a page, for a page too short to be judged by its word count."""

    headlines: int  # <h1> elements
    article_markup: bool  # JSON-LD/microdata article type, og:type article, or exactly one <article>
    body_share: float  # share of the page's <p> prose in its body block(s) (0 when there is none)

    def says_article(self, article_url: bool) -> bool:
        """One headline, one body block with most of the prose, and article markup or an
        article URL: the shape of a story page, however short. Listings fail on the body block
        (each teaser sits in its own box); galleries and stubs have no body block at all."""
        return self.headlines == 1 and self.body_share >= SHORT_BODY_SHARE and (self.article_markup or article_url)


def _read_raw(tree: HtmlElement, url: str, cms: CmsProfile | None) -> _RawEvidence:
    """Title, canonical URL, date evidence, labelled credit fields and link count."""
    return _RawEvidence(
        title=extract_title(tree, url),
        canonical=canonical_url(tree, url),
        dates=read_page_dates(tree, url, cms.date_elements(tree) if cms else ()),
        fields=read_labelled_fields(tree),
        link_count=len(tree.xpath("//a[@href]")),
        authors=_page_authors(tree),
        headline_links=len(tree.xpath("//*[self::h2 or self::h3 or self::h4][.//a]")),
        typed_article=_declares_article(tree),
        structure=_read_structure(tree),
    )


def _read_structure(tree: HtmlElement) -> _Structure:
    """Headlines, article markup and the body block's share of the page's prose."""
    og_type = " ".join(tree.xpath("//meta[@property='og:type']/@content")).strip().lower()
    microdata = any(_ARTICLE_MICRODATA.search(t) for t in tree.xpath("//@itemtype"))
    markup = _declares_article(tree) or microdata or og_type == "article" or len(tree.xpath("//article")) == 1
    blocks = story_blocks(tree)
    total = sum(_prose(p) for p in tree.iter("p", "blockquote"))
    in_body = sum(_prose(p) for block in blocks for p in block if p.tag in ("p", "blockquote"))
    return _Structure(len(tree.xpath("//h1")), markup, in_body / total if total else 0.0)


def _prose(paragraph: HtmlElement) -> int:
    """Words of a <p>, link text left out."""
    return len(paragraph.text_content().split()) - sum(len(a.text_content().split()) for a in paragraph.iter("a"))


def _page_authors(tree: HtmlElement) -> tuple[str | None, ...]:
    """Metadata author, plus the byline only when metadata has no real name (saves a scan)."""
    declared = metadata_author(tree)
    if declared and not is_placeholder_author(declared):
        return (declared,)
    return declared, byline_author(tree)


def _declares_article(tree: HtmlElement) -> bool:
    """JSON-LD types the page as an article (og:type is not trusted: tag pages claim it too)."""
    for obj in iter_json_ld(tree):
        types = obj.get("@type")
        if any(isinstance(t, str) and _ARTICLE_TYPES.search(t) for t in (types if isinstance(types, list) else [types])):
            return True
    return False


def _repeated_dateline(paragraphs: Sequence[str]) -> int:
    """How often the commonest opening dateline repeats: teasers on a section page each start
    with "Pangkalpinang –", a story does so once."""
    places = Counter(place for p in paragraphs if (place := extract_dateline([p])))
    return max(places.values(), default=0)


def _listing_reason(raw: _RawEvidence, paragraphs: Sequence[str], url: str, running: int) -> str | None:
    """Why the URL and page structure say "section/tag/home page" (None if they do not)."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if raw.typed_article and running >= MIN_RUNNING_WORDS:
        return None
    item_query = bool(_ITEM_QUERY.search(f"?{parts.query}"))
    home = parts.path in ("", "/") and not item_query
    archive = LISTING_ARCHIVE_PATH.search(path) and not _ARTICLE_PATH.search(path)
    if home or (not item_query and (LISTING_TAXONOMY_PATH.search(path) or archive)):
        return f"listing page: URL {path or '/'}, {raw.link_count} links, {running} words of prose"
    if _ARTICLE_PATH.search(path):
        return None
    if raw.headline_links >= LISTING_MIN_HEADLINE_LINKS:
        return f"listing page: {raw.headline_links} headline links, {running} words of prose"
    dated = len({d.date() for d in raw.dates.visible})
    if dated >= LISTING_MIN_DATES or _repeated_dateline(paragraphs) >= LISTING_MIN_DATES:
        return f"listing page: {dated} dated teasers, {running} words of prose"
    return None


def _main_text_lines(tree: HtmlElement, url: str) -> list[str]:
    """trafilatura's main text of the cleaned tree, one line per block (comments excluded:
    reader comments are never article text for Pantau)."""
    document = trafilatura.bare_extraction(tree, url=url, include_comments=False, include_tables=True)
    return split_paragraphs(document.text or "") if document is not None else []


def _short_article(paragraphs: Sequence[str], raw: _RawEvidence, url: str, words: int) -> bool:
    """A page with little prose that is still a story (a four-sentence government release): its
    structure says article (:meth:`_Structure.says_article`), it is no teaser grid (few headline
    links, no repeated dateline) and no login wall."""
    path = urlsplit(url).path
    return (words >= SHORT_MIN_WORDS and raw.headline_links < LISTING_MIN_HEADLINE_LINKS
            and _repeated_dateline(paragraphs) < LISTING_MIN_DATES
            and not any(_LOGIN_WALL.search(p) for p in paragraphs)
            and raw.structure.says_article(bool(_ARTICLE_PATH.search(path))))


def _not_article_reason(paragraphs: Sequence[str], raw: _RawEvidence, url: str) -> str | None:
    """Why the page is not an article (None when it is one). A page with enough running prose is
    judged by its URL and layout (:func:`_listing_reason`); a short one must also have the
    structure of a story page (:func:`_short_article`)."""
    words = sum(map(_word_count, paragraphs))
    running = sum(n for n in map(_word_count, paragraphs) if n >= 15)
    head = f"{raw.title or ''} {' '.join(paragraphs[:1])}"[:300]
    if words == 0:
        return "no body"
    if running < MIN_RUNNING_WORDS and _ERROR_PAGE.search(head):
        return f"error page: {_ERROR_PAGE.search(head).group(0)!r}"
    if listing := _listing_reason(raw, paragraphs, url, running):
        return listing
    if running < MIN_RUNNING_WORDS:
        if _short_article(paragraphs, raw, url, words):
            return None
        if raw.link_count >= LISTING_MIN_LINKS:
            return f"listing page: {raw.link_count} links, {running} words of prose"
        return f"no body: {running} words of prose"
    return None


def _word_count(paragraph: str) -> int:
    """Words in a paragraph; scripts written without spaces count one word per 8 characters."""
    return max(len(paragraph.split()), len(paragraph) // 8)


_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                     remove_pis=True)
# lxml.html's own lookup is Python code run for every element proxy made (a tenth of the time
# of an extraction); this one is lxml's C lookup. Forms come out as plain HtmlElement, which
# neither Pantau nor trafilatura minds.
_PARSER.set_element_class_lookup(ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))


def parse_html(html: str | bytes) -> HtmlElement | None:
    """The page as trafilatura's ``load_html`` reads it (encoding guessed, a faulty ``<html/>``
    repaired, bytes tried when the string fails, non-HTML refused), on Pantau's parser."""
    text = decode_file(html)
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    tree = None
    try:
        tree = fromstring(text, parser=_PARSER)
    except ValueError:  # a Unicode string with an encoding declaration
        tree = None
    except Exception:  # noqa: BLE001 - lxml refuses some garbage with odd errors
        tree = None
    if tree is None or len(tree) < 1:
        try:
            tree = fromstring(text.encode("utf8", "surrogatepass"), parser=_PARSER)
        except Exception:  # noqa: BLE001
            tree = None
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _aware(moment: datetime | None) -> datetime:
    """``now`` as an aware datetime (naive values are read as WIB)."""
    moment = moment or datetime.now(WIB)
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


def extract_article(
    html: str | bytes, url: str, *, drop: Sequence[str] = (), now: datetime | None = None,
    template: SiteTemplate | None = None, placed: bool = False,
) -> Article:
    """Extract clean text and metadata from one page.

    ``drop`` lists the source's own CSS selectors to delete before extraction; ``now`` bounds
    dates (later dates are rejected) and anchors relative ones ("2 jam yang lalu"); ``template``
    is the site's learned template, whose lines outside the story are removed. ``placed`` (or a
    template) also places every paragraph on the page (``Article.lines``), for the learner.
    """
    now = _aware(now)
    tree = parse_html(html)
    if tree is None:
        return Article(url=url, reason="not HTML (feed, XML or unparseable markup)")
    cms = detect_cms(tree)
    # its story blocks (and the body containers its CMS names), found once for reading and cleaning
    with story_of(tree, keep=cms.body_elements(tree) if cms else ()):
        raw = _read_raw(tree, url, cms)
        cleaned = clean_tree(tree, (*drop, *cms.chrome) if cms else drop)
        lines = _main_text_lines(cleaned, url)
    credits = {**raw.fields, **read_credit_lines(join_label_value_lines(join_wrapped_lines(lines)))}
    paragraphs = clean_paragraphs(lines, raw.title)
    placed_lines, removed = [], []
    if placed or template is not None:
        placed_lines = page_lines(paragraphs, cleaned)
        paragraphs, removed = apply_template(placed_lines, template)
    published = choose_published(raw.dates, paragraphs, now, tree)
    reason = _not_article_reason(paragraphs, raw, url)
    text = "\n\n".join(paragraphs)
    return Article(
        url=url, canonical_url=raw.canonical, title=raw.title, text=text,
        published=published, modified=choose_modified(raw.dates, published, now),
        author=choose_author(credits, raw.authors, paragraphs, url), source_attribution=credits.get("sumber"),
        dateline=extract_dateline(paragraphs), language=detect_language(tree, text),
        is_article=reason is None, reason=reason, cms=cms.name if cms else None,
        template_removed=removed, lines=placed_lines,
    )
