"""Nothing lost when a crawl stops, shares its database or hits a limit (issue 11).

Every test crawls the ``archive`` fixture site over real HTTP: a regency CMS whose whole archive
is reachable only through its ``?hal=N`` listing pages (no feed, no sitemap), all of it inside a
first crawl's 30-day window, so a chain that stops early loses articles for good. Each test asserts
on the database and on the server's own request log.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.exitcodes import ALL_BUSY, ALL_FAILED, OK, SOME_FAILED, STOPPED
from tests.conftest import FAST, REPO, CrawlResult, crawl, run_pantau

ARTICLES = 150
PER_PAGE = 10
# slow enough that a kill lands in the middle: one request at a time, a little delay each
SLOW = {**FAST, "DOWNLOAD_DELAY": "0.04", "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "AUTOTHROTTLE_ENABLED": "False", "PANTAU_HEARTBEAT_SECONDS": "0.5"}


@pytest.fixture(scope="module")
def archive() -> Iterator[Any]:
    from crawler.demo.server import DemoSites

    with DemoSites(first_host=60, archive_site_articles=ARTICLES, archive_per_page=PER_PAGE,
                   only_extra=True) as sites:
        yield sites


@pytest.fixture
def sources(archive: Any, tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(archive.sources_yaml(["archive"]), encoding="utf-8")
    archive.servers["archive"].requests.clear()
    return path


def scalar(db: Path, sql: str, args: tuple[Any, ...] = ()) -> Any:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql, args).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def rows(db: Path, sql: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def start_crawl(sources: Path, db: Path, *extra: str, settings: dict[str, str] | None = None,
                ) -> subprocess.Popen[bytes]:
    """``pantau crawl`` in the background, its output in ``<db>.log`` (a pipe nobody reads
    would fill and stall the crawl)."""
    opts = [x for k, v in {**SLOW, **(settings or {})}.items() for x in ("-s", f"{k}={v}")]
    with open(f"{db}.log", "wb") as log:
        return subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--sources",
                                 str(sources), "--db", str(db), *opts, *extra], cwd=REPO,
                                stdout=log, stderr=subprocess.STDOUT)


def log_of(db: Path) -> str:
    return Path(f"{db}.log").read_text(encoding="utf-8", errors="replace")


def wait_until(check: Callable[[], bool], proc: subprocess.Popen[bytes] | None, what: str,
               timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert proc is None or proc.poll() is None, f"the crawl ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def article_paths(archive: Any) -> list[str]:
    """Paths of article requests in the server's log (listing pages and probes left out)."""
    return [urlsplit(r.path).path for r in archive.servers["archive"].requests
            if urlsplit(r.path).path.startswith("/berita/baca/")]


def stored_paths(db: Path) -> set[str]:
    return {urlsplit(r["url"]).path for r in rows(db, "select url from articles")}


def assert_complete(db: Path) -> None:
    assert scalar(db, "select count(*) from articles") == ARTICLES
    assert scalar(db, "select count(*) from articles where story_id is null") == 0
    assert scalar(db, "select count(*) from (select url_key from articles group by url_key "
                      "having count(*) > 1)") == 0
    assert scalar(db, "pragma integrity_check") == "ok"


def resume_and_check(archive: Any, sources: Path, db: Path) -> CrawlResult:
    """The next ordinary run: it completes the archive and asks for no stored article again."""
    before = stored_paths(db)
    archive.servers["archive"].requests.clear()
    result = crawl(sources, db)
    assert_complete(db)
    again = [p for p in article_paths(archive) if p in before]
    assert not again, f"articles stored before the stop were fetched again: {again[:3]}"
    return result


