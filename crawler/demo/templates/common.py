"""Helpers every site-kind template shares: page skeleton, meta tags, body paragraphs, paging."""

from __future__ import annotations

from html import escape

from crawler.demo import feeds
from crawler.demo.model import HTML, FixtureArticle, Reply, Request, Site


def esc(text: str) -> str:
    """HTML-escape text and attribute values."""
    return escape(text, quote=True)


def document(title: str, head: str, body: str, lang: str = "id-ID", body_class: str = "",
             validators: bool = False) -> Reply:
    """A complete UTF-8 HTML page."""
    page = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="UTF-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n{head}\n</head>\n<body class=\"{body_class}\">\n{body}\n"
            f"</body>\n</html>\n")
    return Reply(body=page.encode("utf-8"), content_type=HTML, validators=validators)


def og_meta(site: Site, art: FixtureArticle, url: str, published_time: bool = True) -> str:
    """Canonical link plus Open Graph / article meta tags, as SEO plugins emit them."""
    tags = [f'<link rel="canonical" href="{esc(url)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(art.title)}">',
            f'<meta property="og:url" content="{esc(url)}">',
            f'<meta property="og:site_name" content="{esc(site.display_name)}">',
            f'<meta property="og:description" content="{esc(excerpt(art))}">']
    if published_time:
        tags.append(f'<meta property="article:published_time" content="{art.published.isoformat()}">')
    return "\n".join(tags)


def excerpt(art: FixtureArticle, words: int = 30) -> str:
    """The first words of the first paragraph, as listing teasers and feed summaries show."""
    first = art.paragraphs[0].split() if art.paragraphs else []
    return " ".join(first[:words]) + (" …" if len(first) > words else "")


def body_html(art: FixtureArticle, inserts: dict[int, str] | None = None) -> str:
    """Paragraphs as ``<p>``, consecutive list items as one ``<ul>``, with `inserts` (clutter
    boxes) placed after the paragraph of the given index."""
    inserts = inserts or {}
    out: list[str] = []
    in_list = False
    for i, text in enumerate(art.paragraphs):
        is_item = i in art.list_items
        if is_item != in_list:
            out.append("<ul>" if is_item else "</ul>")
            in_list = is_item
        out.append(f"<li>{esc(text)}</li>" if is_item else f"<p>{esc(text)}</p>")
        if i in inserts and not in_list:
            out.append(inserts[i])
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def entry(request: Request, art: FixtureArticle) -> feeds.Entry:
    """Feed/sitemap description of an article on the requested site."""
    return feeds.Entry(url=request.url(art.path), title=art.title, published=art.published,
                       author=art.author, summary=excerpt(art), categories=(art.category, *art.tags))


def int_param(request: Request, key: str, default: int) -> int | None:
    """An integer query parameter; None when present but not a number (which is a 404)."""
    raw = request.query.get(key)
    if raw is None:
        return default
    return int(raw) if raw.isdigit() else None


def page_slice(items: list[FixtureArticle], page: int, per_page: int,
               first: int = 1) -> tuple[list[FixtureArticle], int]:
    """The items of a 1- or 0-based page and the number of the last page."""
    last = max(first, first + (len(items) - 1) // per_page)
    start = (page - first) * per_page
    return items[start:start + per_page], last


def page_clutter(template: object, art: FixtureArticle) -> list[str]:
    """Boilerplate strings `template` puts on `art`'s page (plus the related-post titles it
    shows), i.e. what an extractor must leave out of the body."""
    strings = [c.format(views=art.views) for c in getattr(template, "CLUTTER", ())]
    if getattr(template, "SHOWS_RELATED", False):
        strings += [title for title, _ in art.related]
    return list(dict.fromkeys(strings))


def link_list(request: Request, arts: list[FixtureArticle], css: str) -> str:
    """A plain ``<ul>`` of article title links (sidebars, widgets)."""
    rows = "".join(f'<li><a href="{esc(request.url(a.path))}">{esc(a.title)}</a></li>' for a in arts)
    return f'<ul class="{css}">{rows}</ul>'
