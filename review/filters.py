"""What the operator asked to see: the inbox filters, parsed once from the query string.

Why a frozen dataclass: the same filters drive the inbox, its facet counts, bulk marks and the
CSV/JSON export, and links must carry them unchanged; parsing is lenient (a bad value is dropped,
never an error page) because operators edit URLs by hand. What they mean is not said here:
:meth:`Filters.article_filter` turns them into the storage layer's one
:class:`pipelines.storage.ArticleFilter` (local calendar days become instants in the app's time
zone), and every query of the app takes that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, tzinfo

from pipelines.storage import STATUSES, ArticleFilter, Cursor, day_bounds

ANY = "all"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Filters:
    """Inbox filters; ``status`` defaults to the new articles, ``all`` means any status."""

    status: str = "new"
    source: str = ""
    province: str = ""
    region: str = ""
    topic: str = ""
    date_from: str = ""
    date_to: str = ""
    min_score: float | None = None
    q: str = ""

    def without(self, *names: str) -> Filters:
        """The same filters less some: a facet counts with every filter but its own."""
        blank = {n: (None if n == "min_score" else (ANY if n == "status" else "")) for n in names}
        return replace(self, **blank)

    def params(self, **changes: str | float | None) -> dict[str, str]:
        """Query-string form, defaults left out, for links that keep the current view."""
        values = {**asdict(self), **changes}
        out = {k: str(v) for k, v in values.items() if v not in (None, "") and k != "status"}
        if values["status"] != "new":
            out["status"] = str(values["status"])
        return out

    @property
    def active(self) -> bool:
        return self != Filters()

    def article_filter(self, zone: tzinfo) -> ArticleFilter:
        """These filters as the store's filter: days are local days in ``zone``."""
        return ArticleFilter(
            statuses=() if self.status == ANY else (self.status,),
            source=self.source or None, province=self.province or None,
            region=self.region or None, topic=self.topic or None,
            published_from=day_bounds(self.date_from, zone)[0] if self.date_from else None,
            published_until=day_bounds(self.date_to, zone)[1] if self.date_to else None,
            min_score=self.min_score, search=self.q or None)


def _clean_date(value: str) -> str:
    try:
        return value if _DATE.match(value) and date.fromisoformat(value) else ""
    except ValueError:
        return ""


def _score(value: str) -> float | None:
    try:
        score = float(value.replace(",", "."))
    except ValueError:
        return None
    return min(max(score, 0.0), 1.0)


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Filters from ``request.args`` (or a form), dropping what does not parse."""
    status = (args.get("status") or "new").strip()
    return Filters(
        status=status if status in (*STATUSES, ANY) else "new",
        source=(args.get("source") or "").strip()[:200],
        province=(args.get("province") or "").strip()[:200],
        region=(args.get("region") or "").strip()[:200],
        topic=(args.get("topic") or "").strip()[:200],
        date_from=_clean_date((args.get("date_from") or "").strip()),
        date_to=_clean_date((args.get("date_to") or "").strip()),
        min_score=_score(args.get("min_score") or "") if args.get("min_score") else None,
        q=(args.get("q") or "").strip()[:300],
    )


def encode_cursor(cursor: Cursor) -> str:
    """A keyset cursor as the ``after`` query parameter."""
    return f"n:{cursor.id}" if cursor.score is None else f"s:{cursor.score!r}:{cursor.id}"


def parse_cursor(value: str | None) -> Cursor | None:
    if not value:
        return None
    try:
        kind, _, rest = value.partition(":")
        if kind == "n":
            return Cursor(None, int(rest))
        score, _, ident = rest.rpartition(":")
        return Cursor(float(score), int(ident)) if kind == "s" else None
    except ValueError:
        return None
