"""Every SQL statement of the review app, parameterised, and the indexes they rely on.

Why one module: the schema belongs to ``pipelines/storage.py``; the review app only reads it and
writes the review columns, and keeping all of its SQL here shows at a glance which columns and
indexes the app depends on. Values always travel as ``?`` parameters; the only text spliced into
SQL is built here from constants (column names, table aliases, placeholders).

Stories: articles sharing ``story_id`` are one story; ``story_id`` NULL is a story of one. The
inbox shows one row per story: its best article (highest score, then newest id) among those that
match the filters, found with a NOT EXISTS probe on ``story_id`` while walking the score index, so
a page costs about (rows shown × story size), not a GROUP BY over the whole table.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import tzinfo
from typing import Any, NamedTuple

from pipelines.storage import INBOX_INDEXES
from review.filters import ANY, Cursor, Filters, day_bounds_utc

# The inbox's indexes are created by the storage migrations (m003); ``ensure_indexes`` re-asserts
# them and refreshes the planner's statistics after a bulk load (the bench, the tests).
INDEXES = INBOX_INDEXES

_ROW = ("a.id, a.story_id, a.title, a.source, a.region, a.province, a.topics, a.published, "
        "a.published_utc, a.score, a.kamtibmas, a.status, a.url, a.reviewed_by, a.reviewed_at, "
        "a.review_note")


def ensure_indexes(conn: sqlite3.Connection) -> None:
    for name, target in INDEXES.items():
        conn.execute(f"create index if not exists {name} on {target}")
    conn.execute("analyze")


# --- filters ---------------------------------------------------------------------------------
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def fts_query(text: str) -> str:
    """Operator input as a safe FTS5 query: every word or "quoted phrase" becomes a quoted FTS5
    string (implicit AND), a trailing * a prefix search; FTS5 operators are never interpreted."""
    parts = []
    for phrase, word in _TOKEN.findall(text):
        raw = phrase or word
        prefix = bool(word) and raw.endswith("*")
        raw = raw.rstrip("*") if prefix else raw
        if re.search(r"\w", raw):
            parts.append('"' + raw.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(parts) or '""'


def topic_needle(topic: str) -> str:
    """A topic as it appears inside the JSON list column: ``instr`` on it is exact for a list of
    strings and much cheaper than ``json_each`` on every row."""
    return json.dumps(topic, ensure_ascii=False)


FACET_COLUMNS = ("status", "source", "province", "region", "topics", "score", "published_utc")


def stage_search(conn: sqlite3.Connection, q: str) -> int:
    """Run the full-text search once per request into ``temp.search_hits`` (and the columns the
    counts need into ``temp.search_rows``); every query of the request then filters on it
    (``filter_clauses``) instead of re-running FTS5 per query."""
    conn.execute("create temp table if not exists search_hits (id integer primary key)")
    conn.execute("delete from temp.search_hits")
    conn.execute("insert into temp.search_hits select rowid from articles_fts "
                 "where articles_fts match ?", [fts_query(q)])
    conn.execute(f"create temp table if not exists search_rows (id integer primary key, "
                 f"{', '.join(FACET_COLUMNS)})")
    conn.execute("delete from temp.search_rows")
    conn.execute(f"insert into temp.search_rows select id, {', '.join(FACET_COLUMNS)} "
                 "from articles where id in temp.search_hits")
    return search_hits(conn)


def counted_table(f: Filters) -> str:
    """What counts read: the narrow copy of the search hits when searching (each count then
    reads a few thousand small rows, not as many scattered article rows), else ``articles``."""
    return "temp.search_rows" if f.q else "articles"


def search_hits(conn: sqlite3.Connection) -> int:
    return conn.execute("select count(*) from temp.search_hits").fetchone()[0]


def filter_clauses(f: Filters, a: str, tz: tzinfo,
                   probe: bool = False) -> tuple[list[str], list[Any]]:
    """WHERE clauses and their arguments for table alias ``a`` (with ``f.q``, call
    ``stage_search`` on the connection first). ``probe``: the clauses test one known row (in a
    correlated subquery), so the search hits must be probed, not iterated."""
    clauses: list[str] = []
    args: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        clauses.append(sql.format(a=a))
        args.extend(values)

    if f.status != ANY:
        add("{a}.status = ?", f.status)
    if f.source:
        add("{a}.source = ?", f.source)
    if f.province:
        add("{a}.province = ?", f.province)
    if f.region:
        add("{a}.region = ?", f.region)
    if f.topic:
        add("instr({a}.topics, ?) > 0", topic_needle(f.topic))
    if f.date_from:
        add("{a}.published_utc >= ?", day_bounds_utc(f.date_from, tz)[0])
    if f.date_to:
        add("{a}.published_utc < ?", day_bounds_utc(f.date_to, tz)[1])
    if f.min_score is not None:
        add("{a}.score >= ?", f.min_score)
    if f.q and probe:
        add("exists (select 1 from temp.search_hits h where h.id = {a}.id)")
    elif f.q:
        add("{a}.id in temp.search_hits")
    return clauses, args


# Above this many search hits, the inbox walks the score index and probes the hits (stopping
# after one page) instead of reading and sorting every hit.
PROBE_ABOVE_HITS = 1500


def where(f: Filters, a: str, tz: tzinfo, probe: bool = False) -> tuple[str, list[Any]]:
    clauses, args = filter_clauses(f, a, tz, probe)
    return (" and ".join(clauses) or "1"), args


def placeholders(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


# --- inbox -----------------------------------------------------------------------------------
def _best_of_story(f: Filters, tz: tzinfo) -> tuple[str, list[Any]]:
    """True for the best matching article of its story (or an article without a story)."""
    cond, args = where(f, "b", tz, probe=True)
    better = ("(ifnull(b.score, -1) > ifnull(a.score, -1) or "
              "(ifnull(b.score, -1) = ifnull(a.score, -1) and b.id > a.id))")
    sql = (f"(a.story_id is null or not exists (select 1 from articles b where "
           f"b.story_id = a.story_id and b.id != a.id and {cond} and {better}))")
    return sql, args


def _page(conn: sqlite3.Connection, f: Filters, tz: tzinfo, keyset: str, key_args: list[Any],
          order: str, limit: int) -> list[sqlite3.Row]:
    cond, args = where(f, "a", tz, probe=bool(f.q) and search_hits(conn) > PROBE_ABOVE_HITS)
    best, best_args = _best_of_story(f, tz)
    sql = (f"select {_ROW} from articles a where {cond} and {keyset} and {best} "
           f"order by {order} limit ?")
    return conn.execute(sql, [*args, *key_args, *best_args, limit]).fetchall()


def inbox_page(conn: sqlite3.Connection, f: Filters, tz: tzinfo, cursor: Cursor | None,
               limit: int = 50) -> tuple[list[sqlite3.Row], Cursor | None]:
    """One page of stories, best score first, and the cursor of the next page (None at the end).

    Scored articles come first by (score, id) descending, then unscored ones by id; the keyset
    ``score <= ?`` lets SQLite seek into the score index instead of skipping earlier pages.
    """
    rows: list[sqlite3.Row] = []
    if cursor is None or cursor.score is not None:
        keyset, key_args = "a.score is not null", []
        if cursor is not None:
            keyset = "a.score <= ? and (a.score < ? or a.id < ?)"
            key_args = [cursor.score, cursor.score, cursor.id]
        rows = _page(conn, f, tz, keyset, key_args, "a.score desc, a.id desc", limit + 1)
    if len(rows) <= limit:
        keyset, key_args = "a.score is null", []
        if cursor is not None and cursor.score is None:
            keyset, key_args = "a.score is null and a.id < ?", [cursor.id]
        rows += _page(conn, f, tz, keyset, key_args, "a.id desc", limit + 1 - len(rows))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], Cursor(last["score"], last["id"])


def count_articles(conn: sqlite3.Connection, f: Filters, tz: tzinfo) -> int:
    cond, args = where(f, "a", tz)
    return conn.execute(f"select count(*) from {counted_table(f)} a where {cond}", args).fetchone()[0]


def heads(conn: sqlite3.Connection, ids: Sequence[int], chars: int = 320) -> dict[int, str]:
    """The first characters of each article's clean text (the snippet when not searching)."""
    sql = f"select id, substr(text, 1, ?) from articles where id in ({placeholders(ids)})"
    return {r[0]: r[1] or "" for r in conn.execute(sql, [chars, *ids])}


