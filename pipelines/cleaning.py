"""Cleaning rules: small, named functions that remove clutter from an article page.

Two kinds of rule, applied in this order by :mod:`pipelines.extract`:

* **DOM rules** (``HtmlElement -> HtmlElement``) run on the parsed page *before* trafilatura,
  where the markup itself marks the clutter: WordPress/JNews/tagDiv related-post boxes, share
  bars, comment forms, sidebars, Drupal label fields, Blogger post footers, captions. They edit
  the tree they are given (the caller owns a private parse, so copying would only cost time) and
  return it, so they compose. They are listed once, in order, in :data:`DOM_RULES`. Most class/id
  rules are nothing but a list of markers (:class:`MarkerRule`, markers from
  :mod:`pipelines.vocabulary`); :func:`clean_tree` folds neighbouring ones into one walk over
  the page (:func:`batched`): the same removals as the rules one by one, faster.
* **Text rules** (``list[str] -> list[str]``, one string per paragraph) run on trafilatura's
  output, for clutter only the words show: an editor's hand-typed "Baca juga:" line, "296 kali"
  view counters, "Tinggalkan Balasan", trailing headline lists, credit lines. They never mutate
  their input.

No rule knows a site's domain: every pattern names a CMS/theme convention or an Indonesian
newsroom habit, so the rules carry over to sites Pantau has never seen. Real content that looks
like clutter (attendee lists, "Ia membaca ...", closing "(Fit)" initials) must survive; each
rule is narrow for that reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from lxml.cssselect import CSSSelector
from lxml.etree import XPath
from lxml.html import HtmlElement

from pipelines.vocabulary import (
    BARE_LABEL_LINE,
    BLOGGER_FOOTER_MARKERS,
    CAPTION_MARKERS,
    CLOSING_MARK,
    COMMENT_MARKERS,
    CREDIT_LINE,
    HIDDEN_MARKERS,
    LONE_DATELINE,
    RELATED_BOX_MARKERS,
    SEE_ALSO_LINE,
    SEE_ALSO_PHRASES,
    SHARE_MARKERS,
    SIDEBAR_MARKERS,
)

TreeRule = Callable[[HtmlElement], HtmlElement]
TextRule = Callable[[list[str]], list[str]]

_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "table", "section", "aside", "h2", "h3", "h4", "h5", "h6", "blockquote"})
_NEVER_DROP = frozenset({"html", "body", "article", "main"})
SMALL_BOX_WORDS = 80  # a titled box or form this small is a widget, never the story

# Drupal renders each node field as ``field--name-field-<name>``; body/image fields are content.
_DRUPAL_FIELD = re.compile(r"field-{1,2}name-field-(?!body|isi|konten|content|image|gambar|foto)")
# Containers that hold the headline or the article body ("and-w-sidebar" layout wrappers do):
# a rule must never delete one of these wholesale.
_HOLDER_CLASSES = ("entry-content", "post-content", "article-content", "td-post-content", "content-inner",
                   "field--name-body", "post-body", "article-body", "detail-content")
_HOLDER_RE = re.compile("|".join(_HOLDER_CLASSES))
_CONTENT_HOLDER = XPath(
    ".//*[self::h1 or @itemprop='articleBody' or "
    + " or ".join(f"contains(@class,'{marker}')" for marker in _HOLDER_CLASSES) + "]"
)


class _Marked:
    """Finds elements whose lower-cased class or id contains a marker. One cheap XPath plus a
    compiled regex: far faster than ``translate()`` inside XPath on large pages."""

    _WITH_ATTRS = XPath("//*[@class or @id]")

    def __init__(self, markers: Sequence[str], regex: bool = False) -> None:
        self.pattern = re.compile("|".join(m if regex else re.escape(m) for m in markers))
        # Every marker lies within one class/id token, and pages (and sites) repeat the same
        # tokens thousands of times: decide each distinct token once.
        token = lru_cache(maxsize=16384)(lambda tok: bool(self.pattern.search(tok)))
        self.marks = lambda marks: any(map(token, marks.split()))

    def __call__(self, tree: HtmlElement) -> list[HtmlElement]:
        """Matching elements in document order."""
        return [el for el in self._WITH_ATTRS(tree) if self.marks(_marks_of(el))]


def _marks_of(element: HtmlElement) -> str:
    """Lower-cased class and id of an element, as the marker patterns read them."""
    return f"{element.get('class', '')} {element.get('id', '')}".lower()


def _is_content_holder(element: HtmlElement) -> bool:
    """True for the page skeleton or a body container, which a class match must not delete."""
    return element.tag in _NEVER_DROP or _holds(element) or bool(_CONTENT_HOLDER(element))


def _holds(element: HtmlElement) -> bool:
    """Is the element itself a headline or body container?"""
    return element.tag == "h1" or element.get("itemprop") == "articleBody" or _holder_class(element.get("class") or "")


@lru_cache(maxsize=8192)
def _holder_class(classes: str) -> bool:
    """Does a class attribute name a body container (decided once per distinct string)?"""
    return bool(_HOLDER_RE.search(classes))


# ---------------------------------------------------------------- the guard every deleting rule obeys

_PROSE_TAGS = frozenset({"p", "blockquote"})  # <p>-like: where a story's sentences sit
STORY_GUARD_MIN_WORDS = 20  # prose side by side under one parent: a four-sentence release has ~40
STORY_PART_SHARE = 0.25  # a sibling block of the same family with this share of the story is a part of it


def _prose_words(element: HtmlElement) -> int:
    """Words of an element's own <p>-like children, link text left out (a teaser's <p><a>…</a></p>
    is a headline, not prose)."""
    words = 0
    for child in element:
        if child.tag in _PROSE_TAGS:
            linked = sum(len(a.text_content().split()) for a in child.iter("a"))
            words += len(child.text_content().split()) - linked
    return words


def _family(element: HtmlElement) -> set[str]:
    """What two parts of one story share: a class token, or an id without its number
    ("halaman-1"/"halaman-2")."""
    marks = set((element.get("class") or "").split())
    if element.get("id"):
        marks.add(re.sub(r"\d+", "#", element.get("id")))
    return marks


def _find_story_blocks(tree: HtmlElement, min_words: int) -> list[HtmlElement]:
    """The story's body block(s): the element whose own <p>-like children hold the most prose
    (a story's paragraphs sit side by side under one parent, while teasers, comments and widgets
    each sit in their own box), plus its siblings of the same family that hold a real share of
    it too (a story split around an ad, "halaman 1"/"halaman 2" parts). [] when no block
    reaches ``min_words``."""
    words: dict[HtmlElement, int] = {}
    for paragraph in tree.iter(*_PROSE_TAGS):
        parent = paragraph.getparent()
        if parent is not None and parent not in words:
            words[parent] = _prose_words(parent)
    best = max(words, key=words.get, default=None)
    if best is None or words[best] < min_words:
        return []
    family, floor = _family(best), max(STORY_GUARD_MIN_WORDS, STORY_PART_SHARE * words[best])
    parts = [sibling for sibling in best.itersiblings(preceding=True) if sibling.tag == best.tag] + \
            [sibling for sibling in best.itersiblings() if sibling.tag == best.tag]
    return [best, *(part for part in parts if words.get(part, 0) >= floor and family & _family(part))]


_STORY: ContextVar[tuple[HtmlElement, list[HtmlElement], set[HtmlElement]] | None] = ContextVar(
    "pantau_story", default=None)
"""The story blocks and guard of the tree being extracted, found once (:func:`story_of`): the
rules delete only unguarded elements, so the blocks found before the first rule are still the
story's after the last (each rule finding them again cost a tenth of the speed)."""


@contextmanager
def story_of(tree: HtmlElement, keep: Sequence[HtmlElement] = ()) -> Iterator[None]:
    """Find ``tree``'s story blocks once for everything done to it inside the block (reading its
    structure, then every cleaning rule). ``keep`` adds body containers known otherwise (the
    page's CMS names them, ``pipelines.cms``) to the guard, when they hold prose."""
    cached = _STORY.get()
    if cached is not None and cached[0] is tree:
        yield
        return
    blocks = _find_story_blocks(tree, STORY_GUARD_MIN_WORDS)
    guard = _guard_of(blocks + [element for element in keep if _prose_words(element) >= STORY_GUARD_MIN_WORDS])
    token = _STORY.set((tree, blocks, guard))
    try:
        yield
    finally:
        _STORY.reset(token)


def story_blocks(tree: HtmlElement, min_words: int = STORY_GUARD_MIN_WORDS) -> list[HtmlElement]:
    """The story's body block(s) (:func:`_find_story_blocks`), found once per tree inside
    :func:`story_of`."""
    cached = _STORY.get()
    if cached is not None and cached[0] is tree and min_words == STORY_GUARD_MIN_WORDS:
        return cached[1]
    return _find_story_blocks(tree, min_words)


def prose_guard(tree: HtmlElement) -> set[HtmlElement]:
    """The elements no rule may delete because the story's prose is in them: the story's body
    block(s) (:func:`story_blocks`) and all their ancestors. Each deleting rule reads it once,
    before it deletes anything, and asks :func:`spared` about every candidate; inside
    :func:`story_of` it is found once per page."""
    cached = _STORY.get()
    if cached is not None and cached[0] is tree:
        return cached[2]
    return _guard_of(story_blocks(tree))


def _guard_of(blocks: list[HtmlElement]) -> set[HtmlElement]:
    """The story blocks and all their ancestors."""
    guard: set[HtmlElement] = set()
    for block in blocks:
        guard.add(block)
        guard.update(block.iterancestors())
    return guard


def spared(element: HtmlElement, guard: set[HtmlElement]) -> bool:
    """The one question every deleting DOM rule asks: must ``element`` stay? It stays when it is
    detached already, the page skeleton, a headline/body container (or holds one), or holds
    the story's prose (``guard``, from :func:`prose_guard`)."""
    return element.getparent() is None or element in guard or _is_content_holder(element)


def _remove(element: HtmlElement) -> None:
    """Detach an element but keep its tail text, which belongs to the parent's flow."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def protected_elements(tree: HtmlElement) -> set[HtmlElement]:
    """Every element that holds the headline or article body, found in one pass (the holders
    and all their ancestors, plus :func:`prose_guard`), so each removal candidate is a set lookup, not a subtree scan.
    lxml hands back the same proxy object while a reference lives, so the set stays valid."""
    protected = prose_guard(tree)
    for holder in _CONTENT_HOLDER(tree):
        protected.add(holder)
        protected.update(holder.iterancestors())
    return protected


def _drop_marked(tree: HtmlElement, finder: Callable[[HtmlElement], list[HtmlElement]]) -> HtmlElement:
    """Remove every element ``finder`` returns, unless it holds the article body."""
    protected = protected_elements(tree)
    for element in finder(tree):
        if element.getparent() is not None and element not in protected and element.tag not in _NEVER_DROP:
            _remove(element)
    return tree


class MarkerRule:
    """A DOM rule that is data only: remove every element whose class or id carries one of
    ``markers`` (literal fragments, or regular expressions with ``regex=True``), unless it holds
    the headline or the body.

    Declared as data rather than written as a function so that :func:`batched` can fold
    neighbouring marker rules of :data:`DOM_RULES` into one walk over the page (one combined
    regex per class/id token instead of one walk per rule): the rule is written once, and the
    fast path is derived from it. Called on its own, it runs its own walk.
    """

    def __init__(self, name: str, markers: Sequence[str], doc: str, *, regex: bool = False) -> None:
        self.__name__ = name
        self.__doc__ = doc
        self.markers = tuple(markers)
        self.finder = _Marked(markers, regex)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The rule's markers as one compiled alternation (what a batch combines)."""
        return self.finder.pattern

    def __call__(self, tree: HtmlElement) -> HtmlElement:
        """Apply this rule alone."""
        return _drop_marked(tree, self.finder)

    def __repr__(self) -> str:
        return f"<MarkerRule {self.__name__}>"


