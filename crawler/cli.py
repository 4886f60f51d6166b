"""The ``pantau`` command: crawl, extract, list, show, runs, sources, reextract, rescore, train, demo;
with ``schedule`` and ``health`` (:mod:`crawler.ops_cli`), ``serve`` and ``review-password``
(:mod:`crawler.review_cli`) registered on the same group. Shared options (``--db``, ``--json``)
are defined once, in :mod:`crawler.cli_options`. Every database access goes through
:class:`pipelines.storage.Store`.

Errors are translated here, once: a bad sources file, an unreadable ``--since`` or a missing
article becomes one readable line and exit status 1 (``click.ClickException``), never a traceback.
Each crawl runs in this process and this process only crawls once (Scrapy's reactor cannot be
restarted); the scheduler starts a fresh ``pantau crawl`` process for every run.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.request import Request as UrlRequest
from urllib.request import urlopen

import click
from tabulate import tabulate

from crawler.cli_options import db_option, json_option
from crawler.exitcodes import crawl_exit_code
from crawler.health import limit_text
from crawler.ops_cli import health, schedule
from crawler.review_cli import review_password, serve
from crawler.settings import user_agent
from crawler.sources import SourcesError, load_sources, select_sources
from crawler.window import WindowError, parse_since
from pipelines.storage import ArticleFilter, Store, ensure_database

DEFAULT_SOURCES = "sources.yaml"
SUMMARY_COLUMNS = {"source": "source", "status": "status", "requests": "requests",
                   "pages": "pages", "new_articles": "new", "known_skipped": "known",
                   "too_old": "too old", "not_articles": "not article", "errors": "errors",
                   "limits": "limits"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pantau")
def main() -> None:
    """Pantau: nightly crawls of Indonesian regional news, Kominfo and Polri sites for Kamtibmas.

    \b
    Example:
      pantau demo                       # offline demo sites, crawled into demo.db
      pantau crawl --since 7d           # the sites in sources.yaml, last 7 days
      pantau list --source kominfo-babel
    """


# crawl -----------------------------------------------------------------------------------------
def parse_settings(pairs: Sequence[str]) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs, as ``scrapy crawl -s`` takes them."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE", param_hint="-s")
        out[name.strip()] = value
    return out


def run_crawl(*, sources: str, db: str, select: Sequence[str], since: str | None,
              max_pages: int, settings: dict[str, Any], quiet: bool = False) -> str:
    """Validate the input, run one crawl in this process and return its run id."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    try:
        chosen = load_sources(sources)
        if select:
            select_sources(chosen, select)
        if since:
            parse_since(since, datetime.now(UTC))
    except (SourcesError, WindowError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    run_id = uuid.uuid4().hex[:12]
    scrapy_settings = Settings()
    scrapy_settings.setmodule("crawler.settings", priority="project")
    scrapy_settings.setdict(settings, priority="cmdline")
    if "PANTAU_CONTACT_URL" in settings and "USER_AGENT" not in settings:
        scrapy_settings.set("USER_AGENT", user_agent(settings["PANTAU_CONTACT_URL"]), "cmdline")
    if quiet:
        scrapy_settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    ensure_database(db)  # create or migrate before the crawl, so a schema error is reported early
    process = CrawlerProcess(scrapy_settings)
    process.crawl("news", sources=sources, db=db, since=since or "",
                  select=",".join(select), max_pages=max_pages, run_id=run_id)
    process.start()
    check_finished(db, run_id)
    return run_id


def check_finished(db: str, run_id: str) -> None:
    """A crawl that never opened (or died inside Scrapy) must not look like a quiet night."""
    rows = summary_rows(db, run_id)
    if not rows:
        raise click.ClickException(f"the crawl did not start (run {run_id}); see the log above")
    if any(r["status"] == "running" for r in rows):
        raise click.ClickException(f"the crawl did not finish (run {run_id}); see the log above")
    # a crawl Scrapy stopped (SIGTERM, Ctrl-C) closed its rows as interrupted: exit status 5


def summary_rows(db: str, run_id: str) -> list[dict[str, Any]]:
    """One row per source of the run, its error counts as ``kind:n, ...``."""
    with Store(db) as store:
        rows = store.runs_of(run_id)
    return [{**{k: row[k] for k in SUMMARY_COLUMNS},
             "errors": ", ".join(f"{k}:{v}" for k, v in sorted(row["errors"].items())) or "-",
             "limits": limits_text(row.get("limits") or {})}
            for row in rows]


def limits_text(limits: dict[str, Any]) -> str:
    """``listing_pages=20 (PANTAU_MAX_LISTING_PAGES) stopped at …``: the limits a run hit
    (worded as ``pantau health`` words them), or ``-``."""
    return "; ".join(limit_text(name, v) for name, v in sorted(limits.items())) or "-"


def print_summary(db: str, run_id: str) -> list[dict[str, Any]]:
    rows = summary_rows(db, run_id)
    click.echo("")
    click.echo(tabulate(rows, headers=SUMMARY_COLUMNS, tablefmt="simple"))
    total = sum(r["new_articles"] for r in rows)
    click.echo(f"\n{total} new articles from {len(rows)} sources in {db} (run {run_id})")
    busy = [r["source"] for r in rows if r["status"] == "skipped"]
    if busy:
        click.echo(f"skipped, another crawl holds them: {', '.join(busy)}")
    if any(r["limits"] != "-" for r in rows):
        click.echo("limits cut some sources; what they cut waits in the frontier for the next run")
    return rows


@main.command()
@click.option("--sources", default=DEFAULT_SOURCES, show_default=True, envvar="PANTAU_SOURCES",
              type=click.Path(dir_okay=False), help="Sources file (YAML).")
@db_option()
@click.option("--source", "select", multiple=True, metavar="NAME",
              help="Crawl only this source (repeatable).")
@click.option("--since", metavar="DATE|Nd",
              help="Window start: YYYY-MM-DD or Nd. Default: 30 days on a source's first crawl, "
                   "else its last successful crawl minus a day.")
@click.option("--max-pages", default=0, show_default=True,
              help="At most this many requests per source (0 = no limit).")
@click.option("-s", "--set", "setting", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or PANTAU_* setting (see crawler/settings.py).")
@click.option("--quiet", is_flag=True, help="Only warnings while crawling; the summary still prints.")
def crawl(sources: str, db: str, select: tuple[str, ...], since: str | None, max_pages: int,
          setting: tuple[str, ...], quiet: bool) -> None:
    """Crawl the sources: only new articles, cleaned, into the database.

    What an earlier run left open (killed, stopped, cut by a limit) is done first. A source
    another crawl is crawling is skipped, and said so.

    \b
    Example:
      pantau crawl --sources sources.yaml --db pantau.db --since 7d
      pantau crawl --source kominfo-babel --max-pages 50

    \b
    Exit status:
      0  every source crawled      3  some sources failed    4  every source failed
      1  could not start           5  stopped by a signal or time limit (the next run goes on)
      2  command-line mistake      6  nothing crawled: another crawl holds every source
    """
    run_id = run_crawl(sources=sources, db=db, select=select, since=since, max_pages=max_pages,
                       settings=parse_settings(setting), quiet=quiet)
    rows = print_summary(db, run_id)
    sys.exit(crawl_exit_code(rows))


# extract ---------------------------------------------------------------------------------------
def read_page(path_or_url: str) -> tuple[bytes, str]:
    """Bytes of a saved page or of a URL fetched once (with Pantau's User-Agent)."""
    if path_or_url.startswith(("http://", "https://")):
        from crawler.settings import USER_AGENT
        with urlopen(UrlRequest(path_or_url, headers={"User-Agent": USER_AGENT}), timeout=30) as r:
            return r.read(), r.geturl()
    path = Path(path_or_url)
    if not path.is_file():
        raise click.ClickException(f"{path_or_url}: no such file")
    return path.read_bytes(), path.resolve().as_uri()


@main.command()
@click.argument("pages", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--url", help="The page's original URL (for one saved file).")
@click.option("--drop", multiple=True, metavar="CSS", help="Extra CSS selector to remove.")
@click.option("--region", "region", help="The source's own region (last resort for tagging).")
@click.option("--source", metavar="NAME", help="Apply this source's learned template (from --db).")
@db_option()
def extract(pages: tuple[str, ...], url: str | None, drop: tuple[str, ...], region: str | None,
            source: str | None, db: str) -> None:
    """Extract pages and print each article as JSON, with its score and region.

    Several pages of one site given at once teach Pantau that site's template (what repeats
    across them outside the story) before each is extracted; --source with --db applies the
    template the crawls learned instead. "template_removed" lists what it cut.

    \b
    Example:
      pantau extract saved-page.html --url https://example.go.id/berita/123
      pantau extract a.html b.html c.html d.html
      pantau extract https://example.go.id/berita/123 --source kominfo-x --db pantau.db
    """
    from pipelines.assess import assess, readable
    from pipelines.extract import extract_article
    from pipelines.template import SiteTemplate, sightings

    if url and len(pages) > 1:
        raise click.UsageError("--url names one saved page; give several pages without it")
    fetched = [read_page(page) for page in pages]
    urls = [url] if url else [origin for _, origin in fetched]
    template: SiteTemplate | None = None
    if source:
        with open_store(db) as store:
            if source not in store.source_names():
                raise click.ClickException(f"no source {source!r} in {db}")
            template = store.site_template(source)
    elif len(fetched) > 1:
        template = SiteTemplate("pages given")
        for (html, _), page_url in zip(fetched, urls, strict=True):
            template.learn(sightings(extract_article(html, page_url, drop=drop, placed=True).lines))
    results = []
    for (html, _), page_url in zip(fetched, urls, strict=True):
        article = extract_article(html, page_url, drop=drop, template=template)
        fields = article.to_dict()
        if article.is_article:
            fields.update(readable(assess(article.title, article.text, article.dateline, region)))
        results.append(fields)
    click.echo(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=2))


# list / show / runs ----------------------------------------------------------------------------
def open_store(db: str) -> Store:
    """The database (migrated if it is older than this Pantau), which must exist already."""
    if not Path(db).exists():
        raise click.ClickException(f"{db}: no such database (run `pantau crawl` or `pantau demo` first)")
    return Store(db)


@main.command(name="list")
@db_option()
@click.option("--source", help="Only this source.")
@click.option("--status", help="Only this review status (new, relevant, not_relevant, follow_up).")
@click.option("--since", metavar="DATE|Nd", help="Only articles published since.")
@click.option("--search", metavar="QUERY",
              help='Full-text search: all words (AND), OR, -word or NOT word, "a phrase", pre*.')
@click.option("--min-score", type=float, help="Only articles scoring at least this (0..1).")
@click.option("--kamtibmas/--not-kamtibmas", default=None, help="Only (not) Kamtibmas-relevant.")
@click.option("--province", help='Only this province, e.g. "Jawa Timur".')
@click.option("--region", help='Only this regency or city, e.g. "Kabupaten Tulungagung".')
@click.option("--topic", help="Only articles with this topic label.")
@click.option("--sort", type=click.Choice(["newest", "score"]), default="newest", show_default=True)
@click.option("--stories", is_flag=True, help="One line per story (the same article on many sites).")
@click.option("--limit", default=50, show_default=True)
@json_option
def list_(db: str, since: str | None, status: str | None, sort: str, stories: bool, limit: int,
          as_json: bool, **filters: Any) -> None:
    """List stored articles, newest first, or by score; or one line per story.

    \b
    Example:
      pantau list --since 2d --kamtibmas --sort score
      pantau list --stories --province "Jawa Timur"
      pantau list --search 'bhabinkamtibmas' --json
    """
    try:
        published_from = parse_since(since, datetime.now(UTC)) if since else None
    except WindowError as exc:
        raise click.ClickException(str(exc)) from exc
    where = ArticleFilter(statuses=(status,) if status else (), published_from=published_from,
                          **filters)
    with open_store(db) as store:
        rows = (store.list_stories(where, limit=limit) if stories
                else store.list_articles(where, sort=sort, limit=limit))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif stories:
        click.echo(tabulate([story_line(r) for r in rows], headers="keys"))
    else:
        click.echo(tabulate([article_line(r) for r in rows], headers="keys"))


def article_line(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "published": (row["published"] or "")[:16].replace("T", " "),
            "source": row["source"], "score": _score(row["score"]),
            "region": (row["region"] or "").replace("Kabupaten ", "Kab. "),
            "status": row["status"], "title": (row["title"] or "")[:64]}


def story_line(row: dict[str, Any]) -> dict[str, Any]:
    return {"story": row["story"], "first": (row["first_published"] or "")[:10],
            "sources": row["sources"], "score": _score(row["score"]),
            "title": (row["title"] or "")[:60], "sites": (row["source_list"] or "")[:50]}


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


@main.command()
@click.argument("article_id", type=int)
@db_option()
@json_option
def show(article_id: int, db: str, as_json: bool) -> None:
    """Show one article: metadata, aliases, copies, what its site's template removed, clean text.

    \b
    Example:
      pantau show 12
    """
    with open_store(db) as store:
        article = store.get_article(article_id)
        if article is not None:
            article["copies"] = store.story_copies(article_id)
            article["template_cut"] = store.template_removals(article_id)
    if article is None:
        raise click.ClickException(f"no article {article_id} in {db}")
    if as_json:
        click.echo(json.dumps(article, ensure_ascii=False, indent=2))
        return
    for key in ("id", "url", "source", "title", "published", "author", "source_attribution",
                "dateline", "status", "fetched_at", "discovered_via"):
        click.echo(f"{key:>18}: {article.get(key) or '-'}")
    click.echo(f"{'score':>18}: {_score(article.get('score'))}"
               f"{' (Kamtibmas)' if article.get('kamtibmas') else ''}")
    for key in ("topics", "region", "province"):
        click.echo(f"{key:>18}: {article.get(key) or '-'}")
    for alias in article["aliases"]:
        click.echo(f"{'alias':>18}: {alias}")
    for copy in article["copies"]:
        click.echo(f"{'same story':>18}: #{copy['id']} {copy['source']}: {copy['title']}")
    for line in article["template_cut"]:
        click.echo(f"{'template removed':>18}: {line}")
    click.echo("\n" + (article["text"] or ""))


RUN_COLUMNS = ("run_id", "source", "started", "status", "requests", "pages", "new_articles",
               "error_count", "limits")
DROPPED_COLUMNS = {"url": "url", "source": "source", "run_id": "run", "reason": "reason",
                   "detail": "detail", "raw_kept": "raw kept", "last_tried": "tried (UTC)"}
DETAIL_WIDTH = 60


@main.command()
@db_option()
@click.option("--dropped", is_flag=True,
              help="List the pages not stored (dropped, given up) instead of the runs.")
@click.option("--run", "run_id", metavar="RUN_ID", help="Only this run.")
@click.option("--source", metavar="NAME", help="Only this source.")
@click.option("--limit", default=30, show_default=True, help="At most this many rows.")
@json_option
def runs(db: str, dropped: bool, run_id: str | None, source: str | None, limit: int,
         as_json: bool) -> None:
    """Recent crawl runs, one row per run and source, with the limits that cut them.

    With --dropped: the pages a crawl fetched or tried and did not store, newest first, with
    why (too_old, not_article, garbage, not_html, robots_disallowed, gave_up:<error>), the
    extractor's detail (cut in the table, whole in --json) and whether the raw page is kept
    (`pantau reextract --dropped` reads those again).

    \b
    Example:
      pantau runs --limit 10
      pantau runs --dropped --source kominfo-babel
      pantau runs --dropped --run 3b35ded5051d --json
    """
    with open_store(db) as store:
        if dropped:
            rows = store.dropped(run_id=run_id, source=source, limit=limit)
        else:
            rows = store.runs(limit, run_id=run_id, source=source)
    if dropped:
        for row in rows:
            row["raw_kept"] = bool(row["raw_kept"])
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        click.echo("no dropped pages" if dropped else "no crawl runs")
    elif dropped:
        click.echo(tabulate([dropped_line(r) for r in rows], headers=DROPPED_COLUMNS))
    else:
        click.echo(tabulate([{**{k: r[k] for k in RUN_COLUMNS[:-1]},
                              "limits": limits_text(_decoded(r.get("limits")))} for r in rows],
                            headers="keys"))


def dropped_line(row: dict[str, Any]) -> dict[str, Any]:
    """A dropped page as a table row: the detail without the URL it repeats, cut to fit."""
    detail = (row["detail"] or "").replace(f"{row['url']}: ", "").replace(row["url"], "this page")
    if len(detail) > DETAIL_WIDTH:
        detail = detail[:DETAIL_WIDTH - 1].rstrip() + "…"
    return {**{k: row[k] for k in DROPPED_COLUMNS}, "detail": detail or "-",
            "raw_kept": "yes" if row["raw_kept"] else "no", "reason": row["reason"] or "-",
            "last_tried": short_time(row["last_tried"])}


def short_time(value: str | None) -> str:
    """A stored timestamp as ``YYYY-MM-DD HH:MM``, as ``pantau list`` and ``pantau health``
    show them (the stored value's own zone: UTC for what crawls record)."""
    return (value or "-")[:16].replace("T", " ")


def _decoded(value: Any) -> dict[str, Any]:
    """A JSON column as ``store.runs`` returns it (text), or already decoded."""
    if isinstance(value, dict):
        return value
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# sources ---------------------------------------------------------------------------------------
@main.command()
@db_option()
@json_option
def sources(db: str, as_json: bool) -> None:
    """Each source: its last run, the work its frontier holds, its lease, its discovery paths.

    The table has one row per source: its last run (when, status, new articles), its articles,
    the frontier's open work (queued: to fetch or to decide; failed: to try again later;
    dropped: not stored, see `pantau runs --dropped`), who crawls it now (the lease), and how
    many discovery paths were found or are missing. Below it, each source's discovery paths:
    found ones with the articles they led to, missing ones (guessed sitemaps that answered
    404) since when; a missing path is not probed again for a week.

    \b
    Example:
      pantau sources --db pantau.db
      pantau sources --json
    """
    with open_store(db) as store:
        states = store.sources_state()
        counts = store.open_counts()
        leases = {r["source"]: r for r in store.leases()}
        paths: dict[str, list[dict[str, Any]]] = {}
        for row in store.discovery_paths():
            paths.setdefault(row["source"], []).append(row)
    now = datetime.now(UTC)
    if as_json:
        out = [{**s, "frontier": counts.get(s["name"], {}),
                "lease": leases.get(s["name"]), "discovery": paths.get(s["name"], [])}
               for s in states]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not states:
        click.echo("no sources yet (run `pantau crawl` first)")
        return
    click.echo(tabulate([source_line(s, counts.get(s["name"], {}), leases.get(s["name"]),
                                     paths.get(s["name"], []), now) for s in states],
                        headers="keys"))
    listed = [path_line(row) for s in states for row in paths.get(s["name"], [])]
    if listed:
        click.echo("\ndiscovery paths (guessed ones found missing are not probed again for a "
                   "week):\n")
        click.echo(tabulate(listed, headers="keys"))


def source_line(state: dict[str, Any], counts: dict[str, int], lease: dict[str, Any] | None,
                paths: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    found = sum(1 for p in paths if p["status"] == "found")
    missing = len(paths) - found
    return {"source": state["name"], "last run (UTC)": short_time(state["last_started"]),
            "status": state["last_status"] or "never", "new": _dash(state["last_new"]),
            "articles": state["articles"],
            "queued": counts.get("queued", 0) + counts.get("fetched", 0),
            "failed": counts.get("failed", 0), "dropped": counts.get("dropped", 0),
            "lease": lease_text(lease, now),
            "discovery": f"{found} found, {missing} missing" if paths else "-"}


def lease_text(lease: dict[str, Any] | None, now: datetime) -> str:
    """``run 3b35ded5051d since 01:00, beat 01:12`` (UTC), or ``-`` when nobody holds it."""
    if not lease:
        return "-"
    expired = lease["expires_at"] and datetime.fromisoformat(lease["expires_at"]) <= now
    return (f"run {lease['holder']} since {short_time(lease['acquired_at'])}, "
            f"beat {short_time(lease['heartbeat_at'])[11:]}" + (" (expired)" if expired else ""))


def path_line(row: dict[str, Any]) -> dict[str, Any]:
    missing = row["status"] != "found"
    return {"source": row["source"], "path": row["status"], "kind": row["kind"],
            "url": row["url"], "articles": "-" if missing else row["articles"],
            "missing since (UTC)": short_time(row["missing_since"]) if missing else "-",
            "checked (UTC)": short_time(row["checked_at"])}


def _dash(value: Any) -> Any:
    return "-" if value is None else value


# rework ----------------------------------------------------------------------------------------
@main.command()
@db_option()
@click.option("--sources", default=DEFAULT_SOURCES, show_default=True, envvar="PANTAU_SOURCES",
              help="Sources file, for each source's `drop` selectors (skipped if missing).")
@click.option("--dropped", is_flag=True,
              help="Instead: the kept raw pages of dropped URLs; store those that now read as "
                   "articles inside their window.")
def reextract(db: str, sources: str, dropped: bool) -> None:
    """Extract every stored raw page again with today's rules; update what changed.

    With --dropped, the pages the crawl did not store (their raw HTML is kept) are read again
    instead: one that now reads as an article, inside the window of the run that found it, is
    stored (scored, put in its story) and leaves the dropped list; the others stay as they were.

    \b
    Example:
      pantau reextract --db pantau.db
      pantau reextract --dropped --db pantau.db
    """
    from pipelines.rework import reextract_all, reextract_dropped
    from pipelines.train import load_scorer

    drops: dict[str, tuple[str, ...]] = {}
    if Path(sources).is_file():
        try:
            drops = {s.name: s.drop for s in load_sources(sources)}
        except SourcesError as exc:
            raise click.ClickException(str(exc)) from exc
    with open_store(db) as store:
        if dropped:
            counts = reextract_dropped(store, drops, load_scorer(Path(db)))
        else:
            counts = reextract_all(store, drops, load_scorer(Path(db)))
    if dropped:
        click.echo(f"re-extracted {counts['checked']} dropped pages: {counts['stored']} stored as "
                   f"articles, {counts['not_article']} still not articles, {counts['too_old']} "
                   f"older than their window, {counts['already_stored']} stored already "
                   f"(the others left as they were)")
        return
    click.echo(f"re-extracted {counts['checked']} pages: {counts['changed']} articles changed,"
               f" {counts['no_longer_article']} no longer read as articles (left as they were)")


@main.command()
@db_option()
def rescore(db: str) -> None:
    """Recompute relevance, topics and region of every stored article.

    Run it after editing the lexicon or the gazetteer, or after `pantau train`.

    \b
    Example:
      pantau rescore --db pantau.db
    """
    from pipelines.rework import rescore_all
    from pipelines.train import load_scorer

    with open_store(db) as store:
        counts = rescore_all(store, load_scorer(Path(db)))
    click.echo(f"rescored {counts['checked']} articles: {counts['changed']} changed,"
               f" {counts['kamtibmas_flipped']} changed their Kamtibmas verdict")


@main.command()
@db_option()
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds.")
def train(db: str, folds: int) -> None:
    """Learn from operators' marks (relevant / not relevant) and blend with the lexicon.

    The new model replaces the current scorer only if its cross-validated precision and recall
    beat the lexicon's (and the current model's); otherwise nothing changes. Then run
    `pantau rescore` to apply it to stored articles.

    \b
    Example:
      pantau train --db pantau.db && pantau rescore --db pantau.db
    """
    from pipelines.train import TrainingError, train_database

    open_store(db).close()
    try:
        report = train_database(Path(db), folds=folds)
    except TrainingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(report.summary())
    if not report.accepted:
        sys.exit(1)


# demo ------------------------------------------------------------------------------------------
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": "0.05", "AUTOTHROTTLE_START_DELAY": "0.05", "DOWNLOAD_TIMEOUT": "3",
    "RETRY_TIMES": "1",
}


@main.command()
@db_option("demo.db", help="Database to create (an existing one is replaced).", envvar=None)
@click.option("--since", default="2017-01-01", show_default=True,
              help="Window; the default reaches back to the oldest seed article (2017).")
def demo(db: str, since: str) -> None:
    """Serve the bundled offline demo sites on loopback and crawl them into a fresh database.

    \b
    Example:
      pantau demo && pantau list --db demo.db
    """
    from crawler.demo.server import DemoSites

    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    with DemoSites(slow_seconds=5.0) as sites:
        sources_path = Path(db).with_suffix(".sources.yaml")
        sources_path.write_text(sites.sources_yaml(), encoding="utf-8")
        click.echo(f"Serving {len(sites.servers)} demo sites:")
        for name, server in sites.servers.items():
            click.echo(f"  {name:<26} {server.base_url}")
        click.echo("")
        run_id = run_crawl(sources=str(sources_path), db=db, select=(), since=since,
                           max_pages=0, settings=DEMO_SETTINGS, quiet=True)
    print_summary(db, run_id)
    click.echo(
        f"\nNext:\n  pantau list --db {db}\n  pantau show 1 --db {db}\n"
        f"  pantau runs --db {db}\n  datasette {db}   (if installed: browse and search)\n"
        f"Crawl real sites (needs internet): pantau crawl --sources sources.yaml --since 3d")


for command in (schedule, health, serve, review_password):
    main.add_command(command)

if __name__ == "__main__":
    sys.exit(main())
