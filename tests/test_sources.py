from pathlib import Path
from textwrap import dedent

import pytest

from crawler.sources import (
    KINDS,
    Source,
    SourcesError,
    UnknownSourceError,
    load_sources,
    parse_sources,
    select_sources,
)
from crawler.urls import same_site

SHIPPED = Path(__file__).parent.parent / "sources.yaml"


def parse(text: str) -> list[Source]:
    return parse_sources(dedent(text).lstrip("\n"), "sources.yaml")


def error_of(text: str) -> SourcesError:
    with pytest.raises(SourcesError) as info:
        parse(text)
    return info.value


# --- the shipped registry ---------------------------------------------------------------


def test_shipped_sources_load() -> None:
    sources = load_sources(SHIPPED)
    assert len(sources) >= 20
    assert {source.kind for source in sources} == set(KINDS)
    assert len({source.name for source in sources}) == len(sources)


@pytest.mark.parametrize("source", load_sources(SHIPPED), ids=lambda source: source.name)
def test_every_shipped_source_is_complete(source: Source) -> None:
    assert source.url.startswith("https://") and source.url.endswith("/")
    assert source.kind in KINDS
    assert source.region or source.name in {"antara", "komdigi", "tribratanews", "humas-polri"}
    for hint in source.feeds + source.sitemaps:
        assert same_site(hint, source.url), f"{hint} is not on {source.host}"


def test_shipped_file_documents_every_key() -> None:
    header = SHIPPED.read_text(encoding="utf-8").split("\nsources:", 1)[0]
    for key in (
        "name",
        "url",
        "kind",
        "region",
        "feeds",
        "sitemaps",
        "listings",
        "allow",
        "deny",
        "drop",
    ):
        assert f"#   {key}" in header


# --- a valid file -----------------------------------------------------------------------

FULL = """
sources:
  - name: kominfo-contoh
    url: https://kominfo.contoh.go.id/
    kind: government
    region: Kabupaten Lumajang
    feeds: [https://kominfo.contoh.go.id/feed/]
    sitemaps:
      - https://kominfo.contoh.go.id/sitemap_index.xml
    listings:
      - https://kominfo.contoh.go.id/berita?page={page}
    allow: ['/berita/']
    deny: ['/berita/pengumuman-', '\\?print=1']
    drop: ['div.sharedaddy', '.baca-juga', 'aside#related > ul']
  - name: minimal
    url: http://berita.contoh.id
"""


def test_full_entry_and_defaults() -> None:
    full, minimal = parse(FULL)
    assert full == Source(
        name="kominfo-contoh",
        url="https://kominfo.contoh.go.id/",
        kind="government",
        region="Kabupaten Lumajang",
        feeds=("https://kominfo.contoh.go.id/feed/",),
        sitemaps=("https://kominfo.contoh.go.id/sitemap_index.xml",),
        listings=("https://kominfo.contoh.go.id/berita?page={page}",),
        allow=("/berita/",),
        deny=("/berita/pengumuman-", "\\?print=1"),
        drop=("div.sharedaddy", ".baca-juga", "aside#related > ul"),
    )
    assert minimal == Source(name="minimal", url="http://berita.contoh.id")
    assert full.host == "kominfo.contoh.go.id"
    assert full.listing_url(full.listings[0], 3) == "https://kominfo.contoh.go.id/berita?page=3"


def test_allows_applies_allow_then_deny() -> None:
    full, minimal = parse(FULL)
    assert full.allows("https://kominfo.contoh.go.id/berita/apel-siaga")
    assert not full.allows("https://kominfo.contoh.go.id/profil/visi-misi")
    assert not full.allows("https://kominfo.contoh.go.id/berita/pengumuman-cpns")
    assert not full.allows("https://kominfo.contoh.go.id/berita/apel?print=1")
    assert minimal.allows("https://berita.contoh.id/anything")


def test_bare_list_is_accepted() -> None:
    assert parse("- name: a\n  url: https://a.contoh.id/\n")[0].name == "a"


def test_load_sources_reports_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")


def test_load_sources_reports_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("sources:\n  - name: a\n    url: ftp://a.contoh.id/\n", encoding="utf-8")
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert str(info.value) == f"{path}:3: sources[0].url: not an http(s) URL: 'ftp://a.contoh.id/'"


# --- malformed files: file, line and what is wrong --------------------------------------

