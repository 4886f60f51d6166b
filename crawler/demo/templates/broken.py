"""A regional outlet whose pages exercise every failure a crawler must survive."""

from __future__ import annotations

import functools
import random
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from crawler.demo import feeds
from crawler.demo.model import HTML, FixtureArticle, Reply, Request, Site
from crawler.demo.templates.common import body_html, document, esc, link_list, og_meta
from crawler.demo.text import tanggal

CP1252_TITLE = "Festival “Kafé Rakyat” Ramaikan Alun-Alun Kediri"
CP1252_PARAGRAPHS = [
    "KEDIRI – Ribuan warga memadati festival kuliner bertajuk “Kafé Rakyat” di Alun-Alun Kediri, Sabtu "
    "malam. Festival ini menghadirkan puluhan pedagang makanan khas daerah.",
    "“Kami ingin warga menikmati kuliner lokal dengan harga terjangkau,” kata ketua panitia, René Susanto. "
    "Menurut dia, suhu udara malam itu sekitar 27 ± 1 derajat Celsius sehingga pengunjung betah berlama-lama.",
    "Panitia mencatat perputaran uang selama festival mencapai ± Rp 150 juta. Pedagang berharap acara "
    "serupa digelar setiap bulan.",
    "Pengamanan festival melibatkan personel Polsek Kota dan Satpol PP. Hingga acara usai pukul 23.00 WIB, "
    "situasi dilaporkan aman dan kondusif.",
]
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
       b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R/Resources<</Font<</F1 5 "
       b"0 R>>>>>>endobj\n4 0 obj<</Length 56>>stream\nBT /F1 18 Tf 20 70 Td (Laporan Kamtibmas 2026) Tj ET\n"
       b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R"
       b">>\n%%EOF\n")

MIB = 1024 * 1024
BIG_PAGE_BYTES = 9 * MIB    # over Scrapy's and Pantau's default DOWNLOAD_MAXSIZE of 8 MiB
BOMB_INFLATED_BYTES = 16 * MIB
_FILLER = (b"<p>Rekapitulasi laporan gangguan kamtibmas per desa dan per kecamatan se-Kabupaten Kediri, "
           b"lengkap dengan jam kejadian, personel yang diturunkan dan tindak lanjutnya.</p>\n")


def oversized_page(size: int = BIG_PAGE_BYTES) -> bytes:
    """An HTML page of exactly `size` bytes (a report table pasted whole into an article), built
    on request: a few bytes repeated, nothing kept between requests."""
    head = (b'<!DOCTYPE html><html lang="id"><head><meta charset="UTF-8"><title>Rekap Laporan Kamtibmas '
            b"Setahun Penuh</title></head><body><article><h1>Rekap Laporan Kamtibmas Setahun Penuh</h1>\n")
    tail = b"</article></body></html>\n"
    room = size - len(head) - len(tail)
    filler = _FILLER * (room // len(_FILLER))
    return head + filler + b" " * (room - len(filler)) + tail


@functools.cache
def gzip_bomb(inflated: int = BOMB_INFLATED_BYTES) -> bytes:
    """A gzip member of a few KiB that inflates to exactly `inflated` bytes of HTML, compressed
    once in 64 KiB pieces (the inflated page never exists in the server's memory) and kept."""
    head = b'<!DOCTYPE html><html lang="id"><body><article><h1>Arsip Berita</h1><p>'
    tail = b"</p></article></body></html>"
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)   # gzip header and trailer
    parts = [packer.compress(head)]
    blank = b" " * (64 * 1024)
    left = inflated - len(head) - len(tail)
    while left > 0:
        parts.append(packer.compress(blank[:left]))
        left -= len(blank)
    parts += [packer.compress(tail), packer.flush()]
    return b"".join(parts)


