"""The demo sites as data: which site is of which kind, where it is, and what it publishes.

Each entry of `SPECS` is one fixture website. Its articles are a seed article (the clean text of a
real page, from ``pages/<site>-seed.json``) plus generated ones, laid out by its template from
:mod:`crawler.demo.templates`. Everything is derived from `now` and fixed random seeds, so two
builds with the same `now` are identical.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from crawler.demo import syndication, templates
from crawler.demo.model import FixtureArticle, Reply, Request, Site, SiteTemplate, not_found
from crawler.demo.text import Draft, Region, generate_many, slugify
from pipelines.vocabulary import WIB

__all__ = ["FixtureArticle", "Site", "Request", "Reply", "SPECS", "build_sites", "build_big_site",
           "build_archive_site", "publish", "load_seed", "not_found"]

PAGES = Path(__file__).with_name("pages")

TULUNGAGUNG = Region("Tulungagung", ("Boyolangu", "Kedungwaru", "Ngunut", "Kauman", "Campurdarat", "Wonodadi"),
                     ("Plosokandang", "Sobontoro", "Beji", "Kalidawir", "Tanggung", "Bolorejo"))
PANGKALPINANG = Region("Pangkalpinang", ("Gerunggang", "Bukit Intan", "Taman Sari", "Rangkui", "Girimaya"),
                       ("Bukit Merapin", "Air Itam", "Semabung Lama", "Opas Indah", "Bacang"))
LUMAJANG = Region("Lumajang", ("Sukodono", "Tempeh", "Pasirian", "Senduro", "Yosowilangun", "Kunir"),
                  ("Kutorenon", "Labruk Lor", "Bades", "Argosari", "Wotgalih"))
TANJAB_TIMUR = Region("Tanjab Timur", ("Muara Sabak Barat", "Muara Sabak Timur", "Dendang", "Nipah Panjang"),
                      ("Parit Culum", "Simpang Datuk", "Lambur", "Rantau Rasau"))
KEDIRI = Region("Kediri", ("Pare", "Gurah", "Ngasem", "Kandat", "Wates"),
                ("Tulungrejo", "Sumberbendo", "Bangsongan", "Tertek", "Pelem"))
JATIM = Region("Surabaya", ("Tegalsari", "Gubeng", "Wonokromo", "Rungkut", "Sukolilo", "Tandes"),
               ("Keputran", "Airlangga", "Darmo", "Kalirungkut", "Keputih", "Balongsari"))


@dataclass(frozen=True)
class SiteSpec:
    """One fixture website: identity, template, place names and how many articles to generate.

    `first_number` is the CMS id of the oldest generated article (the seed gets the one below).
    """

    name: str
    kind: str
    region: str
    display_name: str
    template: SiteTemplate
    place: Region
    generated: int
    first_number: int
    listing_hints: tuple[str, ...] = ()
    seed_extra: dict[str, int] = field(default_factory=dict)


SPECS: tuple[SiteSpec, ...] = (
    SiteSpec("detikkasus", "news", "Kabupaten Tulungagung", "Detikkasus.com", templates.WordPressNews(),
             TULUNGAGUNG, 14, 20500),
    SiteSpec("kominfo-babel", "government", "Kepulauan Bangka Belitung",
             "Dinas Kominfo Provinsi Kepulauan Bangka Belitung", templates.DrupalKominfo(), PANGKALPINANG, 12, 3100),
    SiteSpec("lumajang", "government", "Kabupaten Lumajang", "Pemerintah Kabupaten Lumajang",
             templates.RegencyCms(), LUMAJANG, 12, 1258, ("/berita?hal={page}",), {"views": 296}),
    SiteSpec("globalinvestigasi", "news", "Jambi", "GlobalInvestigasinews.com", templates.Blogger(),
             TANJAB_TIMUR, 13, 7000),
    SiteSpec("tribratanews-tulungagung", "police", "Kabupaten Tulungagung", "Tribratanews Polres Tulungagung",
             templates.PolriWordPress(), TULUNGAGUNG, 14, 41000),
    SiteSpec("portal-rusak", "news", "Kabupaten Kediri", "Portal Kediri Raya", templates.BrokenPortal(),
             KEDIRI, 9, 900),
)


def load_seed(name: str) -> dict[str, Any] | None:
    """The expected clean result of a site's seed article, or None if the site has no seed."""
    path = PAGES / f"{name}-seed.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def unique_slug(slug: str, number: int, taken: set[str]) -> str:
    """`slug`, or `slug-<number>` when another article already uses it."""
    return slug if slug not in taken else f"{slug}-{number}"


