"""The pages: inbox, article, marks, digest, exports, runs, login.

Why thin views: each one parses its input (``review.filters``), asks the store
(``pipelines.storage``) for rows in the domain's terms, shapes them for a template
(``review.render`` escapes scraped text) and renders. Marks are the only writes:
``store.mark`` records every marked article in ``reviews`` as well as on the article, in one
``BEGIN IMMEDIATE`` transaction that waits for a busy database.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from markupsafe import Markup

from pipelines.storage import (
    EXPORT_COLUMNS,
    MARKS,
    ArticleFilter,
    FacetCounts,
    Store,
    adjust_counts,
    day_bounds,
    facet_lists,
    facet_tasks,
    merge_facets,
)
from review import render
from review.auth import verify
from review.filters import Filters, encode_cursor, parse_cursor, parse_filters
from review.i18n import LANGUAGES, translate

bp = Blueprint("review", __name__)
RAW_TEXT_LIMIT = 300_000
SNIPPET_CHARS = 320
MAX_ADJUSTED_MARKS = 2000  # a larger mark drops the cached counts instead of adjusting them
DIGEST_STATUSES = ("relevant", "follow_up")


# --- request helpers -------------------------------------------------------------------------
def store() -> Store:
    """This request's pooled store (returned at teardown by ``app.install_store``)."""
    if "store" not in g:
        g.store = current_app.extensions["pantau_pool"].acquire()
    return g.store


def tz() -> tzinfo:
    return current_app.config["PANTAU_TZ"]


def reviewer() -> str:
    return session.get("reviewer") or current_app.config["PANTAU_DEFAULT_REVIEWER"]


def safe_next(value: str | None) -> str:
    """Only a path on this site: no open redirect to another host."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return url_for("review.inbox")


def story_copies(db: Store, row: dict[str, Any], article_id: int) -> list[dict[str, Any]]:
    """The other copies of the article's story, best first."""
    return db.story_copies(article_id, by="score") if row["story_id"] is not None else []


# --- inbox -----------------------------------------------------------------------------------
@dataclass
class Story:
    """One inbox row: the story's best matching article and what the operator needs beside it."""

    lead: dict[str, Any]
    snippet: Markup
    topics: list[str]
    sources: list[str]
    size: int = 1
    copies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def article_ids(self) -> list[int]:
        return [self.lead["id"]] + [c["id"] for c in self.copies if c["id"] != self.lead["id"]]


def snippets_for(db: Store, f: Filters, ids: list[int]) -> dict[int, Markup]:
    """FTS5 snippets (escaped, then marked) when searching, else the text's first lines."""
    if not ids:
        return {}
    if f.q:
        open_mark, close_mark = render.marker_pair()
        found = db.fts_snippets(f.q, ids, open_mark, close_mark)
        return {i: render.mark_snippet(s, open_mark, close_mark) for i, s in found.items()}
    return {i: render.head_snippet(text, SNIPPET_CHARS)
            for i, text in db.heads(ids, SNIPPET_CHARS + 1).items()}


def build_stories(db: Store, rows: list[dict[str, Any]], f: Filters) -> list[Story]:
    snippets = snippets_for(db, f, [r["id"] for r in rows])
    members = db.story_members([r["story_id"] for r in rows if r["story_id"] is not None])
    stories = []
    for row in rows:
        copies = members.get(row["story_id"], []) if row["story_id"] is not None else []
        sources = sorted({c["source"] for c in copies} | {row["source"]})
        stories.append(Story(row, snippets.get(row["id"], Markup("")), render.json_list(row["topics"]),
                             sources, max(len(copies), 1), copies))
    return stories


