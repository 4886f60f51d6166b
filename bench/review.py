"""Benchmark of the review app on a generated 100,000-article database.

Why generated: the latency of the inbox depends on how many articles there are, how they spread
over statuses, sources, regions, topics and stories, and how long their text is, not on what
they say; a generator gives the same shape every run. 85 % of articles are new, 30 % belong to
stories of 2 to 5 copies, 2 % are not scored yet, texts are 150 to 400 words of Indonesian news
vocabulary with Zipf word frequencies, regions are the real kabupaten/kota list (``pipelines/data/wilayah.json``).

Each figure is measured through the Flask test client (routing, SQL, templates; no network),
over varied requests (different regions, pages, search phrases, articles) so the page cache
helps as much as it would an operator, not more. Run::

    /work/venv/bin/python bench/review.py                    # 100,000 articles
    /work/venv/bin/python bench/review.py --articles 20000 --db /tmp/r.db --keep

Prints median and p95 per page. Target (issue #6): p95 < 100 ms for the inbox, a filtered inbox,
a search and an article page. The facet counts are cached until the database changes, so the
inbox is also measured with its counts recomputed on every request (an app without the cache,
after one warm-up request that compiles its templates and opens its connections), right after
another connection commits (what every crawl commit does: the cache is dropped), and right
after an operator's mark through the app (the cached counts are adjusted, not recomputed). The inbox indexes (storage migration m003) are analysed here (the
storage migrations will carry them).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.storage import Store
from review.app import create_app

FUNCTION_WORDS = ("yang di dan ini itu dengan untuk dari pada dalam ke tidak akan juga oleh "
                  "sebagai telah sudah ada karena saat tersebut para bahwa atas").split()
DOMAIN_WORDS = ("polisi polres polsek warga pelaku korban kejadian lokasi tersangka barang bukti "
         "sepeda motor pencurian penganiayaan narkoba sabu kebakaran rumah pasar jalan desa "
         "kecamatan kabupaten pemerintah bupati kepala dinas kegiatan sosialisasi masyarakat "
         "keamanan ketertiban patroli razia judi online hoaks klarifikasi banjir longsor "
         "bencana bantuan pengungsi kecelakaan lalu lintas truk mobil penumpang luka meninggal "
         "dunia dibawa rumah sakit diamankan ditangkap dilaporkan menurut keterangan kapolres "
         "kasat reskrim ajun komisaris besar tim gabungan tni satpol pp camat lurah sekolah "
         "siswa guru festival kuliner pameran umkm harga beras pupuk petani nelayan").split()
SYLLABLES = "ba be bi bu ka ke ki ku la li lu ma me mi mu na ni nu pa pe pi ra ri ru sa se si ta ti tu".split()
TOPICS = ("kriminalitas", "narkoba", "unjuk_rasa", "pemilu", "konflik_sosial", "sara_hoaks",
          "kenakalan_kelompok", "terorisme")
SOURCES = [f"sumber-{k:02d}" for k in range(40)]
PHRASES = ("sepeda motor", "barang bukti", "judi online", "lalu lintas", "rumah sakit",
           "tim gabungan", "harga beras", "satpol pp")


def regions() -> list[tuple[str, str]]:
    data = json.loads((Path(__file__).resolve().parent.parent / "pipelines" / "data" /
                       "wilayah.json").read_text(encoding="utf-8"))
    return [(name, data["provinces"][code[:2]]) for code, name in data["regencies"].items()]


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Function words, news words, then a long tail of made-up words, with Zipf weights: search
    selectivity like real text (a phrase such as "judi online" is in a few % of articles)."""
    tail = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(8000)}
    words = FUNCTION_WORDS + [w for w in DOMAIN_WORDS if w not in " ".join(PHRASES)] + sorted(tail)
    return words, [1 / (rank + 1) ** 1.05 for rank in range(len(words))]


def body_words(rng: random.Random, vocab: tuple[list[str], list[float]]) -> list[str]:
    words = rng.choices(vocab[0], weights=vocab[1], k=rng.randint(150, 400))
    for phrase in PHRASES:
        if rng.random() < 0.04:
            at = rng.randrange(len(words))
            words[at:at] = phrase.split()
    return words


def article_rows(n: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    places = regions()
    vocab = vocabulary(rng)
    now = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)
    story, left = 0, 0
    for k in range(1, n + 1):
        if left == 0 and rng.random() < 0.12:
            story, left = k, rng.randint(2, 5)
        in_story = left > 0
        left = max(left - 1, 0)
        words = body_words(rng, vocab)
        text = "\n".join(" ".join(words[i:i + 40]).capitalize() + "." for i in range(0, len(words), 40))
        region, province = rng.choice(places)
        published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        score = None if rng.random() < 0.02 else round(rng.betavariate(1.2, 3.0), 4)
        topics = rng.sample(TOPICS, rng.choice((0, 1, 1, 2))) if score and score > 0.2 else []
        evidence = [{"term": t, "topic": topics[0] if topics else "", "weight": 1.0, "field": "body",
                     "count": 1, "excerpt": t, "pattern": t, "tier": "strong"} for t in words[:3]]
        status = "new" if rng.random() < 0.85 else rng.choice(("relevant", "not_relevant", "follow_up"))
        yield (k, f"https://{k % 40}.example.id/berita/{k}", f"{k % 40}.example.id/berita/{k}",
               SOURCES[k % 40], " ".join(words[:10]).title(), text, published.isoformat(),
               published.astimezone(UTC).isoformat(), "Humas", "id", len(words),
               "sitemap", now.isoformat(), status, score, int(bool(topics)), json.dumps(topics),
               json.dumps(evidence), region, province, "[]", story if in_story else None)