def fts_snippets(conn: sqlite3.Connection, q: str, ids: Sequence[int], open_mark: str,
                 close_mark: str) -> dict[int, str]:
    """FTS5 snippets with the caller's (unguessable) markers; the caller escapes, then marks."""
    sql = (f"select rowid, snippet(articles_fts, -1, ?, ?, '…', 24) from articles_fts "
           f"where articles_fts match ? and rowid in ({placeholders(ids)})")
    return {r[0]: r[1] or "" for r in conn.execute(sql, [open_mark, close_mark, fts_query(q), *ids])}


def story_members(conn: sqlite3.Connection, story_ids: Sequence[int]) -> dict[int, list[sqlite3.Row]]:
    """Every copy of the given stories, best first: their sources, size and statuses."""
    if not story_ids:
        return {}
    sql = (f"select id, story_id, source, title, url, published, score, status from articles "
           f"where story_id in ({placeholders(story_ids)}) order by score desc, id desc")
    out: dict[int, list[sqlite3.Row]] = {}
    for row in conn.execute(sql, list(story_ids)):
        out.setdefault(row["story_id"], []).append(row)
    return out


# --- facets ----------------------------------------------------------------------------------
# Facet counts are computed in full (every value, not just the top ones shown) so that a cached
# set can be adjusted exactly when operators mark articles (``adjust_counts``) instead of being
# recomputed; ``facet_lists`` cuts them to what the page shows.
def _grouped(conn: sqlite3.Connection, f: Filters, tz: tzinfo, columns: str,
             extra: str = "1") -> list[sqlite3.Row]:
    cond, args = where(f, "a", tz)
    sql = (f"select {columns}, count(*) as n from {counted_table(f)} a where {cond} and {extra} "
           f"group by {columns}")
    return conn.execute(sql, args).fetchall()


