"""Story clustering: syndicated copies join one story, template near misses stay apart.

The fixture articles are written the way Polri and Kominfo releases are republished by
regional outlets: a new title (not part of the body), a dateline, an added or cut lead
paragraph, captions, "Baca Juga" and sign-off lines that cleaning missed.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import sqlite_utils

from pipelines.dedup import (
    DEFAULT_NUM_PERM,
    DEFAULT_THRESHOLD,
    FACTS_OVERLAP_MIN,
    LSH_MARGIN,
    LSH_TARGET_RECALL,
    STRONG_JACCARD,
    candidate_probability,
    content_lines,
    is_clutter_line,
    key_facts,
    lsh_shape,
    normalise,
    published_utc,
    same_story,
    shingles,
    strip_dateline,
    text_fingerprint,
    word_ngrams,
)
from pipelines.storage import IndexSettingsMismatch, StoryIndex

# --- fixtures: one release, its copies, and its near misses ----------------------------------

RELEASE = """\
Satuan Reserse Narkoba Polresta Sleman menangkap dua pria yang diduga menjadi pengedar sabu di wilayah Kecamatan Depok, Kabupaten Sleman, Daerah Istimewa Yogyakarta.
Kapolresta Sleman Kombes Pol Edy Setyanto Erning Wibowo melalui Kasat Resnarkoba AKP Mochamad Rifai mengatakan, kedua tersangka berinisial RH (27) dan DS (31) ditangkap pada Selasa (14/5/2024) sekitar pukul 22.30 WIB di sebuah rumah kos di Jalan Kaliurang Km 7.
Penangkapan berawal dari informasi masyarakat yang resah dengan aktivitas mencurigakan di rumah kos tersebut. Petugas kemudian melakukan penyelidikan selama sepekan sebelum melakukan penggerebekan.
Dari tangan RH, petugas menyita 12 paket sabu dengan berat bruto 8,64 gram yang disimpan di dalam kotak rokok, dua unit telepon genggam, dan sebuah timbangan digital. Sementara dari DS diamankan tiga paket sabu seberat 1,2 gram.
Kepada penyidik, RH mengaku memperoleh sabu dari seseorang berinisial AN yang saat ini masih dalam pengejaran. Ia mengaku sudah enam bulan menjual sabu dengan harga Rp1,2 juta per gram kepada mahasiswa dan pekerja di sekitar Condongcatur.
Atas perbuatannya, kedua tersangka dijerat Pasal 114 ayat (1) subsider Pasal 112 ayat (1) Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman pidana penjara paling singkat lima tahun dan paling lama 20 tahun.
Rifai mengimbau masyarakat untuk tidak ragu melaporkan apabila mengetahui adanya peredaran narkoba di lingkungannya. Laporan dapat disampaikan melalui layanan Call Center 110 dan identitas pelapor dijamin kerahasiaannya.
"""

# Kompas: dateline, a caption on top, a caption line without prefix, "Baca Juga", sign-off.
COPY_KOMPAS = """\
Foto: Kasat Resnarkoba Polresta Sleman AKP Mochamad Rifai menunjukkan barang bukti sabu, Rabu (15/5/2024). (KOMPAS.com/Wijaya Kusuma)
SLEMAN, KOMPAS.com - Satuan Reserse Narkoba Polresta Sleman menangkap dua pria yang diduga menjadi pengedar sabu di wilayah Kecamatan Depok, Kabupaten Sleman, Daerah Istimewa Yogyakarta.
Kapolresta Sleman Kombes Pol Edy Setyanto Erning Wibowo melalui Kasat Resnarkoba AKP Mochamad Rifai mengatakan, kedua tersangka berinisial RH (27) dan DS (31) ditangkap pada Selasa (14/5/2024) sekitar pukul 22.30 WIB di sebuah rumah kos di Jalan Kaliurang Km 7.
Baca Juga: Kurir Ganja 2 Kilogram Ditangkap di Exit Tol Prambanan
Penangkapan berawal dari informasi masyarakat yang resah dengan aktivitas mencurigakan di rumah kos tersebut. Petugas kemudian melakukan penyelidikan selama sepekan sebelum melakukan penggerebekan.
Kedua tersangka saat dihadirkan dalam konferensi pers di Mapolresta Sleman, Rabu (15/5/2024).
Dari tangan RH, petugas menyita 12 paket sabu dengan berat bruto 8,64 gram yang disimpan di dalam kotak rokok, dua unit telepon genggam, dan sebuah timbangan digital. Sementara dari DS diamankan tiga paket sabu seberat 1,2 gram.
Kepada penyidik, RH mengaku memperoleh sabu dari seseorang berinisial AN yang saat ini masih dalam pengejaran. Ia mengaku sudah enam bulan menjual sabu dengan harga Rp1,2 juta per gram kepada mahasiswa dan pekerja di sekitar Condongcatur.
Atas perbuatannya, kedua tersangka dijerat Pasal 114 ayat (1) subsider Pasal 112 ayat (1) Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman pidana penjara paling singkat lima tahun dan paling lama 20 tahun.
Rifai mengimbau masyarakat untuk tidak ragu melaporkan apabila mengetahui adanya peredaran narkoba di lingkungannya. Laporan dapat disampaikan melalui layanan Call Center 110 dan identitas pelapor dijamin kerahasiaannya.
Editor: Ardi Priyatno Utomo
"""

# Harian Jogja: first paragraph cut, its own lead paragraph, other caption and clutter.
COPY_HARJO = """\
Peredaran sabu di kawasan kampus utara Yogyakarta kembali terungkap setelah warga melapor ke polisi.
Kapolresta Sleman Kombes Pol Edy Setyanto Erning Wibowo melalui Kasat Resnarkoba AKP Mochamad Rifai mengatakan, kedua tersangka berinisial RH (27) dan DS (31) ditangkap pada Selasa (14/5/2024) sekitar pukul 22.30 WIB di sebuah rumah kos di Jalan Kaliurang Km 7.
Penangkapan berawal dari informasi masyarakat yang resah dengan aktivitas mencurigakan di rumah kos tersebut. Petugas kemudian melakukan penyelidikan selama sepekan sebelum melakukan penggerebekan.
Barang bukti sabu yang diamankan Satresnarkoba Polresta Sleman. (Harian Jogja/Lajeng Padmaratri)
Dari tangan RH, petugas menyita 12 paket sabu dengan berat bruto 8,64 gram yang disimpan di dalam kotak rokok, dua unit telepon genggam, dan sebuah timbangan digital. Sementara dari DS diamankan tiga paket sabu seberat 1,2 gram.
BACA JUGA: Polisi Buru Pemasok Sabu Jaringan Lapas
Kepada penyidik, RH mengaku memperoleh sabu dari seseorang berinisial AN yang saat ini masih dalam pengejaran. Ia mengaku sudah enam bulan menjual sabu dengan harga Rp1,2 juta per gram kepada mahasiswa dan pekerja di sekitar Condongcatur.
Atas perbuatannya, kedua tersangka dijerat Pasal 114 ayat (1) subsider Pasal 112 ayat (1) Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman pidana penjara paling singkat lima tahun dan paling lama 20 tahun.
Rifai mengimbau masyarakat untuk tidak ragu melaporkan apabila mengetahui adanya peredaran narkoba di lingkungannya. Laporan dapat disampaikan melalui layanan Call Center 110 dan identitas pelapor dijamin kerahasiaannya.
Simak berita dan artikel lainnya di Google News Harian Jogja.
"""

# Radar Jogja: a copy editor's words, two paragraphs merged, the appeal cut.
COPY_RADAR = """\
SLEMAN, Radar Jogja – Satuan Reserse Narkoba Polresta Sleman menangkap dua pria yang diduga menjadi pengedar sabu di wilayah Kecamatan Depok, Kabupaten Sleman, Daerah Istimewa Yogyakarta.
Kapolresta Sleman Kombes Pol Edy Setyanto Erning Wibowo melalui Kasat Resnarkoba AKP Mochamad Rifai menjelaskan, kedua pelaku berinisial RH (27) dan DS (31) ditangkap pada Selasa (14/5/2024) sekitar pukul 22.30 WIB di sebuah rumah kos di Jalan Kaliurang Km 7.
Penangkapan berawal dari informasi warga yang resah dengan aktivitas mencurigakan di rumah kos tersebut. Polisi lalu melakukan penyelidikan selama sepekan sebelum melakukan penggerebekan. Dari tangan RH, petugas menyita 12 paket sabu dengan berat bruto 8,64 gram yang disimpan di dalam kotak rokok, dua unit telepon genggam, dan sebuah timbangan digital. Sementara dari DS diamankan tiga paket sabu seberat 1,2 gram.
Kepada penyidik, RH mengaku memperoleh sabu dari seseorang berinisial AN yang saat ini masih dalam pengejaran. Ia mengaku sudah enam bulan menjual sabu dengan harga Rp1,2 juta per gram kepada mahasiswa dan pekerja di sekitar Condongcatur.
Atas perbuatannya, kedua tersangka dijerat Pasal 114 ayat (1) subsider Pasal 112 ayat (1) Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman pidana penjara paling singkat lima tahun dan paling lama 20 tahun.
(rls/ws)
"""

# The same template, another regency: different names, places, quantities and dates.
NEAR_MISS_BANTUL = """\
Satuan Reserse Narkoba Polres Bantul menangkap dua pria yang diduga menjadi pengedar sabu di wilayah Kecamatan Sewon, Kabupaten Bantul, Daerah Istimewa Yogyakarta.
Kapolres Bantul AKBP Michael Tamsil melalui Kasat Resnarkoba AKP Aditya Kusuma mengatakan, kedua tersangka berinisial FA (24) dan YP (36) ditangkap pada Jumat (7/6/2024) sekitar pukul 01.15 WIB di sebuah rumah kontrakan di Jalan Parangtritis Km 9.
Penangkapan berawal dari informasi masyarakat yang resah dengan aktivitas mencurigakan di rumah kontrakan tersebut. Petugas kemudian melakukan penyelidikan selama sepekan sebelum melakukan penggerebekan.
Dari tangan FA, petugas menyita 30 paket sabu dengan berat bruto 21,7 gram yang disimpan di dalam tas pinggang, tiga unit telepon genggam, dan sebuah timbangan digital. Sementara dari YP diamankan lima paket sabu seberat 2,5 gram.
Kepada penyidik, FA mengaku memperoleh sabu dari seseorang berinisial BG yang saat ini masih dalam pengejaran. Ia mengaku sudah tiga bulan menjual sabu dengan harga Rp1,4 juta per gram kepada sopir truk di sekitar Terminal Palbapang.
Atas perbuatannya, kedua tersangka dijerat Pasal 114 ayat (1) subsider Pasal 112 ayat (1) Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman pidana penjara paling singkat lima tahun dan paling lama 20 tahun.
Aditya mengimbau masyarakat untuk tidak ragu melaporkan apabila mengetahui adanya peredaran narkoba di lingkungannya. Laporan dapat disampaikan melalui layanan Call Center 110 dan identitas pelapor dijamin kerahasiaannya.
"""

# The same template and the same Polresta three weeks later: only the event changed.
NEAR_MISS_SLEMAN = """\
Satuan Reserse Narkoba Polresta Sleman menangkap dua pria yang diduga menjadi pengedar sabu di wilayah Kecamatan Mlati, Kabupaten Sleman, Daerah Istimewa Yogyakarta.
Kapolresta Sleman Kombes Pol Edy Setyanto Erning Wibowo melalui Kasat Resnarkoba AKP Mochamad Rifai mengatakan, kedua tersangka berinisial AW (22) dan TP (40) ditangkap pada Senin (3/6/2024) sekitar pukul 19.45 WIB di sebuah warung kopi di Jalan Magelang Km 9.
Penangkapan berawal dari informasi masyarakat yang resah dengan aktivitas mencurigakan di warung kopi tersebut. Petugas kemudian melakukan penyelidikan selama sepekan sebelum melakukan penggerebekan.
Dari tangan AW, petugas menyita tujuh paket sabu dengan berat bruto 3,1 gram yang disimpan di dalam bungkus permen, satu unit telepon genggam, dan sebuah timbangan digital. Sementara dari TP diamankan 15 butir pil ekstasi.
Kepada penyidik, AW mengaku memperoleh sabu dari seseorang berinisial KR yang saat ini masih dalam pengejaran. Ia mengaku sudah dua bulan menjual sabu dengan harga Rp1,3 juta per gram kepada pengemudi ojek daring di sekitar Sinduadi.
Atas perbuatannya, kedua tersangka dijerat Pasal 114 ayat (1) subsider Pasal 112 ayat (1) Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman pidana penjara paling singkat lima tahun dan paling lama 20 tahun.
Rifai mengimbau masyarakat untuk tidak ragu melaporkan apabila mengetahui adanya peredaran narkoba di lingkungannya. Laporan dapat disampaikan melalui layanan Call Center 110 dan identitas pelapor dijamin kerahasiaannya.
"""

HOAX = """\
Beredar sebuah pesan berantai melalui WhatsApp yang menyebutkan pemerintah membagikan kuota internet gratis 100 GB bagi seluruh pelajar dengan mengisi formulir pada sebuah tautan.
Faktanya, Kementerian Komunikasi dan Digital tidak pernah membuka pendaftaran kuota gratis melalui tautan tersebut. Tautan itu mengarah ke situs palsu yang meminta nama lengkap, nomor induk kependudukan, dan nomor rekening.
Kepala Dinas Komunikasi dan Informatika Kabupaten Sleman Eko Suhargono meminta warga tidak mengisi data pribadi pada tautan yang tidak jelas asal-usulnya.
Masyarakat diimbau untuk selalu memeriksa kebenaran informasi sebelum membagikannya kepada orang lain. Laporkan konten hoaks melalui kanal aduankonten.id.
"""

PUBLISHED = {
    "tribratanews": "2024-05-15T10:00:00+07:00",
    "kompas": "2024-05-15T13:20:00+07:00",
    "harjo": "2024-05-15T09:05:00+07:00",   # the earliest, but crawled last
    "radar": "2024-05-15T04:00:00+00:00",   # 11:00 WIB
}


@pytest.fixture
def db() -> sqlite_utils.Database:
    return sqlite_utils.Database(memory=True)


@pytest.fixture
def index(db: sqlite_utils.Database) -> StoryIndex:
    return StoryIndex(db)


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


# --- pure text keys --------------------------------------------------------------------------


def test_normalise_ignores_case_punctuation_and_whitespace() -> None:
    assert normalise("  SLEMAN,  Kompas.com —\tPolisi\u00a0menangkap «RH» (27). ") == (
        "sleman kompas com polisi menangkap rh 27"
    )


def test_fingerprint_is_stable_hex_across_retyping() -> None:
    retyped = RELEASE.upper().replace(". ", ".\n").replace(",", " ,")
    assert text_fingerprint(RELEASE) == text_fingerprint(retyped)
    assert len(text_fingerprint(RELEASE)) == 32
    int(text_fingerprint(RELEASE), 16)
    assert text_fingerprint(RELEASE) != text_fingerprint(NEAR_MISS_SLEMAN)


@pytest.mark.parametrize(
    "line",
    [
        "Baca Juga: Kurir Ganja 2 Kilogram Ditangkap di Exit Tol Prambanan",
        "BACA JUGA: Polisi Buru Pemasok Sabu Jaringan Lapas",
        "Foto: Kasat Resnarkoba menunjukkan barang bukti. (KOMPAS.com/Wijaya Kusuma)",
        "Editor: Ardi Priyatno Utomo",
        "Simak berita dan artikel lainnya di Google News Harian Jogja.",
        "Artikel ini telah tayang di Tribunjogja.com dengan judul Dua Pengedar Sabu Ditangkap",
    ],
)
def test_clutter_lines_are_recognised(line: str) -> None:
    assert is_clutter_line(line)


def test_prose_is_not_clutter() -> None:
    assert not is_clutter_line("Foto yang beredar di media sosial itu ternyata diambil tahun 2019.")
    assert not is_clutter_line(RELEASE.splitlines()[0])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("SLEMAN, KOMPAS.com - Polisi menangkap dua pria.", "Polisi menangkap dua pria."),
        ("SLEMAN, Radar Jogja – Polisi menangkap dua pria.", "Polisi menangkap dua pria."),
        ("Jakarta (ANTARA) - Kominfo meluruskan hoaks kuota.", "Kominfo meluruskan hoaks kuota."),
        ("Kapolres Bantul AKBP Michael Tamsil - yang baru dilantik - hadir.",
         "Kapolres Bantul AKBP Michael Tamsil - yang baru dilantik - hadir."),
    ],
)
def test_strip_dateline(line: str, expected: str) -> None:
    assert strip_dateline(line) == expected


def test_content_lines_drop_clutter_captions_prefixes_and_stubs() -> None:
    lines = content_lines(COPY_KOMPAS)
    assert lines[0].startswith("Satuan Reserse Narkoba")
    assert not any(line.startswith(("Foto", "Baca", "Editor")) for line in lines)
    assert "(rls/ws)" not in content_lines(COPY_RADAR)


def test_word_ngrams_window_and_short_paragraph() -> None:
    words = "a b c d e f".split()
    assert word_ngrams(words, 5) == ["a b c d e", "b c d e f"]
    assert word_ngrams(["kapolres", "sleman"], 5) == ["kapolres sleman"]
    assert word_ngrams([], 5) == []


def test_shingles_never_cross_a_paragraph_break() -> None:
    text = "satu dua tiga empat lima\nenam tujuh delapan sembilan sepuluh"
    assert shingles(text) == {"satu dua tiga empat lima", "enam tujuh delapan sembilan sepuluh"}


def test_clutter_and_captions_do_not_change_the_shingles() -> None:
    noisy = "Foto: Humas Polresta Sleman\n" + RELEASE + "Baca Juga: Kurir Ganja Ditangkap\nEditor: Ardi"
    assert shingles(noisy) == shingles(RELEASE)


def test_key_facts_are_names_places_dates_and_quantities() -> None:
    facts = key_facts(RELEASE)
    assert {"rh", "ds", "14/5/2024", "8,64", "sleman", "rifai", "kaliurang"} <= facts
    assert "satuan" not in facts          # starts the sentence
    assert "menangkap" not in facts       # plain word


def test_copies_outscore_near_misses_on_shingles() -> None:
    """The measured reason for the thresholds: copies above them, the Bantul twin below."""
    for copy in (COPY_KOMPAS, COPY_HARJO, COPY_RADAR):
        assert jaccard(RELEASE, copy) >= 0.6
    assert jaccard(RELEASE, NEAR_MISS_BANTUL) < 0.5


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2024-05-15T10:00:00+07:00", "2024-05-15T03:00:00+00:00"),
        ("2024-05-15T11:00:00+08:00", "2024-05-15T03:00:00+00:00"),
        ("2024-05-15T03:00:00Z", "2024-05-15T03:00:00+00:00"),
        ("2024-05-15T10:00:00", "2024-05-15T03:00:00+00:00"),   # naive: WIB
        ("kemarin sore", None),
        ("", None),
        (None, None),
    ],
)
def test_published_utc(published: str | None, expected: str | None) -> None:
    assert published_utc(published) == expected


@pytest.mark.parametrize("num_perm", [DEFAULT_NUM_PERM, 128])
def test_lsh_shape_finds_copies_above_the_threshold(num_perm: int) -> None:
    bands, rows = lsh_shape(DEFAULT_THRESHOLD, num_perm)
    assert bands * rows <= num_perm
    assert candidate_probability(DEFAULT_THRESHOLD + LSH_MARGIN, bands, rows) >= LSH_TARGET_RECALL
    assert candidate_probability(0.15, bands, rows) < 0.1    # boilerplate-only overlaps


@pytest.mark.parametrize(
    ("jaccard_", "overlap", "expected"),
    [
        (STRONG_JACCARD, None, True),
        (0.6, FACTS_OVERLAP_MIN, True),
        (0.6, FACTS_OVERLAP_MIN - 0.01, False),
        (0.6, None, False),
        (0.45, 1.0, False),
    ],
)
def test_same_story_rule(jaccard_: float, overlap: float | None, expected: bool) -> None:
    assert same_story(jaccard_, overlap, 0.5) is expected


# --- clustering ------------------------------------------------------------------------------


def add_fixture_corpus(index: StoryIndex) -> dict[str, int]:
    """Crawl order: the release, its near misses and a hoax, then the copies."""
    rows = [
        (1, RELEASE, PUBLISHED["tribratanews"]),
        (2, NEAR_MISS_BANTUL, "2024-06-07T12:00:00+07:00"),
        (3, NEAR_MISS_SLEMAN, "2024-06-04T08:00:00+07:00"),
        (4, HOAX, "2024-05-16T08:00:00+07:00"),
        (5, COPY_KOMPAS, PUBLISHED["kompas"]),
        (6, COPY_RADAR, PUBLISHED["radar"]),
        (7, COPY_HARJO, PUBLISHED["harjo"]),
    ]
    return {name: index.add(*row) for name, row in zip(
        ["release", "bantul", "sleman_later", "hoax", "kompas", "radar", "harjo"], rows
    )}


def test_syndicated_copies_join_the_release_story(index: StoryIndex) -> None:
    story = add_fixture_corpus(index)
    assert story["kompas"] == story["radar"] == story["harjo"] == story["release"]
    assert sorted(index.members(story["release"])) == [1, 5, 6, 7]


def test_template_near_misses_stay_apart(index: StoryIndex) -> None:
    story = add_fixture_corpus(index)
    assert len({story["release"], story["bantul"], story["sleman_later"], story["hoax"]}) == 4
    assert index.members(story["bantul"]) == [2]
    assert index.members(story["sleman_later"]) == [3]


def test_near_misses_stay_apart_in_any_order(index: StoryIndex) -> None:
    story_ids = index.add_many([
        (3, NEAR_MISS_SLEMAN, None),
        (2, NEAR_MISS_BANTUL, None),
        (5, COPY_KOMPAS, None),
        (7, COPY_HARJO, None),
    ])
    assert story_ids[2] == story_ids[3]
    assert len(set(story_ids)) == 3


def test_earliest_published_leads_and_members_are_in_date_order(
    index: StoryIndex, db: sqlite_utils.Database
) -> None:
    story = add_fixture_corpus(index)["release"]
    row = db["stories"].get(story)
    assert row["lead_article_id"] == 7                      # Harian Jogja, 09:05 WIB
    assert row["first_published"] == "2024-05-15T02:05:00+00:00"
    assert row["size"] == 4
    assert index.members(story) == [7, 1, 6, 5]             # 09:05, 10:00, 11:00, 13:20 WIB


def test_undated_copy_never_takes_the_lead(index: StoryIndex, db: sqlite_utils.Database) -> None:
    story = index.add(1, RELEASE, PUBLISHED["tribratanews"])
    index.add(5, COPY_KOMPAS, None)
    assert db["stories"].get(story)["lead_article_id"] == 1
    assert index.members(story) == [1, 5]


def test_exact_duplicate_joins_without_its_own_buckets(
    index: StoryIndex, db: sqlite_utils.Database
) -> None:
    first = index.add(1, RELEASE, None)
    buckets = db["minhash_bands"].count
    assert index.add(2, "  " + RELEASE.upper() + "\nBaca Juga: Lainnya di Sini Ya", None) == first
    assert db["minhash_bands"].count == buckets


def test_adding_twice_is_idempotent(index: StoryIndex, db: sqlite_utils.Database) -> None:
    story = index.add(1, RELEASE, None)
    assert index.add(1, RELEASE, None) == story
    assert db["stories"].get(story)["size"] == 1


def test_empty_and_tiny_bodies_each_start_a_story(index: StoryIndex) -> None:
    ids = index.add_many([(1, "", None), (2, "", None), (3, "Foto: Humas", None)])
    assert len(set(ids)) == 3
    assert index.story_of(99) is None


def test_story_tables_come_from_the_one_schema_history(db: sqlite_utils.Database) -> None:
    StoryIndex(db).add(1, RELEASE, None)
    assert {"stories", "story_members", "minhash_bands", "story_facts"} <= set(db.table_names())
    sets = {r["migration_set"] for r in db["_sqlite_migrations"].rows}
    assert sets == {"pantau"}


def test_adding_reads_buckets_through_indexes_only(db: sqlite_utils.Database) -> None:
    """The O(N) promise: no statement scans a story table while an article is added."""
    index = StoryIndex(db)
    index.add_many([(1, RELEASE, None), (2, NEAR_MISS_BANTUL, None)])
    statements: list[str] = []
    traced = sqlite_utils.Database(db.conn, tracer=lambda sql, params: statements.append(sql))
    StoryIndex(traced).add(3, COPY_KOMPAS, None)
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert any("minhash_bands" in sql for sql in selects)
    for sql in selects:
        plan = " ".join(str(row) for row in db.conn.execute(
            "EXPLAIN QUERY PLAN " + sql, [0] * sql.count("?")
        ))
        for table in ("minhash_bands", "story_members", "stories", "story_facts"):
            assert f"SCAN {table}" not in plan, (sql, plan)


# --- persistence -----------------------------------------------------------------------------


def test_index_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "pantau.db"
    with sqlite_utils.Database(path) as db:
        story = StoryIndex(db).add(1, RELEASE, PUBLISHED["tribratanews"])
        StoryIndex(db).add(2, NEAR_MISS_BANTUL, None)
    with sqlite_utils.Database(path) as db:
        index = StoryIndex(db)
        assert index.add(3, COPY_HARJO, PUBLISHED["harjo"]) == story
        assert index.members(story) == [3, 1]
        assert index.story_of(2) != story


def test_reopening_with_other_settings_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pantau.db"
    with sqlite_utils.Database(path) as db:
        StoryIndex(db).add(1, RELEASE, None)
    with sqlite_utils.Database(path) as db, pytest.raises(IndexSettingsMismatch, match="num_perm"):
        StoryIndex(db, num_perm=2 * DEFAULT_NUM_PERM)


def test_threshold_out_of_range_is_refused(db: sqlite_utils.Database) -> None:
    with pytest.raises(ValueError):
        StoryIndex(db, threshold=0)


# --- the benchmark's generator, small ---------------------------------------------------------


def load_bench() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "bench" / "dedup.py"
    spec = importlib.util.spec_from_file_location("bench_dedup", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_dedup"] = module
    spec.loader.exec_module(module)
    return module


def test_small_generated_corpus_meets_the_targets(db: sqlite_utils.Database) -> None:
    bench = load_bench()
    corpus, stories = bench.generate(1500, seed=3)
    assert any(story.sibling_of is not None for story in stories)   # near misses present
    index = StoryIndex(db)
    predicted = dict(zip(
        [a.article_id for a in corpus],
        index.add_many((a.article_id, a.text, a.published) for a in corpus),
    ))
    precision, recall = bench.pairwise_scores({a.article_id: a.group for a in corpus}, predicted)
    assert precision >= 0.98
    assert recall >= 0.95


def test_pairwise_scores() -> None:
    score: Callable[..., tuple[float, float]] = load_bench().pairwise_scores
    truth = {1: 1, 2: 1, 3: 1, 4: 2}
    assert score(truth, {1: 9, 2: 9, 3: 9, 4: 8}) == (1.0, 1.0)
    assert score(truth, {1: 9, 2: 9, 3: 7, 4: 8}) == (1.0, 1 / 3)
    assert score(truth, {1: 9, 2: 9, 3: 9, 4: 9}) == (0.5, 1.0)
