"""Decides WHEN to crawl: APScheduler fires, each crawl is its own ``pantau crawl`` process.

Who does what::

    config.py    the settings file (pantau.toml): one pydantic schema over frozen dataclasses,
                 every default in one place, errors as one line with a did-you-mean
    process.py   one crawl as its own process: command line, stall watchdog, time limit, how it
                 ended (judge)
    service.py   Nightly: jobs per group in APScheduler's job store, one crawl at a time, then
                 source health (crawler.health) and alerts (crawler.alerts); fire() is the job

The entry points are ``pantau schedule`` (:mod:`crawler.ops_cli`) and ``python scheduler.py``
(a thin wrapper at the repository root, which also keeps ``scheduler:fire`` for job files of
release 0.1.0). Nothing here imports the CLI, and nothing here touches a database but through
:mod:`pipelines.storage`. This package imports none of its modules on import, so
:mod:`crawler.alerts` and :mod:`crawler.health` stay free of the scheduler.
"""