def from_draft(template: SiteTemplate, draft: Draft, number: int, taken: set[str], rng: random.Random,
               dateline: str) -> FixtureArticle:
    """Give a generated draft its URL, id, view count and taxonomy on one site."""
    slug = unique_slug(slugify(draft.title), number, taken)
    taken.add(slug)
    return FixtureArticle(path=template.article_path(slug, number, draft.published), title=draft.title,
                          published=draft.published, author=draft.author, paragraphs=draft.paragraphs,
                          slug=slug, number=number, category=draft.topic.category, tags=draft.tags,
                          dateline=dateline, views=rng.randint(40, 4000), kamtibmas=draft.topic.kamtibmas)


def seed_article(spec: SiteSpec, data: dict[str, Any]) -> FixtureArticle:
    """The seed page as a FixtureArticle; its `must_not_contain` joins the template's clutter."""
    return FixtureArticle(
        path=data["url_path"], title=data["title"], published=datetime.fromisoformat(data["published"]),
        author=data["author"], paragraphs=list(data["body"]), clutter=list(data["must_not_contain"]),
        slug=data["url_path"].strip("/").split("/")[-1], number=spec.first_number - 1,
        category="Kamtibmas", tags=["kamtibmas", "forkopimda"], list_items=list(data.get("list_items", [])),
        source_attribution=data["source_attribution"], dateline=data["dateline"],
        views=int(spec.seed_extra.get("views", 1200)), kamtibmas=True, is_seed=True)


def link_related(articles: list[FixtureArticle], rng: random.Random, seed_related: list[str]) -> None:
    """Give each article 3–4 related posts (Baca Juga boxes, trailing headlines) from the site.

    The seed keeps the headline texts of the real page but links them to existing articles, so
    following a related link never leads to a 404.
    """
    for art in articles:
        others = [a for a in articles if a is not art]
        picks = rng.sample(others, min(len(others), 4 if not art.is_seed else len(seed_related) or 3))
        titles = seed_related if art.is_seed and seed_related else [a.title for a in picks]
        art.related = [(t, a.path) for t, a in zip(titles, picks, strict=False)]


def finish(template: SiteTemplate, articles: list[FixtureArticle]) -> None:
    """Record on every article the clutter strings its page carries."""
    for art in articles:
        art.clutter = list(dict.fromkeys(art.clutter + templates.page_clutter(template, art)))


def build_site(spec: SiteSpec, now: datetime, slow_seconds: float) -> Site:
    """One demo site: seed article plus generated articles, related links and clutter lists."""
    rng = random.Random(f"{spec.name}-extras")
    drafts = generate_many(spec.name, spec.place, now, spec.generated)
    taken: set[str] = set()
    articles = [from_draft(spec.template, d, spec.first_number + i, taken, rng, spec.place.kota)
                for i, d in enumerate(reversed(drafts))]
    data = load_seed(spec.name)
    if data is not None:
        articles.append(seed_article(spec, data))
    if isinstance(spec.template, templates.BrokenPortal):
        articles = special_articles(spec.template, articles, now)
    articles += syndicated_articles(spec, now, spec.first_number + spec.generated + 50)
    link_related(articles, rng, list(data.get("related", [])) if data else [])
    finish(spec.template, articles)
    return Site(name=spec.name, kind=spec.kind, region=spec.region, articles=articles, template=spec.template,
                display_name=spec.display_name, listing_hints=list(spec.listing_hints), slow_seconds=slow_seconds)


def special_articles(template: templates.BrokenPortal, articles: list[FixtureArticle],
                     now: datetime) -> list[FixtureArticle]:
    """Move three generated articles onto the broken portal's special slugs and add the
    windows-1252 article."""
    for art, key in zip(articles[::-1], ("flaky", "slow", "target"), strict=False):
        art.slug = template.SPECIAL[key]
        art.path = template.article_path(art.slug, art.number, art.published)
    cp1252 = FixtureArticle(
        path=template.article_path(template.SPECIAL["cp1252"], 899, now), title=templates.CP1252_TITLE,
        published=(now - timedelta(days=2, hours=3)).replace(second=0, microsecond=0), author="René Susanto",
        paragraphs=list(templates.CP1252_PARAGRAPHS), slug=template.SPECIAL["cp1252"], number=899,
        category="Wisata", dateline="Kediri", views=310, kamtibmas=False)
    return articles + [cp1252]


