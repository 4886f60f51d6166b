"""Notifications after a scheduled run: new high-relevance stories and unhealthy sources.

Why two channels: a generic JSON POST reaches whatever the office already watches (a chat gateway,
Telegram's ``sendMessage``, Slack/Mattermost incoming webhooks all read a ``text`` field), and
e-mail over SMTP reaches the people who only read mail. Both are optional; neither may break the
crawl: :func:`notify` logs a failed delivery and returns, it never raises.

Settings (``[alerts]``, ``[alerts.webhook]`` and ``[alerts.smtp]`` of the settings file, checked
by the one schema in :mod:`crawler.schedule.config`; the defaults are written once, on the
dataclasses below; secrets come from environment variables so the file can be committed):

- ``min_score``: a story is alerted when one of its new articles has ``kamtibmas = 1`` and
  ``score >= min_score``; articles are grouped by ``story_id`` (one entry per story, with every
  source that carried it), an article without a story is its own entry. NULL score or kamtibmas
  means "not scored" and is never alerted.
- ``max_stories``: at most this many stories per message (highest score first).
- ``webhook.url`` or the variable named by ``webhook.url_env`` (it wins, so a bot token never
  has to sit in the file); ``webhook.headers`` (values may be ``env:NAME``); ``webhook.extra``
  (merged into the JSON body, e.g. Telegram's ``chat_id``); ``webhook.timeout``,
  ``webhook.retries`` and ``webhook.retry_delay``.
- ``smtp.host`` (empty: no e-mail), ``smtp.port``, ``smtp.security`` (``starttls``, ``ssl`` or
  ``none``), ``smtp.username``, the password in the variable named by ``smtp.password_env``,
  ``smtp.sender``, ``smtp.to`` (list), ``smtp.timeout``, ``smtp.subject_prefix``.

What a run was and brought is one type, :class:`RunReport`: the scheduler fills in how the crawl
ended, then the stories and the health verdicts, and this module renders and delivers it.

The JSON body: ``{"type": "pantau.run", "text": ..., "run": {...}, "stories": [...],
"unhealthy": [...], "recovered": [...]}`` (see :func:`payload`).
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict

from crawler.health import SourceHealth
from pipelines.storage import ArticleFilter, Store

log = logging.getLogger("pantau.alerts")

TEXT_LIMIT = 4000  # Telegram refuses messages over 4096 characters


class AlertError(Exception):
    """A notification could not be delivered (reported in the log, never raised past notify)."""


# settings (the [alerts] tables; unknown keys are refused by the schema) -----------------------
@dataclass(frozen=True)
class WebhookSettings:
    """``[alerts.webhook]``: a generic JSON POST."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    url: str = ""                           # empty (and no url_env variable set): no webhook
    url_env: str = "PANTAU_WEBHOOK_URL"     # this environment variable, when set, wins over url
    headers: Mapping[str, str] = field(default_factory=dict)   # values may be "env:NAME"
    extra: Mapping[str, Any] = field(default_factory=dict)     # merged into the JSON body
    timeout: float = 10.0                   # seconds per attempt
    retries: int = 2                        # attempts after the first one
    retry_delay: float = 5.0                # seconds between attempts

    def resolved_url(self) -> str:
        """The environment variable wins over the file, so a token need not be written down."""
        return (os.environ.get(self.url_env) if self.url_env else None) or self.url


@dataclass(frozen=True)
class SmtpSettings:
    """``[alerts.smtp]``: plain-text e-mail."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    host: str = ""                          # empty: no e-mail
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str = ""                      # empty: no login
    password_env: str = "PANTAU_SMTP_PASSWORD"   # the variable holding the password
    sender: str = ""                        # empty: pantau@<host>
    to: tuple[str, ...] = ()                # the recipients
    timeout: float = 20.0                   # seconds
    subject_prefix: str = "[Pantau]"


@dataclass(frozen=True)
class AlertSettings:
    """``[alerts]``: what is worth an alert, and the two channels."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    min_score: float = 0.7                  # alert Kamtibmas stories scoring at least this
    max_stories: int = 20                   # stories per message at most, best first
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)