# ---------------------------------------------------------------- DOM rules

def drop_by_selectors(tree: HtmlElement, selectors: Sequence[str]) -> HtmlElement:
    """Remove a source's own clutter selectors (site knowledge kept as data in the registry);
    a selector that, after a redesign, matches the story's body block leaves it."""
    guard = prose_guard(tree) if selectors else set()
    for selector in selectors:
        for element in _css(selector)(tree):
            if element.getparent() is not None and element not in guard:
                _remove(element)
    return tree


@lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector:
    """Compiled CSS selector, cached: a source's selectors repeat on every page of a crawl."""
    return CSSSelector(selector)


drop_related_post_boxes = MarkerRule(
    "drop_related_post_boxes", RELATED_BOX_MARKERS,
    "Remove plugin/theme related-post boxes (JNews inline related, YARPP, Jetpack, tagDiv).")


_BACA_START = re.compile(r"[\[(]?\s*(" + "|".join(re.escape(p) for p in SEE_ALSO_PHRASES) + ")", re.I)
_BACA_TEXT = XPath("//body//text()[string-length(.) > 4]")


def _block_ancestor(node: HtmlElement) -> HtmlElement | None:
    """The nearest block-level element around ``node`` (the line an editor typed)."""
    element = node
    while element is not None and element.tag not in _BLOCK_TAGS:
        element = element.getparent()
    return element


def drop_baca_juga_boxes(tree: HtmlElement) -> HtmlElement:
    """Remove "Baca juga: <a>…</a>" blocks, plugin-made or typed by an editor in a <p><strong>.

    Anchored on a text node that *starts* with the phrase and on a short block that holds a link,
    so "Ia membaca…" or "baca tulis Al-Quran" in running text is never touched.
    """
    guard = prose_guard(tree)
    for text_node in _BACA_TEXT(tree):
        if not _BACA_START.match(text_node.lstrip()[:60]):
            continue
        block = _block_ancestor(text_node.getparent())
        if block is None or block.getparent() is None or not _has_few_words(block, 40):
            continue
        if block.find(".//a") is not None and not spared(block, guard):
            _remove(block)
    return tree


def _has_few_words(element: HtmlElement, limit: int) -> bool:
    """At most ``limit`` words of text, without building the text of a huge element."""
    count = 0
    for piece in element.itertext():
        count += len(piece.split())
        if count > limit:
            return False
    return True


drop_comment_areas = MarkerRule(
    "drop_comment_areas", COMMENT_MARKERS,
    "Remove comment forms and reader comments (WordPress #respond, .comments-area, Disqus).")


def drop_comment_forms(tree: HtmlElement) -> HtmlElement:
    """Remove comment forms and reader comments (WordPress #respond, .comments-area, Disqus)
    and small <form>s (search boxes, newsletter sign-ups): none of them is article text.
    The two rules of :data:`DOM_RULES` behind it, together, for callers that want both."""
    return drop_small_forms(drop_comment_areas(tree))


def drop_small_forms(tree: HtmlElement) -> HtmlElement:
    """Remove search boxes and sign-up forms; ASP.NET wraps whole pages in one <form>, so only
    small forms go."""
    guard = prose_guard(tree)
    for form in tree.xpath("//form"):
        if len(form.text_content().split()) <= SMALL_BOX_WORDS and not spared(form, guard):
            _remove(form)
    return tree


drop_share_widgets = MarkerRule(
    "drop_share_widgets", SHARE_MARKERS, "Remove share bars (td-post-sharing, sharedaddy, AddToAny, JNews share).")
drop_sidebar_regions = MarkerRule(
    "drop_sidebar_regions", SIDEBAR_MARKERS,
    'Remove sidebar/widget regions ("BANYAK DIBACA", "Terpopuler") and marked page chrome.', regex=True)


def drop_sidebars_and_widgets(tree: HtmlElement) -> HtmlElement:
    """Remove <aside>, <nav> and sidebar/widget regions ("BANYAK DIBACA", "Terpopuler"): the two
    rules of :data:`DOM_RULES` behind it, together."""
    return drop_aside_and_nav(drop_sidebar_regions(tree))


def drop_aside_and_nav(tree: HtmlElement) -> HtmlElement:
    """Remove <aside> and <nav> elements unless they wrap the headline or body."""
    guard = prose_guard(tree)
    for element in tree.xpath("//aside|//nav"):
        if not spared(element, guard):
            _remove(element)
    return tree


_FIELDS = XPath("//*[contains(@class,'field-name-field-') or contains(@class,'field--name-field-')]")


def drop_drupal_label_fields(tree: HtmlElement) -> HtmlElement:
    """Remove Drupal node fields other than the body/image (Sumber, Penulis, tags): they are
    metadata, captured beforehand by :mod:`pipelines.metadata`, never running text. A site
    that keeps its body in a field of its own name ("field-name-field-uraian") keeps it: the
    field holding the story's prose is spared whatever it is called."""
    guard = prose_guard(tree)
    for element in _FIELDS(tree):
        if _DRUPAL_FIELD.search(element.get("class", "")) and not spared(element, guard):
            _remove(element)
    return tree


