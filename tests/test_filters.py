"""The one article filter: its SQL and its Python reading agree, and search input is always safe."""

from __future__ import annotations

import itertools
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.storage import ArticleFilter, Store, day_bounds, fts_query
from pipelines.vocabulary import WIB

SOURCES = ("detikkasus", "lumajang", "kominfo-babel")
PLACES = (("Jawa Timur", "Kabupaten Lumajang"), ("Jawa Timur", "Kabupaten Tulungagung"),
          ("Kepulauan Bangka Belitung", "Kota Pangkalpinang"), (None, None))
TOPICS = (["narkoba"], ["narkoba", "kriminalitas"], ["konflik_sosial"], [], None,
          ["kekerasan seksual"], ["kekerasan"])
STATUSES = ("new", "relevant", "not_relevant", "follow_up")


def generated_rows(n: int = 300) -> list[dict]:
    rng = random.Random(7)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    rows = []
    for k in range(1, n + 1):
        province, region = rng.choice(PLACES)
        topics = rng.choice(TOPICS)
        published = None if rng.random() < 0.1 else start + timedelta(hours=rng.randrange(24 * 30))
        score = None if rng.random() < 0.1 else round(rng.random(), 2)
        rows.append({
            "id": k, "url": f"https://x.id/{k}", "url_key": f"x.id/{k}", "source": rng.choice(SOURCES),
            "title": f"Berita {k}", "text": rng.choice(["bentrok warga", "patroli malam", "sabu"]),
            "status": rng.choice(STATUSES), "province": province, "region": region,
            "topics": None if topics is None else json.dumps(topics),
            "published_utc": published.isoformat() if published else None,
            "score": score, "kamtibmas": None if score is None else int(score >= 0.5)})
    return rows


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store(":memory:")
    for name in SOURCES:
        s.db["sources"].insert({"name": name, "url": f"https://{name}.id/"})
    s.db["articles"].insert_all(generated_rows())
    return s


def filters() -> list[ArticleFilter]:
    day = day_bounds("2026-11-10", WIB)
    values = {
        "statuses": [(), ("new",), ("relevant", "follow_up")],
        "source": [None, "lumajang"],
        "province": [None, "Jawa Timur"],
        "region": [None, "Kota Pangkalpinang"],
        "topic": [None, "narkoba", "kekerasan"],
        "published_from": [None, day[0]],
        "published_until": [None, day[1] + timedelta(days=5)],
        "min_score": [None, 0.5],
        "kamtibmas": [None, True, False],
    }
    rng = random.Random(3)
    combos = [dict(zip(values, choice)) for choice in itertools.product(*values.values())]
    return [ArticleFilter(**combo) for combo in rng.sample(combos, 400)]


@pytest.mark.parametrize("where", filters(), ids=lambda f: repr(f)[14:90])
def test_sql_and_python_agree(store: Store, where: ArticleFilter) -> None:
    in_sql = {r["id"] for r in store.list_articles(where, limit=10_000)}
    in_python = {r["id"] for r in store.db["articles"].rows if where.matches(r)}
    assert in_sql == in_python


def test_a_topic_matches_whole_labels_only(store: Store) -> None:
    topics = [json.loads(r["topics"]) for r in store.list_articles(ArticleFilter(topic="kekerasan"),
                                                                    limit=10_000)]
    assert topics and all("kekerasan" in t for t in topics)


def test_without_drops_only_the_named_fields() -> None:
    where = ArticleFilter(statuses=("new",), source="lumajang", min_score=0.5)
    assert where.without("statuses") == ArticleFilter(source="lumajang", min_score=0.5)
    assert where.without("source", "min_score") == ArticleFilter(statuses=("new",))


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        ArticleFilter(published_from=datetime(2026, 1, 1)).where()


@pytest.mark.parametrize(("typed", "query"), [
    ("bentrok silat", '"bentrok" AND "silat"'),
    ("bentrok AND silat", '"bentrok" AND "silat"'),
    ("bentrok OR tawuran", '"bentrok" OR "tawuran"'),
    ("sabu -ganja", '"sabu" NOT "ganja"'),
    ("sabu NOT ganja", '"sabu" NOT "ganja"'),
    ('"sepeda motor" curanmor*', '"sepeda motor" AND "curanmor"*'),
    ("and or", '"and" AND "or"'),
    ("NOT", '""'), ("-ganja", '""'), ("", '""'), ("*", '""'),
])
def test_search_grammar(typed: str, query: str) -> None:
    assert fts_query(typed) == query


@pytest.mark.parametrize("typed", ['"unbalanced', "AND OR NOT (", "kolom:teks", "NEAR(a b)",
                                   "'; drop table articles; --", "a OR", "OR a", "^awal", "x:y*"])
def test_no_search_input_is_an_fts_error(store: Store, typed: str) -> None:
    store.list_articles(ArticleFilter(search=typed))  # raises on an FTS5 syntax error


def test_search_finds_and_excludes(store: Store) -> None:
    def ids(q: str) -> set[int]:
        return {r["id"] for r in store.list_articles(ArticleFilter(search=q), limit=10_000)}

    bentrok, sabu = ids("bentrok"), ids("sabu")
    assert bentrok and sabu and not bentrok & sabu
    assert ids("bentrok OR sabu") == bentrok | sabu
    assert ids("warga -bentrok") == set()
