"""Source health: is each site still giving us what it used to, judged from the run history.

Why rules and not a score: the morning operator has to act on the answer (fix a source entry,
write to a webmaster, ask for an unblock), so each finding names the rule that fired and the
figures behind it. A source is **unhealthy** when any rule fires; ``pantau health`` exits 2 then.

The rules are pure functions of a :class:`SourceHistory` (a source's recent runs, newest first,
each with the word counts of the articles it stored) and :class:`HealthSettings`:

=====================  ======================================================================
``failing``            its last ``failed_runs`` runs all ended ``failed`` (nothing came back)
``silent``             its last ``silent_runs`` completed runs stored no new article, although
                       at least ``active_ratio`` of the runs before them did ("used to publish
                       daily", for a nightly schedule): a redesign that hides the articles
``short_texts``        the median word count of its last run's articles fell under
                       ``short_words``, or under ``short_ratio`` of its earlier median
``not_articles``       in its last run at least ``not_article_ratio`` of the fetched pages were
                       rejected as "not an article": the extraction no longer fits the pages
``error_jump``         its last run's error rate (``error_count / requests``) is at least
                       ``error_rate`` and ``error_jump`` above its mean of the runs before
``blocked``            its last run counted ``errors["blocked"]``: block or captcha pages with
                       status 200 (counted by the extraction stage)
``robots_forbidden``   its last run counted ``errors["robots_forbidden"]``: robots.txt now
                       disallows the home page to us
``stale``              its last run started more than ``stale_hours`` ago: the schedule did not
                       reach it (0 switches the rule off)
=====================  ======================================================================

Runs still ``running`` are ignored (in progress, or killed and not yet closed); ``interrupted``
runs (a time limit, a shutdown) count for ``stale`` and ``failing`` streaks but are never taken as
evidence that a site went silent, since they may have been stopped before reaching the articles.
``skipped`` runs (another crawl held the source's lease, so this one did not crawl it) are no
evidence of anything: they never make a ``failing`` streak or a silence, and the last crawled
run is what the other rules read.

Warnings are findings an operator should see that do not make a source unhealthy (the exit
status stays 0): each is a :class:`Problem` in ``SourceHealth.warnings``.

=====================  ======================================================================
``limits``             its last crawled run was cut by a limit (listing pages, feed pages,
                       sitemaps, pages per source, time per source): which one, its setting and
                       where it stopped; what it cut waits in the frontier for the next run
``skipped``            its last run was skipped because another crawl held the source
=====================  ======================================================================

Reading the history (:func:`read_histories`) is the one function here that touches stored data,
and only through a store's ``sources_with_runs()`` and ``run_history(source, limit)``
(:class:`pipelines.storage.Store`; open it ``readonly=True`` so it never blocks a crawl writing
beside it): this module imports no storage and executes no SQL.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pydantic import ConfigDict

COMPLETED = ("ok", "failed", "interrupted")
"""Statuses of runs that crawled the source (not ``running``, not ``skipped``)."""


@dataclass(frozen=True)
class HealthSettings:
    """Thresholds of the rules above; the ``[health]`` table of the settings file overrides them
    (validated by the one settings schema, :mod:`crawler.schedule.config`). The defaults below
    are the only place these values are written."""

    __pydantic_config__ = ConfigDict(extra="forbid")   # a misspelt key is an error

    history_runs: int = 14          # runs per source read from the database
    failed_runs: int = 2            # failing: this many failed runs in a row
    silent_runs: int = 3            # silent: this many completed runs in a row without new articles
    active_ratio: float = 0.5       # silent: ... while at least this share of earlier runs had some
    min_baseline_runs: int = 2      # silent, error_jump: earlier runs needed to judge a change
    short_words: int = 40           # short_texts: median word count below this is "empty or short"
    short_ratio: float = 0.4        # short_texts: ... or below this share of the earlier median
    min_sample: int = 3             # short_texts, not_articles: articles/pages needed to judge
    not_article_ratio: float = 0.8  # not_articles: share of rejected pages in the last run
    error_rate: float = 0.3         # error_jump: the last run's rate is at least this ...
    error_jump: float = 0.2         # ... and this much above the earlier mean
    min_requests: int = 5           # error_jump: fewer requests than this prove nothing
    stale_hours: float = 36.0       # stale: no run started for this long (0: off)



@dataclass(frozen=True)
class RunRecord:
    """One ``crawl_runs`` row, with the word counts of the articles that run stored."""

    run_id: str
    started: str
    status: str
    requests: int = 0
    pages: int = 0
    new_articles: int = 0
    not_articles: int = 0
    error_count: int = 0
    errors: Mapping[str, int] = field(default_factory=dict)
    word_counts: tuple[int, ...] = ()
    limits: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    skipped: Mapping[str, int] = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        return self.error_count / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class SourceHistory:
    """A source's recent runs, newest first."""

    source: str
    runs: tuple[RunRecord, ...]

    def completed(self) -> tuple[RunRecord, ...]:
        return tuple(r for r in self.runs if r.status in COMPLETED)

    def last_crawled(self) -> RunRecord | None:
        """The newest run that crawled the source (a skipped or running one did not)."""
        return next((r for r in self.runs if r.status in COMPLETED), None)

    def finished_ok(self) -> tuple[RunRecord, ...]:
        """Runs that reached the site and ran to their end: the evidence for silence and texts."""
        return tuple(r for r in self.runs if r.status == "ok")


