"""Site templates learned from the crawl (``pipelines.template``), on a template no rule knows.

The pages are a Joomla regency portal (``tests/sitepages.py``) whose author box, follow-us line
and comment-feed link sit inside the article body, where no hand-written rule of Pantau removes
them; a police unit's standard closing appeal ends several of its stories and must stay.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.extract import extract_article
from pipelines.template import (
    MIN_PAGES,
    Line,
    SiteTemplate,
    apply_template,
    line_key,
    page_lines,
    sightings,
)
from pipelines.vocabulary import WIB
from tests.conftest import crawl, run_pantau
from tests.sitepages import (
    AUTHOR_BOX,
    CLOSING,
    COMMENT_FEED,
    FOLLOW_US,
    NOW,
    TEMPLATE_LINES,
    StaticSite,
    joomla_pages,
)

HOME = "http://127.0.0.40/"


def learned(pages: list, drop: tuple[str, ...] = ()) -> SiteTemplate:
    template = SiteTemplate("warta")
    for page in pages:
        article = extract_article(page.html, HOME.rstrip("/") + page.path, now=NOW, placed=True, drop=drop)
        template.learn(sightings(article.lines))
    return template


def test_without_a_template_the_clutter_stays() -> None:
    """The baseline this learner is for: today's rules keep these lines (first sight)."""
    page = joomla_pages(1)[0]
    text = extract_article(page.html, HOME + page.path, now=NOW).text
    assert AUTHOR_BOX in text and FOLLOW_US in text and COMMENT_FEED in text


def test_a_template_learned_from_ten_pages_cleans_the_eleventh() -> None:
    pages = joomla_pages(11)
    template = learned(pages[:10])
    assert {line.sample for line in template.template_lines()} >= {AUTHOR_BOX, FOLLOW_US, COMMENT_FEED}
    article = extract_article(pages[10].html, HOME + pages[10].path, now=NOW, template=template)
    assert article.is_article
    for clutter in TEMPLATE_LINES:
        assert clutter not in article.text, clutter
    assert {AUTHOR_BOX, FOLLOW_US, COMMENT_FEED} <= set(article.template_removed)
    assert article.text.split("\n\n") == pages[10].paragraphs


def test_the_first_ten_cleaned_again_keep_the_repeated_closing_sentence() -> None:
    """CLOSING ends four of the ten stories, in the body: a story line, never template."""
    pages = joomla_pages(11)
    template = learned(pages[:10])
    assert line_key(CLOSING) not in {line.key for line in template.template_lines()}
    for page in pages[:10]:
        article = extract_article(page.html, HOME + page.path, now=NOW, template=template)
        assert article.text.split("\n\n") == page.paragraphs, page.path
    assert sum(CLOSING in p.paragraphs for p in pages[:10]) >= 3


def test_a_line_on_too_few_pages_is_not_template() -> None:
    pages = joomla_pages(MIN_PAGES - 1)
    template = learned(pages)
    assert not template.template_lines() and template.version == ""
    article = extract_article(pages[0].html, HOME + pages[0].path, now=NOW, template=template)
    assert AUTHOR_BOX in article.text and not article.template_removed


def test_another_sites_template_removes_nothing() -> None:
    """A template applied to a page of another kind must do nothing."""
    template = learned(joomla_pages(10))
    html = (Path(__file__).parent / "fixtures" / "html" / "seed004_polri_wordpress.html").read_text(encoding="utf-8")
    url = json.loads((Path(__file__).parent / "fixtures" / "html" / "seed004_polri_wordpress.json").read_text())["url"]
    plain = extract_article(html, url, now=NOW)
    with_other = extract_article(html, url, now=NOW, template=template)
    assert with_other.text == plain.text and not with_other.template_removed


def test_numbers_months_and_days_are_one_line() -> None:
    assert line_key("Dilihat: 1.234 kali · Senin, 3 Juni 2024") == line_key("Dilihat: 87 kali · Kamis, 14 Juli 2022")
    assert line_key("Ikuti kami di Google News!") == "ikuti kami di google news"


def test_only_lines_outside_the_main_run_are_removed() -> None:
    """A template line in the middle of the story is the story's (a unit's standard sentence)."""
    template = SiteTemplate("x", pages=10)
    repeated = "Ikuti kami di Google News"
    template.learn([])
    from pipelines.template import TemplateLine
    template.lines[line_key(repeated)] = TemplateLine(line_key(repeated), repeated, "p|div.ikuti", False, 10, 0)
    prose = "Petugas gabungan menggelar patroli malam di sejumlah titik rawan kecamatan hingga pagi hari ini."
    lines = [Line(t, line_key(t), "p|div.body" if t != repeated else "p|div.ikuti", len(t.split()) >= 12)
             for t in (repeated, prose, repeated, prose + " Lanjut.", repeated)]
    kept, removed = apply_template(lines, template)
    assert kept == [prose, repeated, prose + " Lanjut."] and removed == [repeated, repeated]


def test_lines_are_placed_on_the_page() -> None:
    page = joomla_pages(1)[0]
    article = extract_article(page.html, HOME + page.path, now=NOW, placed=True)
    places = {line.text: line.place for line in article.lines}
    assert places[AUTHOR_BOX].startswith("p|div.penulis-box")
    assert places[page.paragraphs[0]] != places[AUTHOR_BOX]
    assert page_lines(["nowhere on the page at all"], None)[0].place == ""


