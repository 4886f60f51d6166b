"""Each source's learned template (``pipelines/template.py`` holds the rules).

Why in the database: the template is learned from every page the crawls of a source stored, over
many nights, and ``pantau reextract`` and ``pantau extract --source`` apply it later. A page's
lines are counted in the same transaction that stores the article, so a killed crawl never
counts a page it did not keep. A template learned under other rules (``TEMPLATE_RULES``) is
ignored, and learned again by ``pantau reextract``.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from pipelines.storage.articles import RawPage
from pipelines.storage.base import StoreBase, iso, placeholders, utc_now
from pipelines.template import TEMPLATE_RULES, Sighting, SiteTemplate, TemplateLine


class TemplatesMixin(StoreBase):
    def site_templates(self, sources: Sequence[str]) -> dict[str, SiteTemplate]:
        """The current-rules template of each source (an empty one where none was learned)."""
        found = {source: SiteTemplate(source) for source in sources}
        if not sources:
            return found
        marks = placeholders(sources)
        for row in self._conn.execute(
                f"select source, pages from site_templates where rules = ? and source in ({marks})",
                [TEMPLATE_RULES, *sources]):
            found[row[0]].pages = row[1]
        for row in self._conn.execute(
                "select l.source, l.key, l.sample, l.place, l.prose, l.pages, l.body_pages "
                "from template_lines l join site_templates t on t.source = l.source "
                f"where t.rules = ? and l.source in ({marks})", [TEMPLATE_RULES, *sources]):
            found[row[0]].lines[row[1]] = TemplateLine(row[1], row[2], row[3], bool(row[4]), row[5], row[6])
        return found

    def site_template(self, source: str) -> SiteTemplate:
        return self.site_templates([source])[source]

    def learn_template(self, source: str, page: Sequence[Sighting]) -> None:
        """Count one stored page of ``source`` (inside the caller's write, or its own)."""
        now = iso(utc_now())
        with self.write():
            self._conn.execute(
                "insert into site_templates (source, rules, pages, updated) values (?, ?, 1, ?) "
                "on conflict(source) do update set pages = pages + 1, updated = excluded.updated",
                [source, TEMPLATE_RULES, now])
            self._conn.executemany(
                "insert into template_lines (source, key, sample, place, prose, pages, body_pages, "
                "last_seen) values (?, ?, ?, ?, ?, 1, ?, ?) on conflict(source, key) do update set "
                "pages = pages + 1, body_pages = body_pages + excluded.body_pages, "
                "last_seen = excluded.last_seen",
                [(source, s.key, s.text, s.place, int(s.prose), int(s.in_body), now) for s in page])

    def reset_template(self, source: str) -> None:
        """Forget what was learned of ``source`` (its template is learned again)."""
        with self.write():
            self._conn.execute("delete from template_lines where source = ?", [source])
            self._conn.execute("delete from site_templates where source = ?", [source])

    def stale_template_rules(self) -> list[str]:
        """Sources whose template was learned under other rules than today's."""
        return [r[0] for r in self._conn.execute(
            "select source from site_templates where rules != ?", [TEMPLATE_RULES])]

    def pages_of_source(self, source: str, *, not_version: str | None = None,
                        fetched_since: datetime | None = None) -> Iterator[RawPage]:
        """The stored raw pages of ``source`` in id order, read in batches: only those extracted
        under another template than ``not_version`` and fetched since ``fetched_since``, when
        given."""
        last = 0
        clauses, extra = "", []
        if not_version is not None:
            clauses += "and coalesce(a.template_version, '') != ? "
            extra.append(not_version)
        if fetched_since is not None:
            clauses += "and a.fetched_at >= ? "
            extra.append(iso(fetched_since.astimezone(UTC)))
        while True:
            rows = self._conn.execute(
                "select r.article_id, r.url, r.html_zlib, r.encoding from raw_pages r "
                "join articles a on a.id = r.article_id where a.source = ? and r.article_id > ? "
                f"{clauses}order by r.article_id limit 200", [source, last, *extra]).fetchall()
            if not rows:
                return
            for row in rows:
                yield RawPage(row[0], row[1], zlib.decompress(row[2]) if row[2] else b"", row[3])
            last = rows[-1][0]

    def template_removals(self, article_id: int) -> list[str]:
        """What the site's template removed from this article."""
        row = self._conn.execute("select template_removed from articles where id = ?", [article_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else []

