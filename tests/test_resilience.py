"""A killed crawl leaves the database whole, and the next run carries on where it stopped."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from crawler.exitcodes import SOME_FAILED
from tests.conftest import FAST, REPO, crawl


@pytest.fixture(scope="module")
def big_site() -> Any:
    from crawler.demo.server import DemoSites

    with DemoSites(big_site_articles=150, first_host=40, slow_seconds=1.0) as sites:
        yield sites


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def test_sigkill_mid_crawl_then_the_next_run_completes(big_site: Any, tmp_path: Path) -> None:
    sources = tmp_path / "s.yaml"
    sources.write_text(big_site.sources_yaml(["big"]), encoding="utf-8")
    db = tmp_path / "p.db"
    slow = {**FAST, "DOWNLOAD_DELAY": "0.05", "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
            "AUTOTHROTTLE_ENABLED": "False"}
    opts = [x for k, v in slow.items() for x in ("-s", f"{k}={v}")]
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--sources",
                             str(sources), "--db", str(db), "--since", "3650d", *opts],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count(db, "select count(*) from articles") < 20 and time.monotonic() < deadline:
        assert proc.poll() is None, "crawl ended before it could be killed"
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    stored_before = conn.execute("select count(*) from articles").fetchone()[0]
    killed_paths = {urlsplit(r[0]).path.rstrip("/") for r in conn.execute("select url from articles")}
    assert 0 < stored_before < 150
    assert conn.execute("select status from crawl_runs").fetchone()[0] == "running"
    assert conn.execute("select count(*) from articles a left join raw_pages r "
                        "on r.article_id = a.id where r.article_id is null").fetchone()[0] == 0
    conn.close()
    for server in big_site.servers.values():
        server.requests.clear()
    result = crawl(sources, db, "--since", "3650d")
    statuses = [r["status"] for r in result.rows("select status from crawl_runs order by id")]
    assert statuses == ["interrupted", "ok"]
    assert count(db, "select count(*) from articles") == 150
    assert count(db, "select count(*) from (select url from articles group by url having count(*) > 1)") == 0
    refetched = [r.path for r in big_site.servers["big"].requests
                 if urlsplit(r.path).path.rstrip("/") in killed_paths]
    assert not refetched, f"articles stored before the kill were fetched again: {refetched[:3]}"


def test_a_site_that_is_down_is_recorded_and_the_others_are_crawled(tmp_path: Path) -> None:
    import socket

    from crawler.demo.server import DemoSites

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.60", 0))
        dead_port = probe.getsockname()[1]
    with DemoSites(first_host=50, slow_seconds=1.0) as sites:
        sources = tmp_path / "s.yaml"
        config = yaml.safe_load(sites.sources_yaml(["lumajang"]))
        config["sources"].append({"name": "situs-mati", "url": f"http://127.0.0.60:{dead_port}/"})
        sources.write_text(yaml.safe_dump(config), encoding="utf-8")
        result = crawl(sources, tmp_path / "p.db", "--since", "2017-01-01", expect=SOME_FAILED)
    runs = result.runs()
    assert runs["situs-mati"]["status"] == "failed"
    assert runs["situs-mati"]["errors"].get("connection_refused", 0) >= 1
    assert runs["lumajang"]["status"] == "ok" and runs["lumajang"]["new_articles"] > 5
    store_rows = result.rows("select last_success_at from sources where name = 'situs-mati'")
    assert store_rows == [{"last_success_at": None}], "a failed run must not move the window"
