"""Shared fixtures: the demo sites on their loopback addresses and a real ``pantau crawl``.

Every crawl runs as its own process, exactly as a user (or the scheduler) runs it: Scrapy's
reactor cannot be restarted inside one test process, and a subprocess is what ships.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent

# Fast but otherwise real settings for loopback sites: no politeness delay beyond robots.txt's own
# Crawl-delay, a short timeout so the slow page times out quickly, one retry.
FAST = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_START_DELAY": "0", "AUTOTHROTTLE_MAX_DELAY": "1",
    "DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "1", "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "PANTAU_PROGRESS_INTERVAL": "0", "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    db: Path

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, args)]
        finally:
            conn.close()

    def runs(self) -> dict[str, dict[str, Any]]:
        """The last run's row per source, with errors/skipped decoded."""
        rows = self.rows("select * from crawl_runs where run_id = "
                         "(select run_id from crawl_runs order by id desc limit 1)")
        for row in rows:
            row["errors"] = json.loads(row["errors"])
            row["skipped"] = json.loads(row["skipped"])
        return {r["source"]: r for r in rows}


def run_pantau(*args: str, timeout: float = 240, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def crawl(sources: Path, db: Path, *extra: str, settings: dict[str, str] | None = None,
          timeout: float = 240, expect: int = 0) -> CrawlResult:
    """``pantau crawl`` as its own process; its exit status must be ``expect``
    (``crawler.exitcodes``: 0 every source crawled, 3 some failed …)."""
    opts = [item for k, v in {**FAST, **(settings or {})}.items() for item in ("-s", f"{k}={v}")]
    proc = run_pantau("crawl", "--sources", str(sources), "--db", str(db), *opts, *extra,
                      timeout=timeout)
    result = CrawlResult(proc.returncode, proc.stdout, proc.stderr, db)
    assert proc.returncode == expect, f"crawl exited {proc.returncode}, not {expect}:\n{proc.stdout}\n{proc.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def demo_sites() -> Iterator[Any]:
    from crawler.demo.server import DemoSites

    with DemoSites(slow_seconds=8.0) as sites:
        yield sites


def write_sources(sites: Any, path: Path, names: Sequence[str] | None = None) -> Path:
    path.write_text(sites.sources_yaml(names), encoding="utf-8")
    return path
