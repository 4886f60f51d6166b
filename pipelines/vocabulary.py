"""Indonesian vocabulary of the rule modules: time zones, calendar words, datelines, credit lines,
page chrome and URL taxonomy.

Data only (names, tuples, compiled patterns), kept apart from the logic that uses it, as
trafilatura keeps its XPath lists in ``xpaths.py``: a newsroom habit or CMS convention is
learnt once and every rule that needs it reads the same entry. It imports nothing of Pantau's
(only ``re`` and ``datetime``), so every layer may use it, the crawler and the review app
included. Section headings and docstrings name the users.

Where two modules recognise "the same" thing differently, each keeps its own named entry, side
by side: the five dateline shapes below, the two closing-initials shapes, the two URL views of
taxonomy pages (``crawler.urls`` guesses a page's kind from its URL before fetching;
``pipelines.extract`` calls a fetched page a listing). They differ in detail on purpose, and
merging them would change what the rules decide; a merge needs the gold set's verdict first.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone

# --- time zones ------------------------------------------------------------------------------
WIB = timezone(timedelta(hours=7), "WIB")    # Waktu Indonesia Barat: Sumatra, Java, West Kalimantan
WITA = timezone(timedelta(hours=8), "WITA")  # Waktu Indonesia Tengah: Bali, NTB, NTT, Sulawesi, …
WIT = timezone(timedelta(hours=9), "WIT")    # Waktu Indonesia Timur: Maluku, Papua
ZONES = {"WIB": WIB, "WITA": WITA, "WIT": WIT}
"""Zone abbreviations as bylines print them ("10:15 WITA"); naive times are read as ``WIB``."""

# --- calendar words (pipelines.dates) ----------------------------------------------------------
MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "june": 6,
    "jun": 6, "juli": 7, "july": 7, "jul": 7, "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8,
    "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11, "desember": 12, "december": 12, "des": 12, "dec": 12,
}
"""Month names and abbreviations, Indonesian (old spellings "Pebruari", "Nopember" too) and
English (many themes print English dates), lower-cased, to month numbers."""
WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jum’at": 4,
            "sabtu": 5, "minggu": 6, "ahad": 6}
"""Day names to ``date.weekday()`` numbers ("Rabu (10/05)" fixes the year of a yearless date)."""

# --- datelines ---------------------------------------------------------------------------------
DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.'\s]{1,40},\s*[^\n]{1,40}?|[A-Z][\w.'\s]{1,40}\([^)\n]{1,40}\))"
    r"\s*[-\u2013\u2014]{1,2}\s+"
)
"""An outlet's dateline prefix with its separator ("SLEMAN, KOMPAS.com - ", "Jakarta (ANTARA) - "):
what pipelines.dedup strips so copies of one release compare equal."""
PLACE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w'.]*(?:\s+[A-Z][\w'.]*){0,2})"
    r"(?:\s*,\s*(?P<second>[A-Z][\w .]{0,25}?))?(?:\s*,\s*\d{1,2}\s+[A-Za-z]+\s+\d{4})?(?:\s*\([^)]{1,40}\))?"
    r"(?:\s*,\s*[\w-]+(?:\.[\w-]+)+)?"  # "Cianjur, suarapriangan.com –"
    r"(?:\s*[-–—|:]+|\s+l\s+)(?=\s*[A-Za-z]|\s*$)"
)
"""A dateline read for its place ("Tulungagung l Detikkasus.com –", "REPUBLIKA.CO.ID, JAKARTA --"):
``place`` and, after an outlet name, ``second`` (pipelines.metadata)."""
OUTLET_PLACE_DATELINE = re.compile(
    r"^[\w-]+(?:\.[\w-]+)*\.(?:com|id|net|co)\b,\s*(?P<place>[A-Z][a-z]+|[A-Z]{3,})\b")
""""Liputan6.com, Jakarta London Love Story…": an outlet, a comma and the place, no separator
(pipelines.metadata)."""
LONE_DATELINE = re.compile(r"^[A-Z][\w'.]*(?:[ ,]+[A-Z][\w'.]*){0,3}(?:\s*\([^)]{1,30}\))?\s*[-–—]{1,2}$")
"""A dateline printed on its own line ("Jakarta -", "Doha (ANTARA) –"), which pipelines.cleaning
glues to the paragraph it opens."""
HEAD_DATELINE = re.compile(
    r"^\W{0,3}([A-Za-z][A-Za-z .'\-]{1,40}?)\s*(?:[,(:|–—-]|\s[l|]\s|\s\()"
)
"""Loose: any short run of words before a dateline separator ("MADIUN –", "Jambi-…"); pipelines.regions
keeps it only when the gazetteer reads the whole run as a place."""

# --- credit lines and bylines ----------------------------------------------------------------
AUTHOR_LABELS = ("penulis", "reporter", "pewarta", "oleh", "kontributor")
"""Labels before a journalist's name ("Penulis: Dwi")."""
EDITOR_LABELS = ("editor", "redaktur", "editor/uploader")
"""Labels before an editor's name: never the author."""
BYLINE_LABELS = ("penulis", "reporter", "pewarta", "editor", "redaktur", "sumber", "oleh", "kontributor")
"""Every label that opens a credit line in a byline box."""
CREDIT_LINE = re.compile(
    r"^[\[(]?\s*(?P<label>penulis|reporter|pewarta|editor|redaktur|sumber|oleh|fotografer|kontributor"
    r"|editor\s*/\s*uploader)\s*[:：]\s*(?P<value>[^\n]{1,80}?)\s*[\])]?\s*$",
    re.IGNORECASE,
)
"""A typed credit line, "Penulis: Erwin", "(Editor: Dwi)", "Sumber: Dinas Kominfo": pipelines.metadata
reads ``label``/``value``, pipelines.cleaning then drops the line."""
BARE_LABEL_LINE = re.compile(
    r"^(sumber|penulis|reporter|pewarta|editor|redaktur|oleh|foto|fotografer)\s*:?$", re.I)