def syndicated_articles(spec: SiteSpec, now: datetime, first_number: int) -> list[FixtureArticle]:
    """This site's copies of the demo press release (see :mod:`crawler.demo.syndication`)."""
    out = []
    for i, copy in enumerate(syndication.copies_for(spec.name)):
        published = syndication.release_date(now) + copy.delay
        number = first_number + i
        out.append(FixtureArticle(
            path=spec.template.article_path(copy.slug, number, published), title=copy.title,
            published=published, author="Humas Polres", paragraphs=syndication.paragraphs_of(copy),
            clutter=[copy.caption] if copy.caption else [], slug=copy.slug, number=number,
            category="Hukum", tags=["narkoba"], dateline=spec.place.kota, kamtibmas=True,
            story=copy.story))
    return out


def aware(now: datetime) -> datetime:
    """`now` with a time zone; a naive datetime is taken to be WIB, the sites' own zone."""
    return now if now.tzinfo is not None else now.replace(tzinfo=WIB)


def build_sites(now: datetime, slow_seconds: float = 5.0) -> dict[str, Site]:
    """Every demo site by name, with articles dated relative to `now` (naive means WIB)."""
    return {spec.name: build_site(spec, aware(now), slow_seconds) for spec in SPECS}


def build_big_site(now: datetime, n_articles: int) -> Site:
    """A WordPress site of `n_articles` posts for the crawl benchmark.

    Yoast-sized sitemaps (1000 URLs each) and a 20-per-page ``/page/N/`` listing; no crawl
    delay, so the benchmark measures Pantau and not politeness. Pages render on request, so a
    site of thousands of articles costs only the article list to build.
    """
    now = aware(now)
    template = templates.WordPressNews(sitemap_size=1000, per_page=20, crawl_delay=None)
    rng = random.Random("big-extras")
    drafts = generate_many("big", JATIM, now, n_articles)
    taken: set[str] = set()
    articles = [from_draft(template, d, 100000 + i, taken, rng, JATIM.kota) for i, d in enumerate(reversed(drafts))]
    for i, art in enumerate(articles):
        neighbours = articles[max(0, i - 3):i] or articles[i + 1:i + 4]
        art.related = [(a.title, a.path) for a in neighbours]
    finish(template, articles)
    return Site(name="big", kind="news", region="Jawa Timur", articles=articles, template=template,
                display_name="Kabar Jatim Raya", slow_seconds=0.0)


def build_archive_site(now: datetime, n_articles: int, per_page: int = 20,
                       days: float = 25.0) -> Site:
    """A regency CMS whose archive is reachable only through its ``?hal=N`` listing (no feed,
    no sitemap, no robots.txt): `n_articles` posts spread over the last `days` (inside a first
    crawl's 30-day window), `per_page` a page. What limits and interrupted crawls are tested on.
    """
    now = aware(now)
    template = templates.RegencyCms(per_page=per_page)
    rng = random.Random("archive")
    drafts = generate_many("archive", LUMAJANG, now, n_articles)
    ages = sorted(rng.uniform(0.05, days) for _ in drafts)
    for draft, age in zip(drafts, ages, strict=True):
        draft.published = (now - timedelta(days=age)).replace(second=0, microsecond=0)
    taken: set[str] = set()
    articles = [from_draft(template, d, 50000 + i, taken, rng, LUMAJANG.kota)
                for i, d in enumerate(reversed(drafts))]
    finish(template, articles)
    return Site(name="archive", kind="government", region="Kabupaten Lumajang", articles=articles,
                template=template, display_name="Arsip Berita Kabupaten Lumajang", slow_seconds=0.0)


def publish(site: Site, when: datetime, count: int, batch: int) -> list[FixtureArticle]:
    """Publish `count` new generated articles on `site`, dated `when`; returns them.

    `batch` varies the random seed so repeated publishing yields different articles.
    """
    rng = random.Random(f"{site.name}-new-{batch}")
    place = next((s.place for s in SPECS if s.name == site.name), JATIM)
    drafts = generate_many(f"{site.name}-new-{batch}", place, when, count)
    taken = {a.slug for a in site.snapshot()}
    number = site.next_number()
    new = []
    for i, draft in enumerate(drafts):
        draft.published = when.replace(microsecond=0)
        new.append(from_draft(site.template, draft, number + i, taken, rng, place.kota))
    existing = site.snapshot()
    for art in new:
        art.related = [(a.title, a.path) for a in existing[:3]]
    finish(site.template, new)
    site.add(new, when)
    return new


def default_now() -> datetime:
    """The current time in WIB, to the second."""
    return datetime.now(WIB).replace(microsecond=0)