drop_blogger_post_footer = MarkerRule(
    "drop_blogger_post_footer", BLOGGER_FOOTER_MARKERS,
    "Remove Blogger's post footer (author/labels/share line) and pager.")
drop_caption_regions = MarkerRule(
    "drop_caption_regions", CAPTION_MARKERS,
    "Remove elements marked as photo captions and credits (.wp-caption-text, .ket-foto).", regex=True)


def drop_captions(tree: HtmlElement) -> HtmlElement:
    """Remove photo captions and credits (<figcaption>, .wp-caption-text): Pantau keeps prose only.
    The two rules of :data:`DOM_RULES` behind it, together."""
    return drop_figcaptions(drop_caption_regions(tree))


_CAPTION_BOXES = XPath("//figcaption|//table[.//img]|//blockquote[contains(@class,'twitter-tweet') or "
                       "contains(@class,'instagram-media') or contains(@class,'tiktok-embed')]")
CAPTION_BOX_WORDS = 40


def drop_figcaptions(tree: HtmlElement) -> HtmlElement:
    """Remove <figcaption>s, image tables with a short caption (old CMSs lay a photo and its
    credit out in a <table>) and embedded social posts (a tweet is a quote card, not prose)."""
    guard = prose_guard(tree)
    for element in _CAPTION_BOXES(tree):
        if element not in guard and element.getparent() is not None \
                and (element.tag != "table" or _has_few_words(element, CAPTION_BOX_WORDS)):
            _remove(element)
    return tree


SECTION_TITLES = re.compile(
    r"^(berita|artikel|post(ingan)?|tulisan)\s+(terkait|lainnya|populer|terbaru|terkini|pilihan)"
    r"|^(banyak|paling|sering)\s+dibaca|^terpopuler|^pencarian$|^trending|^rekomendasi"
    r"|^(related|popular|recent)\s+(posts?|news|articles?)|^hotline\b|^tinggalkan balasan"
    r"|^(tulis|beri|kirim)\s+komentar|^komentar$|^tags?\s*:?$|^label\s*:?$",
    re.IGNORECASE,
)
_SHORT_TEXT = XPath("//body//text()[string-length(normalize-space(.)) > 3 and string-length(normalize-space(.)) < 40]")
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "p", "div", "li", "a"})


def _section_headings(tree: HtmlElement) -> list[HtmlElement]:
    """Elements whose whole text is a section title such as "Berita Terkait"."""
    found = []
    for node in _SHORT_TEXT(tree):
        element = node.getparent()
        if element is None or element.tag not in _HEADING_TAGS or not SECTION_TITLES.match(node.strip()):
            continue
        while element.getparent() is not None and element.getparent().tag in _HEADING_TAGS - {"div", "li"} \
                and len(element.getparent().text_content().strip()) < 40:
            element = element.getparent()
        found.append(element)
    return found


def _link_density(element: HtmlElement) -> float:
    """Share of an element's text that sits inside links (1.0 = pure link list)."""
    total = len(element.text_content().strip()) or 1
    linked = sum(len(a.text_content().strip()) for a in element.iter("a"))
    return linked / total


def drop_headed_link_lists(tree: HtmlElement) -> HtmlElement:
    """Remove blocks headed "Berita Terkait", "Banyak Dibaca", "Pencarian", "Hotline …" together
    with the link lists that follow the heading: themes without marker classes still title them.
    The whole box goes when it is mostly links or too small to be the story (a hotline blurb)."""
    guard = prose_guard(tree)
    for heading in _section_headings(tree):
        if heading.getparent() is None or not SECTION_TITLES.match(heading.text_content().strip()):
            continue
        container = heading.getparent()
        small = len(container.text_content().split()) <= SMALL_BOX_WORDS
        if not spared(container, guard) and (small or _link_density(container) >= 0.5):
            _remove(container)
            continue
        for sibling in list(heading.itersiblings()):
            if sibling.find(".//a") is not None and _link_density(sibling) >= 0.5 and sibling not in guard:
                _remove(sibling)
        if heading not in guard:
            _remove(heading)
    return tree




drop_hidden_regions = MarkerRule(
    "drop_hidden_regions", HIDDEN_MARKERS,
    'Remove modals, pop-ups and elements hidden until a script shows them (Kompas\' "lengkapi data '
    'dirimu" account modal, Tribun\'s hidden summary <h4 class="hide">).', regex=True)