"""A label alone on its line ("Sumber:"), its value on the next (Drupal and custom CMSs)."""
_CLOSING_PARENTHESIS = r"\((?P<mark>[^()]{1,40})\)\.?"
CLOSING_INITIALS = re.compile(_CLOSING_PARENTHESIS + r"\s*$")
"""The parenthesis closing a story, "(Fit)", "(ant/ws)", "(Kominfo-lmj/bob)": pipelines.metadata
reads the writer from ``mark`` (trailing spaces allowed)."""
CLOSING_MARK = re.compile(_CLOSING_PARENTHESIS + "$")
"""The same parenthesis at the very end of a line: pipelines.cleaning keeps such a line as the
story's end, not another story's headline."""

# --- chrome: "see also" boxes and lines --------------------------------------------------------
SEE_ALSO_PHRASES = ("baca juga", "baca:", "baca :", "baca selengkapnya", "baca berita", "baca artikel",
                    "simak juga", "simak:", "lihat juga", "lihat:", "read also", "read more")
"""How a "Baca Juga" link box starts (pipelines.cleaning drops the box)."""
SEE_ALSO_LINE = re.compile(
    r"^[\[(]?\s*(baca|simak|lihat)(\s+(juga|selengkapnya|berita|artikel|pula|lainnya))?\s*[:：\-–]"
    r"|^[\[(]?\s*(baca|simak|lihat)\s+(juga|selengkapnya)\b"
    r"|^[\[(]?\s*(simak|saksikan|tonton|lihat)\s+(juga\s+)?video\b",
    re.IGNORECASE,
)
"""A "Baca Juga: <headline>" / "Simak juga video" line left in the text (pipelines.cleaning)."""

# --- chrome: class/id markers of clutter regions (pipelines.cleaning DOM rules) ----------------
RELATED_BOX_MARKERS = (
    "related", "baca-juga", "bacajuga", "baca_juga", "read-also", "readalso", "lihatjg",
    "linksisip", "yarpp", "crp_", "rp4wp", "terkait", "inline-post", "jnews_inline", "lainnya",
)
"""Related-post boxes (JNews inline related, YARPP, Jetpack, "Berita Terkait"), literal fragments."""
SHARE_MARKERS = (
    "sharedaddy", "sharing", "share-", "-share", "_share", "addtoany", "a2a_kit", "social",
    "sosmed", "bagikan", "post-share",
)
"""Share bars, literal fragments."""
COMMENT_MARKERS = (
    "respond", "comments-area", "comment-list", "commentlist", "comment-form", "disqus",
    "fb-comments", "jeg_comment", "comments",
)
"""Comment forms and reader comments, literal fragments."""
# Whole-token patterns: page builders (Elementor) call every content block "elementor-widget".
# Layout classes ("one-sidebar", "content-with-sidebar-wrp", "has-sidebar") name the page, not a widget.
SIDEBAR_MARKERS = (r"(?<!\S)(?!\S*(?:with|wrap|wrp|layout|content|has-|no-|one-|two-|and-))\S*sidebar",
                   r"(?<![\w-])widget(?:[_-]\w+)*(?![\w-])", r"(?<![\w-])secondary(?![\w-])",
                   r"popular", r"terpopuler", r"trending",
                   # Indonesian custom CMSs name the right column "kanan" ("kolom-kanan", "kanan_2") ...
                   r"(?<![\w-])(?:kolom|col|side|box|konten)?[-_]?kanan(?:[-_]?\d+)?(?![\w-])",
                   # ... and page chrome by plain whole tokens (a header holding the <h1> is protected).
                   r"(?<![\w-])(?:header|site-header|top-?nav|top-?bar|navbar|menu|breadcrumbs?)(?![\w-])")
