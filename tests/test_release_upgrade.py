"""A database written by release 0.1.0 opens, migrates, lists, shows and serves.

The fixture (``tests/fixtures/release-0.1.0/pantau.db.gz``) was made by that release itself:
``pantau demo`` of commit 7244bfc, then three marks through its review code (articles 1 and 2
relevant by operator1 with a note, article 5 not relevant by operator2).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import lxml.html
import pytest

from pipelines.storage import ArticleFilter, Store
from review.app import create_app
from tests.conftest import run_pantau

FIXTURE = Path(__file__).parent / "fixtures" / "release-0.1.0" / "pantau.db.gz"


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "pantau.db"
    path.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    return path


def test_it_migrates_into_one_history_and_keeps_everything(old_db: Path) -> None:
    with Store(old_db, readonly=True) as before:
        assert before.pending_migrations() == ["m004_story_index_in_one_history",
                                              "m005_durable_frontier_leases_limits",
                                              "m006_site_templates"]
        count = len(before.list_articles(limit=10_000))
    with Store(old_db) as store:
        assert store.pending_migrations() == []
        sets = {r[0] for r in store.db.execute("select migration_set from _sqlite_migrations")}
        assert sets == {"pantau"}
        assert len(store.list_articles(limit=10_000)) == count == 83
        marked = store.list_articles(ArticleFilter(statuses=("relevant",)), limit=100)
        assert {r["id"] for r in marked} == {1, 2}
        assert store.reviews_of(1)[0]["reviewer"] == "operator1"
        # the story index built by 0.1.0 goes on: a copy of a stored article joins its story
        lead = store.get_article(1)
        assert lead["story_id"] is not None
        new = store.stories.add(10_001, lead["text"], lead["published_utc"])
        assert new == lead["story_id"]


def test_the_cli_lists_shows_and_reports_runs(old_db: Path) -> None:
    listed = run_pantau("list", "--db", str(old_db), "--status", "relevant", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {r["id"] for r in json.loads(listed.stdout)} == {1, 2}
    shown = run_pantau("show", "1", "--db", str(old_db))
    assert shown.returncode == 0 and "relevant" in shown.stdout
    runs = run_pantau("runs", "--db", str(old_db), "--json")
    assert {r["source"] for r in json.loads(runs.stdout)} >= {"lumajang", "portal-rusak"}
    stories = run_pantau("list", "--db", str(old_db), "--stories", "--json")
    assert any(r["sources"] == 3 for r in json.loads(stories.stdout))


def test_the_review_app_serves_it_and_records_a_mark(old_db: Path) -> None:
    app = create_app(old_db, testing=True)
    client = app.test_client()
    inbox = client.get("/")
    assert inbox.status_code == 200
    doc = lxml.html.fromstring(inbox.data)
    assert len(doc.cssselect(".story")) >= 10
    assert client.get("/article/1").status_code == 200
    assert client.get("/digest?day=2026-12-01").status_code == 200
    assert client.get("/runs").status_code == 200
    token = lxml.html.fromstring(client.get("/article/3").data).cssselect(
        "input[name=csrf_token]")[0].get("value")
    client.post("/mark", data={"csrf_token": token, "ids": "3", "mark": "follow_up"})
    with Store(old_db, readonly=True) as store:
        assert store.get_article(3)["status"] == "follow_up"
