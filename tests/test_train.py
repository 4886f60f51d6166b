"""Learning from operators (pipelines/train.py): it must beat the lexicon where the lexicon errs,
and refuse, leaving the saved model alone, when it does not.

The labelled sample is regional news written from templates: local jargon the lexicon lacks
(carok in Madura, "matel" debt collectors, road blockades in Papua) that operators mark relevant,
Sispamkota drills the lexicon scores high that operators mark not relevant, and ordinary
relevant and irrelevant news the lexicon already gets right.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.assess import LexiconScorer
from pipelines.relevance import Relevance, score_article
from pipelines.storage import Store
from pipelines.train import (
    BlendedRelevance,
    BlendedScorer,
    Example,
    ModelFileError,
    NotEnoughLabels,
    Scores,
    labelled_examples,
    load,
    load_scorer,
    model_path_for,
    train,
    train_database,
)

# ── the sample ────────────────────────────────────────────────────────────────────────

PLACES = [  # (datelined town, kecamatan, desa, kabupaten)
    ("SAMPANG", "Karang Penang", "Tlambah", "Sampang"), ("BANGKALAN", "Kokop", "Bandang Laok", "Bangkalan"),
    ("PAMEKASAN", "Pakong", "Bajang", "Pamekasan"), ("SUMENEP", "Ganding", "Talaga", "Sumenep"),
    ("SLEMAN", "Ngaglik", "Sardonoharjo", "Sleman"), ("BANTUL", "Sewon", "Panggungharjo", "Bantul"),
    ("WAMENA", "Asolokobal", "Wesaput", "Jayawijaya"), ("LUMAJANG", "Pasirian", "Bades", "Lumajang"),
    ("TULUNGAGUNG", "Ngunut", "Kalangan", "Tulungagung"), ("JEMBER", "Ambulu", "Sabrang", "Jember"),
]
DAYS = ["Senin (3/6)", "Selasa (11/6)", "Rabu (19/6)", "Kamis (27/6)", "Jumat (5/7)", "Sabtu (13/7)",
        "Minggu (21/7)"]
NAMES = ["Moh. Hasan", "Suryadi", "Abdul Rahem", "Slamet Riyadi", "Yohanes Wenda", "Sri Wahyuni",
         "Budi Santoso", "Ahmad Fauzi", "Markus Kogoya", "Siti Aminah"]

# Each kind: (label, title templates, opening, middle and closing paragraph templates).
CAROK = (True, [
    "Carok di Desa {desa}, Dua Warga {kab} Meninggal Dunia",
    "Dipicu Sengketa Warisan, Warga {kab} Terlibat Carok",
    "Carok Kembali Terjadi di {kec}, Keluarga Diminta Menahan Diri",
], [
    "{TOWN} – Carok kembali terjadi di Desa {desa}, Kecamatan {kec}, Kabupaten {kab}, {day} sore. "
    "Dua warga yang masih bertetangga berduel setelah berselisih soal batas tanah warisan.",
    "{TOWN} – Warga Desa {desa}, Kecamatan {kec}, dikejutkan oleh carok antara dua lelaki paruh baya "
    "pada {day} pagi di dekat musala kampung.",
], [
    "Satu orang meninggal dunia di lokasi, sedangkan lawannya dirawat karena luka parah di lengan.",
    "Keduanya sempat cekcok di depan rumah sebelum carok pecah. Warga yang melerai tidak berani mendekat.",
    "Menurut kepala desa {name}, perselisihan kedua keluarga sudah berlangsung setahun dan pernah "
    "dibicarakan di balai desa.",
], [
    "Tokoh masyarakat meminta keluarga kedua belah pihak menahan diri agar tidak terjadi carok susulan.",
    "Para kiai setempat turun tangan menemui kedua keluarga supaya dendam tidak berlanjut menjadi carok berikutnya.",
])
MATEL = (True, [
    "Aksi Matel Tarik Motor di Jalan, Warga {kab} Geram",
    "Matel Hadang Pengendara di {kec}, Motor Nyaris Dibawa Kabur",
    "Warga {desa} Kepung Sekelompok Matel yang Menghentikan Pengendara",
], [
    "{TOWN} – Sekelompok mata elang atau matel menghentikan seorang pengendara di jalan raya Kecamatan {kec}, "
    "Kabupaten {kab}, {day} siang, dengan alasan cicilan sepeda motornya menunggak.",
    "{TOWN} – Empat orang yang mengaku matel dari perusahaan pembiayaan memepet pengendara perempuan "
    "di Desa {desa}, {kec}, {day} sore, dan meminta kunci motornya.",
], [
    "Pengendara yang menolak sempat ditarik dan didorong hingga terjatuh. Warga berdatangan dan suasana memanas.",
    "Warga yang melihat kejadian itu mengepung para matel hingga mereka akhirnya pergi meninggalkan lokasi.",
    "{name}, saksi mata, mengatakan para matel membawa foto kendaraan dan daftar nomor polisi di ponsel.",
], [
    "Ketua RT meminta perusahaan pembiayaan tidak lagi mengirim matel ke jalan karena membuat warga takut.",
    "Warga berharap penarikan kendaraan dilakukan sesuai prosedur, bukan dengan menghadang orang di tengah jalan.",
])
PALANG = (True, [
    "Warga Palang Jalan di {kec}, Tuntut Ganti Rugi Lahan",
    "Pemalangan Jalan Trans di {kab} Lumpuhkan Arus Kendaraan",
    "Kantor Distrik {kec} Dipalang Warga, Pelayanan Terhenti",
], [
    "{TOWN} – Puluhan warga memalang ruas jalan utama di Distrik {kec}, Kabupaten {kab}, {day} pagi, "
    "dengan batang kayu dan batu besar.",
    "{TOWN} – Pemalangan kembali dilakukan warga Kampung {desa}, Distrik {kec}, {day}, kali ini di depan kantor distrik.",
], [
    "Warga menuntut pemerintah daerah membayar ganti rugi atas lahan yang dipakai untuk pelebaran jalan.",
    "Puluhan kendaraan tertahan berjam-jam dan sopir angkutan terpaksa memutar balik.",
    "Menurut {name}, tokoh pemuda setempat, pemalangan akan bertahan sampai bupati datang menemui warga.",
], [
    "Kepala distrik menemui warga dan berjanji menyampaikan tuntutan itu kepada bupati.",
    "Harga bahan pokok di kampung-kampung sekitar dikhawatirkan naik bila pemalangan berlangsung lama.",
])
DRILL = (False, [
    "Polres {kab} Gelar Simulasi Sispamkota Jelang Pilkada",
    "Latihan Sispamkota di Alun-alun {kab}: Skenario Unjuk Rasa Berujung Ricuh",
    "Simulasi Pengamanan Pilkada, Personel Polres {kab} Uji Kesiapan",
], [
    "{TOWN} – Polres {kab} menggelar simulasi sistem pengamanan kota (Sispamkota) di alun-alun, {day}. "
    "Dalam skenario latihan, massa pendukung pasangan calon berunjuk rasa di depan kantor KPU lalu berubah anarkis.",
    "{TOWN} – Ratusan personel mengikuti latihan Sispamkota di halaman Mapolres {kab}, {day}. "
    "Skenario dimulai dari unjuk rasa damai yang kemudian ricuh karena provokator melempar batu.",
], [
    "Pasukan Dalmas maju dengan tameng, disusul kendaraan taktis pengurai massa, dan tim Resmob menangkap provokator.",
    "Petugas yang berperan sebagai massa membakar ban bekas, sementara tim medis mengevakuasi korban luka dalam skenario.",
    "Kabag Ops {name} menjelaskan setiap tahap simulasi dinilai oleh tim dari Polda.",
], [
    "Kapolres mengatakan latihan ini hanya skenario untuk menguji kesiapan personel menjelang tahapan pilkada.",
    "Usai simulasi, seluruh peserta mengikuti evaluasi dan apel penutupan latihan.",
])
TAWURAN = (True, [
    "Tawuran Pelajar di {kec}, Dua Siswa Luka Sabetan Senjata Tajam",
    "Polisi Amankan 12 Remaja Usai Tawuran di {kab}",
    "Tawuran Antarkampung Pecah di Desa {desa}",
], [
    "{TOWN} – Tawuran antarpelajar pecah di jalan raya Kecamatan {kec}, Kabupaten {kab}, {day} sore.",
    "{TOWN} – Dua kelompok pemuda terlibat tawuran di perbatasan Desa {desa}, {kec}, {day} dini hari.",
], [
    "Polisi menyita dua celurit dan sebilah golok dari lokasi; dua remaja dirawat karena luka bacok.",
    "Kapolsek {kec} mengatakan 12 remaja diamankan dan kini diperiksa penyidik Satreskrim.",
    "Warga sekitar ketakutan karena para pelaku membawa senjata tajam dan saling lempar batu.",
], [
    "Polisi meningkatkan patroli di titik rawan tawuran dan meminta orang tua mengawasi anak-anaknya.",
    "Para pelaku dijerat pasal kepemilikan senjata tajam dan terancam hukuman penjara.",
])
NARKOBA = (True, [
    "Satresnarkoba Polres {kab} Tangkap Pengedar Sabu di {kec}",
    "Kurir Sabu Dibekuk di Desa {desa}, Polisi Sita 50 Gram",
    "Polisi Gerebek Rumah Bandar Narkoba di {kab}",
], [
    "{TOWN} – Satuan Reserse Narkoba Polres {kab} menangkap seorang pengedar sabu di Kecamatan {kec}, {day} malam.",
    "{TOWN} – Polisi menggerebek sebuah rumah di Desa {desa}, {kec}, yang diduga menjadi tempat transaksi narkoba, {day}.",
], [
    "Dari tangan tersangka, petugas menyita 50 gram sabu, timbangan digital dan puluhan plastik klip.",
    "Tersangka berinisial {initials} mengaku mendapat barang dari seorang bandar di luar kota.",
    "Kasat Narkoba {name} mengatakan penangkapan berawal dari laporan warga yang resah.",
], [
    "Tersangka dijerat Undang-Undang Narkotika dengan ancaman hukuman minimal lima tahun penjara.",
    "Polisi masih memburu bandar yang memasok sabu kepada tersangka.",
])
PANEN = (False, [
    "Petani {kec} Panen Raya Padi, Harga Gabah Stabil",
    "Babinsa Dampingi Petani Desa {desa} Tanam Jagung",
    "Dinas Pertanian {kab} Salurkan Pupuk Bersubsidi",
], [
    "{TOWN} – Petani di Desa {desa}, Kecamatan {kec}, Kabupaten {kab}, memulai panen raya padi, {day}.",
    "{TOWN} – Kelompok tani di Kecamatan {kec} menerima bantuan bibit dan pupuk dari Dinas Pertanian, {day}.",
], [
    "Hasil panen tahun ini mencapai tujuh ton gabah kering per hektare, naik dibanding musim lalu.",
    "Ketua kelompok tani {name} mengatakan irigasi yang diperbaiki membuat sawah tidak lagi kekeringan.",
    "Penyuluh pertanian mengajak petani memakai pupuk organik agar tanah tetap subur.",
], [
    "Pemerintah kabupaten berharap produksi padi mendukung swasembada pangan daerah.",
    "Gabah hasil panen akan diserap Bulog dengan harga sesuai ketentuan pemerintah.",
])
SPORT = (False, [
    "Persatuan Sepak Bola {kab} Menang 2-1 di Laga Kandang",
    "Turnamen Voli Piala Camat {kec} Diikuti 24 Tim",
    "Atlet Pencak Silat {kab} Raih Tiga Medali Emas Porprov",
], [
    "{TOWN} – Tim kebanggaan {kab} menang 2-1 atas tamunya dalam laga lanjutan liga di stadion daerah, {day}.",
    "{TOWN} – Sebanyak 24 tim mengikuti turnamen bola voli piala camat di lapangan Kecamatan {kec}, {day}.",
], [
    "Gol kemenangan dicetak pada babak kedua lewat sundulan kepala setelah tendangan sudut.",
    "Pelatih {name} memuji semangat para pemain muda yang tampil tanpa beban.",
    "Ribuan penonton memadati tribun dan pertandingan berlangsung meriah.",
], [
    "Dengan hasil ini, tim naik ke posisi ketiga klasemen sementara.",
    "Panitia berharap turnamen menjadi agenda tahunan untuk mencari bibit atlet daerah.",
])
FESTIVAL = (False, [
    "Festival Budaya {kab} Dipadati Ribuan Wisatawan",
    "Pengunjung Objek Wisata di {kec} Meningkat Saat Libur Sekolah",
    "Posyandu Desa {desa} Gelar Imunisasi dan Penimbangan Balita",
], [
    "{TOWN} – Ribuan wisatawan memadati festival budaya tahunan di pusat kota {kab}, {day}.",
    "{TOWN} – Kader posyandu Desa {desa}, Kecamatan {kec}, melayani imunisasi dan penimbangan balita, {day}.",
], [
    "Pengunjung menikmati parade kesenian, pameran UMKM dan aneka kuliner khas daerah.",
    "Bidan desa {name} mengatakan cakupan imunisasi di desa itu sudah di atas 90 persen.",
    "Okupansi hotel dan homestay di sekitar lokasi naik hingga 80 persen.",
], [
    "Dinas terkait berharap kegiatan ini mendongkrak ekonomi warga.",
    "Warga diminta rutin membawa balita ke posyandu setiap bulan.",
])

LEXICON_MISSES = (CAROK, MATEL, PALANG)
KINDS = {"carok": CAROK, "matel": MATEL, "palang": PALANG, "drill": DRILL, "tawuran": TAWURAN,
         "narkoba": NARKOBA, "panen": PANEN, "sport": SPORT, "festival": FESTIVAL}


@dataclass
class Article:
    kind: str
    title: str
    text: str
    relevant: bool


def write(kind: str, i: int) -> Article:
    """The i-th article of a kind: templates and slots rotate, so no two are the same."""
    label, titles, openings, middles, closings = KINDS[kind]
    town, kec, desa, kab = PLACES[(i * 3 + len(kind)) % len(PLACES)]
    slots = {"TOWN": town, "kec": kec, "desa": desa, "kab": kab, "day": DAYS[i % len(DAYS)],
             "name": NAMES[(i * 7 + len(kind)) % len(NAMES)], "initials": f"{'ABDHMRS'[i % 7]}S ({20 + i})"}
    middle = [middles[i % len(middles)], middles[(i + 1) % len(middles)]]
    paragraphs = [openings[i % len(openings)], *middle, closings[(i // 2) % len(closings)]]
    return Article(kind, titles[i % len(titles)].format(**slots),
                   "\n\n".join(p.format(**slots) for p in paragraphs), label)


def sample(counts: dict[str, int], offset: int = 0) -> list[Article]:
    return [write(kind, offset + i) for kind, n in counts.items() for i in range(n)]


# The case: 15 jargon incidents the lexicon misses, 8 drills it fires on, 27 it gets right.
JARGON_SAMPLE = {"carok": 5, "matel": 5, "palang": 5, "drill": 8, "tawuran": 6, "narkoba": 5,
                 "panen": 5, "sport": 6, "festival": 5}


# ── the database ──────────────────────────────────────────────────────────────────────


@dataclass
class Source:
    name: str
    url: str
    kind: str
    region: str


def store_articles(db_path: Path, articles: list[Article], statuses: list[str] | None = None) -> Store:
    """A real Pantau database holding these articles with the operators' marks as status."""
    store = Store(db_path)
    store.register_sources([Source("radar-madura", "https://radarmadura.example/", "news", "Sampang")])
    for n, art in enumerate(articles):
        status = statuses[n] if statuses else ("relevant" if art.relevant else "not_relevant")
        url = f"https://radarmadura.example/berita/{hashlib.sha1(art.text.encode()).hexdigest()[:12]}"
        store.db["articles"].insert({"url": url, "url_key": url, "source": "radar-madura", "title": art.title,
                                     "text": art.text, "status": status})
    return store