@dataclass
class BrokenPortal:
    """A regional outlet whose home page links to every kind of trouble a crawler must survive.

    Special paths (the articles among them are ordinary FixtureArticles whose slugs the site
    builder picks from `SPECIAL`): a page that answers 500 once then 200, a 404, a three-hop
    redirect chain ending on an article, a slow article, a windows-1252 article, a PDF, a page
    of random bytes served as text/html, a 9 MiB page (over the default ``DOWNLOAD_MAXSIZE`` of
    8 MiB), a gzip bomb (16 KiB on the wire, 16 MiB inflated) and a redirect loop.
    """

    CLUTTER: ClassVar[tuple[str, ...]] = ("Berita Lainnya", "Redaksi", "Pedoman Media Siber")
    SPECIAL: ClassVar[dict[str, str]] = {
        "flaky": "server-sempat-gangguan-warga-tetap-lapor-kamtibmas",
        "slow": "laporan-lambat-patroli-malam-di-pare",
        "target": "tujuan-pengalihan-rakor-keamanan-desa",
        "cp1252": "festival-kafe-rakyat-ramaikan-alun-alun-kediri"}
    # Links that look like articles to any crawler, as such links do on real sites: an old-scheme
    # URL that redirects three times, a deleted article, a page the server mangles.
    OLD_URL: ClassVar[str] = "/read/2024/rakor-keamanan-desa-pare-tautan-lama"
    GONE: ClassVar[str] = "/berita/kapolres-kediri-resmikan-pos-pantau-jalur-selatan-dihapus"
    BROKEN: ClassVar[str] = "/berita/halaman-rusak-saat-gangguan-server-redaksi"
    # Pages that fail a crawler's limits: one too big to download, one small on the wire that
    # inflates past any sane limit, and two URLs that redirect to each other.
    TOO_BIG: ClassVar[str] = "/berita/rekap-laporan-kamtibmas-setahun-penuh"
    BOMB: ClassVar[str] = "/berita/arsip-berita-terkompresi-tanpa-batas"
    LOOP_A: ClassVar[str] = "/berita/pengalihan-putar-a"
    LOOP_B: ClassVar[str] = "/berita/pengalihan-putar-b"

    def article_path(self, slug: str, number: int, published: datetime) -> str:
        return f"/berita/{slug}"

    def route(self, site: Site, request: Request) -> Reply | None:
        path = request.path
        hops = {self.OLD_URL: (301, "/r2"), "/r2": (302, "/r3"), "/r3": (301, f"/berita/{self.SPECIAL['target']}")}
        if path == "/robots.txt":
            return feeds.robots([("*", ["Disallow:"])])
        if path in ("/", ""):
            return self.home(site, request)
        if path in hops:
            status, to = hops[path]
            return Reply(status=status, headers={"Location": request.url(to)}, body=b"")
        if path == "/files/laporan.pdf":
            return Reply(body=PDF, content_type="application/pdf")
        if path == self.BROKEN:
            return Reply(body=random.Random(1252).randbytes(4096), content_type=HTML)
        if path == self.TOO_BIG:
            return Reply(body=oversized_page())
        if path == self.BOMB:
            return Reply(body=gzip_bomb(), headers={"Content-Encoding": "gzip"})
        if path in (self.LOOP_A, self.LOOP_B):
            return self.loop(request)
        art = site.article_at(path)
        if art is None:
            return None
        if path.endswith(self.SPECIAL["flaky"]) and site.fail_first_time(path):
            return Reply(status=500, body=b"<html><body><h1>500 Internal Server Error</h1></body></html>")
        reply = self.article(site, request, art)
        if path.endswith(self.SPECIAL["slow"]):
            reply.delay = site.slow_seconds
        if path.endswith(self.SPECIAL["cp1252"]):
            reply.body = reply.body.replace(b'<meta charset="UTF-8">',
                                            b'<meta http-equiv="Content-Type" '
                                            b'content="text/html; charset=windows-1252">')
            reply.body = reply.body.decode("utf-8").encode("windows-1252")
            reply.content_type = "text/html; charset=windows-1252"
        return reply

    def loop(self, request: Request) -> Reply:
        """A → B → A …: each URL of the pair redirects to the other, for ever, counting the turns
        in ``?putaran=N`` as a CMS adds its return or session parameter. The count makes every hop
        a new URL: a bare A → B → A is dropped silently by Scrapy's duplicate filter at the second
        A, so no crawler would ever see the loop as a loop."""
        try:
            turn = int(request.query.get("putaran", "0")) + 1
        except ValueError:
            turn = 1
        to = self.LOOP_B if request.path == self.LOOP_A else self.LOOP_A
        return Reply(status=302, headers={"Location": request.url(f"{to}?putaran={turn}")}, body=b"")

    def home(self, site: Site, request: Request) -> Reply:
        arts = [a for a in site.snapshot() if not a.path.endswith(self.SPECIAL["target"])]
        links = [(a.title, a.path) for a in arts] + [
            ("Berita yang sudah dihapus", self.GONE), ("Rakor keamanan desa (tautan lama)", self.OLD_URL),
            ("Unduh laporan Kamtibmas (PDF)", "/files/laporan.pdf"), ("Halaman rusak", self.BROKEN),
            ("Rekap laporan kamtibmas setahun penuh", self.TOO_BIG),
            ("Arsip berita terkompresi", self.BOMB), ("Berita yang dipindahkan", self.LOOP_A)]
        rows = "".join(f'<li><a href="{esc(request.url(p))}">{esc(t)}</a></li>' for t, p in links)
        main = f'<h1>{esc(site.display_name)}</h1><ul class="daftar-berita">{rows}</ul>'
        return document(site.display_name, "", main, body_class="home", validators=True)

    def article(self, site: Site, request: Request, art: FixtureArticle) -> Reply:
        url = request.url(art.path)
        shown = [a for a in site.snapshot() if a is not art and not a.path.endswith(self.SPECIAL["target"])]
        others = link_list(request, shown[:3], "lainnya")
        main = (f'<article class="artikel"><h1 class="judul">{esc(art.title)}</h1><div class="meta">'
                f'<span class="penulis">Penulis: {esc(art.author or "Redaksi")}</span> | <time datetime="'
                f'{art.published.isoformat()}">{tanggal(art.published, weekday=True)} {art.published:%H:%M} WIB'
                f'</time></div><div class="isi-berita">{body_html(art)}</div></article><section class="lainnya">'
                f'<h3>Berita Lainnya</h3>{others}</section><footer><a href="/redaksi">Redaksi</a> | <a href='
                f'"/pedoman">Pedoman Media Siber</a></footer>')
        return document(f"{art.title} – {site.display_name}", og_meta(site, art, url), main)
