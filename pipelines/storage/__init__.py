"""Pantau's storage: every table, statement, migration and connection, and nothing else.

Why a package of its own inside ``pipelines/``: storing is the last stage of the line
(sources → discovery → fetch → extract → clean → score → dedup → store → review), and the crawl,
the CLI, the review app and the scheduler all read and write the same tables. Nothing outside
this package opens the database or executes SQL (an import-linter contract and a test check it);
callers speak in the domain's terms: ``store.add_article(...)``, ``store.mark(...)``,
``store.inbox_page(filter, ...)``. A PostgreSQL backend would be a second implementation of the
same package API.

Modules::

    connection.py  connect(path, readonly=...): the pragmas, set once; write_transaction():
                   BEGIN IMMEDIATE, so a writer waits for a busy database instead of failing
    schema.py      the one migration history (m001…m006), applied when a writer opens the file
    filters.py     ArticleFilter: one filter, one meaning, turned into SQL in one place
    store.py       Store (a context manager) and StorePool, assembled from the parts below
    articles.py    articles, aliases, raw pages, lists, full-text search, stories' mirror
    runs.py        sources, crawl runs, HTTP validators, run histories for source health
    frontier.py    the durable frontier: every URL a crawl means to fetch and how it ended,
                   dropped pages' raw HTML, which guessed discovery paths a source lacks
    leases.py      one crawl per source at a time, across processes
    templates.py   each source's learned template (the rules are in pipelines/template.py)
    reviews.py     mark(): operators' marks, whole stories at a time, recorded in ``reviews``
    inbox.py       the review inbox: story pages, facet counts, snippets, exports, digest
    stories.py     StoryIndex: the near-duplicate index (the rules are in pipelines/dedup.py)
    scheduler.py   the scheduler's own file: APScheduler's job store and its state

Tables of the Pantau database (``datasette pantau.db`` shows them): ``sources``, ``articles``
(``url`` the address the site names, ``url_key`` its identity, unique; ``status`` the review
state; ``score``, ``kamtibmas``, ``topics``, ``region``, ``province`` and their evidence;
``story_id``), ``articles_fts`` (FTS5 over title and text), ``url_aliases``, ``raw_pages``
(zlib HTML), ``crawl_runs`` (with the ``limits`` a run hit), ``http_validators``, ``reviews``,
``frontier``, ``dropped_pages``, ``source_leases``, ``discovery_paths``, ``site_templates``,
``template_lines``, and the story index's
``stories``, ``story_members``, ``minhash_bands``, ``story_facts``, ``story_index_settings``.
"""

from pipelines.storage.articles import NewArticle, RawPage
from pipelines.storage.base import iso, to_utc_iso, utc_now
from pipelines.storage.connection import BUSY_TIMEOUT_MS, DatabaseError, DatabaseMissing, is_busy
from pipelines.storage.filters import MARKS, STATUSES, ArticleFilter, day_bounds, fts_query
from pipelines.storage.frontier import FrontierEntry, RetryPolicy
from pipelines.storage.inbox import (
    EXPORT_COLUMNS,
    Count,
    Cursor,
    FacetCounts,
    adjust_counts,
    facet_lists,
    facet_tasks,
    json_topics,
    merge_facets,
)
from pipelines.storage.reviews import MARK_ROW, MarkResult, UnknownMark
from pipelines.storage.schema import INBOX_INDEXES
from pipelines.storage.store import Store, StorePool, ensure_database
from pipelines.storage.stories import IndexSettingsMismatch, StoryIndex, StoryIndexError

__all__ = [
    "BUSY_TIMEOUT_MS", "EXPORT_COLUMNS", "INBOX_INDEXES", "MARKS", "MARK_ROW", "STATUSES",
    "ArticleFilter", "Count", "FrontierEntry", "RetryPolicy", "Cursor", "DatabaseError", "DatabaseMissing", "FacetCounts", "IndexSettingsMismatch",
    "MarkResult", "NewArticle", "RawPage", "Store", "StorePool", "StoryIndex",
    "StoryIndexError", "UnknownMark", "adjust_counts", "day_bounds", "ensure_database",
    "facet_lists", "facet_tasks", "fts_query", "is_busy", "iso", "json_topics", "merge_facets",
    "to_utc_iso", "utc_now",
]
