"""Options shared by the ``pantau`` commands, each defined once (as sqlite-utils' ``cli.py`` does).

Every command that reads or writes the database takes the same ``--db`` (``pantau.db``, or
``$PANTAU_DB``): crawl, list, show, runs, sources, reextract, rescore, train, health, serve.
``pantau demo`` uses the same option with its own default and no environment variable (it
replaces the file).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

DEFAULT_DB = "pantau.db"
DB_ENVVAR = "PANTAU_DB"

F = TypeVar("F", bound=Callable[..., Any])


def db_option(default: str = DEFAULT_DB, *, help: str = "SQLite database file.",
              envvar: str | None = DB_ENVVAR) -> Callable[[F], F]:
    """``--db FILE``: the Pantau database."""
    return click.option("--db", default=default, show_default=True, envvar=envvar,
                        type=click.Path(dir_okay=False), help=help)


def json_option(func: F) -> F:
    """``--json``: print JSON instead of a table."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print JSON instead of a table.")(func)
