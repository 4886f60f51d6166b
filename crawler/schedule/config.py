"""The settings file (``pantau.toml``): one schema, one loader, one kind of error.

Why one schema: the file has six tables (``[crawl]`` with ``[crawl.settings]``, ``[schedule]``
with ``[[schedule.groups]]``, ``[health]``, ``[alerts]`` with ``[alerts.webhook]`` and
``[alerts.smtp]``), read by the scheduler, ``pantau health`` and the alerts. Each table is a
frozen dataclass that refuses unknown keys (``__pydantic_config__ = ConfigDict(extra="forbid")``);
pydantic validates the whole file against :class:`SettingsFile` in one pass, and
:func:`load_config` turns the first mistake into one line naming the file, the table, the key
and what is wrong, with a did-you-mean for a misspelt key::

    pantau.toml: [crawl] max_page: unknown setting (did you mean 'max_pages'?)

Every default is written once, on its dataclass field, with a comment: ``[crawl]`` and
``[schedule]`` here, ``[health]`` on :class:`crawler.health.HealthSettings`, ``[alerts]`` on
:class:`crawler.alerts.AlertSettings` (``pantau.example.toml`` states the same values, and a test
holds the two equal). Relative paths in the file are relative to the file's folder.
"""

from __future__ import annotations

import difflib
import re
import sys
import tomllib
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

from crawler.alerts import AlertSettings
from crawler.health import HealthSettings

DEFAULT_GROUP = "default"
FORBID = ConfigDict(extra="forbid")


class ConfigError(Exception):
    """The settings file is unreadable or wrong; the message names the file and the key."""


# checks of single values (their ValueError text becomes the error line) -----------------------
def _cron(expression: str) -> str:
    """A cron expression parses now, not at 01:00."""
    try:
        CronTrigger.from_crontab(expression, timezone="UTC")
    except (ValueError, KeyError) as exc:
        raise ValueError(f"bad cron expression {expression!r}: {exc}") from None
    return expression


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r} (an IANA name, e.g. 'Asia/Jakarta')") from None
    return name


def _scalar_text(value: Any) -> str:
    """A ``[crawl.settings]`` value as Scrapy's ``-s NAME=VALUE`` takes it."""
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    raise ValueError("must be a string, a number or true/false")


def _group_name(name: str) -> str:
    if not re.fullmatch(r"[\w-]+", name):
        raise ValueError(f"{name!r}: letters, digits, - and _ only (it names log files and jobs)")
    if name == DEFAULT_GROUP:
        raise ValueError(f"{name!r} is the group of every source in no group: choose another name")
    return name


Cron = Annotated[str, AfterValidator(_cron)]
Timezone = Annotated[str, AfterValidator(_timezone)]
ScalarText = Annotated[str, BeforeValidator(_scalar_text)]


# [crawl] ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CrawlSettings:
    """``[crawl]``: what each ``pantau crawl`` process gets, and the watchdogs around it."""

    __pydantic_config__ = FORBID

    sources: Path = Path("sources.yaml")    # the sources file
    db: Path = Path("pantau.db")            # the SQLite database
    workdir: Path = Path(".")               # where each crawl runs: the settings file's folder
    since: str = ""                         # empty: each source from its last successful crawl
    max_pages: int = 0                      # per source and run (0 = no limit)
    time_limit_minutes: float = 240.0       # hard limit of one crawl: SIGTERM, then SIGKILL
    stall_minutes: float = 30.0             # no log output for this long = stuck: end it
    grace_seconds: float = 60.0             # how long a crawl may take to close after SIGTERM
    download_timeout: float = 30.0          # per request (Scrapy DOWNLOAD_TIMEOUT)
    python: str = sys.executable            # interpreter for crawls: the scheduler's own
    settings: dict[str, ScalarText] = field(default_factory=dict)  # extra -s NAME=VALUE

    def beside(self, base: Path) -> CrawlSettings:
        """Relative paths taken from `base` (the settings file's folder); the interpreter set."""
        return replace(self, sources=base / self.sources, db=base / self.db,
                       workdir=base / self.workdir, python=self.python or sys.executable)

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
        return {**own, **self.settings}


