"""Pantau's schema: one sqlite-utils migration history for every table of the database.

Why one history: a database is at one schema version, whoever opened it last (the crawl, the
review app, ``pantau rescore``). Migrations are applied by :func:`migrate` when a writer opens
the file, inside one ``BEGIN IMMEDIATE`` transaction, so two processes opening a database of the
previous release at the same moment cannot both migrate it; a reader never migrates.

A database written by release 0.1.0 has ``m001``–``m003`` of this set and, if it ever stored an
article, the story tables of the former ``pantau.dedup`` set; ``m004`` creates those tables
where they are missing and folds that set's record into this history.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("pantau")
LEGACY_SETS = ("pantau.dedup",)  # folded into this history by m004

ARTICLE_COLUMNS = {
    "id": int,
    "url": str,
    "url_key": str,
    "source": str,
    "title": str,
    "text": str,
    "published": str,
    "published_utc": str,
    "modified": str,
    "author": str,
    "source_attribution": str,
    "dateline": str,
    "language": str,
    "word_count": int,
    "discovered_via": str,
    "fetched_at": str,
    "status": str,
}


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The issue-2 schema: sources, articles (+FTS), aliases, raw pages, runs, validators."""
    db["sources"].create(
        {"name": str, "url": str, "kind": str, "region": str, "added_at": str,
         "last_crawl_at": str, "last_success_at": str},
        pk="name",
    )
    db["articles"].create(ARTICLE_COLUMNS, pk="id", not_null={"url", "url_key", "source"},
                          defaults={"status": "new"}, foreign_keys=[("source", "sources", "name")])
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["url_key"], unique=True)
    db["articles"].create_index(["published_utc"])
    db["articles"].create_index(["source", "published_utc"])
    db["articles"].create_index(["status"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
    db["url_aliases"].create({"alias": str, "article_id": int, "seen_at": str}, pk="alias",
                             foreign_keys=[("article_id", "articles", "id")])
    db["raw_pages"].create(
        {"article_id": int, "url": str, "fetched_at": str, "http_status": int,
         "content_type": str, "encoding": str, "html_zlib": bytes},
        pk="article_id", foreign_keys=[("article_id", "articles", "id")],
    )
    db["crawl_runs"].create(
        {"id": int, "run_id": str, "source": str, "started": str, "ended": str, "status": str,
         "since": str, "requests": int, "pages": int, "new_articles": int,
         "known_skipped": int, "too_old": int, "not_articles": int, "errors": str,
         "error_count": int, "skipped": str},
        pk="id",
    )
    db["crawl_runs"].create_index(["source", "started"])
    db["http_validators"].create(
        {"url": str, "etag": str, "last_modified": str, "checked_at": str}, pk="url")


@migrations()
def m002_scores_regions_stories_reviews(db: sqlite_utils.Database) -> None:
    """Issues 4-6: relevance and region with their evidence, the story of each article, reviews."""
    articles = db["articles"]
    for column, kind in (("score", float), ("kamtibmas", int), ("topics", str),
                         ("relevance_evidence", str), ("region", str), ("province", str),
                         ("region_evidence", str), ("story_id", int), ("content_hash", str),
                         ("reviewed_at", str), ("reviewed_by", str), ("review_note", str)):
        articles.add_column(column, kind)
    articles.create_index(["score"])
    articles.create_index(["province", "region"])
    articles.create_index(["story_id"])
    articles.create_index(["content_hash"])
    db["reviews"].create(
        {"id": int, "article_id": int, "status": str, "note": str, "reviewer": str, "at": str},
        pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["reviews"].create_index(["article_id", "at"])


INBOX_INDEXES: dict[str, str] = {
    # the review inbox in score order, for one status
    "idx_articles_status_score": "articles(status, score)",
    # a source's inbox in score order; covers the source facet
    "idx_articles_status_source": "articles(status, source, score)",
    # a province's or regency's inbox in score order; covers the place facets under a topic filter
    "idx_articles_status_place": "articles(status, province, region, score, topics)",
    # the narrow twin of the above: the place facets of the unfiltered inbox scan half the bytes
    "idx_articles_status_region": "articles(status, province, region)",
    # covers the topic facet (grouped by the JSON list)
    "idx_articles_status_topics": "articles(status, topics)",
    # date ranges and the daily digest (reviewed articles published on one day)
    "idx_articles_status_published": "articles(status, published_utc)",
}

FTS_UPDATE_TRIGGER = """
CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "text" ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text")
    VALUES('delete', old.rowid, old."title", old."text");
  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END"""


@migrations()
def m003_inbox_indexes_and_narrow_fts_trigger(db: sqlite_utils.Database) -> None:
    """Issue 6: the review inbox's indexes (p95 < 100 ms at 100,000 articles), and an FTS update
    trigger that fires only when the title or text changes, not on every review mark or rescore."""
    for name, target in INBOX_INDEXES.items():
        db.execute(f"create index if not exists {name} on {target}")
    db.execute('DROP TRIGGER IF EXISTS "articles_au"')
    db.execute(FTS_UPDATE_TRIGGER)


@migrations()
def m004_story_index_in_one_history(db: sqlite_utils.Database) -> None:
    """Issue 10: the story index's tables (``pipelines/storage/stories.py``) belong to this
    history; databases of release 0.1.0 may already have them from the ``pantau.dedup`` set."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS stories (id INTEGER PRIMARY KEY, lead_article_id INTEGER NOT NULL, "
        "size INTEGER NOT NULL, first_published TEXT)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS story_members (article_id INTEGER PRIMARY KEY, "
        "story_id INTEGER NOT NULL REFERENCES stories(id), fingerprint TEXT, "
        "published TEXT, signature BLOB, facts BLOB)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS story_members_story ON story_members(story_id)")
    db.execute(
        "CREATE INDEX IF NOT EXISTS story_members_fingerprint ON story_members(fingerprint) "
        "WHERE fingerprint IS NOT NULL"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS minhash_bands (bucket INTEGER NOT NULL, article_id INTEGER NOT NULL, "
        "PRIMARY KEY (bucket, article_id)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS story_facts (fact INTEGER PRIMARY KEY, stories INTEGER NOT NULL)"
    )
    db.execute("CREATE TABLE IF NOT EXISTS story_index_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    if db["_sqlite_migrations"].exists():
        for name in LEGACY_SETS:
            db.execute("DELETE FROM _sqlite_migrations WHERE migration_set = ?", [name])


@migrations()
def m005_durable_frontier_leases_limits(db: sqlite_utils.Database) -> None:
    """Issue 11: nothing lost when a crawl stops, shares its database or hits a limit.

    - ``frontier``: every URL a crawl discovered, with its state, so the next run finishes what
      an interrupted or limited run left (``pipelines/storage/frontier.py``);
    - ``dropped_pages``: the raw HTML of pages not stored, for ``pantau reextract --dropped``;
    - ``source_leases``: one crawl per source at a time, across processes;
    - ``discovery_paths``: which guessed discovery paths (sitemap probes) a source lacks;
    - ``crawl_runs.limits``: which limit cut a run's work and where (JSON), and
      ``crawl_runs.updated``: counts are written while the run goes, not only at its end.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS frontier (key TEXT PRIMARY KEY, url TEXT NOT NULL, "
        "source TEXT NOT NULL, kind TEXT NOT NULL, via TEXT, found_on TEXT, chain TEXT, "
        "depth INTEGER NOT NULL DEFAULT 1, template TEXT, since TEXT, listed_published TEXT, "
        "state TEXT NOT NULL DEFAULT 'queued', reason TEXT, detail TEXT, "
        "attempts INTEGER NOT NULL DEFAULT 0, first_seen TEXT NOT NULL, last_tried TEXT, "
        "next_try TEXT, run_id TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS frontier_source_state ON frontier(source, state, first_seen)")
    db.execute("CREATE INDEX IF NOT EXISTS frontier_run_state ON frontier(run_id, state)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS dropped_pages (key TEXT PRIMARY KEY, url TEXT NOT NULL, "
        "source TEXT NOT NULL, fetched_at TEXT NOT NULL, http_status INTEGER, content_type TEXT, "
        "encoding TEXT, html_zlib BLOB)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS dropped_pages_fetched ON dropped_pages(fetched_at)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS source_leases (source TEXT PRIMARY KEY, holder TEXT NOT NULL, "
        "pid INTEGER, host TEXT, acquired_at TEXT NOT NULL, heartbeat_at TEXT NOT NULL, "
        "expires_at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS discovery_paths (source TEXT NOT NULL, url TEXT NOT NULL, "
        "kind TEXT NOT NULL, status TEXT NOT NULL, articles INTEGER NOT NULL DEFAULT 0, "
        "checked_at TEXT NOT NULL, missing_since TEXT, PRIMARY KEY (source, url))"
    )
    runs = db["crawl_runs"]
    if "limits" not in runs.columns_dict:
        runs.add_column("limits", str)
    if "updated" not in runs.columns_dict:
        runs.add_column("updated", str)


@migrations()
def m006_site_templates(db: sqlite_utils.Database) -> None:
    """Issue 12: each source's template, learned from its own pages (``pipelines/template.py``).

    - ``site_templates``: per source, the learner's rules version and the pages it has counted;
    - ``template_lines``: the lines seen outside a page's story (or short ones), with on how many
      pages and how many of those in the story's place;
    - ``articles.template_removed`` (JSON list) and ``articles.template_version``: what the
      template removed from the article, and under which template it was extracted.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS site_templates (source TEXT PRIMARY KEY, rules INTEGER NOT NULL, "
        "pages INTEGER NOT NULL DEFAULT 0, updated TEXT)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS template_lines (source TEXT NOT NULL, key TEXT NOT NULL, "
        "sample TEXT NOT NULL, place TEXT NOT NULL, prose INTEGER NOT NULL, "
        "pages INTEGER NOT NULL DEFAULT 0, body_pages INTEGER NOT NULL DEFAULT 0, last_seen TEXT, "
        "PRIMARY KEY (source, key))"
    )
    articles = db["articles"]
    if "template_removed" not in articles.columns_dict:
        articles.add_column("template_removed", str)
    if "template_version" not in articles.columns_dict:
        articles.add_column("template_version", str)


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the pending migrations (the caller holds the write lock); their names."""
    pending = [m.name for m in migrations.pending(db)]
    if pending:
        migrations.apply(db)
    return pending


def pending(db: sqlite_utils.Database) -> list[str]:
    """Names of the migrations this database still lacks (a read; no lock needed)."""
    return [m.name for m in migrations.pending(db)]
