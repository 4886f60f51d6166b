"""Re-running the pipeline over what is already stored, after rules, lexicon or model change.

``pantau reextract`` decodes each stored raw page again, extracts it with today's rules and updates
the article where a field changed; ``pantau rescore`` recomputes relevance and region from the
stored clean text. Neither fetches anything. Both report how many articles changed, so a rules
change can be judged by its reach before anyone reads the inbox.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pipelines.assess import Scorer, assess
from pipelines.extract import extract_article
from pipelines.storage import Store, iso, to_utc_iso

EXTRACTED = ("title", "text", "published", "published_utc", "modified", "author",
             "source_attribution", "dateline", "language", "word_count")
ASSESSED = ("score", "kamtibmas", "topics", "relevance_evidence", "region", "province",
            "region_evidence")

Progress = Callable[[int], None]


def decode(html: bytes, encoding: str | None) -> str:
    """The stored bytes as the crawl decoded them (its detected encoding), never failing."""
    try:
        return html.decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return html.decode("utf-8", errors="replace")


def extracted_columns(html: bytes, encoding: str | None, url: str,
                      drop: Sequence[str]) -> dict[str, Any] | None:
    """The article columns today's extraction gives this page (None: no longer an article)."""
    article = extract_article(decode(html, encoding), url, drop=drop)
    if not article.is_article:
        return None
    return {"title": article.title, "text": article.text, "published": iso(article.published),
            "published_utc": to_utc_iso(article.published), "modified": iso(article.modified),
            "author": article.author, "source_attribution": article.source_attribution,
            "dateline": article.dateline, "language": article.language,
            "word_count": len(article.text.split())}


def changed(row: Mapping[str, Any], new: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: new[k] for k in keys if row.get(k) != new[k]}


def reextract_all(store: Store, drops: Mapping[str, Sequence[str]], scorer: Scorer | None,
                  progress: Progress | None = None) -> Counter:
    """Extract every stored page again; update changed articles (and their scores)."""
    counts: Counter = Counter()
    regions = store.source_regions()
    for page in store.iter_raw_pages():
        row = store.get_article(page.article_id)
        if row is None:
            continue
        article_id = page.article_id
        counts["checked"] += 1
        new = extracted_columns(page.html, page.encoding, page.url, drops.get(row["source"], ()))
        if new is None:
            counts["no_longer_article"] += 1
            continue
        update = changed(row, new, EXTRACTED)
        if update:
            merged = {**row, **update}
            update.update(assess(merged["title"], merged["text"], merged["dateline"],
                                 regions.get(row["source"]), scorer))
            store.update_article(article_id, update)
            counts["changed"] += 1
        if progress:
            progress(counts["checked"])
    return counts


def rescore_all(store: Store, scorer: Scorer | None, progress: Progress | None = None) -> Counter:
    """Recompute relevance and region of every stored article; update where they changed."""
    counts: Counter = Counter()
    regions = store.source_regions()
    for row in store.iter_articles(("source", "title", "text", "dateline", *ASSESSED)):
        counts["checked"] += 1
        new = assess(row["title"], row["text"] or "", row["dateline"], regions.get(row["source"]),
                     scorer)
        update = changed(row, new, ASSESSED)
        if update:
            store.update_article(row["id"], update)
            counts["changed"] += 1
            counts["kamtibmas_flipped"] += int("kamtibmas" in update)
        if progress:
            progress(counts["checked"])
    return counts
