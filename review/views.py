"""The pages: inbox, article, marks, digest, exports, runs, login.

Why thin views: each one parses its input (``review.filters``), asks ``review.queries`` for
rows, shapes them for a template (``review.render`` escapes scraped text) and renders. Marks are
the only writes; each runs in one ``BEGIN IMMEDIATE`` transaction and records every marked
article in ``reviews`` as well as on the article.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template,
                   request, session, stream_with_context, url_for)
from markupsafe import Markup

from review import queries, render
from review.auth import verify
from review.db import write_transaction
from review.filters import MARKS, Filters, day_bounds_utc, parse_cursor, parse_filters
from review.i18n import LANGUAGES, translate

bp = Blueprint("review", __name__)
RAW_TEXT_LIMIT = 300_000
SNIPPET_CHARS = 320
MAX_ADJUSTED_MARKS = 2000  # a larger mark drops the cached counts instead of adjusting them


# --- request helpers -------------------------------------------------------------------------
def connection() -> sqlite3.Connection:
    """This request's pooled connection (returned at teardown by ``app.install_connection``)."""
    if "conn" not in g:
        g.conn = current_app.extensions["pantau_pool"].acquire()
    return g.conn


def tz() -> tzinfo:
    return current_app.config["PANTAU_TZ"]


def reviewer() -> str:
    return session.get("reviewer") or current_app.config["PANTAU_DEFAULT_REVIEWER"]


def safe_next(value: str | None) -> str:
    """Only a path on this site: no open redirect to another host."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return url_for("review.inbox")


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# --- inbox -----------------------------------------------------------------------------------
@dataclass
class Story:
    """One inbox row: the story's best matching article and what the operator needs beside it."""

    lead: sqlite3.Row
    snippet: Markup
    topics: list[str]
    sources: list[str]
    size: int = 1
    copies: list[sqlite3.Row] = field(default_factory=list)

    @property
    def article_ids(self) -> list[int]:
        return [self.lead["id"]] + [c["id"] for c in self.copies if c["id"] != self.lead["id"]]


def snippets_for(conn: sqlite3.Connection, f: Filters, ids: list[int]) -> dict[int, Markup]:
    """FTS5 snippets (escaped, then marked) when searching, else the text's first lines."""
    if not ids:
        return {}
    if f.q:
        open_mark, close_mark = render.marker_pair()
        found = queries.fts_snippets(conn, f.q, ids, open_mark, close_mark)
        return {i: render.mark_snippet(s, open_mark, close_mark) for i, s in found.items()}
    return {i: render.head_snippet(text, SNIPPET_CHARS)
            for i, text in queries.heads(conn, ids, SNIPPET_CHARS + 1).items()}


def build_stories(conn: sqlite3.Connection, rows: list[sqlite3.Row], f: Filters) -> list[Story]:
    snippets = snippets_for(conn, f, [r["id"] for r in rows])
    members = queries.story_members(conn, [r["story_id"] for r in rows if r["story_id"] is not None])
    stories = []
    for row in rows:
        copies = members.get(row["story_id"], []) if row["story_id"] is not None else []
        sources = sorted({c["source"] for c in copies} | {row["source"]})
        stories.append(Story(row, snippets.get(row["id"], Markup("")), render.json_list(row["topics"]),
                             sources, max(len(copies), 1), copies))
    return stories


def start_counts(conn: sqlite3.Connection, f: Filters) -> Callable[[], queries.FacetCounts]:
    """Start the facet queries and return a function that waits for their result. Without a
    search they run side by side on pooled connections (SQLite releases the GIL while it
    works), and meanwhile the request's own connection reads the page: on two cores the page
    costs almost nothing on top of the counts. A search's counts read this connection's temp
    tables, so they run on it, in turn, when the result is asked for."""
    tasks = queries.facet_tasks(f, tz())
    workers = current_app.extensions.get("pantau_workers")
    if f.q or workers is None:
        return lambda: queries.merge_facets({name: task(conn) for name, task in tasks.items()})
    pool = current_app.extensions["pantau_pool"]

    def pooled(task: Any) -> Any:
        with pool.connection() as own:
            return task(own)

    futures = {name: workers.submit(pooled, task) for name, task in tasks.items()}
    return lambda: queries.merge_facets({name: fut.result() for name, fut in futures.items()})


