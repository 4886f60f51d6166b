"""The scheduler: settings, job store, watchdogs, and real scheduled crawls of the fixture sites.

The service runs as a subprocess (``python scheduler.py --config ...``) exactly as systemd runs it,
with an interval trigger of seconds; the fixture sites, a webhook receiver and an SMTP sink run in
this process on loopback.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from click.testing import CliRunner

import crawler.schedule.service as service_module
import scheduler
from crawler.alerts import AlertSettings
from crawler.demo.model import Reply, Request, Site, not_found
from crawler.health import HealthSettings
from crawler.ops_cli import health, schedule
from crawler.schedule.config import (
    Config,
    ConfigError,
    CrawlSettings,
    ScheduleSettings,
    load_config,
)
from crawler.schedule.process import CrawlProcess, crawl_command, judge
from crawler.schedule.service import JOB_FUNC, Nightly
from pipelines.storage.scheduler import SchedulerState, job_store
from tests.conftest import FAST, REPO
from tests.test_alerts import SmtpSink, WebhookReceiver

# Fast crawls; DOWNLOAD_TIMEOUT is the scheduler's own download_timeout setting.
CRAWL_SETTINGS = {k: v for k, v in FAST.items() if k != "DOWNLOAD_TIMEOUT"}


def write_config(tmp: Path, sources: Path, *, crawl: dict[str, Any] | None = None,
                 schedule_: dict[str, Any] | None = None, health_: dict[str, Any] | None = None,
                 alerts: str = "", settings: dict[str, str] | None = None) -> Path:
    """A settings file for the scheduler under test (paths relative to it, as in production)."""
    def table(values: dict[str, Any]) -> str:
        return "\n".join(f"{k} = {json.dumps(v)}" for k, v in values.items())

    crawl_values = {"sources": sources.name, "db": "pantau.db", "workdir": str(REPO),
                    "since": "3650d", "download_timeout": 1.5, "grace_seconds": 10,
                    **(crawl or {})}
    text = (f"[crawl]\n{table(crawl_values)}\n[crawl.settings]\n"
            f"{table({**CRAWL_SETTINGS, **(settings or {})})}\n"
            f"[schedule]\n{table({'jobs_db': 'jobs.db', **(schedule_ or {})})}\n"
            f"[health]\n{table(health_ or {})}\n{alerts}")
    path = tmp / "pantau.toml"
    path.write_text(text, encoding="utf-8")
    return path


def query(db: Path, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def wait_for(check: Callable[[], Any], timeout: float, what: str,
             proc: subprocess.Popen | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"scheduler exited ({proc.returncode}) while waiting for {what}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Service:
    """``python scheduler.py --config ...`` in the background, its log in a file."""

    def __init__(self, config: Path, *args: str) -> None:
        self.log = config.parent / "scheduler.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, str(REPO / "scheduler.py"), "--config", str(config), *args],
                cwd=config.parent, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def crawl_pids(self) -> list[int]:
        return [int(p) for p in re.findall(r"crawl pid (\d+)", self.text())]

    def stop(self, timeout: float = 60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def service_factory() -> Iterator[Callable[..., Service]]:
    started: list[Service] = []

    def start(config: Path, *args: str) -> Service:
        started.append(Service(config, *args))
        return started[-1]

    yield start
    for service in started:
        service.kill()


def finished_runs(db: Path) -> list[dict[str, Any]]:
    """One row per crawl (run id), in start order, once none of its rows is still running."""
    return query(db, "select run_id, min(started) started, max(ended) ended, "
                     "group_concat(status) statuses, sum(new_articles) new from crawl_runs "
                     "group by run_id having sum(status = 'running') = 0 order by min(id)")


def assert_consistent(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select count(*) from crawl_runs where status = 'running'"
                            ).fetchone()[0] == 0
        assert conn.execute("select count(*) from (select url from articles group by url "
                            "having count(*) > 1)").fetchone()[0] == 0
    finally:
        conn.close()


# settings --------------------------------------------------------------------------------------
def test_settings_file_defaults_paths_and_groups(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[crawl]\ndb = "data/p.db"\n[schedule]\n'
                    '[[schedule.groups]]\nname = "polri"\nsources = ["a", "b"]\n'
                    'cron = "30 23 * * *"\n')
    config = load_config(path)
    assert config.crawl.db == tmp_path / "data" / "p.db"
    assert config.crawl.sources == tmp_path / "sources.yaml"
    assert config.schedule.timezone == "Asia/Jakarta" and config.schedule.cron == "0 1 * * *"
    assert [(g.name, g.sources, g.cron) for g in config.schedule.all_groups()] == [
        ("polri", ("a", "b"), "30 23 * * *"), ("default", (), "0 1 * * *")]
    assert config.health == HealthSettings()


@pytest.mark.parametrize("text, message", [
    ("[crawl]\ndbb = 'x'\n", "[crawl] dbb: unknown setting (did you mean 'db'?)"),
    ("[crawl]\nmax_page = 3\n", "[crawl] max_page: unknown setting (did you mean 'max_pages'?)"),
    ("[crawl]\nmax_pages = 'many'\n", "[crawl] max_pages: input should be a valid integer"),
    ("[crawl.settings]\nDOWNLOAD_DELAY = [1]\n", "[crawl.settings] DOWNLOAD_DELAY: must be a"),
    ("[schedule]\ncron = '61 1 * * *'\n", "[schedule] cron: bad cron expression '61 1 * * *'"),
    ("[schedule]\ntimezone = 'Asia/Jakartaa'\n", "[schedule] timezone: unknown timezone"),
    ("[[schedule.groups]]\nname = 'a'\nsources = ['x']\ncron = '0 1 * * *'\n"
     "[[schedule.groups]]\nname = 'b'\nsources = ['x']\ncron = '0 2 * * *'\n",
     "[schedule] groups: 'x' is in both 'a' and 'b'"),
    ("[[schedule.groups]]\nname = 'a'\nsources = ['x']\n",
     "[schedule.groups[0]] cron: required setting is missing"),
    ("[[schedule.groups]]\nname = 'a'\nsource = ['x']\ncron = '0 1 * * *'\n",
     "[schedule.groups[0]] source: unknown setting (did you mean 'sources'?)"),
    ("[[schedule.groups]]\nname = 'default'\nsources = ['x']\ncron = '0 1 * * *'\n",
     "[schedule.groups[0]] name: 'default' is the group of every source in no group"),
    ("[alert]\n", "[alert]: unknown table (did you mean 'alerts'?)"),
    ("[health]\nsilent_run = 2\n", "[health] silent_run: unknown setting (did you mean"),
    ("[alerts.smtp]\nhots = 'mail'\n",
     "[alerts.smtp] hots: unknown setting (did you mean 'host'?)"),
    ("[alerts.smtp]\nsecurity = 'tls'\n", "[alerts.smtp] security: input should be 'starttls'"),
    ("[alerts.smtp]\nto = 'a@b.c'\n", "[alerts.smtp] to: must be a list"),
    ("[[schedule.groups]]\nname = 'a b'\nsources = ['x']\ncron = '0 1 * * *'\n",
     "[schedule.groups[0]] name: 'a b': letters, digits, - and _ only"),
    ("[crawl\n", "Expected ']'"),
])
def test_settings_file_mistakes_are_one_line_naming_file_table_and_key(
        tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = str(caught.value)
    assert line.startswith(f"{path}: ") and message in line, line
    assert "\n" not in line


def test_a_misspelt_key_in_the_example_file_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = (REPO / "pantau.example.toml").read_text(encoding="utf-8")
    path = tmp_path / "pantau.toml"
    path.write_text(text.replace("\nmax_pages = ", "\nmax_page = "), encoding="utf-8")
    result = CliRunner().invoke(schedule, ["--config", str(path), "--list"])
    assert result.exit_code == 1
    assert result.output == (f"Error: {path}: [crawl] max_page: unknown setting "
                             "(did you mean 'max_pages'?)\n")


def test_the_crawl_command_carries_the_watchdogs(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(
        "[crawl]\ntime_limit_minutes = 60\ngrace_seconds = 30\nstall_minutes = 8\n"
        "since = '3d'\n[crawl.settings]\nDOWNLOAD_DELAY = '2'\n")
    crawl = load_config(tmp_path / "p.toml").crawl
    cmd = crawl_command(crawl, ["lumajang"])
    assert cmd[:4] == [sys.executable, "-m", "crawler.cli", "crawl"]
    joined = " ".join(cmd)
    for part in ("--source lumajang", "--since 3d", "-s DOWNLOAD_TIMEOUT=30",
                 "-s CLOSESPIDER_TIMEOUT=3540", "-s LOGSTATS_INTERVAL=120", "-s DOWNLOAD_DELAY=2"):
        assert part in joined


def test_schedule_list_shows_the_next_runs(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(
        "[[schedule.groups]]\nname = 'polri'\nsources = ['tribratanews-jatim']\n"
        "cron = '30 0 * * *'\n")
    result = CliRunner().invoke(schedule, ["--config", str(tmp_path / "p.toml"), "--list"])
    assert result.exit_code == 0, result.output
    assert re.search(r"polri\s+tribratanews-jatim\s+\S+T00:30:00\+07:00", result.output)
    assert re.search(r"default\s+sources in no group\s+\S+T01:00:00\+07:00", result.output)


def test_schedule_refuses_a_group_naming_an_unknown_source(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("sources:\n  - name: lumajang\n    url: http://127.0.0.9/\n")
    (tmp_path / "p.toml").write_text(
        "[crawl]\nsources = 's.yaml'\n[[schedule.groups]]\nname = 'g'\nsources = ['lumajang', "
        "'nope']\ncron = '0 2 * * *'\n")
    result = CliRunner().invoke(schedule, ["--config", str(tmp_path / "p.toml"), "--once"])
    assert result.exit_code == 1 and "unknown source(s) nope" in result.output


def test_the_example_settings_file_loads_and_states_the_defaults() -> None:
    """Every value the example shows is the schema's default (the one place defaults live)."""
    config = load_config(REPO / "pantau.example.toml")
    assert config.crawl == CrawlSettings().beside(REPO)
    assert config.schedule == ScheduleSettings().beside(REPO)
    assert config.health == HealthSettings()
    assert config.alerts == AlertSettings()
    assert config.schedule.cron == "0 1 * * *" and config.schedule.timezone == "Asia/Jakarta"
    assert config.alerts.min_score == 0.7 and config.crawl.time_limit_minutes == 240
    assert config.crawl.python == sys.executable and config.crawl.workdir == REPO


