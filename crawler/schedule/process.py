"""One crawl as its own process: the command line, the watchdogs, and how it ended.

Why a process per crawl: Scrapy's reactor cannot be restarted, and a crawl that hangs or leaks
must be killable without taking the scheduler down. :class:`CrawlProcess` starts
``python -m crawler.cli crawl ...`` in its own process group and watches it:

- a **stall watchdog** ends a crawl whose log has been silent for ``stall_minutes`` (Scrapy logs
  its stats every ``LOGSTATS_INTERVAL``, so silence means the reactor itself is stuck, e.g. in a
  pathological page's extraction, where no Scrapy timeout can fire);
- the **hard time limit** ends it at ``time_limit_minutes`` (``CLOSESPIDER_TIMEOUT`` lets Scrapy
  close itself a little earlier, so its rows say ``interrupted``);
- a **stop request** (the scheduler got SIGTERM) ends it too.

Ending means SIGTERM to the process group (Scrapy finishes gracefully and writes its run rows),
then SIGKILL after ``grace_seconds``. :func:`judge` names the outcome from the exit status and
the run rows the crawl wrote.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from crawler.exitcodes import ALL_BUSY, RUN_CODES
from crawler.schedule.config import CrawlSettings

log = logging.getLogger("pantau.scheduler")


def utc_stamp() -> str:
    """Now as the crawl stores times (UTC, seconds, ISO 8601 with +00:00), to compare with them."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def crawl_command(crawl: CrawlSettings, select: Sequence[str]) -> list[str]:
    """``python -m crawler.cli crawl ...``: no console script needs to be on PATH."""
    cmd = [crawl.python or sys.executable, "-m", "crawler.cli", "crawl", "--sources",
           str(crawl.sources), "--db", str(crawl.db), "--max-pages", str(crawl.max_pages)]
    for name in select:
        cmd += ["--source", name]
    if crawl.since:
        cmd += ["--since", crawl.since]
    for name, value in crawl.scrapy_settings().items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


class CrawlProcess:
    """One running ``pantau crawl`` in its own process group, with its watchdogs."""

    def __init__(self, cmd: Sequence[str], crawl: CrawlSettings, log_path: Path) -> None:
        self.crawl = crawl
        self.log_path = log_path
        self.began = time.monotonic()
        self.ending: str | None = None       # why we are ending it: stopped | time_limit | stalled
        self._signalled_at: float | None = None
        self._out: IO[bytes] = open(log_path, "ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        try:
            self.proc = subprocess.Popen(list(cmd), cwd=crawl.workdir, env=env, stdout=self._out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)  # Ctrl-C reaches us, not it
        except OSError:
            self._out.close()
            raise

    def wait(self, stop: threading.Event) -> int:
        """Wait for the crawl, enforcing the stop request, the time limit and the stall watchdog."""
        try:
            while (code := self.proc.poll()) is None:
                self._watch(stop)
                time.sleep(0.2)
            return code
        finally:
            self._out.close()

    def _watch(self, stop: threading.Event) -> None:
        now = time.monotonic()
        if self._signalled_at is not None:
            if now - self._signalled_at > self.crawl.grace_seconds:
                log.warning("crawl %s did not end within %gs: SIGKILL", self.proc.pid,
                            self.crawl.grace_seconds)
                self._signal(signal.SIGKILL)
            return
        if stop.is_set():
            self.end("stopped")
        elif now - self.began > self.crawl.time_limit_minutes * 60:
            self.end("time_limit")
        elif now - self._last_output() > self.crawl.stall_minutes * 60:
            self.end("stalled")

    def _last_output(self) -> float:
        """When the crawl last wrote to its log, on the monotonic clock."""
        try:
            age = time.time() - self.log_path.stat().st_mtime
        except OSError:
            return self.began
        return max(self.began, time.monotonic() - age)

    def end(self, why: str) -> None:
        """SIGTERM once: Scrapy closes gracefully and writes its run rows."""
        if self._signalled_at is None:
            log.warning("ending crawl %s: %s", self.proc.pid, why)
            self.ending = why
            self._signalled_at = time.monotonic()
            self._signal(signal.SIGTERM)

    def _signal(self, sig: signal.Signals) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass


def last_line(path: Path) -> str:
    """The crawl's last words, for the alert when it crashed."""
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
                 if ln.strip()]
    except OSError:
        return ""
    return lines[-1][-300:] if lines else ""


def judge(ending: str | None, code: int, rows: Sequence[Mapping[str, Any]],
          orphans: int) -> tuple[str, str]:
    """The run's outcome and a one-line detail, from how it ended and what it wrote."""
    if ending:
        return ending, f"crawl ended by the scheduler ({ending}), exit status {code}"
    if code not in RUN_CODES:
        return "crashed", f"crawl exited with status {code}"
    if not rows or orphans:
        return "crashed", "crawl exited without finishing its run rows"
    crawled = [r for r in rows if r["status"] != "skipped"]
    if code == ALL_BUSY or not crawled:
        return "busy", "another crawl holds every source of this group"
    if any(r["status"] == "interrupted" for r in crawled):
        return "interrupted", "the crawl closed before the end (CLOSESPIDER_TIMEOUT or a signal)"
    if all(r["status"] == "failed" for r in crawled):
        return "failed", "every source failed"
    return "ok", ""
