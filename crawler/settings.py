"""Scrapy settings for Pantau: every default in one documented place.

Override any of them per run with ``pantau crawl -s NAME=VALUE`` (or ``scrapy crawl news -s``).
Pantau's own settings start with ``PANTAU_``:

- ``PANTAU_SOURCES``: the sources file (default ``sources.yaml``).
- ``PANTAU_DB``: the SQLite database (default ``pantau.db``).
- ``PANTAU_SINCE``: the window, ``YYYY-MM-DD`` or ``Nd``; empty = per source: 30 days on the first
  crawl, else the last successful crawl minus one day (``PANTAU_FIRST_CRAWL_DAYS``,
  ``PANTAU_OVERLAP_DAYS``).
- ``PANTAU_SELECT``: comma-separated source names to crawl (empty = all).
- ``PANTAU_MAX_PAGES``: at most this many pages fetched per source and run (0 = no limit).
- ``PANTAU_MAX_LISTING_PAGES``: pages of one listing or feed chain followed per run (default 30);
  the rest waits in the durable frontier for the next run, and the cut is recorded.
- ``PANTAU_MAX_SITEMAPS``: child sitemaps read per source and run (default 20, newest first; the
  others wait for the next run).
- ``PANTAU_MAX_SOURCE_MINUTES``: minutes of new requests per source and run (0 = no limit).
- ``PANTAU_LEASE_SECONDS`` / ``PANTAU_HEARTBEAT_SECONDS``: a crawl holds each of its sources with
  a lease renewed every heartbeat; a lease not renewed for its time (or whose process on this
  host is gone) is free (defaults 300 and 5; the heartbeat also writes the run rows' counts).
- ``PANTAU_RETRY_AFTER_HOURS`` / ``PANTAU_MAX_ATTEMPTS``: a failed fetch is tried again on a
  later run after this many hours, doubling, until this many attempts failed (20, 4).
- ``PANTAU_DROPPED_RETENTION_DAYS``: how long the raw HTML of pages not stored is kept for
  ``pantau reextract --dropped`` (default 30).
- ``PANTAU_PROBE_EVERY_DAYS``: a guessed sitemap found missing is probed again after this many
  days, not every night (default 7).
- ``PANTAU_MAX_SECTIONS``: section pages ("Lihat semua berita") followed from a home page that
  has no pager of its own (default 3).
- ``PANTAU_CONTACT_URL``: where site owners can reach whoever runs this crawler; goes into the
  User-Agent. Set it (or the environment variable of the same name) before crawling real sites.
- ``PANTAU_MAX_CRAWL_DELAY``: cap on a robots.txt Crawl-delay, seconds (default 30).
- ``PANTAU_PROGRESS_INTERVAL``: seconds between per-source progress lines (0 = none).
"""

import os

BOT_NAME = "pantau"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Pantau's crawl defaults. Components read them without a fallback of their own; the reader is
# named after each (crawler.run = the CrawlRun extension, news = crawler/spiders/news.py).
PANTAU_SOURCES = os.environ.get("PANTAU_SOURCES", "sources.yaml")  # sources file (crawler.run)
PANTAU_DB = os.environ.get("PANTAU_DB", "pantau.db")  # SQLite database (crawler.run)
PANTAU_SINCE = ""              # window start, YYYY-MM-DD or Nd; "" = per source (crawler.run)
PANTAU_SELECT = ""             # comma-separated source names; "" = all (crawler.run)
PANTAU_MAX_PAGES = 0           # requests planned per source and run; 0 = no limit (frontier)
PANTAU_MAX_LISTING_PAGES = 30  # deepest page of a listing or feed chain (frontier)
PANTAU_MAX_SITEMAPS = 20       # child sitemaps read per source, newest first (news)
PANTAU_MAX_SECTIONS = 3        # section pages followed from a home page without pager (news)
PANTAU_MAX_SOURCE_MINUTES = 0  # minutes of new requests per source and run; 0 = none (news)
PANTAU_LEASE_SECONDS = 300     # a source's lease holds this long without a heartbeat (crawler.run)
PANTAU_HEARTBEAT_SECONDS = 5.0  # lease renewal and run-row counts, seconds (crawler.run)
PANTAU_RETRY_AFTER_HOURS = 20.0  # first retry of a failed fetch, on a later run (crawler.run)
PANTAU_MAX_ATTEMPTS = 4        # failed attempts before a URL is given up (crawler.run)
PANTAU_DROPPED_RETENTION_DAYS = 30  # raw HTML of pages not stored kept this long (crawler.run)
PANTAU_PROBE_EVERY_DAYS = 7    # a missing guessed sitemap is probed again after this (news)
PANTAU_FIRST_CRAWL_DAYS = 30   # window of a source's first crawl, days (crawler.run)
PANTAU_OVERLAP_DAYS = 1        # days before the last successful crawl looked at again (crawler.run)
# where site owners can reach whoever runs this crawler; goes into the User-Agent (cli)
PANTAU_CONTACT_URL = os.environ.get("PANTAU_CONTACT_URL", "https://github.com/pantau-id/pantau")
PANTAU_MAX_CRAWL_DELAY = 30.0  # cap on a robots.txt Crawl-delay, seconds (crawler.politeness)


def user_agent(contact_url: str) -> str:
    """Pantau's User-Agent: who we are, why we crawl, and where site owners can reach us."""
    return f"Pantau/0.1 (news monitoring for regional public-order analysis; +{contact_url})"


USER_AGENT = user_agent(PANTAU_CONTACT_URL)

# Politeness: robots.txt obeyed (Crawl-delay too, see crawler/politeness.py), a per-site delay,
# AutoThrottle adapting to each site's latency, few parallel requests per site.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.politeness.CrawlDelayAutoThrottle": 0,
    "scrapy.extensions.telnet.TelnetConsole": None,
    # the run: opens the database, owns the frontier and counters, writes crawl_runs; before
    # SourceProgress, which reads its sources
    "crawler.run.CrawlRun": 100,
    "crawler.progress.SourceProgress": 500,
}
PANTAU_PROGRESS_INTERVAL = 10.0  # seconds between per-source progress lines; 0 = none (progress)

# Robustness: retries for 5xx and timeouts, a timeout and a size limit per page.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
DNS_TIMEOUT = 20

DOWNLOADER_MIDDLEWARES = {
    # closest to the engine: sees each request once, with its final outcome
    "crawler.middlewares.ConditionalRequestMiddleware": 50,
    # closest to the network: counts every request sent and every raw response
    "crawler.middlewares.SourceStatsMiddleware": 950,
}
ITEM_PIPELINES = {
    "pipelines.stages.ExtractStage": 100,
    "pipelines.stages.WindowStage": 200,
    "pipelines.stages.ScoreStage": 300,
    "pipelines.stages.StoreStage": 900,
}

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
