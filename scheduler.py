"""Decides WHEN to crawl: APScheduler fires, each crawl is its own ``pantau crawl`` process.

Why a process per crawl: Scrapy's reactor cannot be restarted, and a crawl that hangs or leaks
must be killable without taking the scheduler down. The scheduler only starts, watches and stops
those processes, then judges the sources' health and sends the alerts.

Guarantees:

- **Never two crawls at once.** One worker thread (a second group that fires meanwhile waits its
  turn), ``max_instances=1`` and ``coalesce=True`` per job (a trigger firing during its own crawl
  is skipped; missed firings collapse into one), and an exclusive lock file beside the job store,
  so a cron ``--once`` run and the service cannot overlap either.
- **Missed nights are caught up** within ``misfire_grace_minutes``: the job store is a SQLite file
  (:class:`SQLiteJobStore`, no SQLAlchemy needed), and an unchanged schedule keeps its stored next
  fire time across restarts, so a machine that was off at 01:00 crawls when it comes back.
- **One hung site cannot stall the night.** Per page, Scrapy's ``DOWNLOAD_TIMEOUT`` (and
  ``DNS_TIMEOUT``, ``DOWNLOAD_MAXSIZE``); per crawl, ``CLOSESPIDER_TIMEOUT`` lets Scrapy close
  itself in time (its rows say ``interrupted``); a **stall watchdog** ends a crawl whose log has
  been silent for ``stall_minutes`` (Scrapy logs its stats every ``LOGSTATS_INTERVAL``, so silence
  means the reactor itself is stuck, e.g. in a pathological page's extraction, where no Scrapy
  timeout can fire); and the **hard time limit** ends it at ``time_limit_minutes``. Ending means
  SIGTERM to the crawl's process group (Scrapy finishes gracefully and writes its run rows), then
  SIGKILL after ``grace_seconds``; rows a killed crawl left ``running`` are closed as
  ``interrupted`` at once (the next crawl would do it too).
- **Clean shutdown** on SIGTERM/SIGINT: no new crawl starts, the running one gets SIGTERM and up
  to ``grace_seconds`` to write its rows, its alerts go out, and the scheduler exits 0.

Settings (one TOML file, see ``pantau.example.toml``; relative paths are relative to it):

- ``[crawl]``: ``sources``, ``db``, ``since`` (empty: each source's own incremental window),
  ``max_pages``, ``time_limit_minutes`` (240), ``stall_minutes`` (30), ``grace_seconds`` (60),
  ``download_timeout`` (30), ``workdir`` (where crawls run; default the settings file's folder),
  ``python`` (the interpreter for crawls; default this one), ``[crawl.settings]`` (extra
  ``-s NAME=VALUE`` for every crawl).
- ``[schedule]``: ``timezone`` ("Asia/Jakarta"), ``cron`` ("0 1 * * *"), ``interval_seconds``
  (0; > 0 replaces every cron, for tests and trials), ``misfire_grace_minutes`` (360),
  ``jobs_db`` ("pantau-jobs.db": job store, alert watermark, scheduler run log), ``log_dir``
  ("logs": one output file per crawl), ``keep_logs`` (60), and ``[[schedule.groups]]`` with
  ``name``, ``sources`` and their own ``cron``; sources in no group are crawled by the default
  ``cron`` as group ``default``.
- ``[health]``: :class:`crawler.health.HealthSettings`. ``[alerts]``:
  :class:`crawler.alerts.AlertSettings`.

Run it as ``pantau schedule --config pantau.toml`` (or ``python scheduler.py --config ...``);
``--once`` crawls every group once now and exits (the cron alternative).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import pickle
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from typing import IO, Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import datetime_to_utc_timestamp, utc_timestamp_to_datetime

from crawler.alerts import AlertSettings, RunReport, notify, read_new_stories
from crawler.health import HealthSettings, SourceHealth, assess_all, read_histories

log = logging.getLogger("pantau.scheduler")

JOB_FUNC = "scheduler:fire"   # a textual reference, so the persisted jobs survive any entry point
DEFAULT_GROUP = "default"


class ConfigError(Exception):
    """The settings file is unreadable or wrong; the message names the file and the key."""


# settings --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CrawlSettings:
    sources: Path
    db: Path
    workdir: Path
    since: str = ""
    max_pages: int = 0
    time_limit_minutes: float = 240.0
    stall_minutes: float = 30.0
    grace_seconds: float = 60.0
    download_timeout: float = 30.0
    python: str = sys.executable
    settings: Mapping[str, str] = field(default_factory=dict)

    def scrapy_settings(self) -> dict[str, str]:
        """The watchdogs as Scrapy settings; ``[crawl.settings]`` may override any of them."""
        limit = self.time_limit_minutes * 60
        own = {
            "DOWNLOAD_TIMEOUT": f"{self.download_timeout:g}",
            # close gracefully before the hard limit, so the run rows are written by Scrapy
            "CLOSESPIDER_TIMEOUT": f"{max(limit - 2 * self.grace_seconds, limit / 2):g}",
            # the stall watchdog's heartbeat: stats lines keep the log moving while all is well
            "LOGSTATS_INTERVAL": f"{max(self.stall_minutes * 60 / 4, 1):g}",
        }
        return {**own, **{k: str(v) for k, v in self.settings.items()}}


@dataclass(frozen=True)
class Group:
    """Sources crawled together on one schedule; empty `sources` means "every other source"."""

    name: str
    sources: tuple[str, ...]
    cron: str


@dataclass(frozen=True)
class ScheduleSettings:
    timezone: str = "Asia/Jakarta"
    cron: str = "0 1 * * *"
    interval_seconds: float = 0.0
    misfire_grace_minutes: float = 360.0
    jobs_db: Path = Path("pantau-jobs.db")
    log_dir: Path = Path("logs")
    keep_logs: int = 60
    groups: tuple[Group, ...] = ()

    def all_groups(self) -> tuple[Group, ...]:
        """The configured groups plus the default one for every source in no group."""
        return (*self.groups, Group(DEFAULT_GROUP, (), self.cron))

    def trigger(self, group: Group) -> BaseTrigger:
        if self.interval_seconds > 0:
            return IntervalTrigger(seconds=self.interval_seconds, timezone=self.timezone)
        return CronTrigger.from_crontab(group.cron, timezone=self.timezone)


@dataclass(frozen=True)
class Config:
    path: Path
    crawl: CrawlSettings
    schedule: ScheduleSettings
    health: HealthSettings
    alerts: AlertSettings


def load_config(path: str | Path) -> Config:
    """Read and check the settings file; every mistake is one ConfigError naming the key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    unknown = sorted(set(data) - {"crawl", "schedule", "health", "alerts"})
    if unknown:
        raise ConfigError(f"{path}: unknown table(s) {', '.join(unknown)}")
    base = path.resolve().parent
    try:
        return Config(path, _crawl(data.get("crawl", {}), base),
                      _schedule(data.get("schedule", {}), base),
                      HealthSettings.from_mapping(data.get("health", {})),
                      AlertSettings.from_mapping(data.get("alerts", {})))
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _take(table: Mapping[str, Any], section: str, known: Sequence[str]) -> dict[str, Any]:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ValueError(f"[{section}]: unknown setting(s) {', '.join(unknown)} "
                         f"(known: {', '.join(known)})")
    return dict(table)