MALFORMED = [
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
          - name: b
            url: foo
        """,
        "sources.yaml:5: sources[1].url: not an http(s) URL: 'foo'",
        id="bad-url",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            sitemap:
              - https://a.contoh.id/sitemap.xml
        """,
        "sources.yaml:4: sources[0]: unknown key 'sitemap' (did you mean 'sitemaps'?); "
        "allowed keys: name, url, kind, region, feeds, sitemaps, listings, allow, deny, drop",
        id="typo-key",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
          - url: https://b.contoh.id/
            kind: news
        """,
        "sources.yaml:4: sources[1]: missing required key 'name'",
        id="missing-name",
    ),
    pytest.param(
        """
        sources:
          - name: a
        """,
        "sources.yaml:2: sources[0]: missing required key 'url'",
        id="missing-url",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            feeds: [https://a.contoh.id/feed/
          - name: b
        """,
        "sources.yaml:5: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence started on line 4)",
        id="yaml-syntax",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
        \t  kind: news
        """,
        "sources.yaml:4: YAML syntax error: while scanning for the next token found character '\\t' that cannot start any token",
        id="yaml-tab",
    ),
    pytest.param(
        """
        sources:
          - name: polda
            url: https://polda.contoh.id/
          - name: kominfo
            url: https://kominfo.contoh.id/
          - name: polda
            url: https://polda2.contoh.id/
        """,
        "sources.yaml:6: sources[2].name: duplicate name 'polda' (first defined on line 2)",
        id="duplicate-name",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            kind: polisi
        """,
        "sources.yaml:4: sources[0].kind: unknown kind 'polisi'; allowed: news, government, police",
        id="bad-kind",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            feeds: https://a.contoh.id/feed/
        """,
        "sources.yaml:4: sources[0].feeds: expected a list of strings, got str 'https://a.contoh.id/feed/' (write '- item' lines)",
        id="string-for-list",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            region: 3508
        """,
        "sources.yaml:4: sources[0].region: expected a non-empty string, got int '3508'",
        id="wrong-type",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            deny:
              - '/tag/'
              - '(unclosed'
        """,
        "sources.yaml:6: sources[0].deny[1]: invalid regular expression '(unclosed': missing ), unterminated subpattern at position 0",
        id="bad-regex",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            drop:
              - div.sharedaddy
              - 'div[class='
        """,
        "sources.yaml:6: sources[0].drop[1]: invalid CSS selector 'div[class=': Expected string or ident, got <EOF at 10>",
        id="bad-css",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            listings:
              - https://a.contoh.id/berita?page=1
        """,
        "sources.yaml:5: sources[0].listings[0]: listing template has no '{page}' placeholder: 'https://a.contoh.id/berita?page=1'",
        id="listing-without-page",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            feeds:
              - /feed/
        """,
        "sources.yaml:5: sources[0].feeds[0]: not an http(s) URL: '/feed/'",
        id="relative-feed",
    ),
    pytest.param(
        """
        sources:
          - name: a
            url: https://a.contoh.id/
            name: b
        """,
        "sources.yaml:4: sources[0].name: duplicate key (first on line 2)",
        id="duplicate-key",
    ),
    pytest.param(
        """
        sites:
          - name: a
            url: https://a.contoh.id/
        """,
        "sources.yaml:1: unknown top-level key 'sites'; allowed: sources",
        id="top-level-key",
    ),
    pytest.param(
        """
        sources:
          - https://a.contoh.id/
        """,
        "sources.yaml:2: sources[0]: expected a mapping with at least 'name' and 'url', got str 'https://a.contoh.id/'",
        id="entry-not-mapping",
    ),
    pytest.param(
        "sources:\n",
        "sources.yaml:1: sources: expected a list of sources, got nothing",
        id="empty-sources",
    ),
    pytest.param(
        "# nothing yet\n", "sources.yaml: empty file: expected a 'sources:' list", id="empty-file"
    ),
]


@pytest.mark.parametrize("text, message", MALFORMED)
def test_malformed_files_name_the_line(text: str, message: str) -> None:
    error = error_of(text)
    assert str(error) == message
    assert error.path == "sources.yaml"


def test_error_carries_line_separately() -> None:
    error = error_of(MALFORMED[0].values[0])
    assert (error.path, error.line) == ("sources.yaml", 5)
    assert isinstance(error, ValueError)


# --- selection --------------------------------------------------------------------------


def test_select_sources_in_requested_order() -> None:
    sources = parse(FULL)
    assert [s.name for s in select_sources(sources, ["minimal", "kominfo-contoh"])] == [
        "minimal",
        "kominfo-contoh",
    ]
    assert select_sources(sources, []) == sources
    assert select_sources(sources, "minimal") == [sources[1]]


def test_select_unknown_source_lists_known_names() -> None:
    with pytest.raises(UnknownSourceError) as info:
        select_sources(parse(FULL), ["kominfo-contoh", "polda-jatim"])
    assert str(info.value) == "unknown source 'polda-jatim'; known sources: kominfo-contoh, minimal"
    assert isinstance(info.value, SourcesError)
