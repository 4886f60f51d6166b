"""The frontier's stop rules on their own, without Scrapy: plain identities in, decisions out.

Links are ``(url, identity)`` pairs; here the identity is the URL itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

from crawler.frontier import Frontier, ListingChain, ListingStep

SOURCE = "lumajang"


def frontier(known_before: set[str] | None = None, *, max_pages: int = 0,
             max_depth: int = 30) -> Frontier:
    return Frontier(known_before or set(), max_pages=max_pages, max_depth=max_depth)


def chain(page: int = 1, listing: str = "p1") -> ListingChain:
    return ListingChain(SOURCE, [f"{listing}?page={page + 1}"], page, chain_id=listing)


def read(f: Frontier, page_url: str, c: ListingChain, keys: list[str]) -> ListingStep:
    return f.listing_page(page_url, c, [(k, k) for k in keys])


def fetched(step: ListingStep) -> list[str]:
    return [key for _, key in step.fetch]


# listing chains --------------------------------------------------------------------------------
def test_a_page_of_only_known_links_ends_the_chain() -> None:
    f = frontier({"a", "b"})
    step = read(f, "p1", chain(), ["a", "b"])
    assert step == ListingStep(known_before=2)      # nothing fetched, no next page, nothing waits
    assert f.listings == {}


def test_unknown_articles_are_fetched_first_and_the_chain_waits_for_them() -> None:
    f = frontier({"old"})
    c = chain()
    step = read(f, "p1", c, ["old", "a", "b"])
    assert fetched(step) == ["a", "b"] and not step.follow and step.known_before == 1
    assert f.listings == {"p1": c} and c.pending == {"a", "b"}


def test_a_chain_pages_on_once_one_article_is_inside_the_window() -> None:
    f = frontier()
    c = chain()
    read(f, "p1", c, ["a", "b"])
    assert f.resolve("a", False) == []              # too old: b still outstanding
    assert f.resolve("b", True) == [c]              # b is new news: page on


def test_a_chain_whose_articles_are_all_too_old_stops() -> None:
    f = frontier()
    read(f, "p1", chain(), ["a", "b"])
    assert f.resolve("a", False) == [] and f.resolve("b", False) == []
    assert f.listings == {} and f.waiting == {}


def test_a_failed_article_is_not_known_to_be_old_so_the_chain_pages_on() -> None:
    f = frontier()
    c = chain()
    read(f, "p1", c, ["a"])
    assert f.resolve("a", None) == [c]


def test_a_sidebar_repeated_on_every_page_does_not_keep_the_pager_going() -> None:
    """"Berita Terbaru" shows the same links on every page of a listing: page 2 adds nothing."""
    f = frontier()
    sidebar = ["terbaru-1", "terbaru-2"]
    first = chain(1)
    read(f, "p1", first, [*sidebar, "a"])
    for key in (*sidebar, "a"):
        f.resolve(key, True)
    step = read(f, "p1?page=2", chain(2), sidebar)
    assert step == ListingStep()                    # no fetch, no next page: the chain ends
    # another listing showing the same sidebar sees them for the first time: they have outcomes
    # (this run fetched them), so that listing pages on without fetching them again
    other = read(f, "p9", chain(1, listing="p9"), sidebar)
    assert fetched(other) == [] and other.follow


def test_an_outcome_that_arrives_after_other_pages_were_read_still_pages_on() -> None:
    f = frontier()
    one, two = chain(1), chain(1, listing="q1")
    read(f, "p1", one, ["slow"])
    read(f, "q1", two, ["b"])
    assert f.resolve("b", True) == [two]            # the other listing moved on first
    later = read(f, "q1?page=2", chain(2, listing="q1"), ["c"])
    assert fetched(later) == ["c"]
    assert f.resolve("slow", True) == [one]         # then the first page's article came back


def test_outcomes_known_before_the_page_decide_at_once() -> None:
    f = frontier()
    f.take_articles(SOURCE, [("a", "a")])           # fetched from the home page already
    f.resolve("a", True)
    step = read(f, "p1?page=2", chain(2), ["a"])
    assert fetched(step) == [] and step.follow      # fresh already: page on without waiting
    old = frontier()
    old.take_articles(SOURCE, [("x", "x")])
    old.resolve("x", False)
    assert read(old, "p1", chain(), ["x"]) == ListingStep()   # known to be old: stop


def test_an_article_asked_for_by_two_pages_is_waited_for_by_both() -> None:
    f = frontier()
    one, two = chain(1, listing="x"), chain(1, listing="y")
    read(f, "x", one, ["a"])
    step = read(f, "y", two, ["a"])
    assert fetched(step) == [] and not step.follow  # requested by x already: y waits for it too
    assert f.resolve("a", True) == [one, two]


def test_an_article_stored_by_this_run_is_not_fetched_again_but_is_new_ground() -> None:
    f = frontier({"old"})
    f.take_articles(SOURCE, [("a", "a")])
    f.stored({"a", "a-alias"})
    assert not f.wants_article("a-alias") and not f.wants_article("old")
    assert not f.known_before_run("a") and f.known_before_run("old")
    step = read(f, "p1", chain(), ["a-alias"])      # new ground for the stop rules, not fetched
    assert fetched(step) == [] and step.follow


def test_the_deepest_listing_page_fetches_its_articles_and_the_next_page_is_a_cut() -> None:
    f = frontier(max_depth=3)
    assert fetched(read(f, "p2", chain(2), ["a"])) == ["a"]
    deepest = chain(3)
    step = read(f, "p3", deepest, ["b"])
    assert fetched(step) == ["b"]
    assert f.resolve("b", True) == [deepest]        # fresh: it would page on …
    assert not f.within_depth(deepest)              # … but page 4 is past the limit: a cut
    assert f.within_depth(chain(2))


def test_a_resumed_chain_counts_its_depth_from_where_this_run_entered_it() -> None:
    f = frontier(max_depth=3)
    resumed = ListingChain(SOURCE, ["p?page=22"], 21, chain_id="p", first_depth=21)
    assert f.within_depth(resumed)                  # page 21 is this run's first page of it
    resumed.depth = 23
    assert not f.within_depth(resumed)


def test_pages_are_decided_once_their_chain_pages_on_or_ends() -> None:
    f = frontier({"old"})
    read(f, "p1", chain(), ["old"])                 # only known links: decided at once
    c = chain(2)
    read(f, "p2", c, ["a", "b"])                    # waits for a and b
    assert f.take_decided() == ["p1"] and f.take_decided() == []
    f.resolve("a", False)
    assert f.take_decided() == []
    f.resolve("b", False)                           # all too old: the chain ends, p2 is decided
    assert f.take_decided() == ["p2"]


def test_an_endless_calendar_or_repeating_pager_ends_by_content() -> None:
    f = frontier()
    c = chain(1, "cal")
    read(f, "cal?page=1", c, ["a", "b"])
    f.resolve("a", True)
    f.resolve("b", True)
    repeat = chain(2, "cal")                        # page 2 shows page 1's links again
    assert read(f, "cal?page=2", repeat, ["a", "b"]) == ListingStep()
    assert read(f, "cal?page=3", chain(3, "cal"), []) == ListingStep()   # an empty page


# feeds -----------------------------------------------------------------------------------------
def test_a_feed_pages_on_only_while_a_page_brings_something_fresh() -> None:
    f = frontier(max_depth=30)
    assert f.feed_pages_on(fresh=3, depth=1)
    assert not f.feed_pages_on(fresh=0, depth=1)    # a page of known or too old entries: stop
    assert not f.feed_pages_on(fresh=3, depth=30)   # the deepest page allowed
    assert f.feed_cut(fresh=3, depth=30) and not f.feed_cut(fresh=0, depth=30)
    assert f.feed_pages_on(fresh=3, depth=30, first_depth=21)   # a resumed feed chain


# budget ----------------------------------------------------------------------------------------
def test_the_budget_counts_planned_requests_per_source() -> None:
    f = frontier(max_pages=2)
    f.plan(SOURCE)
    assert f.within_budget(SOURCE)
    planned = f.take_articles(SOURCE, [("a", "a"), ("a?utm=x", "a"), ("b", "b"), ("c", "c")])
    assert [k for _, k in planned.fetch] == ["a"]   # the duplicate identity is not refused, skipped
    assert planned.over_budget == 2
    assert not f.within_budget(SOURCE) and f.within_budget("other")
    assert frontier().within_budget(SOURCE)         # 0: no limit


def test_a_listing_page_over_budget_waits_only_for_what_it_requested() -> None:
    f = frontier(max_pages=1)
    c = chain()
    step = read(f, "p1", c, ["a", "b"])
    assert fetched(step) == ["a"] and step.over_budget == 1 and c.pending == {"a"}
    assert step.refused == [("b", "b")]             # kept for the next run


# discovery -------------------------------------------------------------------------------------
def test_discovery_urls_and_documents_are_noted_once() -> None:
    f = frontier()
    assert not f.seen("/feed")
    f.visit("/feed")
    assert f.seen("/feed")
    assert not f.discovery_started(SOURCE)
    f.start_discovery(SOURCE)
    assert f.discovery_started(SOURCE)
    assert f.new_document("/a.pdf") and not f.new_document("/a.pdf")


def test_the_frontier_is_pure() -> None:
    """Neither Scrapy, Twisted nor the storage: the rules must be testable as plain data."""
    module = Path(__file__).resolve().parent.parent / "crawler" / "frontier.py"
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not [m for m in imported if m.split(".")[0] in ("scrapy", "twisted")
                or m.startswith("pipelines")]
