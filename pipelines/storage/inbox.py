"""The review inbox's reads: story pages, facet counts, snippets, exports and the digest.

Stories: articles sharing ``story_id`` are one story; ``story_id`` NULL is a story of one. The
inbox shows one row per story: its best article (highest score, then newest id) among those that
match the filter, found with a NOT EXISTS probe on ``story_id`` while walking the score index, so
a page costs about (rows shown × story size), not a GROUP BY over the whole table. The indexes
these queries rely on are created by migration ``m003`` (``schema.INBOX_INDEXES``).

Facet counts are computed in full (every value, not just the top ones shown) so that a cached set
can be adjusted exactly when operators mark articles (:func:`adjust_counts`) instead of being
recomputed. Call ``store.prepare(where)`` once per request before any of these when the filter
searches: the search hits are staged on that connection.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from pipelines.storage.base import StoreBase, placeholders
from pipelines.storage.filters import ArticleFilter, fts_query

ROW = ("a.id, a.story_id, a.title, a.source, a.region, a.province, a.topics, a.published, "
       "a.published_utc, a.score, a.kamtibmas, a.status, a.url, a.reviewed_by, a.reviewed_at, "
       "a.review_note")
EXPORT_COLUMNS = ("id", "story_id", "url", "source", "title", "published", "region", "province",
                  "topics", "score", "kamtibmas", "status", "reviewed_by", "reviewed_at",
                  "review_note")
PROBE_ABOVE_HITS = 1500
"""Above this many search hits, the inbox walks the score index and probes the hits (stopping
after one page) instead of reading and sorting every hit."""


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the last shown (score, id); ``score`` None once in the unscored tail."""

    score: float | None
    id: int


