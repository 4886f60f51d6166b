"""Re-running the pipeline over what is already stored, after rules, lexicon or model change.

``pantau reextract`` decodes each stored raw page again, extracts it with today's rules and updates
the article where a field changed; ``pantau reextract --dropped`` does the same for the kept raw
pages of URLs the crawl dropped (not an article, too old …) and stores those that now read as
articles inside their window; ``pantau rescore`` recomputes relevance and region from the stored
clean text. None fetches anything. Each reports how many pages or articles changed, so a rules
change can be judged by its reach before anyone reads the inbox.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from crawler.urls import canonical_url, request_url, same_site
from crawler.window import source_window
from pipelines.assess import Scorer, assess
from pipelines.dates import latest_moment
from pipelines.extract import Article, extract_article
from pipelines.storage import NewArticle, RawPage, Store, iso, to_utc_iso, utc_now
from pipelines.template import SiteTemplate, sightings

EXTRACTED = ("title", "text", "published", "published_utc", "modified", "author",
             "source_attribution", "dateline", "language", "word_count", "template_removed")
ASSESSED = ("score", "kamtibmas", "topics", "relevance_evidence", "region", "province",
            "region_evidence")

Progress = Callable[[int], None]


def decode(html: bytes, encoding: str | None) -> str:
    """The stored bytes as the crawl decoded them (its detected encoding), never failing."""
    try:
        return html.decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return html.decode("utf-8", errors="replace")


def extracted_columns(html: bytes, encoding: str | None, url: str, drop: Sequence[str],
                      template: SiteTemplate | None = None) -> dict[str, Any] | None:
    """The article columns today's extraction (with the site's template) gives this page
    (None: no longer an article)."""
    article = extract_article(decode(html, encoding), url, drop=drop, template=template)
    if not article.is_article:
        return None
    return {"title": article.title, "text": article.text, "published": iso(article.published),
            "published_utc": to_utc_iso(article.published), "modified": iso(article.modified),
            "author": article.author, "source_attribution": article.source_attribution,
            "dateline": article.dateline, "language": article.language,
            "word_count": len(article.text.split()),
            "template_removed": removal_record(article.template_removed)}


def removal_record(removed: Sequence[str]) -> str | None:
    """``articles.template_removed``: the lines as a JSON list (None when nothing was removed)."""
    return json.dumps(list(removed), ensure_ascii=False) if removed else None


def learn_template(store: Store, source: str, drop: Sequence[str]) -> SiteTemplate:
    """Learn ``source``'s template again from every page of it that is stored (a database from
    before templates, or one learned under other rules), and return it."""
    store.reset_template(source)
    template = SiteTemplate(source)
    for page in store.pages_of_source(source):
        article = extract_article(decode(page.html, page.encoding), page.url, drop=drop, placed=True)
        if article.is_article:
            seen = sightings(article.lines)
            store.learn_template(source, seen)
            template.learn(seen)
    return template


def apply_template(store: Store, source: str, template: SiteTemplate, drop: Sequence[str],
                   scorer: Scorer | None, region: str | None, *, fetched_since: datetime | None = None,
                   counts: Counter | None = None) -> Counter:
    """Extract again the stored pages of ``source`` that were extracted under another template
    than ``template`` (fetched since ``fetched_since``, when given); update what changed."""
    counts = Counter() if counts is None else counts
    for page in store.pages_of_source(source, not_version=template.version, fetched_since=fetched_since):
        row = store.get_article(page.article_id)
        if row is not None:
            _reextract_one(store, row, page, drop, template, scorer, region, counts)
    return counts


def _reextract_one(store: Store, row: Mapping[str, Any], page: RawPage, drop: Sequence[str],
                   template: SiteTemplate | None, scorer: Scorer | None, region: str | None,
                   counts: Counter) -> None:
    counts["checked"] += 1
    new = extracted_columns(page.html, page.encoding, page.url, drop, template)
    if new is None:
        counts["no_longer_article"] += 1
        return
    update = changed(row, new, EXTRACTED)
    if update:
        merged = {**row, **update}
        update.update(assess(merged["title"], merged["text"], merged["dateline"], region, scorer))
        counts["changed"] += 1
        counts["template_cut"] += bool(new["template_removed"]) and "template_removed" in update
    version = template.version if template is not None else ""
    if update or (row.get("template_version") or "") != version:
        store.update_article(page.article_id, {**update, "template_version": version})


def changed(row: Mapping[str, Any], new: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: new[k] for k in keys if row.get(k) != new[k]}


def reextract_all(store: Store, drops: Mapping[str, Sequence[str]], scorer: Scorer | None,
                  progress: Progress | None = None) -> Counter:
    """Extract every stored page again, each with its site's template (learned first where the
    database has none under today's rules); update changed articles (and their scores)."""
    counts: Counter = Counter()
    regions = store.source_regions()
    templates = store.site_templates(sorted(regions))
    for source in sorted(regions):
        if not templates[source].pages or source in store.stale_template_rules():
            templates[source] = learn_template(store, source, drops.get(source, ()))
            counts["templates_learned"] += 1
    for page in store.iter_raw_pages():
        row = store.get_article(page.article_id)
        if row is None:
            continue
        source = row["source"]
        _reextract_one(store, row, page, drops.get(source, ()), templates.get(source), scorer,
                       regions.get(source), counts)
        if progress:
            progress(counts["checked"])
    return counts


