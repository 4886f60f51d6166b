"""Article metadata other than dates: title, canonical URL, author, source attribution, dateline
and language.

Each field is read from the strongest evidence the page offers: machine metadata (Open Graph,
JSON-LD, ``<link rel=canonical>``) where regional CMSs fill it, the credit lines Indonesian
newsrooms type into the body ("Penulis: Erwin", "Sumber: Dinas Kominfo"), labelled CMS fields
(Drupal "Sumber" / "Penulis" fields), and last the closing initials marker ("(Fit)",
"(Kominfo-lmj/bob)"). All functions are pure: a tree or text in, a value out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urljoin, urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from pipelines.dates import in_page_chrome, iter_json_ld
from pipelines.vocabulary import (
    AUTHOR_LABELS,
    BRAND_MARKERS,
    BYLINE_LABELS,
    CLOSING_INITIALS,
    CREDIT_LINE,
    EDITOR_LABELS,
    INSTITUTION_NAME,
    OUTLET_PLACE_DATELINE,
    PLACE_DATELINE,
    PORTAL_PREFIX,
)

GENERIC_AUTHORS = frozenset({"admin", "administrator", "redaksi", "tim redaksi", "webmaster", "editor",
                             "author", "user", "superadmin", "operator", "admin web", "adminweb", "developer"})
_LABEL_START = re.compile(r"(" + "|".join(BYLINE_LABELS) + r")\b", re.I)
_LABEL_TEXT = XPath("//body//text()[string-length(.) > 4]")
_BYLINE = XPath(
    "//*[contains(@class,'author') or contains(@class,'byline') or contains(@class,'penulis')"
    " or contains(@class,'reporter') or @rel='author' or @itemprop='author']"
)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—\-»·:]{1,2}\s+|\s*\|\s*")
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)*\.(com|id|net|org|info|news|co|go|web)\b", re.I)
_DOMAIN_PREFIX = re.compile(r"^[\w-]+(\.[\w-]+)*\.(com|id|net|org|info|news|co)\s*:\s+", re.I)
_INITIALS_SHAPE = re.compile(r"^[\w.\-/ ]+$")
_INDONESIAN_WORDS = frozenset("yang dan di dengan untuk dari ini itu dalam pada tidak akan juga oleh ke".split())
_ENGLISH_WORDS = frozenset("the and of to in is that for with on was as by are from".split())


# ---------------------------------------------------------------- small helpers

def _meta(tree: HtmlElement, *names: str) -> str | None:
    """First non-empty <meta> content among ``names`` (property/name/itemprop, lower-cased)."""
    wanted = set(names)
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in wanted and (meta.get("content") or "").strip():
            return " ".join(meta.get("content").split())
    return None


def squash(text: str) -> str:
    """Lower-cased letters and digits only, to compare names across punctuation and spacing."""
    return re.sub(r"\W+", "", text).lower()


def _clean_name(value: str) -> str:
    """Trim a person/source name of separators, "By"/"Oleh" prefixes and trailing dates."""
    value = re.sub(r"^((di)?posting\s+oleh|ditulis\s+oleh|posted\s+by|written\s+by|by|oleh|penulis|reporter)"
                   r"\s*:?\s+", "", value.strip(), flags=re.I)
    value = re.split(r"\s+[|•·–—-]\s+|\s{2,}|\s+-\s*$", value)[0]
    value = _ROLE_PREFIX.sub("", value.strip())
    return _ROLE_SUFFIX.sub("", value).strip(" .,:;|-–")


# "Kontributor Lhokseumawe, Masriadi" / "Dewi Kania Jurnalis": the role is not the name.
_ROLE_PREFIX = re.compile(r"^(kontributor|koresponden|wartawan|jurnalis)\b[^,]{0,30},\s*", re.I)
_ROLE_SUFFIX = re.compile(r"\s+(jurnalis|wartawan|kontributor|reporter)$", re.I)


# ---------------------------------------------------------------- title and URL

def canonical_url(tree: HtmlElement, url: str) -> str | None:
    """<link rel=canonical> or og:url, made absolute against the page URL."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return urljoin(url, link.get("href").strip())
    og_url = _meta(tree, "og:url")
    return urljoin(url, og_url) if og_url else None


