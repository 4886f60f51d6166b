"""Region tagging (pipelines/regions.py): one test per rule, on real-looking prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.regions import RegionTag, load_gazetteer, squash, tag_region

SEEDS = sorted((Path(__file__).parent / "fixtures" / "relevance" / "seeds").glob("*.txt"))
SEED_REGIONS = {
    "000": ("Kabupaten Tulungagung", "Jawa Timur"),
    "001": ("Kota Pangkalpinang", "Kepulauan Bangka Belitung"),
    "002": ("Kabupaten Lumajang", "Jawa Timur"),
    "003": ("Kabupaten Tanjung Jabung Timur", "Jambi"),
    "004": ("Kabupaten Tulungagung", "Jawa Timur"),
}


def region(title: str | None, text: str, **kwargs: str) -> tuple[str | None, str | None]:
    tag = tag_region(title, text, **kwargs)
    return tag.regency, tag.province


# ── the seeds ─────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_every_seed_gets_its_regency(seed: Path) -> None:
    title, _, body = seed.read_text(encoding="utf-8").partition("\n")
    assert region(title, body) == SEED_REGIONS[seed.stem[:3]]


def test_seeds_are_all_present() -> None:
    assert len(SEEDS) == 5


# ── the gazetteer is complete and official ────────────────────────────────────────────


def test_gazetteer_has_38_provinces_and_514_regencies() -> None:
    gaz = load_gazetteer()
    assert len(gaz.provinces) == 38
    assert len(gaz.regencies) == 514
    kinds = [name.split()[0] for name in gaz.regencies.values()]
    assert kinds.count("Kabupaten") == 416 and kinds.count("Kota") == 98
    assert {"Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya"} <= set(gaz.provinces.values())


def test_alias_to_an_unknown_place_is_refused(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("regencies:\n  Atlantis: Kabupaten Atlantis\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Atlantis"):
        load_gazetteer(aliases_path=aliases)


def test_squash_ignores_case_spaces_and_hyphens() -> None:
    assert squash("Pangkal Pinang") == squash("PANGKALPINANG") == "pangkalpinang"
    assert squash("Toli-Toli") == squash("Tolitoli")


# ── dateline first ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "head",
    ["MADIUN – ", "Madiun - ", "MADIUN, Kompas - ", "Madiun (Antara) - ", "Madiun l Detiknews – "],
)
def test_dateline_formats(head: str) -> None:
    text = head + "Seorang pria ditangkap polisi setelah mencuri sepeda motor milik tetangganya."
    assert region(None, text) == ("Kota Madiun", "Jawa Timur")


def test_dateline_outweighs_a_single_body_mention() -> None:
    text = (
        "GRESIK – Polisi menangkap dua pencuri kabel telepon di kawasan industri. Keduanya "
        "mengaku menjual kabel curian kepada penadah asal Lamongan."
    )
    assert region(None, text) == ("Kabupaten Gresik", "Jawa Timur")


def test_an_explicit_dateline_argument_is_used() -> None:
    text = "Warga mengeluhkan jalan rusak yang belum juga diperbaiki sejak awal tahun."
    assert region(None, text, dateline="Sumenep") == ("Kabupaten Sumenep", "Jawa Timur")


def test_sentence_start_is_not_a_dateline() -> None:
    text = (
        "Dalam upaya menjaga situasi di Kabupaten Kendal, polisi menggelar patroli. "
        "Kapolres Kendal memimpin langsung kegiatan tersebut."
    )
    tag = tag_region(None, text)
    assert tag.regency == "Kabupaten Kendal"
    assert all(e["source"] != "dateline" for e in tag.evidence)


def test_province_capital_dateline_gives_way_to_the_regency_named_throughout() -> None:
    text = (
        "Jambi - Pemkab Tanjab Barat menggelar rapat koordinasi di Kuala Tungkal. Bupati "
        "Tanjab Barat meminta camat aktif memantau situasi. Kapolres Tanjab Barat hadir."
    )
    assert region(None, text) == ("Kabupaten Tanjung Jabung Barat", "Jambi")


# ── body mentions: position and frequency ─────────────────────────────────────────────


def test_related_links_at_the_tail_do_not_outvote_the_story() -> None:
    text = (
        "Polres Ngawi menggelar patroli malam di jalur rawan. Kapolres Ngawi memimpin "
        "langsung. Warga Ngawi menyambut baik patroli tersebut.\n\nBaca juga: Pilkada di "
        "Pamekasan Aman\nBaca juga: Polres Situbondo Gelar Patroli\nBaca juga: Banjir di Jember"
    )
    assert region(None, text) == ("Kabupaten Ngawi", "Jawa Timur")


def test_frequency_decides_between_two_regencies() -> None:
    text = (
        "Tim gabungan dari Sragen membantu pencarian. Warga Karanganyar berkumpul di balai desa. "
        "Bupati Karanganyar datang, dan Polres Karanganyar mengerahkan personel ke lokasi."
    )
    assert region(None, text) == ("Kabupaten Karanganyar", "Jawa Tengah")


# ── aliases and anchors ───────────────────────────────────────────────────────────────


def test_abbreviations_point_at_official_names() -> None:
    assert region("Rakor Kesbangpol Tanjab Timur", "Rapat dihadiri camat se-Tanjab Timur.") == (
        "Kabupaten Tanjung Jabung Timur", "Jambi")
    assert region("Kukar Siaga", "Polres Kukar menyiagakan personel.")[0] == "Kabupaten Kutai Kartanegara"


def test_province_abbreviation_gives_the_province() -> None:
    tag = tag_region("Kesbangpol Babel Gelar Rakor", "Rapat digelar di kantor gubernur.")
    assert tag.province == "Kepulauan Bangka Belitung" and tag.regency is None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Polres Lumajang", "Kabupaten Lumajang"),
        ("Kodim 0821 Lumajang", "Kabupaten Lumajang"),
        ("Kodim 0821/Lumajang", "Kabupaten Lumajang"),
        ("Pemkab Lumajang", "Kabupaten Lumajang"),
        ("Bupati Lumajang", "Kabupaten Lumajang"),
        ("Kab. Lumajang", "Kabupaten Lumajang"),
        ("Kabupaten Lumajang", "Kabupaten Lumajang"),
        ("Kota Pangkal Pinang", "Kota Pangkalpinang"),
        ("Pangkalpinang", "Kota Pangkalpinang"),
    ],
)
def test_anchors_and_spellings_point_at_the_place(phrase: str, expected: str) -> None:
    assert region(None, f"Kegiatan itu digelar oleh {phrase} pada Senin pagi.")[0] == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Kota Malang", "Kota Malang"),
        ("Kabupaten Malang", "Kabupaten Malang"),
        ("Kab. Malang", "Kabupaten Malang"),
        ("Bupati Blitar", "Kabupaten Blitar"),
        ("Wali Kota Blitar", "Kota Blitar"),
        ("Pemkot Bekasi", "Kota Bekasi"),
        ("Polres Blitar Kota", "Kota Blitar"),
        ("Polresta Malang Kota", "Kota Malang"),
        ("Pemkab Bogor", "Kabupaten Bogor"),
    ],
)
def test_kabupaten_and_kota_of_one_name_are_told_apart(phrase: str, expected: str) -> None:
    assert region(None, f"Pernyataan itu disampaikan {phrase} kepada wartawan, Senin.")[0] == expected


def test_polres_metro_is_a_police_unit_not_kota_metro() -> None:
    tag = tag_region(None, "Kapolres Metro Bekasi Kota menyebut pelaku sudah ditahan.")
    assert tag.regency == "Kota Bekasi"
    assert all(e["regency"] != "Kota Metro" for e in tag.evidence)
    assert region(None, "Wali Kota Metro meninjau pasar.")[0] == "Kota Metro"


def test_a_bare_shared_name_follows_the_rest_of_the_article() -> None:
    text = (
        "Kepanjen - Warga Malang dikejutkan aksi pencurian. Bupati Malang meminta polisi "
        "bergerak cepat. Polres Malang membentuk tim khusus."
    )
    assert region(None, text)[0] == "Kabupaten Malang"


def test_city_district_names_point_at_the_city() -> None:
    assert region(None, "TANJUNGKARANG (Lampost) – Dua pemuda ditangkap saat menjambret.")[0] == "Kota Bandar Lampung"
    assert region(None, "Kapolsek Telukbetung Selatan menerima laporan warga.")[0] == "Kota Bandar Lampung"


def test_an_anchored_district_points_at_its_regency() -> None:
    text = "Bentrokan terjadi di Desa Glonggong, Kecamatan Dolopo, Minggu dini hari."
    assert region(None, text) == ("Kabupaten Madiun", "Jawa Timur")


def test_an_anchor_must_touch_the_name() -> None:
    text = "TULUNGAGUNG – Hadir unsur kecamatan (KASI TRANTIB) dan Babinsa."
    tag = tag_region(None, text)
    assert [e["regency"] for e in tag.evidence] == ["Kabupaten Tulungagung"]


def test_province_anchor_picks_the_province() -> None:
    tag = tag_region(None, "Kapolda Jatim memberi penghargaan kepada personel berprestasi.")
    assert tag.province == "Jawa Timur" and tag.regency is None


# ── look-alikes ───────────────────────────────────────────────────────────────────────


def test_common_words_are_not_places() -> None:
    text = "Nasib malang menimpa petani itu; medan berat membuat bantuan terlambat datang."
    assert region(None, text) == (None, None)


def test_names_that_are_ordinary_words_need_an_anchor() -> None:
    text = "Batu dan botol beterbangan. Puncak acara diisi doa bersama warga Kendal."
    assert region(None, text)[0] == "Kabupaten Kendal"
    assert region(None, "Wali Kota Batu meninjau lokasi.")[0] == "Kota Batu"


def test_island_names_need_an_anchor_but_the_province_alias_works() -> None:
    tag = tag_region(None, "Nelayan Bangka Belitung mengeluhkan cuaca buruk di sekitar Pulau Bangka.")
    assert tag.province == "Kepulauan Bangka Belitung" and tag.regency is None


# ── source region last ────────────────────────────────────────────────────────────────


def test_source_region_is_the_fallback() -> None:
    text = "Warga diminta mewaspadai penipuan yang mengatasnamakan petugas bank."
    assert region(None, text, source_region="Kabupaten Sumenep") == ("Kabupaten Sumenep", "Jawa Timur")


def test_source_region_does_not_outvote_the_text() -> None:
    text = "SAMPANG – Polres Sampang mengamankan dua pelaku pencurian sapi."
    assert region(None, text, source_region="Kabupaten Sumenep")[0] == "Kabupaten Sampang"


# ── evidence ──────────────────────────────────────────────────────────────────────────


def test_evidence_is_stored_with_source_weight_and_count() -> None:
    text = "TULUNGAGUNG – Polres Tulungagung menggelar patroli. Bupati Tulungagung hadir."
    tag = tag_region("Patroli Gabungan di Tulungagung", text, source_region="Jawa Timur")
    sources = [e["source"] for e in tag.evidence]
    assert {"dateline", "title", "body", "source_region"} <= set(sources)
    top = tag.evidence[0]
    assert top["source"] == "dateline" and top["regency"] == "Kabupaten Tulungagung"
    body = next(e for e in tag.evidence if e["source"] == "body")
    assert body["count"] == 2 and body["weight"] > 0


def test_to_dict_round_trips() -> None:
    tag = tag_region(None, "SLEMAN – Patroli klitih digelar tiap malam.")
    assert isinstance(tag, RegionTag)
    assert tag.to_dict()["regency"] == "Kabupaten Sleman"
    assert tag.to_dict()["province"] == "Daerah Istimewa Yogyakarta"


def test_no_place_no_tag() -> None:
    assert tag_region(None, "") == RegionTag(None, None, [])
