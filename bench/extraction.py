"""Extraction benchmark: Pantau against trafilatura (default and favor_precision) and newspaper4k.

Prints one table per corpus, every extractor side by side, from ONE run:

* the gold set (``tests/fixtures/gold``, plus the gold pages whose HTML stays in ../shared);
* the real Indonesian pages of ../shared/corpus/indonesian with the gold other projects asserted
  (``*.gold.json``: title, date, body where given; uneven, see that folder's README), listing
  pages and pages without a body gold left out;
* the ScrapingHub article-extraction benchmark in ../shared/corpus/scrapinghub (181 English
  pages, body only), skipped with a message when ../shared is absent;
* first sight: the pages of ``tests/fixtures/unseen`` (templates nobody here had seen), today and
  as the code before any rule for them scored them (``bench/first_sight.json``, recorded once);
* learned site templates, leave one page out: every article page of each demo site and of the
  template tests' Joomla portal, extracted with its site's template learned from the *other*
  pages of that site (``pipelines.template``), beside Pantau without a template.

Columns: mean body F1 (bag of lower-cased ``\\w+`` tokens), clutter snippets leaked (``must_go``),
title / date (calendar day) / author accuracy, pages per second, and speed relative to plain
trafilatura (``trafilatura.extract(html, url=url)``, text only). "trafilatura (default)" is the same
library asked for its metadata too (``bare_extraction(..., with_metadata=True)``), so its title,
date and author can be scored; "(precision)" adds ``favor_precision=True``. Timing is interleaved:
each page goes through every extractor in turn, in a rotating order, so cache and CPU-frequency
effects are shared fairly. Every extractor gets the raw bytes.

    python bench/extraction.py            # all extractors, both corpora
    python bench/extraction.py --pages    # also Pantau's per-page F1 and misses on the gold set
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from pipelines.extract import extract_article
from pipelines.vocabulary import WIB
from tests.goldset import (
    SHARED,
    GoldPage,
    Result,
    available_gold,
    load_gold,
    mean,
    score,
)

Extractor = Callable[[GoldPage], Result]
TEXT_ONLY = frozenset({"trafilatura (plain text)"})
SCRAPINGHUB = SHARED / "scrapinghub"


# ---------------------------------------------------------------- extractors

def pantau(page: GoldPage) -> Result:
    """Pantau's own extraction."""
    article = extract_article(page.html, page.url, now=page.now)
    return Result(article.text, article.title, article.published, article.author,
                  article.source_attribution, article.dateline)


def _as_datetime(value: str | None) -> datetime | None:
    """trafilatura's "YYYY-MM-DD" date as a naive datetime."""
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _trafilatura(page: GoldPage, **options: bool) -> Result:
    """trafilatura with its defaults (comments included, as ``extract`` outputs them)."""
    doc = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True, **options)
    if doc is None:
        return Result("")
    text = "\n".join(part for part in (doc.text, doc.comments) if part)
    return Result(text, doc.title, _as_datetime(doc.date), doc.author)


def trafilatura_plain(page: GoldPage) -> Result:
    """``trafilatura.extract(html, url=...)``: text only, the speed reference ("plain trafilatura")."""
    return Result(trafilatura.extract(page.html, url=page.url) or "")


def trafilatura_default(page: GoldPage) -> Result:
    """trafilatura's defaults, with its metadata (title, date, author) so fields can be scored."""
    return _trafilatura(page)


def trafilatura_precision(page: GoldPage) -> Result:
    """trafilatura tuned for precision."""
    return _trafilatura(page, favor_precision=True)


