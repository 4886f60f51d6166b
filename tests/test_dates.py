"""Dates: metadata first, visible Indonesian forms, weekday (dd/mm) resolution, chrome rejection."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml.html import document_fromstring

from pipelines import dates
from pipelines.dates import WIB, latest_moment
from pipelines.extract import extract_article

NOW = datetime(2026, 11, 22, 22, 0, tzinfo=WIB)


def choose(html: str, paragraphs: list[str] | None = None, url: str = "https://x.go.id/berita/a-b-c") -> datetime | None:
    """Run the whole date choice on a small page."""
    tree = document_fromstring(html)
    found = dates.read_page_dates(tree, url)
    return dates.choose_published(found, paragraphs or [], NOW, tree)


@pytest.mark.parametrize(("text", "expected"), [
    ("Kamis, 14 Juli 2022", datetime(2022, 7, 14, tzinfo=WIB)),
    ("26 Januari 2021     296 kali", datetime(2021, 1, 26, tzinfo=WIB)),
    ("2022/04/07", datetime(2022, 4, 7, tzinfo=WIB)),
    ("14/07/2022 10:15 WIB", datetime(2022, 7, 14, 10, 15, tzinfo=WIB)),
    ("Senin, 3 Juni 2024 | 10:15 WITA", datetime(2024, 6, 3, 10, 15, tzinfo=timezone(timedelta(hours=8)))),
    ("Rabu, 5 Agustus 2020 pukul 19.30 WIT", datetime(2020, 8, 5, 19, 30, tzinfo=timezone(timedelta(hours=9)))),
    ("Juli 14, 2022", datetime(2022, 7, 14, tzinfo=WIB)),
    ("Sabtu, 07 Nop 2015", datetime(2015, 11, 7, tzinfo=WIB)),
])
def test_iter_visible_dates_reads_indonesian_forms(text: str, expected: datetime) -> None:
    assert next(dates.iter_visible_dates(text)) == expected


def test_parse_iso_reads_naive_as_wib_and_keeps_offsets() -> None:
    assert dates.parse_iso("2022-07-14T10:00:00") == datetime(2022, 7, 14, 10, tzinfo=WIB)
    assert dates.parse_iso("2022-07-14T13:05:21+00:00") == datetime(2022, 7, 14, 13, 5, 21, tzinfo=UTC)
    assert dates.parse_iso("2022-07-14 10:00:00") == datetime(2022, 7, 14, 10, tzinfo=WIB)


@pytest.mark.parametrize(("text", "years", "expected"), [
    ("di Hotel Bangka City, Pangkalpinang pada Rabu (10/05) dan dibuka", [2017, 2016], datetime(2017, 5, 10, tzinfo=WIB)),
    ("Sambung Roso di Polda Jatim, Jumat (22/9).", [], datetime(2023, 9, 22, tzinfo=WIB)),
    ("di Aula BKD Lumajang, Selasa (26/01/21).", [], datetime(2021, 1, 26, tzinfo=WIB)),
    ("digelar Jum'at (22/9) malam", [2016], datetime(2023, 9, 22, tzinfo=WIB)),
])
def test_resolve_weekday_date(text: str, years: list[int], expected: datetime) -> None:
    assert dates.resolve_weekday_date(text, years, NOW) == expected


def test_resolve_weekday_date_never_returns_future() -> None:
    assert dates.resolve_weekday_date("Kamis (31/12)", [2026], NOW) == datetime(2020, 12, 31, tzinfo=WIB)


def test_parse_relative_uses_now() -> None:
    assert dates.parse_relative("Diperbarui 2 jam yang lalu", NOW) == datetime(2026, 11, 22, 20, 0, tzinfo=WIB)
    assert dates.parse_relative("kemarin", NOW).date() == datetime(2026, 11, 21).date()


def test_json_ld_graph_date_wins_over_visible() -> None:
    ld = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},
          {"@type": "NewsArticle", "datePublished": "2023-09-22T08:00:00+07:00"}]}
    html = (f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
            '<body><span class="date">1 Januari 2020</span></body></html>')
    assert choose(html) == datetime(2023, 9, 22, 8, tzinfo=WIB)


def test_meta_published_time_and_modified() -> None:
    html = ('<html><head><meta property="article:published_time" content="2022-07-14T13:05:21+00:00">'
            '<meta property="article:modified_time" content="2022-07-15T01:00:00+00:00"></head><body></body></html>')
    tree = document_fromstring(html)
    found = dates.read_page_dates(tree, "https://x.id/a")
    published = dates.choose_published(found, [], NOW)
    assert published == datetime(2022, 7, 14, 13, 5, 21, tzinfo=UTC)
    assert dates.choose_modified(found, published, NOW) == datetime(2022, 7, 15, 1, tzinfo=UTC)


def test_time_element_outside_chrome() -> None:
    html = ('<html><body><div class="topbar"><time datetime="2026-11-22">Minggu, 22 November 2026</time></div>'
            '<article><time class="entry-date published" datetime="2024-06-03T10:15:00+08:00">3 Juni 2024</time>'
            '</article></body></html>')
    assert choose(html) == datetime(2024, 6, 3, 10, 15, tzinfo=timezone(timedelta(hours=8)))


def test_crawl_day_in_top_bar_is_ignored() -> None:
    html = ('<html><body><div class="header-top"><span class="tanggal">Minggu, 22 November 2026</span></div>'
            '<div class="isi"><p>Kapolres memimpin apel pada Jumat (22/9) di Mapolres.</p></div></body></html>')
    assert choose(html, ["Kapolres memimpin apel pada Jumat (22/9) di Mapolres."]) == datetime(2023, 9, 22, tzinfo=WIB)


def test_sidebar_dates_are_not_the_article_date() -> None:
    html = ('<html><body><div class="sidebar"><span class="tgl">14 Agustus 2020</span></div>'
            '<div class="info-berita"><span class="tgl">26 Januari 2021</span></div></body></html>')
    assert choose(html) == datetime(2021, 1, 26, tzinfo=WIB)


def test_future_dates_are_rejected() -> None:
    html = '<html><body><span class="post-date">5 Desember 2030</span><span class="date">2 Mei 2024</span></body></html>'
    assert choose(html) == datetime(2024, 5, 2, tzinfo=WIB)


def test_full_date_in_lead_paragraph() -> None:
    lead = ["Jambi-GlobalInvestigasinews.com. 2022/04/07", "Kesbangpol Pemkab Tanjab Timur melaksanakan rapat."]
    assert choose("<html><body><p>x</p></body></html>", lead) == datetime(2022, 4, 7, tzinfo=WIB)


def test_url_year_resolves_weekday_date() -> None:
    html = "<html><body><p>x</p></body></html>"
    got = choose(html, ["Rapat digelar Rabu (10/05) di Pangkalpinang."], url="https://babelprov.go.id/2017/rakor-x")
    assert got == datetime(2017, 5, 10, tzinfo=WIB)


def test_crawl_day_in_unmarked_bar_loses_to_byline_date() -> None:
    html = ('<html><body><div id="atas"><span class="tanggal">Minggu, 22 November 2026</span></div>'
            '<div class="isi"><span class="post-date">Senin, 3 Juni 2024 | 10:15 WITA</span></div></body></html>')
    assert choose(html) == datetime(2024, 6, 3, 10, 15, tzinfo=timezone(timedelta(hours=8)))


def test_article_published_today_keeps_todays_date() -> None:
    html = '<html><body><div class="info"><span class="tgl">22 November 2026 08:00 WIB</span></div></body></html>'
    assert choose(html) == datetime(2026, 11, 22, 8, 0, tzinfo=WIB)


def test_relative_byline_beats_todays_date_in_an_unmarked_top_bar() -> None:
    html = ('<html><body><div class="bg-dark small"><span class="tanggal-hari-ini">Minggu, 22 November 2026</span></div>'
            '<div class="detail-info"><span class="waktu">2 jam yang lalu</span></div></body></html>')
    assert choose(html) == datetime(2026, 11, 22, 20, 0, tzinfo=WIB)


def test_body_classes_do_not_make_the_whole_page_chrome() -> None:
    html = ('<html><body class="single-post right-sidebar"><article><time class="entry-date published" '
            'datetime="2024-06-03T10:15:00+08:00">Senin, 3 Juni 2024</time></article></body></html>')
    assert choose(html) == datetime(2024, 6, 3, 10, 15, tzinfo=timezone(timedelta(hours=8)))


def test_blogger_time_of_day_printed_apart_is_read_from_the_abbr_title() -> None:
    html = ("<html><body><div class='widget Blog' id='Blog1'><h2 class='date-header'><span>Senin, 03 Juni 2024</span></h2>"
            "<div class='post-footer'>Diposting oleh Roni di <a class='timestamp-link'><abbr class='published' "
            "itemprop='datePublished' title='2024-06-03T09:42:00+07:00'>09.42</abbr></a></div></div></body></html>")
    assert choose(html) == datetime(2024, 6, 3, 9, 42, tzinfo=WIB)


def test_blogger_day_heading_is_the_posts_day_not_a_site_header() -> None:
    """``h2.date-header`` heads the day's posts; the body's "Senin (3/6)" is the event's day."""
    html = ("<html><body><div class='header-outer'><div class='header'><h1 class='title'><a href='/'>Global"
            "</a></h1></div></div><div class='main-inner'><div class='main'><div class='blog-posts hfeed'>"
            "<div class='date-outer'><h2 class='date-header'><span>Selasa, 04 Juni 2024</span></h2>"
            "<div class='date-posts'><div class='post-outer'><div class='post hentry'><h3 class='post-title'>"
            "Rakor</h3><div class='post-body'><p>Forkopimda menggelar rapat koordinasi, Senin (3/6).</p>"
            + "<p>Rakor membahas langkah antisipasi gangguan keamanan dan ketertiban masyarakat.</p>" * 3
            + "</div>"
            "<div class='post-footer'>Diposting oleh Budi di <a class='timestamp-link'>02.57</a></div>"
            "</div></div></div></div></div></div></div></body></html>")
    assert (chosen := choose(html)) and chosen.date() == date(2024, 6, 4)


