"""Per-source counters of one crawl run, kept in Scrapy's stats and written to ``crawl_runs``.

Why Scrapy's stats: they are the crawl's one counter store (dumped at the end of every log,
visible to any component through ``crawler.stats``), so Pantau's per-source counters live there
too, under ``pantau/<source>/<name>``, ``pantau/<source>/errors/<kind>`` and
``pantau/<source>/skipped/<kind>``. This module is the one place that knows those keys:
:class:`RunCounters` increments them, :meth:`RunCounters.counts` reads one source's back as a
:class:`SourceCounts` (the shape of a ``crawl_runs`` row).

Errors are counted by kind (``http_404``, ``http_500``, ``timeout``, ``dns``, ``connection``,
``not_html``, ``garbage``, ``too_large`` …) at the moment they happen, one count per attempt: a
page that answered 500 and then 200 on retry shows ``http_500: 1`` beside a stored article.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import (
    TimeoutError as TwistedTimeoutError,
)

try:  # Scrapy >= 2.14 wraps the download errors of every handler in its own classes
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadCancelledError,
        DownloadConnectionRefusedError,
        DownloadTimeoutError,
        ResponseDataLossError,
    )
    SCRAPY_KINDS: tuple[tuple[type[BaseException], str], ...] = (
        (CannotResolveHostError, "dns"),
        (DownloadTimeoutError, "timeout"),
        (DownloadConnectionRefusedError, "connection_refused"),
        (ResponseDataLossError, "connection_lost"),
        (DownloadCancelledError, "cancelled"),
    )
except ImportError:  # older Scrapy raised Twisted's errors directly
    SCRAPY_KINDS = ()


@dataclass
class SourceCounts:
    requests: int = 0
    pages: int = 0
    new_articles: int = 0
    known_skipped: int = 0
    too_old: int = 0
    not_articles: int = 0
    errors: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    def as_row(self) -> dict[str, Any]:
        return {"requests": self.requests, "pages": self.pages, "new_articles": self.new_articles,
                "known_skipped": self.known_skipped, "too_old": self.too_old,
                "not_articles": self.not_articles, "errors": dict(self.errors),
                "skipped": dict(self.skipped)}


COUNTS = ("requests", "pages", "new_articles", "known_skipped", "too_old", "not_articles")
PREFIX = "pantau"


class RunCounters:
    """Per-source counters over a Scrapy stats collector (anything with ``inc_value`` and
    ``get_stats``)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    def add(self, source: str, name: str, n: int = 1) -> None:
        """One of ``COUNTS``."""
        if name not in COUNTS:
            raise KeyError(name)
        self.stats.inc_value(f"{PREFIX}/{source}/{name}", n)

    def error(self, source: str, kind: str) -> None:
        self.stats.inc_value(f"{PREFIX}/{source}/errors/{kind}")

    def skip(self, source: str, kind: str) -> None:
        self.stats.inc_value(f"{PREFIX}/{source}/skipped/{kind}")

    def counts(self, source: str) -> SourceCounts:
        """One source's counters as they are now."""
        head = f"{PREFIX}/{source}/"
        counts = SourceCounts()
        for key, value in self.stats.get_stats().items():
            if not key.startswith(head):
                continue
            name = key[len(head):]
            group, _, kind = name.partition("/")
            if group in ("errors", "skipped") and kind:
                getattr(counts, group)[kind] += value
            elif name in COUNTS:
                setattr(counts, name, value)
        return counts


_EXCEPTION_KINDS: tuple[tuple[type[BaseException], str], ...] = SCRAPY_KINDS + (
    (DNSLookupError, "dns"),
    (TwistedTimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (ConnectionRefusedError, "connection_refused"),
    (ConnectionLost, "connection_lost"),
    (ConnectionDone, "connection_lost"),
)


def error_kind(exc: BaseException) -> str:
    """A short, stable name for a download exception, for the errors-by-kind counts."""
    for cls, kind in _EXCEPTION_KINDS:
        if isinstance(exc, cls):
            return kind
    name = type(exc).__name__
    text = str(exc).lower()
    if "maxsize" in text or "larger than" in text:
        return "too_large"
    if "timeout" in name.lower() or "timed out" in text:
        return "timeout"
    return name.lower()