def newspaper_extractor() -> Extractor | None:
    """newspaper4k, or None (with a message) when it is not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from newspaper import Article
    except ImportError as error:
        print(f"newspaper4k skipped: cannot import it ({error}); `pip install newspaper4k` to include it.")
        return None

    def newspaper4k(page: GoldPage) -> Result:
        """newspaper4k given the saved HTML (no download), Indonesian stop words on Indonesian pages."""
        article = Article(page.url, language=page.spec.get("language", "id"), fetch_images=False)
        article.download(input_html=page.html.decode("utf-8", "replace"))
        article.parse()
        published = article.publish_date
        if isinstance(published, date) and not isinstance(published, datetime):
            published = datetime(published.year, published.month, published.day)
        return Result(article.text, article.title, published, (article.authors or [None])[0])

    return newspaper4k


# ---------------------------------------------------------------- corpora

INDONESIAN = SHARED / "indonesian"


def indonesian_pages() -> list[GoldPage]:
    """The real Indonesian pages whose gold has a URL and a body, as gold pages (their title and
    date too when the gold gives them); [] when ../shared is absent."""
    pages = []
    for path in sorted(INDONESIAN.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        html = path.with_name(path.name.replace(".gold.json", ".html"))
        if not isinstance(gold, dict) or not gold.get("url") or not gold.get("content") or not html.exists():
            continue
        spec: dict[str, Any] = {"url": gold["url"], "body": [gold["content"]],
                                "now": _corpus_now(gold.get("_crawl_date")), "language": "id"}
        if gold.get("title"):
            spec["title"] = gold["title"]
        if published := _corpus_date(gold):
            spec["published"] = published
        page = GoldPage(path.name.removesuffix(".gold.json"), spec, path)
        page.__dict__["html"] = html.read_bytes()
        pages.append(page)
    return pages


UNSEEN = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "unseen"
FIRST_SIGHT = Path(__file__).with_name("first_sight.json")


def unseen_pages() -> list[GoldPage]:
    """The pages of tests/fixtures/unseen that have an expected body: templates nobody here had
    seen, scored by today's code (their first-sight scores are in ``first_sight.json``)."""
    pages = []
    for path in sorted(UNSEEN.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        if not spec.get("body"):
            continue
        page = GoldPage(path.stem, {**spec, "must_go": spec.get("must_not_contain", [])}, path)
        pages.append(page)
    return pages


def print_first_sight(pages: list[GoldPage], tally: Tally) -> None:
    """Each unseen page: Pantau at first sight (recorded) beside Pantau today."""
    recorded = json.loads(FIRST_SIGHT.read_text(encoding="utf-8"))
    print(f"\nFirst sight (code of {recorded['code']}, before any rule for them) vs today:")
    for page, today in zip(pages, tally.f1, strict=True):
        then = recorded["pages"].get(page.id, {})
        seen = f"{then['f1']:.3f}" if then.get("f1") is not None else "-"
        print(f"  {page.id:34} first sight {seen:>6}{'' if then.get('article', True) else ' (rejected)':11}"
              f" today {today:.3f}")


def site_template_pages() -> dict[str, list[GoldPage]]:
    """Several article pages of each demo site and of the Joomla portal of the template tests,
    with the body and clutter their templates know, grouped by site: for the learned templates."""
    from crawler.demo.model import Request
    from crawler.demo.sites import build_sites, default_now
    from tests.sitepages import TEMPLATE_LINES, joomla_pages

    now = default_now()
    sites: dict[str, list[GoldPage]] = {}
    base = "http://127.0.0.9"
    for name, site in build_sites(now, 0.0).items():
        if name == "portal-rusak":       # the broken portal: error pages, not a template
            continue
        for art in (a for a in site.snapshot() if not a.is_seed):
            spec = {"url": base + art.path, "now": now.isoformat(), "body": art.paragraphs,
                    "must_go": art.clutter}
            page = GoldPage(f"{name}{art.path}", spec, UNSEEN)
            page.__dict__["html"] = site.serve(Request(art.path, {}, art.path, base)).body
            sites.setdefault(f"{name} ({site.kind})", []).append(page)
    for joomla in joomla_pages(12):
        spec = {"url": base + joomla.path, "now": now.isoformat(), "body": joomla.paragraphs,
                "must_go": list(TEMPLATE_LINES)}
        page = GoldPage(f"joomla{joomla.path}", spec, UNSEEN)
        page.__dict__["html"] = joomla.html.encode()
        sites.setdefault("joomla portal (news, unseen)", []).append(page)
    return sites


def leave_one_page_out(sites: dict[str, list[GoldPage]]) -> dict[str, Extractor]:
    """Pantau with each page's site template learned from the site's *other* pages only, so no
    page is ever scored with what was learned from itself."""
    from pipelines.template import SiteTemplate, sightings

    seen = {page.id: sightings(extract_article(page.html, page.url, now=page.now, placed=True).lines)
            for pages in sites.values() for page in pages}
    held_out: dict[str, SiteTemplate] = {}
    for pages in sites.values():
        for page in pages:
            template = SiteTemplate("bench")
            for other in pages:
                if other is not page:
                    template.learn(seen[other.id])
            held_out[page.id] = template

    def pantau_learned(page: GoldPage) -> Result:
        article = extract_article(page.html, page.url, now=page.now, template=held_out[page.id])
        return Result(article.text, article.title, article.published, article.author,
                      article.source_attribution, article.dateline)

    return {"pantau + template": pantau_learned}


def _corpus_now(crawl_date: str | None) -> str:
    """The crawl clock of a corpus page: its recorded crawl day, else far in the future."""
    moment = datetime.fromisoformat(crawl_date) if crawl_date else datetime(2030, 1, 1)
    return (moment if moment.tzinfo else moment.replace(tzinfo=WIB)).isoformat()


def _corpus_date(gold: dict[str, Any]) -> str | None:
    """The publication day the corpus gold states (epoch milliseconds or an ISO date), in WIB."""
    if gold.get("date_epoch_ms"):
        return datetime.fromtimestamp(gold["date_epoch_ms"] / 1000, tz=WIB).date().isoformat()
    if gold.get("publication_date"):
        return str(gold["publication_date"])[:10]
    return None


def scrapinghub_pages() -> list[GoldPage]:
    """The ScrapingHub pages as gold pages (body only), or [] when ../shared is absent."""
    truth_path = SCRAPINGHUB / "ground-truth.json"
    if not truth_path.exists():
        return []
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(truth.items()):
        page = GoldPage(key, {"url": item["url"], "now": "2030-01-01T00:00:00+00:00", "body": [item["articleBody"]],
                              "language": "en"}, SCRAPINGHUB / "html" / f"{key}.json")
        page.__dict__["html"] = gzip.decompress((SCRAPINGHUB / "html" / f"{key}.html.gz").read_bytes())
        pages.append(page)
    return pages


# ---------------------------------------------------------------- running

@dataclass
class Tally:
    """One extractor's figures on one corpus."""

    f1: list[float] = field(default_factory=list)
    leaks: int = 0
    fields: dict[str, list[bool]] = field(default_factory=dict)
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)


