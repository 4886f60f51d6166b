"""Pages that came back 200 but are not the site's content: garbage bytes, block and captcha walls.

Both are counted as errors of the source's run (``garbage``, ``blocked``), not as "not an
article": a site that starts answering every request with a Cloudflare challenge must show up in
``pantau health`` as broken, the way a 403 would (newspaper4k #576: challenge pages served as 200).
"""

from __future__ import annotations

import re

BLOCK_MARKERS = re.compile(
    r"cf-browser-verification|cf-chl-|challenge-platform|Attention Required! \| Cloudflare"
    r"|Just a moment\.\.\.|Checking your browser|DDoS protection by|g-recaptcha|h-captcha|hcaptcha"
    r"|Access Denied</title>|Request unsuccessful\. Incapsula|/_Incapsula_Resource"
    r"|Please enable JavaScript and cookies to continue|Verifikasi bahwa Anda bukan robot",
    re.IGNORECASE)


def looks_garbled(text: str) -> bool:
    """Text that decodes to replacement and control characters is garbage, not a page."""
    sample = text[:20000]
    if not sample:
        return True
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\r\n\t"))
    return bad / len(sample) > 0.02


def looks_blocked(text: str) -> bool:
    """A bot wall or captcha instead of the page (only trusted on pages without an article)."""
    return bool(BLOCK_MARKERS.search(text[:50000]))
