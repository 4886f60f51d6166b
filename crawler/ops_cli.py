"""Operations commands: ``pantau schedule`` (the nightly service) and ``pantau health``.

They are plain click commands, registered on the ``pantau`` group in :mod:`crawler.cli`. As there,
errors are translated once, here: a bad settings file or a missing database is one readable line
and exit status 1. ``pantau health`` exits 2 when a source is unhealthy, so cron or a monitoring
system can alert.

The scheduler's parts are in :mod:`crawler.schedule` (this module imports them; they never import
the CLI); ``scheduler.py`` at the repository root is a thin entry point over this ``schedule``.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from tabulate import tabulate

from crawler.cli_options import db_option, json_option
from crawler.health import HealthSettings, SourceHealth, assess_all, read_histories
from crawler.schedule.config import Config, ConfigError, check_sources, load_config
from pipelines.storage import DatabaseMissing, Store

UNHEALTHY_EXIT = 2


def read_config(path: str) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def setup_logging(verbose: bool) -> None:
    """Timestamped lines on stderr: journald and cron mail keep them."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)


# schedule --------------------------------------------------------------------------------------
@click.command()
@click.option("--config", "config_path", default="pantau.toml", show_default=True,
              envvar="PANTAU_CONFIG", type=click.Path(dir_okay=False),
              help="Settings file (TOML): crawl, schedule, health and alert settings.")
@click.option("--once", is_flag=True,
              help="Crawl every group once now, judge health, alert, and exit (for cron).")
@click.option("--group", "groups", multiple=True, metavar="NAME",
              help="With --once: only this group (repeatable).")
@click.option("--list", "list_jobs", is_flag=True, help="Show the groups and their next run.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging.")
def schedule(config_path: str, once: bool, groups: tuple[str, ...], list_jobs: bool,
             verbose: bool) -> None:
    """Run the nightly crawls on their schedule (default 01:00 Asia/Jakarta), one at a time.

    Each crawl is its own `pantau crawl` process with a time limit and a stall watchdog; after
    each, the sources' health is judged and alerts go to the webhook and/or e-mail. SIGTERM or
    Ctrl-C ends the running crawl gracefully and exits 0.

    \b
    Example:
      pantau schedule --config pantau.toml            # the service (systemd runs this)
      pantau schedule --config pantau.toml --once     # one crawl of every group now (cron)
      pantau schedule --config pantau.toml --list
    """
    from crawler.schedule.service import Nightly, next_runs

    config = read_config(config_path)
    if list_jobs:
        click.echo(tabulate(next_runs(config), headers=("group", "sources", "next run")))
        return
    try:
        check_sources(config)
    except Exception as exc:  # SourcesError, ConfigError, OSError: one line, exit 1
        raise click.ClickException(str(exc)) from exc
    unknown = sorted(set(groups) - {g.name for g in config.schedule.all_groups()})
    if unknown:
        raise click.ClickException(f"unknown group(s): {', '.join(unknown)}")
    setup_logging(verbose)
    service = Nightly(config)
    if not once:
        service.serve()
        return
    bad = [r for r in service.once(groups) if r.outcome not in ("ok", "failed", "stopped")]
    if bad:
        raise click.ClickException("; ".join(f"group {r.group}: {r.outcome} ({r.detail})"
                                             for r in bad))


# health ----------------------------------------------------------------------------------------
@click.command()
@db_option()
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Settings file: its [health] thresholds, and its database unless --db is given.")
@click.option("--source", "select", multiple=True, metavar="NAME",
              help="Only this source (repeatable).")
@json_option
@click.pass_context
def health(ctx: click.Context, db: str, config_path: str | None, select: tuple[str, ...],
           as_json: bool) -> None:
    """Judge every source from its run history; exit 2 when any source is unhealthy.

    A source is unhealthy when its last runs failed, when it stopped yielding new articles although
    it used to, when its texts turned empty or short or its pages stopped being articles, when its
    error rate jumped, when it serves block or captcha pages, when robots.txt now forbids us, or
    when no run reached it lately. A run skipped because another crawl held the source is not
    judged. Warnings (a limit cut the last run, where and by which setting; the last run was
    skipped) are listed below the table and do not make a source unhealthy.
    Exit status: 0 all healthy, 2 unhealthy, 1 error.

    \b
    Example:
      pantau health --db pantau.db
      pantau health --config pantau.toml --json || notify-operator
    """
    settings, db_path, names = HealthSettings(), Path(db), list(select) or None
    if config_path:
        config = read_config(config_path)
        settings = config.health
        if ctx.get_parameter_source("db") in (click.core.ParameterSource.DEFAULT, None):
            db_path = config.crawl.db
        names = names or configured_sources(config)
    try:
        with Store(db_path, readonly=True) as store:
            results = assess_all(read_histories(store, settings, names), settings)
    except DatabaseMissing:
        raise click.ClickException(f"{db_path}: no such database (run `pantau crawl` first)") from None
    click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2)
               if as_json else health_table(results))
    if any(not r.healthy for r in results):
        ctx.exit(UNHEALTHY_EXIT)


def configured_sources(config: Config) -> list[str] | None:
    """The sources file's names, so a source removed from it is no longer judged (None: every
    source with runs, when the file cannot be read)."""
    from crawler.sources import SourcesError, load_sources

    try:
        return [s.name for s in load_sources(str(config.crawl.sources))]
    except (SourcesError, OSError):
        return None


def health_table(results: list[SourceHealth]) -> str:
    if not results:
        return "no crawl runs recorded yet"
    rows = [{"source": r.source, "health": "ok" if r.healthy else "UNHEALTHY",
             "last run": (r.last_started or "-")[:16].replace("T", " "),
             "status": r.last_status or "-",
             "problems": "; ".join(f"{p.rule}: {p.detail}" for p in r.problems) or "-"}
            for r in results]
    bad = sum(1 for r in results if not r.healthy)
    warnings = [f"  {r.source}: {w.rule}: {w.detail}" for r in results for w in r.warnings]
    notes = ("\n\nwarnings (not unhealthy):\n" + "\n".join(warnings)) if warnings else ""
    return (tabulate(rows, headers="keys") + notes +
            f"\n\n{bad} of {len(results)} sources unhealthy")
