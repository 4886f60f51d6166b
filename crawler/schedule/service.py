"""The scheduling service (:class:`Nightly`): jobs per group, one crawl at a time, then health
and alerts.

Guarantees:

- **Never two crawls at once.** One worker thread (a second group that fires meanwhile waits its
  turn), ``max_instances=1`` and ``coalesce=True`` per job (a trigger firing during its own crawl
  is skipped; missed firings collapse into one), and an exclusive lock file beside the jobs file,
  so a cron ``--once`` run and the service cannot overlap either.
- **Missed nights are caught up** within ``misfire_grace_minutes``: the jobs live in APScheduler's
  own SQLAlchemy job store on the jobs file (:func:`pipelines.storage.scheduler.job_store`), and
  an unchanged schedule keeps its stored next fire time across restarts (:func:`kept_fire_time`),
  so a machine that was off at 01:00 crawls when it comes back.
- **A killed crawl leaves no half-open rows**: rows it left ``running`` are closed as
  ``interrupted`` at once (the next crawl would do it too).
- **Clean shutdown** on SIGTERM/SIGINT: no new crawl starts, the running one gets SIGTERM and up
  to ``grace_seconds`` to write its rows, its alerts go out, and the service returns.

The jobs name their function by text, :data:`JOB_FUNC`; job files written by release 0.1.0 name
``scheduler:fire``, which ``scheduler.py`` keeps as an alias of :func:`fire`. The databases are
read and written only through :mod:`pipelines.storage`.
"""

from __future__ import annotations

import fcntl
import logging
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import BaseJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger

from crawler.alerts import RunReport, Story, notify, read_new_stories
from crawler.health import SourceHealth, assess_all, read_histories
from crawler.schedule.config import Config, Group, check_sources
from crawler.schedule.process import CrawlProcess, crawl_command, judge, last_line, utc_stamp
from pipelines.storage import DatabaseError, DatabaseMissing, Store
from pipelines.storage.scheduler import SchedulerState, job_store

log = logging.getLogger("pantau.scheduler")

JOB_FUNC = "crawler.schedule.service:fire"   # textual, so the stored jobs survive any entry point