# what is reported ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Story:
    """One alerted story: its best article and every source that carried it in this run."""

    story_id: int | None
    title: str
    url: str
    score: float
    sources: tuple[str, ...]
    articles: int


@dataclass(frozen=True)
class RunReport:
    """One scheduled run: how its crawl ended (filled in by the scheduler when the crawl process
    is done, recorded in the jobs file) and what it brought (stories, health), as alerted."""

    group: str
    started: str
    ended: str
    outcome: str  # ok | failed | interrupted | crashed | time_limit | stalled | stopped | busy
    detail: str = ""
    new_articles: int = 0
    run_ids: tuple[str, ...] = ()
    returncode: int | None = None        # the crawl process's exit status (None: never started)
    sources: tuple[str, ...] = ()        # the sources it crawled: their health is judged after
    log: Path | None = None              # the crawl's output file
    stories: tuple[Story, ...] = ()
    unhealthy: tuple[SourceHealth, ...] = ()
    newly_unhealthy: frozenset[str] = frozenset()
    recovered: tuple[str, ...] = ()

    def worth_sending(self) -> bool:
        """Quiet nights stay quiet: only stories, problems, recoveries or a bad run are sent."""
        return bool(self.stories or self.unhealthy or self.recovered or self.outcome != "ok")


def group_stories(rows: Iterable[Mapping[str, Any]], limit: int) -> tuple[Story, ...]:
    """Articles (id, title, url, source, score, story_id) → one Story per story, best first."""
    groups: dict[Any, list[Mapping[str, Any]]] = {}
    for row in rows:
        key = ("story", row["story_id"]) if row["story_id"] is not None else ("article", row["id"])
        groups.setdefault(key, []).append(row)
    stories = [_story(members) for members in groups.values()]
    stories.sort(key=lambda s: (-s.score, s.title))
    return tuple(stories[:limit])


def _story(members: list[Mapping[str, Any]]) -> Story:
    best = max(members, key=lambda r: (r["score"], -r["id"]))
    sources = tuple(sorted({r["source"] for r in members}))
    return Story(best["story_id"], best["title"] or best["url"], best["url"], float(best["score"]),
                 sources, len(members))


def read_new_stories(store: Store, after_id: int, min_score: float,
                     limit: int) -> tuple[tuple[Story, ...], int]:
    """High-relevance articles stored after article id `after_id`, grouped into stories, and the
    highest article id now stored (the next watermark). Ids only grow, so no clock is involved."""
    top = store.max_article_id()
    rows = store.articles_after(after_id, top, ArticleFilter(kamtibmas=True, min_score=min_score))
    return group_stories(rows, limit), top


# rendering -------------------------------------------------------------------------------------
def render_text(report: RunReport) -> str:
    """The human-readable message (chat text and e-mail body)."""
    lines = [f"Pantau {report.group}: run {report.outcome}, {report.new_articles} new articles "
             f"({report.started[:16]} to {report.ended[11:16]} UTC)"]
    if report.detail:
        lines.append(report.detail)
    if report.stories:
        lines.append(f"\nNew Kamtibmas stories ({len(report.stories)}):")
        lines += [_story_line(s) for s in report.stories]
    if report.unhealthy:
        lines.append(f"\nUnhealthy sources ({len(report.unhealthy)}):")
        lines += [_health_line(h, h.source in report.newly_unhealthy) for h in report.unhealthy]
    if report.recovered:
        lines.append("\nRecovered: " + ", ".join(report.recovered))
    text = "\n".join(lines)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _story_line(story: Story) -> str:
    also = f" (+{story.articles - 1} more)" if story.articles > 1 else ""
    sources = ", ".join(story.sources)
    return f"- [{story.score:.2f}] {story.title} — {sources}{also}\n  {story.url}"