def _crawl(table: Mapping[str, Any], base: Path) -> CrawlSettings:
    t = _take(table, "crawl", ("sources", "db", "workdir", "since", "max_pages",
                               "time_limit_minutes", "stall_minutes", "grace_seconds",
                               "download_timeout", "python", "settings"))
    return CrawlSettings(
        sources=base / t.get("sources", "sources.yaml"), db=base / t.get("db", "pantau.db"),
        workdir=base / t.get("workdir", "."), since=str(t.get("since", "")),
        max_pages=int(t.get("max_pages", 0)),
        time_limit_minutes=float(t.get("time_limit_minutes", 240)),
        stall_minutes=float(t.get("stall_minutes", 30)),
        grace_seconds=float(t.get("grace_seconds", 60)),
        download_timeout=float(t.get("download_timeout", 30)),
        python=str(t.get("python") or sys.executable), settings=dict(t.get("settings", {})))


def _schedule(table: Mapping[str, Any], base: Path) -> ScheduleSettings:
    t = _take(table, "schedule", ("timezone", "cron", "interval_seconds", "misfire_grace_minutes",
                                  "jobs_db", "log_dir", "keep_logs", "groups"))
    settings = ScheduleSettings(
        timezone=str(t.get("timezone", "Asia/Jakarta")), cron=str(t.get("cron", "0 1 * * *")),
        interval_seconds=float(t.get("interval_seconds", 0)),
        misfire_grace_minutes=float(t.get("misfire_grace_minutes", 360)),
        jobs_db=base / t.get("jobs_db", "pantau-jobs.db"), log_dir=base / t.get("log_dir", "logs"),
        keep_logs=int(t.get("keep_logs", 60)),
        groups=tuple(_group(g, i) for i, g in enumerate(t.get("groups", []))))
    _check_schedule(settings)
    return settings


