"""The story index: near-duplicate clusters of stored articles, kept in the Pantau database.

Why in storage: the index is tables and statements (``stories``, ``story_members``,
``minhash_bands``, ``story_facts``, ``story_index_settings``, created by migration ``m004`` of
the one schema history); the rules that decide what is a copy are pure and live in
``pipelines/dedup.py`` (text keys, MinHash, LSH banding, :func:`pipelines.dedup.same_story`).

Errors::

    StoryIndexError
     └── IndexSettingsMismatch   the database was indexed with other MinHash/LSH settings
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import sqlite_utils

from pipelines.dedup import (
    BUCKET_READ_LIMIT,
    DEFAULT_NUM_PERM,
    DEFAULT_THRESHOLD,
    HASH_DTYPE,
    KEYS_VERSION,
    MAX_CANDIDATES,
    SCHEME,
    SEED,
    SHINGLE_WORDS,
    Prepared,
    Signer,
    band_buckets,
    estimated_jaccard,
    facts_overlap,
    idf,
    lsh_shape,
    publishes_earlier,
    same_story,
)
from pipelines.storage.connection import write_transaction
from pipelines.storage.schema import migrate


class StoryIndexError(Exception):
    """Base of the errors raised by the story index."""


class IndexSettingsMismatch(StoryIndexError):
    """The stored signatures were built with other settings and cannot be compared."""


@dataclass(frozen=True)
class Candidate:
    """A stored article that shares buckets with a new one, as stored (bytes)."""

    article_id: int
    story_id: int
    signature: bytes
    facts: bytes


def candidates_sql(buckets: int) -> str:
    """The candidate lookup: the newest ``BUCKET_READ_LIMIT`` entries of each bucket, ranked
    by how many buckets they share, joined to their stored signatures and facts.

    Reading each bucket through its own LIMIT bounds an add's work even when a bucket holds
    thousands of articles (template boilerplate); newest first, because copies of a story
    arrive within days, and a true copy shares several buckets anyway.
    """
    per_bucket = (
        "SELECT * FROM (SELECT article_id FROM minhash_bands WHERE bucket = ? "
        f"ORDER BY article_id DESC LIMIT {BUCKET_READ_LIMIT})"
    )
    union = " UNION ALL ".join([per_bucket] * buckets)
    return (
        "SELECT m.article_id, m.story_id, m.signature, m.facts FROM ("
        f"SELECT article_id, COUNT(*) AS hits FROM ({union}) "
        f"GROUP BY article_id ORDER BY hits DESC LIMIT {MAX_CANDIDATES}"
        ") AS c JOIN story_members AS m ON m.article_id = c.article_id"
    )


# --- the index -------------------------------------------------------------------------------


class StoryIndex:
    """Incremental near-duplicate index persisted in the Pantau database (its own tables).

    Adding an article reads only its own fingerprint and band buckets and the signatures of
    at most ``MAX_CANDIDATES`` articles these lead to, so N additions cost O(N) whatever the
    size of the index.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        num_perm: int = DEFAULT_NUM_PERM,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.db = db
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands, self.rows = lsh_shape(threshold, num_perm)
        self.signer = Signer(num_perm)
        if db.conn.in_transaction:
            migrate(db)
        else:
            with write_transaction(db.conn):
                migrate(db)
        self._check_settings()
        (self._stories,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()

    # public API

    def add(self, article_id: int, text: str, published: str | None) -> int:
        """Index one article and return the id of the story it joined (or started)."""
        return self.add_many([(article_id, text, published)])[0]

    def add_many(self, rows: Iterable[tuple[int, str, str | None]]) -> list[int]:
        """Index articles in order, in one transaction; return their story ids.

        An article already indexed keeps its story (adding is idempotent). Later rows can
        join stories started by earlier rows of the same batch.
        """
        prepared = [self.prepare(*row) for row in rows]
        with write_transaction(self.db.conn):
            return [self._place(item) for item in prepared]

    def story_of(self, article_id: int) -> int | None:
        """The story an article belongs to, or None if it was never added."""
        row = self.db.execute(
            "SELECT story_id FROM story_members WHERE article_id = ?", [article_id]
        ).fetchone()
        return None if row is None else row[0]

    def assignments(self) -> dict[int, int]:
        """Every indexed article's story id (the benchmark scores the clustering with it)."""
        return dict(self.db.execute("SELECT article_id, story_id FROM story_members").fetchall())

    def members(self, story_id: int) -> list[int]:
        """The story's article ids, earliest published first (so the lead comes first)."""
        cursor = self.db.execute(
            "SELECT article_id FROM story_members WHERE story_id = ? "
            "ORDER BY published IS NULL, published, article_id",
            [story_id],
        )
        return [row[0] for row in cursor]

    # preparation (no database): pipelines.dedup.Signer

    def prepare(self, article_id: int, text: str, published: str | None) -> Prepared:
        return self.signer.prepare(article_id, text, published)

    def signature(self, items: Iterable[str]) -> np.ndarray:
        return self.signer.signature(items)

    # placement (database)

    def _place(self, item: Prepared) -> int:
        existing = self.story_of(item.article_id)
        if existing is not None:
            return existing
        exact = self._exact_match(item.fingerprint)
        story_id = exact if exact is not None else self._near_match(item)
        if story_id is None:
            story_id = self._new_story(item)
        else:
            self._join_story(story_id, item)
        self._store_member(story_id, item, index_bands=exact is None)
        return story_id

    def _exact_match(self, fingerprint: str | None) -> int | None:
        if fingerprint is None:
            return None
        row = self.db.execute(
            "SELECT story_id FROM story_members WHERE fingerprint = ? LIMIT 1", [fingerprint]
        ).fetchone()
        return None if row is None else row[0]

    def _near_match(self, item: Prepared) -> int | None:
        """The story of the most similar confirmed candidate, if any."""
        if item.signature is None:
            return None
        candidates = self._candidates(band_buckets(item.signature, self.bands, self.rows))
        if not candidates:
            return None
        matrix = np.frombuffer(b"".join(c.signature for c in candidates), HASH_DTYPE)
        similarity = estimated_jaccard(item.signature, matrix.reshape(len(candidates), -1))
        order = [i for i in np.argsort(-similarity, kind="stable") if similarity[i] >= self.threshold]
        if not order:
            return None
        facts = {i: np.frombuffer(candidates[i].facts, HASH_DTYPE) for i in order}
        weight = self._fact_weights([item.facts, *facts.values()])
        for i in order:
            overlap = facts_overlap(item.facts, facts[i], weight)
            if same_story(float(similarity[i]), overlap, self.threshold):
                return candidates[i].story_id
        return None

    def _candidates(self, buckets: list[int]) -> list[Candidate]:
        """Stored articles sharing buckets with these, most shared buckets first."""
        cursor = self.db.execute(candidates_sql(len(buckets)), buckets)
        return [Candidate(*row) for row in cursor]

    def _fact_weights(self, fact_sets: list[np.ndarray]) -> dict[int, float]:
        """IDF weight of every fact in these sets, from the stored fact counts."""
        facts = np.unique(np.concatenate(fact_sets)) if fact_sets else np.empty(0, HASH_DTYPE)
        keys = facts.view("<i4").tolist()
        counts: dict[int, int] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            counts.update(self.db.execute(
                f"SELECT fact, stories FROM story_facts WHERE fact IN ({marks})", chunk
            ).fetchall())
        seen = np.array([counts.get(k, 0) for k in keys], dtype=float)
        return dict(zip(facts.tolist(), idf(seen, self._stories).tolist()))

    def _new_story(self, item: Prepared) -> int:
        """Start a story led by this article, and count its facts as seen in one more story."""
        cursor = self.db.execute(
            "INSERT INTO stories (lead_article_id, size, first_published) VALUES (?, 1, ?)",
            [item.article_id, item.published],
        )
        self.db.conn.executemany(
            "INSERT INTO story_facts (fact, stories) VALUES (?, 1) "
            "ON CONFLICT(fact) DO UPDATE SET stories = stories + 1",
            [(fact,) for fact in item.facts.view("<i4").tolist()],
        )
        self._stories += 1
        return int(cursor.lastrowid)

    def _join_story(self, story_id: int, item: Prepared) -> None:
        (current,) = self.db.execute(
            "SELECT first_published FROM stories WHERE id = ?", [story_id]
        ).fetchone()
        if publishes_earlier(item.published, current):
            self.db.execute(
                "UPDATE stories SET size = size + 1, lead_article_id = ?, first_published = ? "
                "WHERE id = ?",
                [item.article_id, item.published, story_id],
            )
        else:
            self.db.execute("UPDATE stories SET size = size + 1 WHERE id = ?", [story_id])

    def _store_member(self, story_id: int, item: Prepared, *, index_bands: bool) -> None:
        """Record the member; exact duplicates skip the bands, their twin already holds them."""
        signature = None if item.signature is None else item.signature.tobytes()
        self.db.execute(
            "INSERT INTO story_members "
            "(article_id, story_id, fingerprint, published, signature, facts) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [item.article_id, story_id, item.fingerprint, item.published, signature,
             item.facts.tobytes()],
        )
        if index_bands and item.signature is not None:
            buckets = band_buckets(item.signature, self.bands, self.rows)
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO minhash_bands (bucket, article_id) VALUES (?, ?)",
                [(bucket, item.article_id) for bucket in buckets],
            )

    # settings

    def settings(self) -> dict[str, str]:
        """What signatures and buckets are built with; stored on first use, checked after."""
        return {
            "scheme": SCHEME,
            "seed": str(SEED),
            "num_perm": str(self.num_perm),
            "bands": str(self.bands),
            "rows": str(self.rows),
            "shingle_words": str(SHINGLE_WORDS),
            "keys_version": KEYS_VERSION,
            "hash": "crc32",
        }

    def _check_settings(self) -> None:
        stored = dict(self.db.execute("SELECT key, value FROM story_index_settings").fetchall())
        wanted = self.settings()
        if not stored:
            with write_transaction(self.db.conn):
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO story_index_settings (key, value) VALUES (?, ?)",
                    list(wanted.items()),
                )
        elif stored != wanted:
            changed = {k: (stored.get(k), wanted[k]) for k in wanted if stored.get(k) != wanted[k]}
            raise IndexSettingsMismatch(
                f"story index was built with other settings (stored, wanted): {changed}; "
                "open it with the same threshold and num_perm, or drop the story tables "
                "to rebuild it"
            )
