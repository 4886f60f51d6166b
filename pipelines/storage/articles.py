"""Articles, their aliases and raw pages: what the crawl stores and the CLI lists and shows.

Each article is written in one ``BEGIN IMMEDIATE`` transaction together with its aliases and its
compressed raw page, so a crawl killed at any point leaves every stored article whole. The read
that decides "already stored?" happens inside that transaction, so two writers cannot both store
one URL, and the write waits for a busy database instead of failing.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipelines.storage.base import StoreBase, iso, to_utc_iso, utc_now
from pipelines.storage.filters import ArticleFilter, fts_query
from pipelines.storage.stories import StoryIndex


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


@dataclass(frozen=True)
class RawPage:
    """A stored fetch of an article's page, decompressed."""

    article_id: int
    url: str
    html: bytes
    encoding: str | None
    fetched_at: str | None = None
    http_status: int | None = None
    content_type: str | None = None


ANY_ARTICLE = ArticleFilter()
SORTS = {
    "newest": "coalesce(published_utc, fetched_at) desc, id desc",
    "score": "coalesce(score, 0) desc, coalesce(published_utc, fetched_at) desc, id desc",
}
LIST_COLUMNS = ("id, source, published, title, url, status, word_count, score, kamtibmas, topics, "
                "region, province, story_id")


