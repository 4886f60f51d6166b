"""``pantau crawl``'s exit status: what a script, cron or the scheduler can tell from it.

Why a module of its own: the crawl command sets it and the scheduler (which runs the crawl as a
process and must not import the command) reads it; both take the meaning from here.

====  ==========================================================================================
0     every source crawled (sources another crawl held are said, and are not a failure)
1     the crawl could not start: a bad sources file, ``--since``, database (one line says why)
2     a mistake on the command line (click's usage error)
3     some sources failed (nothing usable came back from them); the others were crawled
4     every source failed
5     stopped before the end: a signal (SIGTERM, Ctrl-C) or ``CLOSESPIDER_TIMEOUT``; what it
      did not finish stays in the frontier and the next run carries on
6     nothing crawled: another crawl holds every selected source
====  ==========================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

OK, NOT_STARTED, USAGE, SOME_FAILED, ALL_FAILED, STOPPED, ALL_BUSY = 0, 1, 2, 3, 4, 5, 6
RUN_CODES = frozenset({OK, SOME_FAILED, ALL_FAILED, STOPPED, ALL_BUSY})
"""Codes of a crawl that ran and closed its run rows (the rows say more)."""


def crawl_exit_code(rows: Iterable[Mapping[str, Any]]) -> int:
    """The exit status of a crawl, from its run rows (one per source)."""
    statuses = [r["status"] for r in rows]
    crawled = [s for s in statuses if s != "skipped"]
    if any(s in ("interrupted", "running") for s in crawled):
        return STOPPED
    if not crawled:
        return ALL_BUSY if statuses else OK
    failed = sum(s == "failed" for s in crawled)
    if failed == len(crawled):
        return ALL_FAILED
    return SOME_FAILED if failed else OK