"""Sidebars, widgets and page chrome, as regular expressions."""
# Modals, pop-ups and elements hidden until a script shows them (account prompts, hidden
# summaries): whole class tokens, "-hide" included, so "hide-on-mobile" layout helpers stay.
HIDDEN_MARKERS = (r"modal", r"popup", r"(?<!\S)-?(?:hide|hidden|is-hidden|d-none|invisible|sr-only)(?!\S)")
"""Modals, pop-ups and hidden elements, as regular expressions."""
BLOGGER_FOOTER_MARKERS = ("post-footer", "blog-pager", "post-share-buttons", "post-labels")
"""Blogger's post footer (author/labels/share line) and pager, literal fragments."""
CAPTION_MARKERS = ("wp-caption-text", "caption", "photo-credit", "foto-credit", "image-credit", "ket-foto",
                   "keterangan-foto", r"(?<![\w-])(?:photo|foto)(?![\w-])")
"""Photo captions and credits, as regular expressions."""

# --- chrome: where a printed date is not the story's (pipelines.dates) ------------------------
POST_LIST_MARKERS = ("sidebar", "widget", "related", "popular", "terpopuler", "comment")
"""Lists of other posts (and comments): their dates are other stories'; even a declared
``datePublished`` there is refused."""
PAGE_CHROME_MARKERS = ("topbar", "top-bar", "top_bar", "header-top", "headertop", "navbar", "menu", "masthead",
                       "site-header", "td-header", "jeg_topbar", "jeg_header", "breaking", "ticker", "footer",
                       *POST_LIST_MARKERS)
"""Page chrome, often printing the crawl day ("Minggu, 22 November 2026"), plus the post lists."""
CHROME_TAGS = ("header", "nav", "aside", "footer")
"""Elements that are page chrome by their tag: the site header with its date bar, menus, sidebars,
footers (pipelines.dates, pipelines.metadata). A <header> inside the article, or one whose class
names the story (``entry-header``), is the story's own."""
CHROME_WORDS = re.compile(
    r"(?<![a-z])(?:header|top-?nav|top-?info|top-?menu|news-?bar|topbar-date|ticker|newsticker)(?![a-z])")
"""Class/id words of page chrome beyond ``PAGE_CHROME_MARKERS``, as whole words ("theme-header",
"date-in-header", "top-nav", "news-bar"); a token that also holds a ``STORY_PART_WORDS`` word
("entry-header", "td-post-header") is the story's."""
STORY_PART_WORDS = re.compile(r"entry|post|article|artikel|berita|single|detail|story|content|konten|judul"
                              r"|date[-_]?header")
"""Class/id words of the story's own parts (its header, meta line, body). Blogger heads each
day's posts with ``h2.date-header`` ("Jumat, 04 Desember 2026"): the post's own day, not a
site header's."""
STORY_CONTAINER_TAGS = ("article", "main")
"""Elements holding the story: a <header> inside them is the entry's header."""

# --- chrome: the portal's own name standing in for the headline (pipelines.metadata) -----------
PORTAL_PREFIX = re.compile(
    r"^(?:selamat\s+datang\s+di\s+|(?:website|situs|portal|laman|web)\s+(?:resmi\s+)?|official\s+website\s+(?:of\s+)?)",
    re.IGNORECASE)
"""Words a portal puts before its own name in <title> ("Website Resmi Pemerintah Kabupaten X")."""
INSTITUTION_NAME = re.compile(
    r"^(?:dinas|badan|pemerintah|pemkab|pemkot|pemprov|kabupaten|kota|provinsi|sekretariat|kantor|diskominfo"
    r"|kominfo|polres|polresta|polrestabes|polda|polsek|dprd|kecamatan|desa|kelurahan|inspektorat|bappeda"
    r"|humas|kesbangpol|bakesbangpol|satpol)\b",
    re.IGNORECASE)
