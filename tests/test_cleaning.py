"""Each cleaning rule on real-looking markup: the clutter goes, look-alike content stays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml.html import HtmlElement, document_fromstring, tostring

from pipelines import cleaning

STORY = "<p>Kapolres Tulungagung memimpin apel pengamanan Pemilu di halaman Mapolres pada Jumat pagi.</p>"


def page(inner: str, body_class: str = "single single-post postid-1") -> HtmlElement:
    """A minimal WordPress-like page around ``inner``."""
    return document_fromstring(
        f'<html><body class="{body_class}"><article class="post-1 post type-post">'
        f'<div class="entry-content">{STORY}{inner}</div></article></body></html>'
    )


def text_of(tree: HtmlElement) -> str:
    """Whitespace-squeezed text of the whole page."""
    return " ".join(tree.text_content().split())


# ---------------------------------------------------------------- DOM rules

def test_drop_related_post_boxes_removes_jnews_inline_related() -> None:
    tree = page('<div class="jnews_inline_related_post_wrapper"><div class="jnews_inline_related_post">'
                '<h3 class="jeg_block_title"><span>Baca Juga:</span></h3><h3 class="jeg_post_title">'
                '<a href="/a/">Pekerjaan CV Adipati Agung Perlu Pengawasan Ketat</a></h3></div></div>')
    out = text_of(cleaning.drop_related_post_boxes(tree))
    assert "Pekerjaan CV" not in out and "Kapolres Tulungagung" in out


def test_drop_related_post_boxes_keeps_article_whose_category_says_related() -> None:
    tree = document_fromstring('<html><body><article class="post category-related-news">'
                               f'<div class="entry-content">{STORY}</div></article></body></html>')
    assert "Kapolres" in text_of(cleaning.drop_related_post_boxes(tree))


@pytest.mark.parametrize("markup", [
    '<p><strong>Baca Juga:  <a href="/x/">DPRD Gelar Rapat Paripurna LKPJ Bupati</a></strong></p>',
    '<p style="text-align:left"><strong>BACA JUGA : </strong><a href="/x/">DPRD Gelar Rapat Paripurna LKPJ Bupati</a></p>',
    '<p class="baca"><strong>Baca: <a href="/x/">DPRD Gelar Rapat Paripurna LKPJ Bupati</a></strong></p>',
    '<table class="linksisip"><tr><td><div class="lihatjg"><strong>Baca juga: </strong>'
    '<a href="/x/">DPRD Gelar Rapat Paripurna LKPJ Bupati</a></div></td></tr></table>',
    '<p>Simak juga: <a href="/x/">DPRD Gelar Rapat Paripurna LKPJ Bupati</a></p>',
])
def test_drop_baca_juga_boxes_removes_editor_and_plugin_variants(markup: str) -> None:
    out = text_of(cleaning.drop_baca_juga_boxes(page(markup)))
    assert "DPRD Gelar" not in out and "Kapolres Tulungagung" in out


@pytest.mark.parametrize("sentence", [
    "<p>Baca tulis Al-Quran diajarkan setiap sore di <a href='/tpq/'>TPQ Al-Ikhlas</a> oleh relawan.</p>",
    "<p>Ia membaca <a href='/sk/'>surat keputusan</a> Bupati di hadapan peserta apel.</p>",
])
def test_drop_baca_juga_boxes_keeps_prose_using_baca(sentence: str) -> None:
    out = text_of(cleaning.drop_baca_juga_boxes(page(sentence)))
    assert out.endswith(" ".join(document_fromstring(sentence).text_content().split()))


def test_drop_comment_forms_removes_wordpress_respond() -> None:
    tree = page('</div><div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
                '<h3 id="reply-title" class="comment-reply-title">Tinggalkan Balasan</h3>'
                '<form id="commentform" class="comment-form"><p class="comment-notes">Alamat email Anda tidak '
                'akan dipublikasikan.</p></form></div></div><div>')
    out = text_of(cleaning.drop_comment_forms(tree))
    assert "Tinggalkan Balasan" not in out and "Alamat email" not in out and "Kapolres" in out


def test_drop_share_widgets_removes_tagdiv_and_jetpack_bars() -> None:
    tree = page('<div class="td-post-sharing td-ps-bg"><a class="td-social-sharing-button">Facebook</a></div>'
                '<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Bagikan ini:</h3></div>')
    out = text_of(cleaning.drop_share_widgets(tree))
    assert "Facebook" not in out and "Bagikan" not in out


def test_drop_sidebars_and_widgets_removes_aside_and_widget_blocks() -> None:
    tree = document_fromstring(f'<html><body><div class="content">{STORY}</div><aside><h2>Terpopuler</h2></aside>'
                               '<div class="jeg_sidebar"><div class="widget">BANYAK DIBACA</div></div></body></html>')
    out = text_of(cleaning.drop_sidebars_and_widgets(tree))
    assert "Terpopuler" not in out and "BANYAK DIBACA" not in out and "Kapolres" in out


def test_drop_drupal_label_fields_keeps_body_field() -> None:
    tree = document_fromstring(
        '<html><body><div class="node__content"><div class="field field--name-body">' + STORY + '</div>'
        '<div class="field field--name-field-sumber field--label-above"><div class="field__label">Sumber</div>'
        '<div class="field__item">Dinas Kominfo</div></div></div></body></html>')
    out = text_of(cleaning.drop_drupal_label_fields(tree))
    assert "Dinas Kominfo" not in out and "Kapolres" in out


def test_drop_blogger_post_footer_removes_author_and_labels_line() -> None:
    tree = page("</div><div class='post-footer'><span class='post-author vcard'>Diposting oleh Admin</span>"
                "<span class='post-labels'>Label: Jambi</span></div><div>")
    out = text_of(cleaning.drop_blogger_post_footer(tree))
    assert "Diposting" not in out and "Label" not in out


def test_drop_captions_removes_figcaption_and_wp_caption_text() -> None:
    tree = page('<figure><img src="a.jpg"><figcaption>Foto: Humas Polres</figcaption></figure>'
                '<div class="wp-caption"><img src="b.jpg"><p class="wp-caption-text">Dok. Kominfo-lmj</p></div>')
    out = text_of(cleaning.drop_captions(tree))
    assert "Humas Polres" not in out and "Dok. Kominfo" not in out


def test_drop_headed_link_lists_removes_unmarked_popular_box_and_hotline() -> None:
    tree = document_fromstring(
        f'<html><body><div class="kolom-kiri">{STORY}</div><div class="kolom-kanan">'
        '<div class="kotak"><div class="judul-kotak">BANYAK DIBACA</div><a href="/1">WABUP : PERAN PRAMUKA</a>'
        '<a href="/2">PRINSIP KEBIJAKAN PENDIDIKAN</a></div>'
        '<div class="kotak"><div class="judul-kotak">Hotline COVID19</div><p>Pemerintah Kabupaten menyediakan '
        'layanan hotline di (0334) - 8784 119.</p></div></div></body></html>')
    out = text_of(cleaning.drop_headed_link_lists(tree))
    assert "WABUP" not in out and "hotline" not in out.lower() and "Kapolres" in out


def test_drop_by_selectors_applies_source_selectors() -> None:
    tree = page('<div class="iklan-dalam-artikel">Pasang iklan di sini</div>')
    assert "iklan" not in text_of(cleaning.drop_by_selectors(tree, [".iklan-dalam-artikel"]))


def test_clean_tree_keeps_tail_text_of_removed_inline_element() -> None:
    tree = document_fromstring('<html><body><div class="entry-content"><p>Awal kalimat '
                               '<span class="share-inline">Share</span> lanjutan kalimat.</p></div></body></html>')
    assert "Awal kalimat lanjutan kalimat." in text_of(cleaning.clean_tree(tree))


# ---------------------------------------------------------------- text rules

def test_join_label_value_lines_joins_drupal_label_and_value() -> None:
    assert cleaning.join_label_value_lines(["Sumber:", "Dinas Kominfo", "Penulis:", "Erwin"]) == [
        "Sumber: Dinas Kominfo", "Penulis: Erwin"]


def test_join_wrapped_lines_rejoins_br_split_sentence() -> None:
    lines = ["Dalam rangka mewujudkan KAMTIBMAS", "yang aman di Kabupaten Tulungagung Kamis 14 Juli 2022,",
             "Kepala Badan Kesbangpol menggelar acara.", "Peserta hadir."]
    assert cleaning.join_wrapped_lines(lines) == [
        "Dalam rangka mewujudkan KAMTIBMAS yang aman di Kabupaten Tulungagung Kamis 14 Juli 2022, "
        "Kepala Badan Kesbangpol menggelar acara.", "Peserta hadir."]


def test_join_wrapped_lines_leaves_list_items_alone() -> None:
    lines = ["- Wakil ketua DPRD Gatot sumarto SH.", "– Camat Muara sabak Timur Zulfaisal", "– Sekcam Dendang"]
    assert cleaning.join_wrapped_lines(lines) == lines


@pytest.mark.parametrize("line", [
    "Baca Juga: Pekerjaan CV Adipati Agung Perlu Pengawasan Ketat", "BACA JUGA : DPRD Gelar Rapat Paripurna",
    "Baca juga DPRD Gelar Rapat Paripurna", "Baca: Polisi Amankan Pengedar", "Simak juga: Video Patroli",
    "Lihat juga: Galeri Foto Apel", "Baca Selengkapnya", "[Baca juga: Kapolres Pimpin Apel]",
])
def test_drop_baca_juga_lines_removes_every_variant(line: str) -> None:
    assert cleaning.drop_baca_juga_lines(["Paragraf berita.", line]) == ["Paragraf berita."]


@pytest.mark.parametrize("line", [
    "Baca tulis Al-Quran diajarkan setiap sore oleh relawan TPQ.",
    "Ia membaca surat keputusan Bupati di hadapan peserta apel.",
    "Bacaan doa dipimpin oleh tokoh agama setempat.",
])
def test_drop_baca_juga_lines_keeps_prose(line: str) -> None:
    assert cleaning.drop_baca_juga_lines([line]) == [line]


def test_drop_comment_prompts_removes_wordpress_form_text() -> None:
    lines = ["Paragraf.", "Tinggalkan Balasan", "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *"]
    assert cleaning.drop_comment_prompts(lines) == ["Paragraf."]


@pytest.mark.parametrize("line", ["296 kali", "Dibaca 1.234 kali", "26 Januari 2021 296 kali",
                                  "14 Agustus 2020 10.769 kali Baca", "Dilihat: 87 kali"])
def test_strip_view_counters_removes_counter_lines(line: str) -> None:
    assert cleaning.strip_view_counters([line, "Paragraf."]) == ["Paragraf."]


def test_strip_view_counters_keeps_sentence_with_kali() -> None:
    line = "Kegiatan serupa sudah digelar 3 kali di Kecamatan Ngunut tahun ini."
    assert cleaning.strip_view_counters([line]) == [line]


@pytest.mark.parametrize("line", ["Dok. Kominfo-lmj", "Foto: Humas Polres Tulungagung", "(Foto: Istimewa)",
                                  "Ilustrasi: Pixabay"])
def test_drop_photo_credits(line: str) -> None:
    assert cleaning.drop_photo_credits([line, "Paragraf."]) == ["Paragraf."]


def test_drop_back_links() -> None:
    assert cleaning.drop_back_links(["Paragraf.", "Kembali ke Halaman Berita"]) == ["Paragraf."]


def test_truncate_at_trailing_sections_cuts_sidebar_after_story() -> None:
    story = ["Kalimat berita yang panjang sekali " * 5] * 4
    tail = ["PENCARIAN", "BANYAK DIBACA", "WABUP : PERAN PRAMUKA DI MASA PANDEMI", "Hotline COVID19",
            "Pemerintah Kabupaten Lumajang menyediakan layanan hotline tentang COVID19."]
    assert cleaning.truncate_at_trailing_sections(story + tail) == story


def test_truncate_at_trailing_sections_only_drops_early_heading() -> None:
    lines = ["Berita Terkait", "Kalimat berita yang panjang sekali " * 6]
    assert cleaning.truncate_at_trailing_sections(lines) == lines[1:]


def test_drop_hashtag_lines() -> None:
    assert cleaning.drop_hashtag_lines(["Paragraf.", "#PolriPresisi #PolresTulungagung"]) == ["Paragraf."]


@pytest.mark.parametrize("line", ["Editor: Andi", "Reporter: Budi Santoso", "Penulis: Erwin", "Sumber: Dinas Kominfo",
                                  "(Editor: Andi)", "Pewarta: Citra"])
def test_drop_credit_lines(line: str) -> None:
    assert cleaning.drop_credit_lines(["Paragraf.", line]) == ["Paragraf."]


def test_drop_credit_lines_keeps_sentence_starting_with_sumber() -> None:
    line = "Sumber air bersih di Desa Ngranti kembali mengalir setelah perbaikan pipa oleh warga dan TNI."
    assert cleaning.drop_credit_lines([line]) == [line]


@pytest.mark.parametrize("line", ["© 2022 Detikkasus.com - Tajam Mengungkap Fakta. All Rights Reserved.",
                                  "Copyright © 2021 Dinas Kominfo Kabupaten Lumajang", "Hak Cipta Dilindungi Undang-Undang"])
def test_drop_copyright_footers(line: str) -> None:
    assert cleaning.drop_copyright_footers(["Paragraf.", line]) == ["Paragraf."]


@pytest.mark.parametrize("line", ["Bagikan ini:", "Share this:", "Menyukai ini:", "Memuat...", "Klik untuk membagikan di Facebook"])
def test_drop_share_prompts(line: str) -> None:
    assert cleaning.drop_share_prompts(["Paragraf.", line]) == ["Paragraf."]


def test_drop_trailing_headline_list_removes_other_titles_keeps_marker() -> None:
    lines = ["Kapolres menyampaikan pesan damai kepada warga.", "“Kami siap mendengarkan”, tandasnya. (*)",
             "POLSEK WONODADI MELAKUKAN GIAT PATROLI JALAN RAYA",
             "Kapolda Jatim dan Pangdam V Brawijaya Pastikan Kesiapan Pelaksanaan Pilkada di Pamekasan"]
    assert cleaning.drop_trailing_headline_list(lines) == lines[:2]


def test_drop_trailing_headline_list_keeps_closing_attendee_list() -> None:
    lines = ["Rakor dihadiri unsur Forkopimda sebagai berikut:", "Kapolsek Muara Sabak Barat",
             "Camat Muara Sabak Timur Zulfaisal"]
    assert cleaning.drop_trailing_headline_list(lines) == lines


def test_drop_title_repeat() -> None:
    assert cleaning.drop_title_repeat(["Judul Berita", "Isi."], "Judul berita") == ["Isi."]


def test_clean_paragraphs_keeps_initials_marker_and_quotes() -> None:
    lines = ["“Semua harus solid,” ujarnya.", "Jika aman, maka kondusif,” pungkas Siti Baroroh. (Fit)",
             "Tinggalkan Balasan"]
    assert cleaning.clean_paragraphs(lines) == lines[:2]


def _one_by_one(tree: HtmlElement) -> HtmlElement:
    """Every DOM rule applied on its own walk, in DOM_RULES order (no batching)."""
    for rule in cleaning.DOM_RULES:
        tree = rule(tree)
    return tree


def test_batched_marker_walk_gives_the_same_tree_as_the_rules_one_by_one() -> None:
    """clean_tree runs the marker rules of DOM_RULES as one walk; the cleaned tree, markup and
    all, must be the one the rules give one by one (on the seed pages and every gold page)."""
    fixtures = Path(__file__).parent / "fixtures"
    assert any(isinstance(rule, cleaning.MarkedRegions) for rule in cleaning.FAST_DOM_RULES)
    for path in [*sorted((fixtures / "html").glob("seed*.html")), *sorted((fixtures / "gold").glob("*.html"))]:
        fast = cleaning.clean_tree(document_fromstring(path.read_bytes()))
        slow = _one_by_one(document_fromstring(path.read_bytes()))
        assert tostring(fast) == tostring(slow), path.name


def test_batched_walk_handles_nested_and_protected_marked_regions_like_the_rules() -> None:
    """A comment list inside a sidebar, a share bar inside a related box, a caption inside the
    body and a share-named wrapper around the story: the walk removes what the rules remove.
    (Compared without whitespace: see MarkedRegions on tails where two removed siblings meet.)"""
    long = " ".join(["Petugas gabungan menyisir jalan protokol dan memeriksa kelengkapan kendaraan warga."] * 3)
    markup = ('<html><body><div class="author-and-share"><article><h1 class="entry-title">Judul Berita</h1>'
              f'<div class="entry-content"><p>{long}</p><div class="wp-caption"><img src="/a.jpg">'
              f'<p class="wp-caption-text">Foto: Humas</p></div><p>{long}</p>'
              '<div class="jnews_inline_related_post"><div class="share-bar"><a>Facebook</a></div>'
              '<a href="/x/">Berita Lain Yang Terkait</a></div> ekor kalimat.</div></article>'
              '<aside class="sidebar"><div class="widget"><ol class="commentlist"><li>Komentar</li></ol></div>'
              '</aside></div><div id="respond"><form><p>Tinggalkan Balasan</p></form></div></body></html>')
    fast = cleaning.clean_tree(document_fromstring(markup))
    slow = _one_by_one(document_fromstring(markup))
    squeezed = [re.sub(r"\s+", "", tostring(tree, encoding=str)) for tree in (fast, slow)]
    assert squeezed[0] == squeezed[1]
    out = text_of(fast)
    assert "Petugas gabungan" in out and "ekor kalimat." in out
    assert not any(word in out for word in ("Facebook", "Foto: Humas", "Komentar", "Tinggalkan", "Berita Lain"))


def test_batched_folds_only_neighbouring_marker_rules() -> None:
    """A rule between two marker rules keeps its place: the marker rules on either side of it
    stay two walks."""
    rules = (cleaning.drop_share_widgets, cleaning.drop_hidden_regions, cleaning.drop_small_forms,
             cleaning.drop_related_post_boxes)
    folded = cleaning.batched(rules)
    assert len(folded) == 3 and folded[1:] == rules[2:]
    assert isinstance(folded[0], cleaning.MarkedRegions)
    assert folded[0].rules == rules[:2]
    assert cleaning.batched(cleaning.DOM_RULES) == cleaning.FAST_DOM_RULES


def test_whole_page_form_and_layout_wrapper_survive() -> None:
    """ASP.NET pages sit in one <form>; themes name layout wrappers "and-w-sidebar"."""
    tree = document_fromstring(f'<html><body><form id="aspnetForm"><div class="page and-w-sidebar"><h1>Judul</h1>'
                               f'{STORY}</div><div class="elementor-widget-container">{STORY}</div></form></body></html>')
    out = text_of(cleaning.clean_tree(tree))
    assert out.count("Kapolres Tulungagung") == 2


@pytest.mark.parametrize("classes", ["page one-sidebar", "content-with-sidebar-wrp", "has-sidebar"])
def test_layout_classes_naming_a_sidebar_are_not_sidebars(classes: str) -> None:
    tree = document_fromstring(f'<html><body><div class="{classes}">{STORY}</div></body></html>')
    assert "Kapolres" in text_of(cleaning.drop_sidebars_and_widgets(tree))


def test_drop_trailing_headline_list_keeps_last_sentence_without_period() -> None:
    lines = ["Kapolres memimpin apel pagi ini.", "“Kita berkomitmen satu suara, satu tugas dan itu sudah kita buktikan,” ungkapnya"]
    assert cleaning.drop_trailing_headline_list(lines) == lines


# ---------------------------------------------------------------- structure rules (added with the gold set)

LONG = " ".join(["Petugas gabungan menyisir jalan protokol dan memeriksa kelengkapan kendaraan warga."] * 3)


def test_story_inside_a_share_named_wrapper_is_unmarked_not_lost() -> None:
    tree = document_fromstring(f'<html><body><div class="sosmedsticky author-and-share"><div class="ctn-desc">'
                               f'<p>{LONG}</p><p>{LONG}</p><p>{LONG}</p></div></div>'
                               '<div class="share-bar"><a>Facebook</a></div></body></html>')
    out = cleaning.drop_marked_regions(cleaning.unmark_story_ancestors(tree))
    assert "Petugas gabungan" in text_of(out) and "Facebook" not in text_of(out)


def test_wrap_loose_text_gives_the_lead_its_own_paragraph() -> None:
    tree = document_fromstring('<html><body><div class="detail"><b>Kapanlagi.com</b> - <a href="/b/">Brandon</a>, putra '
                               'sulung aktor Fery Salim, makin mantap.<p>Paragraf kedua.</p><p>Ketiga.</p></div></body></html>')
    first = cleaning.wrap_loose_text(tree).xpath("//div[@class='detail']/*[1]")[0]
    assert first.tag == "p" and " ".join(first.text_content().split()).startswith("Kapanlagi.com - Brandon, putra")


def test_wrap_loose_text_keeps_a_short_dateline_with_its_story() -> None:
    tree = document_fromstring('<html><body><div class="text_detail"><strong>Jakarta</strong> - <p>Isi pertama.</p>'
                               '<p>Isi kedua.</p></div></body></html>')
    assert cleaning.wrap_loose_text(tree).xpath("//div/p[1]")[0].text_content().strip() == "Jakarta -"


def test_drop_teaser_lists_removes_dated_headline_lists_and_keeps_attendees() -> None:
    teasers = "".join(f'<li><span class="date">Kamis, 05/11/2015 0{i}:25 WIB</span><h5><a href="/x{i}">Judul Berita '
                      f'Lain Nomor {i}</a></h5></li>' for i in range(4))
    tree = page(f'<ul>{teasers}</ul><ul><li>Kapolres Sleman;</li><li>Dandim 0732/Sleman;</li><li>para camat.</li></ul>')
    out = text_of(cleaning.drop_teaser_lists(tree))
    assert "Judul Berita Lain" not in out and "Dandim 0732/Sleman" in out


def test_unwrap_layout_tables_turns_page_tables_into_blocks_and_keeps_data_tables() -> None:
    tree = document_fromstring('<html><body><table><tr><td><div class="isi"><p>Isi berita.</p></div></td></tr></table>'
                               '<table><tr><td>Pos</td><td>Jam</td></tr></table></body></html>')
    out = cleaning.unwrap_layout_tables(tree)
    assert len(out.xpath("//table")) == 1 and out.xpath("//table//td")[0].text == "Pos"


def test_drop_figcaptions_removes_caption_tables_and_tweets() -> None:
    tree = page('<table class="pic"><tr><td><img src="a.jpg"></td></tr><tr><td>Austin MacPhee di bench.</td></tr></table>'
                '<blockquote class="twitter-tweet"><p>A standing ovation #GRAMMYs</p></blockquote>')
    out = text_of(cleaning.drop_figcaptions(tree))
    assert "MacPhee" not in out and "GRAMMYs" not in out and "Kapolres Tulungagung" in out


@pytest.mark.parametrize("marked", ['<section class="kgmModal -hide"><p>Periksa kembali data dirimu.</p></section>',
                                    '<h4 class="hide">Ringkasan tersembunyi</h4>',
                                    '<td class="kanan_2"><b>Terbaru</b></td>',
                                    '<div class="kolom-kanan">Jadwal</div>'])
def test_hidden_modal_and_right_column_regions_go(marked: str) -> None:
    tree = page(f"<div>{marked}</div>")
    out = text_of(cleaning.drop_marked_regions(tree))
    assert out == text_of(page(""))


@pytest.mark.parametrize(("lines", "kept"), [
    (["TRAVEL NEWS", "Judul Berita Ini", "Isi pertama."], ["Isi pertama."]),
    (["Isi pertama.", "Artikel ini telah naik di detikBali dan bisa dibaca selengkapnya di sini.", "(wsw)"],
     ["Isi pertama.", "(wsw)"]),
    (["Isi pertama.", "[Gambas:Video 20detik]", "-----", "Simak Video \"Turis Asing Soroti Pasal Zina\""],
     ["Isi pertama."]),
    (["Jakarta -", "Polisi masih mendalami kasus itu."], ["Jakarta - Polisi masih mendalami kasus itu."]),
    (["Jumat , 17 February 2017, 13:16 WIB", "Isi pertama."], ["Isi pertama."]),
    (["Taylor Swift memberikan standing ovation untuk Joey. Foto: Grammy", "Isi pertama."], ["Isi pertama."]),
    (["Baca tulis laporan bukan hal mudah bagi warga lanjut usia.", "Disclaimer : Komentar adalah tanggapan pribadi."],
     ["Baca tulis laporan bukan hal mudah bagi warga lanjut usia."]),
])
def test_text_rules_added_with_the_gold_set(lines: list[str], kept: list[str]) -> None:
    assert cleaning.clean_paragraphs(lines, "Judul Berita Ini") == kept


# ---------------------------------------------------------------- the prose guard every deleting rule obeys

RELEASE = ("<p>Pemerintah Kabupaten menyalurkan 12 ton beras cadangan pangan kepada warga, Kamis (20/11/2026).</p>"
           "<p>Bantuan diberikan kepada 1.200 keluarga terdampak banjir di Kecamatan Toili.</p>"
           "<p>Penyaluran dipimpin langsung Wakil Bupati di Balai Desa Singkoyo.</p>"
           "<p>Pemkab juga menyiapkan posko kesehatan bagi warga yang masih mengungsi.</p>")
SENTENCES = ("menyalurkan 12 ton beras", "1.200 keluarga", "Balai Desa Singkoyo", "posko kesehatan")


def guarded_page(body: str) -> HtmlElement:
    """A page whose headline sits outside the body block, so only the prose guard can save it."""
    return document_fromstring(f'<html><body><div class="judul"><h1>Pemkab Salurkan Beras</h1></div>{body}'
                               '<div class="kaki"><p>Diskominfo Kabupaten.</p></div></body></html>')


@pytest.mark.parametrize(("rule", "body"), [
    (cleaning.drop_comment_areas, f'<div class="konten has-comments">{RELEASE}</div>'),
    (cleaning.drop_share_widgets, f'<div class="isi-berita social-ready">{RELEASE}</div>'),
    (cleaning.drop_related_post_boxes, f'<div class="detail konten-terkait-aktif">{RELEASE}</div>'),
    (cleaning.drop_sidebar_regions, f'<div class="widget widget_text"><div class="textwidget">{RELEASE}</div></div>'),
    (cleaning.drop_blogger_post_footer, f'<div class="post-footer-wrap">{RELEASE}</div>'),
    (cleaning.drop_caption_regions, f'<div class="gallery-caption">{RELEASE}</div>'),
    (cleaning.drop_hidden_regions, f'<div class="artikel-lanjutan hidden">{RELEASE}</div>'),
    (cleaning.drop_marked_regions, f'<div class="artikel-lanjutan hidden"><div class="konten has-comments">{RELEASE}'
                                   '</div></div>'),
    (cleaning.drop_small_forms, f'<form id="aspnetForm" action="Detail.aspx"><div class="isi">{RELEASE}</div></form>'),
    (cleaning.drop_aside_and_nav, f'<aside class="col-main">{RELEASE}</aside>'),
    (cleaning.drop_figcaptions, f'<figure><img src="/foto.jpg"><figcaption>{RELEASE}</figcaption></figure>'),
    (cleaning.drop_baca_juga_boxes, f'<div class="isi">Baca juga rilis lengkap di <a href="/ppid">PPID</a>{RELEASE}</div>'),
    (cleaning.drop_drupal_label_fields, f'<div class="field field--name-field-deskripsi"><div class="field__item">'
                                        f'{RELEASE}</div></div>'),
    (cleaning.drop_headed_link_lists, f'<div class="isi">{RELEASE}<strong>Tags:</strong> <a href="/t/beras">beras</a></div>'),
    (cleaning.drop_teaser_lists, '<ul class="rilis">' + "".join(
        f'<li><p>Kegiatan <a href="/k{i}">Penyaluran Beras Tahap {i}</a> berlangsung di desa.</p>{RELEASE}</li>'
        for i in range(3)) + "</ul>"),
    (lambda tree: cleaning.drop_by_selectors(tree, [".konten-baru"]), f'<div class="konten-baru">{RELEASE}</div>'),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_no_deleting_rule_removes_the_block_holding_the_story(rule: cleaning.TreeRule, body: str) -> None:
    """Each deleting rule on a page of another kind, where its markup names the body block: it does nothing
    to the story."""
    out = text_of(rule(guarded_page(body)))
    assert [s for s in SENTENCES if s not in out] == []


def test_drupal_body_in_a_field_of_the_sites_own_name_survives_and_label_fields_go() -> None:
    tree = document_fromstring(
        '<html><body><div class="node__content"><div class="field field--name-field-konten-utama field--type-text-long">'
        f'<div class="field__item">{RELEASE}</div></div><div class="field field--name-field-sumber"><div class="field__label">'
        'Sumber</div><div class="field__item">Dinas Kominfo</div></div></div></body></html>')
    out = text_of(cleaning.clean_tree(tree))
    assert [s for s in SENTENCES if s not in out] == [] and "Dinas Kominfo" not in out


@pytest.mark.parametrize(("first", "second"), [
    ('<div class="entry-content">', '<div class="entry-content">'),
    ('<div class="read-page" id="halaman-1">', '<div class="read-page hide" id="halaman-2">'),
    ('<div class="isi-halaman" id="hal1">', '<div class="isi-halaman d-none" id="hal2">'),
])
def test_story_split_across_sibling_blocks_keeps_both(first: str, second: str) -> None:
    markup = (f'<html><body><h1>Judul</h1><div class="wrap">{first}<p>{LONG}</p><p>{LONG}</p></div>'
              '<div class="iklan-tengah"><a href="/iklan">ADVERTISEMENT</a></div>'
              f'{second}<p>{LONG.replace("Petugas", "Personel")}</p></div></div>'
              '<div class="share-bar"><a>Facebook</a></div></body></html>')
    assert len(cleaning.story_blocks(document_fromstring(markup))) == 2
    out = text_of(cleaning.clean_tree(document_fromstring(markup)))
    assert "Petugas gabungan" in out and "Personel gabungan" in out and "Facebook" not in out


def test_the_guard_spares_only_the_story_not_a_sidebar_of_the_same_size() -> None:
    """A sidebar box beside the story is no part of it (another family): the rules still remove it."""
    tree = document_fromstring(f'<html><body><div class="isi">{RELEASE}</div><div class="widget">'
                               '<p>Jadwal pelayanan kantor dinas setiap hari kerja pukul delapan pagi.</p>'
                               '<p>Hubungi kami melalui layanan pengaduan daring.</p></div></body></html>')
    out = text_of(cleaning.clean_tree(tree))
    assert "posko kesehatan" in out and "Jadwal pelayanan" not in out