def start_counts(db: Store, where: ArticleFilter) -> Callable[[], FacetCounts]:
    """Start the facet queries and return a function that waits for their result. Without a
    search they run side by side on pooled stores (SQLite releases the GIL while it works),
    and meanwhile the request's own store reads the page: on two cores the page costs almost
    nothing on top of the counts. A search's counts read this store's staged search hits, so
    they run on it, in turn, when the result is asked for."""
    tasks = facet_tasks(where)
    workers = current_app.extensions.get("pantau_workers")
    if where.search or workers is None:
        return lambda: merge_facets({name: task(db) for name, task in tasks.items()})
    pool = current_app.extensions["pantau_pool"]

    def pooled(task: Any) -> Any:
        with pool.store() as own:
            return task(own)

    futures = {name: workers.submit(pooled, task) for name, task in tasks.items()}
    return lambda: merge_facets({name: fut.result() for name, fut in futures.items()})


@bp.get("/")
def inbox() -> str:
    f = parse_filters(request.args)
    where = f.article_filter(tz())
    db = store()
    db.prepare(where)
    cache = current_app.extensions["pantau_facets"]
    cached, ticket = cache.lookup(f)
    pending = start_counts(db, where) if ticket is not None else None
    rows, next_cursor = db.inbox_page(where, parse_cursor(request.args.get("after")),
                                      current_app.config["PANTAU_PAGE_SIZE"])
    stories = build_stories(db, rows, f)
    if pending is not None and ticket is not None:
        cached = pending()
        cache.store(f, cached, ticket)
    facets, total = facet_lists(cached, where)
    return render_template(
        "inbox.html", f=f, stories=stories, facets=facets,
        status_counts={c.value: c.n for c in facets["status"]}, total=total,
        next_cursor=encode_cursor(next_cursor) if next_cursor else None,
        paged=bool(request.args.get("after")), marks=MARKS)


# --- article ---------------------------------------------------------------------------------
def evidence_list(value: str | None) -> list[dict[str, Any]]:
    """Evidence rows from a JSON column (a list, or an object holding an ``evidence`` list)."""
    try:
        data = json.loads(value or "[]")
    except (TypeError, ValueError):
        return []
    if isinstance(data, dict):
        data = data.get("evidence", [])
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def raw_text(db: Store, article_id: int) -> tuple[str | None, bool]:
    """The stored raw HTML decoded for display as text (escaped by the template), and whether
    it was cut short."""
    page = db.raw_page(article_id)
    if page is None:
        return None, False
    html = page.html.decode(valid_encoding(page.encoding), errors="replace")
    return html[:RAW_TEXT_LIMIT], len(html) > RAW_TEXT_LIMIT


def valid_encoding(name: str | None) -> str:
    """The stored encoding if Python knows it (a page may declare nonsense), else UTF-8."""
    if not name:
        return "utf-8"
    try:
        codecs.lookup(name)
    except LookupError:
        return "utf-8"
    return name


@bp.get("/article/<int:article_id>")
def article(article_id: int) -> str:
    db = store()
    row = db.get_article(article_id)
    if row is None:
        abort(404)
    evidence = evidence_list(row["relevance_evidence"])
    raw, cut = raw_text(db, article_id)
    return render_template(
        "article.html", a=row, evidence=evidence, region_evidence=evidence_list(row["region_evidence"]),
        title=render.highlighted_paragraphs(row["title"], evidence),
        paragraphs=render.highlighted_paragraphs(row["text"], evidence),
        topics=render.json_list(row["topics"]), copies=story_copies(db, row, article_id),
        reviews=db.reviews_of(article_id), raw=raw, raw_cut=cut,
        next_id=db.next_new_article(row["score"], article_id), marks=MARKS,
        back=safe_next(request.args.get("back")))


@bp.get("/article/<int:article_id>/raw")
def raw_html(article_id: int) -> Response:
    """The crawled page as HTML for a ``sandbox=""`` iframe; its CSP (``security.RAW_CSP``)
    sandboxes it again and forbids scripts and every request out."""
    page = store().raw_page(article_id)
    if page is None:
        abort(404)
    html = page.html.decode(valid_encoding(page.encoding), errors="replace")
    return Response(html, mimetype="text/html")


# --- marks -----------------------------------------------------------------------------------
def form_ids() -> list[int]:
    ids = [int(v) for v in request.form.getlist("ids") if v.isdigit()]
    return ids[:2000]