def _group(table: Mapping[str, Any], index: int) -> Group:
    t = _take(table, f"schedule.groups[{index}]", ("name", "sources", "cron"))
    if not t.get("name") or not t.get("sources") or not t.get("cron"):
        raise ValueError(f"[schedule.groups[{index}]]: name, sources and cron are required")
    if not re.fullmatch(r"[\w-]+", str(t["name"])):
        raise ValueError(f"[schedule.groups[{index}]]: name {t['name']!r}: letters, digits, "
                         "- and _ only (it names log files and jobs)")
    return Group(str(t["name"]), tuple(str(s) for s in t["sources"]), str(t["cron"]))


def _check_schedule(settings: ScheduleSettings) -> None:
    """Every cron expression and the time zone parse now, not at 01:00."""
    names = [g.name for g in settings.groups]
    if len(set(names)) != len(names) or DEFAULT_GROUP in names:
        raise ValueError(f"[schedule.groups]: names must be unique and not {DEFAULT_GROUP!r}")
    seen: dict[str, str] = {}
    for group in settings.groups:
        for source in group.sources:
            if source in seen:
                raise ValueError(f"[schedule.groups]: {source!r} is in both {seen[source]!r} "
                                 f"and {group.name!r}")
            seen[source] = group.name
    for group in settings.all_groups():
        try:
            CronTrigger.from_crontab(group.cron, timezone=settings.timezone)
        except (ValueError, KeyError) as exc:
            raise ValueError(f"group {group.name!r}: bad cron {group.cron!r} or timezone "
                             f"{settings.timezone!r}: {exc}") from exc


def check_sources(config: Config) -> list[str]:
    """The source names of the sources file; groups naming an unknown source are refused."""
    from crawler.sources import load_sources

    names = [s.name for s in load_sources(str(config.crawl.sources))]
    for group in config.schedule.groups:
        missing = sorted(set(group.sources) - set(names))
        if missing:
            raise ConfigError(f"{config.path}: group {group.name!r} names unknown source(s) "
                              f"{', '.join(missing)} (not in {config.crawl.sources})")
    return names


# the job store and the scheduler's own state ---------------------------------------------------
def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


@contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A short-lived connection that commits on success and is always closed."""
    conn = connect(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


class SQLiteJobStore(BaseJobStore):
    """APScheduler 3 jobs in a SQLite table, with the standard library only.

    The same contract as APScheduler's SQLAlchemyJobStore (pickled job state, next run time as a
    UTC timestamp), one short connection per call, so any scheduler thread may use it.
    """

    def __init__(self, path: Path, table: str = "apscheduler_jobs") -> None:
        super().__init__()
        self.path = path
        self.table = table

    def start(self, scheduler: Any, alias: str) -> None:
        super().start(scheduler, alias)
        with transaction(self.path) as conn:
            conn.execute(f"create table if not exists {self.table} (id text primary key, "
                         "next_run_time real, job_state blob not null)")
            conn.execute(f"create index if not exists {self.table}_next "
                         f"on {self.table} (next_run_time)")

    def lookup_job(self, job_id: str) -> Job | None:
        with transaction(self.path) as conn:
            row = conn.execute(f"select job_state from {self.table} where id = ?",
                               [job_id]).fetchone()
        return self._job(row[0]) if row else None

    def get_due_jobs(self, now: datetime) -> list[Job]:
        return self._jobs("where next_run_time <= ?", [datetime_to_utc_timestamp(now)])

    def get_next_run_time(self) -> datetime | None:
        with transaction(self.path) as conn:
            row = conn.execute(f"select min(next_run_time) from {self.table}").fetchone()
        return utc_timestamp_to_datetime(row[0]) if row and row[0] is not None else None

    def get_all_jobs(self) -> list[Job]:
        jobs = self._jobs()
        self._fix_paused_jobs_sorting(jobs)
        return jobs

    def add_job(self, job: Job) -> None:
        try:
            with transaction(self.path) as conn:
                conn.execute(f"insert into {self.table} values (?, ?, ?)", self._row(job))
        except sqlite3.IntegrityError:
            raise ConflictingIdError(job.id) from None

    def update_job(self, job: Job) -> None:
        _, when, state = self._row(job)
        with transaction(self.path) as conn:
            cur = conn.execute(f"update {self.table} set next_run_time = ?, job_state = ? "
                               "where id = ?", [when, state, job.id])
        if cur.rowcount == 0:
            raise JobLookupError(job.id)

    def remove_job(self, job_id: str) -> None:
        with transaction(self.path) as conn:
            cur = conn.execute(f"delete from {self.table} where id = ?", [job_id])
        if cur.rowcount == 0:
            raise JobLookupError(job_id)

    def remove_all_jobs(self) -> None:
        with transaction(self.path) as conn:
            conn.execute(f"delete from {self.table}")

    def _row(self, job: Job) -> tuple[str, float | None, bytes]:
        return (job.id, datetime_to_utc_timestamp(job.next_run_time),
                pickle.dumps(job.__getstate__(), pickle.HIGHEST_PROTOCOL))

    def _job(self, state: bytes) -> Job:
        job_state = pickle.loads(state)
        job_state["jobstore"] = self
        job = Job.__new__(Job)
        job.__setstate__(job_state)
        job._scheduler = self._scheduler
        job._jobstore_alias = self._alias
        return job

    def _jobs(self, where: str = "", args: Sequence[Any] = ()) -> list[Job]:
        """Jobs ordered by next run time; one that cannot be restored is logged and dropped."""
        with transaction(self.path) as conn:
            rows = conn.execute(f"select id, job_state from {self.table} {where} "
                                "order by next_run_time", list(args)).fetchall()
        jobs = []
        for job_id, state in rows:
            try:
                jobs.append(self._job(state))
            except Exception:  # noqa: BLE001 - a stale pickle must not stop the scheduler
                self._logger.exception("cannot restore job %r, removing it", job_id)
                self.remove_job(job_id)
        return jobs


class State:
    """The scheduler's memory in the jobs database: alert watermark, unhealthy set, run log."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with transaction(self.path) as conn:
            conn.execute("create table if not exists scheduler_state "
                         "(key text primary key, value text)")
            conn.execute("create table if not exists scheduler_runs (id integer primary key, "
                         "grp text, started text, ended text, outcome text, detail text, "
                         "run_ids text, new_articles integer, log text)")

    def get(self, key: str, default: Any = None) -> Any:
        with transaction(self.path) as conn:
            row = conn.execute("select value from scheduler_state where key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def put(self, key: str, value: Any) -> None:
        with transaction(self.path) as conn:
            conn.execute("insert or replace into scheduler_state values (?, ?)",
                         [key, json.dumps(value)])

    def record(self, outcome: CrawlOutcome) -> None:
        with transaction(self.path) as conn:
            conn.execute(
                "insert into scheduler_runs (grp, started, ended, outcome, detail, run_ids, "
                "new_articles, log) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [outcome.group, outcome.started, outcome.ended, outcome.outcome, outcome.detail,
                 json.dumps(list(outcome.run_ids)), outcome.new_articles, str(outcome.log)])


# one crawl -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CrawlOutcome:
    group: str
    started: str
    ended: str
    outcome: str  # ok | failed | interrupted | crashed | time_limit | stalled | stopped
    detail: str
    returncode: int | None
    run_ids: tuple[str, ...]
    sources: tuple[str, ...]
    new_articles: int
    log: Path | None