class MarkedRegions:
    """Several :class:`MarkerRule` s in a single walk over the page: one combined regex per
    class/id token (each distinct token decided once) and one protected set, instead of one walk,
    one regex and one protected set per rule.

    The result is the rules' one by one (tests/test_cleaning.py checks it on the saved pages):
    an element goes iff some rule would remove it, because no rule removes a protected holder or
    its ancestors, so every rule sees the same protected set. Two differences, both kept as the
    fast path always had them: holders are read from the elements with a class or id, plus every
    <h1>, so a bare ``itemprop=articleBody`` without class or id is protected by a rule on its own
    but not here; and where two removed siblings meet, one by one may keep the first one's
    whitespace-only tail in front of the second one's text ("<p>…</p> tail"), the walk drops it.
    No saved page shows either.
    """

    def __init__(self, rules: Sequence[MarkerRule]) -> None:
        self.rules = tuple(rules)
        self.__name__ = "drop_marked_regions"
        pattern = re.compile("|".join(f"(?:{rule.pattern.pattern})" for rule in self.rules))
        self._token = lru_cache(maxsize=16384)(lambda token: bool(pattern.search(token)))

    def marks(self, marks: str) -> bool:
        """Does any class/id token carry one of the rules' markers (each distinct token decided once)?"""
        return any(map(self._token, marks.split()))

    def __call__(self, tree: HtmlElement) -> HtmlElement:
        """Apply the rules in one walk."""
        marked, protected = [], prose_guard(tree)
        for element in _Marked._WITH_ATTRS(tree):
            if _holds(element):
                protected.add(element)
                protected.update(element.iterancestors())
            elif self.marks(_marks_of(element)):
                marked.append(element)
        for h1 in tree.iter("h1"):
            protected.add(h1)
            protected.update(h1.iterancestors())
        for element in marked:
            if element not in protected and element.tag not in _NEVER_DROP and _attached(element, tree):
                _remove(element)
        return tree

    def __repr__(self) -> str:
        return f"<MarkedRegions {'+'.join(rule.__name__ for rule in self.rules)}>"


def _any_marker(marks: str) -> bool:
    """Does any class/id token carry a marker of a :data:`DOM_RULES` marker rule?"""
    return _ALL_MARKED.marks(marks)


STORY_MIN_WORDS = 80  # sibling paragraphs this long together are the story, not a widget


def story_container(tree: HtmlElement) -> HtmlElement | None:
    """The element whose own <p> children hold the most prose, when it is story-sized (see
    :func:`story_blocks`)."""
    blocks = story_blocks(tree, STORY_MIN_WORDS)
    return blocks[0] if blocks else None


def unmark_story_ancestors(tree: HtmlElement) -> HtmlElement:
    """Strip clutter-looking class/id names ("author-and-share", "content-sidebar", "hide") from
    every part of the story (:func:`story_blocks`: a "halaman 2" block a script keeps hidden is
    the story too) and their ancestors: a theme that wraps the body in a share-bar div would
    otherwise lose the whole story, to our rules and to trafilatura's own discard list."""
    seen: set[HtmlElement] = set()
    for story in story_blocks(tree, STORY_MIN_WORDS):
        for element in (story, *story.iterancestors()):
            if element in seen:
                break
            seen.add(element)
            for attribute in ("class", "id"):
                if _any_marker((element.get(attribute) or "").lower()):
                    del element.attrib[attribute]
    return tree


def drop_marked_regions(tree: HtmlElement) -> HtmlElement:
    """Every marker rule of :data:`DOM_RULES` (comments, share bars, related boxes, sidebars,
    Blogger footers, captions, hidden regions) in a single walk over the page."""
    return _ALL_MARKED(tree)


def _attached(element: HtmlElement, tree: HtmlElement) -> bool:
    """False once an ancestor has been removed (its subtree needs no more work)."""
    return element.getroottree().getroot() is tree.getroottree().getroot()


_INLINE_TAGS = frozenset({"a", "b", "strong", "i", "em", "span", "u", "font", "small", "sup", "sub", "br",
                          "abbr", "mark", "s", "q", "cite", "code"})
_LOOSE_TEXT_HOLDERS = XPath("//*[self::div or self::span or self::td][p or div]"
                            "[text()[normalize-space(.)]]")
LOOSE_RUN_MIN_WORDS = 5


def wrap_loose_text(tree: HtmlElement) -> HtmlElement:
    """Wrap text typed straight into a body container, beside its <p>/<div> blocks, in a <p>
    of its own ("<b>Kapanlagi.com</b> - lead…<p>…", "<br><strong>Jakarta</strong> – lead…<p>…"):
    trafilatura skips such loose runs, and with them the story's lead paragraph."""
    for holder in _LOOSE_TEXT_HOLDERS(tree):
        _wrap_runs(holder)
    return tree


def _wrap_runs(holder: HtmlElement) -> None:
    """Group each run of text and inline children between two blocks into a new <p>."""
    run: list[HtmlElement] = []
    before: HtmlElement | None = None  # the block whose tail opens the current run
    for child in [*holder, None]:
        if child is not None and (not isinstance(child.tag, str) or child.tag in _INLINE_TAGS):
            run.append(child)
            continue
        _wrap_run(holder, before, run)
        run, before = [], child


def _wrap_run(holder: HtmlElement, before: HtmlElement | None, run: list[HtmlElement]) -> None:
    """Move one run (the opening text plus inline children) into a new <p> after ``before``."""
    lead = holder.text if before is None else before.tail
    words = len((lead or "").split()) + sum(len(" ".join(el.itertext()).split()) + len((el.tail or "").split())
                                            for el in run if isinstance(el.tag, str))
    if words < LOOSE_RUN_MIN_WORDS and not LONE_DATELINE.match(_run_text(lead, run)):
        return
    paragraph = holder.makeelement("p")
    paragraph.text = _squeezed(lead)
    for element in run:
        element.tail = _squeezed(element.tail)
        for inner in element.iterdescendants():
            inner.text, inner.tail = _squeezed(inner.text), _squeezed(inner.tail)
        element.text = _squeezed(element.text)
    if before is None:
        holder.text = None
        holder.insert(0, paragraph)
    else:
        before.tail = None
        before.addnext(paragraph)
    paragraph.extend(run)


def _squeezed(text: str | None) -> str | None:
    """Source-code line breaks inside a wrapped run are not paragraph breaks: squeeze them."""
    return re.sub(r"\s+", " ", text) if text else text


def _run_text(lead: str | None, run: list[HtmlElement]) -> str:
    """The squeezed text of a short loose run ("<strong>Jakarta</strong> -")."""
    parts = [lead or ""] + [f"{' '.join(el.itertext())} {el.tail or ''}" for el in run if isinstance(el.tag, str)]
    return " ".join(" ".join(parts).split())


