"""The extraction eval gate, after trafilatura's ``tests/eval_gate.py``.

For every gold page (``tests/fixtures/gold``): the snippets that must survive do, the clutter
snippets that must go do. Over the whole set: mean body F1 and per-field accuracy stay at or above
the floors pinned in ``tests/eval_baseline.json``, and those floors only ever rise (every committed
version of the baseline file is checked against the one before it). Pages whose HTML stays in
../shared are scored separately and skipped when it is absent, so CI without the shared corpus
still enforces the repository floors.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from pipelines.extract import Article, extract_article
from tests.goldset import (
    FIELD_CHECKS,
    GOLD_DIR,
    GoldPage,
    body_f1,
    leaked,
    load_gold,
    lost,
    mean,
    same_time,
)

BASELINE = Path(__file__).parent / "eval_baseline.json"
PAGES = load_gold()
MIN_PAGES = 40
CLUTTER_FAMILIES = ("baca-juga-plain", "baca-juga-plugin", "baca-colon", "simak-lihat", "related-section", "comments",
                    "share-prompts", "view-counter", "photo-caption", "back-link", "sidebar", "trailing-headlines",
                    "hashtags", "credit-lines", "copyright-footer", "hotline-box")
KEEP_FAMILIES = ("attendee-list", "quoted-speech", "baca-word")


@cache
def extracted(page_id: str) -> Article:
    """One extraction per page for the whole session (the gate reads it many times)."""
    page = next(p for p in PAGES if p.id == page_id)
    return extract_article(page.html, page.url, now=page.now)


def _ids(page: GoldPage) -> str:
    return page.id[:60]


def _need(page: GoldPage) -> None:
    """Skip a shared-corpus page when ../shared is absent."""
    if not page.available:
        pytest.skip(f"{page.spec.get('shared_html')} needs ../shared/corpus")


# ---------------------------------------------------------------- the set itself

def test_gold_set_is_large_and_complete() -> None:
    assert len(PAGES) >= MIN_PAGES
    for page in PAGES:
        assert {"url", "now", "title", "must_survive", "must_go", "clutter"} <= set(page.spec), page.id
        assert ("body" in page.spec) != ("body_css" in page.spec), page.id
        assert ("shared_html" in page.spec) or page.html_path.exists(), page.id


def test_every_clutter_family_and_look_alike_is_covered() -> None:
    tags = {tag for page in PAGES for tag in page.spec["clutter"]}
    assert set(CLUTTER_FAMILIES + KEEP_FAMILIES) <= tags, sorted(set(CLUTTER_FAMILIES + KEEP_FAMILIES) - tags)


def test_only_licence_compatible_pages_are_copied() -> None:
    sources = (GOLD_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for page in PAGES:
        if "shared_html" not in page.spec:
            assert page.html_path.name in sources or page.id in sources, f"{page.id} lacks attribution"


# ---------------------------------------------------------------- per page

@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_real_content_survives(page: GoldPage) -> None:
    _need(page)
    assert lost(extracted(page.id).text, page) == []


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_clutter_goes(page: GoldPage) -> None:
    _need(page)
    assert leaked(extracted(page.id).text, page) == []


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_page_is_an_article(page: GoldPage) -> None:
    _need(page)
    assert extracted(page.id).is_article, extracted(page.id).reason


# ---------------------------------------------------------------- aggregate floors

def measure(pages: list[GoldPage]) -> dict[str, float]:
    """Mean body F1, per-field accuracy (day-level date, minute-level where the gold has a time)
    and the number of leaked snippets over ``pages``."""
    figures: dict[str, list[float]] = {"body_f1": [], "published_time": []}
    leaks = 0
    for page in pages:
        article = extracted(page.id)
        figures["body_f1"].append(body_f1(article.text, page.body))
        leaks += len(leaked(article.text, page))
        for name, check in FIELD_CHECKS.items():
            if name in page.spec:
                figures.setdefault(name, []).append(float(check(getattr(article, name), page.spec[name])))
        if page.spec.get("published"):
            figures["published_time"].append(float(same_time(article.published, page.spec["published"])))
    return {**{name: round(mean(values), 4) for name, values in figures.items()}, "leaks": leaks}


def _subset(scope: str) -> list[GoldPage]:
    """The repository's own pages, or those whose HTML stays in ../shared."""
    return [p for p in PAGES if ("shared_html" in p.spec) == (scope == "shared")]


def _floors() -> dict[str, dict[str, float]]:
    return json.loads(BASELINE.read_text(encoding="utf-8"))["floors"]


@pytest.mark.parametrize("scope", ["repo", "shared"])
def test_figures_stay_above_pinned_floors(scope: str) -> None:
    pages = _subset(scope)
    if scope == "shared" and not all(p.available for p in pages):
        pytest.skip("../shared/corpus absent")
    got, floors = measure(pages), _floors()[scope]
    below = {name: (got[name], floor) for name, floor in floors.items() if name != "leaks" and got[name] < floor}
    assert below == {}, f"measured below the pinned floor: {below}"
    assert got["leaks"] <= floors["leaks"]


def _ratchet_ok(older: dict, newer: dict) -> list[str]:
    """Floors that a newer baseline lowered (or a leak ceiling it raised)."""
    bad = []
    for scope, floors in older["floors"].items():
        for name, value in floors.items():
            new = newer["floors"].get(scope, {}).get(name)
            if new is None or (new > value if name == "leaks" else new < value):
                bad.append(f"{scope}.{name}: {value} -> {new}")
    return bad


def test_floors_only_rise() -> None:
    """Every committed version of the baseline, then the working copy, never lowers a floor."""
    if shutil.which("git") is None:
        pytest.skip("git not available")
    repo = BASELINE.parent.parent
    log = subprocess.run(["git", "log", "--reverse", "--format=%H", "--", str(BASELINE.relative_to(repo))],
                         cwd=repo, capture_output=True, text=True, check=False)
    versions = []
    for commit in log.stdout.split() if log.returncode == 0 else []:
        shown = subprocess.run(["git", "show", f"{commit}:{BASELINE.relative_to(repo).as_posix()}"], cwd=repo,
                               capture_output=True, text=True, check=False)
        if shown.returncode == 0:
            versions.append(json.loads(shown.stdout))
    versions.append(json.loads(BASELINE.read_text(encoding="utf-8")))
    lowered = [f for older, newer in itertools.pairwise(versions) for f in _ratchet_ok(older, newer)]
    assert lowered == []


def test_ratchet_detects_a_lowered_floor() -> None:
    older = {"floors": {"repo": {"body_f1": 0.98, "leaks": 0}}}
    assert _ratchet_ok(older, {"floors": {"repo": {"body_f1": 0.97, "leaks": 0}}}) == ["repo.body_f1: 0.98 -> 0.97"]
    assert _ratchet_ok(older, {"floors": {"repo": {"body_f1": 0.99, "leaks": 1}}}) == ["repo.leaks: 0 -> 1"]
    assert _ratchet_ok(older, {"floors": {"repo": {"body_f1": 0.99, "leaks": 0}}}) == []