def utc_stamp() -> str:
    """Now as the crawl stores times (UTC, seconds, ISO 8601 with +00:00), to compare with them."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def crawl_command(crawl: CrawlSettings, select: Sequence[str]) -> list[str]:
    """``python -m crawler.cli crawl ...``: no console script needs to be on PATH."""
    cmd = [crawl.python, "-m", "crawler.cli", "crawl", "--sources", str(crawl.sources),
           "--db", str(crawl.db), "--max-pages", str(crawl.max_pages)]
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


def run_rows(db: Path, since: str) -> list[dict[str, Any]]:
    """The ``crawl_runs`` rows of crawls started at or after `since` (this crawl's rows)."""
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(
            "select run_id, source, status, new_articles from crawl_runs where started >= ? "
            "order by id", [since])]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def close_orphan_rows(db: Path, run_ids: Sequence[str]) -> int:
    """Rows a killed crawl left ``running`` become ``interrupted`` now, not at the next crawl.

    Only this crawl's run ids are touched (a manual crawl running beside us is left alone).
    """
    if not run_ids or not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        with conn:
            marks = ",".join("?" * len(run_ids))
            cur = conn.execute(
                f"update crawl_runs set status = 'interrupted', ended = ? "
                f"where status = 'running' and run_id in ({marks})", [utc_stamp(), *run_ids])
        return cur.rowcount
    finally:
        conn.close()


def judge(ending: str | None, code: int, rows: Sequence[Mapping[str, Any]],
          orphans: int) -> tuple[str, str]:
    """The run's outcome and a one-line detail, from how it ended and what it wrote."""
    if ending:
        return ending, f"crawl ended by the scheduler ({ending}), exit status {code}"
    if code != 0:
        return "crashed", f"crawl exited with status {code}"
    if not rows or orphans:
        return "crashed", "crawl exited without finishing its run rows"
    if any(r["status"] == "interrupted" for r in rows):
        return "interrupted", "the crawl closed before the end (CLOSESPIDER_TIMEOUT or a signal)"
    if all(r["status"] == "failed" for r in rows):
        return "failed", "every source failed"
    return "ok", ""