def test_a_day_without_its_hour_may_be_any_moment_of_that_day() -> None:
    assert latest_moment(datetime(2026, 12, 4, tzinfo=WIB)) == datetime(2026, 12, 4, 23, 59, 59, tzinfo=WIB)
    assert latest_moment(datetime(2026, 12, 4, 9, 5, tzinfo=WIB)) == datetime(2026, 12, 4, 9, 5, tzinfo=WIB)


def test_date_line_right_under_the_headline_without_a_date_class() -> None:
    html = ('<html><body><div id="detail"><h1>Brandon Salim Makin Dekat</h1>'
            '<span class="newsdetail-schedule-new">Kamis, 05 November 2015 11:52</span><p>Isi berita.</p></div>'
            '<div class="sidebar"><span class="date">3 November 2015</span></div></body></html>')
    assert choose(html) == datetime(2015, 11, 5, 11, 52, tzinfo=WIB)


def test_date_only_metadata_takes_the_time_the_byline_prints() -> None:
    html = ('<html><head><meta name="pubdate" content="2015-11-05"></head><body><div class="meta-post">'
            '<time class="tgl">Kamis, 5 November 2015 - 15:56 wib</time></div></body></html>')
    assert choose(html) == datetime(2015, 11, 5, 15, 56, tzinfo=WIB)


