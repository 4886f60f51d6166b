"""Crawl benchmark: a generated fixture site of N articles, crawled twice by real `pantau crawl`s.

Prints pages per second and peak memory of the first (full) crawl, and the second run's request
count as a fraction of the first after a few new articles are published (and its requests per
new article): the cost of a nightly incremental run. Politeness delays are switched off
(loopback), so the figure is Pantau's own throughput (fetch + extraction + storage), not a site's.

Then kill and resume, on a regency CMS whose archive is reachable only through its listing pages
(``--archive`` articles, 20 a page): one uninterrupted crawl into one database, and into another
a crawl SIGKILLed once ``--kill-at`` of the archive is stored, then an ordinary next run. The two
must end with the same articles; also printed: requests of both ways, and how many stored
articles the resumed run fetched again (must be 0).

    python bench/crawl.py [--articles 2000] [--archive 600] [--kill-at 0.5]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.demo.server import DemoSites  # noqa: E402
from pipelines.storage import ArticleFilter, DatabaseError, Store  # noqa: E402

SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "PANTAU_PROGRESS_INTERVAL": "0",
            "LOG_LEVEL": "WARNING", "PANTAU_MAX_LISTING_PAGES": "1000",
            "PANTAU_MAX_SITEMAPS": "1000"}


def crawl(sources: Path, db: Path, *extra: str) -> tuple[float, int, int]:
    """One crawl in its own process: seconds, requests (from crawl_runs), peak RSS in KiB."""
    opts = [x for k, v in SETTINGS.items() for x in ("-s", f"{k}={v}")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "--sources", str(sources),
                    "--db", str(db), "--quiet", *opts, *extra], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with Store(db, readonly=True) as store:
        requests = store.runs(1)[0]["requests"]
    return seconds, requests, max(peak, before)


def stored_articles(db: Path) -> int:
    if not db.exists():
        return 0
    with Store(db, readonly=True) as store:
        return store.count_articles(ArticleFilter())


def run_requests(db: Path) -> int:
    """Requests of every run in the database (a killed run's row has its counts so far)."""
    with Store(db, readonly=True) as store:
        return sum(r["requests"] for r in store.runs(100))


def killed_crawl(sources: Path, db: Path, stored_at_kill: int) -> None:
    """A crawl SIGKILLed once ``stored_at_kill`` articles are stored (as the OOM killer would)."""
    opts = [x for k, v in {**SETTINGS, "PANTAU_HEARTBEAT_SECONDS": "0.5"}.items()
            for x in ("-s", f"{k}={v}")]
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--sources",
                             str(sources), "--db", str(db), "--quiet", *opts], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None:
        try:
            if stored_articles(db) >= stored_at_kill:
                time.sleep(0.6)                       # a heartbeat writes the counts so far
                os.kill(proc.pid, signal.SIGKILL)
                break
        except DatabaseError:  # the database is being created
            pass
        time.sleep(0.05)
    proc.wait()


def kill_and_resume(tmp: Path, articles: int, kill_at: float) -> None:
    with DemoSites(first_host=120, archive_site_articles=articles, archive_per_page=20,
                   only_extra=True) as sites:
        sources = tmp / "archive.yaml"
        sources.write_text(sites.sources_yaml(["archive"]), encoding="utf-8")
        server = sites.servers["archive"]
        whole = tmp / "whole.db"
        crawl(sources, whole)
        whole_requests = run_requests(whole)
        resumed = tmp / "resumed.db"
        server.requests.clear()
        killed_crawl(sources, resumed, int(articles * kill_at))
        at_kill = stored_articles(resumed)
        with Store(resumed, readonly=True) as store:
            before = {a["url"] for a in store.list_articles(limit=articles * 2)}
        server.requests.clear()
        crawl(sources, resumed)
        again = sum(1 for r in server.requests if server.url(r.path) in before)
        with Store(whole, readonly=True) as a, Store(resumed, readonly=True) as b:
            same = ({x["url"] for x in a.list_articles(limit=articles * 2)}
                    == {x["url"] for x in b.list_articles(limit=articles * 2)})
        print(f"kill and resume: listing-only archive of {articles} articles, killed at "
              f"{at_kill} stored ({kill_at:.0%} asked)")
        print(f"  uninterrupted: {stored_articles(whole)} articles, {whole_requests} requests")
        print(f"  killed + next run: {stored_articles(resumed)} articles, "
              f"{run_requests(resumed)} requests; the same articles: {same}; stored articles "
              f"fetched again: {again}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--archive", type=int, default=600, help="articles of the kill-and-resume site")
    parser.add_argument("--kill-at", type=float, default=0.5, help="share of the archive stored at the kill")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, DemoSites(big_site_articles=args.articles) as sites:
        sources = Path(tmp) / "sources.yaml"
        sources.write_text(sites.sources_yaml(["big"]), encoding="utf-8")
        db = Path(tmp) / "bench.db"
        seconds, requests, peak = crawl(sources, db, "--since", "3650d")
        stored = stored_articles(db)
        sites.publish_new(per_site=5)
        seconds2, requests2, _ = crawl(sources, db)
        stored2 = stored_articles(db)
    print(f"site: {args.articles} generated articles on one loopback host")
    print(f"first crawl:  {requests} requests, {stored} articles stored in {seconds:.1f} s"
          f" = {requests / seconds:.1f} pages/s; peak RSS {peak / 1024:.0f} MiB")
    print(f"second crawl: {requests2} requests, {stored2 - stored} new articles in {seconds2:.1f} s")
    print(f"second run's requests as a fraction of the first: {requests2 / requests:.4f}")
    new = stored2 - stored
    print(f"second night: {requests2 / new:.2f} requests per new article" if new else
          "second night: no new article stored")
    with tempfile.TemporaryDirectory() as tmp:
        kill_and_resume(Path(tmp), args.archive, args.kill_at)


if __name__ == "__main__":
    main()
