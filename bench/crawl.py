"""Crawl benchmark: a generated fixture site of N articles, crawled twice by real `pantau crawl`s.

Prints pages per second and peak memory of the first (full) crawl, and the second run's request
count as a fraction of the first after a few new articles are published: the cost of a nightly
incremental run. Politeness delays are switched off (loopback), so the figure is Pantau's own
throughput (fetch + extraction + storage), not a site's.

    python bench/crawl.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.demo.server import DemoSites  # noqa: E402
from pipelines.storage import ArticleFilter, Store  # noqa: E402

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
    with Store(db, readonly=True) as store:
        return store.count_articles(ArticleFilter())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
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


if __name__ == "__main__":
    main()
