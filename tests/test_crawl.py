"""Real crawls of the demo sites over real HTTP on loopback, asserted on SQLite and server logs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo.templates.broken import BrokenPortal
from tests.conftest import CrawlResult, crawl, run_pantau, write_sources

SEEDS_DIR = Path(__file__).resolve().parent.parent / "crawler" / "demo" / "pages"
NOT_ARTICLE = re.compile(r"/(tag|category|kategori|author|label|search)/|/amp/?$|[?&](utm_|m=1|amp\b)")


def path_key(url: str) -> str:
    """Compare stored URLs and fixture paths by path and query, ignoring a trailing slash."""
    parts = urlsplit(url)
    return (parts.path.rstrip("/") or "/") + (f"?{parts.query}" if parts.query else "")


def stored_by_site(result: CrawlResult) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in result.rows("select source, url from articles"):
        out.setdefault(row["source"], set()).add(path_key(row["url"]))
    return out


def reachable(site: Any, since: datetime) -> set[str]:
    """Paths of the site's articles that a crawl with this window must store (the slow page
    times out by design, so it is the one article no crawl can store)."""
    return {path_key(a.path) for a in site.articles
            if a.published >= since and not a.path.endswith(BrokenPortal.SPECIAL["slow"])}


@pytest.fixture(scope="module")
def first(demo_sites: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The first crawl of every demo site, reaching back to the oldest seed."""
    tmp = tmp_path_factory.mktemp("first")
    sources = write_sources(demo_sites, tmp / "sources.yaml")
    result = crawl(sources, tmp / "pantau.db", "--since", "2017-01-01")
    logs = {name: list(server.requests) for name, server in demo_sites.servers.items()}
    return {"result": result, "logs": logs, "sources": sources}


def test_every_discovery_path_finds_its_articles(demo_sites: Any, first: dict[str, Any]) -> None:
    since = datetime(2017, 1, 1, tzinfo=timezone(timedelta(hours=7)))
    stored = stored_by_site(first["result"])
    for name, site in demo_sites.sites.items():
        missing = reachable(site, since) - stored.get(name, set())
        assert not missing, f"{name}: articles not found: {sorted(missing)[:5]}"
    paths = {name: [r.path for r in log] for name, log in first["logs"].items()}
    assert any("sitemap" in p for p in paths["detikkasus"]), "sitemap index not read"
    assert any(p.startswith("/feed") for p in paths["detikkasus"]), "RSS feed not read"
    assert any("news-sitemap" in p for p in paths["tribratanews-tulungagung"])
    assert any("page=" in p for p in paths["kominfo-babel"]), "Drupal pager not followed"
    assert len([p for p in paths["lumajang"] if "hal=" in p or "/index/" in p]) >= 2


def test_paged_atom_feed_finds_what_the_home_page_does_not_show(
        demo_sites: Any, tmp_path: Path) -> None:
    """Blogger's "Posting Lama" pages denied: only the Atom feed, paged by rel=next, is left."""
    server = demo_sites.servers["globalinvestigasi"]
    sources = tmp_path / "atom.yaml"
    sources.write_text(f"sources:\n  - name: globalinvestigasi\n    url: {server.base_url}/\n"
                       f"    deny: ['/search']\n", encoding="utf-8")
    server.requests.clear()
    result = crawl(sources, tmp_path / "atom.db", "--since", "2017-01-01")
    paths = [r.path for r in server.requests]
    assert not [p for p in paths if p.startswith("/search")]
    assert any("start-index" in p for p in paths), "paged Atom not followed"
    since = datetime(2017, 1, 1, tzinfo=timezone(timedelta(hours=7)))
    site = demo_sites.sites["globalinvestigasi"]
    assert reachable(site, since) <= stored_by_site(result).get("globalinvestigasi", set())
    via = {r["discovered_via"] for r in result.rows("select discovered_via from articles")}
    assert "feed" in via


def test_discovered_via_records_the_path(first: dict[str, Any]) -> None:
    rows = first["result"].rows("select source, discovered_via from articles")
    via = {(r["source"], r["discovered_via"]) for r in rows}
    assert {v for _, v in via} <= {"home", "listing", "feed", "sitemap", "news-sitemap"}
    assert ("tribratanews-tulungagung", "news-sitemap") in via
    assert ("lumajang", "listing") in via  # pages 2 and 3 of a CMS listing without feeds
    assert ("detikkasus", "sitemap") in via


