"""Alerts: stories grouped for the operator, a webhook receiver and an SMTP sink on loopback.

`WebhookReceiver` and `SmtpSink` are also used by the scheduler tests.
"""

from __future__ import annotations

import email
import json
import logging
import socketserver
import threading
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crawler.alerts import (
    AlertSettings,
    RunReport,
    SmtpSettings,
    WebhookSettings,
    group_stories,
    notify,
    payload,
    read_new_stories,
    render_text,
)
from crawler.health import Problem, SourceHealth
from crawler.schedule.config import ConfigError, load_config
from pipelines.storage import Store


# loopback receivers ----------------------------------------------------------------------------
class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that keeps every JSON body POSTed to it (or answers `status`)."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.status = status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.headers.append(dict(self.headers.items()))
                if receiver.status == 200:
                    receiver.bodies.append(json.loads(data))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook/SECRET-TOKEN"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class SmtpSink:
    """Just enough SMTP on 127.0.0.1 for smtplib: every message received is kept, parsed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.say("220 sink ESMTP")
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        self.say("354 end with .")
                        sink.messages.append(email.message_from_bytes(self.data()))
                        self.say("250 queued")
                    elif verb == b"QUIT":
                        self.say("221 bye")
                        return
                    else:
                        self.say("250 sink" if verb in (b"EHLO", b"HELO") else "250 ok")

            def data(self) -> bytes:
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                return b"".join(lines)

            def say(self, text: str) -> None:
                self.wfile.write(text.encode() + b"\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    yield server
    server.close()


# stories ---------------------------------------------------------------------------------------
def article(id: int, score: float, story: int | None, source: str = "lumajang") -> dict[str, Any]:
    return {"id": id, "title": f"Judul {id}", "url": f"http://x/{id}", "source": source,
            "score": score, "story_id": story}


def test_articles_are_grouped_by_story_best_first() -> None:
    stories = group_stories([article(1, 0.8, 7), article(2, 0.95, 7, "detikkasus"),
                             article(3, 0.9, None), article(4, 0.75, None)], limit=10)
    assert [(s.story_id, s.title, s.articles) for s in stories] == [
        (7, "Judul 2", 2), (None, "Judul 3", 1), (None, "Judul 4", 1)]
    assert stories[0].sources == ("detikkasus", "lumajang")
    assert len(group_stories([article(i, 0.9, None) for i in range(30)], limit=5)) == 5


def test_new_stories_after_the_watermark_only_scored_kamtibmas(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    store = Store(db)
    store.db["sources"].insert({"name": "lumajang", "url": "http://x/"})
    rows = [(0.9, 1, 5), (0.95, 1, 5), (0.99, 0, None), (0.5, 1, None), (None, None, None),
            (0.8, 1, None)]
    store.db["articles"].insert_all(
        {"url": f"http://x/{i}", "url_key": f"x/{i}", "source": "lumajang", "title": f"T{i}",
         "score": s, "kamtibmas": k, "story_id": st} for i, (s, k, st) in enumerate(rows, 1))
    store.close()
    with Store(db, readonly=True) as reader:
        stories, top = read_new_stories(reader, 0, 0.7, 10)
        assert top == 6
        assert [(s.story_id, s.url, s.articles) for s in stories] == [(5, "http://x/2", 2),
                                                                     (None, "http://x/6", 1)]
        assert read_new_stories(reader, 2, 0.7, 10)[0][0].url == "http://x/6"
        assert read_new_stories(reader, 6, 0.7, 10) == ((), 6)


# messages and delivery -------------------------------------------------------------------------
def report(**extra: Any) -> RunReport:
    stories = group_stories([article(1, 0.92, 3), article(2, 0.81, None, "detikkasus")], 10)
    sick = SourceHealth("kominfo-babel", "2026-11-22T18:00:00+00:00", "ok",
                        (Problem("silent", "no new articles in the last 3 runs"),))
    base = {"group": "default", "started": "2026-11-22T18:00:00+00:00",
                "ended": "2026-11-22T18:40:00+00:00", "outcome": "ok", "new_articles": 12,
                "stories": stories, "unhealthy": (sick,), "newly_unhealthy": frozenset({"kominfo-babel"})}
    return RunReport(**{**base, **extra})


def test_the_text_tells_the_operator_what_happened() -> None:
    text = render_text(report(recovered=("lumajang",)))
    assert "12 new articles" in text and "[0.92] Judul 1 — lumajang" in text
    assert "kominfo-babel (new): silent: no new articles in the last 3 runs" in text
    assert "Recovered: lumajang" in text
    long = render_text(report(detail="x" * 5000))
    assert len(long) <= 4000 and long.endswith("…")


def test_quiet_nights_send_nothing() -> None:
    assert not report(stories=(), unhealthy=()).worth_sending()
    assert report(stories=(), unhealthy=(), outcome="crashed").worth_sending()


def test_webhook_gets_the_json_body_with_extra_fields(hook: WebhookReceiver) -> None:
    settings = AlertSettings(webhook=WebhookSettings(
        url=hook.url, url_env="", extra={"chat_id": "-100123"},
        headers={"Authorization": "Bearer literal"}))
    assert notify(settings, report()) == ["webhook"]
    (body,) = hook.bodies
    assert body["type"] == "pantau.run" and body["chat_id"] == "-100123"
    assert body["run"]["new_articles"] == 12 and body["stories"][0]["title"] == "Judul 1"
    assert body["unhealthy"][0]["source"] == "kominfo-babel" and body["unhealthy"][0]["new"]
    assert body["text"] == render_text(report())
    assert hook.headers[0]["Authorization"] == "Bearer literal"


def test_webhook_url_and_header_secrets_come_from_the_environment(
        hook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_WEBHOOK_URL", hook.url)
    monkeypatch.setenv("HOOK_TOKEN", "s3cret")
    settings = AlertSettings(webhook=WebhookSettings(url="http://127.0.0.1:9/ignored",
                                                     headers={"X-Token": "env:HOOK_TOKEN"}))
    assert notify(settings, report()) == ["webhook"]
    assert hook.headers[0]["X-Token"] == "s3cret"


def test_a_failing_webhook_is_logged_retried_and_never_raised(
        caplog: pytest.LogCaptureFixture) -> None:
    broken = WebhookReceiver(status=500)
    try:
        settings = AlertSettings(webhook=WebhookSettings(url=broken.url, url_env="", retries=2,
                                                         retry_delay=0))
        with caplog.at_level(logging.ERROR, logger="pantau.alerts"):
            assert notify(settings, report()) == []
        assert len(broken.headers) == 3
        assert "alert not delivered" in caplog.text and "SECRET-TOKEN" not in caplog.text
    finally:
        broken.close()


def test_email_reaches_the_smtp_sink(sink: SmtpSink) -> None:
    settings = AlertSettings(smtp=SmtpSettings(host="127.0.0.1", port=sink.port, security="none",
                                               sender="pantau@polres.example",
                                               to=("humas@polres.example", "ops@example.org")))
    assert notify(settings, report()) == ["email"]
    (message,) = sink.messages
    assert message["Subject"] == "[Pantau] default: 2 stories, 1 unhealthy sources"
    assert message["To"] == "humas@polres.example, ops@example.org"
    assert "Judul 1" in message.get_payload(decode=True).decode()


def test_an_unreachable_smtp_server_is_logged_not_raised(
        caplog: pytest.LogCaptureFixture, hook: WebhookReceiver) -> None:
    settings = AlertSettings(
        webhook=WebhookSettings(url=hook.url, url_env=""),
        smtp=SmtpSettings(host="127.0.0.1", port=9, security="none", to=("a@b.c",), timeout=2))
    with caplog.at_level(logging.ERROR, logger="pantau.alerts"):
        assert notify(settings, report()) == ["webhook"]   # the other channel still works
    assert "smtp 127.0.0.1:9" in caplog.text


def test_alert_settings_from_the_settings_file_tables(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[alerts]\nmin_score = 0.8\n[alerts.webhook]\nurl = 'http://h/'\n"
                    "extra = { chat_id = 7 }\n[alerts.smtp]\nhost = 'mail'\nto = ['a@b.c']\n")
    settings = load_config(path).alerts
    assert settings == AlertSettings(min_score=0.8,
                                     webhook=WebhookSettings(url="http://h/", extra={"chat_id": 7}),
                                     smtp=SmtpSettings(host="mail", to=("a@b.c",)))
    path.write_text("[alerts.smtp]\nhots = 'mail'\n")
    with pytest.raises(ConfigError, match=r"\[alerts.smtp\] hots: unknown setting \(did you "
                                          r"mean 'host'\?\)"):
        load_config(path)
    path.write_text("[alerts.smtp]\nsecurity = 'tls'\n")
    with pytest.raises(ConfigError, match=r"\[alerts.smtp\] security: .*'starttls', 'ssl' or "
                                          r"'none' \(got 'tls'\)"):
        load_config(path)


def test_one_run_type_from_the_crawl_to_the_alert() -> None:
    """The scheduler's record of a crawl and the alert's report are one RunReport."""
    run = RunReport("polri", "2026-11-22T18:00:00+00:00", "2026-11-22T18:40:00+00:00", "crashed",
                    "crawl exited with status 1", 0, ("abc",), returncode=1,
                    sources=("lumajang",), log=Path("logs/crawl.log"))
    assert run.worth_sending() and payload(run)["run"]["run_ids"] == ["abc"]
    assert "run crashed" in render_text(run)


def test_payload_is_plain_json() -> None:
    assert json.loads(json.dumps(payload(report())))["recovered"] == []
