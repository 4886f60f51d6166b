"""Serve the demo sites over real HTTP on loopback, one address per site, and log every request.

Pantau's crawl tests need sites that differ by host (robots.txt, politeness and deduplication are
per host), so each site gets its own 127.0.0.N address; Linux routes all of 127/8 to the loopback
interface, so no setup is needed. Each server is a threaded :mod:`http.server` (a slow page must
not stall the others) that:

- records method, path with query, headers, status and a monotonic timestamp per request, so
  tests can assert what a crawler did (never fetched a disallowed URL, honoured Crawl-delay,
  sent conditional requests, did not refetch known articles);
- adds ``ETag`` and ``Last-Modified`` to listing pages, feeds and sitemaps and answers matching
  ``If-None-Match`` / ``If-Modified-Since`` with ``304 Not Modified``.

Run ``python -m crawler.demo.server [--write-sources PATH]`` to serve every site until Ctrl-C.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

import yaml

from crawler.demo.model import Reply, Request, Site
from crawler.demo.sites import (
    aware,
    build_archive_site,
    build_big_site,
    build_sites,
    default_now,
    publish,
)


@dataclass
class LoggedRequest:
    """One request as the server saw it; `at` is :func:`time.monotonic` on arrival."""

    method: str
    path: str
    headers: dict[str, str]
    status: int
    at: float


def http_date(moment: datetime) -> str:
    """An RFC 9110 IMF-fixdate."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def not_modified(headers: dict[str, str], etag: str, modified: datetime) -> bool:
    """Whether a conditional request matches; If-None-Match wins over If-Modified-Since (RFC 9110)."""
    if (inm := headers.get("if-none-match")) is not None:
        return inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
    if (ims := headers.get("if-modified-since")) is not None:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into :class:`Request` for the site, and its :class:`Reply` back."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.18.0"
    sys_version = ""

    def do_GET(self) -> None:
        self.answer(send_body=True)

    def do_HEAD(self) -> None:
        self.answer(send_body=False)

    def answer(self, send_body: bool) -> None:
        fixture = self.server.fixture
        arrived = time.monotonic()
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, reply = self.respond(fixture, headers)
        fixture.log(LoggedRequest(self.command, self.path, dict(self.headers.items()), status, arrived))
        if reply.delay:
            time.sleep(reply.delay)
        body = b"" if status == 304 else reply.body
        self.send_response(status)
        for name, value in {"Content-Type": reply.content_type, **reply.headers, **extra}.items():
            if status != 304 or name != "Content-Type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def respond(self, fixture: FixtureServer, headers: dict[str, str]) -> tuple[int, dict[str, str], Reply]:
        """Status, validator headers and reply for this request."""
        parts = urlsplit(self.path)
        request = Request(path=parts.path, query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                          target=self.path, base_url=fixture.base_url)
        reply = fixture.site.serve(request)
        if not (reply.validators and reply.status == 200):
            return reply.status, {}, reply
        modified = fixture.site.modified
        extra = {"ETag": f'"{hashlib.sha1(reply.body).hexdigest()[:20]}"', "Last-Modified": http_date(modified),
                 "Cache-Control": "max-age=0, must-revalidate"}
        status = 304 if not_modified(headers, extra["ETag"], modified) else 200
        return status, extra, reply

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default stderr access log; the request log is kept in memory instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fixture: FixtureServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (a crawler's timeout on the slow page) is normal here, not a
        traceback on the terminal; anything else is still reported."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FixtureServer:
    """One demo site served on `host`:`port` (port 0 picks a free one) in a background thread."""

    def __init__(self, site: Site, host: str, port: int = 0) -> None:
        self.site = site
        self.host = host
        self.port = port
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.N:PORT`` (the real port once started)."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        """Bind and serve in a daemon thread."""
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.fixture = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"demo-{self.site.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the socket; requests still sleeping are abandoned."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def log(self, entry: LoggedRequest) -> None:
        """Append to the request log (thread-safe)."""
        with self._lock:
            self.requests.append(entry)

    def paths(self) -> list[str]:
        """Requested paths with query, in arrival order."""
        with self._lock:
            return [r.path for r in self.requests]

    def url(self, path: str) -> str:
        """Absolute URL of `path` on this server."""
        return self.base_url + path


class DemoSites:
    """Every demo site running at once, each on its own loopback address (127.0.0.`first_host`,
    then the next ones), as a context manager.

    `slow_seconds` is how long the broken portal's slow article takes; `big_site_articles` > 0
    also serves the benchmark site as ``big``, `archive_site_articles` > 0 a regency CMS reachable
    only through its listing pages as ``archive`` (``archive_per_page`` a page). `only` serves
    just the extra sites, without the six demo sites.
    """

    def __init__(self, now: datetime | None = None, first_host: int = 2, slow_seconds: float = 5.0,
                 big_site_articles: int = 0, archive_site_articles: int = 0,
                 archive_per_page: int = 20, only_extra: bool = False) -> None:
        self.now = aware(now) if now is not None else default_now()
        self.sites: dict[str, Site] = {} if only_extra else build_sites(self.now, slow_seconds)
        if big_site_articles > 0:
            self.sites["big"] = build_big_site(self.now, big_site_articles)
        if archive_site_articles > 0:
            self.sites["archive"] = build_archive_site(self.now, archive_site_articles,
                                                       archive_per_page)
        self.servers: dict[str, FixtureServer] = {
            name: FixtureServer(site, f"127.0.0.{first_host + i}") for i, (name, site) in enumerate(self.sites.items())}
        self._batches = 0

    def start(self) -> None:
        """Start every server."""
        for server in self.servers.values():
            server.start()

    def stop(self) -> None:
        """Stop every server."""
        for server in self.servers.values():
            server.stop()

    def __enter__(self) -> DemoSites:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def sources_yaml(self, names: Iterable[str] | None = None) -> str:
        """A Pantau sources file for the running sites: name, url, kind and region only, plus a
        listing template where the site offers no feed or sitemap (as an operator would write)."""
        chosen = list(names) if names is not None else list(self.servers)
        entries = []
        for name in chosen:
            server, site = self.servers[name], self.sites[name]
            entry: dict[str, object] = {"name": name, "url": server.url("/"), "kind": site.kind,
                                        "region": site.region}
            if site.listing_hints:
                entry["listings"] = [server.url(hint) for hint in site.listing_hints]
            entries.append(entry)
        return str(yaml.safe_dump({"sources": entries}, sort_keys=False, allow_unicode=True))

    def publish_new(self, per_site: int = 2) -> list[str]:
        """Publish `per_site` new articles dated `now` on every site; returns their absolute URLs.

        They appear on home/listing page 1, in feeds and sitemaps, and every ETag changes.
        """
        self._batches += 1
        urls = []
        for name, site in self.sites.items():
            for art in publish(site, self.now, per_site, self._batches):
                urls.append(self.servers[name].url(art.path))
        return urls


def main(argv: list[str] | None = None) -> None:
    """Serve all demo sites until Ctrl-C, printing their URLs."""
    parser = argparse.ArgumentParser(prog="python -m crawler.demo.server", description=main.__doc__)
    parser.add_argument("--write-sources", metavar="PATH", help="also write a Pantau sources YAML file here")
    parser.add_argument("--slow-seconds", type=float, default=5.0, help="delay of the slow page (default 5)")
    parser.add_argument("--big", type=int, default=0, metavar="N", help="also serve a benchmark site of N articles")
    args = parser.parse_args(argv)
    with DemoSites(slow_seconds=args.slow_seconds, big_site_articles=args.big) as demo:
        for name, server in demo.servers.items():
            print(f"{name:26} {server.url('/')}", flush=True)
        if args.write_sources:
            with open(args.write_sources, "w", encoding="utf-8") as out:
                out.write(demo.sources_yaml())
            print(f"sources written to {args.write_sources}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")


if __name__ == "__main__":
    main()
