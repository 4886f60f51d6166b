"""The one generic spider: finds each source's new articles and fetches only those.

Per source: the home page first (a listing: article links, feed autodiscovery, pagination);
Scrapy's RobotsTxtMiddleware reads robots.txt before it, and once that file is parsed
(``robots_parsed``) its ``Crawl-delay`` is applied and the other paths start: the configured and
discovered feeds, the sitemaps (robots' ``Sitemap:`` lines, configured, else ``/sitemap.xml`` and
friends as quiet probes) and the configured listing templates. No per-site code: a site is an
entry in the sources file.

Only new work: every link is canonicalised (``crawler.urls.canonical_url``) and dropped when the
database already knows it, as an article URL or an alias. Feeds and sitemaps carry dates, so
pagination stops as soon as a page brings nothing unknown inside the window. Listing pages carry
no reliable dates: a listing page whose article links are all known ends its chain at once;
otherwise its unknown articles are fetched first, and the next page is requested only if at least
one of them turned out to be inside the window (the stages report each outcome back through the
``item_scraped`` / ``item_dropped`` signals). "Known" for these stopping rules means known before
this run began: a feed page whose entries this run already fetched from the home page is still
new ground, and paging on through it is how the older articles are reached.

The spider owns no state of the run: the sources, windows, counters (``crawler.stats``), frontier
and database are the run's (:class:`crawler.run.CrawlRun`, an extension, found with
``CrawlRun.of(crawler)``), and the stop rules are the frontier's (``crawler/frontier.py``, pure).
The spider parses pages, asks the frontier, and turns its answers into requests.

Spider arguments (``scrapy crawl news -a NAME=VALUE``) override the ``PANTAU_*`` settings of the
same meaning: ``sources``, ``db``, ``since``, ``select``, ``max_pages``, plus ``run_id``; the
crawl run reads them (``run_args``). Settings read here (defaults in ``crawler/settings.py``):
``PANTAU_MAX_SITEMAPS``, ``PANTAU_MAX_SECTIONS``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import discovery
from crawler.frontier import Frontier, Link, ListingChain
from crawler.items import PageItem
from crawler.politeness import apply_crawl_delay
from crawler.run import CrawlRun
from crawler.runstats import RunCounters, error_kind
from crawler.sources import Source
from crawler.urls import canonical_url, looks_like_article_url, request_url, same_site
from pipelines.errors import TooOld
from pipelines.vocabulary import TAXONOMY_SITEMAP_WORDS

HTML_TYPES = ("text/html", "application/xhtml")
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".ppt", ".pptx")


class NewsSpider(scrapy.Spider):
    name = "news"
    max_sitemaps: int    # PANTAU_MAX_SITEMAPS
    max_sections: int    # PANTAU_MAX_SECTIONS

    def __init__(self, *args: Any, sources: str | None = None, db: str | None = None,
                 since: str | None = None, select: str | None = None,
                 max_pages: str | int | None = None, run_id: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.run_args = {"sources": sources, "db": db, "since": since, "select": select,
                         "max_pages": max_pages, "run_id": run_id}
        self._run: CrawlRun | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider._on_item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider._on_robots_parsed, signal=signals.robots_parsed)
        spider.max_sitemaps = crawler.settings.getint("PANTAU_MAX_SITEMAPS")
        spider.max_sections = crawler.settings.getint("PANTAU_MAX_SECTIONS")
        return spider

    # the run's state, owned by the CrawlRun extension ----------------------------------------
    @property
    def run(self) -> CrawlRun:
        """The crawl run (built after the spider, so found on first use)."""
        if self._run is None:
            self._run = CrawlRun.of(self.crawler)
        return self._run

    @property
    def frontier(self) -> Frontier:
        return self.run.frontier

    @property
    def counters(self) -> RunCounters:
        return self.run.counters

    @property
    def by_name(self) -> dict[str, Source]:
        return self.run.by_name

    @property
    def run_id(self) -> str:
        return self.run.run_id

    async def start(self) -> AsyncIterator[Request]:
        """Each source starts at its home page; Scrapy's RobotsTxtMiddleware reads robots.txt
        first and hands it to :meth:`_on_robots_parsed`, which starts the rest of discovery."""
        for src in self.run.sources:
            self.logger.info("source %s: window since %s", src.name,
                             self.run.windows[src.name].isoformat())
            home = self._listing_request(src, src.url, depth=1, via="home")
            home.meta["is_home"] = True
            yield home

    # robots and discovery ---------------------------------------------------------------------
    def _on_robots_parsed(self, robotparser: Any, request: Request) -> None:
        """robots.txt of a host is known: honour its Crawl-delay, read its Sitemap: lines, and
        discover every source on that host (one robots.txt fetch per host and run)."""
        netloc = urlsplit(request.url).netloc
        for src in self.run.sources:
            if urlsplit(src.url).netloc != netloc or self.frontier.discovery_started(src.name):
                continue
            delay = robotparser.crawl_delay(self.crawler.settings.get("USER_AGENT"))
            if delay:
                used = apply_crawl_delay(self.crawler, urlsplit(src.url).hostname or "", delay)
                self.logger.info("source %s: robots.txt Crawl-delay %.2fs", src.name, used)
            sitemaps = [urljoin(src.url, u) for u in sitemaps_of(robotparser)]
            for follow_up in self.discover(src, sitemaps):
                self.crawler.engine.crawl(follow_up)

    def discover(self, src: Source, robots_sitemaps: list[str]) -> Iterator[Request]:
        """Every discovery path of one source besides its home page, once robots.txt is known
        (or known to be unavailable)."""
        self.frontier.start_discovery(src.name)
        for template in src.listings:
            yield self._listing_request(src, src.listing_url(template, 1), depth=1,
                                        via="listing", template=template)
        for feed in src.feeds:
            yield from self._discovery_request(src, feed, self.parse_feed, via="feed")
        configured = [*robots_sitemaps, *src.sitemaps]
        for url in configured:
            yield from self._discovery_request(src, url, self.parse_sitemap, via="sitemap")
        if not configured:
            for url in discovery.guess_sitemap_urls(src.url)[:2]:
                yield from self._discovery_request(src, url, self.parse_sitemap, via="sitemap",
                                                   probe=True)

    def _discovery_request(self, src: Source, url: str, callback: Any, *, via: str,
                           probe: bool = False, depth: int = 1) -> Iterator[Request]:
        url = urljoin(src.url, url)
        if (self.frontier.seen(url) or not same_site(url, src.url) or denied(src, url)
                or not self._budget(src)):
            return
        self.frontier.visit(url)
        self.frontier.plan(src.name)
        yield Request(url, callback=callback, errback=self.discovery_failed, priority=10,
                      meta={"source": src.name, "via": via, "depth": depth, "probe": probe,
                            "conditional": depth == 1,
                            "handle_httpstatus_list": [304, 404, 410] if probe else [304]})

    def _listing_request(self, src: Source, url: str, *, depth: int, via: str,
                         template: str | None = None, chain: str | None = None) -> Request:
        self.frontier.visit(url)
        self.frontier.plan(src.name)
        return Request(url, callback=self.parse_listing, errback=self.discovery_failed,
                       dont_filter=depth == 1, priority=5 - min(depth, 5),
                       meta={"source": src.name, "via": via, "depth": depth, "chain": chain,
                             "template": template, "conditional": False,
                             "handle_httpstatus_list": [304]})

    def discovery_failed(self, failure: Failure) -> Iterator[Request]:
        """A discovery page failed. If it was the home page and robots.txt never answered, the
        other paths are still worth a try, unless the host does not resolve or refuses
        connections: then the site is down for this run and every request would fail alike."""
        self._count_failure(failure)
        src = self.by_name[failure.request.meta["source"]]
        if failure.request.meta.get("is_home") and not self.frontier.discovery_started(src.name):
            if error_kind(failure.value) in ("dns", "connection_refused"):
                self.logger.warning("source %s: %s is unreachable; skipped this run",
                                    src.name, src.url)
                return
            yield from self.discover(src, [])

    # listings ---------------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[Request]:
        src = self.by_name[response.meta["source"]]
        if not self._usable_html(response, src):
            return
        depth = response.meta["depth"]
        if response.meta.get("is_home") and not self.frontier.discovery_started(src.name):
            yield from self.discover(src, [])  # robots.txt was not read (failed, or not obeyed)
        if depth == 1:
            for feed in discovery.feed_links(response.text, response.url):
                yield from self._discovery_request(src, feed, self.parse_feed, via="feed")
        links = discovery.article_links(response.text, response.url, src.url, src.allows)
        self._count_document_links(src, response)
        chain = ListingChain(src.name, self._next_listing_urls(response, src), depth,
                             chain_id=response.meta.get("chain") or response.url,
                             template=response.meta.get("template"))
        if depth == 1 and response.meta["via"] == "home" and not chain.next_urls:
            yield from self._section_listings(src, response)
        step = self.frontier.listing_page(response.url, chain, self._identities(src, links))
        self.counters.add(src.name, "known_skipped", step.known_before)
        self.counters.skip(src.name, "over_max_pages", step.over_budget)
        via = "home" if response.meta["via"] == "home" and depth == 1 else "listing"
        yield from self._article_requests(src, step.fetch, via=via)
        if step.follow:
            yield from self._follow_chain(src, chain)

    def _section_listings(self, src: Source, response: Response) -> Iterator[Request]:
        """A home without a pager: its "Lihat semua berita" section pages are the listings."""
        sections = discovery.listing_links(response.text, response.url, src.url)
        for url in sections[: self.max_sections]:
            if not self.frontier.seen(url) and not denied(src, url) and self._budget(src):
                yield self._listing_request(src, url, depth=1, via="listing")

    def _next_listing_urls(self, response: Response, src: Source) -> list[str]:
        template = response.meta.get("template")
        if template:
            return [src.listing_url(template, response.meta["depth"] + 1)]
        return [u for u in discovery.next_page_links(response.text, response.url)
                if same_site(u, src.url)][:1]

    def _follow_chain(self, src: Source, chain: ListingChain) -> Iterator[Request]:
        for url in chain.next_urls:
            if not self.frontier.seen(url) and not denied(src, url) and self._budget(src):
                yield self._listing_request(src, url, depth=chain.depth + 1, via="listing",
                                            template=chain.template, chain=chain.chain_id)

    def _resolve(self, key: str, in_window: bool | None) -> None:
        """An article asked for by listing pages has an outcome: maybe page on."""
        for chain in self.frontier.resolve(key, in_window):
            for request in self._follow_chain(self.by_name[chain.source], chain):
                self.crawler.engine.crawl(request)

    # feeds and sitemaps ----------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[Request]:
        src = self.by_name[response.meta["source"]]
        if self._not_modified(response, src):
            return
        links, next_url = discovery.parse_feed(response.body, response.url)
        fresh = self._fresh_links(src, links)
        yield from self._take_articles(src, fresh, via="feed")
        depth = response.meta["depth"]
        next_url = next_url and discovery.feed_next_on_own_host(next_url, response.url, src.url)
        if next_url and self.frontier.feed_pages_on(len(fresh), depth):
            yield from self._discovery_request(src, next_url, self.parse_feed, via="feed",
                                               depth=depth + 1)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        src = self.by_name[response.meta["source"]]
        if self._not_modified(response, src):
            return
        if response.status != 200:
            if response.meta.get("probe"):
                self.counters.skip(src.name, "sitemap_probe_missing")
            return
        kind, links = discovery.parse_sitemap(response.body, response.url)
        if kind == "index":
            yield from self._child_sitemaps(src, links)
            return
        via = "news-sitemap" if any(l.published for l in links) else "sitemap"
        yield from self._take_articles(src, self._fresh_links(src, links), via=via)

    def _child_sitemaps(self, src: Source, links: list[discovery.Link]) -> Iterator[Request]:
        since = self.run.windows[src.name]
        children = [l for l in links if not any(w in l.url.lower() for w in TAXONOMY_SITEMAP_WORDS)
                    and (l.lastmod is None or l.lastmod >= since)]
        children.sort(key=lambda l: l.lastmod or datetime.max.replace(tzinfo=UTC),
                      reverse=True)
        for link in children[: self.max_sitemaps]:
            yield from self._discovery_request(src, link.url, self.parse_sitemap, via="sitemap")

    def _fresh_links(self, src: Source, links: Iterable[discovery.Link]) -> list[discovery.Link]:
        """Links of a feed or sitemap that are articles, unknown, and not older than the window."""
        since, fresh = self.run.windows[src.name], []
        for link in links:
            url = request_url(link.url, src.url)
            when = link.published or link.lastmod
            if not same_site(url, src.url) or not src.allows(url) or not looks_like_article_url(url, src.url):
                continue
            if self.frontier.known_before_run(canonical_url(url, src.url)):
                self.counters.add(src.name, "known_skipped")
            elif when is not None and when < since:
                self.counters.add(src.name, "too_old")
            else:
                fresh.append(discovery.Link(url=url, published=link.published, title=link.title,
                                            lastmod=link.lastmod))
        return fresh

    # articles ---------------------------------------------------------------------------------
    def _take_articles(self, src: Source, fresh: list[discovery.Link], *,
                       via: str) -> Iterator[Request]:
        """Request the fresh links of a feed or sitemap the frontier still wants, with the dates
        the feed gave them."""
        planned = self.frontier.take_articles(src.name, self._identities(src, [l.url for l in fresh]))
        self.counters.skip(src.name, "over_max_pages", planned.over_budget)
        yield from self._article_requests(src, planned.fetch, via=via,
                                          dates={l.url: l.published for l in fresh})

    def _article_requests(self, src: Source, links: Iterable[Link], *, via: str,
                          dates: dict[str, datetime | None] | None = None) -> Iterator[Request]:
        """Requests for article links the frontier agreed to (see ``Frontier.take_articles``)."""
        for url, key in links:
            yield Request(request_url(url, src.url), callback=self.parse_article,
                          errback=self.article_failed, priority=20,
                          meta={"source": src.name, "via": via, "key": key,
                                "listed_published": (dates or {}).get(url)})

    @staticmethod
    def _identities(src: Source, urls: Iterable[str]) -> list[Link]:
        return [(url, canonical_url(url, src.url)) for url in urls]

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        src = self.by_name[response.meta["source"]]
        key = response.meta["key"]
        if not self._usable_html(response, src):
            self._resolve(key, None)
            return
        hops = response.meta.get("redirect_urls", [])
        aliases = {key, *(canonical_url(u, src.url) for u in hops)}
        yield PageItem(
            url=request_url(response.url, src.url), url_key=canonical_url(response.url, src.url),
            response_url=response.url, source=src.name,
            html=response.body, text=response.text, encoding=response.encoding,
            http_status=response.status,
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1") or None,
            fetched_at=datetime.now(UTC), discovered_via=response.meta["via"],
            listed_published=response.meta.get("listed_published"), aliases=aliases,
        )

    def article_failed(self, failure: Failure) -> None:
        self._count_failure(failure)
        self._resolve(failure.request.meta["key"], None)

    def _on_item_scraped(self, item: Any, response: Response, spider: Any) -> None:
        if isinstance(item, PageItem):
            self.frontier.stored(item.aliases | {item.url_key})
            self._resolve(response.meta["key"], True)

    def _on_item_dropped(self, item: Any, response: Response, exception: Exception,
                         spider: Any) -> None:
        if isinstance(item, PageItem):
            self._resolve(response.meta["key"], False if isinstance(exception, TooOld) else None)

    # bookkeeping ------------------------------------------------------------------------------
    def _usable_html(self, response: Response, src: Source) -> bool:
        """Count a page; say whether it is HTML worth reading (a PDF or image is not)."""
        if self._not_modified(response, src):
            return False
        self.counters.add(src.name, "pages")
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or (content_type and not content_type.startswith(HTML_TYPES)):
            self.counters.error(src.name, "not_html")
            return False
        return True

    def _not_modified(self, response: Response, src: Source) -> bool:
        """A 304 to a conditional request: nothing new behind this page since the last run."""
        if response.status != 304:
            return False
        self.counters.skip(src.name, "not_modified")
        return True

    def _count_document_links(self, src: Source, response: Response) -> None:
        """Document links (PDF, Word, spreadsheets) are noted once, never fetched as articles."""
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href)
            if urlsplit(url).path.lower().endswith(DOCUMENT_SUFFIXES) and self.frontier.new_document(url):
                self.counters.skip(src.name, "document_links")

    def _count_failure(self, failure: Failure) -> None:
        request = failure.request
        source = request.meta["source"]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            by_robots = "robots" in str(failure.value).lower()
            self.counters.skip(source, "robots_disallowed" if by_robots else "ignored")
            if by_robots and request.meta.get("is_home"):
                self.counters.error(source, "robots_forbidden")  # robots.txt now closes the site
        self.logger.debug("failed %s: %r", request.url, failure.value)

    def _budget(self, src: Source) -> bool:
        """``--max-pages``: at most that many requests planned per source in this run."""
        if not self.frontier.within_budget(src.name):
            self.counters.skip(src.name, "over_max_pages")
            return False
        return True


def sitemaps_of(robotparser: Any) -> list[str]:
    """The ``Sitemap:`` lines of a parsed robots.txt (Scrapy's Protego parser keeps them)."""
    return list(getattr(getattr(robotparser, "rp", None), "sitemaps", None) or [])


def denied(src: Source, url: str) -> bool:
    """``deny`` patterns keep the spider off any URL; ``allow`` narrows article URLs only."""
    return any(re.search(pattern, url) for pattern in src.deny)
