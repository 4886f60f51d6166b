"""The Flask app factory: ``create_app(db_path, ...)``.

Why a factory: tests, the benchmark and ``pantau serve`` each build their own app on their own
database with their own settings, and nothing is global. Settings it reads (keyword arguments):
``auth`` (``AuthConfig``; default: none, for loopback use), ``timezone`` (default
``Asia/Jakarta``: the digest's "yesterday" and date filters are local days), ``page_size``
(default 50), ``secret_key`` (default: the auth settings', else random per process),
``cookie_secure`` (set when served behind HTTPS), ``facet_cache`` (default on; see
``review.cache``).
"""

from __future__ import annotations

import getpass
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from pipelines.storage import DatabaseError, StorePool, ensure_database, is_busy
from pipelines.vocabulary import WIB
from review import i18n, render, security
from review.auth import AuthConfig
from review.cache import FacetCache
from review.views import bp


def load_timezone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return WIB


def create_app(db_path: str | Path, *, auth: AuthConfig | None = None,
               timezone_name: str = "Asia/Jakarta", page_size: int = 50,
               secret_key: str | None = None, cookie_secure: bool = False,
               facet_cache: bool = True, testing: bool = False) -> Flask:
    """A review app on ``db_path`` (created and migrated if needed)."""
    auth = auth or AuthConfig()
    ensure_database(db_path)  # create or migrate once, before serving
    app = Flask(__name__)
    app.config.update(
        TESTING=testing,
        SECRET_KEY=secret_key or auth.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cookie_secure, SESSION_COOKIE_NAME="pantau_review",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        PANTAU_DB=str(db_path), PANTAU_TZ=load_timezone(timezone_name),
        PANTAU_PAGE_SIZE=page_size, PANTAU_AUTH=auth,
        PANTAU_DEFAULT_REVIEWER=getpass.getuser(),
    )
    app.extensions["pantau_pool"] = StorePool(db_path)
    app.extensions["pantau_facets"] = FacetCache(str(db_path), enabled=facet_cache)
    app.extensions["pantau_workers"] = ThreadPoolExecutor(max_workers=4,
                                                          thread_name_prefix="pantau-counts")
    security.install(app, auth.required)
    i18n.install(app)
    install_template_helpers(app)
    install_store(app)
    install_errors(app)
    app.register_blueprint(bp)
    return app


def install_template_helpers(app: Flask) -> None:
    app.jinja_env.autoescape = True
    app.jinja_env.filters.update(when=render.fmt_when, score=render.fmt_score,
                                 json_list=render.json_list, href=render.safe_href)


def install_store(app: Flask) -> None:
    """One pooled store per request, taken lazily, returned at teardown."""

    @app.teardown_request
    def _release(_exc: BaseException | None) -> None:
        db = g.pop("store", None)
        if db is not None:
            app.extensions["pantau_pool"].release(db)


def install_errors(app: Flask) -> None:
    """One error page for everything; a locked database is a 503 'try again', not a traceback."""

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int]:
        return render_error(exc), exc.code or 500

    @app.errorhandler(DatabaseError)
    def _database(exc: DatabaseError) -> tuple[str, int]:
        app.logger.warning("database error on %s: %s", request.path, exc)
        if is_busy(exc):
            return render_error(ServiceUnavailable(description="busy")), 503
        return render_error(InternalServerError()), 500

    @app.errorhandler(Exception)
    def _other(exc: Exception) -> tuple[str, int]:
        app.logger.exception("error on %s", request.path)
        return render_error(InternalServerError()), 500


def render_error(exc: HTTPException) -> str:
    return render_template("error.html", code=exc.code, reason=exc.description or "")
