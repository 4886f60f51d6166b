"""What an operator sees of a crawl's frontier, after real crawls of the demo sites:
``pantau runs --dropped``, ``pantau reextract --dropped``, ``pantau sources`` and the limits
``pantau health`` and ``pantau runs`` name."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.model import FixtureArticle
from crawler.demo.server import DemoSites
from crawler.demo.sites import finish
from tests.conftest import CrawlResult, crawl, run_pantau, write_sources

SHORT_SLUG = "pengumuman-libur-pelayanan"


@pytest.fixture(scope="module")
def sites() -> Iterator[DemoSites]:
    """The demo sites, with a short notice on lumajang: an article URL whose page has no body
    (dropped as not_article; its raw page kept). Its own servers: the notice changes lumajang."""
    with DemoSites(slow_seconds=8.0) as demo:
        site = demo.sites["lumajang"]
        when = demo.now - timedelta(hours=3)
        number = site.next_number()
        notice = FixtureArticle(
            path=site.template.article_path(SHORT_SLUG, number, when),
            title="Pengumuman Libur Pelayanan", published=when, author="Admin",
            paragraphs=["Kantor tutup hari Sabtu.", "Terima kasih."], slug=SHORT_SLUG,
            number=number)
        finish(site.template, [notice])
        site.add([notice], when)
        yield demo


@pytest.fixture(scope="module")
def crawled(sites: DemoSites, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    folder = tmp_path_factory.mktemp("operator")
    sources = write_sources(sites, folder / "s.yaml", ["lumajang", "kominfo-babel"])
    return crawl(sources, folder / "p.db", "--since", "2017-01-01")


def pantau(*args: str) -> Any:
    proc = run_pantau(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_runs_dropped_lists_the_short_page_with_its_reason_and_detail(crawled: CrawlResult) -> None:
    db = str(crawled.db)
    table = pantau("runs", "--dropped", "--db", db).stdout
    (line,) = [row for row in table.splitlines() if SHORT_SLUG in row]
    assert "lumajang" in line and "not_article" in line and "no body" in line
    assert line.rstrip().split()[-3] == "yes"          # its raw page is kept
    (row,) = [r for r in json.loads(pantau("runs", "--dropped", "--json", "--db", db).stdout)
              if SHORT_SLUG in r["url"]]
    assert row["reason"] == "not_article" and row["raw_kept"] is True
    assert row["detail"].startswith("not an article: ") and row["url"] in row["detail"]
    run_id = row["run_id"]
    assert [r["url"] for r in json.loads(pantau("runs", "--dropped", "--json", "--run", run_id,
                                                "--source", "lumajang", "--db", db).stdout)] \
        == [row["url"]]
    assert pantau("runs", "--dropped", "--source", "kominfo-babel", "--db", db).stdout.strip() \
        == "no dropped pages"
    runs = pantau("runs", "--db", db).stdout
    assert "limits" in runs.splitlines()[0] and "lumajang" in runs
    only = json.loads(pantau("runs", "--json", "--source", "lumajang", "--db", db).stdout)
    assert {r["source"] for r in only} == {"lumajang"} and isinstance(only[0]["limits"], str)


def test_reextract_dropped_on_unchanged_rules_stores_nothing(crawled: CrawlResult,
                                                             tmp_path: Path) -> None:
    db = str(shutil.copy(crawled.db, tmp_path / "copy.db"))
    before = crawled.rows("select count(*) as n from articles")[0]["n"]
    out = pantau("reextract", "--dropped", "--db", db, "--sources",
                 str(tmp_path / "none.yaml")).stdout
    assert "re-extracted 1 dropped pages: 0 stored as articles, 1 still not articles" in out
    after = CrawlResult(0, "", "", Path(db))
    assert after.rows("select count(*) as n from articles")[0]["n"] == before
    assert SHORT_SLUG in pantau("runs", "--dropped", "--db", db).stdout


def test_sources_shows_each_sources_work_and_the_missing_sitemap_probes(
        crawled: CrawlResult) -> None:
    db = str(crawled.db)
    out = pantau("sources", "--db", db).stdout
    table, _, paths = out.partition("discovery paths")
    (lumajang,) = [line for line in table.splitlines() if line.startswith("lumajang")]
    assert " ok " in lumajang and "0 found, 2 missing" in lumajang
    missing = [line for line in paths.splitlines() if line.startswith("lumajang")]
    assert sorted(line.split()[3].rsplit("/", 1)[1] for line in missing) == [
        "sitemap.xml", "sitemap_index.xml"]
    assert all(line.split()[1] == "missing" for line in missing)
    state = {s["name"]: s for s in json.loads(pantau("sources", "--json", "--db", db).stdout)}
    assert {p["status"] for p in state["lumajang"]["discovery"]} == {"missing"}
    assert all(p["missing_since"] for p in state["lumajang"]["discovery"])
    assert state["lumajang"]["frontier"].get("dropped") == 1
    assert state["lumajang"]["lease"] is None            # the crawl gave its leases back
    assert any(p["status"] == "found" and p["articles"] > 0
               for p in state["kominfo-babel"]["discovery"])


def test_health_and_runs_name_the_limit_that_cut_a_run(sites: DemoSites, tmp_path: Path) -> None:
    sources = write_sources(sites, tmp_path / "s.yaml", ["lumajang"])
    db = tmp_path / "limited.db"
    crawl(sources, db, "--since", "2017-01-01", settings={"PANTAU_MAX_LISTING_PAGES": "1"})
    health = run_pantau("health", "--db", str(db))
    assert health.returncode == 0, health.stdout + health.stderr   # a limit is a warning
    (warning,) = [line for line in health.stdout.splitlines()
                  if line.strip().startswith("lumajang: limits:")]
    assert "listing_pages=1" in warning and "PANTAU_MAX_LISTING_PAGES" in warning
    assert "hal=2" in warning
    (entry,) = json.loads(run_pantau("health", "--db", str(db), "--json").stdout)
    assert entry["healthy"] is True and [w["rule"] for w in entry["warnings"]] == ["limits"]
    runs = pantau("runs", "--db", str(db)).stdout
    assert "listing_pages=1 (PANTAU_MAX_LISTING_PAGES) stopped at " in runs


def test_health_names_the_pages_limit(sites: DemoSites, tmp_path: Path) -> None:
    sources = write_sources(sites, tmp_path / "s.yaml", ["kominfo-babel"])
    db = tmp_path / "few.db"
    crawl(sources, db, "--since", "2017-01-01", "--max-pages", "3")
    health = run_pantau("health", "--db", str(db))
    assert health.returncode == 0, health.stdout + health.stderr
    assert "max_pages=3" in health.stdout
