"""A Polri (Tribratanews) WordPress news site."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from urllib.parse import quote

from crawler.demo import feeds
from crawler.demo.model import FixtureArticle, Reply, Request, Site
from crawler.demo.templates.common import body_html, document, entry, esc, excerpt, link_list, og_meta
from crawler.demo.templates.wordpress import WordPressNews
from crawler.demo.text import tanggal


@dataclass
class PolriWordPress(WordPressNews):
    """A Tribratanews (Polri) WordPress site: date permalinks, a Google News sitemap named in
    robots.txt, home pagination with ``rel=next`` and "Berikutnya", and a trailing list of other
    headlines after every article (no tags/AMP/RSS advertised)."""

    per_page: int = 6
    crawl_delay: float | None = None
    news_items: int = 10

    CLUTTER: ClassVar[tuple[str, ...]] = ("Bagikan:", "Facebook", "Twitter", "WhatsApp", "Berita Terbaru", "Hak Cipta")

    def article_path(self, slug: str, number: int, published: datetime) -> str:
        return f"/{published:%Y/%m/%d}/{slug}/"

    def route(self, site: Site, request: Request) -> Reply | None:
        path = request.path
        if path == "/robots.txt":
            return feeds.robots([("*", ["Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php"])],
                                [request.url("/news-sitemap.xml")])
        if path == "/news-sitemap.xml":
            latest = site.snapshot()[:self.news_items]
            return feeds.news_sitemap((entry(request, a) for a in latest), site.display_name)
        if path in ("/", "") or re.fullmatch(r"/page/\d+/", path):
            return self.home(site, request)
        if art := site.article_at(path):
            return self.article(site, request, art)
        return None

    def chrome(self, site: Site, request: Request, main: str, sidebar: bool = True) -> str:
        return (f'<header id="masthead" class="site-header"><p class="site-title"><a href="'
                f'{esc(request.url("/"))}">{esc(site.display_name)}</a></p><nav class="main-navigation">'
                f'<a href="{esc(request.url("/"))}">Beranda</a></nav></header>\n<div id="content" '
                f'class="site-content"><div id="primary" class="content-area"><main id="main" '
                f'class="site-main">{main}</main></div><aside id="secondary" class="widget-area">'
                f'<section class="widget widget_recent_entries"><h2 class="widget-title">Berita Terbaru</h2>'
                f'{link_list(request, site.snapshot()[:5], "recent")}</section></aside></div>\n'
                f'<footer class="site-footer">Hak Cipta © {site.modified.year} {esc(site.display_name)}</footer>')

    def feed_link(self, site: Site, request: Request) -> str:
        return ""

    def teaser(self, request: Request, art: FixtureArticle) -> str:
        url = request.url(art.path)
        return (f'<article class="post type-post"><h2 class="entry-title"><a href="{esc(url)}" '
                f'rel="bookmark">{esc(art.title)}</a></h2><div class="entry-meta"><time class="entry-date '
                f'published" datetime="{art.published.isoformat()}">{tanggal(art.published)}</time></div>'
                f'<div class="entry-summary"><p>{esc(excerpt(art))}</p></div></article>')

    def page_nav(self, request: Request, page: int, last: int) -> str:
        """WordPress core pagination: numbers plus "Sebelumnya"/"Berikutnya"."""
        def url(p: int) -> str:
            return esc(request.url("/" if p == 1 else f"/page/{p}/"))
        links = [f'<a class="prev page-numbers" href="{url(page - 1)}">Sebelumnya</a>'] if page > 1 else []
        links += [f'<span aria-current="page" class="page-numbers current">{p}</span>' if p == page
                  else f'<a class="page-numbers" href="{url(p)}">{p}</a>'
                  for p in range(max(1, page - 2), min(last, page + 2) + 1)]
        if page < last:
            links.append(f'<a class="next page-numbers" href="{url(page + 1)}">Berikutnya</a>')
        return f'<nav class="navigation pagination"><div class="nav-links">{"".join(links)}</div></nav>'

    def article(self, site: Site, request: Request, art: FixtureArticle) -> Reply:
        url = request.url(art.path)
        others = "".join(f'<h4 class="entry-title"><a href="{esc(request.url(p))}">{esc(t)}</a></h4>'
                         for t, p in art.related)
        share = "".join(f'<a class="share-{n.lower()}" href="https://{d}/share?u={quote(url, safe="")}">{n}</a> '
                        for n, d in (("Facebook", "facebook.com"), ("Twitter", "twitter.com"),
                                     ("WhatsApp", "wa.me")))
        main = (f'<article id="post-{art.number}" class="post type-post status-publish">'
                f'<header class="entry-header"><h1 class="entry-title">{esc(art.title)}</h1>'
                f'<div class="entry-meta"><span class="posted-on"><time class="entry-date published" '
                f'datetime="{art.published.isoformat()}">{tanggal(art.published, weekday=True)}</time></span>'
                f'<span class="byline"> oleh <span class="author vcard"><a class="url fn n" href="'
                f'{esc(request.url("/author/humas/"))}">{esc(art.author or "admin")}</a></span></span></div>'
                f'</header><div class="entry-content">{body_html(art)}</div>'
                f'<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Bagikan:</h3>{share}</div>'
                f'</article><div class="post-list-after">{others}</div>')
        head = og_meta(site, art, url) + f'\n<meta name="author" content="{esc(art.author or "admin")}">'
        return document(f"{art.title} – {site.display_name}", head, self.chrome(site, request, main),
                        body_class="post-template-default single")
