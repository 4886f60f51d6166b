"""`pantau reextract` and `pantau rescore` over a real database, as an operator runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from crawler.demo.model import Request
from crawler.demo.sites import build_sites
from crawler.sources import Source
from crawler.urls import canonical_url
from pipelines.rework import reextract_dropped
from pipelines.storage import FrontierEntry, NewArticle, Store
from tests.conftest import run_pantau

SEED = json.loads((Path(__file__).resolve().parent.parent / "crawler/demo/pages/lumajang-seed.json")
                  .read_text(encoding="utf-8"))


SOURCE = Source(name="lumajang", url="http://127.0.0.4/", kind="government", region="Kabupaten Lumajang")


def seed_page() -> bytes:
    site = build_sites(datetime.now(UTC))["lumajang"]
    request = Request(path=SEED["url_path"], query={}, target=SEED["url_path"],
                      base_url="http://127.0.0.4")
    return site.serve(request).body


def stale_db(tmp_path: Path) -> Path:
    """A database whose one article was stored by older, worse rules: clutter in the body."""
    db = tmp_path / "p.db"
    store = Store(db)
    store.register_sources([SOURCE])
    url = "http://127.0.0.4" + SEED["url_path"]
    store.add_article(NewArticle(
        url=url, url_key=url, source="lumajang", title="BUPATI: stale title – Kominfo Lumajang",
        text="\n\n".join(SEED["body"]) + "\n\nKembali ke Halaman Berita\n\nBANYAK DIBACA",
        published=None, modified=None, author=None, source_attribution=None, dateline=None,
        language="id", discovered_via="listing", aliases=(), html=seed_page(), encoding="utf-8",
        http_status=200, content_type="text/html", fetched_at=datetime.now(UTC)))
    store.close()
    return db


def test_reextract_updates_articles_from_stored_html(tmp_path: Path) -> None:
    db = stale_db(tmp_path)
    proc = run_pantau("reextract", "--db", str(db), "--sources", str(tmp_path / "none.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "1 articles changed" in proc.stdout
    store = Store(db)
    row = store.db["articles"].get(1)
    store.close()
    assert "Kembali ke Halaman Berita" not in row["text"] and "BANYAK DIBACA" not in row["text"]
    assert row["title"] == SEED["title"] and row["published"][:10] == SEED["published"][:10]
    assert row["kamtibmas"] == 1 and row["region"] == "Kabupaten Lumajang"
    again = run_pantau("reextract", "--db", str(db), "--sources", str(tmp_path / "none.yaml"))
    assert "0 articles changed" in again.stdout


def test_rescore_fills_scores_and_regions(tmp_path: Path) -> None:
    db = stale_db(tmp_path)
    proc = run_pantau("rescore", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "1 changed" in proc.stdout
    store = Store(db)
    row = store.db["articles"].get(1)
    store.close()
    assert row["score"] >= 0.5 and row["kamtibmas"] == 1
    assert json.loads(row["relevance_evidence"])
    assert row["region"] == "Kabupaten Lumajang" and row["province"] == "Jawa Timur"
    assert "0 changed" in run_pantau("rescore", "--db", str(db)).stdout


# reextract --dropped ---------------------------------------------------------------------------
NOTICE = (b'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Pengumuman</title>'
          b"</head><body><h1>Pengumuman</h1><p>Kantor tutup hari Sabtu.</p></body></html>")


def dropped_db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A database where a crawl dropped three pages and kept them: the seed article (dropped by
    older rules as not an article, inside its window), the same article found by a run whose
    window starts after it was published, and a short notice that is no article at all."""
    db = tmp_path / "dropped.db"
    base = "http://127.0.0.4"
    pages = {"article": (base + SEED["url_path"], seed_page(), datetime(2017, 1, 1, tzinfo=UTC)),
             "old": (base + SEED["url_path"] + "?versi=cetak", seed_page(),
                     datetime(2025, 1, 1, tzinfo=UTC)),
             "notice": (base + "/berita/baca/9999/pengumuman", NOTICE,
                        datetime(2017, 1, 1, tzinfo=UTC))}
    keys = {}
    with Store(db) as store:
        store.register_sources([SOURCE])
        for name, (url, html, since) in pages.items():
            key = keys[name] = canonical_url(url, SOURCE.url)
            store.queue([FrontierEntry(key=key, url=url, source="lumajang", kind="article",
                                       via="listing", since=since)], "run-1")
            store.settle(key, "dropped", "run-1", reason="not_article",
                         detail=f"not an article: {url}: no body: 3 words of prose")
            store.keep_dropped_page(key, url, "lumajang", html, http_status=200,
                                    content_type="text/html", encoding="utf-8")
    return db, keys


def test_reextract_dropped_stores_what_now_reads_as_an_article_inside_its_window(
        tmp_path: Path) -> None:
    db, keys = dropped_db(tmp_path)
    with Store(db) as store:
        counts = reextract_dropped(store, {}, None)
        assert counts == {"checked": 3, "stored": 1, "too_old": 1, "not_article": 1}
        (article,) = store.list_articles()
        row = store.get_article(article["id"])
        assert row["title"] == SEED["title"] and row["published"][:10] == SEED["published"][:10]
        assert row["discovered_via"] == "listing" and row["kamtibmas"] == 1
        assert row["score"] >= 0.5 and row["region"] == "Kabupaten Lumajang"
        assert row["story_id"] is not None and store.raw_page(article["id"]) is not None
        assert store.open_counts() == {"lumajang": {"stored": 1, "dropped": 2}}
        assert {p["key"] for p in store.iter_dropped_pages()} == {keys["old"], keys["notice"]}
        assert {r["url"] for r in store.dropped()} == {
            "http://127.0.0.4" + SEED["url_path"] + "?versi=cetak",
            "http://127.0.0.4/berita/baca/9999/pengumuman"}
        # the others are left as they were: a second pass looks at them again, stores nothing
        assert reextract_dropped(store, {}, None) == {"checked": 2, "too_old": 1, "not_article": 1}


def test_reextract_dropped_command_reports_what_it_did(tmp_path: Path) -> None:
    db, _ = dropped_db(tmp_path)
    proc = run_pantau("reextract", "--dropped", "--db", str(db), "--sources",
                      str(tmp_path / "none.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("re-extracted 3 dropped pages: 1 stored as articles, "
                                  "1 still not articles, 1 older than their window")
    listed = json.loads(run_pantau("list", "--db", str(db), "--json").stdout)
    assert [r["title"] for r in listed] == [SEED["title"]]