class InboxMixin(StoreBase):
    # pages -----------------------------------------------------------------------------------
    def inbox_page(self, where: ArticleFilter, cursor: Cursor | None,
                   limit: int = 50) -> tuple[list[dict[str, Any]], Cursor | None]:
        """One page of stories, best score first, and the cursor of the next page (None at the
        end). Scored articles come first by (score, id) descending, then unscored ones by id;
        the keyset ``score <= ?`` lets SQLite seek into the score index."""
        rows: list[dict[str, Any]] = []
        if cursor is None or cursor.score is not None:
            keyset, key_args = "a.score is not null", []
            if cursor is not None:
                keyset = "a.score <= ? and (a.score < ? or a.id < ?)"
                key_args = [cursor.score, cursor.score, cursor.id]
            rows = self._page(where, keyset, key_args, "a.score desc, a.id desc", limit + 1)
        if len(rows) <= limit:
            keyset, key_args = "a.score is null", []
            if cursor is not None and cursor.score is None:
                keyset, key_args = "a.score is null and a.id < ?", [cursor.id]
            rows += self._page(where, keyset, key_args, "a.id desc", limit + 1 - len(rows))
        if len(rows) <= limit:
            return rows, None
        last = rows[limit - 1]
        return rows[:limit], Cursor(last["score"], last["id"])

    def _page(self, where: ArticleFilter, keyset: str, key_args: list[Any], order: str,
              limit: int) -> list[dict[str, Any]]:
        probe = bool(where.search) and self.search_hits() > PROBE_ABOVE_HITS  # type: ignore[attr-defined]
        cond, args = where.where("a", probe=probe)
        best, best_args = _best_of_story(where)
        return self._dicts(f"select {ROW} from articles a where {cond} and {keyset} and {best} "
                           f"order by {order} limit ?", [*args, *key_args, *best_args, limit])

    def count_articles(self, where: ArticleFilter) -> int:
        cond, args = where.where("a")
        return int(self._conn.execute(f"select count(*) from {_counted(where)} a where {cond}",
                                      args).fetchone()[0])

    def heads(self, ids: Sequence[int], chars: int = 320) -> dict[int, str]:
        """The first characters of each article's clean text (the snippet when not searching)."""
        sql = f"select id, substr(text, 1, ?) from articles where id in ({placeholders(ids)})"
        return {r[0]: r[1] or "" for r in self._conn.execute(sql, [chars, *ids])}

    def fts_snippets(self, search: str, ids: Sequence[int], open_mark: str,
                     close_mark: str) -> dict[int, str]:
        """FTS5 snippets with the caller's (unguessable) markers; the caller escapes, then marks."""
        sql = (f"select rowid, snippet(articles_fts, -1, ?, ?, '…', 24) from articles_fts "
               f"where articles_fts match ? and rowid in ({placeholders(ids)})")
        return {r[0]: r[1] or "" for r in self._conn.execute(
            sql, [open_mark, close_mark, fts_query(search), *ids])}

    def story_members(self, story_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """Every copy of the given stories, best first: their sources, size and statuses."""
        if not story_ids:
            return {}
        out: dict[int, list[dict[str, Any]]] = {}
        for row in self._dicts(
                f"select id, story_id, source, title, url, published, score, status from articles "
                f"where story_id in ({placeholders(story_ids)}) order by score desc, id desc",
                list(story_ids)):
            out.setdefault(row["story_id"], []).append(row)
        return out

    def next_new_article(self, score: float | None, article_id: int) -> int | None:
        """The next new article after this one in inbox order (for "mark and go on")."""
        row = self._conn.execute(
            "select id from articles where status = 'new' and id != ? and "
            "(ifnull(score, -1) < ifnull(?, -1) or (ifnull(score, -1) = ifnull(?, -1) and id < ?)) "
            "order by score desc, id desc limit 1", [article_id, score, score, article_id]).fetchone()
        return row[0] if row else None

    # exports and digest ----------------------------------------------------------------------
    def export_rows(self, where: ArticleFilter) -> Iterator[dict[str, Any]]:
        """Every article of the filtered view (all copies), in inbox order."""
        cond, args = where.where("a")
        cols = ", ".join(f"a.{c}" for c in EXPORT_COLUMNS)
        for row in self._conn.execute(
                f"select {cols} from articles a where {cond} order by a.score desc, a.id desc", args):
            yield dict(row)

    def digest_rows(self, where: ArticleFilter) -> list[dict[str, Any]]:
        """The digest's articles (reviewed, published on the day), best first, before story
        grouping."""
        cond, args = where.where("a")
        return self._dicts(f"select {ROW} from articles a where {cond} "
                           f"order by a.score desc, a.id desc", args)

    # facets ----------------------------------------------------------------------------------
    def facet_counts(self, where: ArticleFilter) -> FacetCounts:
        """Article counts per value of each filter, with every other filter applied."""
        return merge_facets({name: task(self) for name, task in facet_tasks(where).items()})

    def _grouped(self, where: ArticleFilter, columns: str, extra: str = "1") -> list[Any]:
        cond, args = where.where("a")
        return self._rows(f"select {columns}, count(*) as n from {_counted(where)} a "
                          f"where {cond} and {extra} group by {columns}", args)


def _counted(where: ArticleFilter) -> str:
    """What counts read: the narrow copy of the search hits when searching (each count then
    reads a few thousand small rows, not as many scattered article rows), else ``articles``."""
    return "temp.search_rows" if where.search else "articles"


def _best_of_story(where: ArticleFilter) -> tuple[str, list[Any]]:
    """True for the best matching article of its story (or an article without a story)."""
    cond, args = where.where("b", probe=True)
    better = ("(ifnull(b.score, -1) > ifnull(a.score, -1) or "
              "(ifnull(b.score, -1) = ifnull(a.score, -1) and b.id > a.id))")
    return (f"(a.story_id is null or not exists (select 1 from articles b where "
            f"b.story_id = a.story_id and b.id != a.id and {cond} and {better}))"), args


# --- facet counts ----------------------------------------------------------------------------
class Count(NamedTuple):
    """One facet value and how many articles have it (a regency also names its province)."""

    value: str
    n: int
    province: str | None = None


class FacetCounts(NamedTuple):
    """Every facet in full. ``status`` counts articles matching all filters but the status (the
    key None holds articles without a status, so the total is exact); ``region`` is keyed by
    (regency, province). Treat as immutable: cached values are shared between requests."""

    status: Counter
    source: Counter
    province: Counter
    region: Counter
    topic: Counter


FacetTask = Callable[[InboxMixin], Any]


def json_topics(value: str | None) -> list[str]:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(t) for t in data] if isinstance(data, list) else []


def split_topics(lists: Iterable[tuple[str | None, int]]) -> Counter[str]:
    """Counts per JSON topic list as counts per topic."""
    counts: Counter[str] = Counter()
    for topics, n in lists:
        for topic in set(json_topics(topics)):
            counts[topic] += n
    return counts