@pytest.mark.parametrize("imports, absent", [
    ("crawler.cli", ("scheduler",)),
    ("crawler.schedule.service, crawler.schedule.config, crawler.schedule.process",
     ("crawler.cli", "crawler.ops_cli", "crawler.review_cli", "scheduler")),
])
def test_the_cli_and_the_scheduler_do_not_import_each_other(imports: str,
                                                            absent: tuple[str, ...]) -> None:
    code = (f"import sys, {imports}\n"
            f"print(sorted(set({absent!r}) & set(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_release_0_1_0_job_function_is_kept_as_an_alias() -> None:
    assert scheduler.fire is service_module.fire
    assert JOB_FUNC == "crawler.schedule.service:fire"


@pytest.mark.parametrize("path", ["deploy/pantau-scheduler.service", "deploy/pantau.cron"])
def test_deployment_files_use_existing_commands_and_options(path: str) -> None:
    commands = {"schedule": schedule, "health": health}
    text = (REPO / path).read_text(encoding="utf-8")
    used = re.findall(r"bin/pantau (\w+)([^|>\n]*)", text)
    assert used
    for name, args in used:
        options = {o for p in commands[name].params for o in p.opts}
        assert set(re.findall(r"--[\w-]+", args)) <= options, (name, args)


# the job store ---------------------------------------------------------------------------------
def stored_job(config: Config, job_id: str) -> Any:
    store = job_store(config.schedule.jobs_db)
    store.start(BackgroundScheduler(timezone="UTC"), "default")
    try:
        return store.lookup_job(job_id)
    finally:
        store.shutdown()


def stored_next_run(config: Config, job_id: str) -> datetime | None:
    job = stored_job(config, job_id)
    return job.next_run_time if job else None


class Inert(BaseScheduler):
    """A scheduler that stores jobs but never runs them (no wake-ups, no loop)."""

    def wakeup(self) -> None:
        """Never process jobs."""

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


def register(config: Config) -> None:
    """Add the configured jobs to the persistent store, as the service does when it starts."""
    sched = Inert(jobstores={"default": job_store(config.schedule.jobs_db)},
                  timezone=config.schedule.timezone)
    sched.start(paused=True)
    try:
        Nightly(config).add_jobs(sched)
    finally:
        sched.shutdown()


def test_a_missed_night_is_kept_for_catch_up_and_a_new_cron_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[schedule]\ncron = '0 1 * * *'\n")
    config = load_config(path)
    register(config)
    first = stored_next_run(config, "crawl:default")
    assert first is not None and (first.hour, first.minute) == (1, 0)
    missed = datetime.now(UTC) - timedelta(hours=3)   # the machine was off at 01:00
    store = job_store(config.schedule.jobs_db)
    store.start(BackgroundScheduler(timezone="UTC"), "default")
    job = store.lookup_job("crawl:default")
    assert job is not None
    job.next_run_time = missed
    store.update_job(job)
    store.shutdown()
    register(config)                                           # the service starts again
    assert stored_next_run(config, "crawl:default") == missed  # so the grace time applies
    path.write_text("[schedule]\ncron = '0 2 * * *'\n[[schedule.groups]]\nname = 'polri'\n"
                    "sources = ['x']\ncron = '0 3 * * *'\n")
    changed = load_config(path)
    register(changed)
    assert [stored_next_run(changed, f"crawl:{g}").hour for g in ("default", "polri")] == [2, 3]


def test_a_jobs_file_of_release_0_1_0_keeps_its_jobs_fire_times_and_watermark(
        tmp_path: Path) -> None:
    """Release 0.1.0 wrote the jobs with its own SQLite job store, naming ``scheduler:fire``:
    APScheduler's job store reads them, and an unchanged schedule keeps its next fire times."""
    jobs = tmp_path / "pantau-jobs.db"
    jobs.write_bytes(gzip.decompress(
        (REPO / "tests" / "fixtures" / "release-0.1.0" / "pantau-jobs.db.gz").read_bytes()))
    path = tmp_path / "pantau.toml"
    path.write_text("[schedule]\njobs_db = 'pantau-jobs.db'\n[[schedule.groups]]\n"
                    "name = 'polri'\nsources = ['tribratanews-jatim']\ncron = '30 23 * * *'\n")
    config = load_config(path)
    before = {j: stored_job(config, j) for j in ("crawl:polri", "crawl:default")}
    assert all(job is not None and job.func is scheduler.fire for job in before.values())
    register(config)                                            # the new release starts
    for job_id, old in before.items():
        job = stored_job(config, job_id)
        assert job.func_ref == JOB_FUNC and job.func is service_module.fire
        assert job.next_run_time == old.next_run_time, job_id   # kept, not recomputed
    polri = stored_job(config, "crawl:polri").next_run_time
    assert (polri.hour, polri.minute) == (23, 30)
    assert SchedulerState(jobs).get("alerts.after_id") == 80    # no archive re-alerted
    assert Nightly(config).state.get("alerts.after_id") == 80


# watchdogs (no crawl needed: a stand-in process) -----------------------------------------------
def stand_in(tmp_path: Path, code: str, **limits: Any) -> CrawlProcess:
    crawl = CrawlSettings(sources=tmp_path / "s.yaml", db=tmp_path / "p.db",
                                    workdir=tmp_path, **limits)
    return CrawlProcess([sys.executable, "-c", code], crawl, tmp_path / "crawl.log")


def test_a_silent_crawl_is_ended_by_the_stall_watchdog(tmp_path: Path) -> None:
    proc = stand_in(tmp_path, "import time; print('started', flush=True); time.sleep(60)",
                    stall_minutes=1.5 / 60, grace_seconds=5)
    began = time.monotonic()
    assert proc.wait(threading.Event()) == -signal.SIGTERM
    assert proc.ending == "stalled" and time.monotonic() - began < 10


def test_the_time_limit_ends_a_busy_crawl_and_sigkill_follows_if_sigterm_is_ignored(
        tmp_path: Path) -> None:
    code = ("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "while True:\n    print('page', flush=True); time.sleep(0.1)\n")
    proc = stand_in(tmp_path, code, time_limit_minutes=1.5 / 60, grace_seconds=1.5)
    began = time.monotonic()
    assert proc.wait(threading.Event()) == -signal.SIGKILL
    assert proc.ending == "time_limit" and 2.5 < time.monotonic() - began < 10


def test_a_stop_request_ends_the_crawl_gracefully(tmp_path: Path) -> None:
    proc = stand_in(tmp_path, "import time; time.sleep(60)", grace_seconds=5)
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    assert proc.wait(stop) == -signal.SIGTERM and proc.ending == "stopped"


@pytest.mark.parametrize("ending, code, statuses, orphans, outcome", [
    (None, 0, ["ok", "failed"], 0, "ok"),
    (None, 0, ["failed", "failed"], 0, "failed"),
    (None, 0, ["ok", "interrupted"], 0, "interrupted"),   # CLOSESPIDER_TIMEOUT
    (None, 1, [], 0, "crashed"),                          # e.g. a broken sources file
    (None, 0, ["running"], 1, "crashed"),                 # exited 0 but never closed its rows
    (None, -9, ["running"], 1, "crashed"),                # killed from outside
    ("time_limit", -15, ["interrupted"], 0, "time_limit"),
    ("stopped", 0, ["interrupted"], 0, "stopped"),
])
def test_how_a_run_ended(ending: str | None, code: int, statuses: list[str], orphans: int,
                         outcome: str) -> None:
    rows = [{"status": s} for s in statuses]
    assert judge(ending, code, rows, orphans)[0] == outcome


# real scheduled crawls -------------------------------------------------------------------------
@pytest.fixture
def sites() -> Iterator[Any]:
    from crawler.demo.server import DemoSites

    with DemoSites(first_host=80, slow_seconds=1.0) as demo:
        yield demo


def test_interval_runs_real_crawls_one_at_a_time_and_sigterm_stops_cleanly(
        sites: Any, tmp_path: Path, service_factory: Callable[..., Service]) -> None:
    sources = tmp_path / "s.yaml"
    sources.write_text(sites.sources_yaml(["tribratanews-tulungagung"]), encoding="utf-8")
    config = write_config(tmp_path, sources, schedule_={"interval_seconds": 1})
    db = tmp_path / "pantau.db"
    service = service_factory(config)
    wait_for(lambda: len(finished_runs(db)) >= 3, 90, "three scheduled crawls", service.proc)
    # stop it while a crawl is under way
    wait_for(lambda: query(db, "select 1 from crawl_runs where status = 'running'"), 30,
             "a crawl in progress", service.proc)
    assert service.stop(timeout=40) == 0
    runs = finished_runs(db)
    assert len(runs) >= 4 and runs[0]["new"] > 0
    for before, after in zip(runs, runs[1:]):        # never two crawls at once
        assert after["started"] >= before["ended"], (before, after)
    log = service.text()
    assert "maximum number of running instances reached" in log   # a trigger fired mid-crawl
    assert "SIGTERM received: stopping" in log and "scheduler stopped" in log
    assert runs[-1]["statuses"] == "interrupted"     # Scrapy closed gracefully and wrote its row
    assert_consistent(db)
    outcomes = [r["outcome"] for r in query(tmp_path / "jobs.db",
                                            "select outcome from scheduler_runs order by id")]
    assert outcomes[:3] == ["ok"] * 3 and outcomes[-1] == "stopped"
    assert len(outcomes) == len(runs)
    assert len(list((tmp_path / "logs").glob("crawl-*.log"))) == len(runs)


@pytest.fixture
def big_site() -> Iterator[Any]:
    from crawler.demo.server import DemoSites

    with DemoSites(big_site_articles=150, first_host=100, slow_seconds=1.0) as demo:
        yield demo


def test_sigkill_of_the_crawl_leaves_a_consistent_db_and_the_next_run_completes(
        big_site: Any, tmp_path: Path, service_factory: Callable[..., Service]) -> None:
    sources = tmp_path / "s.yaml"
    sources.write_text(big_site.sources_yaml(["big"]), encoding="utf-8")
    slow = {"DOWNLOAD_DELAY": "0.03", "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
            "AUTOTHROTTLE_ENABLED": "False"}
    config = write_config(tmp_path, sources, schedule_={"interval_seconds": 2}, settings=slow)
    db = tmp_path / "pantau.db"
    service = service_factory(config)
    wait_for(lambda: (query(db, "select count(*) n from articles") or [{"n": 0}])[0]["n"] >= 20,
             90, "20 stored articles", service.proc)
    (pid,) = service.crawl_pids()
    os.kill(pid, signal.SIGKILL)                      # the OOM killer, say
    wait_for(lambda: any(r["statuses"] == "ok" for r in finished_runs(db)), 120,
             "a completed run after the kill", service.proc)
    assert service.stop(timeout=40) == 0
    statuses = [r["statuses"] for r in finished_runs(db)]
    assert statuses[:2] == ["interrupted", "ok"], statuses
    assert_consistent(db)
    assert query(db, "select count(*) n from articles")[0]["n"] == 150
    assert query(db, "select count(*) n from articles a left join raw_pages r on "
                     "r.article_id = a.id where r.article_id is null")[0]["n"] == 0
    first = query(tmp_path / "jobs.db", "select outcome, detail from scheduler_runs order by id")[0]
    assert first["outcome"] == "crashed" and "status -9" in first["detail"]


class Redesigned:
    """A site after a redesign the crawler does not understand: every page is the new, empty
    layout (a script-rendered shell without article links); robots, feeds and sitemaps are gone."""

    SHELL = (b"<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'><title>Portal Baru"
             b"</title></head><body><div id='app'>Memuat\xe2\x80\xa6</div>"
             b"<script src='/static/app.js'></script></body></html>")

    def __init__(self, site: Site) -> None:
        self.site = site
        self.modified = site.modified

    def serve(self, request: Request) -> Reply:
        return Reply(body=self.SHELL) if request.path == "/" else not_found(self.site)


def test_a_redesigned_site_is_flagged_after_the_configured_runs_and_alerts_arrive(
        sites: Any, tmp_path: Path) -> None:
    hook, smtp = WebhookReceiver(), SmtpSink()
    try:
        sources = tmp_path / "s.yaml"
        sources.write_text(sites.sources_yaml(["tribratanews-tulungagung", "lumajang"]),
                           encoding="utf-8")
        alerts = (f"[alerts]\nmin_score = 0.5\nmax_stories = 1000\n"
                  f"[alerts.webhook]\nurl = \"{hook.url}\"\nurl_env = \"\"\n"
                  f"extra = {{chat_id = 7}}\n"
                  f"[alerts.smtp]\nhost = \"127.0.0.1\"\nport = {smtp.port}\nsecurity = \"none\"\n"
                  f"to = [\"humas@polres.example\"]\n")
        config = write_config(tmp_path, sources, alerts=alerts,
                              health_={"silent_runs": 2, "min_baseline_runs": 2})
        db = tmp_path / "pantau.db"

        def night() -> None:
            proc = subprocess.run([sys.executable, str(REPO / "scheduler.py"), "--config",
                                   str(config), "--once"], capture_output=True, text=True,
                                  timeout=120)
            assert proc.returncode == 0, proc.stderr[-3000:]

        def polri_health() -> int:
            return CliRunner().invoke(health, ["--config", str(config), "--source",
                                               "tribratanews-tulungagung"]).exit_code

        night()
        sites.publish_new()
        night()
        assert polri_health() == 0
        server = sites.servers["tribratanews-tulungagung"]
        server.site = Redesigned(server.site)
        sites.publish_new()
        night()
        assert polri_health() == 0                    # one empty run is not yet a redesign
        night()
        assert polri_health() == 2                    # the second one is (silent_runs = 2)
        result = CliRunner().invoke(health, ["--config", str(config), "--json"])
        verdict = {r["source"]: r for r in json.loads(result.output)}
        assert [p["rule"] for p in verdict["tribratanews-tulungagung"]["problems"]] == ["silent"]
        assert verdict["lumajang"]["healthy"]

        last = hook.bodies[-1]
        assert last["chat_id"] == 7
        assert [(u["source"], u["new"]) for u in last["unhealthy"]] == [
            ("tribratanews-tulungagung", True)]
        assert "tribratanews-tulungagung (new): silent" in last["text"]
        mail = smtp.messages[-1].get_payload(decode=True).decode()
        assert "tribratanews-tulungagung (new): silent" in mail
        assert "1 unhealthy sources" in smtp.messages[-1]["Subject"]
        # every stored high-relevance article was alerted once, grouped into stories
        expected = query(db, "select count(*) n from articles where kamtibmas = 1 and "
                             "score >= 0.5")[0]["n"]
        alerted = sum(s["articles"] for body in hook.bodies for s in body["stories"])
        assert expected > 0, "the demo sites carry Kamtibmas articles: is scoring wired?"
        assert alerted == expected
        assert len(smtp.messages) == len(hook.bodies)
    finally:
        hook.close()
        smtp.close()
