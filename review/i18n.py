"""The interface's words in Indonesian (the default) and English.

Why a dictionary and not gettext catalogues: a few dozen short labels, two languages, no build
step; a missing English word falls back to Indonesian, a missing key shows the key (and a test
checks every key has both). The language is the ``lang`` cookie, set by ``/lang/<code>``.
"""

from __future__ import annotations

from flask import Flask, g, request

LANGUAGES = ("id", "en")
DEFAULT = "id"

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Indonesian, English)
    "app": ("Pantau — Tinjauan Kamtibmas", "Pantau — Kamtibmas review"),
    "nav.inbox": ("Kotak masuk", "Inbox"),
    "nav.digest": ("Ringkasan harian", "Daily digest"),
    "nav.runs": ("Proses & sumber", "Runs & sources"),
    "nav.login": ("Masuk", "Sign in"),
    "nav.logout": ("Keluar", "Sign out"),
    "nav.skip": ("Lompat ke isi", "Skip to content"),
    "reviewer": ("Peninjau", "Reviewer"),
    "search": ("Cari", "Search"),
    "search.placeholder": ("Cari teks atau \"frasa\" (tekan /)", "Search text or \"a phrase\" (press /)"),
    "filters": ("Saring", "Filters"),
    "filter.apply": ("Terapkan", "Apply"),
    "filter.reset": ("Hapus saringan", "Clear filters"),
    "filter.any": ("Semua", "Any"),
    "status": ("Status", "Status"),
    "status.new": ("Baru", "New"),
    "status.relevant": ("Relevan", "Relevant"),
    "status.not_relevant": ("Tidak relevan", "Not relevant"),
    "status.follow_up": ("Tindak lanjut", "Follow up"),
    "status.all": ("Semua status", "Any status"),
    "source": ("Sumber", "Source"),
    "sources": ("Sumber", "Sources"),
    "province": ("Provinsi", "Province"),
    "region": ("Kabupaten/Kota", "Regency/City"),
    "topic": ("Topik", "Topic"),
    "topics": ("Topik", "Topics"),
    "date_from": ("Dari tanggal", "From date"),
    "date_to": ("Sampai tanggal", "To date"),
    "min_score": ("Skor minimal", "Minimum score"),
    "score": ("Skor", "Score"),
    "published": ("Terbit", "Published"),
    "modified": ("Diubah", "Modified"),
    "fetched": ("Diambil", "Fetched"),
    "author": ("Penulis", "Author"),
    "dateline": ("Dateline", "Dateline"),
    "attribution": ("Sumber berita", "Attribution"),
    "language": ("Bahasa", "Language"),
    "words": ("Jumlah kata", "Words"),
    "discovered": ("Ditemukan lewat", "Discovered via"),
    "kamtibmas": ("Kamtibmas", "Kamtibmas"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "inbox.title": ("Berita baru", "New stories"),
    "inbox.count": ("{n} artikel cocok", "{n} matching articles"),
    "inbox.empty": ("Tidak ada berita yang cocok.", "No matching stories."),
    "inbox.next": ("Halaman berikutnya →", "Next page →"),
    "inbox.first": ("← Halaman pertama", "← First page"),
    "inbox.copies": ("{n} salinan", "{n} copies"),
    "inbox.select": ("Pilih", "Select"),
    "inbox.select_all": ("Pilih semua di halaman ini", "Select all on this page"),
    "keys.help": ("Tombol: j/k pindah · o buka · r relevan · x tidak relevan · f tindak lanjut · / cari",
                  "Keys: j/k move · o open · r relevant · x not relevant · f follow up · / search"),
    "mark.relevant": ("Relevan", "Relevant"),
    "mark.not_relevant": ("Tidak relevan", "Not relevant"),
    "mark.follow_up": ("Tindak lanjut", "Follow up"),
    "mark.note": ("Catatan", "Note"),
    "mark.done": ("{n} artikel ditandai {status}.", "{n} articles marked {status}."),
    "mark.story_note": ("Tanda berlaku untuk semua salinan berita ini.",
                        "A mark applies to every copy of this story."),
    "bulk.title": ("Tindakan massal", "Bulk actions"),
    "bulk.selected": ("Tandai yang dipilih", "Mark selected"),
    "bulk.filtered": ("Tandai semua {n} artikel yang cocok", "Mark all {n} matching articles"),
    "bulk.none": ("Tidak ada artikel yang dipilih.", "No article selected."),
    "export": ("Ekspor", "Export"),
    "article.original": ("Buka berita asli", "Open the original"),
    "article.text": ("Teks bersih", "Clean text"),
    "article.metadata": ("Metadata", "Metadata"),
    "article.evidence": ("Bukti skor", "Score evidence"),
    "article.region_evidence": ("Bukti wilayah", "Region evidence"),
    "article.copies": ("Salinan lain dari berita ini", "Other copies of this story"),
    "article.no_copies": ("Tidak ada salinan lain.", "No other copies."),
    "article.reviews": ("Riwayat tinjauan", "Review history"),
    "article.no_reviews": ("Belum ditinjau.", "Not reviewed yet."),
    "article.raw": ("Mentah vs bersih", "Raw vs clean"),
    "article.raw_source": ("HTML mentah (sebagai teks)", "Raw HTML (as text)"),
    "article.raw_render": ("Tampilan halaman asli (tanpa skrip)", "Original page (scripts off)"),
    "article.no_raw": ("HTML mentah tidak tersimpan.", "No raw HTML stored."),
    "article.back": ("← Kembali ke kotak masuk", "← Back to the inbox"),
    "article.next": ("Artikel baru berikutnya →", "Next new article →"),
    "ev.term": ("Istilah", "Term"),
    "ev.topic": ("Topik", "Topic"),
    "ev.weight": ("Bobot", "Weight"),
    "ev.field": ("Bagian", "Field"),
    "ev.count": ("Jumlah", "Count"),
    "ev.excerpt": ("Kutipan", "Excerpt"),
    "ev.source": ("Asal", "Found in"),
    "ev.match": ("Nama", "Name"),
    "digest.title": ("Ringkasan harian {day}", "Daily digest {day}"),
    "digest.day": ("Tanggal", "Day"),
    "digest.show": ("Tampilkan", "Show"),
    "digest.print": ("Cetak", "Print"),
    "digest.relevant": ("Berita relevan", "Relevant stories"),
    "digest.follow_up": ("Perlu tindak lanjut", "Needs follow-up"),
    "digest.by_topic": ("Per topik", "By topic"),
    "digest.by_region": ("Per wilayah", "By region"),
    "digest.empty": ("Tidak ada berita yang ditandai untuk hari ini.", "No marked stories for this day."),
    "digest.unknown_region": ("Wilayah tidak diketahui", "Unknown region"),
    "digest.stories": ("berita", "stories"),
    "runs.title": ("Proses crawl terakhir", "Recent crawl runs"),
    "runs.sources": ("Keadaan sumber", "Sources"),
    "runs.started": ("Mulai", "Started"),
    "runs.ended": ("Selesai", "Ended"),
    "runs.status": ("Status", "Status"),
    "runs.requests": ("Permintaan", "Requests"),
    "runs.pages": ("Halaman", "Pages"),
    "runs.new": ("Artikel baru", "New articles"),
    "runs.errors": ("Galat", "Errors"),
    "runs.last_success": ("Terakhir berhasil", "Last success"),
    "runs.articles": ("Artikel", "Articles"),
    "runs.never": ("belum pernah", "never"),
    "runs.empty": ("Belum ada proses crawl.", "No crawl runs yet."),
    "runs.busy": ("dilewati: sedang di-crawl proses lain", "skipped: another crawl held it"),
    "runs.limits": ("Batas tercapai", "Limits hit"),
    "runs.limits_note": ("Bagian yang terpotong oleh batas menunggu di antrean untuk proses berikutnya.",
                         "What a limit cut waits in the frontier for the next run."),
    "runs.dropped": ("Halaman yang tidak disimpan pada proses terakhir",
                     "Pages not stored by the latest run"),
    "runs.dropped_none": ("Semua halaman artikel pada proses terakhir disimpan.",
                          "The latest run stored every article page it fetched."),
    "runs.dropped_more": ("Hanya {n} halaman pertama yang ditampilkan (lihat `pantau runs --dropped`).",
                          "Only the first {n} pages are shown (see `pantau runs --dropped`)."),
    "runs.reason": ("Alasan", "Reason"),
    "runs.detail": ("Keterangan", "Detail"),
    "runs.raw_kept": ("HTML mentah disimpan", "Raw HTML kept"),
    "runs.tried": ("Dicoba", "Tried"),
    "login.title": ("Masuk", "Sign in"),
    "login.name": ("Nama", "Name"),
    "login.password": ("Kata sandi", "Password"),
    "login.submit": ("Masuk", "Sign in"),
    "login.failed": ("Nama atau kata sandi salah.", "Wrong name or password."),
    "login.open": ("Tanpa kata sandi (hanya 127.0.0.1): nama Anda dicatat pada setiap tanda.",
                   "No password (127.0.0.1 only): your name is recorded with every mark."),
    "error.title": ("Terjadi kesalahan", "Something went wrong"),
    "error.400": ("Permintaan ditolak: formulir kedaluwarsa atau tanpa token keamanan. Muat ulang halaman lalu coba lagi.",
                  "Request refused: the form has expired or lacks its security token. Reload the page and try again."),
    "error.403": ("Anda harus masuk terlebih dahulu.", "You need to sign in first."),
    "error.404": ("Halaman tidak ditemukan.", "Page not found."),
    "error.503": ("Basis data sedang sibuk (crawl sedang menulis). Coba lagi sebentar lagi.",
                  "The database is busy (a crawl is writing). Try again in a moment."),
    "error.500": ("Kesalahan internal. Kejadian ini sudah dicatat.", "Internal error. It has been logged."),
    "topic.kenakalan_kelompok": ("Kenakalan kelompok", "Gang delinquency"),
    "topic.konflik_sosial": ("Konflik sosial", "Social conflict"),
    "topic.koordinasi_keamanan": ("Koordinasi keamanan", "Security coordination"),
    "topic.kriminalitas": ("Kriminalitas", "Crime"),
    "topic.narkoba": ("Narkoba", "Drugs"),
    "topic.pemilu": ("Pemilu", "Elections"),
    "topic.sara_hoaks": ("SARA & hoaks", "Ethnic/religious tension & hoaxes"),
    "topic.terorisme": ("Terorisme", "Terrorism"),
    "topic.unjuk_rasa": ("Unjuk rasa", "Protests"),
    "topic.keamanan_umum": ("Keamanan umum", "Public security"),
    "error.other": ("Permintaan tidak dapat diproses.", "The request could not be processed."),
}


def current_language() -> str:
    """The request's language, read once per request (templates ask hundreds of times)."""
    lang = g.get("lang")
    if lang is None:
        lang = g.lang = request.cookies.get("lang", DEFAULT)
    return lang if lang in LANGUAGES else DEFAULT


def translate(key: str, lang: str | None = None, **values: object) -> str:
    """The label in the current language, with ``{name}`` values filled in."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[LANGUAGES.index(lang or current_language())] or pair[0]
    return text.format(**values) if values else text


def topic_label(topic: object) -> str:
    """A topic id ('konflik_sosial') in words; unknown topics keep their own name."""
    key = f"topic.{topic}"
    return translate(key) if key in MESSAGES else str(topic).replace("_", " ")


def install(app: Flask) -> None:
    app.jinja_env.globals.update(t=translate, lang=current_language, LANGUAGES=LANGUAGES,
                                 topic_label=topic_label)
