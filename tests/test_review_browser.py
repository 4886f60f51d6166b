"""The review app in a real browser: headless Chromium (Debian's) driven by Playwright.

Why a browser at all: the keyboard shortcuts are JavaScript, the CSP and the sandboxed iframe
are enforced only by a browser, and "the hostile article is inert" means no script ran, which
only a browser can tell. Kept to a few tests (one browser for the module, a fresh database and a
real server thread on 127.0.0.1 per test). Screenshots go to ``screenshots/`` (git-ignored) or
``$PANTAU_SCREENSHOTS``. Needs ``apt-get install chromium`` and ``pip install playwright``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from review.app import create_app
from tests.test_review import FIXTURE_DAY, HOSTILE_ID, REPO_ROOT, build_db, rows

CHROMIUM = os.environ.get("PANTAU_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = Path(os.environ.get("PANTAU_SCREENSHOTS", REPO_ROOT / "screenshots"))

sync_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else \
    __import__("playwright.sync_api", fromlist=["sync_playwright"])
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


@dataclass
class Served:
    url: str
    db: Path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("browser") / "template.db")


@pytest.fixture
def served(template: Path, tmp_path: Path) -> Iterator[Served]:
    """The app on a fresh copy of the fixture database, in a real server thread on loopback."""
    from werkzeug.serving import make_server

    db = Path(shutil.copy(template, tmp_path / "review.db"))
    server = make_server("127.0.0.1", 0, create_app(db, secret_key="browser"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", db)
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


def launch(pw: Any, attempts: int = 2) -> Any:
    """Chromium, with one retry: on a loaded machine its first start can die before the pipe opens."""
    for attempt in range(attempts):
        try:
            return pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        except sync_api.Error:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="id-ID")
    tab = context.new_page()
    tab.set_default_timeout(5000)
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def story_ids(page: Any) -> list[int]:
    return [int(x) for x in page.locator("article.story").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")]


def test_operator_filters_searches_opens_and_marks(page: Any, served: Served) -> None:
    page.goto(served.url + "/")
    assert story_ids(page)[:2] == [1, 6]
    shot(page, "inbox")
    page.select_option("form.filters select[name=region]", "Kabupaten Tulungagung")
    with page.expect_navigation():
        page.click("#apply-filters")
    assert story_ids(page) == [1]
    page.keyboard.press("/")
    page.keyboard.type('"sepeda motor"')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert story_ids(page) == [1] and "region=Kabupaten" in page.url
    assert page.locator("article.story .snippet mark").first.inner_text().lower() == "sepeda motor"
    with page.expect_navigation():
        page.click("article.story a.open")
    page.wait_for_selector("#clean-text mark")
    shot(page, "article")
    page.fill("#mark-form textarea[name=note]", "Pelaku sudah diamankan Polres")
    with page.expect_navigation():
        page.click("#mark-form button[value=relevant]")
    assert "q=" in page.url  # back on the filtered list it came from
    marks = rows(served.db, "select article_id, status, note from reviews where note like 'Pelaku%' "
                 "order by article_id")
    assert [(r["article_id"], r["status"]) for r in marks] == [(1, "relevant"), (2, "relevant")]


def test_keyboard_shortcuts_move_and_mark(page: Any, served: Served) -> None:
    page.goto(served.url + "/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.locator("article.story.current").get_attribute("data-id") == "1"
    page.keyboard.press("j")  # the hostile story
    with page.expect_navigation():
        page.keyboard.press("x")
    assert rows(served.db, "select status from articles where id = ?", (HOSTILE_ID,))[0]["status"] == "not_relevant"
    assert page.locator("article.story.current").get_attribute("data-id") == "3"  # selection kept its place
    with page.expect_navigation():
        page.keyboard.press("f")
    assert rows(served.db, "select status, reviewed_by from articles where id = 3")[0]["status"] == "follow_up"
    with page.expect_navigation():
        page.keyboard.press("o")
    assert "/article/8" in page.url
    with page.expect_navigation():
        page.keyboard.press("r")  # on an article page, r marks that article's story
    assert rows(served.db, "select status from articles where id = 8")[0]["status"] == "relevant"


def test_hostile_article_is_inert(page: Any, served: Served) -> None:
    fetched: list[str] = []
    console: list[str] = []
    page.on("response", lambda response: fetched.append(response.url))
    page.on("console", lambda message: console.append(message.text))
    for path in ("/", "/?q=kerusuhan", "/?status=all&source=detikkasus", f"/article/{HOSTILE_ID}"):
        page.goto(served.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    page.hover("h1.title")
    page.locator(".metadata .author").hover()
    page.locator("iframe.raw-frame").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    assert f"{served.url}/article/{HOSTILE_ID}/raw" in fetched  # its <script> page did render
    assert any("sandboxed" in m or "Content Security Policy" in m for m in console)  # and was stopped
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.get_by_text("<script>window.__pwned=1", exact=False).count() >= 1  # shown as text


def test_post_without_csrf_token_is_refused(page: Any, served: Served) -> None:
    page.goto(served.url + "/")
    status = page.evaluate("""async () => {
        const body = new URLSearchParams({ids: '1', mark: 'relevant'});
        const r = await fetch('/mark', {method: 'POST', body});
        return r.status; }""")
    assert status == 400
    assert rows(served.db, "select status from articles where id = 1")[0]["status"] == "new"


def test_digest_page_prints(page: Any, served: Served) -> None:
    page.goto(served.url + f"/digest?day={FIXTURE_DAY.isoformat()}")
    assert page.locator(".by-region .region h3").first.inner_text().startswith("Kota Pangkalpinang")
    shot(page, "digest")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()


def test_serve_refuses_a_public_address_without_a_password(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_REVIEW_")}
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "serve", "--db", str(tmp_path / "x.db"),
                           "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True,
                          timeout=60, cwd=REPO_ROOT, env=env)
    assert proc.returncode == 1
    assert "refusing to serve on 0.0.0.0" in proc.stderr and "Traceback" not in proc.stderr