def topic_counts(conn: sqlite3.Connection, f: Filters, tz: tzinfo) -> Counter[str]:
    """Articles per topic: grouped by the whole JSON list (a few dozen distinct lists) over the
    covering index, then split here; far cheaper than ``json_each`` on every row."""
    return split_topics((r[0], r[1]) for r in _grouped(conn, f, tz, "a.topics"))


def split_topics(lists: Iterable[tuple[str | None, int]]) -> Counter[str]:
    """Counts per JSON topic list as counts per topic."""
    counts: Counter[str] = Counter()
    for topics, n in lists:
        for topic in set(json_topics(topics)):
            counts[topic] += n
    return counts


def json_topics(value: str | None) -> list[str]:
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(t) for t in data] if isinstance(data, list) else []


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


def facet_tasks(f: Filters, tz: tzinfo) -> dict[str, Callable[[sqlite3.Connection], Any]]:
    """The independent queries behind the counts (``facet_counts`` runs them one after the
    other; the app may run them side by side on several connections). The status facet also
    gives the total (its row for the current status), so no separate count is run; and when
    no source (else no topic) is filtered, the status facet is read from that facet's query
    grouped by status as well, which then reads the same rows: one pass instead of two."""
    def by_status(rows: Iterable[Any]) -> tuple[Counter, Counter]:
        """(counts per status, counts per value for the current status) of (status, value, n)."""
        statuses: Counter = Counter()
        values: Counter = Counter()
        for status, value, n in rows:
            statuses[status] += n
            if value is not None and f.status in (ANY, status):
                values[value] += n
        return statuses, values

    def status(conn: sqlite3.Connection) -> Counter:
        return Counter({r[0]: r[1] for r in _grouped(conn, f.without("status"), tz, "a.status")})

    def source(conn: sqlite3.Connection) -> Counter:
        return Counter({r[0]: r[1] for r in _grouped(conn, f.without("source"), tz, "a.source",
                                                     "a.source is not null")})

    def source_and_status(conn: sqlite3.Connection) -> tuple[Counter, Counter]:
        return by_status(_grouped(conn, f.without("status", "source"), tz, "a.status, a.source"))

    def topic(conn: sqlite3.Connection) -> Counter:
        return topic_counts(conn, f.without("topic"), tz)

    def topic_and_status(conn: sqlite3.Connection) -> tuple[Counter, Counter]:
        lists = by_status(_grouped(conn, f.without("status", "topic"), tz, "a.status, a.topics"))
        return lists[0], split_topics(lists[1].items())

    tasks: dict[str, Callable[[sqlite3.Connection], Any]] = {
        "status": status, "source": source, "topic": topic,
        "place": lambda conn: place_counts(conn, f, tz)}
    if not f.source:
        del tasks["status"]
        tasks["source"] = source_and_status
    elif not f.topic:
        del tasks["status"]
        tasks["topic"] = topic_and_status
    return tasks


def place_counts(conn: sqlite3.Connection, f: Filters, tz: tzinfo) -> tuple[Counter, Counter]:
    """Province and regency counts; without a place filter both come from one query."""
    rows = _grouped(conn, f.without("region"), tz, "a.province, a.region",
                    "a.province is not null")
    regions = Counter({(r[1], r[0]): r[2] for r in rows if r[1] is not None})
    if f.province or f.region:
        provinces = Counter({r[0]: r[1] for r in _grouped(
            conn, f.without("province", "region"), tz, "a.province", "a.province is not null")})
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


