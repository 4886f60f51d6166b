"""A crawl that shares its database with another writer stores every article and records no error.

Before the storage package, a crawl that met another writer (an operator's bulk mark,
``pantau rescore``) failed articles at once with ``database is locked``: a deferred transaction
that reads first cannot wait when it upgrades to a write. Here a second process takes the write
lock again and again for seconds at a time while a real crawl of two loopback sites runs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO, crawl, write_sources

SITES = ["lumajang", "kominfo-babel"]
HOLD_SECONDS = 2.5
# Long enough that a download in flight while the crawl waits for the lock is not counted as a
# timeout: the wait blocks the crawl's event loop, which is what is being tested, not the sites.
PATIENT = {"DOWNLOAD_TIMEOUT": "30"}

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipelines.storage import Store
    db, stop, hold = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
    held = 0
    with Store(db) as store:
        while not stop.exists():
            with store.write():            # BEGIN IMMEDIATE: the write lock, held for seconds
                store.save_validators("https://holder.example/feed", f'"{held}"', None)
                time.sleep(hold)
            held += 1
            time.sleep(0.2)
    print(held)
""")


def test_a_second_writer_costs_no_article(demo_sites: Any, tmp_path: Path) -> None:
    sources = write_sources(demo_sites, tmp_path / "sources.yaml", SITES)
    alone = crawl(sources, tmp_path / "alone.db", "--since", "3650d", settings=PATIENT)
    assert len(alone.rows("select url_key from articles")) >= 20

    shared = tmp_path / "shared.db"     # created by the holder's Store
    baseline = {r["url_key"] for r in alone.rows("select url_key from articles")}
    stop = tmp_path / "stop"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(shared), str(stop),
                               str(HOLD_SECONDS)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)  # the holder has the lock when the crawl starts
        result = crawl(sources, shared, "--since", "3650d", settings=PATIENT)
    finally:
        stop.touch()
        held = int(holder.communicate(timeout=30)[0].strip() or 0)
    assert held >= 2, "the second writer never held the lock during the crawl"
    stored = {r["url_key"] for r in result.rows("select url_key from articles")}
    assert stored == baseline
    runs = result.runs()
    assert set(runs) == set(SITES)
    for source, run in runs.items():
        assert run["status"] == "ok", (source, run)
        assert run["error_count"] == 0 and run["errors"] == {}, (source, run)
        kept = result.rows("select count(*) as n from articles where source = ?", [source])[0]["n"]
        assert run["new_articles"] == kept, (source, run)   # the run row tells the truth
    assert "database is locked" not in result.stderr
    open_rows = result.rows("select count(*) as n from frontier where kind = 'article' "
                            "and state not in ('stored', 'dropped')")[0]["n"]
    assert open_rows == 0                               # nothing left waiting for a next run
