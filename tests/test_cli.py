"""The `pantau` command as a user runs it: in a subprocess, against files and loopback sites."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.cli_options import DB_ENVVAR, DEFAULT_DB
from crawler.review_cli import review_password, serve
from tests.conftest import FAST, REPO, crawl, run_pantau, write_sources

SEEDS = sorted((REPO / "crawler" / "demo" / "pages").glob("*-seed.json"))


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and "Example" in command.help, f"{name} lacks an example"


def test_every_database_command_takes_the_one_db_option() -> None:
    """``--db`` is defined once: same default, variable and help; ``demo`` only changes default."""
    takes = {name: next(p for p in command.params if p.name == "db")
             for name, command in main.commands.items()
             if any(p.name == "db" for p in command.params)}
    assert set(takes) >= {"crawl", "list", "show", "runs", "reextract", "rescore", "train",
                          "health", "serve", "demo"}
    for name, option in takes.items():
        if name == "demo":
            assert option.default == "demo.db" and option.envvar is None  # never $PANTAU_DB
        else:
            assert (option.default, option.envvar, option.help) == (
                DEFAULT_DB, DB_ENVVAR, "SQLite database file."), name
        assert option.opts == ["--db"] and option.show_default, name


def test_the_review_app_imports_no_crawler_code() -> None:
    code = ("import sys, review.app, review.auth\n"
            "print(sorted(m for m in sys.modules if m == 'crawler' or m.startswith('crawler.')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stdout + proc.stderr
    assert not (REPO / "review" / "cli.py").exists()


def test_serve_and_review_password_are_pantau_commands(tmp_path: Path) -> None:
    assert main.commands["serve"] is serve and main.commands["review-password"] is review_password
    helped = run_pantau("serve", "--help")
    assert helped.returncode == 0 and "--db" in helped.stdout and "Example" in helped.stdout
    refused = CliRunner().invoke(serve, ["--db", str(tmp_path / "x.db"), "--host", "0.0.0.0",
                                         "--port", "0"],
                                 env={"PANTAU_REVIEW_PASSWORD_HASH": "",
                                      "PANTAU_REVIEW_SETTINGS": ""})
    assert refused.exit_code == 1 and "refusing to serve on 0.0.0.0" in refused.output
    digest = CliRunner().invoke(review_password, ["--password", "rahasia"]).output.strip()
    assert digest.startswith("scrypt:") and "rahasia" not in digest


def test_malformed_sources_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: a\n    url: https://a.example.id/\n  - name: b\n"
                   "    sitemap: https://b.example.id/sitemap.xml\n    url: https://b.example.id/\n")
    proc = run_pantau("crawl", "--sources", str(bad), "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 1
    assert f"{bad}:5" in proc.stderr and "sitemap" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_since_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "sources.yaml"
    good.write_text("sources:\n  - name: a\n    url: https://a.example.id/\n")
    proc = run_pantau("crawl", "--sources", str(good), "--since", "last tuesday")
    assert proc.returncode == 1 and "--since" in proc.stderr


@pytest.mark.parametrize("seed_file", SEEDS, ids=lambda p: p.stem)
def test_extract_prints_each_seed_clean(seed_file: Path, demo_sites: Any, tmp_path: Path) -> None:
    seed = json.loads(seed_file.read_text(encoding="utf-8"))
    site = seed_file.name.removesuffix("-seed.json")
    url = demo_sites.servers[site].base_url + seed["url_path"]
    saved = tmp_path / "page.html"
    with urlopen(url) as response:
        saved.write_bytes(response.read())
    for args in (["extract", url], ["extract", str(saved), "--url", url]):
        proc = run_pantau(*args)
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert {"url", "title", "text", "published", "author"} <= set(out)
        assert out["title"] == seed["title"]
        assert out["published"][:10] == seed["published"][:10]
        for clutter in seed["must_not_contain"]:
            assert clutter not in out["text"], f"{site}: {clutter!r} leaked"


def test_list_show_and_runs_after_a_crawl(demo_sites: Any, tmp_path: Path) -> None:
    sources = write_sources(demo_sites, tmp_path / "s.yaml", ["kominfo-babel"])
    db = tmp_path / "p.db"
    crawl(sources, db, "--since", "2017-01-01")
    listed = json.loads(run_pantau("list", "--db", str(db), "--json").stdout)
    assert listed and listed == sorted(listed, key=lambda r: r["published"] or "", reverse=True)
    found = json.loads(run_pantau("list", "--db", str(db), "--json", "--search", "konflik").stdout)
    assert any("Konflik" in r["title"] for r in found)
    shown = run_pantau("show", str(listed[0]["id"]), "--db", str(db))
    assert shown.returncode == 0 and listed[0]["title"] in shown.stdout
    assert run_pantau("show", "99999", "--db", str(db)).returncode == 1
    runs = run_pantau("runs", "--db", str(db))
    assert "kominfo-babel" in runs.stdout and "ok" in runs.stdout
    stories = json.loads(run_pantau("list", "--db", str(db), "--json", "--stories").stdout)
    assert stories and sum(s["articles"] for s in stories) == len(listed)
    new = json.loads(run_pantau("list", "--db", str(db), "--json", "--status", "new").stdout)
    assert new == listed
    assert json.loads(run_pantau("list", "--db", str(db), "--json", "--status",
                                 "relevant").stdout) == []
    recent = json.loads(run_pantau("list", "--db", str(db), "--json", "--since",
                                   "2100-01-01").stdout)
    assert recent == []
    table = run_pantau("list", "--db", str(db), "--search", "konflik OR -zzz")
    assert table.returncode == 0 and "Konflik" in table.stdout
    missing = run_pantau("list", "--db", str(tmp_path / "nope.db"))
    assert missing.returncode == 1 and "no such database" in missing.stderr


def test_scrapy_crawl_news_works_from_the_repository_root(demo_sites: Any, tmp_path: Path) -> None:
    sources = write_sources(demo_sites, tmp_path / "s.yaml", ["lumajang"])
    db = tmp_path / "scrapy.db"
    opts = [x for k, v in FAST.items() for x in ("-s", f"{k}={v}")]
    scrapy = Path(sys.executable).with_name("scrapy")
    proc = subprocess.run([str(scrapy), "crawl", "news", "-a", f"sources={sources}", "-a",
                           f"db={db}", "-a", "since=2017-01-01", *opts], cwd=REPO,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import sqlite3
    count = sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0]
    assert count >= 5


def test_demo_command_crawls_the_bundled_sites(tmp_path: Path) -> None:
    proc = run_pantau("demo", "--db", str(tmp_path / "demo.db"), timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "new articles from" in proc.stdout and "pantau list" in proc.stdout
    listed = run_pantau("list", "--db", str(tmp_path / "demo.db"), "--json")
    assert len(json.loads(listed.stdout)) >= 20


@pytest.mark.skipif(shutil.which("datasette", path=str(Path(sys.executable).parent)) is None,
                    reason="datasette not installed")
def test_datasette_shows_the_tables(demo_sites: Any, tmp_path: Path) -> None:
    sources = write_sources(demo_sites, tmp_path / "s.yaml", ["tribratanews-tulungagung"])
    db = tmp_path / "pantau.db"
    crawl(sources, db, "--since", "2017-01-01")
    datasette = Path(sys.executable).with_name("datasette")
    proc = subprocess.run([str(datasette), str(db), "--get", "/pantau.json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    tables = {t["name"] for t in json.loads(proc.stdout)["tables"]}
    assert {"articles", "sources", "crawl_runs", "url_aliases", "raw_pages"} <= tables