def site_name(tree: HtmlElement) -> str | None:
    """The publisher's own name, which titles carry as a prefix or suffix."""
    return _meta(tree, "og:site_name", "application-name", "twitter:site")


def _is_site_part(part: str, site: str | None, host: str) -> bool:
    """Does a title segment name the site ("Detikkasus.com", "Polres Tulungagung")?"""
    compact = squash(part)
    if not compact:
        return True
    if (site and compact == squash(site)) or _DOMAIN.match(part.strip()) or compact in squash(host):
        return True
    labels = [label for label in host.split(".") if len(label) > 3 and label not in ("www", "com")]
    return len(part.split()) <= 4 and any(squash(label) in compact for label in labels)


def strip_site_name(title: str, site: str | None, url: str) -> str:
    """Remove site-name segments at either end of a title ("Judul – Detikkasus.com",
    "Detikkasus.com | Judul", "Judul - Polres Tulungagung"); never the last remaining segment."""
    title = _DOMAIN_PREFIX.sub("", title.strip())
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    host = (urlsplit(url).hostname or "").lower()
    while len(parts) > 1 and _is_site_part(parts[-1], site, host):
        parts.pop()
    while len(parts) > 1 and _is_site_part(parts[0], site, host):
        parts.pop(0)
    if not parts:
        return " ".join(title.split())
    start, end = title.find(parts[0]), title.rfind(parts[-1]) + len(parts[-1])
    return " ".join(title[start:end].split()) if 0 <= start < end else " ".join(parts[0].split())


def _headline_h1(tree: HtmlElement) -> str | None:
    """Text of the page's headline <h1>, skipping a logo h1 in the site header."""
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        classes = (h1.get("class") or "").lower()
        if text and "site-title" not in classes and "logo" not in classes:
            return text
    return None


def _heading_in_title(tree: HtmlElement, doc_title: str | None) -> str | None:
    """A page heading (h1-h3) that opens or closes the <title>: the headline, when a CMS has
    no og:title and styles the headline as an <h3>."""
    if not doc_title:
        return None
    whole = squash(doc_title)
    for heading in tree.xpath("(//h1|//h2|//h3)[position() <= 40]"):
        text = " ".join(heading.text_content().split())
        if len(text.split()) >= 3 and (whole.startswith(squash(text)) or whole.endswith(squash(text))):
            return text
    return None


_HEADLINE_CLASS = re.compile(r"(?<![\w-])(judul(?:[-_]berita)?|detail[-_]judul|headline|(?:post|entry|article|news|berita)"
                             r"[-_]title)(?![\w-])")
_HEADLINE_CANDIDATES = XPath("//body//*[@class][not(self::a)][not(ancestor::a)]")


def _headline_by_class(tree: HtmlElement) -> str | None:
    """An element its CMS names the headline ("judul", "post-title") when the page has no <h1>
    and no metadata title: old regency CMSs print the headline in a styled <div>."""
    for element in _HEADLINE_CANDIDATES(tree):
        if _HEADLINE_CLASS.search(element.get("class", "").lower()):
            text = " ".join(element.text_content().split())
            if 3 <= len(text.split()) <= 30:
                return text
    return None


def _ld_headline(tree: HtmlElement) -> str | None:
    """The JSON-LD ``headline``, if any."""
    return next((o["headline"] for o in iter_json_ld(tree) if isinstance(o.get("headline"), str)), None)