_LISTS = XPath("//ul[count(li) >= 3]|//ol[count(li) >= 3]")
TEASER_MAX_WORDS = 60


def _is_teaser(item: HtmlElement) -> bool:
    """A list item made of another story's headline link (plus a date or a short summary)."""
    headline = max((len(a.text_content().split()) for a in item.iter("a")), default=0)
    return headline >= 3 and _has_few_words(item, TEASER_MAX_WORDS)


def drop_teaser_lists(tree: HtmlElement) -> HtmlElement:
    """Remove lists whose items are other stories' headline links ("Kamis, 05/11/2015 10:08 WIB
    <a>Judul</a>", headline + summary grids): unmarked "Berita Lainnya"/"Terpopuler" widgets.
    Lists of people, places or steps carry no headline links and stay."""
    guard = prose_guard(tree)
    for listing in _LISTS(tree):
        items = listing.findall("li")
        if sum(map(_is_teaser, items)) >= 0.8 * len(items) and not spared(listing, guard):
            _remove(listing)
    return tree


_LAYOUT_TABLES = XPath("//table[.//table or .//div or .//p or .//form or .//h1 or .//h2]")
_TABLE_PARTS = frozenset({"tbody", "thead", "tfoot", "tr", "td", "th"})


def unwrap_layout_tables(tree: HtmlElement) -> HtmlElement:
    """Turn layout tables (old regency CMSs build the whole page, header to footer, out of
    nested <table>s holding paragraphs and forms) into plain <div>s, so the story reads as
    paragraphs instead of one "| … |" table row. Data tables hold no blocks and stay."""
    tables = _LAYOUT_TABLES(tree)
    own_parts = [[part for part in table.iterdescendants(*_TABLE_PARTS) if _nearest_table(part) is table]
                 for table in tables]
    for table, parts in zip(tables, own_parts):
        table.tag = "div"
        for part in parts:
            part.tag = "div"
    return tree


def _nearest_table(part: HtmlElement) -> HtmlElement | None:
    """The table a row or cell belongs to."""
    return next(part.iterancestors("table"), None)


DOM_RULES: tuple[TreeRule, ...] = (
    unmark_story_ancestors,
    wrap_loose_text,
    # Marker rules, neighbours on purpose: clean_tree runs the seven as one walk (see batched).
    drop_comment_areas,
    drop_share_widgets,
    drop_related_post_boxes,
    drop_sidebar_regions,
    drop_blogger_post_footer,
    drop_caption_regions,
    drop_hidden_regions,
    drop_teaser_lists,
    drop_small_forms,
    drop_aside_and_nav,
    drop_figcaptions,
    drop_baca_juga_boxes,
    drop_drupal_label_fields,
    drop_headed_link_lists,
    unwrap_layout_tables,
)
"""Every DOM rule, each once, in the order they apply."""

_batch = lru_cache(maxsize=None)(MarkedRegions)  # one batch (and token cache) per run of rules


def batched(rules: Sequence[TreeRule]) -> tuple[TreeRule, ...]:
    """``rules`` with every run of neighbouring :class:`MarkerRule` s folded into one
    :class:`MarkedRegions` walk. Only neighbours are folded: a rule in between may add or remove
    elements the next marker rule would match, so the order across it is kept."""
    out: list[TreeRule] = []
    run: list[MarkerRule] = []
    for rule in (*rules, None):
        if isinstance(rule, MarkerRule):
            run.append(rule)
            continue
        if run:
            out.append(_batch(tuple(run)) if len(run) > 1 else run[0])
            run = []
        if rule is not None:
            out.append(rule)
    return tuple(out)


FAST_DOM_RULES: tuple[TreeRule, ...] = batched(DOM_RULES)
"""What :func:`clean_tree` runs: :data:`DOM_RULES` with its marker rules in one walk."""
_ALL_MARKED = _batch(tuple(rule for rule in DOM_RULES if isinstance(rule, MarkerRule)))


def clean_tree(tree: HtmlElement, drop: Sequence[str] = ()) -> HtmlElement:
    """Apply the source's own selectors, then every DOM rule (:data:`FAST_DOM_RULES`: the
    marker rules in one walk, for speed)."""
    with story_of(tree):
        tree = drop_by_selectors(tree, drop)
        for rule in FAST_DOM_RULES:
            tree = rule(tree)
    return tree


# ---------------------------------------------------------------- text rules

_TERMINAL = re.compile(r"[.!?:;\"”’)\]»…。！？」』]$")


def join_label_value_lines(paragraphs: list[str]) -> list[str]:
    """Join a bare label line ("Sumber:") with the value on the next line ("Dinas Kominfo"), as
    Drupal and many custom CMSs print them, so later rules see one "Sumber: Dinas Kominfo" line."""
    out: list[str] = []
    for line in paragraphs:
        if out and BARE_LABEL_LINE.match(out[-1]):
            out[-1] = f"{out[-1].rstrip(':').rstrip()}: {line}"
        else:
            out.append(line)
    return out


def _continues(previous: str, line: str) -> bool:
    """Does ``line`` carry on the sentence ``previous`` left open (no closing punctuation, and
    either a trailing comma or a lower-case start)?"""
    if _TERMINAL.search(previous) or previous.startswith(("- ", "• ")) or line.startswith(("- ", "• ")):
        return False
    return previous.endswith(",") or line[:1].islower()


