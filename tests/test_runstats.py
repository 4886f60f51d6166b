"""Download errors get short, stable kind names in crawl_runs.errors."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from twisted.internet.error import DNSLookupError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawler.runstats import error_kind


def test_scrapy_and_twisted_errors_share_kind_names() -> None:
    assert error_kind(DownloadConnectionRefusedError("refused")) == "connection_refused"
    assert error_kind(DownloadTimeoutError("took longer than 3 seconds")) == "timeout"
    assert error_kind(TwistedTimeoutError()) == "timeout"
    assert error_kind(CannotResolveHostError("no such host")) == "dns"
    assert error_kind(DNSLookupError()) == "dns"


def test_an_unknown_error_is_named_after_its_class() -> None:
    assert error_kind(ValueError("x")) == "valueerror"
    assert error_kind(RuntimeError("Cancelling download: larger than DOWNLOAD_MAXSIZE")) == "too_large"
