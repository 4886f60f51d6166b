"""The review web app through Flask's test client, asserting on the HTML with CSS selectors.

The fixture database is built with ``Store`` and sqlite-utils exactly as the crawl leaves it
(scores, regions, stories, evidence filled in), plus one hostile article whose title, body,
author, URL, region and evidence carry script payloads: every page must show them as text.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import lxml.html
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from crawler.review_cli import serve
from pipelines.storage import FrontierEntry, Store, facet_lists
from review.app import create_app
from review.auth import AuthConfig, BindRefused, check_bind, hash_password, load_auth
from review.filters import parse_filters
from review.i18n import MESSAGES

WIB = timezone(timedelta(hours=7))
REPO_ROOT = Path(__file__).resolve().parent.parent
HOSTILE_TITLE = ('<script>window.__pwned=1;alert(1)</script>'
                 '<img src=x onerror="window.__pwned=2;alert(2)"> Kerusuhan pasar')
HOSTILE_TEXT = ('Kerusuhan terjadi di pasar. <svg onload="window.__pwned=3;alert(3)"></svg>\n'
                '<a href="javascript:window.__pwned=4;alert(4)">klik di sini</a> '
                '<iframe src="javascript:alert(5)"></iframe> warga panik.')
HOSTILE_AUTHOR = '<svg/onload=window.__pwned=6;alert(6)>'


# The fixture's "yesterday", fixed once at import: a run that crosses midnight in Jakarta must not
# see its fixture move to the day before yesterday (the digest pages ask for this day explicitly).
FIXTURE_DAY = datetime.now(WIB).date() - timedelta(days=1)


def yesterday_wib(hour: int = 10) -> datetime:
    day = FIXTURE_DAY
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB)


def article_row(n: int, **fields: Any) -> dict[str, Any]:
    published = fields.pop("published_at", yesterday_wib() - timedelta(hours=n))
    row = {
        "url": f"https://berita.example.id/{n}", "url_key": f"berita.example.id/{n}",
        "source": "tribratanews-tulungagung", "title": f"Artikel {n}", "text": f"Isi artikel {n}.",
        "published": published.isoformat(),
        "published_utc": published.astimezone(UTC).isoformat(),
        "author": "Humas", "language": "id", "word_count": 3, "discovered_via": "sitemap",
        "fetched_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "status": "new", "score": 0.5, "kamtibmas": 1, "topics": json.dumps(["kriminalitas"]),
        "relevance_evidence": "[]", "region": None, "province": None, "region_evidence": "[]",
        "story_id": None,
    }
    row.update(fields)
    return row


def evidence(term: str, pattern: str, topic: str, weight: float) -> dict[str, Any]:
    return {"term": term, "topic": topic, "weight": weight, "field": "body", "count": 1,
            "excerpt": f"… {term} …", "pattern": pattern, "tier": "strong"}


FIXTURE: list[dict[str, Any]] = [
    article_row(1, title="Polisi Tangkap Pelaku Pencurian Sepeda Motor di Tulungagung",
                text="TULUNGAGUNG - Satreskrim Polres Tulungagung menangkap pelaku pencurian "
                     "sepeda motor di Pasar Ngemplak.\nPelaku pencurian dijerat pasal 363 KUHP.",
                score=0.91, story_id=1, region="Kabupaten Tulungagung", province="Jawa Timur",
                relevance_evidence=json.dumps([evidence("pencurian", "<curi>", "kriminalitas", 1.4)]),
                region_evidence=json.dumps([{"source": "dateline", "match": "TULUNGAGUNG",
                                             "regency": "Kabupaten Tulungagung",
                                             "province": "Jawa Timur", "count": 1, "weight": 3.0,
                                             "offset": 0}])),
    article_row(2, source="detikkasus", url="https://detikkasus.example.id/2",
                url_key="detikkasus.example.id/2",
                title="Pencuri Motor di Tulungagung Ditangkap Polisi",
                text="Pelaku pencurian sepeda motor di Tulungagung ditangkap.", score=0.85,
                story_id=1, region="Kabupaten Tulungagung", province="Jawa Timur"),
    article_row(3, source="lumajang", title="Polres Lumajang Gagalkan Peredaran Sabu di Candipuro",
                text="Satresnarkoba Polres Lumajang menyita 20 gram sabu di Candipuro.", score=0.6,
                topics=json.dumps(["narkoba"]), region="Kabupaten Lumajang", province="Jawa Timur"),
    article_row(4, source="kominfo-babel", title="Bentrok Warga di Pangkalpinang Dilerai Aparat",
                text="Bentrok antarwarga di Pangkalpinang berhasil dilerai aparat gabungan.",
                score=0.75, topics=json.dumps(["konflik_sosial"]), region="Kota Pangkalpinang",
                province="Kepulauan Bangka Belitung", status="relevant",
                reviewed_by="sari", reviewed_at="2026-01-01T01:00:00+00:00",
                review_note="Sudah dilaporkan ke Kapolres"),
    article_row(5, source="kominfo-babel", title="Festival Kuliner Bangka Ramai Pengunjung",
                text="Festival kuliner digelar di alun-alun.", score=0.05, kamtibmas=0,
                topics="[]", region="Kabupaten Bangka", province="Kepulauan Bangka Belitung"),
    article_row(6, source="detikkasus", url="javascript:window.__pwned=7;alert(7)",
                url_key="hostile", title=HOSTILE_TITLE, text=HOSTILE_TEXT, author=HOSTILE_AUTHOR,
                score=0.88, region='<img src=x onerror="alert(8)">', province="Jawa Timur",
                topics=json.dumps(['<b onmouseover="alert(9)">kerusuhan</b>']),
                relevance_evidence=json.dumps([evidence('<script>alert(10)</script>', "",
                                                        "kerusuhan", 1.0)])),
    article_row(7, title="Rapat koordinasi tanpa skor", text="Belum dinilai.", score=None,
                topics=None, kamtibmas=None),
    article_row(8, source="lumajang", title="=HYPERLINK(\"http://evil.example\")",
                text="Rumus di judul.", score=0.3, topics="[]"),
]
HOSTILE_ID = 6


def build_db(path: Path) -> Path:
    """A database as the crawl leaves it, with the fixture articles, sources and runs."""
    store = Store(path)
    db = store.db
    for name, kind in (("tribratanews-tulungagung", "police"), ("detikkasus", "news"),
                       ("lumajang", "news"), ("kominfo-babel", "government")):
        db["sources"].insert({"name": name, "url": f"https://{name}.example.id/", "kind": kind,
                              "region": "Jawa Timur", "added_at": "2026-01-01T00:00:00+00:00",
                              "last_crawl_at": "2026-01-02T00:00:00+00:00",
                              "last_success_at": "2026-01-02T00:00:00+00:00"})
    for k, row in enumerate(FIXTURE, start=1):
        db["articles"].insert({"id": k, **row})
        html = f"<html><body><h1>{row['title']}</h1><script>window.__pwned=11;alert(11)</script>" \
               f"<p>{row['text']}</p></body></html>"
        db["raw_pages"].insert({"article_id": k, "url": row["url"], "fetched_at": row["fetched_at"],
                                "http_status": 200, "content_type": "text/html", "encoding": "utf-8",
                                "html_zlib": zlib.compress(html.encode())})
    db["reviews"].insert({"article_id": 4, "status": "relevant", "note": "Sudah dilaporkan ke Kapolres",
                          "reviewer": "sari", "at": "2026-01-01T01:00:00+00:00"})
    db["crawl_runs"].insert({"run_id": "abc123", "source": "detikkasus", "started": "2026-01-02T00:00:00+00:00",
                             "ended": "2026-01-02T00:05:00+00:00", "status": "ok", "requests": 40,
                             "pages": 30, "new_articles": 2, "errors": json.dumps({"timeout": 1}),
                             "error_count": 1, "skipped": "{}"})
    store.analyze()
    store.close()
    return path


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("review") / "template.db")


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the fixture database per test (building it once is the slow part)."""
    return Path(shutil.copy(template_db, tmp_path / "review.db"))


