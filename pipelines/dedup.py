"""Story clustering: which stored articles tell the same story.

One police or Kominfo press release is republished by a dozen regional outlets, each with its
own headline, dateline, opening line, "Baca Juga" box and photo caption. Operators must see one
story with its list of sources, so every article is given a story id here, right after storage.

Two tiers decide whether a new article joins an existing story:

1. **Exact duplicates** share :func:`text_fingerprint` (the body's content lines with
   whitespace, case and punctuation normalised) and join that story at once.
2. **Near duplicates** are found with MinHash (datasketch, ``affine32`` scheme) over
   :func:`shingles`, banded for LSH. The band buckets live in SQLite (``minhash_bands``, keyed
   on the bucket), so adding an article costs one indexed lookup of its own buckets (each
   read through a LIMIT) plus a comparison with at most ``MAX_CANDIDATES`` stored articles:
   never a scan of the stored articles, and the index survives restarts. A candidate is
   confirmed by :func:`same_story`: the Jaccard similarity estimated from the two stored
   signatures reaches ``threshold`` *and* the two bodies share their key facts (names,
   places, dates, quantities, weighted by rarity), or the bodies are near identical. The
   facts check is what keeps two drug arrests written from one Polres template apart: their
   shingles overlap through the boilerplate, their facts do not.

The new article joins the story of the most similar confirmed candidate. Stories are never
merged after the fact: an article's story id, once given, does not change, so the storage
stage can mirror it onto ``articles.story_id`` once and for all. The earliest published
member leads the story (``stories.lead_article_id``); a copy published earlier than the
current lead takes the lead over when it arrives.

This module is the pure half: text keys, MinHash signatures, LSH banding and the confirmation
rule, with no database. The persistent index (``StoryIndex``) is part of the storage package
(``pipelines/storage/stories.py``), whose one migration history creates its tables::

    stories(id, lead_article_id, size, first_published)
    story_members(article_id PK, story_id, fingerprint, published, signature, facts)
    minhash_bands(bucket, article_id)          WITHOUT ROWID, PK (bucket, article_id)
    story_facts(fact PK, stories)              in how many stories each key fact was seen
    story_index_settings(key PK, value)        what the signatures and buckets were built with

``published`` and ``first_published`` are UTC ISO 8601 strings (naive input is read as WIB),
so they order correctly as text across sources in different time zones. ``signature`` is
``num_perm`` little-endian uint32; ``facts`` the sorted CRC-32s of the key facts.

The index checks its settings when opened. Article ids are assumed to grow with crawl order
(the ``articles`` rowid does), since hot buckets are read newest first.

Settings read: none. Defaults are the module constants below (``DEFAULT_THRESHOLD``,
``DEFAULT_NUM_PERM``, ``FACTS_OVERLAP_MIN`` ...); ``bench/dedup.py`` measures them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from datasketch import MinHash

from pipelines.vocabulary import CLUTTER_LINE, DATELINE, WIB

DEFAULT_THRESHOLD = 0.5
"""Estimated Jaccard of the shingle sets from which two bodies may tell the same story.

Above it their key facts must agree too (:func:`same_story`). On the bench corpus
(``bench/dedup.py``), two copies of one release measure a median of 0.86 (1st percentile
0.55) despite new lead paragraphs, captions and clutter; two different events written from
one template by one Polres a median of 0.39, but 7% of them reach 0.5 (max 0.68), which is
why shingles alone cannot be the rule.
"""
STRONG_JACCARD = 0.9
"""Estimated Jaccard at or above which two bodies are the same story whatever their facts,
and the bar for bodies with too few facts to judge."""
FACTS_OVERLAP_MIN = 0.7
"""Weighted share of the smaller body's key facts (:func:`key_facts`) that the other must
hold. Copies keep the names, places, dates and quantities; a different event written from
the same template changes them and keeps only the template's own (heavily used, so
light) capitalised words."""
MIN_FACTS = 5
"""Bodies with fewer key facts cannot be judged by them and need ``STRONG_JACCARD``."""
DEFAULT_NUM_PERM = 64
"""MinHash size. At J = 0.5 the estimate's standard error is 0.0625 (0.044 with 128), which
is enough because the facts check, not the estimate, keeps template near misses out; and
64 halves what every add writes (21 bucket rows instead of 32, a 256-byte signature).
On the bench at 20,000 articles: precision 0.9996 / recall 0.9963 with 64, 0.9995 / 0.9973
with 128, at 870 against 1,370 bytes per article."""
SHINGLE_WORDS = 5
"""Words per shingle. A changed word removes up to five shingles, which pushes template
near misses (names, places, quantities changed everywhere) below syndicated copies, whose
differences come in whole paragraphs."""
MIN_LINE_WORDS = 4
"""Lines with fewer words ("(ant/ws)", "Editor: Dwi", a subheading) are left out of the keys."""
MIN_SHINGLES = 8
"""Bodies with fewer shingles are matched by exact fingerprint only: a MinHash of a
two-line brief is too noisy to trust."""
MAX_CANDIDATES = 32
"""How many candidates, most shared buckets first, are confirmed for one article.