def examples(articles: list[Article]) -> list[Example]:
    return [Example(a.title, a.text, a.relevant) for a in articles]


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


# ── tests ─────────────────────────────────────────────────────────────────────────────


def test_the_sample_is_one_the_lexicon_gets_wrong() -> None:
    """Guard the premise: jargon incidents score low, drills high, the rest right."""
    for kind, (label, *_) in KINDS.items():
        for art in sample({kind: 5}):
            verdict = score_article(art.title, art.text).kamtibmas
            wrong = kind in ("carok", "matel", "palang", "drill")
            assert verdict == (label != wrong), (kind, art.title)


def test_labelled_examples_reads_relevant_and_not_relevant_only(tmp_path: Path) -> None:
    arts = sample({"carok": 2, "panen": 2, "sport": 2})
    store = store_articles(tmp_path / "p.db", arts,
                           ["relevant", "relevant", "not_relevant", "follow_up", "new", "not_relevant"])
    got = labelled_examples(store)
    assert [(e.title, e.relevant) for e in got] == [
        (arts[0].title, True), (arts[1].title, True), (arts[2].title, False), (arts[5].title, False)]
    assert all(e.article_id for e in got)


def test_training_learns_what_the_lexicon_misses_and_saves_beside_the_db(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    store_articles(db_path, sample(JARGON_SAMPLE)).close()

    report = train_database(db_path)

    assert report.accepted, report.summary()
    assert report.n_examples == 50 and report.n_relevant == 26
    assert report.blended.f1 >= report.lexicon.f1 + 0.2
    assert report.blended.recall >= report.lexicon.recall
    assert report.model_path == model_path_for(db_path) == tmp_path / "p.model.joblib"
    assert report.model_path.is_file()
    print(report.summary())


def test_the_saved_model_scores_new_articles_with_explainable_evidence(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    store_articles(db_path, sample(JARGON_SAMPLE)).close()
    train_database(db_path)
    scorer = load_scorer(db_path)
    assert isinstance(scorer, BlendedScorer)

    unseen = sample({"carok": 2, "drill": 2, "tawuran": 2, "panen": 2}, offset=40)
    results = [scorer.score(a.title, a.text) for a in unseen]
    assert [r.kamtibmas for r in results] == [a.relevant for a in unseen]

    carok, drill, tawuran = results[0], results[2], results[4]
    assert isinstance(carok, BlendedRelevance) and isinstance(carok, Relevance)
    model_item = carok.evidence[-1]
    assert model_item.field == "model" and "carok" in model_item.excerpt
    assert carok.model_probability > 0.5 > carok.lexicon_score
    assert drill.lexicon_score > 0.9 and drill.score < 0.5
    assert "kenakalan_kelompok" in tawuran.topics
    lexical = score_article(unseen[4].title, unseen[4].text)
    assert [e.term for e in tawuran.evidence[:-1]] == [e.term for e in lexical.evidence]


def test_without_a_model_file_the_scorer_is_the_lexicon(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    store_articles(db_path, sample({"carok": 1})).close()
    scorer = load_scorer(db_path)
    assert isinstance(scorer, LexiconScorer)
    art = write("tawuran", 0)
    assert scorer.score(art.title, art.text) == score_article(art.title, art.text)


def noisy_marks(seed: int) -> list[Article]:
    """The same articles marked at random: half of each kind relevant, whatever it says."""
    coin, out = random.Random(seed), []
    for kind in JARGON_SAMPLE:
        group = [a for a in sample(JARGON_SAMPLE) if a.kind == kind]
        marks = [i < len(group) // 2 for i in range(len(group))]
        coin.shuffle(marks)
        out += [Article(a.kind, a.title, a.text, m) for a, m in zip(group, marks)]
    return out


def test_noisy_marks_are_refused(tmp_path: Path) -> None:
    """Marks that ignore the content cannot beat the lexicon, and no model file appears."""
    noisy = noisy_marks(seed=0)
    db_path = tmp_path / "p.db"
    store_articles(db_path, noisy).close()

    report = train_database(db_path)

    assert not report.accepted, report.summary()
    assert report.model_path is None and not model_path_for(db_path).exists()
    print(report.summary())


def test_marks_the_lexicon_already_gets_right_are_refused() -> None:
    """Nothing to learn: a model that only matches the lexicon is not worth its opacity."""
    easy = sample({"tawuran": 10, "narkoba": 10, "panen": 10, "sport": 10})
    scorer, report = train(examples(easy))
    assert scorer is None and not report.accepted
    assert report.lexicon.f1 == 1.0 and "not above the lexicon" in report.reason


def test_a_worse_model_does_not_replace_the_current_one(tmp_path: Path) -> None:
    """A batch of wrong marks (jargon incidents re-marked not relevant) must not overwrite a good model."""
    db_path = tmp_path / "p.db"
    first = sample(JARGON_SAMPLE)
    store = store_articles(db_path, first)
    assert train_database(db_path).accepted
    before = digest(model_path_for(db_path))

    flipped = [i for i, a in enumerate(first) if a.kind in ("carok", "matel", "palang")]
    for i in flipped:
        store.db["articles"].update(i + 1, {"status": "not_relevant"})
    fresh = sample({"carok": 3, "matel": 3, "palang": 3, "drill": 3, "panen": 3}, offset=20)
    for art in fresh:
        url = f"https://radarmadura.example/baru/{hashlib.sha1(art.text.encode()).hexdigest()[:12]}"
        store.db["articles"].insert({"url": url, "url_key": url, "source": "radar-madura", "title": art.title,
                                     "text": art.text, "status": "relevant" if art.relevant else "not_relevant"})
    store.close()

    report = train_database(db_path)

    assert not report.accepted, report.summary()
    assert report.current is not None and "15 labels" in report.current_basis
    assert digest(model_path_for(db_path)) == before
    print(report.summary())


def test_too_few_marks_are_refused_with_a_clear_message() -> None:
    few = examples(sample({"carok": 3, "panen": 20}))
    with pytest.raises(NotEnoughLabels, match="at least 5 marked relevant.*have 23 \\(3 relevant"):
        train(few)


def test_a_saved_model_round_trips(tmp_path: Path) -> None:
    scorer, report = train(examples(sample(JARGON_SAMPLE)))
    assert scorer is not None
    from pipelines.train import save

    path = save(scorer, tmp_path / "m.model.joblib")
    again = load(path)
    art = write("carok", 30)
    assert again.score(art.title, art.text) == scorer.score(art.title, art.text)
    assert again.lexicon_weight == report.lexicon_weight and again.cv == report.blended
    assert isinstance(report.blended, Scores)


def test_an_unusable_model_file_is_reported_and_then_rebuilt(tmp_path: Path) -> None:
    """A corrupt file (or another scikit-learn's pickle) is never silently ignored by scoring,
    and `pantau train` replaces it."""
    db_path = tmp_path / "p.db"
    store_articles(db_path, sample(JARGON_SAMPLE)).close()
    model_path_for(db_path).write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="pantau train"):
        load_scorer(db_path)

    report = train_database(db_path)

    assert report.accepted and report.current is None
    assert "was not compared" in report.reason
    assert isinstance(load_scorer(db_path), BlendedScorer)
