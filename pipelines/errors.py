"""Why a fetched page was not stored: the item stages' drops, by name.

Scrapy's ``DropItem`` ends an item's way through the pipeline; each reason Pantau has is its own
subclass, so the listing logic (``crawler/spiders/news.py``) and the counters tell them apart by
type, never by matching the message::

    DropItem (scrapy)
     ├── NotAnArticle     extraction found no article body (a tag page, a gallery, an index)
     │    ├── Garbage     the page does not decode to text
     │    └── Blocked     a bot wall or captcha page served as 200
     ├── TooOld           published before the source's window
     ├── AlreadyStored    its identity was stored meanwhile (another URL of the same article)
     └── StorageBusy      the database stayed busy past the busy timeout: not a verdict on the
                          page, which stays open in the durable frontier for the next run
"""

from __future__ import annotations

from scrapy.exceptions import DropItem


class NotAnArticle(DropItem):
    """Extraction found no article in the page."""


class Garbage(NotAnArticle):
    """The page does not decode to text."""


class Blocked(NotAnArticle):
    """A block or captcha page served with status 200."""


class TooOld(DropItem):
    """Published before the source's window: old news, not stored."""


class AlreadyStored(DropItem):
    """The article was already stored under another URL."""


class StorageBusy(DropItem):
    """The article could not be written: the database stayed busy (another writer)."""
