"""Turning scraped strings into HTML safely: escape first, then add our own markup.

Why here and not in templates: highlighting must put ``<mark>`` around parts of scraped text, and
the only safe order is to escape every scraped piece and then join the escaped pieces with our own
tags. These functions return ``Markup`` built that way; templates never use ``|safe`` on scraped
data, and everything else they print is escaped by Jinja's autoescape.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

_ZONES = {"+07:00": "WIB", "+08:00": "WITA", "+09:00": "WIT"}


def marker_pair() -> tuple[str, str]:
    """Fresh highlight markers for one FTS5 snippet call: scraped text cannot forge them."""
    token = secrets.token_hex(6)
    return f"\x02{token}[", f"]{token}\x03"


def mark_snippet(snippet: str, open_mark: str, close_mark: str) -> Markup:
    """An FTS5 snippet with our markers as escaped text with ``<mark>`` around the hits."""
    out = []
    for k, chunk in enumerate(snippet.split(open_mark)):
        hit, sep, rest = chunk.partition(close_mark) if k else ("", "", chunk)
        if sep:
            out.append(Markup("<mark>") + escape(hit) + Markup("</mark>"))
        else:
            rest = hit + rest
        out.append(escape(rest))
    return Markup("").join(out)


def head_snippet(text: str, limit: int) -> Markup:
    """The first ``limit`` characters on one line, cut at a word, with … only when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return escape(flat)
    return escape(flat[:limit].rsplit(" ", 1)[0] + " …")


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> Markup:
    """Escape ``text`` and wrap the (sorted, non-overlapping) spans in ``<mark>``."""
    out, pos = [], 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def term_regexes(evidence: Iterable[dict[str, Any]]) -> list[re.Pattern[str]]:
    """A regex per matched lexicon term: its lexicon pattern if it compiles, else the literal."""
    from pipelines.relevance import compile_pattern

    out, seen = [], set()
    for item in evidence:
        pattern, term = str(item.get("pattern") or ""), str(item.get("term") or "")
        key = pattern or term
        if not key or key in seen:
            continue
        seen.add(key)
        try:
            out.append(compile_pattern(pattern) if pattern else re.compile(re.escape(term.lower())))
        except (re.error, ValueError, KeyError):
            out.append(re.compile(re.escape(term.lower())))
    return out


def term_spans(text: str, regexes: Sequence[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Where the relevance terms occur (matched on the lower-cased text, same offsets)."""
    lower = text.lower()
    if len(lower) != len(text):
        return []
    return merge_spans(m.span() for rx in regexes for m in rx.finditer(lower) if m.end() > m.start())


def paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


def highlighted_paragraphs(text: str | None, evidence: Iterable[dict[str, Any]]) -> list[Markup]:
    regexes = term_regexes(evidence)
    return [highlight(p, term_spans(p, regexes)) for p in paragraphs(text)]


def safe_href(url: str | None) -> str | None:
    """Only absolute http(s) URLs become links; ``javascript:`` and the like stay plain text."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"\s", url):
        return url
    return None


def json_list(value: str | None) -> list[Any]:
    """A JSON list column, or [] for NULL or anything malformed."""
    try:
        data = json.loads(value or "[]")
    except (TypeError, ValueError):
        return []
    return data if isinstance(data, list) else []


def fmt_when(value: str | None) -> str:
    """'2026-11-21 14:05 WIB' from a stored ISO 8601 timestamp (its own offset kept)."""
    if not value:
        return "–"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    offset = value[-6:] if moment.tzinfo else ""
    zone = _ZONES.get(offset, "UTC" if offset == "+00:00" else offset)
    return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()


def fmt_score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def csv_cell(value: Any) -> Any:
    """Defuse spreadsheet formulas in scraped strings (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