# the scheduler ---------------------------------------------------------------------------------
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
        self.state = State(config.schedule.jobs_db)

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

    def once(self, groups: Sequence[str] = ()) -> list[CrawlOutcome]:
        """Crawl the groups one after the other now (every group by default): the cron mode."""
        self._install_signals()
        names = list(groups) or [g.name for g in self.config.schedule.all_groups()]
        outcomes = []
        for name in names:
            if self.stop.is_set():
                break
            outcome = self.run_group(name)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _build_scheduler(self) -> BlockingScheduler:
        grace = int(self.config.schedule.misfire_grace_minutes * 60)
        return BlockingScheduler(
            jobstores={"default": SQLiteJobStore(self.config.schedule.jobs_db)},
            executors={"default": ThreadPoolExecutor(max_workers=1)},   # one crawl at a time
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
            timezone=self.config.schedule.timezone)

    def _when(self, group: Group) -> str:
        s = self.config.schedule
        return f"every {s.interval_seconds:g}s" if s.interval_seconds > 0 else f"cron {group.cron}"

    def add_jobs(self, scheduler: BaseScheduler) -> None:
        """Configured groups become jobs; an unchanged job keeps its stored next fire time (so a
        night missed while the machine was off is caught up); removed groups are dropped."""
        store = SQLiteJobStore(self.config.schedule.jobs_db)
        store.start(scheduler, "probe")
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
    def run_group(self, name: str) -> CrawlOutcome | None:
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
                outcome = self._crawl(name, select)
            self._after(outcome)
            return outcome
        except Exception as exc:  # noqa: BLE001 - one bad night must not end the service
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
        """An flock beside the job store: one Pantau scheduler crawl at a time on this machine."""
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

    def _crawl(self, name: str, select: Sequence[str]) -> CrawlOutcome:
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
        rows = run_rows(crawl.db, started)
        run_ids = tuple(dict.fromkeys(r["run_id"] for r in rows))
        orphans = close_orphan_rows(crawl.db, run_ids)
        outcome, detail = judge(ending, code, rows, orphans)
        if outcome == "crashed" and (words := last_line(log_path)):
            detail = f"{detail}: {words}"
        result = CrawlOutcome(name, started, utc_stamp(), outcome, detail, code, run_ids,
                              tuple(sorted({r["source"] for r in rows} | set(select))),
                              sum(r["new_articles"] or 0 for r in rows), log_path)
        log.info("group %s: %s, %d new articles%s", name, outcome, result.new_articles,
                 f" ({detail})" if detail else "")
        return result

    def _log_path(self, name: str) -> Path:
        folder = self.config.schedule.log_dir
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        logs = sorted(folder.glob("crawl-*.log"))
        for old in logs[: max(len(logs) - self.config.schedule.keep_logs + 1, 0)]:
            old.unlink(missing_ok=True)
        return folder / f"crawl-{stamp}-{name}.log"

    def _init_watermark(self) -> None:
        """On the very first run, alert only on what this run brings, not on the archive."""
        if self.state.get("alerts.after_id") is None:
            self.state.put("alerts.after_id", max_article_id(self.config.crawl.db))

    def _alert_failure(self, name: str, exc: Exception) -> None:
        """A run that could not even start (a broken sources file, a full disk) is alerted too."""
        now = utc_stamp()
        try:
            notify(self.config.alerts, RunReport(name, now, now, "crashed",
                                                 f"the run could not start: {exc}"))
        except Exception:  # noqa: BLE001
            log.exception("group %s: the failure alert failed", name)

    # after a run -------------------------------------------------------------------------------
    def _after(self, outcome: CrawlOutcome) -> RunReport:
        self.state.record(outcome)
        report = self.report(outcome)
        if report.worth_sending():
            channels = notify(self.config.alerts, report)
            log.info("group %s: alerts sent to %s", outcome.group, ", ".join(channels) or "nobody")
        return report

    def report(self, outcome: CrawlOutcome) -> RunReport:
        """Stories since the last alert and the health of the group's sources."""
        db, alerts = self.config.crawl.db, self.config.alerts
        stories: tuple = ()
        if db.exists():
            after = int(self.state.get("alerts.after_id", 0))
            stories, top = read_new_stories(db, after, alerts.min_score, alerts.max_stories)
            self.state.put("alerts.after_id", top)
        health = self._health(outcome.sources)
        unhealthy = tuple(h for h in health if not h.healthy)
        before = set(self.state.get("health.unhealthy", []))
        now_bad = {h.source for h in unhealthy}
        checked = {h.source for h in health}
        self.state.put("health.unhealthy", sorted((before - checked) | now_bad))
        return RunReport(outcome.group, outcome.started, outcome.ended, outcome.outcome,
                         outcome.detail, outcome.new_articles, outcome.run_ids, stories,
                         unhealthy, frozenset(now_bad - before),
                         tuple(sorted((before & checked) - now_bad)))

    def _health(self, sources: Sequence[str]) -> list[SourceHealth]:
        db = self.config.crawl.db
        if not db.exists() or not sources:
            return []
        return assess_all(read_histories(db, self.config.health, sources), self.config.health)


def kept_fire_time(store: SQLiteJobStore, job_id: str, trigger: BaseTrigger) -> datetime | None:
    """The stored next fire time of a job whose trigger is unchanged (APScheduler would otherwise
    recompute it from now when the job is added again, and a missed night would be lost)."""
    old = store.lookup_job(job_id)
    if old is None or repr(old.trigger) != repr(trigger):
        return None
    return old.next_run_time


def max_article_id(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("select coalesce(max(id), 0) from articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


ACTIVE: Nightly | None = None


def fire(group: str) -> None:
    """The job APScheduler runs (referenced by name in the job store as ``scheduler:fire``)."""
    if ACTIVE is None:
        raise RuntimeError("no Nightly service is running in this process")
    ACTIVE.run_group(group)


def next_runs(config: Config) -> list[tuple[str, str, str]]:
    """(group, schedule, next fire time) for ``pantau schedule --list``."""
    now = datetime.now(timezone.utc)
    out = []
    for group in config.schedule.all_groups():
        trigger = config.schedule.trigger(group)
        when = trigger.get_next_fire_time(None, now)
        what = ", ".join(group.sources) or ("every source" if not config.schedule.groups
                                            else "sources in no group")
        out.append((group.name, what, when.isoformat() if when else "never"))
    return out


if __name__ == "__main__":
    # Import ourselves by name: the persisted jobs refer to ``scheduler:fire``, and that must be
    # the same module object as the running service, not this ``__main__`` copy.
    from crawler.ops_cli import schedule

    schedule(prog_name="scheduler.py")