class ArticlesMixin(StoreBase):
    # known URLs ------------------------------------------------------------------------------
    def known_urls(self, source: str | None = None) -> set[str]:
        """Every URL identity (``url_key`` and aliases) already stored: never fetched again."""
        where, args = ("where source = ?", [source]) if source else ("", [])
        urls = {r[0] for r in self._conn.execute(f"select url_key from articles {where}", args)}
        alias_sql = "select alias from url_aliases"
        if source:
            alias_sql += " join articles on articles.id = url_aliases.article_id where source = ?"
        urls.update(r[0] for r in self._conn.execute(alias_sql, args))
        return urls

    def article_id_for(self, url_key: str) -> int | None:
        for sql in ("select id from articles where url_key = ?",
                    "select article_id from url_aliases where alias = ?"):
            row = self._conn.execute(sql, [url_key]).fetchone()
            if row:
                return int(row[0])
        return None

    def add_aliases(self, article_id: int, aliases: Iterable[str]) -> None:
        with self.write():
            self._insert_aliases(article_id, aliases, iso(utc_now()))

    def _insert_aliases(self, article_id: int, aliases: Iterable[str], now: str | None) -> None:
        rows = [(a, article_id, now) for a in sorted(set(aliases))]
        self._conn.executemany(
            "insert or ignore into url_aliases (alias, article_id, seen_at) values (?, ?, ?)", rows)

    # writing articles ------------------------------------------------------------------------
    def add_article(self, art: NewArticle) -> int | None:
        """Store one article, its raw page and aliases in one transaction.

        Returns the new id, or None when the identity was already stored (its aliases are
        still recorded, so the URL that led here is not fetched again either).
        """
        aliases = [a for a in art.aliases if a != art.url_key]
        with self.write():
            existing = self.article_id_for(art.url_key)
            if existing is not None:
                self._insert_aliases(existing, aliases, iso(utc_now()))
                return None
            row = {
                "url": art.url, "url_key": art.url_key, "source": art.source, "title": art.title,
                "text": art.text, "published": iso(art.published),
                "published_utc": to_utc_iso(art.published), "modified": iso(art.modified),
                "author": art.author, "source_attribution": art.source_attribution,
                "dateline": art.dateline, "language": art.language,
                "word_count": len(art.text.split()), "discovered_via": art.discovered_via,
                "fetched_at": iso(art.fetched_at), "status": "new", **art.extra,
            }
            article_id = int(self.db["articles"].insert(row).last_pk)
            self._insert_aliases(article_id, aliases, iso(art.fetched_at))
            self._conn.execute(
                "insert into raw_pages (article_id, url, fetched_at, http_status, content_type, "
                "encoding, html_zlib) values (?, ?, ?, ?, ?, ?, ?)",
                [article_id, art.url, iso(art.fetched_at), art.http_status, art.content_type,
                 art.encoding, zlib.compress(art.html, 6)])
        return article_id

    def update_article(self, article_id: int, fields: dict[str, Any]) -> None:
        with self.write():
            self.db["articles"].update(article_id, fields)

    # stories ---------------------------------------------------------------------------------
    @property
    def stories(self) -> StoryIndex:
        """The story index with its default settings (opened once per store)."""
        if self._stories is None:
            self._stories = StoryIndex(self.db)
        return self._stories

    def story_index(self, *, threshold: float, num_perm: int) -> StoryIndex:
        """The story index with other settings (``bench/dedup.py`` explores them)."""
        return StoryIndex(self.db, threshold=threshold, num_perm=num_perm)

    def assign_story(self, article_id: int, text: str, published: datetime | None) -> int:
        """Put a stored article into its story (near-duplicate cluster) and mirror the id."""
        story_id = self.stories.add(article_id, text, to_utc_iso(published))
        with self.write():
            self._conn.execute("update articles set story_id = ? where id = ?",
                               [story_id, article_id])
        return story_id

    def articles_without_story(self, sources: Iterable[str]) -> list[dict[str, Any]]:
        """Stored articles of these sources that have no story yet (a crawl killed between
        storing and indexing, by a release before stories were written with the article)."""
        wanted = list(sources)
        if not wanted:
            return []
        return self._dicts(
            f"select id, text, published from articles where story_id is null and source in "
            f"({','.join('?' * len(wanted))}) order by id", wanted)

    def story_copies(self, article_id: int, *, by: str = "published") -> list[dict[str, Any]]:
        """The other articles of this article's story (the same press release elsewhere),
        earliest first (``by="published"``) or best first (``by="score"``)."""
        order = {"published": "published_utc, id", "score": "score desc, id desc"}[by]
        return self._dicts(
            "select id, source, published, title, url, score, status, region from articles "
            "where story_id = (select story_id from articles where id = ?) and id != ? "
            f"order by {order}", [article_id, article_id])

    # reading articles ------------------------------------------------------------------------
    def get_article(self, article_id: int) -> dict[str, Any] | None:
        """Every column of one article, with its aliases."""
        row = self._conn.execute("select * from articles where id = ?", [article_id]).fetchone()
        if row is None:
            return None
        art = dict(row)
        art["aliases"] = [r[0] for r in self._conn.execute(
            "select alias from url_aliases where article_id = ? order by alias", [article_id])]
        return art

    def raw_page(self, article_id: int) -> RawPage | None:
        row = self._conn.execute(
            "select url, html_zlib, encoding, fetched_at, http_status, content_type "
            "from raw_pages where article_id = ?", [article_id]).fetchone()
        if row is None or row["html_zlib"] is None:
            return None
        return RawPage(article_id, row["url"], zlib.decompress(row["html_zlib"]), row["encoding"],
                       row["fetched_at"], row["http_status"], row["content_type"])

    def raw_html(self, article_id: int) -> tuple[str, bytes, str | None] | None:
        page = self.raw_page(article_id)
        return (page.url, page.html, page.encoding) if page else None

    def iter_raw_pages(self) -> Iterator[RawPage]:
        """Every stored page, in id order, read in batches (the table can be gigabytes)."""
        last = 0
        while True:
            rows = self._conn.execute(
                "select article_id, url, html_zlib, encoding from raw_pages where article_id > ? "
                "order by article_id limit 200", [last]).fetchall()
            if not rows:
                return
            for row in rows:
                yield RawPage(row[0], row[1], zlib.decompress(row[2]) if row[2] else b"", row[3])
            last = rows[-1][0]

    def iter_articles(self, columns: Iterable[str], batch: int = 500) -> Iterator[dict[str, Any]]:
        """Chosen columns of every article in id order, in batches (``pantau rescore``)."""
        names = ", ".join(["id", *(c for c in columns if c != "id")])
        last = 0
        while True:
            rows = self._dicts(f"select {names} from articles where id > ? order by id limit ?",
                               [last, batch])
            if not rows:
                return
            yield from rows
            last = rows[-1]["id"]

    def max_article_id(self) -> int:
        """The highest article id stored (ids only grow: the alerts' watermark)."""
        return int(self._conn.execute("select coalesce(max(id), 0) from articles").fetchone()[0])

    def articles_after(self, after_id: int, until_id: int, where: ArticleFilter) -> list[dict[str, Any]]:
        """Articles with ``after_id < id <= until_id`` that match the filter, by id."""
        cond, args = where.where("articles")
        return self._dicts(
            f"select id, title, url, source, score, story_id, region, province, published "
            f"from articles where id > ? and id <= ? and {cond} order by id",
            [after_id, until_id, *args])

    def labelled_articles(self, statuses: Iterable[str]) -> list[dict[str, Any]]:
        """Articles whose review status is one of these, oldest first (``pantau train``)."""
        wanted = list(statuses)
        return self._dicts(
            f"select id, title, text, status from articles where status in "
            f"({','.join('?' * len(wanted))}) order by id", wanted)

    def list_articles(self, where: ArticleFilter = ANY_ARTICLE, *, sort: str = "newest",
                      limit: int = 50) -> list[dict[str, Any]]:
        """Articles, newest first (by publication instant) or by score, matching the filter."""
        self.prepare(where)
        cond, args = where.where("articles")
        return self._dicts(f"select {LIST_COLUMNS} from articles where {cond} "
                           f"order by {SORTS[sort]} limit ?", [*args, limit])

    def list_stories(self, where: ArticleFilter = ANY_ARTICLE, *,
                     limit: int = 50) -> list[dict[str, Any]]:
        """One row per story among the matching articles: its lead, sources and best score."""
        self.prepare(where)
        cond, args = where.where("articles")
        return self._dicts(f"""
            with picked as (
                select coalesce(story_id, -id) as story, id, source, title, score, published_utc
                from articles where {cond})
            select story, count(*) as articles, count(distinct source) as sources,
                   group_concat(distinct source) as source_list, max(score) as score,
                   min(published_utc) as first_published,
                   (select p2.title from picked p2 where p2.story = picked.story
                    order by p2.published_utc limit 1) as title
            from picked group by story
            order by score desc, first_published desc limit ?""", [*args, limit])

    # full-text search ------------------------------------------------------------------------
    def stage_search(self, text: str) -> int:
        """Run the full-text search once into ``temp.search_hits`` (and the columns the facet
        counts need into ``temp.search_rows``); every query that filters on the search reads
        those. Returns the number of hits."""
        c = self._conn
        c.execute("create temp table if not exists search_hits (id integer primary key)")
        c.execute("delete from temp.search_hits")
        c.execute("insert into temp.search_hits select rowid from articles_fts "
                  "where articles_fts match ?", [fts_query(text)])
        columns = ", ".join(SEARCH_ROW_COLUMNS)
        c.execute(f"create temp table if not exists search_rows (id integer primary key, {columns})")
        c.execute("delete from temp.search_rows")
        c.execute(f"insert into temp.search_rows select id, {columns} from articles "
                  "where id in temp.search_hits")
        return self.search_hits()

    def search_hits(self) -> int:
        return int(self._conn.execute("select count(*) from temp.search_hits").fetchone()[0])

    def prepare(self, where: ArticleFilter) -> None:
        """What ``where.where()`` needs on this connection first: the search hits, if any."""
        if where.search:
            self.stage_search(where.search)


SEARCH_ROW_COLUMNS = ("status", "source", "province", "region", "topics", "score", "kamtibmas",
                      "published_utc")
