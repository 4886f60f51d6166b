"""Machine-readable discovery documents: robots.txt, sitemaps, RSS 2.0 and Atom feeds.

Kept as small functions of plain data (URLs, dates, titles) so every site kind builds the same
well-formed XML the real plugins emit (Yoast sitemaps, Google News sitemaps, WordPress RSS,
Blogger Atom) without templates knowing XML escaping rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from crawler.demo.model import Reply

XML = "application/xml; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"
ATOM = "application/atom+xml; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"


@dataclass(frozen=True)
class Entry:
    """One article as feeds and sitemaps describe it."""

    url: str
    title: str
    published: datetime
    author: str | None = None
    summary: str = ""
    categories: tuple[str, ...] = ()


def robots(groups: Iterable[tuple[str, list[str]]], sitemaps: Iterable[str] = ()) -> Reply:
    """robots.txt from (user-agent, rule lines) groups plus Sitemap lines."""
    parts = ["\n".join([f"User-agent: {agent}", *rules]) for agent, rules in groups]
    parts += [f"Sitemap: {url}" for url in sitemaps]
    return Reply(body=("\n\n".join(parts) + "\n").encode(), content_type=TEXT)


def _xml(text: str, content_type: str = XML) -> Reply:
    return Reply(body=('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode(),
                 content_type=content_type, validators=True)


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> Reply:
    """A sitemap `<urlset>` of (url, lastmod) pairs."""
    rows = "".join(
        f"<url><loc>{escape(url)}</loc>" + (f"<lastmod>{mod.isoformat()}</lastmod>" if mod else "")
        + "</url>\n" for url, mod in entries)
    return _xml('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n")


def sitemap_index(entries: Iterable[tuple[str, datetime]]) -> Reply:
    """A Yoast-style `<sitemapindex>` of (sitemap url, lastmod) pairs."""
    rows = "".join(f"<sitemap><loc>{escape(url)}</loc><lastmod>{mod.isoformat()}</lastmod></sitemap>\n"
                   for url, mod in entries)
    return _xml('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows
                + "</sitemapindex>\n")


def news_sitemap(entries: Iterable[Entry], publication: str) -> Reply:
    """A Google News sitemap: `<news:news>` with publication date and title per URL."""
    rows = "".join(
        f"<url><loc>{escape(e.url)}</loc><news:news><news:publication><news:name>{escape(publication)}"
        f"</news:name><news:language>id</news:language></news:publication><news:publication_date>"
        f"{e.published.isoformat()}</news:publication_date><news:title>{escape(e.title)}</news:title>"
        f"</news:news></url>\n" for e in entries)
    return _xml('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + rows + "</urlset>\n")


def rss(title: str, home: str, self_url: str, entries: list[Entry], updated: datetime) -> Reply:
    """A WordPress-style RSS 2.0 feed with dc:creator and categories."""
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.url)}</link>"
        f"<dc:creator><![CDATA[{e.author or ''}]]></dc:creator>"
        f"<pubDate>{format_datetime(e.published)}</pubDate>"
        + "".join(f"<category><![CDATA[{c}]]></category>" for c in e.categories)
        + f'<guid isPermaLink="true">{escape(e.url)}</guid>'
        f"<description><![CDATA[{e.summary}]]></description></item>\n" for e in entries)
    return _xml(
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>'
        f"<title>{escape(title)}</title><link>{escape(home)}</link>"
        f'<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml"/>'
        f"<description>Berita terkini</description><language>id-ID</language>"
        f"<lastBuildDate>{format_datetime(updated)}</lastBuildDate>\n{items}</channel></rss>\n", RSS)


def atom(title: str, home: str, self_url: str, entries: list[Entry], updated: datetime,
         next_url: str | None, total: int, start: int, per_page: int) -> Reply:
    """A Blogger-style Atom feed with OpenSearch counts and a `rel="next"` link for paging."""
    items = "".join(
        f"<entry><id>{escape(e.url)}</id><published>{e.published.isoformat()}</published>"
        f"<updated>{e.published.isoformat()}</updated>"
        + "".join(f'<category scheme="http://www.blogger.com/atom/ns#" term="{escape(c)}"/>'
                  for c in e.categories)
        + f"<title type=\"text\">{escape(e.title)}</title>"
        f'<summary type="text">{escape(e.summary)}</summary>'
        f'<link rel="alternate" type="text/html" href="{escape(e.url)}" title="{escape(e.title)}"/>'
        f"<author><name>{escape(e.author or '')}</name></author></entry>\n" for e in entries)
    nxt = f'<link rel="next" type="application/atom+xml" href="{escape(next_url)}"/>' if next_url else ""
    return _xml(
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:openSearch="http://a9.com/-/spec/opensearchrss/1.0/">'
        f"<id>{escape(home)}</id><updated>{updated.isoformat()}</updated>"
        f'<title type="text">{escape(title)}</title>'
        f'<link rel="alternate" type="text/html" href="{escape(home)}"/>'
        f'<link rel="self" type="application/atom+xml" href="{escape(self_url)}"/>{nxt}'
        f"<openSearch:totalResults>{total}</openSearch:totalResults>"
        f"<openSearch:startIndex>{start}</openSearch:startIndex>"
        f"<openSearch:itemsPerPage>{per_page}</openSearch:itemsPerPage>\n{items}</feed>\n", ATOM)
