"""Title, canonical URL, credits, author ranking, dateline and language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml.html import document_fromstring

from pipelines import metadata


@pytest.mark.parametrize(("title", "site", "url", "expected"), [
    ("Pembinaan Sinergitas Tiga Pilar – Detikkasus.com", None, "https://detikkasus.com/a/", "Pembinaan Sinergitas Tiga Pilar"),
    ("Detikkasus.com | Pembinaan Sinergitas Tiga Pilar", None, "https://detikkasus.com/a/", "Pembinaan Sinergitas Tiga Pilar"),
    ("Kapolres Ajak Warga Jaga Kamtibmas - Polres Tulungagung", "Polres Tulungagung", "https://tribratanews.x.id/a/",
     "Kapolres Ajak Warga Jaga Kamtibmas"),
    ("Bupati Tulungagung Resmikan Jembatan - Pemkab Tulungagung", None, "https://tulungagung.go.id/a",
     "Bupati Tulungagung Resmikan Jembatan"),
    ("BUPATI: PEMKAB, TNI DAN POLRI LAKUKAN SINKRONISASI", None, "https://lumajangkab.go.id/b", "BUPATI: PEMKAB, TNI DAN POLRI LAKUKAN SINKRONISASI"),
    ("KapanLagi.com: Brandon Salim Makin Dekat", None, "https://www.kapanlagi.com/x", "Brandon Salim Makin Dekat"),
    ("Polisi Tangkap Pelaku Curanmor - Kota Malang", None, "https://x.id/a", "Polisi Tangkap Pelaku Curanmor - Kota Malang"),
])
def test_strip_site_name(title: str, site: str | None, url: str, expected: str) -> None:
    assert metadata.strip_site_name(title, site, url) == expected


def test_extract_title_prefers_og_title_and_strips_site_name() -> None:
    tree = document_fromstring('<html><head><title>Judul Berita Hari Ini &#8211; Detikkasus.com</title>'
                               '<meta property="og:site_name" content="Detikkasus.com">'
                               '<meta property="og:title" content="Judul Berita Hari Ini - Detikkasus.com"></head>'
                               '<body><h1 class="site-title">Detikkasus.com</h1></body></html>')
    assert metadata.extract_title(tree, "https://detikkasus.com/judul/") == "Judul Berita Hari Ini"


def test_extract_title_finds_h3_headline_repeated_in_title() -> None:
    tree = document_fromstring('<html><head><title>Bupati Tinjau Banjir di Desa Kutorenon - Pemerintah Kabupaten Lumajang'
                               '</title></head><body><h3 class="judul-berita">Bupati Tinjau Banjir di Desa Kutorenon</h3>'
                               '</body></html>')
    assert metadata.extract_title(tree, "http://127.0.0.9/berita/baca/12") == "Bupati Tinjau Banjir di Desa Kutorenon"


def test_canonical_url_is_absolute() -> None:
    tree = document_fromstring('<html><head><link rel="canonical" href="/content/rakor-konflik"></head><body></body></html>')
    assert metadata.canonical_url(tree, "https://babelprov.go.id/node/1") == "https://babelprov.go.id/content/rakor-konflik"


def test_read_credit_lines_and_labelled_drupal_fields() -> None:
    assert metadata.read_credit_lines(["Sumber: Dinas Kominfo", "Penulis: Erwin | Editor: Andi"]) == {
        "sumber": "Dinas Kominfo", "penulis": "Erwin", "editor": "Andi"}
    tree = document_fromstring(
        '<html><body><div class="field field--name-field-sumber"><div class="field__label">Sumber</div>'
        '<div class="field__item">Dinas Kominfo</div></div><div class="field field--name-field-penulis">'
        '<div class="field__label">Penulis:</div><div class="field__item">Erwin</div></div></body></html>')
    assert metadata.read_labelled_fields(tree) == {"sumber": "Dinas Kominfo", "penulis": "Erwin"}


@pytest.mark.parametrize(("last", "expected"), [
    ("pungkas Siti Baroroh. (Fit)", "Fit"), ("Jelasnya. (Kominfo-lmj/bob)", "bob"),
    ("Tuturnya. (T111k).", "T111k"), ("tandasnya. (*)", None), ("hadir 33 (tiga puluh tiga orang pengurus inti)", None),
])
def test_closing_initials(last: str, expected: str | None) -> None:
    assert metadata.closing_initials(["Paragraf awal.", last]) == expected


@pytest.mark.parametrize(("mark", "host", "writer"), [
    ("kpl/pur/tch", "www.kapanlagi.com", "pur"), ("fyk/fay", "inet.detik.com", "fyk"),
    ("Cas/Isk", "tekno.liputan6.com", "Cas"), ("Humas-Polres/rd", "tribratanews.x.polri.go.id", "rd"),
])
def test_writer_initials_skip_desk_and_outlet_codes(mark: str, host: str, writer: str) -> None:
    assert metadata.writer_initials(mark, host) == writer


@pytest.mark.parametrize(("value", "name"), [
    ("Kontributor Lhokseumawe, Masriadi", "Masriadi"), ("Dewi Kania Jurnalis", "Dewi Kania"),
])
def test_author_names_lose_their_role(value: str, name: str) -> None:
    assert metadata.read_credit_lines([f"Penulis: {value}"]) == {"penulis": name}


def test_choose_author_ranks_credits_then_page_then_initials() -> None:
    paragraphs = ["Isi berita. (Fit)"]
    assert metadata.choose_author({"penulis": "Erwin", "editor": "Andi"}, ("Redaksi",), paragraphs) == "Erwin"
    assert metadata.choose_author({}, ("Humas Polres Tulungagung", None), paragraphs) == "Humas Polres Tulungagung"
    assert metadata.choose_author({"editor": "Andi"}, (None, None), paragraphs) == "Andi"
    assert metadata.choose_author({}, ("Redaksi", "admin"), paragraphs) == "Fit"
    # A CMS account ("admin", Joomla's "Super User") names nobody: no author beats a wrong one.
    assert metadata.choose_author({}, ("admin",), ["Isi. (*)"]) is None
    assert metadata.choose_author({}, ("Super User",), ["Isi. (*)"]) is None


def test_metadata_author_reads_json_ld_list_and_byline_skips_comments() -> None:
    ld = {"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Indriyani Astuti"}]}
    tree = document_fromstring(f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
                               '<body><div class="comment-list"><span class="comment-author">Pembaca</span></div>'
                               '<span class="post-author vcard">Diposting oleh Redaksi Global Investigasi</span></body></html>')
    assert metadata.metadata_author(tree) == "Indriyani Astuti"
    assert metadata.byline_author(tree) == "Redaksi Global Investigasi"


@pytest.mark.parametrize(("lead", "expected"), [
    ("Tulungagung l Detikkasus.com – Dalam rangka mewujudkan KAMTIBMAS", "Tulungagung"),
    ("Pangkalpinang -  Untuk menciptakan suasana yang kondusif", "Pangkalpinang"),
    ("Jambi-GlobalInvestigasinews.com. 2022/04/07", "Jambi"),
    ("TULUNGAGUNG – Memasuki tahun Politik", "Tulungagung"),
    ("Mataram, NTB (ANTARA News) - Sebanyak 29 penerbangan", "Mataram"),
    ("REPUBLIKA.CO.ID, JAKARTA -- Aktris Marcella Zalianty", "Jakarta"),
    ("Di awal Tahun 2021, Bupati Lumajang Thoriqul Haq, berkeinginan", None),
    ("COVID-19 kembali meningkat di Kabupaten Lumajang.", None),
])
def test_extract_dateline(lead: str, expected: str | None) -> None:
    assert metadata.extract_dateline([lead]) == expected


def test_detect_language_trusts_text_over_theme_default() -> None:
    tree = document_fromstring('<html lang="en-US"><body></body></html>')
    text = "Kapolres menyampaikan bahwa kegiatan ini dilakukan untuk menjaga keamanan dan ketertiban di wilayah " * 3
    assert metadata.detect_language(tree, text) == "id"
    assert metadata.detect_language(tree, "") == "en"


@pytest.mark.parametrize(("lead", "place"), [
    ("ISTANBUL, 23 Februari 2016 (Antara/PRNewswire) --", "Istanbul"),
    ("Liputan6.com, Jakarta London Love Story, film kedua dari Screenplay Production, berhasil.", "Jakarta"),
    ("Metrotvnews.com, Jakarta: Bakal calon Wakil Gubernur DKI Jakarta meminta calon lain.", "Jakarta"),
    ("Cianjur, suarapriangan.com – Ratusan warga Desa Sukamulya mengikuti simulasi.", "Cianjur"),
    ("Sebanyak 29 penerbangan dibatalkan karena abu vulkanik - kata petugas.", None),
])
def test_dateline_forms(lead: str, place: str | None) -> None:
    assert metadata.extract_dateline([lead]) == place


def test_headline_from_a_cms_judul_element_when_no_h1_or_metadata() -> None:
    tree = document_fromstring(
        '<html><head><title>Pemerintah Kabupaten Tegal :: Berita Daerah</title></head><body><table><tr><td>'
        '<div class="judulkotak">BANYAK DIBACA</div><div class="judul">Kesbangpol Gelar Sosialisasi Wawasan Kebangsaan'
        '</div><div class="isi"><p>Isi.</p></div></td></tr></table></body></html>')
    assert metadata.extract_title(tree, "https://tegalkab.go.id/berita.php?id=1") == \
        "Kesbangpol Gelar Sosialisasi Wawasan Kebangsaan"


# ---------------------------------------------------------------- first sight: the portal's name as <title>
FIRST_SIGHT = Path(__file__).parent / "fixtures" / "unseen"


@pytest.mark.parametrize(("name", "url", "headline"), [
    # og:title = og:site_name = "Dinas Komunikasi dan Informatika Kabupaten Sumbawa"; the headline is an <h2>.
    ("kominfo_portal_site_title.html", "https://diskominfo.sumbawakab.go.id/berita/detail/rakor-kamtibmas",
     "Bupati Sumbawa Pimpin Rakor Kamtibmas Jelang Natal dan Tahun Baru"),
    # <title> "Website Resmi Pemerintah Kabupaten Bengkayang", the logo <h1> links home, the headline is an <h2>.
    ("pemkab_portal_website_resmi.html", "https://bengkayangkab.go.id/berita/baca/2291",
     "Satpol PP Tertibkan Pedagang Kaki Lima di Trotoar Pasar Bengkayang"),
    # Control: "Headline - Site" with a real og:title stays the headline.
    ("news_title_with_site_control.html", "https://malutterkini.com/berita/dua-kelompok-pemuda-bentrok",
     "Dua Kelompok Pemuda Bentrok di Pasar Ternate, Polisi Amankan Lima Orang"),
])
def test_portal_name_as_title_gives_way_to_the_headline(name: str, url: str, headline: str) -> None:
    tree = document_fromstring((FIRST_SIGHT / name).read_bytes())
    assert metadata.extract_title(tree, url) == headline


def test_institution_title_without_site_name_metadata_gives_way_to_the_content_headline() -> None:
    tree = document_fromstring(
        '<html><head><title>Dinas Komunikasi dan Informatika Kabupaten Sumbawa</title></head><body>'
        '<div class="content"><h2>Rapat Forkopimda Bahas Pengamanan Nataru</h2><p>Isi.</p></div></body></html>')
    assert metadata.extract_title(tree, "https://x.go.id/berita/1") == "Rapat Forkopimda Bahas Pengamanan Nataru"


def test_headline_naming_an_institution_stays_when_the_content_prints_it() -> None:
    tree = document_fromstring(
        '<html><head><title>Polres Garut Gelar Operasi Zebra - Tribrata News Garut</title>'
        '<meta property="og:site_name" content="Tribrata News Garut"></head><body><a class="logo" href="/">'
        '<img alt="Tribrata News Garut"></a><h1>Polres Garut Gelar Operasi Zebra</h1>'
        '<h2>Sasaran Operasi Tahun Ini</h2></body></html>')
    assert metadata.extract_title(tree, "https://tribratanews.garut.id/a/") == "Polres Garut Gelar Operasi Zebra"
