"""Indonesian vocabulary of the rule modules: time zones, credit labels, chrome, URL taxonomy.

Data only (names, tuples, compiled patterns), kept apart from the logic that uses it, as
trafilatura keeps its XPath lists in ``xpaths.py``; it imports nothing of Pantau's, so every
layer may use it. Users: ``WIB``/``ZONES`` (dates, discovery, window, dedup, the demo, the review
app), credit labels (metadata), "see also" phrases (cleaning), clutter and dateline lines (dedup),
taxonomy sitemaps (the spider). Still written inline and not yet moved here: the credit and
dateline patterns of ``cleaning.py`` and ``regions.py`` and the URL taxonomy regexes of
``crawler/urls.py`` (they differ from these in detail; merging them changes behaviour and needs
the gold set's verdict first).
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")    # Waktu Indonesia Barat: Sumatra, Java, West Kalimantan
WITA = timezone(timedelta(hours=8), "WITA")  # Waktu Indonesia Tengah: Bali, NTB, NTT, Sulawesi, …
WIT = timezone(timedelta(hours=9), "WIT")    # Waktu Indonesia Timur: Maluku, Papua
ZONES = {"WIB": WIB, "WITA": WITA, "WIT": WIT}

# --- credit lines and bylines ----------------------------------------------------------------
AUTHOR_LABELS = ("penulis", "reporter", "pewarta", "oleh", "kontributor")
"""Labels before a journalist's name ("Penulis: Dwi")."""
EDITOR_LABELS = ("editor", "redaktur", "editor/uploader")
"""Labels before an editor's name: never the author."""
BYLINE_LABELS = ("penulis", "reporter", "pewarta", "editor", "redaktur", "sumber", "oleh", "kontributor")
"""Every label that opens a credit line in a byline box."""

# --- chrome: "see also" boxes ----------------------------------------------------------------
SEE_ALSO_PHRASES = ("baca juga", "baca:", "baca :", "baca selengkapnya", "baca berita", "baca artikel",
                    "simak juga", "simak:", "lihat juga", "lihat:", "read also", "read more")
"""How a "Baca Juga" link box starts (pipelines.cleaning drops the box)."""

# --- lines that are not the story, for story fingerprints (pipelines.dedup) ---------------------
CLUTTER_LINE = re.compile(
    r"^\W*(?:(?:baca|lihat|simak|tonton)\s+(?:juga|pula)\b"
    r"|(?:foto|editor|penulis|reporter|pewarta|sumber|caption|keterangan foto)\s*[:|/]"
    r"|simak\s+(?:berita|video|artikel|informasi)\b|dapatkan\s+(?:update|informasi|berita)\b"
    r"|ikuti\s+(?:berita|kami|saluran|channel)\b|artikel ini (?:telah|sudah) tayang\b)",
    re.IGNORECASE,
)
DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.'\s]{1,40},\s*[^\n]{1,40}?|[A-Z][\w.'\s]{1,40}\([^)\n]{1,40}\))"
    r"\s*[-\u2013\u2014]{1,2}\s+"
)

# --- URL taxonomy ----------------------------------------------------------------------------
TAXONOMY_SITEMAP_WORDS = ("taxonom", "category", "kategori", "tag-sitemap", "post_tag", "author",
                          "user", "page-sitemap", "wp-sitemap-pages")
"""Child sitemaps of taxonomies, authors and static pages: they list no articles."""