REEXTRACT_RUN = "reextract"
"""The run id a dropped page's frontier row gets when ``reextract_dropped`` stores it."""


def reextract_dropped(store: Store, drops: Mapping[str, Sequence[str]], scorer: Scorer | None,
                      progress: Progress | None = None, *, now: datetime | None = None,
                      run_id: str = REEXTRACT_RUN) -> Counter:
    """Extract the kept raw page of every dropped URL again with today's rules.

    A page that now reads as an article and is inside its window (the frontier row's ``since``,
    the window of the run that found it; else the source's default window) is stored as the
    crawl stores it (article, raw page, story, score) and its frontier row settled ``stored``,
    in one transaction, and its dropped page forgotten. Anything else is left as it was.
    Counts: ``checked``, ``stored``, ``not_article`` (still not), ``too_old`` (an article, but
    before its window), ``already_stored`` (its identity was stored since; the row is settled).
    """
    counts: Counter = Counter()
    moment = now or utc_now()
    regions = store.source_regions()
    homes = {row["name"]: row["url"] for row in store.sources_state()}
    templates = store.site_templates(sorted(regions))
    # the iterator reads in key order, a batch at a time: a page stored here (its frontier row
    # settled, its kept page forgotten) is behind it and never read twice
    for page in store.iter_dropped_pages():
        counts["checked"] += 1
        source = page["source"]
        fetched = page.get("fetched_at")     # relative dates count from the fetch, if known
        article = extract_article(decode(page["html"], page["encoding"]), page["url"],
                                  drop=drops.get(source, ()), template=templates.get(source),
                                  now=datetime.fromisoformat(fetched) if fetched else moment)
        if not article.is_article:
            counts["not_article"] += 1
        elif _too_old(article.published, page, store, moment):
            counts["too_old"] += 1
        else:
            scores = assess(article.title, article.text, article.dateline, regions.get(source), scorer)
            template = templates.get(source)
            scores.update(template_removed=removal_record(article.template_removed),
                          template_version=template.version if template else "")
            new_id = _store_dropped(store, page, article, homes.get(source), scores, moment, run_id)
            counts["stored" if new_id is not None else "already_stored"] += 1
        if progress:
            progress(counts["checked"])
    return counts


def _too_old(published: datetime | None, page: Mapping[str, Any], store: Store,
             now: datetime) -> bool:
    """The crawl's window rule (``WindowStage``): a dated article before its window is old news."""
    if published is None:
        return False
    since = datetime.fromisoformat(page["since"]) if page.get("since") else \
        source_window(store.last_success(page["source"]), now)
    return latest_moment(published) < since


def _store_dropped(store: Store, page: Mapping[str, Any], article: Article, home: str | None,
                   scores: dict[str, Any], now: datetime, run_id: str) -> int | None:
    """Store a dropped page that now reads as an article, as ``StoreStage`` does: article,
    aliases, raw page, story and the frontier row ``stored`` together; then forget the kept page.
    Its identity follows the page's ``rel=canonical`` inside the site, as ``ExtractStage``'s."""
    key = page["key"]
    url, url_key, aliases = page["url"], key, ()
    if home and article.canonical_url and same_site(article.canonical_url, home):
        canonical = canonical_url(article.canonical_url, home)
        if canonical != key:
            url, url_key, aliases = request_url(article.canonical_url, home), canonical, (key,)
    published = article.published
    if published is None and page.get("listed_published"):
        published = datetime.fromisoformat(page["listed_published"])
    fetched = page.get("fetched_at")
    row = NewArticle(
        url=url, url_key=url_key, source=page["source"], title=article.title, text=article.text,
        published=published, modified=article.modified, author=article.author,
        source_attribution=article.source_attribution, dateline=article.dateline,
        language=article.language, discovered_via=page.get("via") or "dropped",
        aliases=aliases, html=page["html"], encoding=page["encoding"],
        http_status=page.get("http_status") or 200, content_type=page.get("content_type"),
        fetched_at=datetime.fromisoformat(fetched) if fetched else now, extra=scores)
    with store.write():
        new_id = store.add_article(row)
        if new_id is not None:
            store.assign_story(new_id, article.text, published)
        store.settle(key, "stored", run_id)
        store.forget_dropped_page(key)
    return new_id


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
