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

Nothing only in memory (issue 11): every article link and every continuation page (a listing's
or feed's next page, a child sitemap) is a row of the durable frontier before it is requested,
and every outcome is reported to it (``crawler.journal``): stored, dropped with its reason (the
raw page kept), failed with its kind (tried again on a later night). A run starts with what
earlier runs left open (``CrawlRun.resume``, oldest first, judged against the window it was
found under), then discovers. What a limit cuts (listing or feed depth, child sitemaps, pages or
minutes per source) is recorded (``crawler.limits``) and waits in the frontier. A guessed
sitemap found missing is probed again only after ``PANTAU_PROBE_EVERY_DAYS``.

The spider owns no state of the run: the sources, windows, counters (``crawler.stats``), frontier
and database are the run's (:class:`crawler.run.CrawlRun`, an extension, found with
``CrawlRun.of(crawler)``), and the stop rules are the frontier's (``crawler/frontier.py``, pure).
The spider parses pages, asks the frontier, and turns its answers into requests.

Spider arguments (``scrapy crawl news -a NAME=VALUE``) override the ``PANTAU_*`` settings of the
same meaning: ``sources``, ``db``, ``since``, ``select``, ``max_pages``, plus ``run_id``; the
crawl run reads them (``run_args``). Settings read here (defaults in ``crawler/settings.py``):
``PANTAU_MAX_SITEMAPS``, ``PANTAU_MAX_SECTIONS``, ``PANTAU_PROBE_EVERY_DAYS``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
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
from crawler.journal import FrontierJournal
from crawler.politeness import apply_crawl_delay
from crawler.run import CrawlRun
from crawler.runstats import RunCounters, error_kind, ignored_kind
from crawler.sources import Source
from crawler.urls import canonical_url, looks_like_article_url, request_url, same_site
from pipelines.dates import latest_moment
from pipelines.errors import AlreadyStored, Blocked, Garbage, StorageBusy, TooOld
from pipelines.storage import FrontierEntry
from pipelines.vocabulary import TAXONOMY_SITEMAP_WORDS

HTML_TYPES = ("text/html", "application/xhtml")
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".ppt", ".pptx")
RESUMED_PRIORITY = 30   # what an earlier run left open goes before anything new
PARSERS = {"listing": "parse_listing", "feed": "parse_feed", "sitemap": "parse_sitemap"}