def _health_line(health: SourceHealth, new: bool) -> str:
    problems = "; ".join(f"{p.rule}: {p.detail}" for p in health.problems)
    return f"- {health.source}{' (new)' if new else ''}: {problems}"


def subject(report: RunReport, prefix: str) -> str:
    parts = [f"{len(report.stories)} stories"] if report.stories else []
    if report.unhealthy:
        parts.append(f"{len(report.unhealthy)} unhealthy sources")
    if report.outcome != "ok":
        parts.append(f"run {report.outcome}")
    return f"{prefix} {report.group}: {', '.join(parts) or 'all well'}".strip()


def payload(report: RunReport, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body: the text for chat gateways plus the structured run, stories and problems."""
    body: dict[str, Any] = {
        "type": "pantau.run", "text": render_text(report),
        "run": {"group": report.group, "started": report.started, "ended": report.ended,
                "outcome": report.outcome, "detail": report.detail,
                "new_articles": report.new_articles, "run_ids": list(report.run_ids)},
        "stories": [asdict(s) for s in report.stories],
        "unhealthy": [{**h.to_dict(), "new": h.source in report.newly_unhealthy}
                      for h in report.unhealthy],
        "recovered": list(report.recovered),
    }
    return {**body, **(extra or {})}


# delivery --------------------------------------------------------------------------------------
def send_webhook(settings: WebhookSettings, body: Mapping[str, Any]) -> None:
    """POST the JSON body, retrying a few times; raises AlertError when every attempt failed."""
    url = settings.resolved_url()
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Pantau alerts",
               **{k: _secret(v) for k, v in settings.headers.items()}}
    last: Exception | None = None
    for attempt in range(settings.retries + 1):
        if attempt:
            time.sleep(settings.retry_delay)
        try:
            request = urllib.request.Request(url, data=data, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=settings.timeout) as response:
                response.read()
            return
        except urllib.error.HTTPError as exc:
            exc.close()  # it holds the connection open
            last = exc
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            last = exc
    raise AlertError(f"webhook {_redact(url)}: {last}")


def _secret(value: str) -> str:
    """``env:NAME`` reads a header value (a token) from the environment."""
    return os.environ.get(value[4:], "") if value.startswith("env:") else value


def _redact(url: str) -> str:
    """Never log a bot token that sits in the URL path or query."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}/…" if rest else url


def send_email(settings: SmtpSettings, subject_line: str, text: str) -> None:
    """One plain-text message to every recipient; raises AlertError on any SMTP failure."""
    message = EmailMessage()
    message["Subject"] = subject_line
    message["From"] = settings.sender or f"pantau@{settings.host}"
    message["To"] = ", ".join(settings.to)
    message.set_content(text)
    try:
        with _smtp(settings) as smtp:
            password = os.environ.get(settings.password_env, "") if settings.password_env else ""
            if settings.username:
                smtp.login(settings.username, password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise AlertError(f"smtp {settings.host}:{settings.port}: {exc}") from exc


def _smtp(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def notify(settings: AlertSettings, report: RunReport) -> list[str]:
    """Send the report on every configured channel; returns the channels that took it.

    A failure is logged and swallowed: a chat gateway that is down must not fail the night.
    """
    delivered = []
    if settings.webhook.resolved_url():
        try:
            send_webhook(settings.webhook, payload(report, settings.webhook.extra))
            delivered.append("webhook")
        except Exception as exc:  # noqa: BLE001 - any failure here is only reported
            log.error("alert not delivered: %s", exc)
    if settings.smtp.host and settings.smtp.to:
        try:
            send_email(settings.smtp, subject(report, settings.smtp.subject_prefix),
                       render_text(report))
            delivered.append("email")
        except Exception as exc:  # noqa: BLE001
            log.error("alert not delivered: %s", exc)
    return delivered
