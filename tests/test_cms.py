"""CMS knowledge as data (``pipelines/data/cms.yaml``, ``pipelines.cms``), on real-looking pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from lxml.html import document_fromstring

from pipelines.cleaning import drop_by_selectors, story_of
from pipelines.cms import detect, profiles
from pipelines.extract import extract_article, parse_html
from pipelines.vocabulary import WIB
from tests.sitepages import NOW, joomla_pages

FIXTURES = Path(__file__).parent / "fixtures"
STORY = "".join(f"<p>{s}</p>" for s in (
    "Lumajang – Forkopimda menggelar rapat koordinasi keamanan bersama tokoh masyarakat dan tokoh agama di aula kantor bupati, Kamis pagi.",
    "Rapat membahas antisipasi gesekan antarperguruan silat menjelang pengesahan warga baru bulan depan di tiga kecamatan.",
    "Kapolres meminta setiap perguruan melaporkan jadwal kegiatan agar pengamanan dapat disiapkan sejak jauh hari.",
    "Dandim menambahkan, Babinsa dan Bhabinkamtibmas akan berpatroli bersama di desa-desa yang pernah menjadi lokasi bentrokan.",
    "Bupati berharap kesepakatan damai yang ditandatangani para ketua perguruan dijaga bersama oleh seluruh anggota."))


@pytest.mark.parametrize(("page", "cms"), [
    ("html/seed000_wordpress_jnews.html", "wordpress"),
    ("html/seed004_polri_wordpress.html", "wordpress"),
    ("unseen/wp_sahifa_header_date.html", "wordpress"),
    ("html/seed001_drupal_kominfo.html", "drupal"),
    ("unseen/drupal7_field_uraian.html", "drupal"),
    ("html/seed003_blogger.html", "blogger"),
    ("unseen/portal_ticker_only_header_date.html", "laravel"),
])
def test_each_cms_is_recognised(page: str, cms: str) -> None:
    tree = parse_html((FIXTURES / page).read_bytes())
    assert (found := detect(tree)) is not None and found.name == cms


def test_joomla_by_generator_and_by_markup() -> None:
    html = joomla_pages(1)[0].html
    assert detect(parse_html(html)).name == "joomla"
    assert detect(parse_html(html.replace('name="generator"', 'name="x-gen"'))).name == "joomla"


def test_a_page_no_profile_knows() -> None:
    """Lumajang's home-grown PHP portal (``profil.php``, ``index.php``) is no CMS of the list."""
    assert detect(parse_html((FIXTURES / "html" / "seed002_regency_cms.html").read_bytes())) is None
    assert detect(document_fromstring(f"<html><body><div class='isi'>{STORY}</div></body></html>")) is None


def test_a_codeigniter_portal_by_its_csrf_field() -> None:
    html = (f"<html><body><form action='/berita/cari' method='post'><input type='hidden' "
            f"name='csrf_test_name' value='9f2c'></form><div class='detail-berita'>{STORY}</div></body></html>")
    assert detect(document_fromstring(html)).name == "codeigniter"


def test_every_profile_is_complete() -> None:
    names = {p.name for p in profiles()}
    assert names == {"wordpress", "joomla", "blogger", "drupal", "codeigniter", "laravel"}
    assert all(p.markup and p.body and p.chrome and p.date for p in profiles())


def test_joomla_article_info_block_goes_and_its_date_is_the_entry_date() -> None:
    html = (f'<html><head><title>Rakor Keamanan - Warta</title>'
            f'<meta name="generator" content="Joomla! - Open Source Content Management"></head>'
            f'<body><div class="topbar"><span>Minggu, 22 November 2026</span></div><div class="item-page">'
            f'<h2 itemprop="headline">Rakor Keamanan</h2><dl class="article-info"><dt>Rincian</dt>'
            f'<dd class="category-name">Kategori: Berita Daerah</dd><dd class="hits">Dilihat: 412</dd>'
            f'<dd class="published">Diterbitkan: Kamis, 19 November 2026 09:30</dd></dl>'
            f'<div itemprop="articleBody">{STORY}</div></div></body></html>')
    article = extract_article(html, "https://warta.example.id/index.php/berita/1234-rakor-keamanan-forkopimda", now=NOW)
    assert article.cms == "joomla" and article.is_article
    assert "Dilihat" not in article.text and "Kategori" not in article.text
    assert article.published == datetime(2026, 11, 19, 9, 30, tzinfo=WIB)


def test_a_chrome_selector_never_takes_the_block_with_the_story() -> None:
    """A Joomla override that wraps the whole story in its article-info list: the list stays."""
    html = f"<html><body><dl class='article-info'><dd class='published'>19 November 2026</dd>{STORY}</dl></body></html>"
    tree = document_fromstring(html)
    with story_of(tree):
        drop_by_selectors(tree, next(p for p in profiles() if p.name == "joomla").chrome)
    assert tree.xpath("count(//dl[@class='article-info']//p)") == 5


def test_another_cms_chrome_does_nothing_on_a_wordpress_page() -> None:
    raw = (FIXTURES / "html" / "seed004_polri_wordpress.html").read_bytes()
    for profile in profiles():
        if profile.name == "wordpress":
            continue
        tree = parse_html(raw)
        before = " ".join(tree.text_content().split())
        with story_of(tree):
            drop_by_selectors(tree, profile.chrome)
        assert " ".join(tree.text_content().split()) == before, profile.name
