"""The one article filter: what "articles matching these filters" means, everywhere.

Why one: the CLI (``pantau list``), the review inbox, its facet counts, bulk marks, the CSV/JSON
exports, the daily digest and the alerts all select articles by the same few properties. Each
used to say it in its own words (SQL here, Python there, other topic semantics in the CLI). Here
an :class:`ArticleFilter` is turned into SQL by :meth:`ArticleFilter.where` and evaluated on one
row by :meth:`ArticleFilter.matches`; the two are kept equal by a test over generated rows.

Meanings (a NULL column never matches a filter on it):

- ``statuses``: the review status is one of these (empty: any status).
- ``source``, ``province``, ``region`` (regency or city): equal.
- ``topic``: one element of the article's JSON topic list is exactly this label.
- ``published_from`` (inclusive) and ``published_until`` (exclusive): aware instants, compared
  with ``published_utc``; a local calendar day is turned into them by :func:`day_bounds`.
- ``min_score``: ``score >= min_score``. ``kamtibmas``: the flag is (not) set.
- ``search``: operator words for the full-text index, made safe by :func:`fts_query`: every word
  or "quoted phrase" must occur (AND), ``OR`` between two terms means either, ``-word`` or
  ``NOT word`` excludes, a trailing ``*`` is a prefix. Nothing typed can be an FTS5 syntax error.
  The search itself runs once per request into a temp table (``Store.stage_search``), which is
  what :meth:`where` filters on; :meth:`matches` leaves the search to the caller.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

STATUSES = ("new", "relevant", "not_relevant", "follow_up")
MARKS = ("relevant", "not_relevant", "follow_up")


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles; every field left at its default does not filter."""

    statuses: tuple[str, ...] = ()
    source: str | None = None
    province: str | None = None
    region: str | None = None
    topic: str | None = None
    published_from: datetime | None = None
    published_until: datetime | None = None
    min_score: float | None = None
    kamtibmas: bool | None = None
    search: str | None = None

    def without(self, *names: str) -> ArticleFilter:
        """The same filter less some fields (a facet counts with every filter but its own)."""
        defaults = {f.name: f.default for f in fields(self)}
        return replace(self, **{name: defaults[name] for name in names})

    def where(self, alias: str = "articles", *, probe: bool = False) -> tuple[str, list[Any]]:
        """A parameterised SQL condition over the articles table under ``alias`` ("1" when
        nothing filters). ``probe``: test the search hits per row (inside a correlated subquery)
        instead of iterating them."""
        clauses: list[str] = []
        args: list[Any] = []

        def add(sql: str, *values: Any) -> None:
            clauses.append(sql.format(a=alias))
            args.extend(values)

        if len(self.statuses) == 1:
            add("{a}.status = ?", self.statuses[0])
        elif self.statuses:
            add("{a}.status in (" + ",".join("?" * len(self.statuses)) + ")", *self.statuses)
        for name in ("source", "province", "region"):
            value = getattr(self, name)
            if value:
                add(f"{{a}}.{name} = ?", value)
        if self.topic:
            # instr on the JSON-quoted label is exact for a list of strings, and far cheaper
            # than json_each on every row (the topic facet walks a covering index)
            add("instr({a}.topics, ?) > 0", topic_needle(self.topic))
        if self.published_from is not None:
            add("{a}.published_utc >= ?", utc_iso(self.published_from))
        if self.published_until is not None:
            add("{a}.published_utc < ?", utc_iso(self.published_until))
        if self.min_score is not None:
            add("{a}.score >= ?", self.min_score)
        if self.kamtibmas is not None:
            add("{a}.kamtibmas = ?", int(self.kamtibmas))
        if self.search and probe:
            add("exists (select 1 from temp.search_hits h where h.id = {a}.id)")
        elif self.search:
            add("{a}.id in temp.search_hits")
        return (" and ".join(clauses) or "1"), args

    def matches(self, row: Mapping[str, Any]) -> bool:
        """:meth:`where` on one row (a mapping of article columns), without the search."""
        if self.statuses and row["status"] not in self.statuses:
            return False
        for name in ("source", "province", "region"):
            wanted = getattr(self, name)
            if wanted and row[name] != wanted:
                return False
        if self.topic and not (isinstance(row["topics"], str)
                               and topic_needle(self.topic) in row["topics"]):
            return False
        published = row["published_utc"]
        if self.published_from is not None and not (
                isinstance(published, str) and published >= utc_iso(self.published_from)):
            return False
        if self.published_until is not None and not (
                isinstance(published, str) and published < utc_iso(self.published_until)):
            return False
        if self.min_score is not None and not (row["score"] is not None
                                               and row["score"] >= self.min_score):
            return False
        return self.kamtibmas is None or (row["kamtibmas"] is not None
                                          and bool(row["kamtibmas"]) == self.kamtibmas)


def topic_needle(topic: str) -> str:
    """A topic as it appears inside the stored JSON list (``json.dumps`` of each label)."""
    return json.dumps(topic, ensure_ascii=False)


def utc_iso(moment: datetime) -> str:
    """The sortable stored form of an instant (``published_utc`` is ISO 8601 in UTC)."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r}: a filter instant needs its time zone")
    return moment.astimezone(UTC).isoformat()


def day_bounds(day: date | str, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants [start, end) of a local calendar day (an operator's "published on")."""
    start = datetime.combine(date.fromisoformat(day) if isinstance(day, str) else day, time(0), zone)
    return start, start + timedelta(days=1)


# --- full-text search ------------------------------------------------------------------------
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_OPERATORS = {"AND", "OR", "NOT"}


def fts_query(text: str) -> str:
    """Operator input as a valid FTS5 query (see the module docstring for the grammar).

    Each term becomes an FTS5 string, so punctuation and FTS5 keywords typed in lower case are
    just words; an operator with nothing on one side is dropped. A query of only exclusions
    matches nothing (FTS5 cannot express "everything but").
    """
    terms: list[tuple[str, str]] = []   # (operator before the term, the quoted term)
    pending = "AND"
    for negated, phrase, word in _TOKEN.findall(text):
        if word in _OPERATORS:
            pending = "NOT" if word == "NOT" else (word if pending != "NOT" else "NOT")
            continue
        if phrase or negated:                     # "a phrase", -"a phrase"
            raw, negative = phrase, bool(negated)
        else:                                     # word, -word, word*
            negative = word.startswith("-") and len(word) > 1
            raw = word[1:] if negative else word
        prefix = bool(word) and raw.endswith("*")
        raw = raw.rstrip("*") if prefix else raw
        if not re.search(r"\w", raw):
            continue
        quoted = '"' + raw.replace('"', '""') + '"' + ("*" if prefix else "")
        terms.append(("NOT" if negative else pending, quoted))
        pending = "AND"
    positive = [i for i, (op, _) in enumerate(terms) if op != "NOT"]
    if not positive:
        return '""'
    first = positive[0]
    query = terms[first][1]
    for op, quoted in terms[:first] + terms[first + 1:]:
        query += f" {op} {quoted}"
    return query
