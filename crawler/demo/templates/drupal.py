"""A provincial Kominfo portal on Drupal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from crawler.demo import feeds
from crawler.demo.model import FixtureArticle, Reply, Request, Site
from crawler.demo.templates.common import (
    body_html,
    document,
    esc,
    excerpt,
    int_param,
    link_list,
    og_meta,
    page_slice,
)
from crawler.demo.text import tanggal

ABOUT_DESK = ("Tentang redaksi: berita ini disiapkan oleh Tim Peliputan Dinas Komunikasi dan Informatika "
              "Provinsi Kepulauan Bangka Belitung untuk warga Babel.")
FOLLOW_US = "Dapatkan kabar harian Diskominfo Babel melalui kanal resmi kami"


@dataclass
class DrupalKominfo:
    """A provincial Kominfo portal on Drupal: ``/berita/<alias>`` pages with ``/node/<id>``
    shortlinks, a 0-based ``/berita?page=N`` view with the Drupal pager, a sitemap.xml that
    robots.txt does not mention, and Sumber/Penulis as labelled fields."""

    per_page: int = 5
    CLUTTER: ClassVar[tuple[str, ...]] = ("Sumber:", "Penulis:", "Berita Terkini", "Hak Cipta", "Beranda",
                                          "Tentang redaksi", "Dapatkan kabar harian")
    """The last two are a plugin's lines inside the body field that no hand-written rule knows:
    only the site's learned template (``pipelines.template``) removes them."""

    def article_path(self, slug: str, number: int, published: datetime) -> str:
        return f"/berita/{slug}"

    def route(self, site: Site, request: Request) -> Reply | None:
        path = request.path
        if path == "/robots.txt":
            return feeds.robots([("*", ["Crawl-delay: 1", "Disallow: /admin/", "Disallow: /user/login",
                                        "Disallow: /search/", "Disallow: /node/add/", "Disallow: /index.php/"])])
        if path == "/sitemap.xml":
            urls = [(request.url("/"), site.modified), (request.url("/berita"), site.modified)]
            return feeds.urlset(urls + [(request.url(a.path), a.published) for a in site.snapshot()])
        if path in ("/", ""):
            return self.home(site, request)
        if path == "/berita":
            return self.listing(site, request)
        if (m := re.fullmatch(r"/node/(\d+)", path)) and (art := site.article_numbered(int(m[1]))):
            return self.article(site, request, art)
        if art := site.article_at(path):
            return self.article(site, request, art)
        return None

    def chrome(self, site: Site, request: Request, main: str) -> str:
        return (f'<div class="dialog-off-canvas-main-canvas"><header role="banner"><div class="site-branding">'
                f'<a href="{esc(request.url("/"))}" rel="home">{esc(site.display_name)}</a></div><nav role='
                f'"navigation"><ul class="menu"><li><a href="{esc(request.url("/"))}">Beranda</a></li><li><a '
                f'href="{esc(request.url("/berita"))}">Berita</a></li></ul></nav></header>\n<main role="main">'
                f'<div class="region region-content">{main}</div><aside class="layout-sidebar-second">'
                f'<div class="block block-views"><h2>Berita Terkini</h2>'
                f'{link_list(request, site.snapshot()[:5], "item-list")}</div></aside></main>\n'
                f'<footer role="contentinfo">Hak Cipta © {site.modified.year} Dinas Komunikasi dan '
                f'Informatika Provinsi Kepulauan Bangka Belitung</footer></div>')

    def date(self, dt: datetime) -> str:
        return f"{tanggal(dt, weekday=True)} - {dt:%H:%M}"

    def row(self, request: Request, art: FixtureArticle) -> str:
        return (f'<div class="views-row"><div class="views-field views-field-title"><span class="field-content">'
                f'<a href="{esc(request.url(art.path))}" hreflang="id">{esc(art.title)}</a></span></div>'
                f'<div class="views-field views-field-created"><span class="field-content">{self.date(art.published)}'
                f'</span></div><div class="views-field views-field-body"><div class="field-content">'
                f'{esc(excerpt(art))}</div></div></div>')

    def home(self, site: Site, request: Request) -> Reply:
        rows = "".join(self.row(request, a) for a in site.snapshot()[:self.per_page])
        main = (f'<div class="view view-berita-beranda"><h2>Berita</h2><div class="view-content">{rows}</div>'
                f'<div class="more-link"><a href="{esc(request.url("/berita"))}">Lihat semua berita</a></div></div>')
        return document(f"Beranda | {site.display_name}", "", self.chrome(site, request, main), lang="id",
                        body_class="path-frontpage", validators=True)

    def pager(self, page: int, last: int) -> str:
        """Drupal's full pager; hrefs are query-only (``?page=N``) as Drupal emits them."""
        items = []
        if page > 0:
            items += ['<li class="pager__item pager__item--first"><a href="?page=0" title="Ke halaman pertama">'
                      '« pertama</a></li>', f'<li class="pager__item pager__item--previous"><a href="?page='
                      f'{page - 1}" title="Ke halaman sebelumnya" rel="prev">‹ sebelumnya</a></li>']
        for p in range(max(0, page - 4), min(last, page + 4) + 1):
            active = " is-active" if p == page else ""
            items.append(f'<li class="pager__item{active}"><a href="?page={p}">{p + 1}</a></li>')
        if page < last:
            items += [f'<li class="pager__item pager__item--next"><a href="?page={page + 1}" title="Ke halaman '
                      f'berikutnya" rel="next">berikutnya ›</a></li>', f'<li class="pager__item pager__item--last">'
                      f'<a href="?page={last}" title="Ke halaman terakhir">terakhir »</a></li>']
        return (f'<nav class="pager" role="navigation"><ul class="pager__items js-pager__items">'
                f'{"".join(items)}</ul></nav>')

    def listing(self, site: Site, request: Request) -> Reply | None:
        page = int_param(request, "page", 0)
        if page is None:
            return None
        arts, last = page_slice(site.snapshot(), page, self.per_page, first=0)
        if not arts:
            return None
        main = (f'<h1 class="page-title">Berita</h1><div class="view view-berita"><div class="view-content">'
                f'{"".join(self.row(request, a) for a in arts)}</div>{self.pager(page, last)}</div>')
        return document(f"Berita | {site.display_name}", "", self.chrome(site, request, main), lang="id",
                        body_class="path-berita", validators=True)

    def field(self, name: str, label: str, value: str) -> str:
        return (f'<div class="field field--name-field-{name} field--type-string field--label-above">'
                f'<div class="field__label">{label}: </div><div class="field__item">{esc(value)}</div></div>')

    def article(self, site: Site, request: Request, art: FixtureArticle) -> Reply:
        url = request.url(art.path)
        main = (f'<article role="article" about="{esc(art.path)}" class="node node--type-berita '
                f'node--view-mode-full"><h1 class="page-title"><span class="field field--name-title">'
                f'{esc(art.title)}</span></h1><div class="node__meta"><span class="field field--name-uid">'
                f'{esc(art.author or "admin")}</span> <span class="field field--name-created">'
                f'{self.date(art.published)}</span></div><div class="node__content"><div class="clearfix '
                f'text-formatted field field--name-body field--type-text-with-summary field--label-hidden '
                f'field__item">{body_html(art)}<div class="tentang-redaksi"><p>{ABOUT_DESK}</p></div>'
                f'<p class="ikuti-kanal">{FOLLOW_US}</p></div>'
                f'{self.field("sumber", "Sumber", art.source_attribution or "Dinas Kominfo")}'
                f'{self.field("penulis", "Penulis", art.author or "admin")}</div></article>')
        head = og_meta(site, art, url) + f'\n<link rel="shortlink" href="{esc(request.url(f"/node/{art.number}"))}">'
        return document(f"{art.title} | {site.display_name}", head, self.chrome(site, request, main), lang="id",
                        body_class="path-node page-node-type-berita")