Thousands of stored articles share some boilerplate bucket with a new drug-arrest release
(the same Pasal 114 sentence runs all over Indonesia); true copies share many buckets, so
ranking by shared buckets and keeping the first few bounds the cost of an add."""
BUCKET_READ_LIMIT = 50
"""Entries read from one bucket, newest first (see :func:`candidates_sql`)."""
SEED = 1
SCHEME = "affine32"
HASH_DTYPE = np.dtype("<u4")
LSH_MARGIN = 0.1
LSH_TARGET_RECALL = 0.98
KEYS_VERSION = "1"
"""Bump when the shingle or fact rules change: stored signatures stop being comparable."""

_NON_WORD = re.compile(r"[\W_]+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
_TOKEN = re.compile(r"\w[\w.,/:-]*\w|\w")
_DIGIT = re.compile(r"\d")

# --- text keys (pure) ------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Casefold, NFKC and turn punctuation runs into single spaces.

    Outlets retype quotes, dashes and capitals when they copy a release; none of that should
    make two bodies differ.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def is_clutter_line(line: str) -> bool:
    """Whether a line is a leftover that cleaning should have removed.

    "Baca Juga: ...", "Foto: ...", "Editor: ...", "Simak berita lainnya ...": each outlet
    leaves different ones, so they must not count in the keys even when cleaning missed them.
    """
    return bool(CLUTTER_LINE.match(line))


def strip_dateline(line: str) -> str:
    """Drop an outlet's dateline ("SLEMAN, KOMPAS.com - ", "Jakarta (ANTARA) - ")."""
    return DATELINE.sub("", line, count=1)


def content_lines(text: str) -> list[str]:
    """The body's lines that carry the story: no clutter, no dateline, no stubs."""
    lines = (strip_dateline(line.strip()) for line in text.splitlines())
    return [
        line for line in lines
        if len(line.split()) >= MIN_LINE_WORDS and not is_clutter_line(line)
    ]


def paragraphs(text: str) -> list[str]:
    """The normalised content lines (paragraphs) of a cleaned body."""
    return normalised(content_lines(text))


def normalised(lines: Iterable[str]) -> list[str]:
    return [p for p in map(normalise, lines) if p]


def text_fingerprint(text: str) -> str:
    """Exact-duplicate key: a hash of the normalised content of the body, hex.

    Paragraph breaks count as plain whitespace, because extractors disagree on them, and
    clutter lines and datelines do not count at all.
    """
    return fingerprint_of(paragraphs(text))


def fingerprint_of(paras: Sequence[str]) -> str:
    body = " ".join(paras)
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()


def word_ngrams(words: Sequence[str], n: int = SHINGLE_WORDS) -> list[str]:
    """Overlapping n-word windows; a paragraph shorter than n is one shingle."""
    if len(words) < n:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


def shingles(text: str) -> set[str]:
    """What the MinHash is built from: word 5-grams of each normalised content paragraph.

    How the edges of a copy are kept from breaking the match:

    * windows never cross a paragraph break, so an added or removed lead paragraph costs
      only its own shingles (a tenth of a typical release, well inside the threshold);
    * clutter lines ("Baca Juga", "Foto:", "Editor:", "Simak berita ...") and lines under
      four words are left out wherever they are, and the dateline ("SLEMAN, KOMPAS.com - ")
      is cut from the first line, so trailing clutter and captions weigh nothing;
    * the title is not used: outlets rewrite it.

    Dropping the first and last paragraph outright was measured and rejected: when a caption
    or a clutter line is the edge in one copy and not in the other, real paragraphs go
    missing from one side only, and the 5th percentile of copy-to-copy Jaccard fell from
    0.65 to 0.44 on the bench corpus.
    """
    return shingles_of(paragraphs(text))