def join_wrapped_lines(paragraphs: list[str]) -> list[str]:
    """Re-join a sentence that a <br> split mid-way ("...KAMTIBMAS" / "yang aman...", "2022," /
    "Kepala Badan..."), as editors of regional sites often break lines by hand."""
    out: list[str] = []
    for line in paragraphs:
        if out and _continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def drop_baca_juga_lines(paragraphs: list[str]) -> list[str]:
    """Remove "Baca Juga: <headline>", "BACA JUGA", "Baca:", "Simak juga", "Lihat juga", "Baca
    Selengkapnya" lines that survive as text. Needs the phrase at line start plus a colon or
    "juga"/"selengkapnya", and a short line, so prose using the verb "baca" stays."""
    return [p for p in paragraphs if not (SEE_ALSO_LINE.match(p) and len(p.split()) <= 35)]


_COMMENT_PROMPT = re.compile(
    r"^(disclaimer\s*:?\s*komentar|tinggalkan balasan|tinggalkan komentar|leave a reply|balas$|komentar$|\d+\s+komentar"
    r"|alamat email anda tidak akan|ruas yang wajib|your email address will not|beri komentar"
    r"|tulis komentar|kirim komentar|batalkan balasan|simpan nama saya)",
    re.IGNORECASE,
)


def drop_comment_prompts(paragraphs: list[str]) -> list[str]:
    """Remove comment-form leftovers ("Tinggalkan Balasan", "Alamat email Anda tidak akan
    dipublikasikan…") that a theme printed outside its marked comment area."""
    return [p for p in paragraphs if not _COMMENT_PROMPT.match(p)]


_VIEW_COUNT = re.compile(
    r"(?:(?:dibaca|dilihat|views?|pembaca)\s*:?\s*)?\b\d{1,3}(?:[.,]\d{3})*\s*(?:kali|x|views?|reads?|pembaca)\b"
    r"(?:\s+dibaca)?",
    re.IGNORECASE,
)
_DATE_BITS = re.compile(
    r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b|\b\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4}\b|\b\d{1,2}[:.]\d{2}\b"
    r"|\b(WIB|WITA|WIT|baca|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu)\b|[|,•·-]",
    re.IGNORECASE,
)


DATE_LINE_MAX_CHARS = 60


def drop_date_lines(paragraphs: list[str]) -> list[str]:
    """Remove lines that are nothing but a date stamp ("Jumat, 17 February 2017 13:16 WIB"):
    a byline date left in the flow; the date itself was read from the raw page."""
    return [p for p in paragraphs if len(p) > DATE_LINE_MAX_CHARS or not _DATE_BITS.search(p)
            or _DATE_BITS.sub("", p).strip()]


def strip_view_counters(paragraphs: list[str]) -> list[str]:
    """Remove view-counter lines ("296 kali", "Dibaca 1.234 kali", "26 Januari 2021  296 kali", Drupal's "412 reads"):
    a line is dropped when nothing but dates, times and the counter remain in it."""
    out = []
    for line in paragraphs:
        if _VIEW_COUNT.search(line) and not _DATE_BITS.sub("", _VIEW_COUNT.sub("", line)).strip():
            continue
        out.append(line)
    return out


_PHOTO_CREDIT = re.compile(
    r"^[\[(]?\s*(dok\.?|dokumentasi|ilustrasi|foto|photo|sumber foto|image|gambar)\s*[.:/\-]", re.IGNORECASE
)


_TRAILING_CREDIT = re.compile(r"(\.\s*(foto|photo|sumber foto)\s*:\s*[^.]{1,40}\.?"
                              r"|\(\s*(foto|dok\.?|dokumentasi|sumber foto|photo)\s*[:./]?\s*[^()]{1,40}\)\.?)$", re.I)


def drop_photo_credits(paragraphs: list[str]) -> list[str]:
    """Remove short photo credit/caption lines ("Dok. Kominfo-lmj", "Foto: Humas Polres") and
    captions that end with their credit ("Kapolres menyerahkan bantuan. (Foto: Humas)")."""
    return [p for p in paragraphs if not (
        (_PHOTO_CREDIT.match(p) and len(p.split()) <= 15) or (_TRAILING_CREDIT.search(p) and len(p.split()) <= 30))]


_BACK_LINK = re.compile(r"^(kembali( ke)?\b.{0,30}|back to\b.{0,30}|« ?kembali|selengkapnya|read more)$", re.I)


def drop_back_links(paragraphs: list[str]) -> list[str]:
    """Remove navigation leftovers ("Kembali ke Halaman Berita", "Kembali ke atas")."""
    return [p for p in paragraphs if not _BACK_LINK.match(p)]


def _word_count(paragraphs: Sequence[str]) -> int:
    """Total whitespace-separated words of a paragraph list."""
    return sum(len(p.split()) for p in paragraphs)


def truncate_at_trailing_sections(paragraphs: list[str]) -> list[str]:
    """Cut everything from a page-chrome heading ("BANYAK DIBACA", "Berita Terkait", "PENCARIAN",
    "Hotline COVID19", "Tinggalkan Balasan") onwards, when it comes after most of the text:
    what follows such a heading is a widget, not the story. Earlier ones are only dropped."""
    total = _word_count(paragraphs) or 1
    seen = 0
    for index, line in enumerate(paragraphs):
        if SECTION_TITLES.match(line) and len(line.split()) <= 6:
            if seen >= total / 2:
                return paragraphs[:index]
            return paragraphs[:index] + truncate_at_trailing_sections(paragraphs[index + 1:])
        seen += len(line.split())
    return paragraphs


_HASHTAGS = re.compile(r"^(#[\w-]+[\s,]*)+$")


