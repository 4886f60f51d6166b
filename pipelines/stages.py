"""The Scrapy item pipeline: extract → window → store, one small stage each.

Each stage calls pure functions elsewhere (``pipelines.extract``, ``crawler.urls``) and owns no
state of its own: the run's counters and the database belong to the spider
(``crawler.spiders.news``), which opened them for the run. A rejected page is dropped with a
``DropItem`` whose reason says why (``not an article: …``, ``older than the window …``), so the
log and the spider's listing logic can tell the cases apart.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import PageItem
from crawler.urls import canonical_url, request_url, same_site
from pipelines.extract import extract_article
from pipelines.storage import NewArticle


def looks_garbled(text: str) -> bool:
    """A 'page' that decodes to replacement and control characters is garbage, not an article."""
    sample = text[:20000]
    if not sample:
        return True
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\r\n\t"))
    return bad / len(sample) > 0.02


class _Stage:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider


class ExtractStage(_Stage):
    """Clean text and metadata; settle the article's identity (``rel=canonical`` inside the site)."""

    def process_item(self, item: PageItem) -> PageItem:
        source = self.spider.by_name[item.source]
        article = extract_article(item.text, item.response_url, drop=source.drop,
                                  now=self.spider.now)
        counts = self.spider.counts(item.source)
        if not article.is_article:
            if looks_garbled(item.text):
                counts.errors["garbage"] += 1
                raise DropItem(f"garbage: {item.response_url} does not decode to text")
            counts.not_articles += 1
            raise DropItem(f"not an article: {item.response_url}: {article.reason}")
        if article.canonical_url and same_site(article.canonical_url, source.url):
            key = canonical_url(article.canonical_url, source.url)
            if key != item.url_key:
                item.aliases.add(item.url_key)
                item.url, item.url_key = request_url(article.canonical_url, source.url), key
        if article.published is None and item.listed_published is not None:
            article.published = item.listed_published
        item.article = article
        return item


class WindowStage(_Stage):
    """Articles published before the source's window are not stored (they are old news)."""

    def process_item(self, item: PageItem) -> PageItem:
        since = self.spider.windows[item.source]
        published = item.article.published
        if published is not None and published < since:
            self.spider.counts(item.source).too_old += 1
            raise DropItem(f"older than the window: {item.url} published {published.isoformat()},"
                           f" window since {since.isoformat()}")
        return item


class StoreStage(_Stage):
    """One transaction per article: the article, its aliases and its compressed raw page."""

    def process_item(self, item: PageItem) -> PageItem:
        art = item.article
        new_id = self.spider.store.add_article(NewArticle(
            url=item.url, url_key=item.url_key, source=item.source, title=art.title, text=art.text,
            published=art.published, modified=art.modified, author=art.author,
            source_attribution=art.source_attribution, dateline=art.dateline,
            language=art.language, discovered_via=item.discovered_via,
            aliases=tuple(sorted(item.aliases)), html=item.html, encoding=item.encoding,
            http_status=item.http_status, content_type=item.content_type,
            fetched_at=item.fetched_at,
        ))
        counts = self.spider.counts(item.source)
        if new_id is None:
            counts.known_skipped += 1
            raise DropItem(f"already stored: {item.url}")
        counts.new_articles += 1
        self.spider.logger.info("new article [%s] %s", item.source, art.title)
        return item
