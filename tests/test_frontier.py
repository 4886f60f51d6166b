"""The frontier's stop rules on their own, without Scrapy: plain identities in, decisions out."""

from __future__ import annotations

from crawler.frontier import Frontier, ListingChain


def chain(next_page: str = "p2", depth: int = 1) -> ListingChain:
    return ListingChain("lumajang", [next_page], depth, chain_id="p1")


def listing(frontier: Frontier, page: str, keys: list[str], c: ListingChain) -> tuple[list[str], bool]:
    """What the spider does with one listing page: the new links, fetched, then wait."""
    positions, _ = frontier.new_on_listing(c.chain_id, keys)
    new = [keys[i] for i in positions]
    fetch = frontier.plan_listing(c, [(k, k) for k in new])
    for key in fetch:
        frontier.request_article("lumajang", key)
    return fetch, frontier.wait(page, c, fetch)


def test_a_page_of_only_known_links_ends_the_chain() -> None:
    frontier = Frontier({"a", "b"})
    positions, known = frontier.new_on_listing("p1", ["a", "b"])
    assert positions == [] and known == 2


def test_a_chain_pages_on_once_an_article_is_inside_the_window() -> None:
    frontier = Frontier(set())
    c = chain()
    fetch, now = listing(frontier, "p1", ["a", "b"], c)
    assert fetch == ["a", "b"] and not now
    assert frontier.resolve("a", False) == []      # too old: still waiting for b
    assert frontier.resolve("b", True) == [c]      # b is new news: page on


def test_a_chain_of_only_old_articles_stops() -> None:
    frontier = Frontier(set())
    c = chain()
    listing(frontier, "p1", ["a", "b"], c)
    assert frontier.resolve("a", False) == [] and frontier.resolve("b", False) == []
    assert frontier.listings == {}


def test_a_failed_article_is_not_known_to_be_old_so_the_chain_goes_on() -> None:
    frontier = Frontier(set())
    c = chain()
    listing(frontier, "p1", ["a"], c)
    assert frontier.resolve("a", None) == [c]


def test_a_sidebar_repeated_on_every_page_does_not_keep_the_pager_going() -> None:
    frontier = Frontier(set())
    first = chain()
    listing(frontier, "p1", ["sidebar1", "sidebar2", "a"], first)
    for key in ("sidebar1", "sidebar2", "a"):
        frontier.resolve(key, True)
    second = ListingChain("lumajang", ["p3"], 2, chain_id="p1")
    positions, known = frontier.new_on_listing("p1", ["sidebar1", "sidebar2"])
    assert positions == [] and known == 0         # seen on page 1 of this listing: nothing new
    # another listing (another chain id) showing the same sidebar does count them as links
    assert frontier.new_on_listing("other", ["sidebar1"])[0] == [0]
    assert second.pending == set()


def test_outcomes_known_before_the_page_decide_at_once() -> None:
    frontier = Frontier(set())
    frontier.request_article("lumajang", "a")
    frontier.resolve("a", True)                   # fetched from the home page already
    c = chain(depth=2)
    fetch, now = listing(frontier, "p2", ["a"], c)
    assert fetch == [] and now                    # fresh already: page on without waiting


def test_an_article_asked_for_by_two_pages_is_waited_for_by_both() -> None:
    frontier = Frontier(set())
    one, two = ListingChain("s", ["x2"], 1, chain_id="x"), ListingChain("s", ["y2"], 1, chain_id="y")
    listing(frontier, "x", ["a"], one)
    fetch, now = listing(frontier, "y", ["a"], two)
    assert fetch == [] and not now                # requested by x already: y waits for it too
    assert frontier.resolve("a", True) == [one, two]


def test_stored_identities_are_never_requested_again_but_still_count_as_new_ground() -> None:
    frontier = Frontier({"old"})
    frontier.stored({"a", "a-alias"})
    assert not frontier.wants_article("a-alias") and not frontier.wants_article("old")
    assert frontier.is_fresh_link("a") and not frontier.is_fresh_link("old")


def test_the_budget_counts_planned_requests_per_source() -> None:
    frontier = Frontier(set(), max_pages=2)
    frontier.plan("s")
    assert frontier.within_budget("s")
    frontier.request_article("s", "a")
    assert not frontier.within_budget("s") and frontier.within_budget("other")
    assert Frontier(set()).within_budget("s")     # 0: no limit


def test_discovery_urls_and_documents_are_noted_once() -> None:
    frontier = Frontier(set())
    assert frontier.first_visit("/feed") and not frontier.first_visit("/feed")
    assert frontier.new_document("/a.pdf") and not frontier.new_document("/a.pdf")