@dataclass(frozen=True)
class Problem:
    rule: str
    detail: str


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_started: str | None
    last_status: str | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()

    @property
    def healthy(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "healthy": self.healthy}


# rules -----------------------------------------------------------------------------------------
Rule = Callable[[SourceHistory, HealthSettings, datetime], Problem | None]


def failing(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """Consecutive failed runs: the site answers nothing usable any more (down, DNS, refused)."""
    runs = history.completed()[: s.failed_runs]
    if s.failed_runs and len(runs) == s.failed_runs and all(r.status == "failed" for r in runs):
        kinds = ", ".join(sorted({k for r in runs for k in r.errors})) or "no pages"
        return Problem("failing", f"last {len(runs)} runs failed ({kinds})")
    return None


def silent(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """No new articles for several runs from a site that usually has some: likely a redesign."""
    runs = history.finished_ok()
    recent, earlier = runs[: s.silent_runs], runs[s.silent_runs:]
    if len(recent) < s.silent_runs or len(earlier) < s.min_baseline_runs:
        return None
    if any(r.new_articles for r in recent):
        return None
    active = sum(1 for r in earlier if r.new_articles) / len(earlier)
    if active < s.active_ratio:
        return None
    return Problem("silent", f"no new articles in the last {len(recent)} runs, "
                             f"though {active:.0%} of the {len(earlier)} runs before had some")


def short_texts(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """The articles still come but their text collapsed: the extraction no longer finds the body."""
    runs = [r for r in history.finished_ok() if r.word_counts]
    if not runs or len(runs[0].word_counts) < s.min_sample:
        return None
    median = statistics.median(runs[0].word_counts)
    before = [w for r in runs[1:] for w in r.word_counts]
    usual = statistics.median(before) if len(before) >= s.min_sample else None
    if median < s.short_words:
        return Problem("short_texts", f"median {median:g} words in the last run's articles")
    if usual and median < s.short_ratio * usual:
        return Problem("short_texts", f"median {median:g} words in the last run's articles, "
                                      f"usually {usual:g}")
    return None


def mostly_not_articles(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """Most fetched "articles" were rejected: the pages we find are no longer the articles."""
    runs = history.finished_ok()
    if not runs:
        return None
    last = runs[0]
    judged = last.new_articles + last.not_articles
    if last.not_articles < s.min_sample or last.not_articles / judged < s.not_article_ratio:
        return None
    return Problem("not_articles", f"{last.not_articles} of {judged} pages were not articles")


def error_jump(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """The error rate rose well above the site's usual: blocking, an overloaded or moved site."""
    runs = [r for r in history.runs if r.status in ("ok", "failed")]
    if not runs or runs[0].requests < s.min_requests:
        return None
    earlier = [r for r in runs[1:] if r.requests]
    if len(earlier) < s.min_baseline_runs:
        return None
    usual = statistics.fmean(r.error_rate for r in earlier)
    rate = runs[0].error_rate
    if rate >= s.error_rate and rate >= usual + s.error_jump:
        return Problem("error_jump", f"{rate:.0%} of {runs[0].requests} requests failed, "
                                     f"usually {usual:.0%}")
    return None


def _last_run_count(history: SourceHistory, key: str) -> int:
    runs = history.completed()
    return int(runs[0].errors.get(key, 0)) if runs else 0


def blocked(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """Block or captcha pages served with status 200: we are being turned away, quietly."""
    count = _last_run_count(history, "blocked")
    return (Problem("blocked", f"{count} block or captcha page(s) in the last run")
            if count else None)


def robots_forbidden(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """robots.txt now closes the home page to us: we obey, so nothing more will come."""
    count = _last_run_count(history, "robots_forbidden")
    return (Problem("robots_forbidden", "robots.txt disallows the home page to Pantau")
            if count else None)


def stale(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """No run reached this source lately: the scheduler is down or the source left its group."""
    if not s.stale_hours or not history.runs:
        return None
    last = parse_time(history.runs[0].started)
    if last is None or now - last <= timedelta(hours=s.stale_hours):
        return None
    hours = (now - last).total_seconds() / 3600
    return Problem("stale", f"last run started {hours:.0f} hours ago")


RULES: tuple[Rule, ...] = (failing, silent, short_texts, mostly_not_articles, error_jump, blocked,
                           robots_forbidden, stale)


# warnings --------------------------------------------------------------------------------------
def limit_text(name: str, entry: Mapping[str, Any]) -> str:
    """``listing_pages=20 (PANTAU_MAX_LISTING_PAGES) stopped at http://…/berita?hal=21``."""
    limit = entry.get("limit")
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    setting = f" ({entry['setting']})" if entry.get("setting") else ""
    at = f" stopped at {entry['at']}" if entry.get("at") else ""
    hits = int(entry.get("hits") or 0)
    return f"{name}={limit}{setting}{at}" + (f", {hits} times" if hits > 1 else "")


def limits_hit(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """A limit cut the last crawled run: not a failure (the cut work waits in the frontier), but
    a limit hit every night means the source's archive is not catching up."""
    last = history.last_crawled()
    if last is None or not last.limits:
        return None
    cut = "; ".join(limit_text(name, entry) for name, entry in sorted(last.limits.items()))
    return Problem("limits", f"last run cut by {cut}; the rest waits in the frontier")


def skipped_busy(history: SourceHistory, s: HealthSettings, now: datetime) -> Problem | None:
    """The last run did not crawl the source: another crawl held it."""
    if not history.runs or history.runs[0].status != "skipped":
        return None
    return Problem("skipped", "last run skipped it: another crawl held the source")


WARNINGS: tuple[Rule, ...] = (limits_hit, skipped_busy)


def assess(history: SourceHistory, settings: HealthSettings, now: datetime) -> SourceHealth:
    """Every rule and every warning over one source's history."""
    problems = tuple(p for rule in RULES if (p := rule(history, settings, now)) is not None)
    warnings = tuple(p for rule in WARNINGS if (p := rule(history, settings, now)) is not None)
    last = history.runs[0] if history.runs else None
    return SourceHealth(history.source, last.started if last else None,
                        last.status if last else None, problems, warnings)


def assess_all(histories: Iterable[SourceHistory], settings: HealthSettings,
               now: datetime | None = None) -> list[SourceHealth]:
    moment = now or datetime.now(UTC)
    return [assess(h, settings, moment) for h in histories]


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# reading the history --------------------------------------------------------------------------
class RunHistories(Protocol):
    """What :func:`read_histories` needs of a store (``pipelines.storage.Store`` has it)."""

    def sources_with_runs(self) -> list[str]: ...

    def run_history(self, source: str, limit: int) -> list[dict[str, Any]]: ...


def read_histories(store: RunHistories, settings: HealthSettings,
                   sources: Sequence[str] | None = None) -> list[SourceHistory]:
    """Each source's last ``history_runs`` runs (newest first), from a store.

    `sources` limits the answer to those names (a source never crawled gets an empty history);
    by default every source that has a run.
    """
    names = list(sources) if sources is not None else store.sources_with_runs()
    return [SourceHistory(name, tuple(run_record(row) for row in
                                      store.run_history(name, settings.history_runs)))
            for name in names]


def run_record(row: Mapping[str, Any]) -> RunRecord:
    """A ``crawl_runs`` row (``errors`` decoded, ``word_counts`` attached) as a RunRecord."""
    return RunRecord(
        run_id=row["run_id"], started=row["started"], status=row["status"],
        requests=row["requests"] or 0, pages=row["pages"] or 0,
        new_articles=row["new_articles"] or 0, not_articles=row["not_articles"] or 0,
        error_count=row["error_count"] or 0, errors=dict(row["errors"] or {}),
        word_counts=tuple(row.get("word_counts", ())), limits=_mapping(row.get("limits")),
        skipped=_mapping(row.get("skipped")))


def _mapping(value: Any) -> dict[str, Any]:
    """A decoded JSON column (``run_history`` decodes them), or {} for anything else."""
    return dict(value) if isinstance(value, Mapping) else {}
