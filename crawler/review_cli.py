"""``pantau serve`` (and ``pantau review-password``): run the review app, make a password hash.

Why here and not in ``review/``: the review app imports no crawler code, while the commands share
the CLI's options (``--db``); so the commands live in the CLI layer and import ``review.app`` and
``review.auth``. They are registered on the ``pantau`` group in :mod:`crawler.cli`.

Why the refusal lives here: binding is the moment the app becomes reachable from elsewhere, so
``serve`` checks the address against the configured credentials (``review.auth.check_bind``)
before opening any socket, and says in one line what to configure. The review package (Flask)
is imported when one of these commands runs, not by every ``pantau`` command.
"""

from __future__ import annotations

import click

from crawler.cli_options import db_option


@click.command()
@db_option()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback needs accounts or a shared password.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--settings", envvar="PANTAU_REVIEW_SETTINGS", type=click.Path(dir_okay=False),
              help="TOML file with secret_key, shared_password_hash and/or [accounts].")
@click.option("--timezone", "timezone_name", default="Asia/Jakarta", show_default=True,
              help="Time zone of the operators' days (date filters, the daily digest).")
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie over HTTPS only (behind a TLS proxy).")
def serve(db: str, host: str, port: int, settings: str | None, timezone_name: str,
          secure_cookies: bool) -> None:
    """Serve the operators' review web app (inbox, articles, marks, digest, exports, runs).

    \b
    Example:
      pantau serve --db pantau.db                 # http://127.0.0.1:8080/, no password needed
      PANTAU_REVIEW_PASSWORD_HASH='scrypt:...' pantau serve --host 0.0.0.0
    """
    from review.auth import AuthConfigError, BindRefused, check_bind, load_auth

    try:
        auth = load_auth(settings)
        check_bind(host, auth)
    except (AuthConfigError, BindRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    from werkzeug.serving import make_server

    from review.app import create_app

    app = create_app(db, auth=auth, timezone_name=timezone_name, cookie_secure=secure_cookies)
    server = make_server(host, port, app, threaded=True)
    click.echo(f"Pantau review on http://{host}:{server.server_port}/  (database {db}; Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command("review-password")
@click.password_option(help="The password (asked twice when not given).")
def review_password(password: str) -> None:
    """Print a scrypt hash of a password for PANTAU_REVIEW_PASSWORD_HASH or [accounts].

    \b
    Example:
      pantau review-password            # then: export PANTAU_REVIEW_PASSWORD_HASH='scrypt:...'
    """
    from review.auth import hash_password

    click.echo(hash_password(password))
