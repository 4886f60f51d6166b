"""Pages of one site in a template nobody wrote a rule for: a Joomla regency news portal.

Each page carries the template's clutter that Pantau's hand-written rules do not know (a
Joomla article-info block with category, publication line, hit counter and author, an author
box about the site's journalist, a follow-us line, Blogger-style comment-feed subscription
link, the portal's tagline) around a different generated story. ``CLOSING`` is a police
unit's standard appeal that several stories end with: a story line that repeats, which the
template learner must keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from crawler.demo.sites import LUMAJANG
from crawler.demo.text import generate_many, slugify
from pipelines.vocabulary import WIB

AUTHOR_BOX = ("Tentang penulis: Rina Wulandari adalah jurnalis Warta Lumajang yang meliput kabar "
              "pemerintahan, keamanan dan pelayanan publik di Lumajang sejak 2015.")
FOLLOW_US = "Ikuti terus kabar Warta Lumajang lewat kanal kami di Google News"
COMMENT_FEED = "Berlangganan umpan komentar: Komentar (Atom)"
INFO_BLOCK = "kali dibaca"
TAGLINE = "Warta Lumajang – Suara Warga Lereng Semeru"
CLOSING = ("Polres Lumajang mengimbau masyarakat segera melapor ke Bhabinkamtibmas setempat apabila "
           "melihat hal-hal yang mencurigakan di lingkungannya.")
TEMPLATE_LINES = (AUTHOR_BOX, FOLLOW_US, COMMENT_FEED, INFO_BLOCK)
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=WIB)


@dataclass
class SitePage:
    path: str
    title: str
    paragraphs: list[str]
    html: str


def joomla_pages(count: int, *, closing_every: int = 3, now: datetime = NOW) -> list[SitePage]:
    """``count`` article pages of the portal, newest first; every ``closing_every``-th story
    ends with ``CLOSING``."""
    pages = []
    for i, draft in enumerate(generate_many("warta-lumajang", LUMAJANG, now, count)):
        published = now - timedelta(hours=5 * i + 1)
        paragraphs = list(draft.paragraphs) + ([CLOSING] if i % closing_every == 0 else [])
        path = f"/index.php/berita/{900 + i}-{slugify(draft.title)}"
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        html = f"""<!DOCTYPE html><html lang="id-id"><head><meta charset="utf-8">
<meta name="generator" content="Joomla! - Open Source Content Management">
<title>{escape(draft.title)} - Warta Lumajang</title></head>
<body class="site com_content view-article itemid-{101 + i}">
<div class="container"><header class="header"><a class="brand" href="/">Warta Lumajang</a>
<div class="site-description">{escape(TAGLINE)}</div></header>
<nav class="navigation"><ul class="nav menu"><li><a href="/">Beranda</a></li>
<li><a href="/index.php/berita">Berita</a></li></ul></nav>
<main id="content" role="main"><div class="item-page" itemscope itemtype="https://schema.org/Article">
<div class="page-header"><h2 itemprop="headline">{escape(draft.title)}</h2></div>
<div itemprop="articleBody"><div class="keterangan-artikel">Rubrik Berita Daerah · {1200 + 37 * i} kali dibaca
· Redaksi Warta · <time datetime="{published.isoformat()}">{published:%d-%m-%Y %H:%M}</time></div>
{body}
<div class="penulis-box"><p>{escape(AUTHOR_BOX)}</p></div>
<p class="ikuti-kami">{escape(FOLLOW_US)}</p>
<p class="langganan">Berlangganan umpan komentar: <a href="/index.php/berita?format=feed">Komentar (Atom)</a></p>
</div>
</div></main>
<footer class="footer"><p>&copy; 2026 Warta Lumajang. Hak cipta dilindungi.</p></footer></div>
</body></html>"""
        pages.append(SitePage(path, draft.title, paragraphs, html))
    return pages


class StaticSite:
    """A site of fixed pages served over real HTTP on its own loopback address: a home page
    linking every article, no robots.txt, feed or sitemap."""

    def __init__(self, pages: list[SitePage], host: str) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        by_path = {p.path: p.html for p in pages}
        links = "".join(f'<li><a href="{p.path}">{escape(p.title)}</a></li>' for p in pages)
        by_path["/"] = (f'<!DOCTYPE html><html lang="id"><head><title>Warta Lumajang</title></head><body>'
                        f'<h1>Warta Lumajang</h1><ul class="berita">{links}</ul></body></html>')
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(handler) -> None:
                self.requests.append(handler.path)
                body = by_path.get(handler.path)
                handler.send_response(200 if body else 404)
                handler.send_header("Content-Type", "text/html; charset=utf-8")
                data = (body or "<html><body>Halaman tidak ditemukan</body></html>").encode()
                handler.send_header("Content-Length", str(len(data)))
                handler.end_headers()
                handler.wfile.write(data)

            def log_message(handler, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