# [schedule] ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """``[[schedule.groups]]``: sources crawled together on their own cron. The implicit group
    ``default`` (empty `sources`) is every source in no group, at ``[schedule] cron``."""

    __pydantic_config__ = FORBID

    name: Annotated[str, AfterValidator(_group_name)]
    sources: Annotated[tuple[str, ...], Field(min_length=1)]
    cron: Cron


def _distinct(groups: tuple[Group, ...]) -> tuple[Group, ...]:
    """Group names are unique, and a source is in one group at most."""
    names = [g.name for g in groups]
    if len(set(names)) != len(names):
        raise ValueError(f"group names must be unique: {', '.join(names)}")
    seen: dict[str, str] = {}
    for group in groups:
        for source in group.sources:
            if source in seen:
                raise ValueError(f"{source!r} is in both {seen[source]!r} and {group.name!r}")
            seen[source] = group.name
    return groups


@dataclass(frozen=True)
class ScheduleSettings:
    """``[schedule]``: when the crawls run, and the scheduler's own files."""

    __pydantic_config__ = FORBID

    timezone: Timezone = "Asia/Jakarta"     # of every cron expression
    cron: Cron = "0 1 * * *"                # the default group: 01:00 WIB every night
    interval_seconds: float = 0.0           # > 0 replaces every cron by an interval (trials, tests)
    misfire_grace_minutes: float = 360.0    # a run missed while the machine was off still runs
    jobs_db: Path = Path("pantau-jobs.db")  # job store, alert watermark, scheduled-run log
    log_dir: Path = Path("logs")            # one output file per crawl
    keep_logs: int = 60                     # crawl log files kept
    groups: Annotated[tuple[Group, ...], AfterValidator(_distinct)] = ()

    def beside(self, base: Path) -> ScheduleSettings:
        return replace(self, jobs_db=base / self.jobs_db, log_dir=base / self.log_dir)

    def all_groups(self) -> tuple[Group, ...]:
        """The configured groups plus the default one for every source in no group."""
        return (*self.groups, Group(DEFAULT_GROUP, (), self.cron))

    def trigger(self, group: Group) -> BaseTrigger:
        if self.interval_seconds > 0:
            return IntervalTrigger(seconds=self.interval_seconds, timezone=self.timezone)
        return CronTrigger.from_crontab(group.cron, timezone=self.timezone)


# the file --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SettingsFile:
    """The whole file: four tables, each optional."""

    __pydantic_config__ = FORBID

    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)


@dataclass(frozen=True)
class Config:
    """A loaded settings file, its paths resolved beside it."""

    path: Path
    crawl: CrawlSettings
    schedule: ScheduleSettings
    health: HealthSettings
    alerts: AlertSettings


SCHEMA = TypeAdapter(SettingsFile)


def load_config(path: str | Path) -> Config:
    """Read and check the settings file; every mistake is one ConfigError naming the key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        tables = SCHEMA.validate_python(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe(exc)}") from None
    base = path.resolve().parent
    return Config(path, tables.crawl.beside(base), tables.schedule.beside(base), tables.health,
                  tables.alerts)


def check_sources(config: Config) -> list[str]:
    """The source names of the sources file; groups naming an unknown source are refused."""
    from crawler.sources import load_sources

    names = [s.name for s in load_sources(str(config.crawl.sources))]
    for group in config.schedule.groups:
        missing = sorted(set(group.sources) - set(names))
        if missing:
            raise ConfigError(f"{config.path}: [schedule.groups] {group.name}: unknown source(s) "
                              f"{', '.join(missing)} (not in {config.crawl.sources})")
    return names


# errors as one line ----------------------------------------------------------------------------
MESSAGES = {
    "missing": "required setting is missing",
    "tuple_type": "must be a list",
    "dataclass_type": "must be a table",
    "dict_type": "must be a table",
}


UNKNOWN = ("unexpected_keyword_argument", "extra_forbidden")


def describe(error: ValidationError) -> str:
    """The first problem as ``[table] key: what is wrong``, and how many more there are; an
    unknown key comes first (a misspelt required key is reported as such, not as missing)."""
    problems = sorted(error.errors(include_url=False), key=lambda p: p["type"] not in UNKNOWN)
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return _line(tuple(first["loc"]), first) + more


def _line(loc: tuple[int | str, ...], problem: Any) -> str:
    kind = problem["type"]
    if kind in UNKNOWN:
        what = "table" if len(loc) == 1 else "setting"
        return _where(loc) + f"unknown {what}{_did_you_mean(loc)}"
    if kind in MESSAGES:
        return _where(loc) + MESSAGES[kind]
    if kind == "value_error":        # our own checks: the message names the value
        return _where(loc) + problem["msg"].removeprefix("Value error, ")
    message = problem["msg"][:1].lower() + problem["msg"][1:]
    value = problem.get("input")
    got = f" (got {value!r})" if isinstance(value, (str, int, float, bool)) else ""
    return _where(loc) + message + got


def _where(loc: tuple[int | str, ...]) -> str:
    """``[crawl] max_page: `` (a key in a table), ``[alert]: `` (a table at the top)."""
    if len(loc) == 1:
        return f"[{loc[0]}]: "
    table = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[:-1]).lstrip(".")
    key = f"[{loc[-1]}]" if isinstance(loc[-1], int) else loc[-1]
    return f"[{table}] {key}: "


def _did_you_mean(loc: tuple[int | str, ...]) -> str:
    known = _known_keys(loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _known_keys(loc: Sequence[int | str]) -> list[str]:
    """The keys the schema allows in the table at `loc` (walking the dataclasses' fields)."""
    kind: Any = SettingsFile
    for part in loc:
        if isinstance(part, int):
            kind = _element_type(kind)
        elif is_dataclass(kind):
            kind = typing.get_type_hints(kind).get(part)
        else:
            return []
    return [f.name for f in fields(kind)] if is_dataclass(kind) else []


def _element_type(kind: Any) -> Any:
    args = typing.get_args(kind)
    return args[0] if args else None