def run(pages: list[GoldPage], extractors: dict[str, Extractor]) -> dict[str, Tally]:
    """Every page through every extractor, interleaved, timing only the extraction call."""
    tallies = {name: Tally() for name in extractors}
    names = list(extractors)
    for index, page in enumerate(pages):
        _ = page.html, page.body  # read and decompress outside the timed call
        order = names[index % len(names):] + names[:index % len(names)]
        for name in order:
            started = time.perf_counter()
            result = extractors[name](page)
            tallies[name].seconds += time.perf_counter() - started
            _record(tallies[name], page, result)
    return tallies


def _record(tally: Tally, page: GoldPage, result: Result) -> None:
    """Add one page's score to an extractor's tally."""
    scored = score(result, page)
    tally.f1.append(scored.f1)
    tally.leaks += len(scored.leaks)
    for name, ok in scored.fields.items():
        tally.fields.setdefault(name, []).append(ok)
    wrong = [name for name, ok in scored.fields.items() if not ok]
    if scored.f1 < 0.97 or scored.leaks or scored.lost or wrong:
        tally.misses.append(f"{page.id[:58]:58} F1={scored.f1:.3f} leaks={scored.leaks} lost={scored.lost} "
                            f"wrong={wrong}")


def _accuracy(tally: Tally, name: str) -> str:
    """Share of correct values of a field, or "-" when the corpus has no gold for it."""
    values = tally.fields.get(name)
    return f"{sum(values) / len(values):.3f}" if values else "-"


