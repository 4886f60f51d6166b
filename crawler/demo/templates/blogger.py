"""A Blogger (blogspot) news blog."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from urllib.parse import quote, urlencode

from crawler.demo import feeds
from crawler.demo.model import FixtureArticle, Reply, Request, Site
from crawler.demo.templates.common import body_html, document, entry, esc, excerpt, int_param, link_list
from crawler.demo.text import tanggal


def desktop_url(request: Request) -> str:
    """The requested URL without Blogger's ``m=1`` mobile switch."""
    kept = [(k, v) for k, v in request.query.items() if k != "m"]
    return request.url(request.path + ("?" + urlencode(kept, safe=":") if kept else ""))


def mobile_url(url: str) -> str:
    """The ``?m=1`` mobile copy of a Blogger URL."""
    return url + ("&" if "?" in url else "?") + "m=1"


@dataclass
class Blogger:
    """A Blogger blog: ``/YYYY/MM/slug.html`` posts, a paged Atom feed advertised on the home page,
    "Posting Lama" links to ``/search?updated-max=…``, label pages and ``?m=1`` mobile copies.
    Pages show only visible dates (no ``article:published_time``)."""

    per_page: int = 5
    CLUTTER: ClassVar[tuple[str, ...]] = (
        "Beranda", "Posting Komentar", "Bagikan ke Facebook", "Bagikan ke Twitter", "Label:", "Diposting oleh",
        "Diberdayakan oleh Blogger", "Postingan Populer", "Tidak ada komentar")

    def article_path(self, slug: str, number: int, published: datetime) -> str:
        return f"/{published:%Y/%m}/{'-'.join(slug.split('-')[:5])}.html"

    def route(self, site: Site, request: Request) -> Reply | None:
        path, mobile = request.path, request.query.get("m") == "1"
        if path == "/robots.txt":
            return feeds.robots([("Mediapartners-Google", ["Disallow: "]), ("*", ["Allow: /"])])
        if path in ("/", ""):
            return self.listing(site, request, site.snapshot(), "home", mobile)
        if path == "/search" and "updated-max" in request.query:
            return self.older(site, request, mobile)
        if m := re.fullmatch(r"/search/label/([^/]+)", path):
            arts = [a for a in site.snapshot() if m[1] in (a.category, *a.tags)][:20]
            return self.listing(site, request, arts, "label", mobile) if arts else None
        if path == "/feeds/posts/default":
            return self.feed(site, request)
        if art := site.article_at(path):
            return self.article(site, request, art, mobile)
        return None

    def older_link(self, request: Request, before: FixtureArticle) -> str:
        stamp = quote(before.published.isoformat(timespec="seconds"), safe=":")
        return request.url(f"/search?updated-max={stamp}&max-results={self.per_page}")

    def older(self, site: Site, request: Request, mobile: bool) -> Reply | None:
        try:
            limit = datetime.fromisoformat(request.query["updated-max"].replace(" ", "+"))
        except ValueError:
            return None
        arts = [a for a in site.snapshot() if a.published < limit]
        return self.listing(site, request, arts, "search", mobile) if arts else None

    def feed(self, site: Site, request: Request) -> Reply | None:
        start, per = int_param(request, "start-index", 1), int_param(request, "max-results", self.per_page)
        if start is None or per is None or start < 1 or per < 1:
            return None
        arts = site.snapshot()
        chunk = arts[start - 1:start - 1 + per]
        nxt = (request.url(f"/feeds/posts/default?start-index={start + per}&max-results={per}")
               if start - 1 + per < len(arts) else None)
        return feeds.atom(site.display_name, request.url("/"), request.url(request.target),
                          [entry(request, a) for a in chunk], site.modified, nxt, len(arts), start, per)

    def post(self, request: Request, art: FixtureArticle, full: bool, mobile: bool) -> str:
        url = request.url(art.path)
        url = mobile_url(url) if mobile else url
        body = body_html(art) if full else (f"<p>{esc(excerpt(art, 45))}</p><div class=\"jump-link\"><a href="
                                            f"\"{esc(url)}\">Baca selengkapnya »</a></div>")
        labels = ", ".join(f'<a href="{esc(request.url("/search/label/" + quote(c)))}" rel="tag">{esc(c)}</a>'
                           for c in (art.category,))
        share = ('<div class="post-share-buttons"><a class="share-button sb-facebook" href="https://www.blogger.com/'
                 'share-post.g?target=facebook">Bagikan ke Facebook</a> <a class="share-button sb-twitter" href="'
                 'https://www.blogger.com/share-post.g?target=twitter">Bagikan ke Twitter</a></div>')
        return (f'<div class="date-outer"><h2 class="date-header"><span>{tanggal(art.published, True, True)}</span>'
                f'</h2><div class="date-posts"><div class="post-outer"><div class="post hentry" itemscope '
                f'itemtype="http://schema.org/BlogPosting"><h3 class="post-title entry-title" itemprop="name">'
                f'{esc(art.title) if full else f"<a href={chr(34)}{esc(url)}{chr(34)}>{esc(art.title)}</a>"}</h3>'
                f'<div class="post-body entry-content" id="post-body-{art.number}" itemprop="articleBody">{body}'
                f'</div><div class="post-footer"><div class="post-footer-line post-footer-line-1"><span class='
                f'"post-author vcard">Diposting oleh <span class="fn">{esc(art.author or "Admin")}</span></span> '
                f'<span class="post-timestamp">di <a class="timestamp-link" href="{esc(url)}" rel="bookmark">'
                f'{art.published:%H.%M}</a></span></div>{share}<div class="post-footer-line post-footer-line-2">'
                f'<span class="post-labels">Label: {labels}</span></div></div></div></div></div></div>')

    def chrome(self, site: Site, request: Request, main: str, pager: str, mobile: bool, mobile_url: str) -> str:
        labels = sorted({a.category for a in site.snapshot()})
        label_links = "".join(f'<li><a dir="ltr" href="{esc(request.url("/search/label/" + quote(c)))}">'
                              f'{esc(c)}</a></li>' for c in labels)
        switch = (f'<a href="{esc(mobile_url)}">Lihat versi web</a>' if mobile
                  else f'<a href="{esc(mobile_url)}">Tampilkan versi seluler</a>')
        return (f'<div class="header-outer"><div class="header"><h1 class="title"><a href="{esc(request.url("/"))}">'
                f'{esc(site.display_name)}</a></h1></div></div>\n<div class="main-inner"><div class="main">'
                f'<div class="blog-posts hfeed">{main}</div>{pager}</div><div class="sidebar"><div class="widget '
                f'Label"><h2>Label</h2><ul>{label_links}</ul></div><div class="widget PopularPosts"><h2>Postingan '
                f'Populer</h2>{link_list(request, site.snapshot()[:3], "popular-posts")}</div></div></div>\n'
                f'<div class="footer-outer"><div class="mobile-desktop-link">{switch}</div><div class="attribution">'
                f'Diberdayakan oleh Blogger.</div></div>')

    def head(self, site: Site, request: Request, canonical: str) -> str:
        return (f'<link rel="canonical" href="{esc(canonical)}">\n<link rel="alternate" media="only screen and '
                f'(max-width: 640px)" href="{esc(mobile_url(canonical))}">\n'
                f'<link rel="alternate" type="application/atom+xml" '
                f'title="{esc(site.display_name)} - Atom" href="{esc(request.url("/feeds/posts/default"))}">')

    def listing(self, site: Site, request: Request, arts: list[FixtureArticle], what: str,
                mobile: bool) -> Reply:
        shown = arts[:self.per_page] if what != "label" else arts
        pager = ""
        if what != "label" and len(arts) > len(shown):
            pager = (f'<div class="blog-pager" id="blog-pager"><span id="blog-pager-older-link"><a class='
                     f'"blog-pager-older-link" href="{esc(self.older_link(request, shown[-1]))}" title="Posting '
                     f'Lama">Posting Lama</a></span><a class="home-link" href="{esc(request.url("/"))}">'
                     f'Beranda</a></div>')
        canonical = desktop_url(request)
        main = "".join(self.post(request, a, False, mobile) for a in shown)
        body = self.chrome(site, request, main, pager, mobile, canonical if mobile else mobile_url(canonical))
        return document(site.display_name, self.head(site, request, canonical), body, lang="id",
                        body_class="version-1-3-3 variant-simple", validators=True)

    def article(self, site: Site, request: Request, art: FixtureArticle, mobile: bool) -> Reply:
        url = request.url(art.path)
        arts = site.snapshot()
        i = arts.index(art)
        newer, older = (arts[i - 1] if i > 0 else None), (arts[i + 1] if i + 1 < len(arts) else None)
        pager = '<div class="blog-pager" id="blog-pager">'
        if newer:
            pager += (f'<span id="blog-pager-newer-link"><a class="blog-pager-newer-link" href='
                      f'"{esc(request.url(newer.path))}">Posting Lebih Baru</a></span>')
        if older:
            pager += (f'<span id="blog-pager-older-link"><a class="blog-pager-older-link" href='
                      f'"{esc(request.url(older.path))}">Posting Lama</a></span>')
        pager += f'<a class="home-link" href="{esc(request.url("/"))}">Beranda</a></div>'
        comments = ('<div class="comments" id="comments"><h4>Tidak ada komentar:</h4><div class="comment-footer">'
                    '<a href="https://www.blogger.com/comment/fullpage/post">Posting Komentar</a></div></div>')
        main = self.post(request, art, True, mobile) + comments
        head = self.head(site, request, url) + (
            f'\n<meta property="og:url" content="{esc(url)}">\n<meta property="og:title" content="{esc(art.title)}">'
            f'\n<meta property="og:description" content="{esc(excerpt(art))}">')
        body = self.chrome(site, request, main, pager, mobile, url if mobile else mobile_url(url))
        return document(f"{art.title} - {site.display_name}", head, body, lang="id")