def extract_title(tree: HtmlElement, url: str) -> str | None:
    """The headline without the site name: og:title, else the <h1>, else JSON-LD, else a
    heading the <title> repeats, else a CMS headline element, else the <title> itself. A
    candidate that is the site's own name (portals title every page so) gives way to the
    headline in the content."""
    doc_title = tree.findtext(".//title")
    site = site_name(tree)
    candidates = (  # lazy: a page with og:title never pays for the weaker searches
        lambda: _meta(tree, "og:title", "twitter:title"), lambda: _headline_h1(tree), lambda: _ld_headline(tree),
        lambda: _heading_in_title(tree, doc_title), lambda: _headline_by_class(tree), lambda: doc_title)
    for find in candidates:
        if (candidate := find()) and candidate.strip():
            title = strip_site_name(candidate, site, url) or None
            if title and (headline := _headline_instead_of_site_name(tree, title, site, url)):
                return headline
            return title
    return None


# ---------------------------------------------------------------- the portal's name as title

def _portal_name(text: str) -> str:
    """A name without "Website Resmi" / "Selamat Datang di", squashed for comparison."""
    return squash(PORTAL_PREFIX.sub("", " ".join(text.split())))


_BRAND_ELEMENTS = XPath(
    "//body//a[@rel='home' or @href='/' or @href=$home or @href=$home_slash]"
    "|//body//*[contains(@class,'logo') or contains(@id,'logo') or contains(@class,'brand')"
    " or contains(@class,'site-title') or contains(@id,'site-title') or contains(@class,'site-name')]")


def _brand_names(tree: HtmlElement, url: str) -> set[str]:
    """The site's name as its header prints it: the text or image alt of the logo/brand element
    and of links to the home page (squashed)."""
    parts = urlsplit(url)
    home = f"{parts.scheme}://{parts.netloc}"
    names: set[str] = set()
    for element in _BRAND_ELEMENTS(tree, home=home, home_slash=home + "/")[:30]:
        if not BRAND_MARKERS.search(f"{element.get('class', '')} {element.get('id', '')}".lower()) and \
                element.tag != "a":
            continue
        texts = [img.get("alt") or "" for img in element.iter("img")]
        if len(text := " ".join(element.text_content()[:300].split())) <= 200:
            texts.append(text)
        names.update(_portal_name(text) for text in texts if 2 <= len(text.split()) <= 12)
    return names - {""}


def _content_headline(tree: HtmlElement, site_title: str) -> str | None:
    """The story's headline printed in the content: the first <h1>, else <h2>, outside page chrome,
    not a logo or a link to another page, of 3 to 30 words, and not the site's name itself."""
    unwanted = _portal_name(site_title)
    for tag in ("h1", "h2"):
        for heading in tree.iter(tag):
            text = " ".join(heading.text_content().split())
            classes = f"{heading.get('class', '')} {heading.get('id', '')}".lower()
            if not 3 <= len(text.split()) <= 30 or BRAND_MARKERS.search(classes):
                continue
            if heading.xpath(".//a[@href]") or in_page_chrome(heading):
                continue
            if _portal_name(text) == unwanted:  # the content prints the title as its headline:
                return None                      # it is the story's, not the site's
            return text
    return None


_WORD = re.compile(r"\w{4,}")


def _headline_instead_of_site_name(tree: HtmlElement, title: str, site: str | None, url: str) -> str | None:
    """The content's headline when ``title`` is the site's name, else None. The title names the
    site when it equals og:site_name or the header's brand (logo alt, home link), "Website Resmi"
    aside; or when it reads as an institution's name ("Dinas Komunikasi dan Informatika
    Kabupaten X") sharing no word with the content's headline."""
    headline = _content_headline(tree, title)  # None too when the content prints the title itself
    if headline is None:
        return None
    name = _portal_name(title)
    if (site and name == _portal_name(site)) or name in _brand_names(tree, url):
        return headline
    if not INSTITUTION_NAME.match(PORTAL_PREFIX.sub("", title.strip())):
        return None
    shared = {w.lower() for w in _WORD.findall(title)} & {w.lower() for w in _WORD.findall(headline)}
    return headline if not shared else None