@pytest.fixture
def app(db_path: Path) -> Flask:
    return create_app(db_path, testing=True, secret_key="test")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page(client: FlaskClient, url: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, response.data[:500]
    return lxml.html.fromstring(response.data)


def csrf(client: FlaskClient) -> str:
    return page(client, "/").cssselect("input[name=csrf_token]")[0].get("value")


def rows(db_path: Path, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def story_ids(doc: lxml.html.HtmlElement) -> list[int]:
    return [int(e.get("data-id")) for e in doc.cssselect("article.story")]


def assert_inert(doc: lxml.html.HtmlElement) -> None:
    """No script but ours, no event handler attribute, no javascript: URL anywhere."""
    scripts = doc.cssselect("script")
    assert [s.get("src") for s in scripts] == ["/static/review.js"]
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("svg", "iframe") or element.get("sandbox") == ""
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert "javascript:" not in value.lower(), (element.tag, name, value)


# --- inbox -----------------------------------------------------------------------------------
def test_inbox_lists_new_stories_best_first_one_row_per_story(client: FlaskClient) -> None:
    doc = page(client, "/")
    assert story_ids(doc) == [1, 6, 3, 8, 5, 7]  # 2 is a copy of 1; 4 is already reviewed
    first = doc.cssselect("article.story")[0]
    assert first.cssselect(".sources")[0].text_content() == "detikkasus, tribratanews-tulungagung"
    assert "2" in first.cssselect(".copies")[0].text_content()
    assert "Kabupaten Tulungagung, Jawa Timur" in first.cssselect(".place")[0].text_content()
    assert first.cssselect(".tag")[0].text_content() == "Kriminalitas"
    assert "Satreskrim Polres Tulungagung" in first.cssselect(".snippet")[0].text_content()
    assert first.cssselect(".score .value")[0].text_content() == "0.91"
    assert doc.cssselect("p.total")[0].text_content() == "7 artikel cocok"


def test_facets_count_each_value_with_the_other_filters(client: FlaskClient) -> None:
    doc = page(client, "/?province=Jawa+Timur")
    regions = {o.text_content() for o in doc.cssselect("select[name=region] option")}
    assert {"Kabupaten Tulungagung (2)", "Kabupaten Lumajang (1)"} <= regions
    statuses = [o.text_content() for o in doc.cssselect("select[name=status] option")]
    assert statuses[0] == "Baru (4)"
    provinces = {o.text_content() for o in doc.cssselect("select[name=province] option")}
    assert "Kepulauan Bangka Belitung (1)" in provinces  # own filter not applied to itself
    topics = {o.get("value"): o.text_content() for o in doc.cssselect("select[name=topic] option")}
    assert topics["kriminalitas"] == "Kriminalitas (2)" and topics["narkoba"] == "Narkoba (1)"


@pytest.mark.parametrize("query, expected", [
    ("region=Kabupaten+Tulungagung", [1]),
    ("source=detikkasus", [6, 2]),
    ("topic=narkoba", [3]),
    ("min_score=0.8", [1, 6]),
    ("status=relevant", [4]),
    ("status=all&province=Kepulauan+Bangka+Belitung", [4, 5]),
    ("date_from=2000-01-01&date_to=2000-01-02", []),
])
def test_filters(client: FlaskClient, query: str, expected: list[int]) -> None:
    assert story_ids(page(client, "/?" + query)) == expected


def test_search_marks_hits_after_escaping(client: FlaskClient) -> None:
    doc = page(client, '/?q="sepeda+motor"')
    assert story_ids(doc) == [1]
    marks = doc.cssselect("article.story .snippet mark")
    assert marks[0].text_content().lower() == "sepeda motor"
    hostile = page(client, "/?q=kerusuhan")
    assert story_ids(hostile) == [6]
    snippet = hostile.cssselect(".snippet")[0]
    assert snippet.cssselect("mark") and not snippet.cssselect("svg, a, iframe, script")
    assert_inert(hostile)


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR NOT (", "*", "kolom:teks", "NEAR(a b)", "'; drop table articles; --"])
def test_search_syntax_never_breaks(client: FlaskClient, q: str, db_path: Path) -> None:
    page(client, "/?" + "q=" + q.replace(" ", "+").replace("#", "%23"))
    assert rows(db_path, "select count(*) as n from articles")[0]["n"] == len(FIXTURE)


def test_keyset_pagination_visits_every_story_once(db_path: Path) -> None:
    client = create_app(db_path, testing=True, page_size=2).test_client()
    seen, url = [], "/?status=all"
    while url:
        doc = page(client, url)
        seen += story_ids(doc)
        nxt = doc.cssselect("a.next")
        url = nxt[0].get("href") if nxt else None
    assert seen == [1, 6, 4, 3, 8, 5, 7]


# --- article ---------------------------------------------------------------------------------
def test_article_page_shows_text_terms_metadata_evidence_copies_and_raw(client: FlaskClient) -> None:
    doc = page(client, "/article/1")
    assert {m.text_content().lower() for m in doc.cssselect("#clean-text mark")} == {"pencurian"}
    assert doc.cssselect(".metadata .source")[0].text_content() == "tribratanews-tulungagung"
    assert doc.cssselect("#score-evidence td mark")[0].text_content() == "pencurian"
    assert "TULUNGAGUNG" in doc.cssselect("#region-evidence tbody")[0].text_content()
    link = doc.cssselect("a#original")[0]
    assert link.get("href") == "https://berita.example.id/1"
    assert set(link.get("rel").split()) == {"noopener", "noreferrer"}
    assert [a.get("href").split("?")[0] for a in doc.cssselect("#copies a")] == ["/article/2"]
    assert "&lt;script&gt;" not in doc.cssselect("pre.raw")[0].text_content()
    assert "<script>window.__pwned=11" in doc.cssselect("pre.raw")[0].text_content()
    frame = doc.cssselect("iframe.raw-frame")[0]
    assert frame.get("sandbox") == "" and frame.get("src") == "/article/1/raw"


def test_hostile_article_renders_as_text_everywhere(client: FlaskClient) -> None:
    doc = page(client, f"/article/{HOSTILE_ID}")
    assert_inert(doc)
    assert doc.cssselect("h1.title")[0].text_content().startswith("<script>window.__pwned=1")
    assert doc.cssselect(".metadata .author")[0].text_content() == HOSTILE_AUTHOR
    assert not doc.cssselect("a#original")  # a javascript: URL is never a link
    assert "<svg onload" in doc.cssselect("#clean-text")[0].text_content()
    for url in ("/", "/?status=all", "/digest", "/runs", "/?q=pasar"):
        assert_inert(page(client, url))


def test_raw_page_is_sandboxed_by_its_own_headers(client: FlaskClient) -> None:
    response = client.get("/article/6/raw")
    csp = response.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/article/999/raw").status_code == 404


def test_security_headers(client: FlaskClient) -> None:
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_no_inline_script_or_style_in_any_page(client: FlaskClient) -> None:
    for url in ("/", "/article/1", "/digest", "/runs", "/login", "/nope"):
        doc = lxml.html.fromstring(client.get(url).data)
        assert all(s.get("src") for s in doc.cssselect("script")), url
        assert not doc.cssselect("[style], style"), url


# --- marks -----------------------------------------------------------------------------------
def test_mark_records_review_for_every_copy_and_mirrors_it(client: FlaskClient, db_path: Path) -> None:
    token = csrf(client)
    client.post("/login", data={"csrf_token": token, "name": "budi", "next": "/"})
    response = client.post("/mark", data={"csrf_token": csrf(client), "ids": "1", "mark": "relevant",
                                          "note": "Pelaku diamankan", "next": "/?region=x"})
    assert response.status_code == 302 and response.headers["Location"] == "/?region=x"
    marked = rows(db_path, "select id, status, reviewed_by, review_note from articles where id in (1, 2)")
    assert [(r["status"], r["reviewed_by"], r["review_note"]) for r in marked] == [("relevant", "budi", "Pelaku diamankan")] * 2
    reviews = rows(db_path, "select article_id, status, reviewer, note from reviews where reviewer = 'budi' order by article_id")
    assert [r["article_id"] for r in reviews] == [1, 2]
    assert 1 not in story_ids(page(client, "/"))
    assert "budi" in page(client, "/article/1").cssselect("#reviews")[0].text_content()


def test_post_without_csrf_token_is_refused(client: FlaskClient, db_path: Path) -> None:
    csrf(client)  # a session exists, but the form lacks its token
    for data in ({"ids": "1", "mark": "relevant"}, {"ids": "1", "mark": "relevant", "csrf_token": "forged"}):
        response = client.post("/mark", data=data)
        assert response.status_code == 400
        assert lxml.html.fromstring(response.data).cssselect(".error-page[data-code='400']")
    assert client.post("/bulk?status=all", data={"scope": "filtered", "mark": "not_relevant"}).status_code == 400
    assert rows(db_path, "select count(*) as n from reviews")[0]["n"] == 1


def test_bulk_marks_selected_and_filtered(client: FlaskClient, db_path: Path) -> None:
    token = csrf(client)
    client.post("/bulk", data={"csrf_token": token, "scope": "selected", "ids": ["3", "8"],
                               "mark": "not_relevant", "note": "bukan kamtibmas"})
    assert {r["id"] for r in rows(db_path, "select id from articles where status = 'not_relevant'")} == {3, 8}
    client.post("/bulk?source=kominfo-babel", data={"csrf_token": token, "scope": "filtered", "mark": "follow_up"})
    assert {r["id"] for r in rows(db_path, "select id from articles where status = 'follow_up'")} == {5}
    client.post("/bulk?q=sepeda", data={"csrf_token": token, "scope": "filtered", "mark": "relevant"})
    assert {r["id"] for r in rows(db_path, "select id from articles where status = 'relevant'")} == {1, 2, 4}
    assert len(rows(db_path, "select * from reviews where status = 'relevant'")) == 3


def test_bad_mark_value_is_refused(client: FlaskClient) -> None:
    assert client.post("/mark", data={"csrf_token": csrf(client), "ids": "1", "mark": "deleted"}).status_code == 400


def test_mark_redirect_stays_on_this_site(client: FlaskClient) -> None:
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post("/mark", data={"csrf_token": csrf(client), "ids": "3",
                                              "mark": "relevant", "next": evil})
        assert response.headers["Location"] == "/"


# --- reports ---------------------------------------------------------------------------------
def test_export_csv_and_json_follow_the_filters(client: FlaskClient) -> None:
    data = client.get("/export.csv?source=lumajang").data.decode()
    table = list(csv.DictReader(io.StringIO(data)))
    assert [r["id"] for r in table] == ["3", "8"]
    assert table[1]["title"].startswith("'=")  # no formula for a spreadsheet to run
    items = json.loads(client.get("/export.json?region=Kabupaten+Tulungagung").data)
    assert [i["id"] for i in items] == [1, 2] and items[0]["topics"] == ["kriminalitas"]
    assert [i["id"] for i in json.loads(client.get("/export.json?q=sabu").data)] == [3]


def test_digest_defaults_to_yesterday_in_jakarta(client: FlaskClient) -> None:
    from review.views import digest_day

    with client.application.app_context():
        assert digest_day(None) == (datetime.now(WIB).date() - timedelta(days=1)).isoformat()
        assert digest_day("2026-01-31") == "2026-01-31" and digest_day("nonsense") == digest_day(None)


def test_digest_groups_yesterdays_marked_stories(client: FlaskClient) -> None:
    doc = page(client, f"/digest?day={FIXTURE_DAY.isoformat()}")
    assert doc.cssselect(".n-relevant")[0].text_content() == "1"
    region = doc.cssselect(".by-region .region")[0]
    assert "Kota Pangkalpinang" in region.cssselect("h3")[0].text_content()
    assert "Sudah dilaporkan ke Kapolres" in region.cssselect(".note")[0].text_content()
    assert doc.cssselect(".by-topic th")[0].text_content() == "Konflik sosial"
    assert page(client, "/digest?day=2000-01-01").cssselect("p.empty")


def test_runs_page_shows_runs_and_each_sources_state(client: FlaskClient, db_path: Path) -> None:
    doc = page(client, "/runs")
    names = [r.cssselect("th a")[0].text_content() for r in doc.cssselect("tr.source-row")]
    assert names == ["detikkasus", "kominfo-babel", "lumajang", "tribratanews-tulungagung"]
    assert doc.cssselect("tr.source-row")[0].cssselect(".badge")[0].text_content() == "ok"
    assert "timeout: 1" in doc.cssselect("tr.run-row")[0].text_content()
    assert doc.cssselect("tr.run-row td.limits")[0].text_content() == "–"
    assert doc.cssselect("section.dropped p.empty")      # the latest run dropped nothing

    # a later run: lumajang cut by a limit, kominfo-babel skipped (another crawl held it), and
    # two pages dropped, with a scraped URL and detail that carry markup
    hostile_url = 'http://lumajang.example.id/berita/<script>alert(12)</script>'
    hostile_detail = 'not an article: <img src=x onerror="alert(13)">: no body'
    cut = {"listing_pages": {"limit": 20, "hits": 1, "at": "http://lumajang.example.id/berita?hal=21",
                             "setting": "PANTAU_MAX_LISTING_PAGES"}}
    with Store(db_path) as store:
        row = store.start_run("def456", "lumajang", None)
        store.finish_run(row, "lumajang", {"requests": 25, "pages": 24, "new_articles": 20}, "ok", cut)
        store.skip_run("def456", "kominfo-babel", None, "source_busy")
        for key, url, detail in (("k1", hostile_url, hostile_detail),
                                 ("k2", "javascript:alert(14)", "garbage: javascript:alert(14)")):
            store.queue([FrontierEntry(key=key, url=url, source="lumajang", kind="article",
                                       via="listing", since=None)], "def456")
            store.settle(key, "dropped", "def456", reason="not_article", detail=detail)
        store.keep_dropped_page("k1", hostile_url, "lumajang", b"<p>x</p>", http_status=200,
                                content_type="text/html", encoding="utf-8")
    doc = page(client, "/runs")
    assert_inert(doc)
    runs = {r.cssselect("td")[1].text_content(): r for r in doc.cssselect("tr.run-row")[:2]}
    limits = runs["lumajang"].cssselect("td.limits")[0].text_content()
    assert "listing_pages=20 (PANTAU_MAX_LISTING_PAGES) @ http://lumajang.example.id/berita?hal=21" in limits
    skipped = runs["kominfo-babel"]
    assert "run-skipped" in skipped.get("class")
    assert skipped.cssselect(".badge")[0].text_content() == "skipped"
    assert skipped.cssselect("small.busy")[0].text_content() == MESSAGES["runs.busy"][0]
    assert doc.cssselect("section.runs p.note")
    state = {r.cssselect("th a")[0].text_content(): r for r in doc.cssselect("tr.source-row")}
    assert state["kominfo-babel"].cssselect(".badge")[0].text_content() == "skipped"
    assert "def456" in doc.cssselect("section.dropped h2")[0].text_content()
    dropped = doc.cssselect("tr.dropped-row")
    assert len(dropped) == 2
    by_url = {r.cssselect("td.url")[0].text_content(): r for r in dropped}
    first = by_url[hostile_url]                          # shown as text, escaped
    assert first.cssselect("td.detail")[0].text_content() == hostile_detail
    assert first.cssselect("td")[2].text_content() == "not_article"
    assert first.cssselect("td")[4].text_content() == MESSAGES["yes"][0]
    (link,) = first.cssselect("td.url a")
    assert link.get("href") == hostile_url and "noopener" in link.get("rel")
    assert not by_url["javascript:alert(14)"].cssselect("a")   # never a javascript: link
    assert by_url["javascript:alert(14)"].cssselect("td")[4].text_content() == MESSAGES["no"][0]
    raw = client.get("/runs").data.decode()
    assert "<script>alert(12)" not in raw and "<img src=x" not in raw


def test_not_found_uses_the_error_page(client: FlaskClient) -> None:
    assert page(client, "/article/12345", 404).cssselect(".error-page[data-code='404']")


# --- language --------------------------------------------------------------------------------
def test_indonesian_by_default_english_on_request(client: FlaskClient) -> None:
    assert page(client, "/").cssselect("html")[0].get("lang") == "id"
    client.get("/lang/en?next=/")
    doc = page(client, "/")
    assert doc.cssselect("html")[0].get("lang") == "en"
    assert doc.cssselect("#inbox-title")[0].text_content() == "New stories"


def test_every_message_has_both_languages() -> None:
    assert all(i and e for i, e in MESSAGES.values())


# --- access ----------------------------------------------------------------------------------
def test_password_mode_needs_a_login_and_records_the_name(db_path: Path) -> None:
    auth = AuthConfig(accounts={"budi": hash_password("rahasia-budi")})
    client = create_app(db_path, auth=auth, testing=True).test_client()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    token = page(client, "/login").cssselect("input[name=csrf_token]")[0].get("value")
    bad = client.post("/login", data={"csrf_token": token, "name": "budi", "password": "salah"})
    assert lxml.html.fromstring(bad.data).cssselect(".login .error")
    client.post("/login", data={"csrf_token": token, "name": "budi", "password": "rahasia-budi"})
    client.post("/mark", data={"csrf_token": csrf(client), "ids": "3", "mark": "follow_up"})
    assert rows(db_path, "select reviewed_by from articles where id = 3")[0]["reviewed_by"] == "budi"


def test_review_password_prints_a_hash_the_app_accepts() -> None:
    from crawler.review_cli import review_password

    result = CliRunner().invoke(review_password, ["--password", "rahasia"])
    digest = result.output.strip()
    assert digest.startswith("scrypt:") and "rahasia" not in digest
    auth = load_auth(None, {"PANTAU_REVIEW_PASSWORD_HASH": digest})
    from review.auth import verify
    assert verify(auth, "sari", "rahasia") == "sari" and verify(auth, "sari", "salah") is None


def test_serve_refuses_a_public_address_without_a_password(db_path: Path) -> None:
    result = CliRunner().invoke(serve, ["--db", str(db_path), "--host", "0.0.0.0", "--port", "0"],
                                env={"PANTAU_REVIEW_PASSWORD_HASH": "", "PANTAU_REVIEW_SETTINGS": ""})
    assert result.exit_code == 1
    assert "refusing to serve on 0.0.0.0" in result.output and "PANTAU_REVIEW_PASSWORD_HASH" in result.output


def test_bind_rules_and_secrets_come_hashed(tmp_path: Path) -> None:
    check_bind("127.0.0.1", AuthConfig())
    check_bind("::1", AuthConfig())
    with pytest.raises(BindRefused):
        check_bind("192.168.1.10", AuthConfig())
    check_bind("0.0.0.0", load_auth(None, {"PANTAU_REVIEW_PASSWORD_HASH": hash_password("x")}))
    settings = tmp_path / "review.toml"
    settings.write_text('[accounts]\nbudi = "plain-text"\n')
    result = CliRunner().invoke(serve, ["--db", str(tmp_path / "x.db"), "--settings", str(settings)])
    assert result.exit_code == 1 and "plain-text password" in result.output


# --- a crawl writing beside the app -----------------------------------------------------------
def test_reads_and_marks_work_while_a_crawl_holds_the_write_lock(client: FlaskClient, db_path: Path) -> None:
    token = csrf(client)
    writer = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("update sources set last_crawl_at = 'now' where name = 'lumajang'")
    try:
        assert client.get("/").status_code == 200
        assert client.get("/article/1").status_code == 200
        release = threading.Timer(0.5, lambda: writer.execute("COMMIT"))
        release.start()
        started = time.monotonic()
        response = client.post("/mark", data={"csrf_token": token, "ids": "3", "mark": "relevant"})
        assert response.status_code == 302 and time.monotonic() - started >= 0.4
    finally:
        release.join()
        writer.close()
    assert rows(db_path, "select status from articles where id = 3")[0]["status"] == "relevant"


FACET_VIEWS = ("", "status=all", "province=Jawa+Timur", "region=Kabupaten+Tulungagung",
               "topic=kriminalitas", "source=detikkasus", "min_score=0.6", "status=relevant",
               "status=all&province=Kepulauan+Bangka+Belitung", "date_from=2000-01-01",
               "status=follow_up&topic=narkoba", "q=sepeda")


def cached_and_recomputed(app: Flask, db_path: Path, query: str) -> tuple[Any, Any]:
    f = parse_filters(MultiDict(parse_qsl(query)))
    cached, ticket = app.extensions["pantau_facets"].lookup(f)
    where = f.article_filter(app.config["PANTAU_TZ"])
    with Store(db_path, readonly=True) as store:
        store.prepare(where)
        fresh = store.facet_counts(where)
    return (None if ticket is not None else facet_lists(cached, where)), facet_lists(fresh, where)


def test_marks_adjust_cached_counts_exactly(app: Flask, client: FlaskClient, db_path: Path) -> None:
    """A mark moves its articles between the cached counts instead of dropping them; every
    adjusted set equals a recomputation (searches are dropped and recomputed)."""
    token = csrf(client)
    for ids, mark in ((["1"], "relevant"), (["3", "8"], "follow_up"), (["4"], "not_relevant"),
                      (["5"], "relevant")):
        for query in FACET_VIEWS:
            page(client, "/?" + query)
        client.post("/bulk", data={"csrf_token": token, "scope": "selected", "ids": ids, "mark": mark})
        kept = 0
        for query in FACET_VIEWS:
            cached, fresh = cached_and_recomputed(app, db_path, query)
            if cached is not None:
                kept += 1
                assert cached == fresh, (query, ids, mark)
        assert kept == len(FACET_VIEWS) - 1  # all but the search
    doc = page(client, "/")
    new = rows(db_path, "select count(*) as n from articles where status = 'new'")[0]["n"]
    assert doc.cssselect("p.total")[0].text_content() == f"{new} artikel cocok"


def test_a_commit_by_another_connection_drops_cached_counts(app: Flask, client: FlaskClient,
                                                             db_path: Path) -> None:
    before = page(client, "/").cssselect("p.total")[0].text_content()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("update articles set status = 'relevant' where id = 3")
    conn.close()
    assert page(client, "/").cssselect("p.total")[0].text_content() != before
    cached, fresh = cached_and_recomputed(app, db_path, "")
    assert cached == fresh