# -- the crawl, reextract, show and extract, as a user runs them ------------------------------

@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    pages = joomla_pages(11, now=datetime.now(WIB).replace(microsecond=0))
    tmp = tmp_path_factory.mktemp("template")
    with StaticSite(pages, "127.0.0.40") as site:
        sources = tmp / "sources.yaml"
        sources.write_text(f"sources:\n  - name: warta-lumajang\n    url: {site.url}\n    kind: news\n"
                           f"    region: Kabupaten Lumajang\n", encoding="utf-8")
        db = tmp / "pantau.db"
        result = crawl(sources, db)
        yield {"pages": pages, "db": db, "result": result, "site": site, "sources": sources}


def rows(db: Path, sql: str) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()


def test_the_crawl_learns_the_template_and_cleans_even_its_first_pages(crawled: dict) -> None:
    stored = rows(crawled["db"], "select id, text, template_removed, template_version from articles")
    assert len(stored) == 11
    for row in stored:
        for clutter in (AUTHOR_BOX, FOLLOW_US, COMMENT_FEED):
            assert clutter not in row["text"], (row["id"], clutter)
        assert {AUTHOR_BOX, FOLLOW_US, COMMENT_FEED} <= set(json.loads(row["template_removed"]))
    assert len({row["template_version"] for row in stored}) == 1
    with_closing = [row for row in stored if CLOSING in row["text"]]
    assert len(with_closing) == sum(CLOSING in p.paragraphs for p in crawled["pages"]) >= 3
    lines = rows(crawled["db"], "select * from template_lines where source = 'warta-lumajang'")
    assert {r["sample"] for r in lines if r["pages"] == 11} >= {AUTHOR_BOX, FOLLOW_US, COMMENT_FEED}
    assert rows(crawled["db"], "select pages from site_templates")[0]["pages"] == 11


def test_show_lists_what_the_template_removed(crawled: dict) -> None:
    article_id = rows(crawled["db"], "select min(id) id from articles")[0]["id"]
    proc = run_pantau("show", str(article_id), "--db", str(crawled["db"]))
    assert proc.returncode == 0, proc.stderr
    removed = [line for line in proc.stdout.splitlines() if "template removed:" in line]
    assert any(AUTHOR_BOX in line for line in removed) and any(FOLLOW_US in line for line in removed)
    body = proc.stdout.split("\n\n", 1)[1]
    assert AUTHOR_BOX not in body


def test_reextract_applies_the_template_and_changes_nothing_more(crawled: dict) -> None:
    before = rows(crawled["db"], "select id, text from articles order by id")
    proc = run_pantau("reextract", "--db", str(crawled["db"]), "--sources", str(crawled["sources"]))
    assert proc.returncode == 0, proc.stderr
    assert "re-extracted 11 pages: 0 articles changed" in proc.stdout
    assert rows(crawled["db"], "select id, text from articles order by id") == before


def test_reextract_of_a_database_without_templates_learns_them(crawled: dict, tmp_path: Path) -> None:
    """A database from before templates (or under other rules): reextract learns, then cleans."""
    import shutil
    db = tmp_path / "old.db"
    shutil.copy(crawled["db"], db)
    con = sqlite3.connect(db)
    with con:
        con.execute("delete from template_lines")
        con.execute("delete from site_templates")
        con.execute("update articles set template_removed = null, template_version = null")
        for page in crawled["pages"][:10]:     # the text as the first-sight extraction left it
            con.execute("update articles set text = text || ? where url like ?",
                        ("\n\n" + AUTHOR_BOX, "%" + page.path))
    con.close()
    proc = run_pantau("reextract", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "re-extracted 11 pages: 11 articles changed" in proc.stdout   # their removals recorded again
    assert not [r for r in rows(db, "select text from articles") if AUTHOR_BOX in r["text"]]


def test_extract_with_the_sources_template(crawled: dict, tmp_path: Path) -> None:
    page = crawled["pages"][3]
    saved = tmp_path / "page.html"
    saved.write_text(page.html, encoding="utf-8")
    proc = run_pantau("extract", str(saved), "--url", crawled["site"].url.rstrip("/") + page.path,
                      "--source", "warta-lumajang", "--db", str(crawled["db"]))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert AUTHOR_BOX not in out["text"] and AUTHOR_BOX in out["template_removed"]
    missing = run_pantau("extract", str(saved), "--source", "nope", "--db", str(crawled["db"]))
    assert missing.returncode != 0 and "no source 'nope'" in missing.stderr


def test_extract_of_several_pages_learns_their_template(tmp_path: Path) -> None:
    files = []
    for i, page in enumerate(joomla_pages(6)):
        files.append(tmp_path / f"p{i}.html")
        files[-1].write_text(page.html, encoding="utf-8")
    proc = run_pantau("extract", *map(str, files))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out) == 6 and all(AUTHOR_BOX not in a["text"] and FOLLOW_US not in a["text"] for a in out)
    one = run_pantau("extract", str(files[0]))
    assert AUTHOR_BOX in json.loads(one.stdout)["text"]
    both = run_pantau("extract", str(files[0]), str(files[1]), "--url", "https://x.example/a")
    assert both.returncode == 2 and "--url names one saved page" in both.stderr