# interrupted crawls ---------------------------------------------------------------------------
@pytest.mark.parametrize("stored_at_kill", [PER_PAGE, ARTICLES // 2, ARTICLES * 9 // 10])
def test_sigkill_at_any_moment_then_the_next_run_stores_every_remaining_article(
        archive: Any, sources: Path, tmp_path: Path, stored_at_kill: int) -> None:
    db = tmp_path / "p.db"
    proc = start_crawl(sources, db)
    wait_until(lambda: scalar(db, "select count(*) from articles") >= stored_at_kill, proc,
               f"{stored_at_kill} articles")
    time.sleep(0.6)                                   # one heartbeat writes the counts so far
    proc.kill()
    proc.wait()
    before = stored_paths(db)
    assert 0 < len(before) < ARTICLES
    killed = rows(db, "select * from crawl_runs")[0]
    assert killed["status"] == "running"
    assert killed["requests"] > 0 and killed["new_articles"] > 0, "a killed run's row is empty"
    result = resume_and_check(archive, sources, db)   # the default window, as the scheduler runs
    runs = rows(db, "select status, new_articles from crawl_runs order by id")
    assert [r["status"] for r in runs] == ["interrupted", "ok"]
    assert runs[0]["new_articles"] > 0                # what the killed run did is kept
    assert runs[1]["new_articles"] == ARTICLES - len(before)
    assert "URLs left open by earlier runs come first" in result.stderr


def test_sigterm_exits_with_its_own_code_and_the_next_run_carries_on(
        archive: Any, sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    proc = start_crawl(sources, db)
    wait_until(lambda: scalar(db, "select count(*) from articles") >= ARTICLES // 3, proc,
               "a third of the archive")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == STOPPED, log_of(db)[-2000:]
    assert scalar(db, "select status from crawl_runs") == "interrupted"
    resume_and_check(archive, sources, db)


def test_the_schedulers_time_limit_loses_nothing(archive: Any, sources: Path,
                                                 tmp_path: Path) -> None:
    from crawler.schedule.config import CrawlSettings
    from crawler.schedule.process import CrawlProcess, crawl_command, judge

    db = tmp_path / "p.db"
    settings = CrawlSettings(sources=sources, db=db, workdir=REPO, time_limit_minutes=4 / 60,
                             grace_seconds=30, stall_minutes=5)
    own = {**SLOW, "CLOSESPIDER_TIMEOUT": "0"}    # the watchdog, not Scrapy, ends this one
    cmd = crawl_command(settings, []) + [x for k, v in own.items() for x in ("-s", f"{k}={v}")]
    proc = CrawlProcess(cmd, settings, tmp_path / "crawl.log")
    code = proc.wait(threading.Event())
    assert proc.ending == "time_limit"
    stored = scalar(db, "select count(*) from articles")
    assert 0 < stored < ARTICLES, "the time limit should end the crawl half way"
    run_rows = rows(db, "select status from crawl_runs")
    assert judge(proc.ending, code, run_rows, 0)[0] == "time_limit"
    assert run_rows[0]["status"] == "interrupted"
    resume_and_check(archive, sources, db)


# two crawls, one database ---------------------------------------------------------------------
def test_a_second_crawl_skips_the_busy_source_and_says_so(archive: Any, sources: Path,
                                                           tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    first = start_crawl(sources, db)
    wait_until(lambda: scalar(db, "select count(*) from articles") >= 5, first, "5 articles")
    second = run_pantau("crawl", "--sources", str(sources), "--db", str(db),
                        *[x for k, v in FAST.items() for x in ("-s", f"{k}={v}")])
    assert second.returncode == ALL_BUSY, second.stderr[-2000:]
    assert "source archive skipped: another crawl" in second.stderr
    assert "skipped, another crawl holds them: archive" in second.stdout
    assert first.wait(timeout=180) == OK, log_of(db)[-2000:]
    statuses = {r["status"]: r for r in rows(db, "select * from crawl_runs")}
    assert set(statuses) == {"ok", "skipped"}         # the first run was not marked interrupted
    assert json.loads(statuses["skipped"]["skipped"]) == {"source_busy": 1}
    assert_complete(db)
    fetched = Counter(article_paths(archive))
    assert fetched and max(fetched.values()) == 1, "a page was fetched twice"
    assert scalar(db, "select count(*) from source_leases") == 0   # given back at close


# limits ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_archive() -> Iterator[Any]:
    from crawler.demo.server import DemoSites

    with DemoSites(first_host=66, archive_site_articles=600, archive_per_page=20,
                   only_extra=True) as sites:
        yield sites


def test_a_listing_limit_is_recorded_and_later_runs_complete_the_archive(
        big_archive: Any, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(big_archive.sources_yaml(["archive"]), encoding="utf-8")
    db = tmp_path / "p.db"
    fast = {"CONCURRENT_REQUESTS_PER_DOMAIN": "8", "PANTAU_MAX_LISTING_PAGES": "20"}
    server = big_archive.servers["archive"]

    first = crawl(sources, db, settings=fast)
    run = first.runs()["archive"]
    limits = json.loads(run["limits"])
    assert set(limits) == {"listing_pages"}
    assert limits["listing_pages"]["limit"] == 20
    assert limits["listing_pages"]["at"].endswith("/berita?hal=21")
    assert run["status"] == "ok"
    first_new = run["new_articles"]     # 20 pages of 20, and the five oldest in "BANYAK DIBACA"
    assert first_new == 405
    assert "listing_pages=20 (PANTAU_MAX_LISTING_PAGES) stopped at " in first.stdout
    queued = rows(db, "select url, state from frontier where kind = 'listing' and state = 'queued'")
    assert [urlsplit(r["url"]).query for r in queued] == ["hal=21"]
    health = run_pantau("health", "--db", str(db))
    assert "listing_pages" in health.stdout + health.stderr

    before = stored_paths(db)
    server.requests.clear()
    second = crawl(sources, db, settings=fast)
    assert second.runs()["archive"]["new_articles"] == 600 - first_new
    assert scalar(db, "select count(*) from articles") == 600
    assert not [p for p in article_paths(big_archive) if p in before]
    assert json.loads(second.runs()["archive"]["limits"]) == {}

    server.requests.clear()
    third = crawl(sources, db, settings=fast)
    assert third.runs()["archive"]["new_articles"] == 0
    assert article_paths(big_archive) == []           # nothing stored is asked for again


# exit codes ------------------------------------------------------------------------------------
def with_dead_source(sources_yaml: str, name: str = "mati") -> str:
    """The sources file plus one site on a loopback port nobody listens on."""
    import socket

    import yaml

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = yaml.safe_load(sources_yaml) or {"sources": []}
    config["sources"].append({"name": name, "url": f"http://127.0.0.1:{port}/", "kind": "news"})
    return str(yaml.safe_dump(config, allow_unicode=True))


def test_exit_codes_say_whether_some_or_all_sources_failed(archive: Any, sources: Path,
                                                            tmp_path: Path) -> None:
    only_dead = tmp_path / "dead.yaml"
    only_dead.write_text(with_dead_source("sources: []"), encoding="utf-8")
    opts = [x for k, v in FAST.items() for x in ("-s", f"{k}={v}")]
    everyone = run_pantau("crawl", "--sources", str(only_dead), "--db", str(tmp_path / "a.db"), *opts)
    assert everyone.returncode == ALL_FAILED, everyone.stderr[-2000:]

    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(with_dead_source(sources.read_text(encoding="utf-8")), encoding="utf-8")
    some = run_pantau("crawl", "--sources", str(mixed), "--db", str(tmp_path / "b.db"), *opts,
                      "--max-pages", "5")
    assert some.returncode == SOME_FAILED, some.stderr[-2000:]
    runs = {r["source"]: r["status"] for r in rows(tmp_path / "b.db", "select * from crawl_runs")}
    assert runs == {"archive": "ok", "mati": "failed"}


def test_exit_codes_for_bad_input_and_usage_and_the_help_documents_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [", encoding="utf-8")
    broken = run_pantau("crawl", "--sources", str(bad), "--db", str(tmp_path / "x.db"))
    assert broken.returncode == 1 and "Error:" in broken.stderr
    assert len(broken.stderr.strip().splitlines()) == 1
    usage = run_pantau("crawl", "--max-pages", "many")
    assert usage.returncode == 2
    helptext = run_pantau("crawl", "--help").stdout
    for code in ("3  some sources failed", "4  every source failed", "5  stopped by a signal",
                 "6  nothing crawled"):
        assert code in helptext


def test_a_max_pages_cut_waits_in_the_frontier_for_the_next_run(archive: Any, sources: Path,
                                                                 tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    first = crawl(sources, db, "--max-pages", "30")
    limits = json.loads(first.runs()["archive"]["limits"])
    assert limits["max_pages"]["limit"] == 30
    left = scalar(db, "select count(*) from frontier where state = 'queued' and kind = 'article'")
    assert left > 0
    crawl(sources, db)
    assert_complete(db)


def test_a_failed_fetch_is_retried_on_a_later_run_with_backoff_then_given_up(tmp_path: Path) -> None:
    from pipelines.storage import FrontierEntry, RetryPolicy, Store, utc_now

    with Store(tmp_path / "p.db") as store:
        store.queue([FrontierEntry(key="k", url="http://x/k", source="s", kind="article",
                                   via="listing", since=None)], "r1")
        policy = RetryPolicy(first_hours=20, max_attempts=3)
        assert store.failed("k", "http_500", "r1", policy) == "failed"
        now = utc_now()
        assert "k" in store.finished_keys({"s": now})     # not due yet: the stop rules skip it
        assert store.open_work(["s"], now) == []
        assert [r["key"] for r in store.open_work(["s"], now + timedelta(hours=21))] == ["k"]
        assert store.failed("k", "http_500", "r2", policy) == "failed"   # next: after 40 h
        assert store.open_work(["s"], now + timedelta(hours=39)) == []
        assert store.failed("k", "http_500", "r3", policy) == "dropped"
        [row] = store.dropped()
        assert row["reason"] == "gave_up:http_500" and row["attempts"] == 3


def test_sites_without_a_sitemap_are_not_probed_every_night(archive: Any, sources: Path,
                                                            tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    crawl(sources, db)
    probes = [r.path for r in archive.servers["archive"].requests if "sitemap" in r.path]
    assert len(probes) == 2
    paths = rows(db, "select url, status from discovery_paths")
    assert {p["status"] for p in paths} == {"missing"} and len(paths) == 2
    archive.servers["archive"].requests.clear()
    second = crawl(sources, db)
    assert not [r.path for r in archive.servers["archive"].requests if "sitemap" in r.path]
    assert second.runs()["archive"]["skipped"]["sitemap_probe_known_missing"] == 2


# leases and stories ------------------------------------------------------------------------------
def test_a_lease_holds_while_its_holder_lives_and_frees_when_it_expires_or_dies(tmp_path: Path) -> None:
    from pipelines.storage import Store

    ttl = timedelta(seconds=60)
    with Store(tmp_path / "p.db") as store:
        granted, refused = store.acquire_leases(["a", "b"], "run1", pid=11, host="h1", ttl=ttl,
                                                alive=lambda host, pid: True)
        assert granted == ["a", "b"] and refused == {}
        granted, refused = store.acquire_leases(["b", "c"], "run2", pid=22, host="h1", ttl=ttl,
                                                alive=lambda host, pid: True)
        assert granted == ["c"] and refused["b"]["holder"] == "run1"
        granted, _ = store.acquire_leases(["b"], "run2", pid=22, host="h1", ttl=ttl,
                                          alive=lambda host, pid: pid != 11)   # run1 was killed
        assert granted == ["b"]
        store.acquire_leases(["d"], "run3", pid=33, host="h2", ttl=timedelta(seconds=-1),
                             alive=lambda host, pid: True)                     # expired at once
        granted, _ = store.acquire_leases(["d"], "run4", pid=44, host="h1", ttl=ttl,
                                          alive=lambda host, pid: True)
        assert granted == ["d"]
        store.release_leases("run2")
        assert {row["source"] for row in store.leases()} == {"a", "d"}


def test_an_article_a_killed_crawl_left_without_its_story_gets_one_at_the_next_run(
        archive: Any, sources: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    crawl(sources, db, "--max-pages", "12")
    conn = sqlite3.connect(db)
    with conn:                                  # as a crawl of release 0.1.0 killed mid-way left it
        conn.execute("update articles set story_id = null where id in "
                     "(select id from articles order by id limit 3)")
        conn.execute("delete from story_members where article_id in "
                     "(select id from articles where story_id is null)")
    conn.close()
    result = crawl(sources, db)
    assert "gave 3 stored articles their stories" in result.stderr
    assert_complete(db)


def test_retention_removes_old_raw_pages_and_finished_rows_but_keeps_what_stops_refetching(
        tmp_path: Path) -> None:
    from pipelines.storage import FrontierEntry, Store, utc_now

    with Store(tmp_path / "p.db") as store:
        store.queue([FrontierEntry(key=k, url=f"http://x/{k}", source="s", kind="article",
                                   via="listing", since=None) for k in ("kept", "gone", "open")],
                    "r1")
        store.settle("kept", "dropped", "r1", reason="not_article", detail="no body")
        store.keep_dropped_page("kept", "http://x/kept", "s", b"<html></html>", http_status=200,
                                content_type="text/html", encoding="utf-8")
        store.settle("gone", "stored", "r1")
        assert store.prune_past_retention(utc_now() + timedelta(days=1)) == 1
        assert [r["reason"] for r in store.dropped()] == ["not_article"]
        assert not store.dropped()[0]["raw_kept"]
        assert store.finished_keys({"s": utc_now()}) == {"kept"}
        assert [r["key"] for r in store.open_work(["s"])] == ["open"]