# ---------------------------------------------------------------- credits

def read_credit_lines(lines: Iterable[str]) -> dict[str, str]:
    """Label -> value of "Penulis: X", "Sumber: Y", "Editor: Z" lines (first of each label wins).
    Segments joined by "|" or "•" on one line are read separately."""
    found: dict[str, str] = {}
    for line in lines:
        for segment in re.split(r"\s+[|•]\s+|\s{3,}", line):
            match = CREDIT_LINE.match(segment.strip())
            if match and len(segment.split()) <= 12:
                label = re.sub(r"\s+", "", match["label"].lower())
                found.setdefault(label, _clean_name(match["value"]))
    return {label: value for label, value in found.items() if value}


def _labelled_block_text(text_node: HtmlElement) -> str:
    """Text of the smallest element around a label that also holds its value (a Drupal field
    prints the label and value in sibling divs, so climb until there is more than the label)."""
    element = text_node.getparent()
    for _ in range(3):
        text = _spaced_text(element)
        if len(text.split()) > 1 or element.getparent() is None:
            return text
        element = element.getparent()
    return _spaced_text(element)


def _spaced_text(element: HtmlElement) -> str:
    """Text of an element with its child blocks kept apart ("Sumber" + "Dinas Kominfo")."""
    return " ".join(" ".join(element.itertext()).split())


def read_labelled_fields(tree: HtmlElement) -> dict[str, str]:
    """Credit fields printed by the CMS as label + value ("Sumber" / "Dinas Kominfo")."""
    lines = []
    for node in _LABEL_TEXT(tree):
        if not _LABEL_START.match(node.lstrip()[:40]) or node.getparent() is None:
            continue
        if node.getparent().tag in ("script", "style", "a"):
            continue
        text = _labelled_block_text(node)
        match = re.match(r"^(\w+(?:/\w+)?)\s*:?\s*(.+)$", text)
        if match and len(text.split()) <= 12:
            lines.append(f"{match[1]}: {match[2]}")
    return read_credit_lines(lines)


def closing_initials(paragraphs: Sequence[str], url: str = "") -> str | None:
    """The writer's initials closing the story: "(Fit)" -> "Fit", "(Kominfo-lmj/bob)" -> "bob",
    "(kpl/pur/tch)" on kapanlagi.com -> "pur"; None for an anonymous "(*)"."""
    if not paragraphs:
        return None
    match = CLOSING_INITIALS.search(paragraphs[-1])
    if not match:
        return None
    mark = match["mark"].strip()
    if not _INITIALS_SHAPE.match(mark) or len(mark.split()) > 3 or not re.search(r"[A-Za-z]", mark):
        return None
    return writer_initials(mark, urlsplit(url).hostname or "")


_HOST_NOISE = frozenset({"www", "m", "com", "co", "id", "go", "net", "org", "or", "ac", "sch", "web", "news"})


def _is_desk_code(segment: str, host: str) -> bool:
    """A leading initials segment that names the outlet or desk, not a person: an institution
    with its area ("Kominfo-lmj", "Humas-Polres") or the site's own abbreviation, whose letters
    the host name spells in order ("kpl" in kapanlagi.com, "ant" in antaranews.com)."""
    if "-" in segment or (segment[:1].isupper() and len(segment) >= 5):
        return True
    letters = iter("".join(label for label in host.lower().split(".") if label not in _HOST_NOISE))
    return len(segment) >= 2 and all(char in letters for char in segment.lower())


def writer_initials(mark: str, host: str = "") -> str:
    """The writer among "desk/writer/editor" initials: the first segment that is not a desk code."""
    segments = [part.strip() for part in mark.split("/") if part.strip()]
    if len(segments) < 2:
        return mark
    return next((part for part in segments[:-1] if not _is_desk_code(part, host)), segments[-1])


