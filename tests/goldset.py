"""The extraction gold set: loading pages, scoring one extraction against its gold.

Shared by the eval gate (``tests/test_gold.py``) and the benchmark (``bench/extraction.py``), so
both count the same way. A gold page is ``tests/fixtures/gold/<id>.json``; its HTML sits beside it,
or, for pages whose source repository states no licence, stays in ``../shared/corpus`` and is named
by ``shared_html`` (those pages are skipped when the shared corpus is absent). Such pages carry no
copied text: their body gold is ``body_css``, the selector that picks the body paragraphs out of
the shared page, minus ``body_drop``.

Body F1 is computed over bags of lower-cased ``\\w+`` tokens, as the ScrapingHub benchmark counts
words. A snippet "leaks" when a ``must_go`` string is found in the extracted text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

GOLD_DIR = Path(__file__).parent / "fixtures" / "gold"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FIELDS = ("title", "published", "author", "source_attribution", "dateline")
_TOKEN = re.compile(r"\w+")


@dataclass
class GoldPage:
    """One gold page: where its HTML is and what a perfect extraction returns."""

    id: str
    spec: dict[str, Any]
    path: Path = field(repr=False)

    @property
    def url(self) -> str:
        """The page's own URL (extractors may use it)."""
        return self.spec["url"]

    @property
    def now(self) -> datetime:
        """The crawl clock the gold was written for."""
        return datetime.fromisoformat(self.spec["now"])

    @property
    def html_path(self) -> Path:
        """The saved page, in the repo or in the shared corpus."""
        if "shared_html" in self.spec:
            return SHARED / self.spec["shared_html"]
        return self.path.with_suffix(".html")

    @property
    def available(self) -> bool:
        """False for a shared-corpus page when ../shared is absent."""
        return self.html_path.exists()

    @cached_property
    def html(self) -> bytes:
        """Raw bytes of the page."""
        return self.html_path.read_bytes()

    @cached_property
    def body(self) -> str:
        """Expected body text: written paragraphs, or the shared page's body selector."""
        if "body" in self.spec:
            return "\n\n".join(self.spec["body"])
        text = body_by_selector(self.html, self.spec["body_css"], self.spec.get("body_drop", ()))
        skip = tuple(self.spec.get("body_skip", ()))
        return "\n\n".join(p for p in text.split("\n\n") if not (skip and p.startswith(skip)))

    @property
    def must_survive(self) -> list[str]:
        """Snippets of real content that must be in the extracted text."""
        return self.spec.get("must_survive", [])

    @property
    def must_go(self) -> list[str]:
        """Clutter snippets that must not be in the extracted text."""
        return self.spec.get("must_go", [])


def body_by_selector(html: bytes, css: str, drop: tuple[str, ...] | list[str]) -> str:
    """Text of the elements ``css`` selects, after removing ``drop`` (a human-checked selector)."""
    from lxml.cssselect import CSSSelector
    from lxml.html import fromstring

    tree = fromstring(html)
    for selector in drop:
        for element in CSSSelector(selector)(tree):
            element.drop_tree()
    texts = (" ".join(el.text_content().split()) for el in CSSSelector(css)(tree))
    return "\n\n".join(t for t in texts if t)


def load_gold(gold_dir: Path = GOLD_DIR) -> list[GoldPage]:
    """Every gold page, sorted by id (including shared ones whose HTML is absent)."""
    return [GoldPage(p.stem, json.loads(p.read_text(encoding="utf-8")), p) for p in sorted(gold_dir.glob("*.json"))]


def available_gold(gold_dir: Path = GOLD_DIR) -> list[GoldPage]:
    """Gold pages whose HTML can be read here."""
    return [page for page in load_gold(gold_dir) if page.available]


# ---------------------------------------------------------------- scoring

def tokens(text: str) -> Counter[str]:
    """Bag of lower-cased word tokens."""
    return Counter(_TOKEN.findall(text.lower()))


def body_f1(predicted: str, gold: str) -> float:
    """Bag-of-words F1 of an extracted body against the gold body."""
    pred, ref = tokens(predicted), tokens(gold)
    overlap = sum((pred & ref).values())
    if not overlap:
        return 1.0 if not pred and not ref else 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def _squeeze(text: str) -> str:
    """Whitespace-normalised text, for snippet search across line breaks."""
    return " ".join(text.split())


def leaked(text: str, page: GoldPage) -> list[str]:
    """``must_go`` snippets found in the extracted text."""
    flat = _squeeze(text)
    return [snippet for snippet in page.must_go if _squeeze(snippet) in flat]


def lost(text: str, page: GoldPage) -> list[str]:
    """``must_survive`` snippets missing from the extracted text."""
    flat = _squeeze(text)
    return [snippet for snippet in page.must_survive if _squeeze(snippet) not in flat]


def same_title(got: str | None, expected: str | None) -> bool:
    """Titles match when equal after whitespace normalisation."""
    return _squeeze(got or "") == _squeeze(expected or "")


def same_name(got: str | None, expected: str | None) -> bool:
    """Names (author, source, place) match case-insensitively; None matches only None."""
    if not expected or not got:
        return not expected and not got
    return _squeeze(got).casefold() == _squeeze(expected).casefold()


def _local(got: datetime, expected: str) -> datetime:
    """``got`` on the gold's own clock (naive values are taken as already local)."""
    want = datetime.fromisoformat(expected)
    if got.tzinfo is None or want.tzinfo is None:
        return got.replace(tzinfo=None)
    return got.astimezone(want.tzinfo)


def same_date(got: datetime | None, expected: str | None) -> bool:
    """Publication dates match on the calendar day the page printed (every extractor gives one)."""
    if not expected or got is None:
        return not expected and got is None
    return _local(got, expected).date() == datetime.fromisoformat(expected).date()


def same_time(got: datetime | None, expected: str | None) -> bool:
    """Stricter: the same minute too, for golds that state a time of day (Pantau's gate only)."""
    if not expected or "T" not in expected or got is None:
        return same_date(got, expected)
    want = datetime.fromisoformat(expected)
    return _local(got, expected).replace(second=0, microsecond=0, tzinfo=None) == \
        want.replace(second=0, microsecond=0, tzinfo=None)


FIELD_CHECKS = {
    "title": same_title,
    "published": same_date,
    "author": same_name,
    "source_attribution": same_name,
    "dateline": same_name,
}


@dataclass
class Result:
    """What one extractor returned for one page, normalised across extractors."""

    text: str
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    source_attribution: str | None = None
    dateline: str | None = None


@dataclass
class Score:
    """One extraction scored against its gold page."""

    f1: float
    leaks: list[str]
    lost: list[str]
    fields: dict[str, bool]


def score(result: Result, page: GoldPage, fields: tuple[str, ...] = FIELDS) -> Score:
    """Body F1, leaked and lost snippets, and per-field correctness (fields the gold defines)."""
    checks = {name: FIELD_CHECKS[name](getattr(result, name), page.spec.get(name))
              for name in fields if name in page.spec}
    return Score(body_f1(result.text, page.body), leaked(result.text, page), lost(result.text, page), checks)


def mean(values: list[float]) -> float:
    """Arithmetic mean (0.0 for no values)."""
    return sum(values) / len(values) if values else 0.0


def iter_scores(pages: list[GoldPage], extract: Any) -> Iterator[tuple[GoldPage, Score]]:
    """Score ``extract(page) -> Result`` on every page."""
    for page in pages:
        yield page, score(extract(page), page)
