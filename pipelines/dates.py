"""Publication and modification dates of an Indonesian news page.

Evidence is tried from strongest to weakest, and the first usable date wins:

1. machine metadata: JSON-LD ``datePublished`` (also inside ``@graph``), ``article:published_time``
   and kin, ``<time datetime>`` / ``itemprop=datePublished`` outside page chrome;
2. visible dates in date/byline/meta elements, or printed right under the headline ("Kamis, 14 Juli
   2022", "14/07/2022 10:15 WIB", "Senin, 3 Juni 2024 | 10:15 WITA", "Juli 14, 2022"), then relative
   ones there ("2 jam yang lalu"), then those falling on ``now``'s own day (an unmarked top bar may
   print the crawl day; a relative byline is more exact);
3. a full date in the first paragraphs of the body ("Jambi-X.com. 2022/04/07");
4. a weekday with day/month in the body ("Rabu (10/05)", "Jumat (22/9)"), the year taken from the
   URL or other years on the page when the weekday agrees, else the latest fitting year before
   ``now``;
5. htmldate as a last resort (it knows Indonesian month names).

Page chrome (nav, top bars, site headers) is skipped: many regional sites print the crawl day in
a top bar on every page ("Minggu, 22 November 2026"). A date after ``now`` is always rejected.

Library choice: absolute Indonesian forms are parsed by the regexes below (fast, and they know
WIB/WITA/WIT and dd/mm order); relative phrases are resolved by ``dateparser`` (maintained,
Indonesian-aware, rarely needed so its cost is paid rarely); ``htmldate`` is the fallback.
Naive times are read as WIB (+07:00).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import chain

from lxml.etree import XPath
from lxml.html import HtmlElement

from pipelines.vocabulary import (
    CHROME_TAGS,
    CHROME_WORDS,
    MONTHS,
    PAGE_CHROME_MARKERS,
    POST_LIST_MARKERS,
    STORY_CONTAINER_TAGS,
    STORY_PART_WORDS,
    WEEKDAYS,
    WIB,
    ZONES,
)

_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:[\s,|\-–—]*(?:pukul|jam)?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.]\d{2})?\s*(?P<zone>WITA|WIB|WIT)?)?"
DATE_PATTERNS = (
    re.compile(r"\b(?P<day>\d{1,2})\s+" + _MONTH + r"\s+(?P<year>\d{4})\b" + _TIME, re.I),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b" + _TIME, re.I),
    re.compile(r"\b(?P<year>\d{4})[/.-](?P<mon>\d{1,2})[/.-](?P<day>\d{1,2})\b" + _TIME, re.I),
    re.compile(r"\b(?P<day>\d{1,2})[/.-](?P<mon>\d{1,2})[/.-](?P<year>\d{4})\b" + _TIME, re.I),
)
WEEKDAY_DAY_MONTH = re.compile(
    r"\b(?P<weekday>senin|selasa|rabu|kamis|jum['’]?at|sabtu|minggu|ahad)\s*,?\s*\(\s*(?P<day>\d{1,2})\s*/\s*"
    r"(?P<mon>\d{1,2})(?:\s*/\s*(?P<year>\d{2,4}))?\s*\)",
    re.I,
)
RELATIVE = re.compile(r"\b(\d+\s+(detik|menit|jam|hari|minggu|bulan)\s+(yang\s+)?lalu|kemarin|hari ini|baru saja)\b", re.I)

_META_PUBLISHED = ("article:published_time", "og:article:published_time", "datepublished", "pubdate",
                   "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
                   "dcterms.created", "sailthru.date", "parsely-pub-date", "content_publishdate")
_META_MODIFIED = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")
_DATE_MARKER_WORDS = ("date", "time", "tanggal", "tgl", "posted", "byline", "meta", "publish", "waktu")
_DATE_MARKERS = re.compile("|".join(_DATE_MARKER_WORDS))
_CHROME_MARKERS = re.compile("|".join(PAGE_CHROME_MARKERS))
_LISTING_MARKERS = re.compile("|".join(POST_LIST_MARKERS))
# Blogger wraps every post in its "widget Blog" container: the post area, not a sidebar widget.
_BLOG_POSTS = re.compile(r"(?<![\w-])(blog|blog-posts|post-outer)(?![\w-])")
_DIGIT = re.compile(r"\d")
_WITH_ATTRS = XPath("//body//*[@class or @id]")
_TIME_ELEMENTS = XPath("//time[@datetime]|//*[@itemprop='datePublished']")
_JSON_LD = XPath("//script[@type='application/ld+json']/text()")
_URL_YEAR = re.compile(r"/((?:19|20)\d{2})(?:/|-|$)")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)")
_CHROME_ELEMENTS = XPath("//header|//nav|//aside|//footer|//body//div[@class or @id]")
_YEAR = re.compile(r"\b(20\d{2}|19\d{2})\b")


@dataclass
class PageDates:
    """Date evidence read from the raw tree before cleaning (cleaning removes bylines)."""

    published_meta: list[datetime] = field(default_factory=list)
    modified_meta: list[datetime] = field(default_factory=list)
    visible: list[datetime] = field(default_factory=list)
    relative_texts: list[str] = field(default_factory=list)
    page_years: list[int] = field(default_factory=list)
    url_date: datetime | None = None
    chrome_days: set[date] = field(default_factory=set)
    """Days printed in page chrome (header bars, tickers, sidebars, footers): never the story's."""


