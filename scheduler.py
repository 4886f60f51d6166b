"""Decides WHEN to crawl: the nightly service's entry point, ``python scheduler.py --config ...``.

The parts live in :mod:`crawler.schedule` (settings schema, crawl process and watchdogs, the
Nightly service); ``pantau schedule --config pantau.toml`` is the same command. This module stays
importable as ``scheduler`` for one reason: job files written by release 0.1.0 name their job
function ``scheduler:fire``, so :func:`fire` is kept here as an alias (the service rewrites such
jobs to ``crawler.schedule.service:fire`` when it starts, keeping their next fire time).
"""

from __future__ import annotations

from crawler.schedule.service import fire

__all__ = ["fire"]


def main() -> None:
    from crawler.ops_cli import schedule

    schedule(prog_name="scheduler.py")


if __name__ == "__main__":
    main()
