"""Kamtibmas relevance scoring (pipelines/relevance.py): one test per rule, on real-looking prose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.relevance import (
    DEFAULT_THRESHOLD,
    Relevance,
    affix_forms,
    compile_pattern,
    load_lexicon,
    score_article,
)

FIXTURES = Path(__file__).parent / "fixtures" / "relevance"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))  # copies of shared/seeds, the five
LABELLED = FIXTURES / "labelled.jsonl"


def split_seed(path: Path) -> tuple[str, str]:
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return title, body


def matches(pattern: str, text: str) -> bool:
    return bool(compile_pattern(pattern).search(text.lower()))


# ── the seeds ─────────────────────────────────────────────────────────────────────────


def test_the_five_seeds_are_present() -> None:
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_every_seed_is_kamtibmas(seed: Path) -> None:
    result = score_article(*split_seed(seed))
    assert result.kamtibmas and result.score >= DEFAULT_THRESHOLD
    assert "koordinasi_keamanan" in result.topics or "konflik_sosial" in result.topics


def test_seed_about_pemilu_gets_the_pemilu_topic() -> None:
    seed = next(p for p in SEEDS if p.stem.startswith("004"))
    assert "pemilu" in score_article(*split_seed(seed)).topics


# ── affixes and spelling variants ─────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("root", "forms"),
    [
        ("aniaya", {"penganiayaan", "dianiaya", "menganiaya", "teraniaya"}),
        ("tikam", {"menikam", "penikaman", "ditikam"}),
        ("serang", {"menyerang", "penyerangan", "diserang"}),
        ("curi", {"pencurian", "mencuri", "pencuri", "kecurian"}),
        ("keroyok", {"pengeroyokan", "mengeroyok", "dikeroyok"}),
        ("bunuh", {"pembunuhan", "membunuh", "terbunuh"}),
        ("rampok", {"perampokan", "merampok", "dirampok"}),
        ("bom", {"pengeboman", "mengebom", "pemboman"}),
        ("rusuh", {"kerusuhan"}),
    ],
)
def test_affix_family_covers_indonesian_derivations(root: str, forms: set[str]) -> None:
    assert forms <= affix_forms(root)


def test_wildcard_prefix_catches_every_kamtibmas_compound() -> None:
    for word in ("kamtibmas", "harkamtibmas", "Binkamtibmas", "sitkamtibmas"):
        assert matches("*kamtibmas", f"Upaya {word} di wilayah hukum Polsek")


def test_wildcard_suffix_catches_kondusifitas() -> None:
    assert matches("kondusif*", "demi kondusifitas wilayah")
    assert matches("kondusif*", "situasi tetap kondusif.")


def test_space_and_hyphen_are_interchangeable_and_nya_is_allowed() -> None:
    assert matches("sabu sabu", "paket sabu-sabu seberat 5 gram")
    assert matches("tiga pilar", "sinergitas tiga-pilar di desa")
    assert matches("tawuran", "tawurannya terjadi lagi")


def test_patterns_match_whole_words_only() -> None:
    assert not matches("sara", "sarana ibadah")  # SARA, not 'sarana'
    assert not matches("demo", "demokrasi")


def test_forkopimda_and_forkopimcam_both_count() -> None:
    for word in ("Forkopimda", "Forkopimcam"):
        text = f"{word} menggelar rapat koordinasi menjelang malam tahun baru."
        assert any(e.topic == "koordinasi_keamanan" for e in score_article(None, text).evidence)


# ── relevant articles need not say "kamtibmas" ────────────────────────────────────────

ARREST = (
    "Satresnarkoba Polres Pringsewu menangkap seorang pemuda yang kedapatan membawa 12 paket "
    "sabu di Jalan Ahmad Yani, Selasa malam. Tersangka mengaku mendapat barang dari seorang "
    "bandar di Bandar Lampung dan dijanjikan upah Rp500 ribu sekali antar."
)


def test_drug_arrest_without_the_word_kamtibmas_is_relevant() -> None:
    result = score_article("Polisi Tangkap Kurir Sabu di Pringsewu", ARREST)
    assert result.kamtibmas
    assert result.topics[0] == "narkoba"


def test_silat_clash_is_group_violence() -> None:
    text = (
        "Bentrokan antaranggota perguruan silat kembali terjadi di perbatasan desa. Konvoi "
        "pesilat yang pulang dari pengesahan warga baru saling lempar batu dengan warga."
    )
    result = score_article("Konvoi Perguruan Silat Berujung Ricuh", text)
    assert result.kamtibmas and "kenakalan_kelompok" in result.topics


# ── title above body ──────────────────────────────────────────────────────────────────


def test_a_term_in_the_title_weighs_more_than_in_the_body() -> None:
    filler = "Warga berkumpul di balai desa untuk mendengarkan penjelasan kepala desa."
    in_title = score_article("Warga Gelar Ronda Malam", filler)
    in_body = score_article("Warga Berkumpul di Balai Desa", filler + " Warga gelar ronda malam.")
    assert in_title.score > in_body.score


# ── saturation and weak evidence ──────────────────────────────────────────────────────


def test_many_weak_words_never_add_up_to_relevance() -> None:
    text = " ".join(
        ["Petugas menjaga keamanan di lokasi, pengamanan berjalan aman dan tertib."] * 12
    )
    result = score_article("Pasar Malam Ramai Pengunjung", text)
    assert not result.kamtibmas
    assert result.topics == []


def test_repeating_one_term_saturates() -> None:
    once = score_article(None, "Polisi menggelar patroli malam di pasar.")
    many = score_article(None, " ".join(["Polisi menggelar patroli malam di pasar."] * 30))
    assert many.score < 2 * once.score + 0.05
    assert max(e.count for e in many.evidence) == 30


# ── look-alikes ───────────────────────────────────────────────────────────────────────

FOOTBALL = (
    "Pertandingan lanjutan Liga 1 antara tuan rumah dan tim tamu berakhir imbang 1-1. Gol "
    "penyeimbang lahir dari serangan balik cepat di babak kedua. Panitia pelaksana memperketat "
    "keamanan stadion dan memeriksa tiket seluruh penonton. Pelatih menyebut pemainnya "
    "kehilangan konsentrasi setelah unggul lebih dulu dan kiper lawan tampil gemilang."
)


def test_football_match_with_stadium_security_is_not_a_conflict() -> None:
    result = score_article("Laga Sengit Berakhir Imbang di Stadion Kebanggaan", FOOTBALL)
    assert not result.kamtibmas
    assert "konflik_sosial" not in result.topics
    assert "olahraga" in result.contexts


def test_supporters_clashing_after_a_match_still_count() -> None:
    text = FOOTBALL + " Usai laga, dua kelompok suporter bentrok dan saling lempar batu di luar stadion."
    result = score_article("Suporter Bentrok Usai Laga, Polisi Amankan 12 Orang", text)
    assert result.kamtibmas


def test_security_of_a_tourism_festival_is_weak_evidence() -> None:
    text = (
        "Festival budaya tahunan di tepi danau dibuka bupati dan dipadati wisatawan. Panitia "
        "berkoordinasi dengan kepolisian untuk pengamanan acara dan pengaturan lalu lintas. "
        "Hotel dan penginapan di sekitar lokasi penuh, pedagang kuliner kebanjiran pembeli."
    )
    result = score_article("Festival Danau Dibuka, Ribuan Wisatawan Datang", text)
    assert not result.kamtibmas
    assert "pariwisata" in result.contexts


def test_police_charity_is_not_kamtibmas() -> None:
    text = (
        "Bhabinkamtibmas dan Babinsa membagikan paket sembako kepada lansia dan anak yatim di "
        "desa binaan. Bantuan berasal dari sumbangan anggota. Kapolsek berharap bantuan itu "
        "meringankan beban warga kurang mampu."
    )
    assert not score_article("Bhabinkamtibmas Bagikan Sembako untuk Lansia", text).kamtibmas


def test_babinsa_helping_farmers_is_not_kamtibmas() -> None:
    text = (
        "Babinsa Koramil mendampingi kelompok tani menanam padi di sawah seluas 40 hektare. "
        "Petani berharap pupuk bersubsidi tersedia dan harga gabah saat panen tetap stabil."
    )
    assert not score_article("Babinsa Dampingi Petani Tanam Padi", text).kamtibmas


def test_exclusions_beat_shorter_terms() -> None:
    text = "Ibu-ibu PKK mengikuti demo masak olahan ikan, sementara serangan hama wereng meluas."
    result = score_article("Demo Masak di Balai Desa", text)
    assert not any(e.topic in ("unjuk_rasa", "terorisme") for e in result.evidence)
    assert not result.kamtibmas


def test_unless_drops_a_term_inside_its_context() -> None:
    text = FOOTBALL + " Tembakan penyerang membentur tiang gawang."
    assert not any(e.pattern == "<tembak>" for e in score_article(None, text).evidence)


# ── evidence and API ──────────────────────────────────────────────────────────────────


def test_evidence_says_what_matched_where_and_why() -> None:
    result = score_article("Polisi Tangkap Kurir Sabu di Pringsewu", ARREST)
    sabu = [e for e in result.evidence if e.pattern == "sabu"]
    assert {e.field for e in sabu} == {"title", "body"}
    title_ev = next(e for e in sabu if e.field == "title")
    body_ev = next(e for e in sabu if e.field == "body")
    assert title_ev.weight > body_ev.weight
    assert "sabu" in body_ev.excerpt and body_ev.count == 1 and body_ev.topic == "narkoba"


def test_to_dict_is_json_ready() -> None:
    data = score_article("Polisi Tangkap Kurir Sabu", ARREST).to_dict()
    assert set(data) >= {"score", "kamtibmas", "topics", "evidence"}
    assert json.loads(json.dumps(data))["evidence"][0]["term"]


def test_score_is_bounded_and_threshold_decides() -> None:
    result = score_article("Tawuran Pelajar, Satu Tewas Dibacok", ARREST * 10)
    assert 0.0 <= result.score <= 1.0
    assert isinstance(result, Relevance)
    assert not score_article("Tawuran Pelajar", "", threshold=0.999).kamtibmas


def test_empty_article_scores_zero() -> None:
    result = score_article(None, "")
    assert result.score == 0.0 and not result.kamtibmas and result.evidence == []


# ── the lexicon is operators' data ────────────────────────────────────────────────────


def test_operators_can_extend_the_lexicon(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text(
        "topics:\n  kriminalitas:\n    label: Kriminalitas\n    tier: strong\n"
        "    terms:\n      <gasak>: 3\n",
        encoding="utf-8",
    )
    result = score_article(None, "Kawanan pencuri menggasak perhiasan di toko emas.", load_lexicon(path))
    assert result.kamtibmas and result.evidence[0].term == "menggasak"


def test_a_bad_tier_is_reported_clearly(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text("topics:\n  x:\n    terms:\n      begal: {weight: 3, tier: huge}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="tier"):
        load_lexicon(path)


def test_default_lexicon_covers_the_required_taxonomy() -> None:
    topics = {t.topic for t in load_lexicon().terms}
    assert {
        "konflik_sosial", "pemilu", "narkoba", "kriminalitas", "terorisme", "unjuk_rasa",
        "sara_hoaks", "kenakalan_kelompok", "koordinasi_keamanan",
    } <= topics


# ── the labelled set: shape and a pinned floor ────────────────────────────────────────


def load_labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]


def test_labelled_set_has_the_required_shape() -> None:
    articles = load_labelled()
    assert len(articles) >= 100
    assert sum(a["label"] for a in articles) >= 35
    kinds = {a.get("kind") for a in articles if not a["label"]}
    assert {"sport", "health", "tourism", "agriculture", "charity", "ceremony"} <= kinds
    without_word = [a for a in articles if a["label"] and "kamtibmas" not in (a["title"] + a["text"]).lower()]
    assert len(without_word) >= 20
    assert sum(a["split"] == "heldout" for a in articles) == 30


def test_labelled_set_meets_the_floor() -> None:
    lexicon = load_lexicon()
    articles = load_labelled()
    predicted = [score_article(a["title"], a["text"], lexicon).kamtibmas for a in articles]
    tp = sum(p and a["label"] for p, a in zip(predicted, articles))
    precision = tp / sum(predicted)
    recall = tp / sum(a["label"] for a in articles)
    assert recall >= 0.95 and precision >= 0.90