# ---------------------------------------------------------------- parsing single strings

def parse_iso(value: str) -> datetime | None:
    """Parse a machine date (ISO 8601 and the usual near-ISO variants); naive means WIB."""
    value = value.strip().replace(" ", "T", 1) if re.match(r"^\d{4}-\d\d-\d\d \d", value.strip()) else value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _first_visible(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def _build(match: re.Match[str]) -> datetime | None:
    """Turn one DATE_PATTERNS match into an aware datetime (None when impossible)."""
    parts = match.groupdict()
    month = MONTHS[parts["month"].lower()] if parts.get("month") else int(parts["mon"])
    hour, minute = int(parts.get("hour") or 0), int(parts.get("minute") or 0)
    zone = ZONES.get((parts.get("zone") or "WIB").upper(), WIB)
    try:
        return datetime(int(parts["year"]), month, int(parts["day"]), hour, minute, tzinfo=zone)
    except ValueError:
        return None


def latest_moment(published: datetime) -> datetime:
    """The latest moment a story dated ``published`` can have appeared. A page or sitemap that
    gives only the day ("Jumat, 04 Desember 2026", ``<lastmod>2026-12-04</lastmod>``) is read as
    midnight, yet the story may be from any hour of that day: judged by midnight, this morning's
    story would be "older" than a window that opened at 02.55 last night, and lost."""
    if published.time() == time(0, 0):
        return published + timedelta(days=1) - timedelta(seconds=1)
    return published


def iter_visible_dates(text: str) -> Iterator[datetime]:
    """Every absolute date written in ``text``, in reading order ("Kamis, 14 Juli 2022",
    "14/07/2022 10:15 WIB", "2022/04/07", "Juli 14, 2022")."""
    found: list[tuple[int, datetime]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            parsed = _build(match)
            if parsed is not None and 1990 <= parsed.year:
                found.append((match.start(), parsed))
    yield from (parsed for _, parsed in sorted(found, key=lambda pair: pair[0]))


def _first_visible(text: str) -> datetime | None:
    """The first absolute date in ``text``, if any."""
    return next(iter_visible_dates(text), None)


def parse_relative(text: str, now: datetime) -> datetime | None:
    """Resolve "2 jam yang lalu", "kemarin", "hari ini" against ``now`` with dateparser."""
    match = RELATIVE.search(text)
    if not match:
        return None
    import dateparser  # imported lazily: loading its language data costs ~0.3 s

    base = now.astimezone(WIB).replace(tzinfo=None)
    parsed = dateparser.parse(match.group(0), languages=["id"], settings={"RELATIVE_BASE": base})
    return parsed.replace(tzinfo=WIB) if parsed else None


def resolve_weekday_date(text: str, years: Sequence[int], now: datetime) -> datetime | None:
    """Resolve "Rabu (10/05)" / "Jumat (22/9)" in ``text``: the first candidate year whose
    calendar puts that day on that weekday, else the latest such year not after ``now``."""
    for match in WEEKDAY_DAY_MONTH.finditer(text):
        weekday = WEEKDAYS.get(match["weekday"].lower().replace("’", "'"), WEEKDAYS.get("jumat"))
        day, month = int(match["day"]), int(match["mon"])
        if match["year"]:
            year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
            found = _safe_date(year, month, day)
            if found and found.weekday() == weekday and found <= now.date():
                return datetime(year, month, day, tzinfo=WIB)
            continue
        for year in [*years, *range(now.year, now.year - 15, -1)]:
            found = _safe_date(year, month, day)
            if found and found.weekday() == weekday and found <= now.date():
                return datetime(year, month, day, tzinfo=WIB)
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    """``date(...)`` that answers None for impossible days instead of raising."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------- reading the page

def _meta_values(tree: HtmlElement, names: Iterable[str]) -> list[str]:
    """Content of <meta> tags whose name/property/itemprop is in ``names``, in that order."""
    wanted = {name: [] for name in names}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in wanted and meta.get("content"):
            wanted[key].append(meta.get("content"))
    return [value for values in wanted.values() for value in values]


def iter_json_ld(tree: HtmlElement) -> Iterator[dict]:
    """Every JSON-LD object on the page, flattening lists and ``@graph``."""
    for raw in _JSON_LD(tree):
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        yield from _flatten_ld(data)


def _flatten_ld(data: object) -> Iterator[dict]:
    """Depth-first dicts of a JSON-LD document (lists and @graph containers unwrapped)."""
    if isinstance(data, list):
        for item in data:
            yield from _flatten_ld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten_ld(data["@graph"])


def _marks(element: HtmlElement) -> str:
    """Lower-cased class and id of an element."""
    return f"{element.get('class', '')} {element.get('id', '')}".lower()


@lru_cache(maxsize=8192)
def _matches(pattern: re.Pattern[str], marks: str) -> bool:
    """``pattern`` found in ``marks``, decided once per distinct class/id string (pages repeat
    the same few hundred class strings thousands of times)."""
    return bool(pattern.search(marks))


def _declared(element: HtmlElement) -> bool:
    """The element declares itself the post's publication date (``itemprop=datePublished``)."""
    return element.get("itemprop") == "datePublished"


@lru_cache(maxsize=8192)
def _chrome_words(marks: str) -> bool:
    """A class/id token naming page chrome ("theme-header", "top-nav", "news-bar") and not a
    part of the story ("entry-header", "td-post-header")."""
    return any(CHROME_WORDS.search(token) and not STORY_PART_WORDS.search(token) for token in marks.split())


def _chrome_element(element: HtmlElement) -> bool:
    """The element itself is page chrome, by its tag (header, nav, aside, footer) or its class/id
    words. A <header> is the entry's own inside <article>/<main>, when its class names the story,
    or when it holds the headline <h1> (not a logo link)."""
    marks = _marks(element)
    if element.tag == "header":
        return not (_matches(STORY_PART_WORDS, marks) or _in_story(element) or _holds_headline(element))
    return element.tag in CHROME_TAGS or _matches(_CHROME_MARKERS, marks) or _chrome_words(marks)


def _in_story(element: HtmlElement) -> bool:
    """Inside <article> or <main>."""
    return any(ancestor.tag in STORY_CONTAINER_TAGS for ancestor in element.iterancestors())


def _holds_headline(element: HtmlElement) -> bool:
    """Holds an <h1> that is not a link (a logo <h1><a href="/">Site</a></h1> is not a headline)."""
    return any(not h1.xpath(".//a") for h1 in element.iter("h1"))


def in_page_chrome(element: HtmlElement) -> bool:
    """True when the element sits in page chrome: a site header or top bar, a ticker, menus, a
    sidebar or widget, a footer (by tag and class/id words, see :mod:`pipelines.vocabulary`)."""
    return _in_chrome(element)


def _in_chrome(element: HtmlElement, declared: bool = False) -> bool:
    """True when the element sits in nav/top bar/site header/ticker/sidebar/footer, not in the
    article. The <body>'s classes describe the whole page ("right-sidebar", "single-post"), so they
    are not read. A ``declared`` datePublished is only refused inside lists of other posts (Blogger
    prints the post's own time in its post footer)."""
    if declared:
        for ancestor in element.iterancestors():
            if ancestor.tag in ("body", "html") or _matches(_BLOG_POSTS, _marks(ancestor)):
                break
            if _matches(_LISTING_MARKERS, _marks(ancestor)):
                return True
        return _matches(_LISTING_MARKERS, _marks(element))
    for ancestor in element.iterancestors():
        if ancestor.tag in ("body", "html") or _matches(_BLOG_POSTS, _marks(ancestor)):
            break
        if _chrome_element(ancestor):
            return True
    return _chrome_element(element)


def _ld_dates(tree: HtmlElement, key: str) -> list[datetime]:
    """JSON-LD dates under ``key`` (datePublished/dateModified)."""
    values = [obj.get(key) for obj in iter_json_ld(tree) if isinstance(obj.get(key), str)]
    return [d for d in map(parse_iso, values) if d]


def read_page_dates(tree: HtmlElement, url: str, entry_dates: Sequence[HtmlElement] = ()) -> PageDates:
    """Collect date evidence from the raw page (before cleaning strips the bylines).
    ``entry_dates`` are the elements the page's CMS prints the entry's date in (``pipelines.cms``):
    read before every other visible date."""
    found = PageDates()
    found.published_meta = _ld_dates(tree, "datePublished") + [
        d for d in map(parse_iso, _meta_values(tree, _META_PUBLISHED)) if d]
    found.modified_meta = _ld_dates(tree, "dateModified") + [
        d for d in map(parse_iso, _meta_values(tree, _META_MODIFIED)) if d]
    for element in _TIME_ELEMENTS(tree):
        value = element.get("datetime") or element.get("content") or element.get("title") or element.text_content()
        if not _in_chrome(element, _declared(element)) and (parsed := parse_iso(value)):
            found.published_meta.append(parsed)
    for element in entry_dates:
        _read_date_line(element, found)
    _read_visible(tree, found)
    found.page_years = _page_years(url, found)
    found.url_date = url_date(url)
    return found


def url_date(url: str) -> datetime | None:
    """The day a WordPress-style permalink names ("/2026/11/27/slug/"), if any."""
    match = _URL_DATE.search(url)
    day = _safe_date(*map(int, match.groups())) if match else None
    return datetime(day.year, day.month, day.day, tzinfo=WIB) if day else None


def _read_visible(tree: HtmlElement, found: PageDates) -> None:
    """Visible dates and relative phrases in date/byline elements outside page chrome, then in
    the lines printed right under the headline (themes that give the date line no date-ish class)."""
    for element in _WITH_ATTRS(tree):
        if _date_marked(element.get("class")) or _date_marked(element.get("id")):
            _read_date_line(element, found)
    if not found.visible:
        for element in _headline_neighbours(tree):
            _read_date_line(element, found)


@lru_cache(maxsize=16384)
def _date_marked(value: str | None) -> bool:
    """Does a class or id value name a date/byline element (decided once per distinct value)?"""
    return bool(value) and bool(_DATE_MARKERS.search(value.lower()))


def _read_date_line(element: HtmlElement, found: PageDates) -> None:
    """Dates (or a relative phrase) in one short element outside page chrome."""
    if element.tag in ("script", "style"):
        return
    text = _short_text(element, 200)
    if not text or not (_DIGIT.search(text) or RELATIVE.search(text)):
        return
    if _in_chrome(element):
        found.chrome_days.update(moment.date() for moment in iter_visible_dates(text))
        return
    found.visible.extend(iter_visible_dates(text))
    if RELATIVE.search(text):
        found.relative_texts.append(text)


HEADLINE_NEIGHBOURS = 3


def _headline_neighbours(tree: HtmlElement) -> list[HtmlElement]:
    """The few elements printed right after the headline <h1>: where a story's date line sits."""
    for heading in [*tree.iter("h1")][:1] or [*tree.iter("h2")][:1]:  # old themes style the headline as <h2>
        return [el for el in heading.itersiblings() if isinstance(el.tag, str)][:HEADLINE_NEIGHBOURS]
    return []


def _leading_text(element: HtmlElement, limit: int) -> Iterator[str]:
    """The element's text pieces up to about ``limit`` characters (a sidebar's dates, not all of it)."""
    size = 0
    for piece in element.itertext():
        yield piece
        size += len(piece)
        if size > limit:
            return


def _short_text(element: HtmlElement, limit: int) -> str | None:
    """The element's squeezed text, or None once it exceeds ``limit`` characters (a wrapper,
    not a date line), without building the text of a huge element."""
    pieces, size = [], 0
    for piece in element.itertext():
        size += len(piece)
        if size > limit * 3:
            return None
        pieces.append(piece)
    text = " ".join(" ".join(pieces).split())
    return text if len(text) <= limit else None


def _page_years(url: str, found: PageDates) -> list[int]:
    """Years the page itself suggests: the URL first, then dates seen on the page."""
    years = [int(y) for y in _URL_YEAR.findall(url)]
    years += [d.year for d in found.published_meta + found.visible]
    return list(dict.fromkeys(years))


# ---------------------------------------------------------------- choosing

def _usable(candidate: datetime | None, now: datetime) -> bool:
    """A date not in the future relative to ``now`` (a few minutes of clock skew allowed)."""
    return candidate is not None and candidate <= now + timedelta(minutes=5)


def choose_published(found: PageDates, paragraphs: Sequence[str], now: datetime, html_tree: HtmlElement | None = None) -> datetime | None:
    """Pick the publication date by descending strength of evidence (see the module docstring)."""
    lead = " ".join(paragraphs[:2])
    body_years = [int(y) for y in _YEAR.findall(" ".join(paragraphs))]
    years = list(dict.fromkeys([*found.page_years, *body_years]))
    candidates = chain(  # lazy: weaker evidence is only computed when stronger is missing
        found.published_meta,
        _not_on_crawl_day(found.visible, now),
        (parse_relative(text, now) for text in found.relative_texts[:3]),  # "2 jam yang lalu" is exact...
        [found.url_date],  # the permalink's day ("/2026/11/27/slug/") ...
        _on_crawl_day(found.visible, now),  # ... where today's date may be an unmarked top bar's
        iter_visible_dates(lead),
        (resolve_weekday_date(" ".join(paragraphs), years, now) for _ in (0,)),
    )
    for candidate in candidates:
        if _usable(candidate, now):
            return with_printed_time(candidate, found.visible)
    if html_tree is None:
        return None
    fallback = _htmldate_fallback(html_tree, now)
    if fallback is not None and fallback.date() in found.chrome_days | _chrome_days(html_tree):
        return None  # the header bar's (or a sidebar's) day: no date rather than a wrong one
    return fallback


def _holds_story(element: HtmlElement) -> bool:
    """A "chrome" container that wraps the story itself (a layout "has-sidebar" wrapper, Blogger's
    "widget Blog"): its dates are the story's too."""
    return _matches(_BLOG_POSTS, _marks(element)) or bool(element.xpath("boolean(.//h1|.//article|.//p[3])"))


def _chrome_days(tree: HtmlElement) -> set[date]:
    """Days printed anywhere in page chrome (header, nav, aside, footer and chrome-marked
    containers), read only when htmldate answers: it does not know chrome."""
    days: set[date] = set()
    for element in _CHROME_ELEMENTS(tree):
        if _chrome_element(element) and not _holds_story(element):
            text = " ".join(" ".join(_leading_text(element, 3000)).split())
            days.update(moment.date() for moment in iter_visible_dates(text))
    return days


def with_printed_time(chosen: datetime, visible: Sequence[datetime]) -> datetime:
    """A date-only value (metadata "2015-11-05", midnight) takes the time of day the byline prints
    for the same day ("Kamis, 5 November 2015 - 15:56 WIB"): the day is trusted, the time is added."""
    if (chosen.hour, chosen.minute, chosen.second) != (0, 0, 0):
        return chosen
    day = chosen.astimezone(WIB).date() if chosen.tzinfo else chosen.date()
    for moment in visible:
        if moment.date() == day and (moment.hour, moment.minute) != (0, 0):
            return moment
    return chosen


def _on_crawl_day(visible: Sequence[datetime], now: datetime) -> list[datetime]:
    """Visible dates on ``now``'s own day: the story may be from today, or an unmarked top bar
    printing today's date ("Minggu, 22 November 2026"); only weaker evidence ranks below them."""
    today = now.astimezone(WIB).date()
    return [moment for moment in visible if moment.astimezone(WIB).date() == today]


def _not_on_crawl_day(visible: Sequence[datetime], now: datetime) -> list[datetime]:
    """Visible dates on any other day than ``now``'s."""
    today = now.astimezone(WIB).date()
    return [moment for moment in visible if moment.astimezone(WIB).date() != today]


def choose_modified(found: PageDates, published: datetime | None, now: datetime) -> datetime | None:
    """The modification date from metadata, if usable and not before publication."""
    for candidate in found.modified_meta:
        if _usable(candidate, now) and (published is None or candidate >= published):
            return candidate
    return None


def _htmldate_fallback(tree: HtmlElement, now: datetime) -> datetime | None:
    """Ask htmldate as a last resort; a date equal to ``now``'s day is suspect (crawl-day top
    bar) since real same-day dates are found by the byline rules above."""
    from htmldate import find_date

    try:
        found = find_date(tree, original_date=True, extensive_search=False, max_date=now.strftime("%Y-%m-%d"),
                          outputformat="%Y-%m-%d")
    except ValueError:
        return None
    if not found or found == now.astimezone(WIB).strftime("%Y-%m-%d"):
        return None
    return datetime.fromisoformat(found).replace(tzinfo=WIB)
