"""Same story, many sites: one press release crawled from three fixture sites is one story."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import CrawlResult, crawl, run_pantau, write_sources

SITES = ["tribratanews-tulungagung", "detikkasus", "portal-rusak", "lumajang"]


@pytest.fixture(scope="module")
def crawled(demo_sites: Any, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    tmp = tmp_path_factory.mktemp("stories")
    sources = write_sources(demo_sites, tmp / "s.yaml", SITES)
    return crawl(sources, tmp / "p.db", "--since", "10d")


def story_of(result: CrawlResult, demo_sites: Any) -> dict[str, set[int]]:
    """Expected story key -> the story ids Pantau gave the copies carrying it."""
    expected = {(name, a.path.rstrip("/")): a.story for name, site in demo_sites.sites.items()
                for a in site.articles if a.story}
    got: dict[str, set[int]] = {}
    for row in result.rows("select source, url, story_id from articles"):
        key = expected.get((row["source"], urlsplit(row["url"]).path.rstrip("/")))
        if key:
            got.setdefault(key, set()).add(row["story_id"])
    return got


def test_syndicated_copies_form_one_story_and_the_template_twin_stays_apart(
        crawled: CrawlResult, demo_sites: Any) -> None:
    stories = story_of(crawled, demo_sites)
    assert len(stories["sabu-tulungagung"]) == 1, stories
    assert len(stories["sabu-lumajang"]) == 1
    assert stories["sabu-tulungagung"].isdisjoint(stories["sabu-lumajang"])
    story_id = next(iter(stories["sabu-tulungagung"]))
    members = crawled.rows("select source, published_utc from articles where story_id = ?",
                           [story_id])
    assert {m["source"] for m in members} == {"tribratanews-tulungagung", "detikkasus",
                                               "portal-rusak"}
    lead = crawled.rows("select a.source from stories s join articles a on a.id = s.lead_article_id"
                        " where s.id = ?", [story_id])
    assert lead == [{"source": "tribratanews-tulungagung"}], "the earliest copy leads the story"


def test_generated_articles_are_not_swept_into_stories(crawled: CrawlResult) -> None:
    sizes = crawled.rows("select story_id, count(*) n from articles group by story_id")
    assert max(r["n"] for r in sizes) == 3
    assert all(r["story_id"] is not None for r in sizes)


def test_list_stories_and_show_copies(crawled: CrawlResult, demo_sites: Any) -> None:
    rows = json.loads(run_pantau("list", "--db", str(crawled.db), "--stories", "--json").stdout)
    top = [r for r in rows if r["sources"] == 3]
    assert len(top) == 1 and "Sabu" in top[0]["title"]
    table = run_pantau("list", "--db", str(crawled.db), "--stories").stdout
    assert any("Peredaran Sabu" in line and " 3 " in line for line in table.splitlines())
    copy = crawled.rows("select id from articles where source = 'detikkasus' and title like "
                        "'%Pulotondo%'")[0]["id"]
    shown = run_pantau("show", str(copy), "--db", str(crawled.db)).stdout
    assert shown.count("same story") == 2 and "tribratanews-tulungagung" in shown
