"""The Scrapy item pipeline: extract → window → score → store (→ story), one small stage each.

Each stage calls pure functions elsewhere (``pipelines.extract``, ``crawler.urls``) and owns no
state of its own: the run's sources, windows, counters and database belong to the crawl run
(``crawler.run.CrawlRun``), which opened them. A rejected page is dropped with one of the
``DropItem`` subclasses of ``pipelines.errors`` (``NotAnArticle``, ``TooOld`` …), so the log and
the spider's listing logic tell the cases apart by type. No settings of their own; the trained
model, if any, is found beside the database (``pipelines.train.load_scorer``).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import PageItem
from crawler.run import CrawlRun
from crawler.urls import canonical_url, request_url, same_site
from pipelines.assess import LexiconScorer, assess
from pipelines.dates import latest_moment
from pipelines.errors import AlreadyStored, Blocked, Garbage, NotAnArticle, StorageBusy, TooOld
from pipelines.extract import extract_article
from pipelines.pagecheck import looks_blocked, looks_garbled
from pipelines.rework import apply_template, removal_record
from pipelines.storage import DatabaseError, NewArticle, is_busy
from pipelines.template import Sighting, SiteTemplate, sightings
from pipelines.train import ModelFileError, load_scorer


class _Stage:
    """A stage of the crawl run's pipeline; switched off (``NotConfigured``) without a run."""

    def __init__(self, crawler: Crawler, run: CrawlRun) -> None:
        self.crawler = crawler
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        try:
            return cls(crawler, CrawlRun.of(crawler))
        except LookupError as exc:
            raise NotConfigured(str(exc)) from exc

    @property
    def logger(self) -> logging.LoggerAdapter[logging.Logger]:
        """The spider's logger, so a stored article is logged as ``[news] new article …``."""
        return self.crawler.spider.logger


class ExtractStage(_Stage):
    """Clean text and metadata; settle the article's identity (``rel=canonical`` inside the site)."""

    def process_item(self, item: PageItem) -> PageItem:
        run = self.run
        source = run.by_name[item.source]
        template = self._template(item.source)
        article = extract_article(item.text, item.response_url, drop=source.drop, now=run.now,
                                  template=template)
        item.template_version = template.version
        if not article.is_article:
            if looks_garbled(item.text):
                run.counters.error(item.source, "garbage")
                raise Garbage(f"garbage: {item.response_url} does not decode to text")
            if looks_blocked(item.text):
                run.counters.error(item.source, "blocked")
                raise Blocked(f"blocked: {item.response_url} is a bot wall or captcha page")
            run.counters.add(item.source, "not_articles")
            raise NotAnArticle(f"not an article: {item.response_url}: {article.reason}")
        if article.canonical_url and same_site(article.canonical_url, source.url):
            key = canonical_url(article.canonical_url, source.url)
            if key != item.url_key:
                item.aliases.add(item.url_key)
                item.url, item.url_key = request_url(article.canonical_url, source.url), key
        if article.published is None and item.listed_published is not None:
            article.published = item.listed_published
        item.article = article
        return item


    def _template(self, source: str) -> SiteTemplate:
        """The source's learned template, read from the database at its first page; the store
        stage keeps it up to date as the run's pages arrive."""
        templates = self.run.templates
        if source not in templates:
            store = self.run.store       # None: a run without a database learns in memory only
            templates[source] = store.site_template(source) if store else SiteTemplate(source)
        return templates[source]


class WindowStage(_Stage):
    """Articles published before the source's window are not stored (they are old news)."""

    def process_item(self, item: PageItem) -> PageItem:
        since = self.run.window_of(item.source, item.since)
        published = item.article.published
        if published is not None and latest_moment(published) < since:
            self.run.counters.add(item.source, "too_old")
            raise TooOld(f"older than the window: {item.url} published {published.isoformat()},"
                         f" window since {since.isoformat()}")
        return item