ARTICLE_FIELDS = ("id", "url", "url_key", "source", "title", "text", "published", "published_utc",
                  "author", "language", "word_count", "discovered_via", "fetched_at", "status",
                  "score", "kamtibmas", "topics", "relevance_evidence", "region", "province",
                  "region_evidence", "story_id")


def fill(path: Path, n: int, seed: int = 6) -> None:
    """Create the database with ``n`` articles (raw pages for the first 2,000), then analyse."""
    rng = random.Random(seed)
    with Store(path) as store:
        store.load_rows("sources", ({"name": s, "url": f"https://{s}.example.id/", "kind": "news"}
                                    for s in SOURCES))
        store.load_rows("articles", (dict(zip(ARTICLE_FIELDS, row))
                                     for row in article_rows(n, rng)))
        page = zlib.compress(b"<html><body><p>x</p></body></html>" * 200)
        store.load_rows("raw_pages", ({"article_id": k, "url": f"https://x/{k}", "html_zlib": page,
                                       "encoding": "utf-8"} for k in range(1, min(n, 2000) + 1)))
        store.analyze()


def timed(fn: Callable[[int], Any], runs: int) -> list[float]:
    out = []
    for k in range(runs):
        start = time.perf_counter()
        fn(k)
        out.append((time.perf_counter() - start) * 1000)
    return out


def timed_after(prepare: Callable[[int], Any], fn: Callable[[int], Any], runs: int) -> list[float]:
    """Like ``timed``, with an untimed ``prepare(k)`` before each timed ``fn(k)``."""
    out = []
    for k in range(runs):
        prepare(k)
        start = time.perf_counter()
        fn(k)
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, samples: list[float]) -> None:
    p95 = statistics.quantiles(samples, n=20)[-1]
    flag = "ok" if p95 < 100 else "SLOW"
    print(f"{name:<28} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   {flag}")


def bench(path: Path, runs: int) -> None:
    app = create_app(path, testing=True)
    client = app.test_client()
    cold = create_app(path, testing=True, facet_cache=False).test_client()
    places = regions()
    rng = random.Random(1)

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    cursors = []
    url = "/"
    for _ in range(5):  # real cursors for deeper pages
        body = client.get(url).data.decode()
        marker = body.find('rel="next"')
        start = body.rfind('href="', 0, marker) + 6
        url = body[start:body.find('"', start)].replace("&amp;", "&")
        cursors.append(url)
    get("/")  # warm-up
    report("inbox p1-6, counts cached", timed(lambda k: get("/" if k % 6 == 0 else cursors[k % 6 - 1]), runs))

    def get_cold(url: str) -> None:
        assert cold.get(url).status_code == 200

    # The cold app's first request compiles its templates and opens its pooled connections,
    # once per process: a running server after a database change has done both already.
    get_cold("/")
    report("inbox, counts recomputed", timed(lambda k: get_cold("/"), runs))
    report("filtered, counts recomputed", timed(lambda k: get_cold(
        f"/?province={places[(k * 11) % len(places)][1]}&topic={TOPICS[k % len(TOPICS)]}"), runs))

    writer = Store(path)

    def after_crawl_commit(k: int) -> None:
        """What a crawl's commit does to the cache: another connection writes (untimed here)."""
        writer.save_validators(f"https://{SOURCES[k % 40]}.example.id/feed/",
                               f'"{datetime.now(UTC).isoformat()}"', None)

    report("inbox after a crawl commit", timed_after(after_crawl_commit, lambda k: get("/"), runs))
    report("inbox, regency + topic", timed(lambda k: get(
        f"/?province={places[(k * 7) % len(places)][1]}&region={places[(k * 7) % len(places)][0]}"
        f"&topic={TOPICS[k % len(TOPICS)]}"), runs))
    report("inbox, source + min score", timed(lambda k: get(
        f"/?source={SOURCES[k % 40]}&min_score=0.5"), runs))
    report("search (phrase)", timed(lambda k: get(f'/?q="{PHRASES[k % len(PHRASES)]}"'), runs))
    report("search + province", timed(lambda k: get(
        f'/?q={PHRASES[k % len(PHRASES)].split()[0]}&province={places[k * 13 % len(places)][1]}'), runs))
    report("article page", timed(lambda k: get(f"/article/{rng.randint(1, 2000)}"), runs))
    report("digest (yesterday)", timed(lambda k: get("/digest"), max(runs // 5, 5)))

    body = client.get("/").data.decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    unmarked = [int(i) for i in re.findall(r'href="/article/(\d+)', body)]

    def mark_one(k: int) -> None:
        """An operator's mark through the app (untimed): the cached counts are adjusted."""
        response = client.post("/mark", data={"csrf_token": token, "mark": "relevant",
                                              "ids": str(unmarked[k % len(unmarked)] + k * 7)})
        assert response.status_code == 302, response.status_code

    report("inbox after a mark", timed_after(mark_one, lambda k: get("/"), runs))
    writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--db", type=Path, help="reuse or create this database (default: temporary)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory() if not args.db else None
    path = args.db or Path(tmp.name) / "review-bench.db"
    if not path.exists():
        started = time.perf_counter()
        fill(path, args.articles)
        print(f"filled {args.articles:,} articles in {time.perf_counter() - started:.0f} s "
              f"({path.stat().st_size / 2**20:.0f} MiB)")
    bench(path, args.runs)
    if tmp and not args.keep:
        tmp.cleanup()


if __name__ == "__main__":
    main()