def shingles_of(paras: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for para in paras:
        out.update(word_ngrams(para.split()))
    return out


def key_facts(text: str) -> set[str]:
    """The names, places, dates and quantities of a body: every token that holds a digit or
    starts with a capital without starting a sentence, casefolded.

    A press-release template keeps its sentences and changes exactly these, so they tell
    two arrests written from one template apart where the shingles alone cannot.
    """
    return facts_of(content_lines(text))


def facts_of(lines: Iterable[str]) -> set[str]:
    facts: set[str] = set()
    for line in lines:
        for sentence in _SENTENCE_BREAK.split(line):
            facts.update(
                token.casefold()
                for token in _TOKEN.findall(sentence)[1:]
                if token[0].isupper() or (not token.isalpha() and _DIGIT.search(token))
            )
    return facts


def hashes(items: Iterable[str]) -> list[int]:
    """32-bit hashes of shingles or facts.

    CRC-32 is five times faster than datasketch's SHA-1 default and good enough here: the
    ``affine32`` scheme premixes every value with the MurmurHash3 finaliser anyway.
    """
    return [zlib.crc32(item.encode("utf-8")) for item in items]


def fact_array(facts: Iterable[str]) -> np.ndarray:
    """Sorted unique fact hashes, as stored."""
    return np.unique(np.asarray(hashes(facts), dtype=HASH_DTYPE))


def idf(counts: np.ndarray, total: int) -> np.ndarray:
    """Inverse document frequency of facts seen in ``counts`` of ``total`` stories.

    "Kapolres", "Pasal" or "Undang-Undang" appear in most releases and weigh little; a
    suspect's initials, a village or a date weigh a lot. Facts are counted once per story
    (from the article that started it), so syndication itself, a name in twenty copies of
    one story, does not make that story's facts light; it also spares the copies a write.
    """
    return np.log((total + 2.0) / (counts + 1.0))


def facts_overlap(a: np.ndarray, b: np.ndarray, weight: dict[int, float]) -> float | None:
    """Weighted share of the smaller fact set found in the other; None when either is too
    small to judge.

    The smaller set is the yardstick so that an outlet's own lead paragraph, with names of
    its own, does not count against a copy.
    """
    if min(len(a), len(b)) < MIN_FACTS:
        return None
    shared = np.intersect1d(a, b, assume_unique=True)
    mass = min(_mass(a, weight), _mass(b, weight))
    return _mass(shared, weight) / mass if mass > 0 else None


def _mass(facts: np.ndarray, weight: dict[int, float]) -> float:
    return float(sum(map(weight.__getitem__, facts.tolist())))


def same_story(jaccard: float, overlap: float | None, threshold: float) -> bool:
    """The confirmation rule: near-identical bodies, or similar bodies with the same facts."""
    if jaccard >= max(STRONG_JACCARD, threshold):
        return True
    return jaccard >= threshold and overlap is not None and overlap >= FACTS_OVERLAP_MIN


def published_utc(published: str | None) -> str | None:
    """An ISO 8601 date as a UTC string that sorts correctly; None if absent or unreadable.

    Naive times are read as WIB, the zone of nearly every source.
    """
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WIB)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def publishes_earlier(candidate: str | None, current: str | None) -> bool:
    """Whether a member published at ``candidate`` should take the lead from ``current``.

    An undated article never takes the lead from a dated one; ties keep the current lead.
    """
    return candidate is not None and (current is None or candidate < current)


# --- MinHash and LSH (pure) ------------------------------------------------------------------


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Chance that LSH with this banding puts two sets of this Jaccard in a shared bucket."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows): the most rows per band that still finds pairs ``LSH_MARGIN`` above
    the threshold with probability ``LSH_TARGET_RECALL``.

    More rows per band keep boilerplate-only matches out of the candidate lists (at 128
    permutations, 32 bands of 4 find a pair at J = 0.15 with probability 0.02 where 42
    bands of 3 do with 0.13), and so keep adds fast; copies sit well above the threshold,
    and a copy needs to find only one member of its story. At the defaults (0.5, 64) this
    gives 21 bands of 3 rows.
    """
    target = min(1.0, threshold + LSH_MARGIN)
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if candidate_probability(target, bands, rows) >= LSH_TARGET_RECALL:
            return bands, rows
    return num_perm, 1


def band_buckets(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One bucket key per band: a CRC-32 of the band's values, seeded with the band number.

    The band is folded into the key rather than stored beside it; a rare collision across
    bands only adds a candidate, which confirmation rejects. Keys are signed 32-bit so that
    SQLite stores them in four bytes.
    """
    blocks = signature[: bands * rows].astype(HASH_DTYPE).reshape(bands, rows)
    return [_signed32(zlib.crc32(block.tobytes(), band)) for band, block in enumerate(blocks)]


def _signed32(value: int) -> int:
    return value - (1 << 32) if value >= (1 << 31) else value


def estimated_jaccard(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard of one signature against each row of ``others``."""
    return (others == signature).mean(axis=1)


def _identity(value: int) -> int:
    return value


@dataclass(frozen=True)
class Prepared:
    """Everything about one article that does not need the database."""

    article_id: int
    fingerprint: str | None
    published: str | None
    signature: np.ndarray | None
    facts: np.ndarray


class Signer:
    """Computes the keys of one article (:class:`Prepared`) without touching the database, so
    a batch can be prepared before its transaction and the rules tested on their own."""

    def __init__(self, num_perm: int = DEFAULT_NUM_PERM) -> None:
        self.num_perm = num_perm
        self._minhash = MinHash(num_perm=num_perm, seed=SEED, hashfunc=_identity, scheme=SCHEME)

    def signature(self, items: Iterable[str]) -> np.ndarray:
        """The MinHash hash values of a shingle set (uint32, ``num_perm`` long)."""
        minhash = self._minhash.copy()
        minhash.update_batch(hashes(items))
        return minhash.hashvalues.astype(HASH_DTYPE, copy=False)

    def prepare(self, article_id: int, text: str, published: str | None) -> Prepared:
        """Fingerprint, MinHash and facts of one article."""
        lines = content_lines(text)
        paras = normalised(lines)
        items = shingles_of(paras)
        return Prepared(
            article_id=article_id,
            fingerprint=fingerprint_of(paras) if items else None,
            published=published_utc(published),
            signature=self.signature(items) if len(items) >= MIN_SHINGLES else None,
            facts=fact_array(facts_of(lines)),
        )