class ScoreStage(_Stage):
    """Relevance, topics and region, with their evidence (``pipelines.assess``)."""

    def __init__(self, crawler: Crawler, run: CrawlRun) -> None:
        super().__init__(crawler, run)
        self.scorer: Any = None

    def open_spider(self) -> None:
        try:
            self.scorer = load_scorer(Path(self.run.db_path))
        except ModelFileError as exc:  # the crawl must go on; `pantau train` will say more
            self.logger.error("trained model unusable, scoring with the lexicon: %s", exc)
            self.scorer = LexiconScorer()

    def process_item(self, item: PageItem) -> PageItem:
        art = item.article
        region = self.run.by_name[item.source].region
        item.scores = assess(art.title, art.text, art.dateline, region, self.scorer)
        return item


class StoreStage(_Stage):
    """One transaction per article: the article, its aliases, its compressed raw page, its story
    and its frontier row's ``stored``, so a kill at any moment leaves all of them or none.

    The write waits for a busy database (``BEGIN IMMEDIATE`` and the busy timeout); if it is
    still busy after that, the article is not lost: it is counted as ``storage_busy``, dropped
    from this run with :class:`StorageBusy` (its listing chain is told), and its frontier row
    stays open for the next run."""

    def process_item(self, item: PageItem) -> PageItem:
        art = item.article
        run = self.run
        store = run.open_store()
        seen: list[Sighting] = []
        try:
            with store.write():
                new_id = store.add_article(self._row(item))
                if new_id is not None:
                    store.assign_story(new_id, art.text, art.published)
                    seen = sightings(art.lines)
                    store.learn_template(item.source, seen)
                if item.key:
                    store.settle(item.key, "stored", run.run_id)
        except DatabaseError as exc:
            run.counters.error(item.source, "storage_busy" if is_busy(exc) else "storage_error")
            raise StorageBusy(f"not stored, kept for the next run: {item.url}: {exc}") from exc
        if new_id is None:
            run.counters.add(item.source, "known_skipped")
            raise AlreadyStored(f"already stored: {item.url}")
        if (template := run.templates.get(item.source)) is not None:
            template.learn(seen)                  # what the database now counts, in memory too
        run.counters.add(item.source, "new_articles")
        self.logger.info("new article [%s] %s", item.source, art.title)
        return item

    @staticmethod
    def _row(item: PageItem) -> NewArticle:
        art = item.article
        return NewArticle(
            url=item.url, url_key=item.url_key, source=item.source, title=art.title, text=art.text,
            published=art.published, modified=art.modified, author=art.author,
            source_attribution=art.source_attribution, dateline=art.dateline,
            language=art.language, discovered_via=item.discovered_via,
            aliases=tuple(sorted(item.aliases)), html=item.html, encoding=item.encoding,
            http_status=item.http_status, content_type=item.content_type,
            fetched_at=item.fetched_at,
            extra={**item.scores, "template_removed": removal_record(art.template_removed),
                   "template_version": item.template_version},
        )

    def close_spider(self) -> None:
        """A site's first pages were extracted before its template existed (or under an older
        one): extract this window's pages of every source again with the template as it now is,
        so the night's articles are all cut the same way."""
        run = self.run
        if run.store is None:
            return
        for source, template in run.templates.items():
            if not template.version:
                continue
            src = run.by_name[source]
            try:
                counts = apply_template(run.store, source, template, src.drop, self._scorer(), src.region,
                                        fetched_since=run.now - timedelta(days=run.first_days))
            except DatabaseError as exc:   # left for `pantau reextract`; the articles are stored
                self.logger.error("template of %s not applied to its earlier pages: %s", source, exc)
                continue
            if counts["checked"]:
                self.logger.info("template of %s applied to %d earlier pages (%d changed)", source,
                                 counts["checked"], counts["changed"])

    def _scorer(self) -> Any:
        try:
            return load_scorer(Path(self.run.db_path))
        except ModelFileError:
            return LexiconScorer()
