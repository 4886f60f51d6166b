"""Pantau's one SQLite file: schema, migrations and every read and write the crawl needs.

Why one module: the crawl, the CLI and (later) the review app all touch the same tables, so the
schema and the queries that depend on it live together. Writes go through sqlite-utils; each
article is committed in its own transaction, so a crawl killed at any point leaves every stored
article whole and the next run carries on from there.

Tables (``datasette pantau.db`` shows them):

- ``sources``: one row per configured site, with its last successful crawl (the incremental window).
- ``articles``: one row per article: ``url`` is the address the site itself names for it (its
  ``rel=canonical``, else where the fetch ended), ``url_key`` its identity (``canonical_url``:
  no tracking parameters, AMP or mobile markers, trailing slash folded), unique; ``status`` is
  the review state.
- ``articles_fts``: FTS5 over title and text, kept in step by triggers.
- ``url_aliases``: the identities of every other URL an article was reached by (redirect hops,
  a ``rel=canonical`` elsewhere), so none of them is fetched again.
- ``raw_pages``: the fetched HTML, zlib-compressed, so ``pantau reextract`` needs no new crawl.
- ``crawl_runs``: one row per run and source: start, end, requests, new articles, errors by kind.
- ``http_validators``: ETag / Last-Modified of feeds, sitemaps and listings for conditional GETs.
- ``reviews``: every operator mark (status, note, who, when); ``articles.status`` holds the last.

Article columns filled after extraction: ``score`` (0..1), ``kamtibmas`` (0/1), ``topics`` (JSON
list), ``relevance_evidence`` (JSON), ``region`` (kabupaten/kota), ``province``,
``region_evidence`` (JSON), ``story_id`` (near-duplicate story, see ``pipelines/dedup.py``),
``content_hash`` (exact-duplicate key of the clean body).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from pipelines.dedup import StoryIndex

migrations = Migrations("pantau")

ARTICLE_COLUMNS = {
    "id": int,
    "url": str,
    "url_key": str,
    "source": str,
    "title": str,
    "text": str,
    "published": str,
    "published_utc": str,
    "modified": str,
    "author": str,
    "source_attribution": str,
    "dateline": str,
    "language": str,
    "word_count": int,
    "discovered_via": str,
    "fetched_at": str,
    "status": str,
}


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The issue-2 schema: sources, articles (+FTS), aliases, raw pages, runs, validators."""
    db["sources"].create(
        {"name": str, "url": str, "kind": str, "region": str, "added_at": str,
         "last_crawl_at": str, "last_success_at": str},
        pk="name",
    )
    db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"url", "url_key", "source"},
                          defaults={"status": "new"}, foreign_keys=[("source", "sources", "name")])
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["url_key"], unique=True)
    db["articles"].create_index(["published_utc"])
    db["articles"].create_index(["source", "published_utc"])
    db["articles"].create_index(["status"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
    db["url_aliases"].create({"alias": str, "article_id": int, "seen_at": str}, pk="alias",
                             foreign_keys=[("article_id", "articles", "id")])
    db["raw_pages"].create(
        {"article_id": int, "url": str, "fetched_at": str, "http_status": int,
         "content_type": str, "encoding": str, "html_zlib": bytes},
        pk="article_id", foreign_keys=[("article_id", "articles", "id")],
    )
    db["crawl_runs"].create(
        {"id": int, "run_id": str, "source": str, "started": str, "ended": str, "status": str,
         "since": str, "requests": int, "pages": int, "new_articles": int,
         "known_skipped": int, "too_old": int, "not_articles": int, "errors": str,
         "error_count": int, "skipped": str},
        pk="id",
    )
    db["crawl_runs"].create_index(["source", "started"])
    db["http_validators"].create(
        {"url": str, "etag": str, "last_modified": str, "checked_at": str}, pk="url")


@migrations()
def m002_scores_regions_stories_reviews(db: sqlite_utils.Database) -> None:
    """Issues 4-6: relevance and region with their evidence, the story of each article, reviews."""
    articles = db["articles"]
    for column, kind in (("score", float), ("kamtibmas", int), ("topics", str),
                         ("relevance_evidence", str), ("region", str), ("province", str),
                         ("region_evidence", str), ("story_id", int), ("content_hash", str),
                         ("reviewed_at", str), ("reviewed_by", str), ("review_note", str)):
        articles.add_column(column, kind)
    articles.create_index(["score"])
    articles.create_index(["province", "region"])
    articles.create_index(["story_id"])
    articles.create_index(["content_hash"])
    db["reviews"].create(
        {"id": int, "article_id": int, "status": str, "note": str, "reviewer": str, "at": str},
        pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["reviews"].create_index(["article_id", "at"])


INBOX_INDEXES: dict[str, str] = {
    # the review inbox in score order, for one status
    "idx_articles_status_score": "articles(status, score)",
    # a source's inbox in score order; covers the source facet
    "idx_articles_status_source": "articles(status, source, score)",
    # a province's or regency's inbox in score order; covers the place facets under a topic filter
    "idx_articles_status_place": "articles(status, province, region, score, topics)",
    # the narrow twin of the above: the place facets of the unfiltered inbox scan half the bytes
    "idx_articles_status_region": "articles(status, province, region)",
    # covers the topic facet (grouped by the JSON list)
    "idx_articles_status_topics": "articles(status, topics)",
    # date ranges and the daily digest (reviewed articles published on one day)
    "idx_articles_status_published": "articles(status, published_utc)",
}

FTS_UPDATE_TRIGGER = """
CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "text" ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text")
    VALUES('delete', old.rowid, old."title", old."text");
  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END"""


@migrations()
def m003_inbox_indexes_and_narrow_fts_trigger(db: sqlite_utils.Database) -> None:
    """Issue 6: the review inbox's indexes (p95 < 100 ms at 100,000 articles), and an FTS update
    trigger that fires only when the title or text changes, not on every review mark or rescore."""
    for name, target in INBOX_INDEXES.items():
        db.execute(f"create index if not exists {name} on {target}")
    db.execute('DROP TRIGGER IF EXISTS "articles_au"')
    db.execute(FTS_UPDATE_TRIGGER)


def utc_now() -> datetime:
    """The one clock of the storage layer (UTC, second precision)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its UTC offset, as every date column stores it."""
    return value.isoformat() if value else None


def to_utc_iso(value: datetime | None) -> str | None:
    """A sortable UTC form of an aware datetime (offsets make the ISO strings unsortable)."""
    return value.astimezone(timezone.utc).isoformat() if value else None


@dataclass
class NewArticle:
    """What the crawl hands to storage for one fetched, extracted article."""

    url: str
    url_key: str
    source: str
    title: str | None
    text: str
    published: datetime | None
    modified: datetime | None
    author: str | None
    source_attribution: str | None
    dateline: str | None
    language: str | None
    discovered_via: str
    aliases: tuple[str, ...]
    html: bytes
    encoding: str | None
    http_status: int
    content_type: str | None
    fetched_at: datetime
    extra: dict[str, Any] = field(default_factory=dict)   # score, region, … (pipelines.assess)


class Store:
    """The Pantau database. Opening it applies pending migrations and switches on WAL."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.db = sqlite_utils.Database(self.path)
        self.db.conn.execute("PRAGMA busy_timeout = 30000")
        self.db.conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self.db.enable_wal()
            # In WAL mode NORMAL still never corrupts the file; a killed process loses nothing
            # committed. A larger cache and rarer checkpoints keep story indexing fast.
            for pragma in ("synchronous = NORMAL", "cache_size = -65536",
                           "wal_autocheckpoint = 10000"):
                self.db.conn.execute(f"PRAGMA {pragma}")
        migrations.apply(self.db)
        self._stories: StoryIndex | None = None

    def close(self) -> None:
        self.db.close()

    def optimize(self) -> None:
        """Refresh the query planner's statistics where they went stale (cheap; after a crawl)."""
        self.db.execute("PRAGMA optimize")

    # sources ---------------------------------------------------------------------------------
    def register_sources(self, sources: Iterable[Any]) -> None:
        """Insert or refresh the configured sources, keeping their crawl history."""
        now = iso(utc_now())
        with self.db.atomic():
            for src in sources:
                row = {"name": src.name, "url": src.url, "kind": src.kind, "region": src.region}
                if self.db["sources"].count_where("name = ?", [src.name]):
                    self.db["sources"].update(src.name, row)
                else:
                    self.db["sources"].insert({**row, "added_at": now})

    def last_success(self, source: str) -> datetime | None:
        rows = list(self.db.query("select last_success_at from sources where name = ?", [source]))
        value = rows[0]["last_success_at"] if rows else None
        return datetime.fromisoformat(value) if value else None

    # known URLs ------------------------------------------------------------------------------
    def known_urls(self, source: str | None = None) -> set[str]:
        """Every URL identity (``url_key`` and aliases) already stored: never fetched again."""
        where, args = ("where source = ?", [source]) if source else ("", [])
        urls = {r[0] for r in self.db.execute(f"select url_key from articles {where}", args)}
        alias_sql = "select alias from url_aliases"
        if source:
            alias_sql += " join articles on articles.id = url_aliases.article_id where source = ?"
        urls.update(r[0] for r in self.db.execute(alias_sql, args))
        return urls

    def article_id_for(self, url_key: str) -> int | None:
        for sql in ("select id from articles where url_key = ?",
                    "select article_id from url_aliases where alias = ?"):
            row = self.db.execute(sql, [url_key]).fetchone()
            if row:
                return int(row[0])
        return None

    def add_aliases(self, article_id: int, aliases: Iterable[str]) -> None:
        now = iso(utc_now())
        with self.db.atomic():
            self._insert_aliases(article_id, aliases, now)

    def _insert_aliases(self, article_id: int, aliases: Iterable[str], now: str | None) -> None:
        rows = [{"alias": a, "article_id": article_id, "seen_at": now} for a in set(aliases)]
        if rows:
            self.db["url_aliases"].insert_all(rows, ignore=True)

    # articles --------------------------------------------------------------------------------
    def add_article(self, art: NewArticle) -> int | None:
        """Store one article, its raw page and aliases in one transaction.

        Returns the new id, or None when the identity was already stored (its aliases are
        still recorded, so the URL that led here is not fetched again either).
        """
        existing = self.article_id_for(art.url_key)
        if existing is not None:
            self.add_aliases(existing, (a for a in art.aliases if a != art.url_key))
            return None
        row = {
            "url": art.url, "url_key": art.url_key, "source": art.source, "title": art.title, "text": art.text,
            "published": iso(art.published), "published_utc": to_utc_iso(art.published),
            "modified": iso(art.modified), "author": art.author,
            "source_attribution": art.source_attribution, "dateline": art.dateline,
            "language": art.language, "word_count": len(art.text.split()),
            "discovered_via": art.discovered_via, "fetched_at": iso(art.fetched_at),
            "status": "new", **art.extra,
        }
        with self.db.atomic():
            article_id = self.db["articles"].insert(row).last_pk
            self._insert_aliases(article_id, (a for a in art.aliases if a != art.url_key),
                                 iso(art.fetched_at))
            self.db["raw_pages"].insert({
                "article_id": article_id, "url": art.url, "fetched_at": iso(art.fetched_at),
                "http_status": art.http_status, "content_type": art.content_type,
                "encoding": art.encoding, "html_zlib": zlib.compress(art.html, 6),
            })
        return int(article_id)

    def assign_story(self, article_id: int, text: str, published: datetime | None) -> int:
        """Put a stored article into its story (near-duplicate cluster) and mirror the id."""
        story_id = self.stories.add(article_id, text, to_utc_iso(published))
        with self.db.atomic():
            self.db["articles"].update(article_id, {"story_id": story_id})
        return story_id

    @property
    def stories(self) -> StoryIndex:
        if self._stories is None:
            self._stories = StoryIndex(self.db)
        return self._stories

    def update_article(self, article_id: int, fields: dict[str, Any]) -> None:
        with self.db.atomic():
            self.db["articles"].update(article_id, fields)

    def raw_html(self, article_id: int) -> tuple[str, bytes, str | None] | None:
        row = self.db.execute(
            "select url, html_zlib, encoding from raw_pages where article_id = ?", [article_id]
        ).fetchone()
        return (row[0], zlib.decompress(row[1]), row[2]) if row else None

    def iter_raw_pages(self) -> Iterator[tuple[int, str, bytes, str | None]]:
        for row in self.db.execute("select article_id, url, html_zlib, encoding from raw_pages"):
            yield int(row[0]), row[1], zlib.decompress(row[2]), row[3]

    def get_article(self, article_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from articles where id = ?", [article_id]))
        if not rows:
            return None
        art = rows[0]
        art["aliases"] = [r[0] for r in self.db.execute(
            "select alias from url_aliases where article_id = ? order by alias", [article_id])]
        return art

    def list_articles(self, *, source: str | None = None, status: str | None = None,
                      since: datetime | None = None, search: str | None = None,
                      min_score: float | None = None, kamtibmas: bool | None = None,
                      province: str | None = None, region: str | None = None,
                      topic: str | None = None, sort: str = "newest",
                      limit: int = 50) -> list[dict[str, Any]]:
        """Articles, newest first (by publication instant) or by score, with optional filters."""
        where, args = article_filters(source=source, status=status, since=since, search=search,
                                      min_score=min_score, kamtibmas=kamtibmas,
                                      province=province, region=region, topic=topic)
        order = SORTS[sort]
        sql = (f"select id, source, published, title, url, status, word_count, score, kamtibmas,"
               f" topics, region, province, story_id from articles {where} order by {order}"
               f" limit ?")
        return list(self.db.query(sql, [*args, limit]))

    def list_stories(self, *, limit: int = 50, **filters: Any) -> list[dict[str, Any]]:
        """One row per story among the filtered articles: its lead, its sources, its best score."""
        where, args = article_filters(**filters)
        sql = f"""
            with picked as (
                select coalesce(story_id, -id) as story, id, source, title, score, published_utc
                from articles {where})
            select story, count(*) as articles, count(distinct source) as sources,
                   group_concat(distinct source) as source_list, max(score) as score,
                   min(published_utc) as first_published,
                   (select p2.title from picked p2 where p2.story = picked.story
                    order by p2.published_utc limit 1) as title
            from picked group by story
            order by score desc, first_published desc limit ?"""
        return list(self.db.query(sql, [*args, limit]))

    def story_copies(self, article_id: int) -> list[dict[str, Any]]:
        """The other articles of this article's story (the same press release elsewhere)."""
        return list(self.db.query(
            "select id, source, published, title, url from articles where story_id = "
            "(select story_id from articles where id = ?) and id != ? order by published_utc",
            [article_id, article_id]))

    # conditional requests --------------------------------------------------------------------
    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute(
            "select etag, last_modified from http_validators where url = ?", [url]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if not (etag or last_modified):
            return
        with self.db.atomic():
            self.db["http_validators"].upsert(
                {"url": url, "etag": etag, "last_modified": last_modified,
                 "checked_at": iso(utc_now())}, pk="url")

    # runs ------------------------------------------------------------------------------------
    def start_run(self, run_id: str, source: str, since: datetime | None) -> int:
        """A run row exists from the start, so a killed crawl shows as 'running' and not as nothing."""
        with self.db.atomic():
            return int(self.db["crawl_runs"].insert({
                "run_id": run_id, "source": source, "started": iso(utc_now()), "status": "running",
                "since": iso(since), "requests": 0, "pages": 0, "new_articles": 0,
                "known_skipped": 0, "too_old": 0, "not_articles": 0, "errors": "{}",
                "error_count": 0, "skipped": "{}",
            }).last_pk)

    def finish_run(self, row_id: int, source: str, counts: dict[str, Any], status: str) -> None:
        errors = dict(counts.get("errors", {}))
        now = iso(utc_now())
        with self.db.atomic():
            self.db["crawl_runs"].update(row_id, {
                "ended": now, "status": status, "requests": counts.get("requests", 0),
                "pages": counts.get("pages", 0), "new_articles": counts.get("new_articles", 0),
                "known_skipped": counts.get("known_skipped", 0),
                "too_old": counts.get("too_old", 0), "not_articles": counts.get("not_articles", 0),
                "errors": json.dumps(errors, sort_keys=True),
                "error_count": sum(errors.values()),
                "skipped": json.dumps(dict(counts.get("skipped", {})), sort_keys=True),
            })
            fields = {"last_crawl_at": now}
            if status == "ok":
                started = self.db["crawl_runs"].get(row_id)["started"]
                fields["last_success_at"] = started
            self.db["sources"].update(source, fields)

    def mark_interrupted_runs(self) -> int:
        """Runs left 'running' by a killed crawl are closed as 'interrupted' by the next one."""
        with self.db.atomic():
            cur = self.db.execute(
                "update crawl_runs set status = 'interrupted' where status = 'running'")
        return cur.rowcount

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select * from crawl_runs order by id desc limit ?", [limit]))


SORTS = {
    "newest": "coalesce(published_utc, fetched_at) desc, id desc",
    "score": "coalesce(score, 0) desc, coalesce(published_utc, fetched_at) desc, id desc",
}


def article_filters(*, source: str | None = None, status: str | None = None,
                    since: datetime | None = None, search: str | None = None,
                    min_score: float | None = None, kamtibmas: bool | None = None,
                    province: str | None = None, region: str | None = None,
                    topic: str | None = None) -> tuple[str, list[Any]]:
    """A parameterised WHERE clause over ``articles`` for the list and export views."""
    clauses: list[str] = []
    args: list[Any] = []
    simple = (("source = ?", source), ("status = ?", status), ("score >= ?", min_score),
              ("province = ?", province), ("region = ?", region))
    for clause, value in simple:
        if value is not None:
            clauses.append(clause)
            args.append(value)
    if since is not None:
        clauses.append("published_utc >= ?")
        args.append(to_utc_iso(since))
    if kamtibmas is not None:
        clauses.append("kamtibmas = ?")
        args.append(int(kamtibmas))
    if topic:
        clauses.append("exists (select 1 from json_each(articles.topics) where value = ?)")
        args.append(topic)
    if search:
        clauses.append("articles.id in (select rowid from articles_fts where articles_fts match ?)")
        args.append(search)
    return ("where " + " and ".join(clauses)) if clauses else "", args


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A reader's connection that never blocks the crawl writing beside it (WAL)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn
