"""Honour robots.txt ``Crawl-delay``, which Scrapy's RobotsTxtMiddleware ignores (scrapy#892).

Scrapy's RobotsTxtMiddleware reads a site's robots.txt before its first request goes out and
sends the ``robots_parsed`` signal; the spider then calls :func:`apply_crawl_delay`. From then on the site's download slot never waits less than the
delay: the slot's current delay is raised at once, its random jitter is switched off (jitter
would let half the requests come early), and :class:`CrawlDelayAutoThrottle` (which replaces
Scrapy's AutoThrottle) keeps its adjustments above the floor.

Settings read: ``AUTOTHROTTLE_*`` as Scrapy's AutoThrottle, ``PANTAU_MAX_CRAWL_DELAY`` (a
Crawl-delay above this is capped, so one site cannot stall a night; default 30 s).
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

FLOORS_ATTR = "pantau_crawl_delays"


def crawl_delay_floors(crawler: Crawler) -> dict[str, float]:
    """The per-host Crawl-delay floors of this crawl, kept on the crawler (one crawl, one dict)."""
    floors = getattr(crawler, FLOORS_ATTR, None)
    if floors is None:
        floors = {}
        setattr(crawler, FLOORS_ATTR, floors)
    return floors


def apply_crawl_delay(crawler: Crawler, host: str, delay: float) -> float:
    """Make every later request to ``host`` wait at least ``delay`` seconds; returns the floor used."""
    delay = min(delay, crawler.settings.getfloat("PANTAU_MAX_CRAWL_DELAY"))
    crawl_delay_floors(crawler)[host] = delay
    downloader = crawler.engine.downloader
    downloader.per_slot_settings.setdefault(host, {}).update({"delay": delay, "jitter": 0.0})
    slot = downloader.slots.get(host)
    if slot is not None:
        slot.delay = max(slot.delay, delay)
        slot.jitter = 0.0
    return delay


class CrawlDelayAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, except that it never lowers a slot below the site's Crawl-delay."""

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = crawl_delay_floors(self.crawler).get(key or "")
        if slot is not None and floor is not None and slot.delay < floor:
            slot.delay = floor