# ---------------------------------------------------------------- first sight: pages of unseen templates
# Written before the chrome rules (tests/fixtures/unseen); each got the header's or a sidebar's
# date at first sight.
FIRST_SIGHT = Path(__file__).parent / "fixtures" / "unseen"
WITA, WIT = timezone(timedelta(hours=8)), timezone(timedelta(hours=9))


def _first_sight(name: str, url: str, now: datetime) -> datetime | None:
    return extract_article((FIRST_SIGHT / name).read_bytes(), url, now=now).published


def test_wordpress_header_date_loses_to_the_entry_date_with_its_time_and_zone() -> None:
    # Sahifa: a cached "today" (1 Dec) in the theme header's top-nav, the entry's date in post-meta.
    got = _first_sight("wp_sahifa_header_date.html", "https://suararinjani.com/warga-dua-dusun-sepakat-damai/",
                       datetime(2026, 12, 3, 9, tzinfo=WIB))
    assert got == datetime(2026, 11, 28, 16, 40, tzinfo=WITA)


def test_crawl_day_in_a_header_element_loses_to_the_line_under_the_headline() -> None:
    got = _first_sight("portal_header_tag_entry_under_h1.html", "https://timikapos.id/berita/polres-mimika-patroli",
                       datetime(2026, 12, 3, 8, tzinfo=WIB))
    assert got == datetime(2026, 12, 2, 21, 45, tzinfo=WIT)


def test_permalink_day_beats_header_and_aside_dates() -> None:
    got = _first_sight("wp_url_date_aside_widgets.html",
                       "https://wartacilegon.com/2026/11/27/satpol-pp-bubarkan-balap-liar-di-jalan-lingkar-selatan/",
                       datetime(2026, 11, 28, 10, tzinfo=WIB))
    assert got == datetime(2026, 11, 27, tzinfo=WIB)


@pytest.mark.parametrize("now", [datetime(2026, 12, 3, 9, tzinfo=WIB), datetime(2026, 12, 1, 9, tzinfo=WIB)])
def test_only_date_in_the_header_gives_no_date(now: datetime) -> None:
    # A stale (cached) day or the crawl day itself: either way the site's, never the story's.
    assert _first_sight("portal_ticker_only_header_date.html",
                        "https://kupangnews.id/berita/ratusan-personel-gabungan-amankan-misa-natal", now) is None


def test_entry_header_inside_the_article_is_not_chrome() -> None:
    html = ('<html><body><header class="site"><span class="date">Minggu, 22 November 2026</span></header>'
            '<article><header class="entry-header"><h1>Judul</h1><span class="posted-on">3 Juni 2024</span>'
            '</header></article><aside><span class="date">1 Juni 2024</span></aside></body></html>')
    assert choose(html) == datetime(2024, 6, 3, tzinfo=WIB)


def test_url_date() -> None:
    assert dates.url_date("https://x.com/2026/11/27/judul/") == datetime(2026, 11, 27, tzinfo=WIB)
    assert dates.url_date("https://x.com/2026/13/27/judul/") is None
    assert dates.url_date("https://x.com/berita/2026/judul") is None
