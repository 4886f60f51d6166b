"""The incremental window: how far back a crawl looks for articles.

``--since`` accepts ``YYYY-MM-DD`` (midnight WIB), a full ISO 8601 instant, or ``Nd`` (N days
back from now). Without it each source gets its own window: ``first_days`` back on its first
crawl, otherwise back to the start of its last successful crawl minus ``overlap_days`` (a day of
overlap catches articles a site published late or back-dated).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from pipelines.vocabulary import WIB


class WindowError(ValueError):
    """A ``--since`` value Pantau cannot read."""


def parse_since(value: str, now: datetime) -> datetime:
    """Turn a ``--since`` value into an aware instant."""
    value = value.strip()
    days = re.fullmatch(r"(\d+)\s*d", value)
    if days:
        return now - timedelta(days=int(days.group(1)))
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise WindowError(f"--since {value!r}: expected YYYY-MM-DD, an ISO 8601 time or Nd (e.g. 7d)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def source_window(last_success: datetime | None, now: datetime, *, first_days: int = 30,
                  overlap_days: int = 1) -> datetime:
    """The default window of one source, from its last successful crawl."""
    if last_success is None:
        return now - timedelta(days=first_days)
    return last_success - timedelta(days=overlap_days)
