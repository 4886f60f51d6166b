"""Per-source counters of one crawl run, kept in Scrapy's stats and written to ``crawl_runs``.

Why Scrapy's stats: they are the crawl's one counter store (dumped at the end of every log,
visible to any component through ``crawler.stats``), so Pantau's per-source counters live there
too. This module is the one place that knows their keys:

- ``pantau/<source>/<name>`` for ``requests``, ``pages``, ``new_articles``, ``known_skipped``,
  ``too_old``, ``not_articles``;
- ``pantau/<source>/errors/<kind>`` (``http_404``, ``timeout``, ``garbage`` …);
- ``pantau/<source>/skipped/<kind>`` (``not_modified``, ``robots_disallowed``,
  ``over_max_pages``, ``document_links`` …).

:class:`RunCounters` increments them (``stats.inc_value``); :meth:`SourceCounts.from_stats` reads
one source's back in the shape of its ``crawl_runs`` row, which the crawl run writes at close.

Errors are counted by kind (``http_404``, ``http_500``, ``timeout``, ``dns``, ``connection``,
``not_html``, ``garbage``, ``too_large`` …) at the moment they happen, one count per attempt: a
page that answered 500 and then 200 on retry shows ``http_500: 1`` beside a stored article.

Two functions name a failed page, from the exception Scrapy hands over:

:func:`error_kind` names a download error (what reaches a downloader middleware's
``process_exception`` or an errback):

- ``dns``, ``timeout``, ``connection_refused``, ``connection_lost``: Scrapy's own classes
  (``CannotResolveHostError``, ``DownloadTimeoutError`` …, Scrapy >= 2.14) or Twisted's;
- ``too_large``: a page over ``DOWNLOAD_MAXSIZE``. Scrapy >= 2.14 raises
  ``DownloadCancelledError`` with the message of ``scrapy.utils._download_handlers.
  get_maxsize_msg`` ("Expected to receive N bytes which is larger than download max size (M) in
  request …" when Content-Length announces it, "Received N bytes …" for the streaming
  handlers); older Scrapy raised a ``CancelledError`` whose message said the same;
- ``cancelled``: any other ``DownloadCancelledError``. Note that Scrapy 2.19's HTTP/1.1 handler
  cancels a body that grows past the limit *without* a Content-Length (chunked or close-delimited)
  by cancelling a Deferred: the ``DownloadCancelledError`` then has an empty message (the size is
  only in the warning it logs), so such a page is counted as ``cancelled``, not ``too_large``;
- anything else: the exception's class name, lower case (``valueerror``).

:func:`ignored_kind` names an ``IgnoreRequest`` that one of Scrapy's own downloader
middlewares raised for a response it refused, which reaches only the request's errback (no
``process_exception`` sees an exception raised in ``process_response``):

- ``decompression_bomb``: ``HttpCompressionMiddleware`` refused a response whose body grew past
  ``DOWNLOAD_MAXSIZE`` while being decompressed ("Ignored response … exceeded DOWNLOAD_MAXSIZE
  (N B) during decompression.");
- ``too_large``: any other refusal naming the maximum size;
- ``redirect_loop``: ``RedirectMiddleware`` (or ``MetaRefreshMiddleware``) gave up after
  ``REDIRECT_MAX_TIMES`` hops ("max redirections reached"): a redirect loop, or a chain too
  long to be worth following;
- ``None`` for everything else: robots.txt refusals ("Forbidden by robots.txt", counted as
  skipped ``robots_disallowed``), offsite filtering, ``HttpError`` (the 4xx/5xx already counted
  as ``http_<status>``), and any ``IgnoreRequest`` of Pantau's own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scrapy.exceptions import IgnoreRequest
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


COUNTS = ("requests", "pages", "new_articles", "known_skipped", "too_old", "not_articles")
GROUPS = ("errors", "skipped")
PREFIX = "pantau"


def stats_key(source: str, name: str, kind: str | None = None) -> str:
    """``pantau/<source>/<name>``, or ``pantau/<source>/<errors|skipped>/<kind>``."""
    return f"{PREFIX}/{source}/{name}" if kind is None else f"{PREFIX}/{source}/{name}/{kind}"


@dataclass
class SourceCounts:
    """One source's counters, in the shape of its ``crawl_runs`` row."""

    requests: int = 0
    pages: int = 0
    new_articles: int = 0
    known_skipped: int = 0
    too_old: int = 0
    not_articles: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_stats(cls, stats: Any, source: str) -> SourceCounts:
        """A view of one source's counters as they are now in a Scrapy stats collector."""
        head = stats_key(source, "")
        counts = cls()
        for key, value in stats.get_stats().items():
            if not key.startswith(head):
                continue
            name, _, kind = key[len(head):].partition("/")
            if name in GROUPS and kind:
                getattr(counts, name)[kind] += value
            elif name in COUNTS and not kind:
                setattr(counts, name, value)
        return counts

    def as_row(self) -> dict[str, Any]:
        return {"requests": self.requests, "pages": self.pages, "new_articles": self.new_articles,
                "known_skipped": self.known_skipped, "too_old": self.too_old,
                "not_articles": self.not_articles, "errors": dict(self.errors),
                "skipped": dict(self.skipped)}