@bp.get("/")
def inbox() -> str:
    f = parse_filters(request.args)
    conn = connection()
    queries.prepare(conn, f)
    cache = current_app.extensions["pantau_facets"]
    cached, ticket = cache.lookup(f)
    pending = start_counts(conn, f) if ticket is not None else None
    rows, next_cursor = queries.inbox_page(conn, f, tz(), parse_cursor(request.args.get("after")),
                                           current_app.config["PANTAU_PAGE_SIZE"])
    stories = build_stories(conn, rows, f)
    if pending is not None and ticket is not None:
        cached = pending()
        cache.store(f, cached, ticket)
    facets, total = queries.facet_lists(cached, f)
    return render_template(
        "inbox.html", f=f, stories=stories, facets=facets,
        status_counts={c.value: c.n for c in facets["status"]}, total=total,
        next_cursor=next_cursor.encode() if next_cursor else None,
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


def raw_text(conn: sqlite3.Connection, article_id: int) -> tuple[str | None, bool]:
    """The stored raw HTML decoded for display as text (escaped by the template), and whether
    it was cut short."""
    row = queries.raw_page(conn, article_id)
    if row is None or row["html_zlib"] is None:
        return None, False
    html = zlib.decompress(row["html_zlib"]).decode(valid_encoding(row["encoding"]), errors="replace")
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
    conn = connection()
    row = queries.article(conn, article_id)
    if row is None:
        abort(404)
    evidence = evidence_list(row["relevance_evidence"])
    raw, cut = raw_text(conn, article_id)
    return render_template(
        "article.html", a=row, evidence=evidence, region_evidence=evidence_list(row["region_evidence"]),
        title=render.highlighted_paragraphs(row["title"], evidence),
        paragraphs=render.highlighted_paragraphs(row["text"], evidence),
        topics=render.json_list(row["topics"]), copies=queries.story_copies(conn, row["story_id"], article_id),
        reviews=queries.reviews_of(conn, article_id), raw=raw, raw_cut=cut,
        next_id=queries.next_new_article(conn, row["score"], article_id), marks=MARKS,
        back=safe_next(request.args.get("back")))


@bp.get("/article/<int:article_id>/raw")
def raw_html(article_id: int) -> Response:
    """The crawled page as HTML for a ``sandbox=""`` iframe; its CSP (``security.RAW_CSP``)
    sandboxes it again and forbids scripts and every request out."""
    row = queries.raw_page(connection(), article_id)
    if row is None or row["html_zlib"] is None:
        abort(404)
    html = zlib.decompress(row["html_zlib"]).decode(valid_encoding(row["encoding"]), errors="replace")
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


def data_version(conn: sqlite3.Connection) -> int:
    """Changes when another connection (of any process) commits; never for this one's own."""
    return conn.execute("PRAGMA data_version").fetchone()[0]


def record(stage: Any, status: str, note: str | None) -> int:
    """Stage the articles and mark them (with their story copies) in one transaction.

    The cached facet counts are adjusted for the mark rather than dropped, when nothing but the
    mark was committed between the start of its transaction and the check after its commit
    (``data_version`` of this connection is unchanged) and the cache was valid at its start."""
    conn = connection()
    cache = current_app.extensions["pantau_facets"]
    zone = tz()
    before = after = None
    old_rows: list[sqlite3.Row] | None = None
    count = 0
    cache.begin_change()
    try:
        with write_transaction(conn):
            before, version = cache.state(), data_version(conn)
            staged = stage(conn)
            if not staged:
                old_rows = []
            else:
                if staged <= MAX_ADJUSTED_MARKS:
                    old_rows = queries.staged_rows(conn)
                count = queries.apply_mark(conn, status, note, reviewer(), now_iso())
        after = cache.state() if data_version(conn) == version else None
        return count
    finally:
        rows = old_rows
        adjust = None if rows is None else (
            lambda key, value: queries.adjust_counts(value, key, zone, rows, status))
        cache.end_change(before, after, adjust, len(rows or ()))


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
    ids = form_ids()
    count = record(lambda conn: ids and queries.stage_ids(conn, ids), status, note)
    return after_mark(count, status)


@bp.post("/bulk")
def bulk() -> Response:
    """Mark the selected stories, or everything the current filters match (``scope=filtered``)."""
    status, note = form_mark()
    if request.form.get("scope") == "filtered":
        f = parse_filters(request.args)
        def stage(conn: sqlite3.Connection) -> int:
            queries.prepare(conn, f)
            return queries.stage_filtered(conn, f, tz())

        count = record(stage, status, note)
    else:
        ids = form_ids()
        count = record(lambda conn: ids and queries.stage_ids(conn, ids), status, note)
    return after_mark(count, status)


# --- exports ---------------------------------------------------------------------------------
def export_records(f: Filters) -> Iterator[dict[str, Any]]:
    """Rows of the filtered view on their own connection (the response outlives the view)."""
    with current_app.extensions["pantau_pool"].connection() as conn:
        queries.prepare(conn, f)
        for row in queries.export_rows(conn, f, tz()):
            item = dict(row)
            item["topics"] = render.json_list(item["topics"])
            yield item


def csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(queries.EXPORT_COLUMNS)
    for item in records:
        item["topics"] = "; ".join(map(str, item["topics"]))
        writer.writerow([render.csv_cell(item[c]) for c in queries.EXPORT_COLUMNS])
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


def best_per_story(rows: list[sqlite3.Row]) -> list[Story]:
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


def build_digest(conn: sqlite3.Connection, day: str) -> Digest:
    start, end = day_bounds_utc(day, tz())
    rows = queries.digest_rows(conn, start, end, ("relevant", "follow_up"))
    relevant = best_per_story([r for r in rows if r["status"] == "relevant"])
    follow_up = best_per_story([r for r in rows if r["status"] == "follow_up"])
    topics = Counter(t for s in relevant + follow_up for t in s.topics)
    return Digest(day, relevant, follow_up, group_by_region(relevant + follow_up),
                  sorted(topics.items(), key=lambda kv: (-kv[1], kv[0])))


@bp.get("/digest")
def digest() -> str:
    day = digest_day(request.args.get("day"))
    return render_template("digest.html", d=build_digest(connection(), day))


# --- runs and sources ------------------------------------------------------------------------
@bp.get("/runs")
def runs() -> str:
    conn = connection()
    return render_template("runs.html", runs=queries.recent_runs(conn),
                           sources=queries.sources_state(conn), errors=render_errors)


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