"""How an institution's name starts: a <title> shaped so may be the portal's name, not a headline."""
BRAND_MARKERS = re.compile(r"logo|brand|site-title|site-name|sitename|site-branding|navbar-brand")
"""Class/id words of the header's logo or brand, whose text (or image alt) is the site's name."""

# --- lines that are not the story, for story fingerprints (pipelines.dedup) ---------------------
CLUTTER_LINE = re.compile(
    r"^\W*(?:(?:baca|lihat|simak|tonton)\s+(?:juga|pula)\b"
    r"|(?:foto|editor|penulis|reporter|pewarta|sumber|caption|keterangan foto)\s*[:|/]"
    r"|simak\s+(?:berita|video|artikel|informasi)\b|dapatkan\s+(?:update|informasi|berita)\b"
    r"|ikuti\s+(?:berita|kami|saluran|channel)\b|artikel ini (?:telah|sudah) tayang\b)",
    re.IGNORECASE,
)
"""Leftovers cleaning may have missed ("Baca Juga: …", "Foto: …", "Editor: …", "Simak berita …"):
broader than the cleaning rules, since a false hit only leaves a line out of a fingerprint."""

# --- URL taxonomy ----------------------------------------------------------------------------
TAG_WORDS = ("tag", "tags", "label", "labels", "topik", "topic", "topics", "hashtag", "keyword", "keywords")
CATEGORY_WORDS = ("category", "categories", "kategori", "rubrik", "kanal", "channel", "section", "cat")
AUTHOR_WORDS = ("author", "authors", "penulis", "reporter", "wartawan", "editor", "user", "users",
                "profile/author")
PAGE_PATH_WORDS = ("page", "hal", "halaman", "index")
"""Path segments before a listing's page number ("/page/2/", "/halaman/3")."""
PAGE_QUERY_KEYS = ("page", "hal", "paged", "halaman")
"""Query keys holding a listing's page number ("?paged=2")."""

# The kind a URL names before it is fetched (crawler.urls): tag, category, author, search, archive.
TAG_PATH = re.compile(r"/(" + "|".join(TAG_WORDS) + r")/", re.IGNORECASE)
CATEGORY_PATH = re.compile(r"/(" + "|".join(CATEGORY_WORDS) + r")/", re.IGNORECASE)
AUTHOR_PATH = re.compile(r"/(" + "|".join(AUTHOR_WORDS) + r")/", re.IGNORECASE)
SEARCH_PATH = re.compile(r"/(search|cari|pencarian)(/|$)|[?&](s|q|cari|keyword|search)=", re.IGNORECASE)
ARCHIVE_PATH = re.compile(
    r"/(arsip|archives?|indeks|index-berita|indeks-berita)(/|$|\.)|_archive\.html$|"
    r"^/(\d{4})(/\d{1,2}){0,2}/?$",
    re.IGNORECASE,
)
PAGINATION = re.compile(
    r"/(" + "|".join(PAGE_PATH_WORDS) + r")/\d+/?$"
    r"|[?&](" + "|".join((*PAGE_QUERY_KEYS, "start", "per_page")) + r")=\d+|"
    r"[?&](updated-max|start-index)=",  # Blogger's "Posting Lama" pages
    re.IGNORECASE,
)
"""Any paged listing URL (crawler.urls)."""
PAGE_NUMBER_PATH = re.compile(r"/(" + "|".join(PAGE_PATH_WORDS) + r")/(\d+)/?$", re.I)
"""A page number kept in the path, captured (crawler.discovery follows and compares pagers)."""

LISTING_TAXONOMY_PATH = re.compile(
    r"/(tag|tags|category|categories|kategori|label|search|cari|author|penulis|topik|topic)(/|$|\.)|[?&](s|q)=",
    re.I,
)
"""A fetched page whose URL names a taxonomy or search page: a listing whatever its slug looks like
(pipelines.extract)."""
LISTING_ARCHIVE_PATH = re.compile(r"/(indeks|index|page|arsip|archive)(/|$|\.)|[?&](paged|page)=\d", re.I)
"""Archive and pagination paths: a listing only when nothing in the URL names a single story
("/2019/11/18/politics/x/index.html" is an article; pipelines.extract)."""

TAXONOMY_SITEMAP_WORDS = ("taxonom", "category", "kategori", "tag-sitemap", "post_tag", "author",
                          "user", "page-sitemap", "wp-sitemap-pages")
"""Child sitemaps of taxonomies, authors and static pages: they list no articles."""