class RunCounters:
    """Increments per-source counters in a Scrapy stats collector (anything with
    ``inc_value`` and ``get_stats``). A count of 0 writes nothing, so a run row never shows an
    error or skip kind that did not happen."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    def add(self, source: str, name: str, n: int = 1) -> None:
        """One of ``COUNTS`` (``requests``, ``pages``, ``new_articles`` …)."""
        if name not in COUNTS:
            raise KeyError(name)
        if n:
            self.stats.inc_value(stats_key(source, name), n)

    def error(self, source: str, kind: str) -> None:
        """A failed attempt, by kind (``http_404``, ``timeout``, ``garbage`` …)."""
        self.stats.inc_value(stats_key(source, "errors", kind))

    def skip(self, source: str, kind: str, n: int = 1) -> None:
        """Something deliberately not fetched or not stored (``not_modified``, ``over_max_pages`` …)."""
        if n:
            self.stats.inc_value(stats_key(source, "skipped", kind), n)

    def counts(self, source: str) -> SourceCounts:
        """One source's counters as they are now."""
        return SourceCounts.from_stats(self.stats, source)


_EXCEPTION_KINDS: tuple[tuple[type[BaseException], str], ...] = SCRAPY_KINDS + (
    (DNSLookupError, "dns"),
    (TwistedTimeoutError, "timeout"),
    (TCPTimedOutError, "timeout"),
    (ConnectionRefusedError, "connection_refused"),
    (ConnectionLost, "connection_lost"),
    (ConnectionDone, "connection_lost"),
)


# Scrapy's maxsize messages, from its source: get_maxsize_msg() in scrapy/utils/_download_handlers.py
# (>= 2.14: "Expected to receive|Received N bytes which is larger than download max size (M) in
# request …"), the HTTP/1.1 handler before 2.14 ("Cancelling download of …: expected response size
# (N) larger than download max size (M)."), and HttpCompressionMiddleware's "Ignored response …
# because its body (… B compressed, … B decompressed so far) exceeded DOWNLOAD_MAXSIZE (N B)
# during decompression."
MAXSIZE = re.compile(r"\bmax ?size\b|\bdownload_maxsize\b", re.IGNORECASE)
DECOMPRESSION_MAXSIZE = re.compile(r"\bexceeded download_maxsize\b.*\bduring decompression\b",
                                   re.IGNORECASE)
MAX_REDIRECTIONS = "max redirections reached"   # scrapy/downloadermiddlewares/redirect.py
CANCELLED: tuple[type[BaseException], ...] = tuple(cls for cls, kind in SCRAPY_KINDS if kind == "cancelled")


def error_kind(exc: BaseException) -> str:
    """A short, stable name for a download exception, for the errors-by-kind counts."""
    text = str(exc)
    if isinstance(exc, CANCELLED) and MAXSIZE.search(text):
        return "too_large"      # Scrapy >= 2.14 cancels a page over DOWNLOAD_MAXSIZE
    for cls, kind in _EXCEPTION_KINDS:
        if isinstance(exc, cls):
            return kind
    name = type(exc).__name__
    lowered = text.lower()
    if MAXSIZE.search(text) or "larger than" in lowered:
        return "too_large"
    if "timeout" in name.lower() or "timed out" in lowered:
        return "timeout"
    return name.lower()


def ignored_kind(exc: BaseException) -> str | None:
    """The error kind of an ``IgnoreRequest`` raised by one of Scrapy's own middlewares
    (``decompression_bomb``, ``too_large``, ``redirect_loop``), or None when the refusal is not
    an error of the page (robots.txt, offsite, ``HttpError``, anything else)."""
    if not isinstance(exc, IgnoreRequest):
        return None
    text = str(exc)
    if DECOMPRESSION_MAXSIZE.search(text) or type(exc.__cause__).__name__ == "_DecompressionMaxSizeExceeded":
        return "decompression_bomb"
    if MAXSIZE.search(text):
        return "too_large"
    if MAX_REDIRECTIONS in text.lower():
        return "redirect_loop"
    return None