class Nightly:
    """The scheduling service: jobs per group, one crawl at a time, health and alerts after each."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.stop = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self.current: CrawlProcess | None = None
        self.scheduler: BlockingScheduler | None = None
        config.schedule.jobs_db.parent.mkdir(parents=True, exist_ok=True)
        config.schedule.log_dir.mkdir(parents=True, exist_ok=True)
        self.state = SchedulerState(config.schedule.jobs_db)

    # serving -----------------------------------------------------------------------------------
    def serve(self) -> None:
        """Run until SIGTERM or SIGINT; returns once the running crawl has ended."""
        global ACTIVE
        ACTIVE = self
        self.scheduler = self._build_scheduler()
        self._install_signals()
        self.scheduler.add_listener(self._on_started, EVENT_SCHEDULER_STARTED)
        self.add_jobs(self.scheduler)
        log.info("scheduler started: %s", ", ".join(
            f"{g.name} ({self._when(g)})" for g in self.config.schedule.all_groups()))
        self.scheduler.start()             # blocks until shutdown
        self.idle.wait()
        log.info("scheduler stopped")

    def once(self, groups: Sequence[str] = ()) -> list[RunReport]:
        """Crawl the groups one after the other now (every group by default): the cron mode."""
        self._install_signals()
        names = list(groups) or [g.name for g in self.config.schedule.all_groups()]
        runs = []
        for name in names:
            if self.stop.is_set():
                break
            run = self.run_group(name)
            if run is not None:
                runs.append(run)
        return runs

    def _build_scheduler(self) -> BlockingScheduler:
        grace = int(self.config.schedule.misfire_grace_minutes * 60)
        return BlockingScheduler(
            jobstores={"default": job_store(self.config.schedule.jobs_db)},
            executors={"default": ThreadPoolExecutor(max_workers=1)},   # one crawl at a time
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
            timezone=self.config.schedule.timezone)

    def _when(self, group: Group) -> str:
        s = self.config.schedule
        return f"every {s.interval_seconds:g}s" if s.interval_seconds > 0 else f"cron {group.cron}"

    def add_jobs(self, scheduler: BaseScheduler) -> None:
        """Configured groups become jobs; an unchanged job keeps its stored next fire time (so a
        night missed while the machine was off is caught up); removed groups are dropped."""
        store = job_store(self.config.schedule.jobs_db)
        store.start(scheduler, "probe")
        try:
            wanted = {f"crawl:{g.name}": g for g in self.config.schedule.all_groups()}
            for job in store.get_all_jobs():
                if job.id not in wanted:
                    store.remove_job(job.id)
            for job_id, group in wanted.items():
                trigger = self.config.schedule.trigger(group)
                kept = kept_fire_time(store, job_id, trigger)
                extra = {"next_run_time": kept} if kept else {}
                scheduler.add_job(JOB_FUNC, trigger, id=job_id, name=f"crawl {group.name}",
                                  kwargs={"group": group.name}, replace_existing=True, **extra)
        finally:
            store.shutdown()

    def _install_signals(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._on_signal)
            signal.signal(signal.SIGINT, self._on_signal)

    def _on_started(self, event: Any) -> None:
        """A signal that came before the scheduler was running still stops it."""
        if self.stop.is_set() and self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """Stop accepting jobs and end the running crawl gracefully; serve() then returns."""
        log.info("%s received: stopping", signal.Signals(signum).name)
        self.stop.set()
        if self.current is not None:
            self.current.end("stopped")
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    # one scheduled run -------------------------------------------------------------------------
    def run_group(self, name: str) -> RunReport | None:
        """Crawl one group, then judge health and alert. Never raises: the schedule goes on."""
        if self.stop.is_set():
            return None
        self.idle.clear()
        try:
            select = self._selection(name)
            if select is None:
                return None
            with self._exclusive() as got:
                if not got:
                    log.warning("group %s skipped: another Pantau crawl holds the lock", name)
                    return None
                run = self._crawl(name, select)
            return self._after(run)
        except Exception as exc:
            log.exception("group %s: the scheduled run failed", name)
            self._alert_failure(name, exc)
            return None
        finally:
            self.idle.set()

    def _selection(self, name: str) -> list[str] | None:
        """``--source`` names for a group; [] for "all"; None when the default group is empty."""
        groups = {g.name: g for g in self.config.schedule.groups}
        if name in groups:
            return list(groups[name].sources)
        if not self.config.schedule.groups:
            return []
        grouped = {s for g in self.config.schedule.groups for s in g.sources}
        rest = [s for s in check_sources(self.config) if s not in grouped]
        return rest or None

    @contextmanager
    def _exclusive(self) -> Iterator[bool]:
        """An flock beside the jobs file: one Pantau scheduler crawl at a time on this machine."""
        path = self.config.schedule.jobs_db.with_suffix(".lock")
        with open(path, "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _crawl(self, name: str, select: Sequence[str]) -> RunReport:
        crawl = self.config.crawl
        self._init_watermark()
        started = utc_stamp()
        log_path = self._log_path(name)
        log.info("group %s: crawl starting, output in %s", name, log_path)
        self.current = CrawlProcess(crawl_command(crawl, select), crawl, log_path)
        log.info("group %s: crawl pid %d", name, self.current.proc.pid)
        try:
            code = self.current.wait(self.stop)
        finally:
            ending, self.current = self.current.ending, None
        rows = crawl_rows(crawl.db, started)
        run_ids = tuple(dict.fromkeys(r["run_id"] for r in rows))
        orphans = close_orphan_rows(crawl.db, run_ids)
        outcome, detail = judge(ending, code, rows, orphans)
        if outcome == "crashed" and (words := last_line(log_path)):
            detail = f"{detail}: {words}"
        run = RunReport(name, started, utc_stamp(), outcome, detail,
                        sum(r["new_articles"] or 0 for r in rows), run_ids, returncode=code,
                        sources=tuple(sorted({r["source"] for r in rows} | set(select))),
                        log=log_path)
        log.info("group %s: %s, %d new articles%s", name, outcome, run.new_articles,
                 f" ({detail})" if detail else "")
        return run

    def _log_path(self, name: str) -> Path:
        folder = self.config.schedule.log_dir
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        logs = sorted(folder.glob("crawl-*.log"))
        for old in logs[: max(len(logs) - self.config.schedule.keep_logs + 1, 0)]:
            old.unlink(missing_ok=True)
        return folder / f"crawl-{stamp}-{name}.log"

    def _init_watermark(self) -> None:
        """On the very first run, alert only on what this run brings, not on the archive."""
        if self.state.get("alerts.after_id") is None:
            self.state.put("alerts.after_id", newest_article_id(self.config.crawl.db))

    def _alert_failure(self, name: str, exc: Exception) -> None:
        """A run that could not even start (a broken sources file, a full disk) is alerted too."""
        now = utc_stamp()
        try:
            notify(self.config.alerts, RunReport(name, now, now, "crashed",
                                                 f"the run could not start: {exc}"))
        except Exception:
            log.exception("group %s: the failure alert failed", name)

    # after a run -------------------------------------------------------------------------------
    def _after(self, run: RunReport) -> RunReport:
        self.state.record(asdict(run))
        run = self.report(run)
        if run.worth_sending():
            channels = notify(self.config.alerts, run)
            log.info("group %s: alerts sent to %s", run.group, ", ".join(channels) or "nobody")
        return run

    def report(self, run: RunReport) -> RunReport:
        """The run with the stories since the last alert and the health of its sources."""
        db, alerts = self.config.crawl.db, self.config.alerts
        stories: tuple[Story, ...] = ()
        if db.exists():
            after = int(self.state.get("alerts.after_id", 0))
            with Store(db, readonly=True) as store:
                stories, top = read_new_stories(store, after, alerts.min_score,
                                                alerts.max_stories)
            self.state.put("alerts.after_id", top)
        health = self._health(run.sources)
        unhealthy = tuple(h for h in health if not h.healthy)
        before = set(self.state.get("health.unhealthy", []))
        now_bad = {h.source for h in unhealthy}
        checked = {h.source for h in health}
        self.state.put("health.unhealthy", sorted((before - checked) | now_bad))
        return replace(run, stories=stories, unhealthy=unhealthy,
                       newly_unhealthy=frozenset(now_bad - before),
                       recovered=tuple(sorted((before & checked) - now_bad)))

    def _health(self, sources: Sequence[str]) -> list[SourceHealth]:
        db = self.config.crawl.db
        if not db.exists() or not sources:
            return []
        with Store(db, readonly=True) as store:
            histories = read_histories(store, self.config.health, sources)
        return assess_all(histories, self.config.health)


# the stored jobs -------------------------------------------------------------------------------
def kept_fire_time(store: BaseJobStore, job_id: str, trigger: BaseTrigger) -> datetime | None:
    """The stored next fire time of a job whose trigger is unchanged (APScheduler would otherwise
    recompute it from now when the job is added again, and a missed night would be lost)."""
    old = store.lookup_job(job_id)
    if old is None or repr(old.trigger) != repr(trigger):
        return None
    return old.next_run_time


ACTIVE: Nightly | None = None


def fire(group: str) -> None:
    """The job APScheduler runs (referenced by name in the job store, :data:`JOB_FUNC`)."""
    if ACTIVE is None:
        raise RuntimeError("no Nightly service is running in this process")
    ACTIVE.run_group(group)


def next_runs(config: Config) -> list[tuple[str, str, str]]:
    """(group, schedule, next fire time) for ``pantau schedule --list``."""
    now = datetime.now(UTC)
    out = []
    for group in config.schedule.all_groups():
        trigger = config.schedule.trigger(group)
        when = trigger.get_next_fire_time(None, now)
        what = ", ".join(group.sources) or ("every source" if not config.schedule.groups
                                            else "sources in no group")
        out.append((group.name, what, when.isoformat() if when else "never"))
    return out


# what the crawl wrote (through the storage layer) ----------------------------------------------
def crawl_rows(db: Path, started: str) -> list[dict[str, Any]]:
    """The ``crawl_runs`` rows of crawls started at or after `started` (this crawl's rows)."""
    try:
        with Store(db, readonly=True) as store:
            return store.runs_started_since(started)
    except (DatabaseMissing, DatabaseError):   # never created, or created without its tables
        return []


def close_orphan_rows(db: Path, run_ids: Sequence[str]) -> int:
    """Rows a killed crawl left ``running`` become ``interrupted`` now, not at the next crawl.

    Only this crawl's run ids are touched (a manual crawl running beside us is left alone).
    """
    if not run_ids or not db.exists():
        return 0
    with Store(db) as store:
        return store.mark_interrupted_runs(run_ids)


def newest_article_id(db: Path) -> int:
    """The highest article id stored (0 without a database): the alerts' first watermark."""
    try:
        with Store(db, readonly=True) as store:
            return store.max_article_id()
    except (DatabaseMissing, DatabaseError):
        return 0
