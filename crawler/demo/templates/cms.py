"""A regency's home-grown PHP CMS (modelled on the Lumajang regency site)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from crawler.demo.model import FixtureArticle, Reply, Request, Site
from crawler.demo.templates.common import body_html, document, esc, excerpt, int_param, page_slice
from crawler.demo.text import tanggal

MOST_READ = (("14 Agustus 2020", "10.769", "WABUP : PERAN PRAMUKA DI MASA PANDEMI"),
             ("18 Maret 2020", "7.264", "BISA CEGAH COVID-19, BEGINI CARA SEDERHANA MEMBUAT CAIRAN "
                                        "DISINFEKTAN SENDIRI DI RUMAH"),
             ("04 Mei 2020", "6.804", "INSENSTIF GURU NGAJI CAIR EMPAT BULAN SELAMA MASA PANDEMI COVID-19"),
             ("03 September 2020", "5.021", "PRINSIP KEBIJAKAN PENDIDIKAN DI MASA PANDEMI COVID-19"),
             ("15 Mei 2020", "3.858", "PEMDES WAJIB UBAH DATA BLT DANA DESA APABILA DITEMUI PENERIMA TIDAK "
                                      "TEPAT SASARAN"))
HOTLINE = ("Pemerintah Kabupaten Lumajang menyediakan layanan hotline tentang COVID19 di (0334) - 8784 119 "
           "atau instal aplikasi Si Lugas di Smartphone Android anda.")


@dataclass
class RegencyCms:
    """A regency's home-grown PHP CMS: ID-based URLs (the slug is decorative), a ``?hal=N``
    listing with numbered links and "Selanjutnya", no robots.txt, feed, sitemap, canonical or Open
    Graph; a visible date and view counter only."""

    per_page: int = 5
    CLUTTER: ClassVar[tuple[str, ...]] = (
        "{views} kali", "Dok. Kominfo-lmj", "Kembali ke Halaman Berita", "PENCARIAN", "BANYAK DIBACA",
        "Hotline COVID19", "Si Lugas", *(t for _, _, t in MOST_READ))

    def article_path(self, slug: str, number: int, published: datetime) -> str:
        return f"/berita/baca/{number}/{slug}"

    def route(self, site: Site, request: Request) -> Reply | None:
        path = request.path
        if path in ("/", ""):
            return self.listing(site, request, home=True)
        if path == "/berita":
            return self.listing(site, request)
        if (m := re.fullmatch(r"/berita/index/(\d+)", path)):
            request.query["hal"] = m[1]
            return self.listing(site, request)
        if (m := re.fullmatch(r"/berita/baca/(\d+)(?:/[^/]*)?", path)) and (
                art := site.article_numbered(int(m[1]))):
            return self.article(site, request, art)
        return None

    def chrome(self, site: Site, request: Request, main: str) -> str:
        oldest = site.snapshot()[-len(MOST_READ):]
        most = "".join(f'<li><span class="tgl">{d}</span>&nbsp;&nbsp;&nbsp; <span class="hits">{v} kali</span>'
                       f'&nbsp;&nbsp;&nbsp; <a href="{esc(request.url(a.path))}">Baca</a><br>{esc(t)}</li>'
                       for (d, v, t), a in zip(MOST_READ, oldest, strict=False))
        return (f'<div id="header"><img src="/assets/img/logo.png" alt="logo"><span class="nama-situs">'
                f'{esc(site.display_name)}</span><ul id="menu"><li><a href="/">Beranda</a></li><li><a href='
                f'"/berita">Berita</a></li><li><a href="/profil">Profil</a></li></ul></div>\n<div class="container">'
                f'<div class="row"><div class="col-md-8">{main}</div><div class="col-md-4 sidebar">'
                f'<div class="widget"><h4>PENCARIAN</h4><form action="/berita/cari" method="get"><input type="text" '
                f'name="kata" placeholder="Cari berita..."><button>Cari</button></form></div><div class="widget">'
                f'<h4>BANYAK DIBACA</h4><ul class="populer">{most}</ul></div><div class="widget"><h4>Hotline COVID19'
                f'</h4><p>{HOTLINE}</p></div></div></div></div>\n<div id="footer">Copyright © {site.modified.year} '
                f'Dinas Komunikasi dan Informatika Kabupaten Lumajang</div>')

    def listing(self, site: Site, request: Request, home: bool = False) -> Reply | None:
        page = int_param(request, "hal", 1)
        if page is None:
            return None
        arts, last = page_slice(site.snapshot(), page, self.per_page)
        if not arts or page < 1:
            return None
        rows = "".join(f'<div class="item-berita"><h4><a href="{esc(a.path)}">{esc(a.title)}</a></h4><span '
                       f'class="tgl">{tanggal(a.published, zero_pad=True)}</span><p>{esc(excerpt(a, 20))}</p></div>'
                       for a in arts)
        links = "".join(f'<li{" class=active" if p == page else ""}><a href="/berita?hal={p}">{p}</a></li>'
                        for p in range(1, last + 1))
        if page < last:
            links += f'<li><a href="/berita?hal={page + 1}">Selanjutnya</a></li>'
        main = f'<h3 class="judul-halaman">BERITA</h3>{rows}<ul class="pagination">{links}</ul>'
        title = site.display_name if home else f"Berita - {site.display_name}"
        return document(title, "", self.chrome(site, request, main), lang="id", validators=True)

    def article(self, site: Site, request: Request, art: FixtureArticle) -> Reply:
        main = (f'<div class="berita-detail"><h3 class="judul-berita">{esc(art.title)}</h3><div class="info-berita">'
                f'<span class="tgl">{tanggal(art.published, zero_pad=True)}</span>&nbsp;&nbsp;&nbsp;&nbsp; '
                f'<span class="dilihat">{art.views} kali</span> <span class="penulis">Oleh: '
                f'{esc(art.author or "admin")}'
                f'</span></div><div class="gambar-berita"><img src="/assets/upload/berita/{art.number}.jpg" '
                f'alt="foto"><p class="keterangan">Dok. Kominfo-lmj</p></div><div class="isi-berita">'
                f'{body_html(art)}</div><a class="btn btn-kembali" href="/berita">Kembali ke Halaman Berita</a></div>')
        return document(f"{art.title} - {site.display_name}", "", self.chrome(site, request, main), lang="id")
