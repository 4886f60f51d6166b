"""CSRF tokens, security headers and the login gate, installed on the app by ``app.py``.

Why our own CSRF instead of a package: the app has a handful of forms, all server-rendered; a
per-session random token in a hidden field, compared in constant time on every POST, is the whole
mechanism, and it also covers the keyboard shortcuts (they submit the same forms).
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, redirect, request, session, url_for

CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Strict: scripts and styles only from our own static files, no inline script, no plugins, no
# framing of our pages; frames only of our own sandboxed raw-page view.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
# The raw page is the crawled HTML itself: a sandbox with no scripts, no requests out.
RAW_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
PUBLIC_ENDPOINTS = frozenset({"review.login", "review.set_language", "static"})


def csrf_token() -> str:
    token = session.get(CSRF_FIELD)
    if not token:
        token = session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Refuse any state change whose form does not carry this session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(str(expected), sent):
        abort(400, description="csrf")


def require_login() -> Response | None:
    """With passwords configured, every page but the login needs a signed-in operator."""
    auth = request.environ.get("pantau.auth_required")
    if not auth or request.endpoint in PUBLIC_ENDPOINTS or session.get("reviewer"):
        return None
    if request.method in UNSAFE_METHODS:
        abort(403)
    return redirect(url_for("review.login", next=request.full_path.rstrip("?")))


def security_headers(response: Response) -> Response:
    headers = response.headers
    raw = request.endpoint == "review.raw_html"
    headers["Content-Security-Policy"] = RAW_CSP if raw else CSP
    headers["X-Frame-Options"] = "SAMEORIGIN" if raw else "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint != "static":
        headers.setdefault("Cache-Control", "no-store")
    return response


def install(app: Flask, auth_required: bool) -> None:
    @app.before_request
    def _gate() -> Response | None:
        request.environ["pantau.auth_required"] = auth_required
        check_csrf()
        return require_login()

    app.after_request(security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