def facet_tasks(where: ArticleFilter) -> dict[str, FacetTask]:
    """The independent queries behind the counts (:meth:`InboxMixin.facet_counts` runs them one
    after the other; the app may run them side by side on several connections). The status
    facet also gives the total, so no separate count is run; and when no source (else no
    topic) is filtered, the status facet is read from that facet's query grouped by status as
    well, which reads the same rows: one pass instead of two."""
    def by_status(rows: Iterable[Any]) -> tuple[Counter, Counter]:
        statuses: Counter = Counter()
        values: Counter = Counter()
        for status, value, n in rows:
            statuses[status] += n
            if value is not None and (not where.statuses or status in where.statuses):
                values[value] += n
        return statuses, values

    def status(store: InboxMixin) -> Counter:
        return Counter({r[0]: r[1] for r in store._grouped(where.without("statuses"), "a.status")})

    def source(store: InboxMixin) -> Counter:
        return Counter({r[0]: r[1] for r in store._grouped(where.without("source"), "a.source",
                                                           "a.source is not null")})

    def source_and_status(store: InboxMixin) -> tuple[Counter, Counter]:
        return by_status(store._grouped(where.without("statuses", "source"), "a.status, a.source"))

    def topic(store: InboxMixin) -> Counter:
        return split_topics((r[0], r[1]) for r in store._grouped(where.without("topic"), "a.topics"))

    def topic_and_status(store: InboxMixin) -> tuple[Counter, Counter]:
        lists = by_status(store._grouped(where.without("statuses", "topic"), "a.status, a.topics"))
        return lists[0], split_topics(lists[1].items())

    tasks: dict[str, FacetTask] = {"status": status, "source": source, "topic": topic,
                                   "place": lambda store: place_counts(store, where)}
    if not where.source:
        del tasks["status"]
        tasks["source"] = source_and_status
    elif not where.topic:
        del tasks["status"]
        tasks["topic"] = topic_and_status
    return tasks


def place_counts(store: InboxMixin, where: ArticleFilter) -> tuple[Counter, Counter]:
    """Province and regency counts; without a place filter both come from one query."""
    rows = store._grouped(where.without("region"), "a.province, a.region", "a.province is not null")
    regions = Counter({(r[1], r[0]): r[2] for r in rows if r[1] is not None})
    if where.province or where.region:
        provinces = Counter({r[0]: r[1] for r in store._grouped(
            where.without("province", "region"), "a.province", "a.province is not null")})
    else:
        provinces = Counter()
        for r in rows:
            provinces[r[0]] += r[2]
    return provinces, regions


def merge_facets(results: dict[str, Any]) -> FacetCounts:
    results = dict(results)
    for name in ("source", "topic"):
        if isinstance(results[name], tuple):  # folded with the status facet
            results["status"], results[name] = results[name]
    provinces, regions = results["place"]
    return FacetCounts(results["status"], results["source"], provinces, regions, results["topic"])


def _ranked(counts: Counter, limit: int | None) -> list[tuple[Any, int]]:
    items = sorted(((k, n) for k, n in counts.items() if k is not None and n > 0),
                   key=lambda kn: (-kn[1], kn[0]))
    return items[:limit] if limit is not None else items


def facet_lists(fc: FacetCounts, where: ArticleFilter,
                limit: int = 60) -> tuple[dict[str, list[Count]], int]:
    """What the page shows: the facets by filter name (most frequent first, at most ``limit``
    values; all topics), and the number of articles matching every filter."""
    facets = {
        "status": [Count(v, n) for v, n in _ranked(fc.status, limit)],
        "source": [Count(v, n) for v, n in _ranked(fc.source, limit)],
        "province": [Count(v, n) for v, n in _ranked(fc.province, limit)],
        "region": [Count(r, n, p) for (r, p), n in _ranked(fc.region, limit)],
        "topic": [Count(v, n) for v, n in _ranked(fc.topic, None)],
    }
    if not where.statuses:
        total = sum(n for n in fc.status.values() if n > 0)
    else:
        total = sum(max(fc.status.get(s, 0), 0) for s in where.statuses)
    return facets, total


def adjust_counts(fc: FacetCounts, where: ArticleFilter, before: Sequence[Any],
                  status: str) -> FacetCounts | None:
    """The counts after the articles ``before`` (rows of ``reviews.MARK_ROW`` as they were) got
    ``status``; None when that cannot be worked out here (a search: recompute instead). A mark
    changes nothing but the status, so each article moves between status counts and, where the
    status filter decides whether it is counted, in or out of the other facets."""
    changes = [(dict(r), {**dict(r), "status": status}) for r in before if r["status"] != status]
    if not changes:
        return fc
    if where.search:
        return None
    out = FacetCounts(*(Counter(c) for c in fc))
    f_status, f_source = where.without("statuses"), where.without("source")
    f_region, f_province = where.without("region"), where.without("province", "region")
    f_topic = where.without("topic")
    for old, new in changes:
        if f_status.matches(old):
            out.status[old["status"]] -= 1
            out.status[status] += 1
        for row, sign in ((old, -1), (new, 1)):
            if row["source"] is not None and f_source.matches(row):
                out.source[row["source"]] += sign
            if row["province"] is not None:
                if row["region"] is not None and f_region.matches(row):
                    out.region[(row["region"], row["province"])] += sign
                if f_province.matches(row):
                    out.province[row["province"]] += sign
            if f_topic.matches(row):
                for topic in set(json_topics(row["topics"])):
                    out.topic[topic] += sign
    for counter in out:
        for key in [k for k, n in counter.items() if n <= 0]:
            del counter[key]
    return out