class NewsSpider(scrapy.Spider):
    name = "news"
    max_sitemaps: int    # PANTAU_MAX_SITEMAPS
    max_sections: int    # PANTAU_MAX_SECTIONS
    probe_every: timedelta   # PANTAU_PROBE_EVERY_DAYS

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
        spider.probe_every = timedelta(days=crawler.settings.getfloat("PANTAU_PROBE_EVERY_DAYS"))
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
    def journal(self) -> FrontierJournal:
        return self.run.open_journal()

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
        """First what earlier runs left open (oldest first), then each source's home page;
        Scrapy's RobotsTxtMiddleware reads robots.txt first and hands it to
        :meth:`_on_robots_parsed`, which starts the rest of discovery."""
        for request in self._resumed_requests():
            yield request
        for src in self.run.sources:
            self.logger.info("source %s: window since %s", src.name,
                             self.run.windows[src.name].isoformat())
            home = self._listing_request(src, src.url, depth=1, via="home")
            home.meta["is_home"] = True
            yield home

    def _resumed_requests(self) -> Iterator[Request]:
        """Requests for the open rows of the durable frontier, each judged against the window
        it was found under; a chain resumed at page N counts its depth from N."""
        left: dict[str, int] = {}
        for row in self.run.resume:
            src = self.by_name.get(row["source"])
            if src is None:
                continue
            left[src.name] = left.get(src.name, 0) + 1
            since = self.run.window_of(src.name, row["since"])
            if row["kind"] == "article":
                listed = datetime.fromisoformat(row["listed_published"]) if row["listed_published"] else None
                planned = self.frontier.take_articles(src.name, [(row["url"], row["key"])])
                self._over_budget(src, planned.over_budget)
                for request in self._article_requests(src, planned.fetch, via=row["via"] or "listing",
                                                      since=since, dates={row["url"]: listed}):
                    request.priority = RESUMED_PRIORITY
                    yield request
            elif row["kind"] == "listing":
                if self.frontier.seen(row["url"]) or not self._budget(src, row["url"]):
                    continue
                request = self._listing_request(
                    src, row["url"], depth=row["depth"], via="listing", template=row["template"],
                    chain=row["chain"], since=since, first_depth=row["depth"])
                request.priority = RESUMED_PRIORITY
                yield request
            else:
                callback = getattr(self, PARSERS[row["kind"]])
                for request in self._discovery_request(
                        src, row["url"], callback, via=row["kind"], depth=row["depth"],
                        since=since, first_depth=row["depth"], durable=False):
                    request.priority = RESUMED_PRIORITY
                    yield request
        for name, n in left.items():
            self.logger.info("source %s: %d URLs left open by earlier runs come first", name, n)

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
        (or known to be unavailable). Guessed sitemaps found missing recently are not probed."""
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
            missing = self.run.open_store().missing_paths(
                src.name, datetime.now(UTC) - self.probe_every)
            for url in discovery.guess_sitemap_urls(src.url)[:2]:
                if url in missing:
                    self.counters.skip(src.name, "sitemap_probe_known_missing")
                    continue
                yield from self._discovery_request(src, url, self.parse_sitemap, via="sitemap",
                                                   probe=True)

    def _discovery_request(self, src: Source, url: str, callback: Any, *, via: str,
                           probe: bool = False, depth: int = 1, since: datetime | None = None,
                           first_depth: int = 1, durable: bool = False,
                           found_on: str | None = None) -> Iterator[Request]:
        """A feed or sitemap page. ``durable``: a continuation (a feed's next page, a child
        sitemap) is recorded in the frontier first, so a killed run does not lose it."""
        url = urljoin(src.url, url)
        if self.frontier.seen(url) or not same_site(url, src.url) or denied(src, url):
            return
        since = since or self.run.windows[src.name]
        kind = "feed" if callback == self.parse_feed else "sitemap"
        if durable:
            self.journal.queue(src.name, [FrontierEntry(
                key=url, url=url, source=src.name, kind=kind, via=via, since=since,
                found_on=found_on, depth=depth)])
        if not self._budget(src, url):
            return
        self.frontier.visit(url)
        self.frontier.plan(src.name)
        yield Request(url, callback=callback, errback=self.discovery_failed, priority=10,
                      meta={"source": src.name, "via": via, "depth": depth, "probe": probe,
                            "since": since, "first_depth": first_depth, "kind": kind,
                            "durable": durable, "conditional": depth == 1 and not durable,
                            "handle_httpstatus_list": [304, 404, 410] if probe else [304]})

    def _listing_request(self, src: Source, url: str, *, depth: int, via: str,
                         template: str | None = None, chain: str | None = None,
                         since: datetime | None = None, first_depth: int = 1) -> Request:
        self.frontier.visit(url)
        self.frontier.plan(src.name)
        return Request(url, callback=self.parse_listing, errback=self.discovery_failed,
                       dont_filter=depth == 1, priority=5 - min(depth, 5),
                       meta={"source": src.name, "via": via, "depth": depth, "chain": chain,
                             "template": template, "conditional": False, "kind": "listing",
                             "since": since or self.run.windows[src.name],
                             "first_depth": first_depth, "handle_httpstatus_list": [304]})

    def discovery_failed(self, failure: Failure) -> Iterator[Request]:
        """A discovery page failed. If it was the home page and robots.txt never answered, the
        other paths are still worth a try, unless the host does not resolve or refuses
        connections: then the site is down for this run and every request would fail alike.
        A continuation page that failed is tried again on a later run."""
        kind = self._count_failure(failure)
        request = failure.request
        src = self.by_name[request.meta["source"]]
        if request.meta.get("depth", 1) > 1 or request.meta.get("durable"):
            self.journal.failed(src.name, request.url, kind)
        if request.meta.get("is_home") and not self.frontier.discovery_started(src.name):
            if error_kind(failure.value) in ("dns", "connection_refused"):
                self.logger.warning("source %s: %s is unreachable; skipped this run",
                                    src.name, src.url)
                return
            yield from self.discover(src, [])

    # listings ---------------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[Request]:
        src = self.by_name[response.meta["source"]]
        if not self._usable_html(response, src):
            self.journal.settle(src.name, response.url, "done")
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
                             template=response.meta.get("template"),
                             first_depth=response.meta.get("first_depth", 1),
                             window=response.meta["since"])
        if depth == 1 and response.meta["via"] == "home" and not chain.next_urls:
            yield from self._section_listings(src, response)
        step = self.frontier.listing_page(response.url, chain, self._identities(src, links))
        self.counters.add(src.name, "known_skipped", step.known_before)
        self._over_budget(src, step.over_budget, response.url)
        via = "home" if response.meta["via"] == "home" and depth == 1 else "listing"
        since = response.meta["since"]
        decided = self.frontier.take_decided()
        # a page whose articles the budget refused stays undecided: the next run reads it again
        # and its chain goes on from there once those articles are in
        state = "done" if response.url in decided and not step.refused else "fetched"
        self.journal.queue(src.name, self._entries(src, [*step.fetch, *step.refused], via=via,
                                                   since=since, found_on=response.url),
                           page=(response.url, state))
        self.journal.decided(src.name, [p for p in decided if p != response.url])
        yield from self._article_requests(src, step.fetch, via=via, since=since)
        if step.follow:
            yield from self._follow_chain(src, chain)

    def _section_listings(self, src: Source, response: Response) -> Iterator[Request]:
        """A home without a pager: its "Lihat semua berita" section pages are the listings."""
        sections = discovery.listing_links(response.text, response.url, src.url)
        for url in sections[: self.max_sections]:
            if not self.frontier.seen(url) and not denied(src, url) and self._budget(src, url):
                yield self._listing_request(src, url, depth=1, via="listing")

    def _next_listing_urls(self, response: Response, src: Source) -> list[str]:
        template = response.meta.get("template")
        if template:
            return [src.listing_url(template, response.meta["depth"] + 1)]
        return [u for u in discovery.next_page_links(response.text, response.url)
                if same_site(u, src.url)][:1]

    def _follow_chain(self, src: Source, chain: ListingChain) -> Iterator[Request]:
        """The chain's next page: recorded in the frontier first, then requested, unless the
        depth limit (or the source's budget) cuts it: then it waits for the next run."""
        since = chain.window or self.run.windows[src.name]
        for url in chain.next_urls:
            if self.frontier.seen(url) or denied(src, url):
                continue
            self.journal.queue(src.name, [FrontierEntry(
                key=url, url=url, source=src.name, kind="listing", via="listing", since=since,
                chain=chain.chain_id, depth=chain.depth + 1, template=chain.template)])
            if not self.frontier.within_depth(chain):
                self._limit(src, "listing_pages", self.frontier.max_depth, url)
                continue
            if self._budget(src, url):
                yield self._listing_request(src, url, depth=chain.depth + 1, via="listing",
                                            template=chain.template, chain=chain.chain_id,
                                            since=since, first_depth=chain.first_depth)

    def _resolve(self, key: str, in_window: bool | None) -> None:
        """An article asked for by listing pages has an outcome: maybe page on."""
        for chain in self.frontier.resolve(key, in_window):
            for request in self._follow_chain(self.by_name[chain.source], chain):
                self.crawler.engine.crawl(request)
        self.journal.decided("", self.frontier.take_decided())

    # feeds and sitemaps ----------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[Request]:
        src = self.by_name[response.meta["source"]]
        if self._not_modified(response, src):
            return
        since = response.meta["since"]
        links, next_url = discovery.parse_feed(response.body, response.url)
        fresh = self._fresh_links(src, links, since)
        depth, first = response.meta["depth"], response.meta.get("first_depth", 1)
        yield from self._take_articles(src, fresh, via="feed", since=since, page=response.url)
        if depth == 1:
            self._remember_path(src, response.url, "feed", len(fresh))
        next_url = next_url and discovery.feed_next_on_own_host(next_url, response.url, src.url)
        if not next_url:
            return
        if self.frontier.feed_pages_on(len(fresh), depth, first):
            yield from self._discovery_request(src, next_url, self.parse_feed, via="feed",
                                               depth=depth + 1, since=since, first_depth=first,
                                               durable=True, found_on=response.url)
        elif self.frontier.feed_cut(len(fresh), depth, first):
            self.journal.queue(src.name, [FrontierEntry(
                key=next_url, url=next_url, source=src.name, kind="feed", via="feed",
                since=since, found_on=response.url, depth=depth + 1)])
            self._limit(src, "feed_pages", self.frontier.max_depth, next_url)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        src = self.by_name[response.meta["source"]]
        if self._not_modified(response, src):
            return
        if response.status != 200:
            if response.meta.get("probe"):
                self.counters.skip(src.name, "sitemap_probe_missing")
                self._remember_path(src, response.url, "sitemap", None)
            return
        since = response.meta["since"]
        kind, links = discovery.parse_sitemap(response.body, response.url)
        if kind == "index":
            self._remember_path(src, response.url, "sitemap", len(links))
            yield from self._child_sitemaps(src, links, since, response.url)
            self.journal.settle(src.name, response.url, "done")
            return
        via = "news-sitemap" if any(l.published for l in links) else "sitemap"
        fresh = self._fresh_links(src, links, since)
        if response.meta.get("depth", 1) == 1 and response.meta.get("via") == "sitemap":
            self._remember_path(src, response.url, "sitemap", len(fresh))
        yield from self._take_articles(src, fresh, via=via, since=since, page=response.url)

    def _child_sitemaps(self, src: Source, links: list[discovery.Link], since: datetime,
                        index_url: str) -> Iterator[Request]:
        """The index's children inside the window, newest first; past ``PANTAU_MAX_SITEMAPS``
        they wait in the frontier for the next run (and the cut is recorded)."""
        children = [l for l in links if not any(w in l.url.lower() for w in TAXONOMY_SITEMAP_WORDS)
                    and (l.lastmod is None or l.lastmod >= since)]
        children.sort(key=lambda l: l.lastmod or datetime.max.replace(tzinfo=UTC),
                      reverse=True)
        for link in children[: self.max_sitemaps]:
            yield from self._discovery_request(src, link.url, self.parse_sitemap, via="sitemap",
                                               since=since, durable=True, found_on=index_url)
        cut = [l.url for l in children[self.max_sitemaps:] if not self.frontier.seen(l.url)]
        if cut:
            self.journal.queue(src.name, [FrontierEntry(
                key=url, url=url, source=src.name, kind="sitemap", via="sitemap", since=since,
                found_on=index_url) for url in cut])
            self._limit(src, "sitemaps", self.max_sitemaps, cut[0], len(cut))

    def _fresh_links(self, src: Source, links: Iterable[discovery.Link],
                     since: datetime) -> list[discovery.Link]:
        """Links of a feed or sitemap that are articles, unknown, and not older than the window."""
        fresh = []
        for link in links:
            url = request_url(link.url, src.url)
            when = link.published or link.lastmod
            if not same_site(url, src.url) or not src.allows(url) or not looks_like_article_url(url, src.url):
                continue
            if self.frontier.known_before_run(canonical_url(url, src.url)):
                self.counters.add(src.name, "known_skipped")
            elif when is not None and latest_moment(when) < since:
                self.counters.add(src.name, "too_old")
            else:
                fresh.append(discovery.Link(url=url, published=link.published, title=link.title,
                                            lastmod=link.lastmod))
        return fresh

    def _remember_path(self, src: Source, url: str, kind: str, articles: int | None) -> None:
        """Discovery memory: a path that answered (with how many fresh links) or was missing."""
        self.journal.path(src.name, url, kind, articles)

    # articles ---------------------------------------------------------------------------------
    def _take_articles(self, src: Source, fresh: list[discovery.Link], *, via: str,
                       since: datetime, page: str) -> Iterator[Request]:
        """Request the fresh links of a feed or sitemap the frontier still wants, with the dates
        the feed gave them; every one (the budget's refusals too) recorded first."""
        planned = self.frontier.take_articles(src.name, self._identities(src, [l.url for l in fresh]))
        self._over_budget(src, planned.over_budget, page)
        dates = {l.url: l.published for l in fresh}
        self.journal.queue(src.name, self._entries(src, [*planned.fetch, *planned.refused],
                                                   via=via, since=since, found_on=page,
                                                   dates=dates),
                           page=(page, "done"))
        yield from self._article_requests(src, planned.fetch, via=via, since=since, dates=dates)

    @staticmethod
    def _entries(src: Source, links: Iterable[Link], *, via: str, since: datetime,
                 found_on: str, dates: dict[str, datetime | None] | None = None,
                 ) -> list[FrontierEntry]:
        return [FrontierEntry(key=key, url=request_url(url, src.url), source=src.name,
                              kind="article", via=via, since=since, found_on=found_on,
                              listed_published=(dates or {}).get(url)) for url, key in links]

    def _article_requests(self, src: Source, links: Iterable[Link], *, via: str,
                          since: datetime,
                          dates: dict[str, datetime | None] | None = None) -> Iterator[Request]:
        """Requests for article links the frontier agreed to (see ``Frontier.take_articles``).

        ``dont_filter``: the frontier already asks for each identity once; Scrapy's duplicate
        filter would only drop a redirect that comes back to an URL already asked for (a loop),
        silently, with no callback, leaving the listing chain that waits for it stalled. Unfiltered,
        the loop ends at ``REDIRECT_MAX_TIMES`` and is counted as ``redirect_loop``."""
        for url, key in links:
            yield Request(request_url(url, src.url), callback=self.parse_article,
                          errback=self.article_failed, priority=20, dont_filter=True,
                          meta={"source": src.name, "via": via, "key": key, "since": since,
                                "kind": "article",
                                "listed_published": (dates or {}).get(url)})

    @staticmethod
    def _identities(src: Source, urls: Iterable[str]) -> list[Link]:
        return [(url, canonical_url(url, src.url)) for url in urls]

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        src = self.by_name[response.meta["source"]]
        key = response.meta["key"]
        if not self._usable_html(response, src):
            if response.status != 304:
                self.journal.dropped(src.name, key, "not_html", "not an HTML page: "
                                     + (response.headers.get(b"Content-Type") or b"?").decode("latin-1"),
                                     url=response.url)
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
            key=key, since=response.meta.get("since"),
        )

    def article_failed(self, failure: Failure) -> None:
        kind = self._count_failure(failure)
        request = failure.request
        key = request.meta["key"]
        if kind == "robots_disallowed":
            self.journal.dropped(request.meta["source"], key, kind, str(failure.value),
                                 url=request.url)
        else:
            self.journal.failed(request.meta["source"], key, kind)
        self._resolve(key, None)

    def _on_item_scraped(self, item: Any, response: Response, spider: Any) -> None:
        if isinstance(item, PageItem):
            self.frontier.stored(item.aliases | {item.url_key})
            self._resolve(response.meta["key"], True)

    def _on_item_dropped(self, item: Any, response: Response, exception: Exception,
                         spider: Any) -> None:
        """A fetched page was not stored: its frontier row says why (a busy database is no
        verdict: the row stays open), and the listing chain waiting for it is told."""
        if not isinstance(item, PageItem):
            return
        key = response.meta["key"]
        if isinstance(exception, AlreadyStored):
            self.frontier.stored(item.aliases | {item.url_key})
        elif isinstance(exception, Blocked):
            self.journal.failed(item.source, key, "blocked")   # a bot wall may lift
        elif not isinstance(exception, StorageBusy):
            reason = ("too_old" if isinstance(exception, TooOld) else
                      "garbage" if isinstance(exception, Garbage) else "not_article")
            self.journal.dropped(item.source, key, reason, str(exception), url=item.response_url,
                                 html=item.html, http_status=item.http_status,
                                 content_type=item.content_type, encoding=item.encoding)
        self._resolve(key, False if isinstance(exception, TooOld) else None)

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

    def _count_failure(self, failure: Failure) -> str:
        """Count a failed request the middlewares could not see (Scrapy's own refusals: robots,
        a redirect loop, a decompression bomb); returns the failure's kind."""
        request = failure.request
        source = request.meta["source"]
        if failure.check(HttpError):
            return f"http_{failure.value.response.status}"
        if failure.check(IgnoreRequest):
            named = ignored_kind(failure.value)
            if named:
                self.counters.error(source, named)
                return named
            by_robots = "robots" in str(failure.value).lower()
            self.counters.skip(source, "robots_disallowed" if by_robots else "ignored")
            if by_robots and request.meta.get("is_home"):
                self.counters.error(source, "robots_forbidden")  # robots.txt now closes the site
            return "robots_disallowed" if by_robots else "ignored"
        self.logger.debug("failed %s: %r", request.url, failure.value)
        return error_kind(failure.value)

    def _budget(self, src: Source, at: str = "") -> bool:
        """``--max-pages`` and ``PANTAU_MAX_SOURCE_MINUTES``: whether one more request may be
        planned for this source in this run (a refusal is recorded as the limit it hit)."""
        if not self.frontier.within_budget(src.name):
            self._over_budget(src, 1, at)
            return False
        if not self.run.time_left(src.name):
            self.counters.skip(src.name, "over_source_time")
            self._limit(src, "source_time", self.run.source_seconds / 60, at)
            return False
        return True

    def _over_budget(self, src: Source, n: int, at: str = "") -> None:
        if n:
            self.counters.skip(src.name, "over_max_pages", n)
            self._limit(src, "max_pages", self.frontier.max_pages, at, n)

    def _limit(self, src: Source, name: str, limit: float, at: str, n: int = 1) -> None:
        if self.run.limits.hit(src.name, name, limit, at, n):
            self.logger.warning("source %s: limit %s (%g) reached at %s; the rest waits in the "
                                "frontier for the next run", src.name, name, limit, at)


def sitemaps_of(robotparser: Any) -> list[str]:
    """The ``Sitemap:`` lines of a parsed robots.txt (Scrapy's Protego parser keeps them)."""
    return list(getattr(getattr(robotparser, "rp", None), "sitemaps", None) or [])


def denied(src: Source, url: str) -> bool:
    """``deny`` patterns keep the spider off any URL; ``allow`` narrows article URLs only."""
    return any(re.search(pattern, url) for pattern in src.deny)