def test_robots_disallowed_urls_are_never_requested(first: dict[str, Any]) -> None:
    for name, log in first["logs"].items():
        bad = [r.path for r in log if r.path.startswith(("/pracetak", "/wp-admin"))]
        assert not bad, f"{name} requested robots-disallowed {bad}"
    skipped = first["result"].runs()["detikkasus"]["skipped"]
    assert skipped.get("robots_disallowed", 0) >= 1


def test_crawl_delay_is_honoured(first: dict[str, Any]) -> None:
    """detikkasus's robots.txt says Crawl-delay: 0.3; Scrapy alone would ignore it."""
    times = [r.at for r in first["logs"]["detikkasus"] if r.path != "/robots.txt"]
    gaps = sorted(b - a for a, b in zip(times[1:], times[2:]))
    assert len(gaps) > 10
    # Arrival times jitter on a loaded machine; what robots.txt asks for is the pace.
    assert sum(gaps) >= 0.3 * len(gaps) * 0.95, f"{len(gaps)} requests in {sum(gaps):.2f}s"
    assert gaps[len(gaps) // 10] >= 0.25, f"requests {gaps[:3]} s apart"


def test_listing_tag_amp_and_tracking_copies_are_not_articles(first: dict[str, Any]) -> None:
    urls = [r["url"] for r in first["result"].rows("select url from articles")]
    assert urls and not [u for u in urls if NOT_ARTICLE.search(u)]
    homes = [r["url"] for r in first["result"].rows("select url from sources")]
    assert not set(urls) & set(homes)
    dupes = first["result"].rows("select url, count(*) n from articles group by url having n > 1")
    assert not dupes


def test_amp_and_tracking_copies_are_not_fetched_separately(first: dict[str, Any]) -> None:
    log = [r.path for r in first["logs"]["detikkasus"]]
    assert not [p for p in log if "utm_" in p or p.rstrip("/").endswith("/amp")]
    assert not [r for r in first["logs"]["globalinvestigasi"] if "m=1" in r.path.split("?")[-1]]


def test_seed_articles_are_stored_clean(first: dict[str, Any]) -> None:
    result = first["result"]
    for seed_file in sorted(SEEDS_DIR.glob("*-seed.json")):
        seed = json.loads(seed_file.read_text(encoding="utf-8"))
        site = seed_file.name.removesuffix("-seed.json")
        rows = [r for r in result.rows("select * from articles where source = ?", [site])
                if path_key(r["url"]) == path_key(seed["url_path"])]
        assert rows, f"seed of {site} not stored"
        row = rows[0]
        for clutter in seed["must_not_contain"]:
            assert clutter not in row["text"], f"{site}: clutter {clutter!r} left in body"
        for paragraph in seed["body"]:
            assert " ".join(paragraph.split())[:60] in " ".join(row["text"].split()), \
                f"{site}: paragraph lost: {paragraph[:60]!r}"
        assert row["title"] == seed["title"]
        assert row["published"][:10] == seed["published"][:10]


def test_trouble_pages_are_counted_and_do_not_stop_the_crawl(demo_sites: Any,
                                                             first: dict[str, Any]) -> None:
    run = first["result"].runs()["portal-rusak"]
    assert run["status"] == "ok"
    errors = run["errors"]
    assert errors.get("http_500", 0) >= 1, errors
    assert errors.get("http_404", 0) >= 1, errors
    assert errors.get("timeout", 0) >= 1, errors
    assert errors.get("too_large") == 1 and "cancelled" not in errors, errors   # the 9 MiB page
    assert errors.get("garbage", 0) + run["not_articles"] >= 1, run
    assert run["skipped"].get("document_links", 0) >= 1, run["skipped"]
    texts = first["result"].rows("select url, text from articles where source = 'portal-rusak'")
    assert any("“" in r["text"] or "é" in r["text"] for r in texts), "windows-1252 page misdecoded"
    assert not [r for r in texts if "\ufffd" in r["text"] or "â€" in r["text"]]
    aliases = first["result"].rows("select alias from url_aliases")
    assert any(urlsplit(a["alias"]).path == BrokenPortal.OLD_URL for a in aliases), \
        "the first URL of the redirect chain is not remembered"


def test_gzip_bomb_and_redirect_loop_are_counted_as_errors(first: dict[str, Any]) -> None:
    """Scrapy refuses both with IgnoreRequest, which only the spider's errback sees
    (``crawler.runstats.ignored_kind``); neither is a skipped ``ignored``."""
    run = first["result"].runs()["portal-rusak"]
    assert run["errors"].get("decompression_bomb") == 1, run["errors"]
    assert run["errors"].get("redirect_loop") == 1, run["errors"]
    assert "ignored" not in run["skipped"], run["skipped"]


def test_every_source_has_a_finished_run_row(demo_sites: Any, first: dict[str, Any]) -> None:
    runs = first["result"].runs()
    assert set(runs) == set(demo_sites.sites)
    for name, run in runs.items():
        assert run["status"] == "ok" and run["ended"] and run["requests"] > 0, (name, run)
        assert run["new_articles"] > 0, name
    assert "new articles from" in first["result"].stdout


def test_raw_html_is_kept_compressed_for_reextraction(first: dict[str, Any]) -> None:
    import zlib

    rows = first["result"].rows("select html_zlib, encoding from raw_pages limit 3")
    assert rows and all(b"<html" in zlib.decompress(r["html_zlib"]).lower() for r in rows)


def test_second_run_fetches_only_new_articles(demo_sites: Any, first: dict[str, Any]) -> None:
    result = first["result"]
    known = {path_key(r["url"]) for r in result.rows("select url from articles")}
    for server in demo_sites.servers.values():
        server.requests.clear()
    new_urls = demo_sites.publish_new(per_site=2)
    second = crawl(first["sources"], result.db)  # default window: since the last success - 1 day
    for name, server in demo_sites.servers.items():
        again = [r.path for r in server.requests if path_key(r.path) in known]
        assert not again, f"{name}: known articles fetched again: {again}"
    stored = {path_key(r["url"]) for r in second.rows("select url from articles")}
    assert {path_key(u) for u in new_urls} <= stored
    runs = second.runs()
    first_requests = sum(len(log) for log in first["logs"].values())
    second_requests = sum(r["requests"] for r in runs.values())
    assert second_requests < first_requests / 2


def test_unchanged_feeds_and_sitemaps_answer_304(demo_sites: Any, first: dict[str, Any]) -> None:
    """A run over unchanged sites sends the saved validators and reads nothing twice."""
    for server in demo_sites.servers.values():
        server.requests.clear()
    crawl(first["sources"], first["result"].db)
    sent = [r for s in demo_sites.servers.values() for r in s.requests
            if "if-none-match" in {k.lower() for k in r.headers}]
    assert sent, "no conditional request was sent"
    assert [r for r in sent if r.status == 304]


def test_first_crawl_looks_back_30_days_by_default(demo_sites: Any, tmp_path: Path) -> None:
    names = ["detikkasus", "tribratanews-tulungagung", "lumajang"]
    sources = write_sources(demo_sites, tmp_path / "s.yaml", names)
    result = crawl(sources, tmp_path / "window.db")
    cutoff = datetime.now(UTC) - timedelta(days=30)
    stored = stored_by_site(result)
    for name in names:
        site = demo_sites.sites[name]
        assert reachable(site, cutoff + timedelta(hours=1)) <= stored.get(name, set()), name
        old = {path_key(a.path) for a in site.articles if a.published < cutoff - timedelta(hours=1)}
        assert not old & stored.get(name, set()), f"{name}: stored articles older than the window"
    runs = result.runs()
    assert sum(r["too_old"] for r in runs.values()) > 0
    published = [r["published_utc"] for r in result.rows("select published_utc from articles")]
    assert min(published) >= (cutoff - timedelta(hours=1)).isoformat()


def test_a_sites_learned_template_removes_what_no_rule_knows(first: dict[str, Any]) -> None:
    """kominfo-babel's body field ends with an about-the-desk box and a follow-us line that no
    hand-written rule removes; the template learned during the crawl does, on every page (the
    first ones, stored before the template existed, are extracted again at the crawl's end),
    and ``pantau show`` lists what it removed."""
    from crawler.demo.templates.drupal import ABOUT_DESK, FOLLOW_US

    result = first["result"]
    texts = result.rows("select id, text, template_removed from articles where source = 'kominfo-babel'")
    assert len(texts) >= 5
    assert not [r["id"] for r in texts if ABOUT_DESK in r["text"] or FOLLOW_US in r["text"]]
    assert all(ABOUT_DESK in json.loads(r["template_removed"] or "[]") for r in texts)
    proc = run_pantau("show", str(texts[0]["id"]), "--db", str(result.db))
    assert proc.returncode == 0, proc.stderr
    assert f"template removed: {ABOUT_DESK}" in proc.stdout
    assert f"template removed: {FOLLOW_US}" in proc.stdout
