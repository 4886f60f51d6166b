"""Source health rules over run history, the history reader, and ``pantau health``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler.health import (
    HealthSettings,
    RunRecord,
    SourceHistory,
    assess,
    read_histories,
)
from crawler.ops_cli import health, health_table
from crawler.schedule.config import ConfigError, load_config
from crawler.sources import Source
from pipelines.storage import Store

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
S = HealthSettings(silent_runs=3, min_baseline_runs=2, failed_runs=2, min_sample=3)


def run(days_ago: float, status: str = "ok", new: int = 5, words: tuple[int, ...] = (300,) * 5,
        requests: int = 40, errors: dict[str, int] | None = None,
        not_articles: int = 0) -> RunRecord:
    errors = errors or {}
    started = (NOW - timedelta(days=days_ago)).isoformat()
    return RunRecord(run_id=f"r{days_ago}", started=started, status=status, requests=requests,
                     pages=requests, new_articles=new, not_articles=not_articles,
                     error_count=sum(errors.values()), errors=errors,
                     word_counts=words if new else ())


def history(*runs: RunRecord) -> SourceHistory:
    return SourceHistory("kominfo-babel", tuple(runs))


def rules(h: SourceHistory, settings: HealthSettings = S) -> list[str]:
    return [p.rule for p in assess(h, settings, NOW).problems]


def test_a_site_that_publishes_as_usual_is_healthy() -> None:
    assert rules(history(*(run(d) for d in range(1, 10)))) == []


def test_silent_is_flagged_only_after_the_configured_number_of_empty_runs() -> None:
    baseline = [run(d) for d in range(4, 10)]
    assert rules(history(run(1, new=0), run(2, new=0), run(3), *baseline)) == []
    h = history(run(1, new=0), run(2, new=0), run(3, new=0), *baseline)
    assert rules(h) == ["silent"]
    assert "no new articles in the last 3 runs" in assess(h, S, NOW).problems[0].detail


def test_a_site_that_rarely_publishes_is_not_silent() -> None:
    rare = [run(d, new=1 if d % 7 == 0 else 0) for d in range(1, 15)]
    assert rules(history(*rare)) == []


def test_interrupted_runs_are_no_evidence_of_silence() -> None:
    h = history(run(0.5, "interrupted", new=0), run(1, new=0), run(2, new=0),
                *(run(d) for d in range(3, 9)))
    assert "silent" not in rules(h)


def test_a_brand_new_source_without_history_is_not_judged_silent() -> None:
    assert rules(history(run(1, new=0), run(2, new=0), run(3, new=0))) == []


def test_short_texts_absolute_and_relative() -> None:
    usual = [run(d, words=(400, 380, 420)) for d in range(2, 6)]
    assert rules(history(run(1, words=(12, 0, 8)), *usual)) == ["short_texts"]
    collapsed = assess(history(run(1, words=(120, 110, 130)), *usual), S, NOW).problems
    assert [p.rule for p in collapsed] == ["short_texts"] and "usually 400" in collapsed[0].detail
    assert rules(history(run(1, words=(350, 390, 410)), *usual)) == []
    assert rules(history(run(1, new=2, words=(5, 5)), *usual)) == []  # too few to judge


def test_not_articles_dominating_the_last_run() -> None:
    assert rules(history(run(1, new=1, words=(300,), not_articles=9),
                         *(run(d) for d in range(2, 5)))) == ["not_articles"]
    assert rules(history(run(1, new=5, not_articles=3), *(run(d) for d in range(2, 5)))) == []


def test_error_rate_jump_against_the_sites_own_history() -> None:
    usual = [run(d, errors={"http_404": 2}) for d in range(2, 6)]                # 5 %
    assert rules(history(run(1, errors={"timeout": 20}), *usual)) == ["error_jump"]
    assert rules(history(run(1, errors={"http_404": 4}), *usual)) == []
    flaky = [run(d, errors={"http_500": 18}) for d in range(2, 6)]               # 45 % as usual
    assert rules(history(run(1, errors={"http_500": 20}), *flaky)) == []
    assert rules(history(run(1, errors={"timeout": 20}))) == []                  # no history yet


def test_blocked_and_robots_forbidden_use_the_extraction_and_spider_counts() -> None:
    normal = [run(d) for d in range(2, 5)]
    assert rules(history(run(1, errors={"blocked": 3}), *normal)) == ["blocked"]
    forbidden = history(run(1, new=0, errors={"robots_forbidden": 1}), *normal)
    assert rules(forbidden) == ["robots_forbidden"]


def test_failing_after_consecutive_failed_runs() -> None:
    normal = [run(d) for d in range(3, 6)]
    assert rules(history(run(1, "failed", new=0, errors={"dns": 1}), *normal)) == []
    h = history(run(1, "failed", new=0, errors={"dns": 1}),
                run(2, "failed", new=0, errors={"connection_refused": 1}), *normal)
    assert rules(h) == ["failing"]
    assert "connection_refused, dns" in assess(h, S, NOW).problems[0].detail


def test_stale_when_no_run_reached_the_source() -> None:
    assert rules(history(*(run(d) for d in range(3, 8)))) == ["stale"]
    assert rules(history(*(run(d) for d in range(3, 8))), HealthSettings(stale_hours=0)) == []


LISTING_CUT = {"listing_pages": {"limit": 20, "hits": 1, "at": "http://x/berita?hal=21",
                                 "setting": "PANTAU_MAX_LISTING_PAGES"}}


def warnings(h: SourceHistory) -> list[tuple[str, str]]:
    return [(w.rule, w.detail) for w in assess(h, S, NOW).warnings]


def test_a_limit_the_last_run_hit_is_a_warning_naming_it_not_a_problem() -> None:
    normal = [run(d) for d in range(2, 6)]
    h = history(replace(run(1), limits=LISTING_CUT), *normal)
    result = assess(h, S, NOW)
    assert result.healthy and result.problems == ()
    ((rule, detail),) = warnings(h)
    assert rule == "limits"
    assert "listing_pages=20 (PANTAU_MAX_LISTING_PAGES) stopped at http://x/berita?hal=21" in detail
    assert warnings(history(run(1), replace(run(2), limits=LISTING_CUT), *normal)) == []
    table = health_table([result])
    assert "warnings (not unhealthy):" in table and "kominfo-babel: limits: last run cut by listing_pages=20" in table
    assert table.endswith("0 of 1 sources unhealthy")


def test_a_skipped_run_is_not_judged_and_the_last_crawled_runs_limits_still_show() -> None:
    normal = [run(d) for d in range(3, 7)]
    skipped = run(1, "skipped", new=0, requests=0)
    h = history(replace(skipped, skipped={"source_busy": 1}), replace(run(2), limits=LISTING_CUT),
                *normal)
    result = assess(h, S, NOW)
    assert result.healthy and result.last_status == "skipped"
    assert [w[0] for w in warnings(h)] == ["limits", "skipped"]
    # skipped runs neither make nor break a failing streak, nor a silence
    failed = run(2, "failed", new=0, errors={"dns": 1})
    assert rules(history(skipped, failed, skipped, *normal)) == []
    assert rules(history(skipped, failed, skipped, failed, *normal)) == ["failing"]
    assert rules(history(*(replace(skipped, started=run(d).started) for d in (0.2, 0.5, 0.8)),
                         *normal)) == []
    assert rules(history(skipped, skipped)) == []


def test_read_histories_decodes_limits_and_skipped(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.register_sources([Source(name="lumajang", url="http://x/", kind="government",
                                       region=None)])
        row = store.start_run("r1", "lumajang", None)
        store.finish_run(row, "lumajang", {"requests": 3, "pages": 3}, "ok", LISTING_CUT)
        store.skip_run("r2", "lumajang", None, "source_busy")
    with Store(db, readonly=True) as store:
        (h,) = read_histories(store, HealthSettings())
    assert [r.status for r in h.runs] == ["skipped", "ok"]
    assert h.runs[0].skipped == {"source_busy": 1} and h.runs[1].limits == LISTING_CUT
    assert h.last_crawled() is h.runs[1]


def test_settings_from_the_health_table_refuse_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[health]\nsilent_runs = 2\nstale_hours = 12\n")
    assert load_config(path).health == HealthSettings(silent_runs=2, stale_hours=12.0)
    path.write_text("[health]\nsilent_run = 2\n")
    with pytest.raises(ConfigError, match=r"\[health\] silent_run: unknown setting \(did you "
                                          r"mean 'silent_runs'\?\)"):
        load_config(path)


# the database reader and the command -----------------------------------------------------------
def seed(db: Path, runs: list[dict[str, Any]], articles: list[tuple[str, int]]) -> None:
    store = Store(db)
    store.db["sources"].insert({"name": "lumajang", "url": "http://x/"})
    store.db["crawl_runs"].insert_all(
        {"run_id": r["run_id"], "source": "lumajang", "started": r["started"], "ended": r["ended"],
         "status": r.get("status", "ok"), "requests": 10, "pages": 10,
         "new_articles": r["new"], "known_skipped": 0, "too_old": 0, "not_articles": 0,
         "errors": json.dumps(r.get("errors", {})),
         "error_count": sum(r.get("errors", {}).values()), "skipped": "{}"} for r in runs)
    store.db["articles"].insert_all(
        {"url": f"http://x/{i}", "url_key": f"x/{i}", "source": "lumajang", "fetched_at": a[0],
         "word_count": a[1]} for i, a in enumerate(articles))
    store.close()


def iso(hours_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()


def test_read_histories_attaches_each_runs_article_word_counts(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    seed(db, [{"run_id": "a", "started": iso(49)[:19] + "+00:00", "ended": iso(48), "new": 2},
              {"run_id": "b", "started": iso(25)[:19] + "+00:00", "ended": iso(24), "new": 1}],
         [(iso(48.5), 300), (iso(48.4), 310), (iso(24.5), 12)])
    with Store(db, readonly=True) as store:
        (h,) = read_histories(store, HealthSettings())
        assert read_histories(store, HealthSettings(), ["never-crawled"])[0].runs == ()
    assert [r.run_id for r in h.runs] == ["b", "a"]
    assert h.runs[0].word_counts == (12,) and sorted(h.runs[1].word_counts) == [300, 310]


def test_health_command_exit_status_and_json(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    runs = [{"run_id": f"r{i}", "started": iso(24 * i + 1), "ended": iso(24 * i + 0.5), "new": 3}
            for i in range(5)]
    seed(db, runs, [])
    ok = CliRunner().invoke(health, ["--db", str(db)])
    assert ok.exit_code == 0, ok.output
    assert "lumajang" in ok.output and "0 of 1 sources unhealthy" in ok.output
    runs[0]["errors"] = {"blocked": 2}
    db.unlink()
    seed(db, runs, [])
    bad = CliRunner().invoke(health, ["--db", str(db), "--json"])
    assert bad.exit_code == 2
    (entry,) = json.loads(bad.output)
    assert entry["healthy"] is False and entry["problems"][0]["rule"] == "blocked"


def test_health_command_reads_thresholds_and_db_from_the_settings_file(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    seed(db, [{"run_id": "old", "started": iso(30), "ended": iso(29), "new": 1}], [])
    (tmp_path / "p.toml").write_text('[crawl]\ndb = "p.db"\n[health]\nstale_hours = 12\n')
    result = CliRunner().invoke(health, ["--config", str(tmp_path / "p.toml")])
    assert result.exit_code == 2 and "stale: last run started 30 hours ago" in result.output
    (tmp_path / "p.toml").write_text('[crawl]\ndb = "p.db"\n[health]\nstale_hours = 48\n')
    assert CliRunner().invoke(health, ["--config", str(tmp_path / "p.toml")]).exit_code == 0


def test_health_command_errors_are_one_line(tmp_path: Path) -> None:
    missing = CliRunner().invoke(health, ["--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no such database" in missing.output
    (tmp_path / "bad.toml").write_text("[health]\nsilent_run = 2\n")
    bad = CliRunner().invoke(health, ["--config", str(tmp_path / "bad.toml")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert bad.output == (f"Error: {tmp_path / 'bad.toml'}: [health] silent_run: unknown setting "
                          "(did you mean 'silent_runs'?)\n")
