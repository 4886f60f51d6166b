"""The database layer on its own: schema, idempotent inserts, aliases, runs, FTS, WAL, locks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.sources import Source
from pipelines.storage import ArticleFilter, NewArticle, Store

WIB = timezone(timedelta(hours=7))


SOURCE = Source(name="kominfo-babel", url="https://babelprov.go.id/", kind="government", region="Kepulauan Bangka Belitung")


def article(url: str = "https://babelprov.go.id/berita/rakor-konflik-sosial", **kw: object) -> NewArticle:
    fields = {"url": url, "url_key": url.rstrip("/"), "source": "kominfo-babel", "title": "Rakor Penanganan Konflik Sosial",
                  "text": "Badan Kesbangpol menggelar rakor penanganan konflik sosial di Pangkalpinang.",
                  "published": datetime(2017, 5, 10, 16, 20, tzinfo=WIB), "modified": None,
                  "author": "Erwin", "source_attribution": "Dinas Kominfo", "dateline": "Pangkalpinang",
                  "language": "id", "discovered_via": "listing",
                  "aliases": (url + "?p=77",), "html": b"<html><p>x</p></html>",
                  "encoding": "utf-8", "http_status": 200, "content_type": "text/html",
                  "fetched_at": datetime(2026, 11, 22, 1, 0, tzinfo=UTC)}
    fields.update(kw)
    return NewArticle(**fields)  # type: ignore[arg-type]


@pytest.fixture
def store() -> Store:
    s = Store(":memory:")
    s.register_sources([SOURCE])
    return s


def test_article_is_stored_once_with_aliases_and_raw_html(store: Store) -> None:
    first = store.add_article(article())
    assert first is not None
    assert store.add_article(article()) is None
    again = store.add_article(article(url="https://babelprov.go.id/berita/rakor-konflik-sosial/",
                                      aliases=("https://babelprov.go.id/?p=77",)))
    assert again is None  # same identity, trailing slash or not
    stored = store.get_article(first)
    assert stored["published"] == "2017-05-10T16:20:00+07:00"
    assert stored["published_utc"] == "2017-05-10T09:20:00+00:00"
    assert stored["status"] == "new"
    assert "https://babelprov.go.id/?p=77" in stored["aliases"]
    assert store.known_urls() >= {stored["url_key"], "https://babelprov.go.id/?p=77"}
    url, html, _ = store.raw_html(first)
    assert html == b"<html><p>x</p></html>" and url == stored["url"]


def test_full_text_search_finds_title_and_body(store: Store) -> None:
    store.add_article(article())
    store.add_article(article(url="https://babelprov.go.id/berita/panen-lada", title="Panen Lada",
                              text="Petani lada di Bangka panen raya.", aliases=()))
    hits = store.list_articles(ArticleFilter(search="konflik"))
    assert [h["title"] for h in hits] == ["Rakor Penanganan Konflik Sosial"]
    assert len(store.list_articles(ArticleFilter(search="lada"))) == 1


def test_list_is_newest_first_across_offsets(store: Store) -> None:
    wita = timezone(timedelta(hours=8))
    store.add_article(article(url="https://babelprov.go.id/a", aliases=(),
                              published=datetime(2024, 1, 1, 8, 0, tzinfo=wita)))  # 00:00 UTC
    store.add_article(article(url="https://babelprov.go.id/b", aliases=(),
                              published=datetime(2024, 1, 1, 7, 30, tzinfo=WIB)))  # 00:30 UTC
    assert [r["url"][-1] for r in store.list_articles()] == ["b", "a"]


def test_run_rows_and_the_window_watermark(store: Store) -> None:
    assert store.last_success("kominfo-babel") is None
    row = store.start_run("r1", "kominfo-babel", None)
    store.finish_run(row, "kominfo-babel", {"requests": 5, "pages": 4, "new_articles": 2,
                                            "errors": {"http_404": 1}}, "ok")
    run = store.runs()[0]
    assert run["status"] == "ok" and run["error_count"] == 1 and run["ended"]
    assert store.last_success("kominfo-babel") is not None
    killed = store.start_run("r2", "kominfo-babel", None)
    assert store.mark_interrupted_runs() == 1
    assert store.db["crawl_runs"].get(killed)["status"] == "interrupted"


def test_failed_run_does_not_move_the_window(store: Store) -> None:
    row = store.start_run("r1", "kominfo-babel", None)
    store.finish_run(row, "kominfo-babel", {"errors": {"dns": 1}}, "failed")
    assert store.last_success("kominfo-babel") is None


def test_wal_lets_a_reader_in_while_a_writer_holds_a_transaction(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    writer = Store(db)
    writer.register_sources([SOURCE])
    writer.add_article(article())
    reader = Store(db, readonly=True)
    with writer.write():
        writer.update_article(1, {"status": "relevant"})
        assert reader.get_article(1)["status"] == "new"
    assert reader.get_article(1)["status"] == "relevant"
    reader.close()
    assert writer.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    writer.close()


def test_validators_round_trip(store: Store) -> None:
    store.save_validators("https://x.id/feed/", '"abc"', None)
    assert store.validators("https://x.id/feed/") == ('"abc"', None)
    assert store.validators("https://x.id/other") == (None, None)
