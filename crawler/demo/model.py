"""The data the demo sites are made of, kept apart from how they are rendered and served.

`FixtureArticle` and `Site` are what tests and the lead's code read (which URLs exist, what their
clean text is, which clutter must not survive extraction). `Request` and `Reply` are the
HTTP-agnostic contract between the site templates and :mod:`crawler.demo.server`, so templates can
be unit-tested without sockets and the server holds no site knowledge.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from pipelines.vocabulary import WIB

HTML = "text/html; charset=UTF-8"


@dataclass
class FixtureArticle:
    """One article page and what a perfect extraction of it would return.

    `clutter` lists strings that appear on the page but must not end up in the extracted body.
    `list_items` are indices of `paragraphs` rendered as ``<li>`` (real content, not clutter).
    `kamtibmas` says whether the article is about public order/security (None: unknown).
    """

    path: str
    title: str
    published: datetime
    author: str | None
    paragraphs: list[str]
    clutter: list[str] = field(default_factory=list)
    slug: str = ""
    number: int = 0
    category: str = "Berita"
    tags: list[str] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)  # (title, path) of linked posts
    list_items: list[int] = field(default_factory=list)
    source_attribution: str | None = None
    dateline: str | None = None
    views: int = 0
    kamtibmas: bool | None = None
    is_seed: bool = False
    story: str | None = None   # syndicated copies of one release share this key (see syndication)


@dataclass
class Request:
    """A parsed request as a template sees it; `target` is path plus query, as sent."""

    path: str
    query: dict[str, str]
    target: str
    base_url: str

    def url(self, path: str) -> str:
        """Absolute URL on the same site."""
        return self.base_url + path


@dataclass
class Reply:
    """What a template answers; the server adds validators and handles conditional requests.

    `validators=True` marks listing pages, feeds and sitemaps: they get ETag and Last-Modified
    and may be answered with 304. `delay` makes the server wait before answering.
    """

    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = False
    delay: float = 0.0


class SiteTemplate(Protocol):
    """A site kind: its URL scheme and how it renders every page."""

    def article_path(self, slug: str, number: int, published: datetime) -> str:
        """The path an article with this slug, id and date gets on this kind of site."""
        ...

    def route(self, site: Site, request: Request) -> Reply | None:
        """Answer a request, or None for 404."""
        ...


@dataclass
class Site:
    """A fixture website: its articles (newest first), its template and mutable serving state.

    `listing_hints` are path templates with ``{page}`` that a realistic sources file would name
    (only for sites that offer no machine-readable discovery). `modified` is the time validators
    report; it moves forward whenever articles are published.
    """

    name: str
    kind: str
    region: str
    articles: list[FixtureArticle]
    template: SiteTemplate
    display_name: str
    listing_hints: list[str] = field(default_factory=list)
    slow_seconds: float = 5.0
    modified: datetime = field(default_factory=lambda: datetime.now(WIB))
    _by_path: dict[str, FixtureArticle] = field(default_factory=dict, repr=False)
    _by_number: dict[int, FixtureArticle] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _failed_once: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self.articles.sort(key=lambda a: a.published, reverse=True)
        self._reindex()
        if self.articles:
            self.modified = max(a.published for a in self.articles)

    def _reindex(self) -> None:
        self._by_path = {a.path: a for a in self.articles}
        self._by_number = {a.number: a for a in self.articles}

    def article_at(self, path: str) -> FixtureArticle | None:
        """The article served at `path` (no query), if any."""
        return self._by_path.get(path)

    def article_numbered(self, number: int) -> FixtureArticle | None:
        """The article with CMS id `number`, for ID-based URL schemes."""
        return self._by_number.get(number)

    def snapshot(self) -> list[FixtureArticle]:
        """The current article list; a copy so a concurrent publish cannot disturb a render."""
        with self._lock:
            return list(self.articles)

    def next_number(self) -> int:
        """An article id one above the highest in use."""
        return max((a.number for a in self.articles), default=0) + 1

    def add(self, new: list[FixtureArticle], when: datetime) -> None:
        """Publish articles: they go to the front and every validator changes."""
        with self._lock:
            self.articles = sorted(new + self.articles, key=lambda a: a.published, reverse=True)
            self._reindex()
            self.modified = max(self.modified + timedelta(seconds=1), when)

    def fail_first_time(self, key: str) -> bool:
        """True the first time `key` is seen, for pages that error once and then recover."""
        with self._lock:
            first = key not in self._failed_once
            self._failed_once.add(key)
            return first

    def serve(self, request: Request) -> Reply:
        """Route a request through the template; unknown paths are 404."""
        return self.template.route(self, request) or not_found(self)


def not_found(site: Site) -> Reply:
    """A plain 404 page in the site's language."""
    body = (f"<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Halaman tidak "
            f"ditemukan – {site.display_name}</title></head><body><h1>404</h1><p>Halaman yang Anda "
            f"cari tidak ditemukan.</p></body></html>")
    return Reply(status=404, body=body.encode())