def form_mark() -> tuple[str, str | None]:
    status = request.form.get("mark", "")
    if status not in MARKS:
        abort(400, description="mark")
    note = (request.form.get("note") or "").strip()[:4000] or None
    return status, note


def record(status: str, note: str | None, *, ids: list[int] | None = None,
           where: ArticleFilter | None = None) -> int:
    """Mark the articles (with their story copies) in one transaction (``store.mark``).

    The cached facet counts are adjusted for the mark rather than dropped, when nothing but the
    mark was committed between the start of its transaction and the check after its commit
    (the store's ``data_version`` is unchanged) and the cache was valid at its start."""
    db = store()
    cache = current_app.extensions["pantau_facets"]
    zone = tz()
    seen: dict[str, Any] = {}
    result = None
    cache.begin_change()
    try:
        if ids is None and where is None:
            ids = []
        result = db.mark(status, ids=ids or (), where=where, note=note, reviewer=reviewer(),
                         keep_rows=MAX_ADJUSTED_MARKS,
                         on_locked=lambda: seen.update(before=cache.state()))
        after = cache.state() if db.data_version() == result.data_version else None
        seen["after"] = after
        return result.count
    finally:
        rows = result.before if result is not None else None
        adjust = None if rows is None else (
            lambda key, value: adjust_counts(value, key.article_filter(zone), rows, status))
        cache.end_change(seen.get("before"), seen.get("after"), adjust, len(rows or ()))


def after_mark(count: int, status: str) -> Response:
    if count:
        flash(translate("mark.done", n=count, status=translate(f"status.{status}")))
    else:
        flash(translate("bulk.none"))
    return redirect(safe_next(request.form.get("next")))


@bp.post("/mark")
def mark() -> Response:
    """Mark the posted articles (a story row or an article page) and every copy of their story."""
    status, note = form_mark()
    count = record(status, note, ids=form_ids())
    return after_mark(count, status)


@bp.post("/bulk")
def bulk() -> Response:
    """Mark the selected stories, or everything the current filters match (``scope=filtered``)."""
    status, note = form_mark()
    if request.form.get("scope") == "filtered":
        count = record(status, note, where=parse_filters(request.args).article_filter(tz()))
    else:
        count = record(status, note, ids=form_ids())
    return after_mark(count, status)


# --- exports ---------------------------------------------------------------------------------
def export_records(f: Filters) -> Iterator[dict[str, Any]]:
    """Rows of the filtered view on their own connection (the response outlives the view)."""
    where = f.article_filter(tz())
    with current_app.extensions["pantau_pool"].store() as db:
        db.prepare(where)
        for item in db.export_rows(where):
            item["topics"] = render.json_list(item["topics"])
            yield item


def csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for item in records:
        item["topics"] = "; ".join(map(str, item["topics"]))
        writer.writerow([render.csv_cell(item[c]) for c in EXPORT_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def json_chunks(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for k, item in enumerate(records):
        yield ("," if k else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]\n"


def export_name(ext: str) -> str:
    return f"pantau-{datetime.now(tz()):%Y%m%d-%H%M}.{ext}"


@bp.get("/export.csv")
def export_csv() -> Response:
    lines = csv_lines(export_records(parse_filters(request.args)))
    return Response(stream_with_context(lines), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{export_name("csv")}"'})


@bp.get("/export.json")
def export_json() -> Response:
    chunks = json_chunks(export_records(parse_filters(request.args)))
    return Response(stream_with_context(chunks), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{export_name("json")}"'})


# --- digest ----------------------------------------------------------------------------------
@dataclass
class Digest:
    day: str
    relevant: list[Story]
    follow_up: list[Story]
    by_region: list[tuple[str, str, list[Story]]]
    by_topic: list[tuple[str, int]]


def best_per_story(rows: list[dict[str, Any]]) -> list[Story]:
    """Rows come best first, so the first row of each story is its lead."""
    stories: dict[Any, Story] = {}
    for row in rows:
        key = row["story_id"] if row["story_id"] is not None else -row["id"]
        if key in stories:
            stories[key].size += 1
            stories[key].sources = sorted(set(stories[key].sources) | {row["source"]})
        else:
            stories[key] = Story(row, Markup(""), render.json_list(row["topics"]), [row["source"]])
    return list(stories.values())


def group_by_region(stories: list[Story]) -> list[tuple[str, str, list[Story]]]:
    groups: dict[tuple[str, str], list[Story]] = {}
    for story in stories:
        key = (story.lead["province"] or "", story.lead["region"] or "")
        groups.setdefault(key, []).append(story)
    return [(p, r, s) for (p, r), s in sorted(groups.items(), key=lambda kv: (not kv[0][0], kv[0]))]


def digest_day(value: str | None) -> str:
    """The asked day, else yesterday in the app's time zone (the operators' morning view)."""
    try:
        if value:
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    return (datetime.now(tz()).date() - timedelta(days=1)).isoformat()


def build_digest(db: Store, day: str) -> Digest:
    start, end = day_bounds(day, tz())
    rows = db.digest_rows(ArticleFilter(statuses=DIGEST_STATUSES, published_from=start,
                                        published_until=end))
    relevant = best_per_story([r for r in rows if r["status"] == "relevant"])
    follow_up = best_per_story([r for r in rows if r["status"] == "follow_up"])
    topics = Counter(t for s in relevant + follow_up for t in s.topics)
    return Digest(day, relevant, follow_up, group_by_region(relevant + follow_up),
                  sorted(topics.items(), key=lambda kv: (-kv[1], kv[0])))


@bp.get("/digest")
def digest() -> str:
    day = digest_day(request.args.get("day"))
    return render_template("digest.html", d=build_digest(store(), day))


# --- runs and sources ------------------------------------------------------------------------
DROPPED_ON_PAGE = 200


@bp.get("/runs")
def runs() -> str:
    db = store()
    recent = db.runs(100)
    latest = recent[0]["run_id"] if recent else None
    dropped = db.dropped(run_id=latest, limit=DROPPED_ON_PAGE) if latest else []
    return render_template("runs.html", runs=recent, sources=db.sources_state(),
                           errors=render_errors, limits=render_limits, latest=latest,
                           any_cut=any(render_limits(r.get("limits")) for r in recent),
                           dropped=dropped, dropped_max=DROPPED_ON_PAGE)


def render_limits(value: str | None) -> str:
    """A run's ``limits`` JSON ({"listing_pages": {"limit": 20, "at": URL, ...}}) as one line:
    ``listing_pages=20 (PANTAU_MAX_LISTING_PAGES) @ URL``; escaped by the template."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return str(value)
    if not isinstance(data, dict):
        return str(data)
    out = []
    for name, entry in sorted(data.items()):
        entry = entry if isinstance(entry, dict) else {"limit": entry}
        limit = entry.get("limit")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        setting = f" ({entry['setting']})" if entry.get("setting") else ""
        at = f" @ {entry['at']}" if entry.get("at") else ""
        out.append(f"{name}={limit}{setting}{at}")
    return "; ".join(out)


def render_errors(value: str | None) -> str:
    """A run's ``errors`` JSON ({"timeout": 2, ...}) as one readable line."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return str(value)
    return ", ".join(f"{k}: {v}" for k, v in data.items()) if isinstance(data, dict) else str(data)


# --- login and language ----------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    auth = current_app.config["PANTAU_AUTH"]
    failed = False
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()[:100]
        who = verify(auth, name, request.form.get("password", "")) if auth.required else name
        if who:
            session.clear()
            session["reviewer"] = who
            return redirect(safe_next(request.form.get("next")))
        failed = True
    return render_template("login.html", required=auth.required, failed=failed,
                           next=safe_next(request.args.get("next") or request.form.get("next")))


@bp.post("/logout")
def logout() -> Response:
    session.clear()
    return redirect(url_for("review.login"))


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    response = redirect(safe_next(request.args.get("next")))
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
