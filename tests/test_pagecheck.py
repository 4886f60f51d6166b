"""Garbage and bot-wall detection on real-looking responses."""

from __future__ import annotations

import random

from pipelines.pagecheck import looks_blocked, looks_garbled

CLOUDFLARE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="360"></head><body><div class="main-wrapper" role="main">
<h1 class="zone-name-title h1">tribratanews.polri.go.id</h1><h2>Checking if the site connection is
secure</h2><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script>
</div></body></html>"""

RECAPTCHA = """<html><head><title>Verifikasi</title></head><body><form action="/verify">
<p>Verifikasi bahwa Anda bukan robot</p><div class="g-recaptcha" data-sitekey="6Lc"></div>
</form></body></html>"""

ARTICLE = """<html><head><title>Polres Lumajang Gelar Patroli Skala Besar</title></head><body>
<article><p>Lumajang – Polres Lumajang menggelar patroli skala besar di pusat kota. Warga diminta
membaca imbauan yang dipasang di setiap pos kamling.</p></article></body></html>"""


def test_cloudflare_challenge_and_captcha_are_blocked_pages() -> None:
    assert looks_blocked(CLOUDFLARE)
    assert looks_blocked(RECAPTCHA)


def test_an_article_is_not_a_blocked_page() -> None:
    assert not looks_blocked(ARTICLE)
    assert not looks_garbled(ARTICLE)


def test_random_bytes_decoded_as_text_are_garbage() -> None:
    noise = random.Random(7).randbytes(4096).decode("utf-8", errors="replace")
    assert looks_garbled(noise)
    assert looks_garbled("")
