"""`pantau reextract` and `pantau rescore` over a real database, as an operator runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from crawler.demo.model import Request
from crawler.demo.sites import build_sites
from crawler.sources import Source
from pipelines.storage import NewArticle, Store
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
