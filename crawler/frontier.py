"""What one crawl has found and not finished, and the rules that decide when to stop paging.

Why a pure module: the stop rules are where an incremental crawl silently loses or wastes work,
so they are plain data in and decisions out, tested without Scrapy (``tests/test_frontier.py``).
The spider asks; the frontier answers in URL identities (``crawler.urls.canonical_url``) and
never builds a request.

Rules:

- **Known** means known *before this run* for the stop rules (``known_before``): a feed page
  whose entries this run already fetched from the home page is still new ground. ``known``
  grows as this run stores articles, so nothing is fetched twice.
- **Listing chains**: a listing page whose article links are all known before the run (or were
  all seen on an earlier page of the same listing: a "Berita Terbaru" sidebar repeats on every
  page) ends its chain. Otherwise its unknown articles are fetched first, and the next page is
  requested only when at least one of them turned out to be inside the window; an article whose
  fetch failed (outcome ``None``) is not known to be old, so it keeps the chain going.
- **Budget**: at most ``max_pages`` requests planned per source (0: no limit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class ListingChain:
    """One listing page waiting for its unknown articles before deciding on the next page."""

    source: str
    next_urls: list[str]
    depth: int
    chain_id: str = ""     # the listing's first page: pages of one listing share it
    template: str | None = None   # a sources-file listing template, paged by number
    pending: set[str] = field(default_factory=set)
    fresh: bool = False


class Frontier:
    """The run's bookkeeping: known identities, requests planned, listing chains waiting."""

    def __init__(self, known_before: Iterable[str], max_pages: int = 0) -> None:
        self.known_before = frozenset(known_before)   # the previous runs' frontier
        self.known = set(self.known_before)           # grows as this run stores
        self.max_pages = max_pages
        self.requested: set[str] = set()              # article identities asked for
        self.outcomes: dict[str, bool | None] = {}    # True in window, False too old, None failed
        self.listings: dict[str, ListingChain] = {}   # listing page URL → its waiting chain
        self.waiting: dict[str, list[str]] = {}       # article identity → listing pages waiting
        self.listed: dict[str, set[str]] = {}         # chain id → identities seen on its pages
        self.planned: Counter[str] = Counter()        # requests planned per source
        self.discovery_seen: set[str] = set()         # listing, feed and sitemap URLs asked for
        self.documents_seen: set[str] = set()         # document links noted (never fetched)
        self.discovered: set[str] = set()             # sources whose discovery has started

    # budget ----------------------------------------------------------------------------------
    def within_budget(self, source: str) -> bool:
        """Whether one more request may be planned for this source (``--max-pages``)."""
        return not self.max_pages or self.planned[source] < self.max_pages

    def plan(self, source: str) -> None:
        self.planned[source] += 1

    # articles --------------------------------------------------------------------------------
    def wants_article(self, key: str) -> bool:
        """An article not stored and not yet asked for in this run."""
        return key not in self.known and key not in self.requested

    def request_article(self, source: str, key: str) -> None:
        self.requested.add(key)
        self.plan(source)

    def stored(self, keys: Iterable[str]) -> None:
        """Identities of an article this run stored (its URL, aliases, canonical form)."""
        self.known.update(keys)

    # listings --------------------------------------------------------------------------------
    def new_on_listing(self, chain_id: str, keys: list[str]) -> tuple[list[int], int]:
        """Positions of the links a listing page adds (unknown before the run, not seen on an
        earlier page of the same listing), and how many were known before the run."""
        listed = self.listed.setdefault(chain_id, set())
        new, known = [], 0
        for position, key in enumerate(keys):
            if key in self.known_before:
                known += 1
            elif key not in listed:
                new.append(position)
            listed.add(key)
        return new, known

    def plan_listing(self, chain: ListingChain, links: list[tuple[str, str]]) -> list[str]:
        """The URLs to request among the new links ``(url, identity)`` of one listing page;
        links that already have an outcome make the chain fresh, links already requested by
        another page are waited for. The caller requests what it can and calls :meth:`wait`."""
        fetch = []
        for url, key in links:
            if key in self.outcomes or key in self.known:
                chain.fresh = chain.fresh or self.outcomes.get(key) is not False
            elif key in self.requested:
                chain.pending.add(key)
            else:
                fetch.append(url)
        return fetch

    def wait(self, page_url: str, chain: ListingChain, requested: Iterable[str]) -> bool:
        """The chain waits for the articles it requested (and those it shares); True when it
        has nothing to wait for and should page on now (it is fresh)."""
        chain.pending.update(requested)
        if not chain.pending:
            return chain.fresh
        self.listings[page_url] = chain
        for key in chain.pending:
            self.waiting.setdefault(key, []).append(page_url)
        return False

    def resolve(self, key: str, in_window: bool | None) -> list[ListingChain]:
        """An article has an outcome; the chains that now know enough to page on."""
        self.outcomes[key] = in_window
        ready = []
        for page_url in self.waiting.pop(key, []):
            chain = self.listings.get(page_url)
            if chain is None:
                continue
            chain.pending.discard(key)
            chain.fresh = chain.fresh or in_window is not False
            if not chain.pending:
                del self.listings[page_url]
                if chain.fresh:
                    ready.append(chain)
        return ready

    # discovery pages -------------------------------------------------------------------------
    def first_visit(self, url: str) -> bool:
        """True the first time a discovery URL is seen in this run (and remembers it)."""
        if url in self.discovery_seen:
            return False
        self.discovery_seen.add(url)
        return True

    def new_document(self, url: str) -> bool:
        if url in self.documents_seen:
            return False
        self.documents_seen.add(url)
        return True

    def is_fresh_link(self, key: str) -> bool:
        """A feed or sitemap link not known before the run (its date is checked by the caller)."""
        return key not in self.known_before
