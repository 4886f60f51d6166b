"""A WordPress regional outlet (tagDiv "Newspaper" theme, JNews inline related posts, Yoast)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from urllib.parse import quote

from crawler.demo import feeds
from crawler.demo.model import FixtureArticle, Reply, Request, Site
from crawler.demo.templates.common import (
    body_html,
    document,
    entry,
    esc,
    excerpt,
    link_list,
    og_meta,
    page_slice,
)
from crawler.demo.text import slugify, tanggal


@dataclass
class WordPressNews:
    """A WordPress regional outlet on a tagDiv "Newspaper" theme with JNews-style inline related
    posts, Yoast sitemaps, an RSS feed, AMP copies, tag/category/author archives.

    `sitemap_size` is the number of URLs per ``post-sitemapN.xml`` (Yoast uses 1000; the demo uses
    fewer so the index has several children). `disallowed` is a robots-disallowed section that
    the home page links to anyway.
    """

    sitemap_size: int = 8
    per_page: int = 10
    crawl_delay: float | None = 0.3
    disallowed: str = "/pracetak/"

    SHOWS_RELATED: ClassVar[bool] = True
    CLUTTER: ClassVar[tuple[str, ...]] = (
        "Baca Juga", "Tinggalkan Balasan", "Alamat email Anda tidak akan dipublikasikan",
        "Ruas yang wajib ditandai", "Artikel Terkait", "Berita Terbaru", "Bagikan", "WhatsApp", "Copyright")

    def article_path(self, slug: str, number: int, published: datetime) -> str:
        return f"/{slug}/"

    def route(self, site: Site, request: Request) -> Reply | None:
        path = request.path
        if path == "/robots.txt":
            return self.robots(request)
        if path in ("/", "") or re.fullmatch(r"/page/\d+/", path):
            return self.home(site, request)
        if path == "/sitemap_index.xml":
            return self.sitemap_index(site, request)
        if m := re.fullmatch(r"/post-sitemap(\d*)\.xml", path):
            return self.post_sitemap(site, request, int(m[1] or 1))
        if path == "/category-sitemap.xml":
            cats = sorted({a.category for a in site.snapshot()})
            return feeds.urlset((request.url(f"/category/{slugify(c)}/"), None) for c in cats)
        if path == "/feed/":
            return self.feed(site, request)
        if m := re.fullmatch(r"/(tag|category|author)/([^/]+)/", path):
            return self.archive(site, request, m[1], m[2])
        if path.startswith((self.disallowed, "/wp-admin/")):
            return self.private(site, request)
        if path.endswith("/amp/") and (art := site.article_at(path[:-4])):
            return self.amp(site, request, art)
        if art := site.article_at(path):
            return self.article(site, request, art)
        return None

    def robots(self, request: Request) -> Reply:
        rules = ["Disallow: /wp-admin/", f"Disallow: {self.disallowed}",
                 "Allow: /wp-admin/admin-ajax.php"]
        if self.crawl_delay is not None:
            rules.insert(0, f"Crawl-delay: {self.crawl_delay:g}")
        return feeds.robots([("*", rules)], [request.url("/sitemap_index.xml")])

    def chrome(self, site: Site, request: Request, main: str, sidebar: bool = True) -> str:
        """Header menu, two-column layout, sidebar and footer around `main`."""
        cats = sorted({a.category for a in site.snapshot()})
        menu = "".join(f'<li><a href="{esc(request.url(f"/category/{slugify(c)}/"))}">{esc(c)}</a></li>'
                       for c in cats)
        side = (f'<div class="td-pb-span4 td-main-sidebar"><aside class="td_block_wrap widget">'
                f'<h4 class="block-title"><span>Berita Terbaru</span></h4>'
                f'{link_list(request, site.snapshot()[:5], "td-latest")}</aside></div>') if sidebar else ""
        return (f'<div class="td-header-wrap"><div class="td-header-logo"><a href="{esc(request.url("/"))}">'
                f'{esc(site.display_name)}</a></div><div class="td-header-menu-wrap"><ul id="menu-utama" '
                f'class="sf-menu"><li><a href="{esc(request.url("/"))}">Beranda</a></li>{menu}</ul></div></div>\n'
                f'<div class="td-main-content-wrap td-container-wrap"><div class="td-container">'
                f'<div class="td-pb-row"><div class="td-pb-span8 td-main-content">{main}</div>{side}'
                f'</div></div></div>\n<div class="td-footer-wrap"><div class="td-sub-footer-copy">'
                f'Copyright © {site.modified.year} {esc(site.display_name)}</div>'
                f'<ul class="td-subfooter-menu"><li><a href="{esc(request.url(self.disallowed + "draf-rilis-kapolres-tulungagung-belum-terbit/"))}">'
                f'Draf Rilis (internal)</a></li></ul></div>')

    def feed_link(self, site: Site, request: Request) -> str:
        return (f'<link rel="alternate" type="application/rss+xml" title="{esc(site.display_name)} '
                f'&raquo; Feed" href="{esc(request.url("/feed/"))}">')

    def teaser(self, request: Request, art: FixtureArticle) -> str:
        """A home/archive module: title, date, excerpt, share (utm) and AMP links."""
        url = request.url(art.path)
        share = f"{url}?utm_source=whatsapp&utm_medium=share&utm_campaign=home"
        return (f'<div class="td_module_flex td_module_wrap"><h3 class="entry-title td-module-title">'
                f'<a href="{esc(url)}" rel="bookmark">{esc(art.title)}</a></h3>'
                f'<div class="td-editor-date"><span class="td-author-date"><span class="td-post-date">'
                f'<time class="entry-date updated td-module-date" datetime="{art.published.isoformat()}">'
                f'{tanggal(art.published)}</time></span></span></div>'
                f'<div class="td-excerpt">{esc(excerpt(art))}</div><div class="td-module-share">'
                f'<a class="td-social-sharing-button" href="{esc(share)}">Bagikan ke WhatsApp</a> '
                f'<a class="td-amp-link" href="{esc(url)}amp/">Versi AMP</a></div></div>')

    def home(self, site: Site, request: Request) -> Reply | None:
        m = re.fullmatch(r"/page/(\d+)/", request.path)
        page = int(m[1]) if m else 1
        arts, last = page_slice(site.snapshot(), page, self.per_page)
        if not arts or page < 1:
            return None
        head = [self.feed_link(site, request), f'<link rel="canonical" href="{esc(request.url(request.path))}">']
        if page > 1:
            prev = "/" if page == 2 else f"/page/{page - 1}/"
            head.append(f'<link rel="prev" href="{esc(request.url(prev))}">')
        if page < last:
            head.append(f'<link rel="next" href="{esc(request.url(f"/page/{page + 1}/"))}">')
        main = "".join(self.teaser(request, a) for a in arts) + self.page_nav(request, page, last)
        title = site.display_name if page == 1 else f"{site.display_name} – Halaman {page}"
        return document(title, "\n".join(head), self.chrome(site, request, main),
                        body_class="home blog", validators=True)

    def page_nav(self, request: Request, page: int, last: int) -> str:
        """tagDiv's numbered pager with an arrow to the next page."""
        nav = [f'<span class="current">{page}</span>']
        nav += [f'<a href="{esc(request.url(f"/page/{p}/"))}" class="page">{p}</a>'
                for p in range(page + 1, min(last, page + 3) + 1)]
        if page < last:
            nav.append(f'<a href="{esc(request.url(f"/page/{page + 1}/"))}" aria-label="next-page">'
                       f'<i class="td-icon-menu-right"></i></a>')
        return (f'<div class="page-nav td-pb-padding-side">{"".join(nav)}'
                f'<span class="pages">Halaman {page} dari {last}</span></div>')

    def sitemap_index(self, site: Site, request: Request) -> Reply:
        count = max(1, -(-len(site.snapshot()) // self.sitemap_size))
        names = ["/post-sitemap.xml"] + [f"/post-sitemap{i}.xml" for i in range(2, count + 1)]
        children = [(request.url(n), site.modified) for n in names]
        return feeds.sitemap_index(children + [(request.url("/category-sitemap.xml"), site.modified)])

    def post_sitemap(self, site: Site, request: Request, number: int) -> Reply | None:
        oldest_first = site.snapshot()[::-1]
        chunk = oldest_first[(number - 1) * self.sitemap_size:number * self.sitemap_size]
        if not chunk or number < 1:
            return None
        return feeds.urlset((request.url(a.path), a.published) for a in chunk)

    def feed(self, site: Site, request: Request) -> Reply:
        latest = site.snapshot()[:10]
        return feeds.rss(site.display_name, request.url("/"), request.url("/feed/"),
                         [entry(request, a) for a in latest], site.modified)

    def archive(self, site: Site, request: Request, kind: str, slug: str) -> Reply | None:
        """Tag, category and author archives: the 20 newest matching posts."""
        def matches(a: FixtureArticle) -> bool:
            values = {"tag": a.tags, "category": [a.category], "author": [a.author or ""]}[kind]
            return slug in {slugify(v) for v in values}
        arts = [a for a in site.snapshot() if matches(a)][:20]
        if not arts:
            return None
        label = {"tag": "Tag", "category": "Kategori", "author": "Penulis"}[kind]
        main = f'<h1 class="entry-title td-page-title">{label}: {esc(slug)}</h1>' + "".join(
            self.teaser(request, a) for a in arts)
        return document(f"{slug} Arsip – {site.display_name}", self.feed_link(site, request),
                        self.chrome(site, request, main), body_class="archive", validators=True)

    def private(self, site: Site, request: Request) -> Reply:
        """What sits behind the robots.txt Disallow: a page a polite crawler never sees."""
        main = "<h1>Arsip Internal Redaksi</h1><p>Dokumen internal, tidak untuk publikasi.</p>"
        return document(f"Arsip Internal – {site.display_name}", "", self.chrome(site, request, main))

    def baca_juga(self, request: Request, title: str, path: str) -> str:
        """The JNews inline related-post box that interrupts the article body."""
        return (f'<div class="jnews_inline_related_post_wrapper"><div class="jnews_inline_related_post">'
                f'<div class="jeg_postblock_22 jeg_postblock"><div class="jeg_block_heading">'
                f'<h3 class="jeg_block_title"><span>Baca Juga:</span></h3></div><div class="jeg_posts">'
                f'<article class="jeg_post"><h3 class="jeg_post_title"><a href="{esc(request.url(path))}">'
                f'{esc(title)}</a></h3></article></div></div></div></div>')

    def share(self, url: str, where: str) -> str:
        links = [("facebook", "https://www.facebook.com/sharer.php?u="), ("twitter",
                  "https://twitter.com/intent/tweet?url="), ("whatsapp", "https://api.whatsapp.com/send?text=")]
        items = "".join(f'<a class="td-social-sharing-button td-social-{n}" href="{base}{quote(url, safe="")}">'
                        f'<span class="td-social-but-text">{n.capitalize() if n != "whatsapp" else "WhatsApp"}'
                        f"</span></a>" for n, base in links)
        return f'<div class="td-post-sharing-{where}"><div class="td-post-sharing-visible">' \
               f'<span class="td-social-share-text">Bagikan</span>{items}</div></div>'

    def comment_form(self) -> str:
        return ('<div class="comments" id="comments"><div id="respond" class="comment-respond">'
                '<h3 id="reply-title" class="comment-reply-title">Tinggalkan Balasan</h3>'
                '<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">'
                '<p class="comment-notes"><span id="email-notes">Alamat email Anda tidak akan '
                'dipublikasikan.</span> <span class="required-field-message">Ruas yang wajib ditandai '
                '<span class="required">*</span></span></p><p class="comment-form-comment">'
                '<textarea id="comment" name="comment" placeholder="Komentar:"></textarea></p>'
                '<p class="comment-form-author"><input id="author" name="author" placeholder="Nama:*"></p>'
                '<p class="comment-form-email"><input id="email" name="email" placeholder="Email:*"></p>'
                '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" '
                'value="Kirim Komentar"></p></form></div></div>')

    def inline_boxes(self, request: Request, art: FixtureArticle) -> dict[int, str]:
        """Spread the 'Baca Juga' boxes after paragraphs 2, 3, 4, … (as the plugin does)."""
        return {i + 1: self.baca_juga(request, t, p) for i, (t, p) in enumerate(art.related[:3])}

    def article(self, site: Site, request: Request, art: FixtureArticle) -> Reply:
        url = request.url(art.path)
        author_url = request.url(f"/author/{slugify(art.author or 'admin')}/")
        tags = "".join(f'<li><a href="{esc(request.url(f"/tag/{slugify(t)}/"))}">{esc(t)}</a></li>'
                       for t in art.tags)
        related = "".join(f'<div class="td_module_related_posts"><h3 class="entry-title td-module-title">'
                          f'<a href="{esc(request.url(p))}">{esc(t)}</a></h3></div>' for t, p in art.related)
        main = (f'<article id="post-{art.number}" class="post-{art.number} post type-post status-publish">'
                f'<div class="td-post-header"><ul class="td-category"><li class="entry-category"><a href="'
                f'{esc(request.url(f"/category/{slugify(art.category)}/"))}">{esc(art.category)}</a></li></ul>'
                f'<header class="td-post-title"><h1 class="entry-title">{esc(art.title)}</h1>'
                f'<div class="td-module-meta-info"><div class="td-post-author-name"><div class="td-author-by">'
                f'Oleh</div> <a href="{esc(author_url)}">{esc(art.author or "admin")}</a></div>'
                f'<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="'
                f'{art.published.isoformat()}">{tanggal(art.published, weekday=True)}</time></span>'
                f'</div></header></div>{self.share(url, "top")}'
                f'<div class="td-post-content tagdiv-type"><div class="entry-content">'
                f'{body_html(art, self.inline_boxes(request, art))}</div></div>'
                f'<footer><div class="td-post-source-tags"><ul class="td-tags td-post-small-box clearfix">'
                f'<li><span>TAGS</span></li>{tags}</ul></div>{self.share(url, "bottom")}'
                f'<div class="td_block_wrap td_block_related_posts"><h4 class="td-related-title">'
                f'<span>Artikel Terkait</span></h4>{related}</div></footer></article>{self.comment_form()}')
        head = "\n".join([og_meta(site, art, url), f'<link rel="amphtml" href="{esc(url)}amp/">',
                          f'<meta name="author" content="{esc(art.author or "admin")}">',
                          self.feed_link(site, request)])
        return document(f"{art.title} – {site.display_name}", head, self.chrome(site, request, main),
                        body_class="post-template-default single single-post")

    def amp(self, site: Site, request: Request, art: FixtureArticle) -> Reply:
        """The AMP copy: same text, minimal chrome, canonical pointing at the normal page."""
        url = request.url(art.path)
        head = (f'<link rel="canonical" href="{esc(url)}">\n<meta property="og:type" content="article">\n'
                f'<meta property="article:published_time" content="{art.published.isoformat()}">')
        body = (f'<header class="amp-wp-header"><a href="{esc(request.url("/"))}">{esc(site.display_name)}'
                f'</a></header><article class="amp-wp-article"><header class="amp-wp-article-header">'
                f'<h1 class="amp-wp-title">{esc(art.title)}</h1><div class="amp-wp-meta amp-wp-byline">'
                f'{esc(art.author or "admin")}</div><div class="amp-wp-meta amp-wp-posted-on"><time datetime="'
                f'{art.published.isoformat()}">{tanggal(art.published)}</time></div></header>'
                f'<div class="amp-wp-article-content">{body_html(art, self.inline_boxes(request, art))}</div>'
                f'</article><footer class="amp-wp-footer">© {esc(site.display_name)}</footer>')
        reply = document(f"{art.title} – {site.display_name}", head, body)
        reply.body = reply.body.replace(b'<html lang="id-ID">', b'<html amp lang="id-ID">', 1)
        return reply