def facet_counts(conn: sqlite3.Connection, f: Filters, tz: tzinfo) -> FacetCounts:
    """Article counts per value of each filter, with every other filter applied."""
    return merge_facets({name: task(conn) for name, task in facet_tasks(f, tz).items()})


def _ranked(counts: Counter, limit: int | None) -> list[tuple[Any, int]]:
    items = sorted(((k, n) for k, n in counts.items() if k is not None and n > 0),
                   key=lambda kn: (-kn[1], kn[0]))
    return items[:limit] if limit is not None else items


def facet_lists(fc: FacetCounts, f: Filters,
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
    if f.status == ANY:
        total = sum(n for n in fc.status.values() if n > 0)
    else:
        total = max(fc.status.get(f.status, 0), 0)
    return facets, total


# --- facets kept up to date through marks ----------------------------------------------------
MARK_ROW = ("id", "status", "source", "province", "region", "topics", "score", "published_utc")


def staged_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """The staged articles as they are before the mark (what ``adjust_counts`` needs)."""
    return conn.execute(f"select {', '.join(MARK_ROW)} from articles "
                        "where id in (select id from temp.mark_ids)").fetchall()


def row_matches(row: Any, f: Filters, tz: tzinfo) -> bool:
    """``filter_clauses`` evaluated on one row, without the search (callers handle ``f.q``).
    Same semantics as the SQL: a NULL column never matches a filter on it."""
    if f.status != ANY and row["status"] != f.status:
        return False
    for name in ("source", "province", "region"):
        wanted = getattr(f, name)
        if wanted and row[name] != wanted:
            return False
    if f.topic and not (isinstance(row["topics"], str) and topic_needle(f.topic) in row["topics"]):
        return False
    published = row["published_utc"]
    if f.date_from and not (isinstance(published, str)
                            and published >= day_bounds_utc(f.date_from, tz)[0]):
        return False
    if f.date_to and not (isinstance(published, str)
                          and published < day_bounds_utc(f.date_to, tz)[1]):
        return False
    return f.min_score is None or (row["score"] is not None and row["score"] >= f.min_score)


def adjust_counts(fc: FacetCounts, f: Filters, tz: tzinfo, before: Sequence[Any],
                  status: str) -> FacetCounts | None:
    """The counts after the articles ``before`` (rows of ``MARK_ROW`` as they were) got
    ``status``; None when that cannot be worked out here (a search: recompute instead).
    A mark changes nothing but the status, so each article moves between status counts and,
    where the status filter decides whether it is counted, in or out of the other facets."""
    changes = [(dict(r), {**dict(r), "status": status}) for r in before if r["status"] != status]
    if not changes:
        return fc
    if f.q:
        return None
    out = FacetCounts(*(Counter(c) for c in fc))
    f_status, f_source = f.without("status"), f.without("source")
    f_region, f_province, f_topic = f.without("region"), f.without("province", "region"), f.without("topic")
    for old, new in changes:
        if row_matches(old, f_status, tz):
            out.status[old["status"]] -= 1
            out.status[status] += 1
        for row, sign in ((old, -1), (new, 1)):
            if row["source"] is not None and row_matches(row, f_source, tz):
                out.source[row["source"]] += sign
            if row["province"] is not None:
                if row["region"] is not None and row_matches(row, f_region, tz):
                    out.region[(row["region"], row["province"])] += sign
                if row_matches(row, f_province, tz):
                    out.province[row["province"]] += sign
            if row_matches(row, f_topic, tz):
                for topic in set(json_topics(row["topics"])):
                    out.topic[topic] += sign
    for counter in out:
        for key in [k for k, n in counter.items() if n <= 0]:
            del counter[key]
    return out


def prepare(conn: sqlite3.Connection, f: Filters) -> None:
    """What a request's filters need on its connection before any query (the search hits)."""
    if f.q:
        stage_search(conn, f.q)


# --- one article -----------------------------------------------------------------------------
def article(conn: sqlite3.Connection, article_id: int) -> sqlite3.Row | None:
    return conn.execute("select * from articles where id = ?", [article_id]).fetchone()


def story_copies(conn: sqlite3.Connection, story_id: int | None,
                 article_id: int) -> list[sqlite3.Row]:
    if story_id is None:
        return []
    return conn.execute(
        "select id, source, title, url, published, score, status, region from articles "
        "where story_id = ? and id != ? order by score desc, id desc", [story_id, article_id]
    ).fetchall()


def raw_page(conn: sqlite3.Connection, article_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "select url, fetched_at, http_status, content_type, encoding, html_zlib "
        "from raw_pages where article_id = ?", [article_id]).fetchone()


def reviews_of(conn: sqlite3.Connection, article_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "select status, note, reviewer, at from reviews where article_id = ? "
        "order by at desc, id desc", [article_id]).fetchall()


def next_new_article(conn: sqlite3.Connection, score: float | None,
                     article_id: int) -> int | None:
    """The next new article after this one in inbox order (for "mark and go on")."""
    row = conn.execute(
        "select id from articles where status = 'new' and id != ? and "
        "(ifnull(score, -1) < ifnull(?, -1) or (ifnull(score, -1) = ifnull(?, -1) and id < ?)) "
        "order by score desc, id desc limit 1", [article_id, score, score, article_id]).fetchone()
    return row[0] if row else None


# --- marks -----------------------------------------------------------------------------------
def _stage(conn: sqlite3.Connection, select_sql: str, args: Sequence[Any]) -> int:
    """Collect the articles to mark in a temp table, with every copy of their stories."""
    conn.execute("create temp table if not exists mark_ids (id integer primary key)")
    conn.execute("delete from temp.mark_ids")
    conn.execute(f"insert or ignore into temp.mark_ids {select_sql}", list(args))
    conn.execute(
        "insert or ignore into temp.mark_ids select b.id from articles b where b.story_id in "
        "(select a.story_id from articles a join temp.mark_ids m on m.id = a.id "
        "where a.story_id is not null)")
    return conn.execute("select count(*) from temp.mark_ids").fetchone()[0]


def stage_ids(conn: sqlite3.Connection, article_ids: Sequence[int]) -> int:
    return _stage(conn, f"select id from articles where id in ({placeholders(article_ids)})",
                  article_ids)


def stage_filtered(conn: sqlite3.Connection, f: Filters, tz: tzinfo) -> int:
    cond, args = where(f, "a", tz)
    return _stage(conn, f"select a.id from articles a where {cond}", args)


def apply_mark(conn: sqlite3.Connection, status: str, note: str | None, reviewer: str,
               at: str) -> int:
    """Record the mark of every staged article in ``reviews`` and mirror it on ``articles``."""
    conn.execute("insert into reviews (article_id, status, note, reviewer, at) "
                 "select id, ?, ?, ?, ? from temp.mark_ids", [status, note, reviewer, at])
    cur = conn.execute(
        "update articles set status = ?, reviewed_at = ?, reviewed_by = ?, review_note = ? "
        "where id in (select id from temp.mark_ids)", [status, at, reviewer, note])
    return cur.rowcount


# --- exports and digest ----------------------------------------------------------------------
EXPORT_COLUMNS = ("id", "story_id", "url", "source", "title", "published", "region", "province",
                  "topics", "score", "kamtibmas", "status", "reviewed_by", "reviewed_at",
                  "review_note")


def export_rows(conn: sqlite3.Connection, f: Filters, tz: tzinfo) -> Iterator[sqlite3.Row]:
    """Every article of the filtered view (all copies), in inbox order."""
    cond, args = where(f, "a", tz)
    cols = ", ".join(f"a.{c}" for c in EXPORT_COLUMNS)
    yield from conn.execute(
        f"select {cols} from articles a where {cond} order by a.score desc, a.id desc", args)


def digest_rows(conn: sqlite3.Connection, start_utc: str, end_utc: str,
                statuses: Iterable[str]) -> list[sqlite3.Row]:
    """Reviewed articles published in [start, end): the day's digest, before story grouping."""
    statuses = list(statuses)
    return conn.execute(
        f"select {_ROW} from articles a where a.status in ({placeholders(statuses)}) and "
        "a.published_utc >= ? and a.published_utc < ? order by a.score desc, a.id desc",
        [*statuses, start_utc, end_utc]).fetchall()


# --- runs and sources ------------------------------------------------------------------------
def recent_runs(conn: sqlite3.Connection, limit: int = 100) -> list[sqlite3.Row]:
    return conn.execute("select * from crawl_runs order by id desc limit ?", [limit]).fetchall()


def sources_state(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Each source with its last run, and how many articles it has and how many are new."""
    return conn.execute(
        "select s.name, s.url, s.kind, s.region, s.last_crawl_at, s.last_success_at, "
        "r.status as last_status, r.started as last_started, r.new_articles as last_new, "
        "r.error_count as last_errors, "
        "(select count(*) from articles x where x.source = s.name) as articles, "
        "(select count(*) from articles x where x.source = s.name and x.status = 'new') as new "
        "from sources s left join crawl_runs r on r.id = "
        "(select max(id) from crawl_runs where source = s.name) order by s.name").fetchall()


def source_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("select name from sources order by name")]
