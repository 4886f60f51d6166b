"""The limits that cut a source's work in one run, and the record that they did.

Why a record: a limit (listing pages per chain, child sitemaps per index, pages per source, time
per source) keeps one night's crawl bounded, but a limit that cuts silently loses an archive. The
spider leaves what a limit cut in the durable frontier (``pipelines/storage/frontier.py``), so a
large archive completes over several nights, and records here which limit stopped which source
where; the crawl run writes it to ``crawl_runs.limits``, and the summary table and
``pantau health`` show it.
"""

from __future__ import annotations

from typing import Any

LIMITS = {
    "listing_pages": "PANTAU_MAX_LISTING_PAGES",
    "feed_pages": "PANTAU_MAX_LISTING_PAGES",
    "sitemaps": "PANTAU_MAX_SITEMAPS",
    "max_pages": "PANTAU_MAX_PAGES",
    "source_time": "PANTAU_MAX_SOURCE_MINUTES",
}
"""Each limit that can cut a source's work in a run, and the setting that sets it."""


class RunLimits:
    """The limits a run hit, per source: which one, its value, how often, and where it stopped
    first (``crawl_runs.limits``: ``{"listing_pages": {"limit": 20, "hits": 1, "at": URL,
    "setting": "PANTAU_MAX_LISTING_PAGES"}}``). What a limit cut stays in the durable frontier
    for the next run; this is the record that it happened."""

    def __init__(self) -> None:
        self.hits: dict[str, dict[str, dict[str, Any]]] = {}

    def hit(self, source: str, name: str, limit: float, at: str, n: int = 1) -> bool:
        """Record a hit; True the first time this limit stopped this source in the run."""
        if name not in LIMITS:
            raise KeyError(name)
        by_name = self.hits.setdefault(source, {})
        first = name not in by_name
        entry = by_name.setdefault(name, {"limit": limit, "hits": 0, "at": at,
                                          "setting": LIMITS[name]})
        entry["hits"] += n
        return first

    def of(self, source: str) -> dict[str, dict[str, Any]]:
        return self.hits.get(source, {})