def _in_comments(element: HtmlElement) -> bool:
    """True inside a reader-comment area, whose "author" is a commenter."""
    return any("comment" in f"{a.get('class', '')} {a.get('id', '')}".lower() for a in element.iterancestors())


def byline_author(tree: HtmlElement) -> str | None:
    """Author named by a byline element (``.author``, ``.byline``, ``rel=author``), outside
    reader comments. Read before cleaning: Blogger prints it in the post footer."""
    for element in _BYLINE(tree):
        if _in_comments(element):
            continue
        text = _clean_name(" ".join(element.text_content().split()))
        if text and len(text.split()) <= 5 and not re.search(r"\d{4}", text):
            return text
    return None


def metadata_author(tree: HtmlElement) -> str | None:
    """Author from JSON-LD (string, object or list) or <meta name=author>/article:author."""
    for obj in iter_json_ld(tree):
        author = obj.get("author")
        names = author if isinstance(author, list) else [author]
        for item in names:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str) and name.strip():
                return _clean_name(name)
    value = _meta(tree, "author", "article:author", "dc.creator", "parsely-author")
    return _clean_name(value) if value and not value.startswith("http") else None


_PLACEHOLDER_WORDS = re.compile(r"\b(developer|webmaster|administrator|admin|superadmin|super user)\b", re.I)


def is_placeholder_author(name: str) -> bool:
    """"admin", "Redaksi", "metrotvnews developer": an account, not a writer."""
    return name.lower() in GENERIC_AUTHORS or bool(_PLACEHOLDER_WORDS.search(name))


def choose_author(credits: dict[str, str], page_authors: Sequence[str | None], paragraphs: Sequence[str],
                  url: str = "") -> str | None:
    """Best author: a typed Penulis/Reporter credit, then ``page_authors`` (metadata, byline),
    then the Editor, then closing initials. Placeholder names ("admin", "Redaksi") rank last."""
    candidates = [
        *(credits.get(label) for label in AUTHOR_LABELS),
        *page_authors,
        *(credits.get(label) for label in EDITOR_LABELS),
        closing_initials(paragraphs, url),
    ]
    named = [c for c in candidates if c and not _PLACEHOLDER_WORDS.search(c)]  # CMS accounts name nobody
    real = [c for c in named if not is_placeholder_author(c)]
    return (real or named or [None])[0]


# ---------------------------------------------------------------- dateline and language

def extract_dateline(paragraphs: Sequence[str]) -> str | None:
    """Place name opening the story ("Tulungagung l Detikkasus.com –" -> "Tulungagung",
    "TULUNGAGUNG –" -> "Tulungagung", "Jambi-GlobalInvestigasinews.com." -> "Jambi")."""
    for paragraph in paragraphs[:2]:
        match = PLACE_DATELINE.match(paragraph) or OUTLET_PLACE_DATELINE.match(paragraph)
        if match:
            place = match["place"].strip(" .")
            second = match.groupdict().get("second")
            if _DOMAIN.match(place) and second:
                place = second.strip(" .")  # "REPUBLIKA.CO.ID, JAKARTA --"
            elif _DOMAIN.match(place):
                return None
            return place.title() if place.isupper() else place
    return None


def detect_language(tree: HtmlElement, text: str) -> str | None:
    """Language of the text by a stop-word vote (regional WordPress sites often keep the
    theme's lang="en-US"), falling back to the declared <html lang>/og:locale."""
    words = text.lower().split()
    if len(words) >= 30:
        indonesian = sum(w in _INDONESIAN_WORDS for w in words)
        english = sum(w in _ENGLISH_WORDS for w in words)
        if max(indonesian, english) >= 0.03 * len(words):
            return "id" if indonesian >= english else "en"
    declared = tree.get("lang") or _meta(tree, "og:locale", "content-language", "language")
    return re.split(r"[-_]", declared.strip())[0].lower() if declared and declared.strip() else None
