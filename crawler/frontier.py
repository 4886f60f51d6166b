"""What one crawl has found and not finished, and the rules that decide when to stop paging.

Why a pure module: the stop rules are where an incremental crawl silently loses or wastes work,
so they are plain data in and decisions out, tested without Scrapy (``tests/test_frontier.py``).
It imports neither Scrapy nor Twisted nor the storage: the spider hands it links as
``(url, identity)`` pairs (identity: ``crawler.urls.canonical_url``), and it answers with the
article links to request and whether a chain pages on. It never builds a request.

Rules:

- **Known** means known *and finished* before this run, for the stop rules (``known_before``:
  stored, dropped for good, or failed and not yet due again; ``pipelines/storage/frontier.py``
  keeps those states). A link an interrupted run discovered but never finished is unknown, so
  the chain that leads to it does not stop at its first page. A feed page
  whose entries this run already fetched from the home page is still new ground, and paging on
  through it is how the older articles are reached. ``known`` grows as this run stores articles,
  so nothing is fetched twice.
- **Listing chains**: a listing page whose article links are all known before the run, or were
  all seen on an earlier page of the same listing (a "Berita Terbaru" sidebar repeats on every
  page), ends its chain. Otherwise its unknown articles are fetched first, and the next page is
  requested only once at least one of them turned out to be inside the window; an article whose
  fetch failed (outcome ``None``) is not known to be old, so it keeps the chain going.
- **Feeds** page on only while a page brings something fresh (unknown and inside the window).
- **Depth**: no listing or feed chain is followed for more than ``max_depth`` pages in one run
  (counted from where this run entered it, ``first_depth``: a chain resumed at page 21 may go
  on to page 40). The deepest page's articles are fetched; the page after it is a *cut*: the
  spider records the limit and leaves that page in the durable frontier for the next run.
- **Traps** are caught by content, not only by depth: a page that adds no link the chain has not
  shown before (an endless calendar, a pager that repeats its last page) ends the chain.
- **Budget** (``--max-pages``): at most ``max_pages`` requests planned per source (0: no limit);
  the links it refuses are returned (``Planned.refused``) so they can wait for the next run.
- **Decided pages**: a listing page is decided once its chain paged on or ended;
  :meth:`Frontier.take_decided` hands those pages out, so the durable frontier can mark them done
  (a page left undecided by a killed run is read again by the next one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

Link = tuple[str, str]   # (url as found on the page, its identity)


@dataclass
class ListingChain:
    """One listing page waiting for its unknown articles before deciding on the next page."""

    source: str
    next_urls: list[str]
    depth: int
    chain_id: str = ""     # the listing's first page: pages of one listing share it
    template: str | None = None   # a sources-file listing template, paged by number
    first_depth: int = 1   # the page this run entered the chain at (a resumed chain: later)
    window: datetime | None = None   # the window its articles are judged against
    pending: set[str] = field(default_factory=set)
    fresh: bool = False


@dataclass
class Planned:
    """Article links the frontier agreed to have requested, and how many the budget refused."""

    fetch: list[Link] = field(default_factory=list)
    over_budget: int = 0
    refused: list[Link] = field(default_factory=list)   # the links the budget refused


@dataclass
class ListingStep:
    """What to do with one listing page."""

    fetch: list[Link] = field(default_factory=list)   # article links to request now
    follow: bool = False      # request the chain's next page now (nothing left to wait for)
    known_before: int = 0     # links known before the run (counted as ``known_skipped``)
    over_budget: int = 0      # article links refused by ``--max-pages``
    refused: list[Link] = field(default_factory=list)   # those links, for the next run


class Frontier:
    """The run's bookkeeping: known identities, requests planned, listing chains waiting."""

    def __init__(self, known_before: Iterable[str], *, max_pages: int, max_depth: int) -> None:
        self.known_before = frozenset(known_before)   # the previous runs' frontier
        self.known = set(self.known_before)           # grows as this run stores
        self.max_pages = max_pages
        self.max_depth = max_depth
        self.requested: set[str] = set()              # article identities asked for
        self.outcomes: dict[str, bool | None] = {}    # True in window, False too old, None failed
        self.listings: dict[str, ListingChain] = {}   # listing page URL → its waiting chain
        self.waiting: dict[str, list[str]] = {}       # article identity → listing pages waiting
        self.listed: dict[str, set[str]] = {}         # chain id → identities seen on its pages
        self.planned: Counter[str] = Counter()        # requests planned per source
        self.discovery_seen: set[str] = set()         # listing, feed and sitemap URLs asked for
        self.documents_seen: set[str] = set()         # document links noted (never fetched)
        self.discovered: set[str] = set()             # sources whose discovery has started
        self.decided: list[str] = []                  # listing pages whose chain was decided

    # budget ----------------------------------------------------------------------------------
    def within_budget(self, source: str) -> bool:
        """Whether one more request may be planned for this source (``--max-pages``)."""
        return not self.max_pages or self.planned[source] < self.max_pages

    def plan(self, source: str) -> None:
        """One request of this source is made: it counts against the budget."""
        self.planned[source] += 1

    # articles --------------------------------------------------------------------------------
    def wants_article(self, key: str) -> bool:
        """An article not stored and not yet asked for in this run."""
        return key not in self.known and key not in self.requested

    def take_articles(self, source: str, links: Iterable[Link]) -> Planned:
        """The links to request: each identity once per run, never a stored one, and only while
        the source's budget lasts (each link the budget refuses is counted)."""
        planned = Planned()
        for url, key in links:
            if not self.wants_article(key):
                continue
            if not self.within_budget(source):
                planned.over_budget += 1
                planned.refused.append((url, key))
                continue
            self.requested.add(key)
            self.plan(source)
            planned.fetch.append((url, key))
        return planned

    def stored(self, keys: Iterable[str]) -> None:
        """Identities of an article this run stored (its URL, aliases, canonical form)."""
        self.known.update(keys)

    def known_before_run(self, key: str) -> bool:
        """Known before this run began: what the stop rules and ``known_skipped`` count."""
        return key in self.known_before

    # listings --------------------------------------------------------------------------------
    def listing_page(self, page_url: str, chain: ListingChain, links: Sequence[Link]) -> ListingStep:
        """One listing page was read: which of its articles to fetch, and whether its chain
        pages on now (or waits for their outcomes, see :meth:`resolve`)."""
        new, known = self._new_on_listing(chain.chain_id, links)
        if not new:
            self.decided.append(page_url)
            return ListingStep(known_before=known)   # a page of only known links ends its chain
        planned = self.take_articles(chain.source, self._unsettled(chain, new))
        follow = self._wait(page_url, chain, [key for _, key in planned.fetch])
        return ListingStep(planned.fetch, follow, known, planned.over_budget, planned.refused)

    def within_depth(self, chain: ListingChain) -> bool:
        """Whether the chain may page on in this run (``max_depth`` pages from where it entered)."""
        return chain.depth - chain.first_depth + 1 < self.max_depth

    def take_decided(self) -> list[str]:
        """The listing pages decided since the last call (their chain paged on or ended)."""
        pages, self.decided = self.decided, []
        return pages

    def resolve(self, key: str, in_window: bool | None) -> list[ListingChain]:
        """An article has an outcome (True inside the window, False too old, None failed or not
        an article); the chains that now know enough to page on."""
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
                self.decided.append(page_url)
                if chain.fresh:
                    ready.append(chain)
        return ready

    def _new_on_listing(self, chain_id: str, links: Sequence[Link]) -> tuple[list[Link], int]:
        """The links a page adds (unknown before the run, not seen on an earlier page of the same
        listing), and how many were known before the run."""
        listed = self.listed.setdefault(chain_id, set())
        new, known = [], 0
        for url, key in links:
            if self.known_before_run(key):
                known += 1
            elif key not in listed:
                new.append((url, key))
            listed.add(key)
        return new, known

    def _unsettled(self, chain: ListingChain, links: list[Link]) -> list[Link]:
        """Links whose outcome is still open and nobody asked for yet. A link with an outcome (or
        stored by this run) settles freshness at once; one another page requested is waited for."""
        out = []
        for url, key in links:
            if key in self.outcomes or key in self.known:
                chain.fresh = chain.fresh or self.outcomes.get(key) is not False
            elif key in self.requested:
                chain.pending.add(key)
            else:
                out.append((url, key))
        return out

    def _wait(self, page_url: str, chain: ListingChain, requested: Iterable[str]) -> bool:
        """The chain waits for the articles it requested (and those it shares); True when it has
        nothing to wait for and should page on now (it is fresh)."""
        chain.pending.update(requested)
        if not chain.pending:
            self.decided.append(page_url)
            return chain.fresh
        self.listings[page_url] = chain
        for key in chain.pending:
            self.waiting.setdefault(key, []).append(page_url)
        return False

    # feeds -----------------------------------------------------------------------------------
    def feed_pages_on(self, fresh: int, depth: int, first_depth: int = 1) -> bool:
        """A feed page leads to the next one only if it brought something fresh, and only for
        ``max_depth`` pages in this run (see :meth:`feed_cut` for the page it stops before)."""
        return fresh > 0 and depth - first_depth + 1 < self.max_depth

    def feed_cut(self, fresh: int, depth: int, first_depth: int = 1) -> bool:
        """The feed would page on but the depth limit stops it: a cut, kept for the next run."""
        return fresh > 0 and not self.feed_pages_on(fresh, depth, first_depth)

    # discovery pages -------------------------------------------------------------------------
    def seen(self, url: str) -> bool:
        """A listing, feed or sitemap URL already asked for in this run."""
        return url in self.discovery_seen

    def visit(self, url: str) -> None:
        self.discovery_seen.add(url)

    def discovery_started(self, source: str) -> bool:
        return source in self.discovered

    def start_discovery(self, source: str) -> None:
        self.discovered.add(source)

    def new_document(self, url: str) -> bool:
        """True the first time a document link (PDF, Word …) is noted in this run."""
        if url in self.documents_seen:
            return False
        self.documents_seen.add(url)
        return True
