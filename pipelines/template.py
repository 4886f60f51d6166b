"""A site's template, learned from its own pages: the lines that repeat in the same place.

Why: rules written against the pages we have seen miss the clutter of templates we have not (an
author box naming the site's journalist, "ikuti kami di Google News", a CMS's article-info block
with its hit counter, Blogger's comment-feed link, the blog's tagline). Pantau fetches many
pages of each site, and what repeats across a site's pages of *different* stories, in the same
place, is the site's template, not a story. So each source's template is learned from its own
stored articles (``pipelines.storage.templates`` keeps it, the crawl updates it as pages arrive)
and applied by :func:`pipelines.extract.extract_article`.

Conservative by design, since a story line may legitimately repeat (a police unit's standard
closing appeal, a dateline pattern):

- a line is *template* only when it was seen on at least :data:`MIN_PAGES` pages of the site and
  either mostly outside the place where the site's story paragraphs sit, or, short and not
  prose, on at least :data:`BODY_SHARE` of all its pages (a follow-us line a plugin appends
  inside the body container);
- a prose line in the body's place is never template, however often it repeats;
- a template line is removed from a page only outside the page's main run of story paragraphs
  (before its first, or after its last, prose paragraph that is not template).

Lines are compared by a key with numbers, month and day names normalised, so "Dilihat 1.234
kali" and "Dilihat 87 kali" are the same line. Everything here is pure: lines in, lines out.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pipelines.vocabulary import MONTHS, WEEKDAYS

TEMPLATE_RULES = 1
"""Version of the learner's rules: a template learned under other rules is learned again."""
MIN_PAGES = 3
"""A line repeated on fewer pages of a site than this is never template."""
BODY_SHARE = 0.5
"""A short line inside the body's place is template only on at least this share of the site's pages."""
MIN_SITE_PAGES = 5
"""... and only once the site has this many learned pages."""
PROSE_WORDS = 12
"""A line of this many words is prose (a story sentence), not a label or a link."""
MAX_LINE_CHARS = 600
"""Longer lines are story paragraphs: never looked up as template."""
PLACE_DEPTH = 3
"""How many elements (the line's own and its ancestors) name its place."""

_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_CALENDAR = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, {*MONTHS, *WEEKDAYS}), key=len, reverse=True))
                       + r")\b")
_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg"}


def line_key(text: str) -> str:
    """The line with case, numbers, month and day names and punctuation normalised."""
    lowered = _CALENDAR.sub(" 0 ", _NUMBER.sub(" 0 ", text.casefold()))
    return " ".join(_NON_WORD.sub(" ", lowered).split())


def is_prose(text: str) -> bool:
    """A sentence of a story, not a label, a counter or a link line."""
    return len(text.split()) >= PROSE_WORDS


@dataclass(frozen=True)
class Line:
    """One paragraph of a page's extracted text, with where on the page it sits."""

    text: str
    key: str
    place: str
    """Tag, classes and ids (digits dropped) of the element holding it and of its nearest
    ancestors, e.g. ``p|div.author-box|div.post``; "" when no single element holds it."""
    prose: bool


def _place(element: HtmlElement) -> str:
    parts = []
    for node in (element, *element.iterancestors()):
        if node.tag in ("body", "html") or len(parts) == PLACE_DEPTH:
            break
        words = f"{node.get('class') or ''} {node.get('id') or ''}"
        names = sorted({_DIGITS.sub("", w) for w in words.split()} - {""})
        parts.append(".".join([str(node.tag), *names]))
    return "|".join(parts)


def _places_by_key(tree: HtmlElement, wanted: set[str]) -> dict[str, str]:
    """The deepest element whose whole text is each wanted line, as its place."""
    places: dict[str, str] = {}
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _SKIP_TAGS:
            continue
        text = element.text_content()
        if len(text) > MAX_LINE_CHARS * 2:
            continue
        key = line_key(text)
        if key in wanted:
            places[key] = _place(element)   # later = deeper in document order
    return places