def print_table(title: str, pages: int, tallies: dict[str, Tally], with_snippets: bool) -> None:
    """One corpus, all extractors side by side."""
    base = tallies.get("trafilatura (plain text)")
    print(f"\n{title}: {pages} pages")
    header = f"{'extractor':24} {'body F1':>8} {'leaks':>6} {'title':>6} {'date':>6} {'author':>6} {'pages/s':>8} {'vs plain':>9}"
    print(header)
    print("-" * len(header))
    for name, tally in tallies.items():
        if name in TEXT_ONLY:
            tally.fields.clear()  # it returns no metadata: "-" rather than a meaningless 0.000
        speed = pages / tally.seconds if tally.seconds else 0.0
        ratio = (base.seconds / tally.seconds) if base and tally.seconds else 0.0
        leaks = str(tally.leaks) if with_snippets else "-"
        print(f"{name:24} {mean(tally.f1):8.3f} {leaks:>6} {_accuracy(tally, 'title'):>6} "
              f"{_accuracy(tally, 'published'):>6} {_accuracy(tally, 'author'):>6} {speed:8.1f} {ratio:8.2f}x")


def main(argv: list[str] | None = None) -> int:
    """Run both corpora and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", action="store_true", help="list Pantau's misses on the gold set")
    parser.add_argument("--only", help="run only the gold pages whose id contains this text")
    parser.add_argument("--gold-only", action="store_true", help="skip the ScrapingHub corpus")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # trafilatura/htmldate log every odd page
    warnings.simplefilter("ignore")
    extractors: dict[str, Extractor] = {"pantau": pantau, "trafilatura (plain text)": trafilatura_plain,
                                        "trafilatura (default)": trafilatura_default,
                                        "trafilatura (precision)": trafilatura_precision}
    if (news := newspaper_extractor()) is not None:
        extractors["newspaper4k"] = news
    gold = [p for p in available_gold() if not args.only or args.only in p.id]
    absent = len(load_gold()) - len(available_gold())
    note = f" ({absent} shared-corpus pages skipped: ../shared absent)" if absent else ""
    tallies = run(gold, extractors)
    print_table(f"Gold set (tests/fixtures/gold){note}", len(gold), tallies, with_snippets=True)
    if args.pages:
        print("\nPantau misses on the gold set:\n" + "\n".join(tallies["pantau"].misses))
    if args.gold_only:
        return 0
    unseen = unseen_pages()
    unseen_tallies = run(unseen, extractors)
    print_table("First-sight templates (tests/fixtures/unseen, scored before their rules existed: below)",
                len(unseen), unseen_tallies, with_snippets=True)
    print_first_sight(unseen, unseen_tallies["pantau"])
    sites = site_template_pages()
    learned = {"pantau": pantau, **leave_one_page_out(sites), "trafilatura (plain text)": trafilatura_plain,
               "trafilatura (precision)": trafilatura_precision}
    print("\nLearned site templates, leave one page out: each page extracted with the template of its"
          "\nsite learned from the site's other pages (\"pantau\" is the same page without a template)")
    for site_name, pages in sites.items():
        print_table(f"  {site_name}", len(pages), run(pages, learned), with_snippets=True)
    indonesian = indonesian_pages()
    if indonesian:
        print_table("Real Indonesian pages with other projects' gold (../shared/corpus/indonesian)",
                    len(indonesian), run(indonesian, extractors), with_snippets=False)
    else:
        print("\nIndonesian corpus skipped: ../shared/corpus/indonesian is absent.")
    hub = scrapinghub_pages()
    if not hub:
        print("\nScrapingHub benchmark skipped: ../shared/corpus/scrapinghub is absent.")
        return 0
    print_table("ScrapingHub article-extraction benchmark (English, body only)", len(hub), run(hub, extractors),
                with_snippets=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
