"""Operators' marks: every mark is a row in ``reviews``, and the latest is mirrored on the article.

A mark always covers whole stories: marking one copy of a press release marks every copy, so
the inbox (one row per story) never shows a half-reviewed story. The articles are collected in a
temp table inside the mark's own ``BEGIN IMMEDIATE`` transaction, so the set marked is exactly the
set recorded, whatever a crawl commits meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.storage.base import StoreBase, iso, placeholders, utc_now
from pipelines.storage.filters import MARKS, ArticleFilter

MARK_ROW = ("id", "status", "source", "province", "region", "topics", "score", "kamtibmas",
            "published_utc")
"""The columns of a marked article as it was before the mark (what facet counts need to be
adjusted instead of recomputed)."""


class UnknownMark(ValueError):
    """A mark that is not one of ``MARKS``."""


@dataclass(frozen=True)
class MarkResult:
    """What a mark did: how many articles it marked, those articles as they were before (None
    when more than ``keep_rows``), and the database's ``data_version`` inside its transaction."""

    count: int
    before: list[dict[str, Any]] | None
    data_version: int


class ReviewsMixin(StoreBase):
    def mark(self, status: str, *, ids: Sequence[int] = (), where: ArticleFilter | None = None,
             note: str | None = None, reviewer: str, at: str | None = None,
             keep_rows: int = 2000, on_locked: Callable[[], None] | None = None) -> MarkResult:
        """Mark the articles ``ids`` (or every article matching ``where``) and every other copy
        of their stories with ``status``, in one transaction, recording who and when.

        ``on_locked`` runs once the write lock is held, before anything is written (the review
        app notes its cache state there).
        """
        if status not in MARKS:
            raise UnknownMark(f"{status!r}: a mark is one of {', '.join(MARKS)}")
        when = at or iso(utc_now())
        with self.write():
            if on_locked is not None:
                on_locked()
            version = self.data_version()
            if where is not None:
                self.prepare(where)
                cond, args = where.where("a")
                staged = self._stage(f"select a.id from articles a where {cond}", args)
            elif ids:
                staged = self._stage(f"select id from articles where id in ({placeholders(ids)})",
                                     list(ids))
            else:
                staged = 0
            before = self._staged_rows() if staged <= keep_rows else None
            count = self._apply_mark(status, note, reviewer, when) if staged else 0
        return MarkResult(count, before, version)

    def _stage(self, select_sql: str, args: Sequence[Any]) -> int:
        """Collect the articles to mark in a temp table, with every copy of their stories."""
        c = self._conn
        c.execute("create temp table if not exists mark_ids (id integer primary key)")
        c.execute("delete from temp.mark_ids")
        c.execute(f"insert or ignore into temp.mark_ids {select_sql}", list(args))
        c.execute(
            "insert or ignore into temp.mark_ids select b.id from articles b where b.story_id in "
            "(select a.story_id from articles a join temp.mark_ids m on m.id = a.id "
            "where a.story_id is not null)")
        return int(c.execute("select count(*) from temp.mark_ids").fetchone()[0])

    def _staged_rows(self) -> list[dict[str, Any]]:
        return self._dicts(f"select {', '.join(MARK_ROW)} from articles "
                           "where id in (select id from temp.mark_ids)")

    def _apply_mark(self, status: str, note: str | None, reviewer: str, at: str) -> int:
        self._conn.execute("insert into reviews (article_id, status, note, reviewer, at) "
                           "select id, ?, ?, ?, ? from temp.mark_ids", [status, note, reviewer, at])
        cur = self._conn.execute(
            "update articles set status = ?, reviewed_at = ?, reviewed_by = ?, review_note = ? "
            "where id in (select id from temp.mark_ids)", [status, at, reviewer, note])
        return cur.rowcount

    def reviews_of(self, article_id: int) -> list[dict[str, Any]]:
        """Every mark of one article, newest first."""
        return self._dicts("select status, note, reviewer, at from reviews where article_id = ? "
                           "order by at desc, id desc", [article_id])

    def data_version(self) -> int:
        """Changes when another connection (of any process) commits; never for our own."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
