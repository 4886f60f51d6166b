"""What the spider hands to the item pipelines: one fetched page that should be an article.

The spider does no extraction: it fetches and remembers how the page was found; the stages in
``pipelines/stages.py`` extract, filter by window and store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class PageItem:
    url: str                         # where the article lives (fetchable form, see crawler.urls)
    url_key: str                     # its identity: crawler.urls.canonical_url
    response_url: str                # where the fetch ended (after redirects)
    source: str
    html: bytes
    text: str                        # decoded HTML (Scrapy's charset detection)
    encoding: str | None
    http_status: int
    content_type: str | None
    fetched_at: datetime
    discovered_via: str              # sitemap | news-sitemap | feed | listing | home
    listed_published: datetime | None = None   # date given by the feed or sitemap, if any
    aliases: set[str] = field(default_factory=set)    # identities of the other URLs that led here
    key: str = ""                    # its row in the durable frontier (the identity requested)
    since: datetime | None = None    # the window it is judged against (its frontier row's)
    article: Any = None              # pipelines.extract.Article, set by ExtractStage
    scores: dict[str, Any] = field(default_factory=dict)   # set by ScoreStage (pipelines.assess)
    template_version: str = ""       # its site's template when extracted (pipelines.template)