def drop_hashtag_lines(paragraphs: list[str]) -> list[str]:
    """Remove lines made only of hashtags ("#PolriPresisi #Kamtibmas")."""
    return [p for p in paragraphs if not _HASHTAGS.match(p)]


def drop_credit_lines(paragraphs: list[str]) -> list[str]:
    """Remove "Penulis: …", "Editor: …", "Reporter: …", "Sumber: …" lines; :mod:`pipelines.metadata`
    reads them as author and source attribution before this runs."""
    return [p for p in paragraphs if not (CREDIT_LINE.match(p) and len(p.split()) <= 12)]


_COPYRIGHT = re.compile(r"^(©|\(c\)|copyright|hak cipta|all rights reserved)|all rights reserved\.?$", re.I)


def drop_copyright_footers(paragraphs: list[str]) -> list[str]:
    """Remove copyright footers ("© 2022 Detikkasus.com", "Hak Cipta Dilindungi")."""
    return [p for p in paragraphs if not (_COPYRIGHT.search(p) and len(p.split()) <= 20)]


_SHARE_PROMPT = re.compile(
    r"^(bagikan|share|share this|bagikan ini|sebarkan|like this|suka ini|klik untuk|click to share"
    r"|menyukai|memuat|loading)(\b|\.).{0,40}$",
    re.IGNORECASE,
)


def drop_share_prompts(paragraphs: list[str]) -> list[str]:
    """Remove share prompts ("Bagikan:", "Share this:", "Klik untuk membagikan…")."""
    return [p for p in paragraphs if not _SHARE_PROMPT.match(p)]


def _is_headline_like(line: str) -> bool:
    """A short, Title-Case or UPPER-CASE line with no closing punctuation: another story's
    title. A sentence whose writer forgot the final period ("…bersama,” ungkapnya") is
    mostly lower case and stays."""
    if line.startswith(("- ", "• ", "– ")) or CLOSING_MARK.search(line) or _TERMINAL.search(line):
        return False
    words = [w for w in line.split() if w[:1].isalpha()]
    capitalised = sum(w[0].isupper() for w in words)
    return len(line.split()) <= 25 and capitalised >= 0.5 * len(words)  # also bare "-" / date lines


def drop_trailing_headline_list(paragraphs: list[str]) -> list[str]:
    """Remove the run of other stories' headlines a theme prints after the last paragraph
    (seen as short title-like lines). Stops at a real paragraph, a list item or an initials
    marker such as "(*)", which all belong to the story."""
    end = len(paragraphs)
    while end > 1 and _is_headline_like(paragraphs[end - 1]):
        end -= 1
    if end < len(paragraphs) and paragraphs[end - 1].rstrip().endswith(":"):
        return paragraphs  # the short lines answer a colon: a list that belongs to the story
    return paragraphs[:end]


def drop_title_repeat(paragraphs: list[str], title: str | None) -> list[str]:
    """Remove the headline when the extractor kept it at the top of the body, together with a
    short rubric line above it ("TRAVEL NEWS" / headline)."""
    if not title:
        return paragraphs
    for index, line in enumerate(paragraphs[:3]):
        if _squash(line) == _squash(title):
            if all(len(p.split()) <= 4 for p in paragraphs[:index]):
                return paragraphs[index + 1:]
            break
    return paragraphs


_SYNDICATION = re.compile(
    r"^(artikel|berita|tulisan) ini (telah|sudah|juga) (tayang|terbit|naik|dimuat|diterbitkan)\b", re.I)


def drop_syndication_notes(paragraphs: list[str]) -> list[str]:
    """Remove "Artikel ini telah tayang di Kompas.com dengan judul …" / "… bisa dibaca
    selengkapnya di sini" notes that group sites append to a story taken from a sister site."""
    return [p for p in paragraphs if not (_SYNDICATION.match(p) and len(p.split()) <= 40)]


_PLACEHOLDER = re.compile(r"^(\[[^\]]{1,60}\]\s*)+$|^[^\w\s]{2,}$")


def drop_placeholder_lines(paragraphs: list[str]) -> list[str]:
    """Remove embed placeholders and rules that are no prose: "[Gambas:Video 20detik]",
    WordPress shortcodes left by a disabled plugin ("[caption id=…]"), "-----" separators."""
    return [p for p in paragraphs if not _PLACEHOLDER.match(p)]


def join_lone_dateline(paragraphs: list[str]) -> list[str]:
    """Glue a dateline printed on its own line ("Jakarta -", "<strong>Doha</strong> -") to the
    paragraph it opens, as the newsroom wrote it."""
    out: list[str] = []
    for line in paragraphs:
        if out and LONE_DATELINE.match(out[-1]) and line[:1].isupper():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _squash(text: str) -> str:
    """Lower-cased letters and digits only, to compare headlines across markup quirks."""
    return re.sub(r"\W+", "", text).lower()


TEXT_RULES: tuple[TextRule, ...] = (
    join_label_value_lines,
    join_wrapped_lines,
    join_lone_dateline,
    drop_placeholder_lines,
    drop_syndication_notes,
    truncate_at_trailing_sections,
    drop_baca_juga_lines,
    drop_comment_prompts,
    drop_date_lines,
    strip_view_counters,
    drop_photo_credits,
    drop_back_links,
    drop_hashtag_lines,
    drop_credit_lines,
    drop_copyright_footers,
    drop_share_prompts,
    drop_trailing_headline_list,
)


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line, whitespace squeezed (trafilatura emits a line per block)."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def clean_paragraphs(paragraphs: list[str], title: str | None = None) -> list[str]:
    """Apply every text rule in order, then drop a repeated headline."""
    for rule in TEXT_RULES:
        paragraphs = rule(paragraphs)
    return drop_title_repeat(paragraphs, title)