def page_lines(paragraphs: Sequence[str], tree: HtmlElement | None) -> list[Line]:
    """The page's paragraphs as :class:`Line` s, each placed on the (cleaned) tree."""
    keys = [line_key(p) if len(p) <= MAX_LINE_CHARS else "" for p in paragraphs]
    places = _places_by_key(tree, {k for k in keys if k}) if tree is not None else {}
    return [Line(text=p, key=k, place=places.get(k, ""), prose=is_prose(p))
            for p, k in zip(paragraphs, keys, strict=True)]


def body_place(lines: Sequence[Line]) -> str:
    """Where this page's story paragraphs sit: the place of most of its prose lines (of most of
    its lines, on a page without prose)."""
    counts = (Counter(line.place for line in lines if line.prose and line.place)
              or Counter(line.place for line in lines if line.place))
    return counts.most_common(1)[0][0] if counts else ""


@dataclass(frozen=True)
class Sighting:
    """What one page tells the learner about one of its lines."""

    key: str
    text: str
    place: str
    prose: bool
    in_body: bool


def sightings(lines: Sequence[Line]) -> list[Sighting]:
    """The page's lines worth counting, once each. A prose line in the body's place can never be
    template, so it is not kept (the site's stories are not copied into its template)."""
    body = body_place(lines)
    seen: dict[str, Sighting] = {}
    for line in lines:
        if not line.key or line.key in seen:
            continue
        in_body = not line.place or line.place == body   # unplaced: assume the story's own
        if line.prose and in_body:
            continue
        seen[line.key] = Sighting(line.key, line.text, line.place, line.prose, in_body)
    return list(seen.values())


@dataclass
class TemplateLine:
    """One repeated line of a site, with how often and where it was seen."""

    key: str
    sample: str
    place: str
    prose: bool
    pages: int = 0
    body_pages: int = 0


@dataclass
class SiteTemplate:
    """A source's learned template: its pages counted and its candidate lines."""

    source: str
    pages: int = 0
    lines: dict[str, TemplateLine] = field(default_factory=dict)
    rules: int = TEMPLATE_RULES

    def learn(self, page: Iterable[Sighting]) -> None:
        """Count one more page of the site (the same arithmetic the database does)."""
        self.pages += 1
        for seen in page:
            line = self.lines.setdefault(seen.key, TemplateLine(seen.key, seen.text, seen.place, seen.prose))
            line.pages += 1
            line.body_pages += seen.in_body

    def is_template(self, line: TemplateLine) -> bool:
        """Repeated on enough pages, and either mostly outside the story's place, or short and on
        most of the site's pages."""
        if line.pages < MIN_PAGES:
            return False
        if line.body_pages * 2 < line.pages:
            return True
        return (not line.prose and self.pages >= MIN_SITE_PAGES
                and line.pages >= BODY_SHARE * self.pages)

    def template_lines(self) -> list[TemplateLine]:
        """The lines judged template, most frequent first."""
        return sorted((line for line in self.lines.values() if self.is_template(line)),
                      key=lambda line: (-line.pages, line.key))

    @property
    def version(self) -> str:
        """Which lines are template, as a short hash ("" when none): an article extracted under
        another version is extracted again."""
        keys = sorted(line.key for line in self.template_lines())
        if not keys:
            return ""
        return hashlib.blake2b("\n".join(keys).encode(), digest_size=6).hexdigest()


def apply_template(lines: Sequence[Line], template: SiteTemplate | None) -> tuple[list[str], list[str]]:
    """The page's paragraphs without its site's template lines, and the lines removed.

    Only lines outside the main run are removed: before the first or after the last prose line
    that is not template (with no such prose, any line that is not template bounds the run)."""
    if template is None:
        return [line.text for line in lines], []
    marked = [line.key in template.lines and template.is_template(template.lines[line.key])
              for line in lines]
    story = [i for i, (line, is_tpl) in enumerate(zip(lines, marked, strict=True)) if line.prose and not is_tpl]
    story = story or [i for i, is_tpl in enumerate(marked) if not is_tpl]
    if not story:
        return [line.text for line in lines], []   # nothing but template: leave the page alone
    first, last = story[0], story[-1]
    kept, removed = [], []
    for i, (line, is_tpl) in enumerate(zip(lines, marked, strict=True)):
        (removed if is_tpl and not first <= i <= last else kept).append(line.text)
    return kept, removed
