"""Deterministic Indonesian news prose for the demo sites.

The demo sites need many plausible articles, some about Kamtibmas (public order and security) and
some not, so that relevance scoring has something to separate. Hand-writing them would bloat the
repository and copy-pasted pages would all look alike, so articles are assembled from topic
templates with a seeded :class:`random.Random`: the same seed always yields the same articles,
which keeps tests and benchmarks reproducible.

Also holds the Indonesian date vocabulary every site template needs to print dates its own way.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class Topic:
    """One subject a regional outlet writes about, as title and paragraph templates.

    Templates use ``{kota}``, ``{kec}``, ``{desa}``, ``{hari}``, ``{n}``, ``{m}``, ``{pejabat}``
    and ``{tokoh}`` slots filled by :func:`_fill`.
    """

    key: str
    kamtibmas: bool
    category: str
    titles: tuple[str, ...]
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...] = ()


TOPICS: tuple[Topic, ...] = (
    Topic("patroli", True, "Kamtibmas", (
        "Bhabinkamtibmas Desa {desa} Gelar Patroli Dialogis Jaga Kamtibmas",
        "Patroli Malam Bhabinkamtibmas {kec} Sasar Pos Kamling Warga",
        "Sambang Warga, Bhabinkamtibmas {kec} Ajak Jaga Keamanan Lingkungan",
    ), (
        "{kota} – Bhabinkamtibmas Desa {desa}, Kecamatan {kec}, melaksanakan patroli dialogis pada {hari} malam. Kegiatan ini menyasar pos kamling dan tempat warga berkumpul.",
        "Dalam patroli tersebut, petugas mengingatkan warga agar mengaktifkan kembali siskamling dan segera melapor apabila melihat orang mencurigakan di lingkungannya.",
        "\"Keamanan lingkungan adalah tanggung jawab kita bersama. Polisi tidak bisa bekerja sendiri tanpa dukungan warga,\" kata {pejabat} di sela kegiatan.",
        "Menurutnya, patroli rutin ini juga menjadi sarana menampung keluhan masyarakat, mulai dari kenakalan remaja hingga balap liar yang kerap terjadi pada akhir pekan.",
        "Sebanyak {n} pos kamling di wilayah {kec} kini kembali aktif dengan jadwal ronda yang disusun bersama perangkat desa dan Babinsa setempat.",
        "Warga menyambut baik kehadiran petugas. {tokoh}, salah satu tokoh masyarakat, berharap patroli serupa digelar lebih sering menjelang hari besar.",
    ), ("kamtibmas", "bhabinkamtibmas", "patroli")),
    Topic("rakor", True, "Pemerintahan", (
        "Rakor Forkopimda {kota} Bahas Stabilitas Keamanan Jelang Akhir Tahun",
        "Forkopimda {kota} Perkuat Sinergi Tiga Pilar Jaga Kondusifitas Wilayah",
        "Pemkab Gelar Rakor Penanganan Konflik Sosial Bersama TNI-Polri",
    ), (
        "{kota} – Forum Koordinasi Pimpinan Daerah (Forkopimda) menggelar rapat koordinasi di aula kantor bupati, {hari}. Rakor membahas langkah antisipasi gangguan keamanan dan ketertiban masyarakat.",
        "Rapat dipimpin {pejabat} dan dihadiri Kapolres, Dandim, Kajari, serta para camat se-kabupaten. Masing-masing unsur memaparkan pemetaan kerawanan di wilayahnya.",
        "\"Sinergi tiga pilar, yaitu pemerintah, TNI dan Polri, harus terus dijaga sampai tingkat desa agar setiap persoalan dapat diselesaikan sejak dini,\" ujar {pejabat}.",
        "Dalam rakor tersebut juga disepakati pembentukan posko terpadu di {n} titik rawan, termasuk kawasan pasar dan terminal di Kecamatan {kec}.",
        "Kepala Badan Kesbangpol menambahkan, potensi konflik sosial perlu dipantau bersama, terutama yang berkaitan dengan isu SARA dan sengketa lahan.",
        "Rakor ditutup dengan penandatanganan komitmen bersama menjaga kondusifitas wilayah oleh seluruh peserta yang hadir.",
    ), ("forkopimda", "rakor", "kamtibmas")),
    Topic("narkoba", True, "Hukum", (
        "Satresnarkoba Polres {kota} Tangkap Pengedar Sabu di {kec}",
        "Polisi Amankan {n} Gram Sabu dari Rumah Kontrakan di Desa {desa}",
        "Edarkan Pil Koplo, Pemuda Asal {kec} Diringkus Polisi",
    ), (
        "{kota} – Satuan Reserse Narkoba Polres {kota} menangkap seorang pria yang diduga mengedarkan narkotika jenis sabu di Desa {desa}, Kecamatan {kec}, {hari}.",
        "Dari tangan tersangka, petugas menyita barang bukti berupa {n} paket sabu dengan berat total {m} gram, timbangan digital, dan sebuah telepon genggam.",
        "\"Penangkapan ini berawal dari laporan masyarakat yang resah dengan aktivitas mencurigakan di rumah tersangka,\" kata {pejabat} saat konferensi pers.",
        "Tersangka mengaku mendapatkan barang haram tersebut dari seseorang yang kini masih dalam pengejaran petugas. Polisi terus mengembangkan kasus ini.",
        "Atas perbuatannya, tersangka dijerat Pasal 114 ayat (1) dan Pasal 112 ayat (1) Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman hukuman maksimal 20 tahun penjara.",
        "Polres {kota} mengimbau masyarakat untuk tidak ragu melaporkan peredaran narkoba melalui layanan pengaduan yang tersedia selama 24 jam.",
    ), ("narkoba", "sabu", "penangkapan")),
    Topic("silat", True, "Kamtibmas", (
        "Polisi Lerai Bentrok Dua Perguruan Silat di {kec}",
        "Cegah Bentrok Perguruan Silat, Polres {kota} Gelar Deklarasi Damai",
        "Konvoi Pesilat Berujung Ricuh, {n} Pemuda Diamankan",
    ), (
        "{kota} – Aparat gabungan TNI-Polri membubarkan kerumunan anggota dua perguruan pencak silat yang terlibat saling lempar batu di Kecamatan {kec} pada {hari} dini hari.",
        "Akibat kejadian tersebut, {n} orang mengalami luka ringan dan beberapa sepeda motor rusak. Petugas mengamankan {m} pemuda untuk dimintai keterangan.",
        "\"Kami tidak akan menoleransi aksi anarkis yang mengatasnamakan perguruan. Silahkan berlatih, tetapi jangan mengganggu ketertiban umum,\" tegas {pejabat}.",
        "Untuk mencegah bentrokan susulan, polisi menyiagakan personel di sejumlah titik perbatasan desa dan melakukan patroli skala besar hingga pagi hari.",
        "Para pengurus perguruan silat kemudian dipertemukan di Mapolsek {kec} dan sepakat menandatangani pernyataan damai disaksikan {tokoh}.",
    ), ("perguruan silat", "bentrok", "kamtibmas")),
    Topic("pilkada", True, "Politik", (
        "Polres {kota} Siagakan Personel Amankan Tahapan Pilkada",
        "Simulasi Sispamkota Jelang Pilkada Digelar di Alun-Alun {kota}",
        "KPU dan Polres {kota} Pastikan Distribusi Logistik Pilkada Aman",
    ), (
        "{kota} – Menjelang pemungutan suara pemilihan kepala daerah, Polres {kota} menyiagakan {n} personel untuk mengamankan seluruh tahapan, {hari}.",
        "Pengamanan difokuskan pada gudang logistik KPU, kantor PPK di Kecamatan {kec}, serta tempat pemungutan suara yang masuk kategori rawan.",
        "\"Kami mengajak seluruh pasangan calon dan pendukungnya untuk menjaga suasana tetap sejuk. Perbedaan pilihan jangan sampai memecah persaudaraan,\" ujar {pejabat}.",
        "Selain pengamanan fisik, kepolisian juga melakukan patroli siber untuk menangkal penyebaran hoaks dan ujaran kebencian selama masa kampanye.",
        "Ketua KPU setempat menyampaikan bahwa distribusi logistik ke {m} desa telah rampung tanpa kendala berarti berkat pengawalan aparat keamanan.",
    ), ("pilkada", "pemilu", "pengamanan")),
    Topic("hoaks", True, "Kamtibmas", (
        "Beredar Hoaks Penculikan Anak di {kec}, Polisi Minta Warga Tidak Panik",
        "Diskominfo {kota} Luruskan Kabar Bohong soal Bantuan Sosial",
        "Sebar Hoaks di Media Sosial, Warga {desa} Minta Maaf",
    ), (
        "{kota} – Sebuah pesan berantai yang menyebut adanya penculikan anak di Kecamatan {kec} beredar luas di grup percakapan warga sejak {hari}.",
        "Setelah ditelusuri, informasi tersebut dipastikan tidak benar. Foto yang disebarkan ternyata merupakan kejadian lama di daerah lain.",
        "\"Kami minta masyarakat tidak mudah percaya dan tidak ikut menyebarkan informasi yang belum jelas sumbernya,\" kata {pejabat}.",
        "Penyebar pesan yang berhasil diidentifikasi telah dipanggil dan menyampaikan permintaan maaf secara terbuka, disaksikan perangkat Desa {desa}.",
        "Warga diimbau memeriksa kebenaran informasi melalui kanal resmi pemerintah daerah sebelum membagikannya ke orang lain.",
    ), ("hoaks", "media sosial", "kamtibmas")),
    Topic("pertanian", False, "Ekonomi", (
        "Petani {kec} Panen Raya Padi, Produktivitas Naik",
        "Dinas Pertanian Salurkan Bantuan Benih Jagung untuk {n} Kelompok Tani",
        "Harga Cabai di {kota} Turun, Petani Berharap Stabil",
    ), (
        "{kota} – Kelompok tani di Desa {desa}, Kecamatan {kec}, menggelar panen raya padi pada {hari}. Hasil panen tahun ini disebut lebih baik dibanding musim sebelumnya.",
        "Produktivitas rata-rata mencapai {m} kuintal per hektare berkat penggunaan benih unggul dan pendampingan penyuluh pertanian lapangan.",
        "\"Irigasi yang diperbaiki tahun lalu sangat membantu, sekarang sawah kami bisa tanam dua kali setahun,\" tutur {tokoh}, ketua kelompok tani setempat.",
        "Dinas Pertanian berencana memperluas program serupa ke {n} desa lain, termasuk bantuan alat mesin pertanian dan pupuk bersubsidi.",
        "Petani berharap harga gabah tetap stabil hingga akhir musim sehingga hasil panen dapat menutup biaya produksi.",
    ), ("pertanian", "panen")),
    Topic("pariwisata", False, "Wisata", (
        "Festival Budaya {kota} Tarik Ribuan Wisatawan",
        "Wisata Alam di {desa} Ramai Dikunjungi saat Libur Panjang",
        "Pemkab Kembangkan Desa Wisata {desa} dengan Konsep Ekowisata",
    ), (
        "{kota} – Ribuan pengunjung memadati festival budaya yang digelar di kawasan wisata Desa {desa}, Kecamatan {kec}, sejak {hari}.",
        "Festival menampilkan kesenian tradisional, pameran produk UMKM, dan aneka kuliner khas daerah yang dijajakan oleh {n} pelaku usaha lokal.",
        "\"Kami ingin pariwisata menjadi penggerak ekonomi warga desa, bukan hanya tontonan sesaat,\" kata {pejabat} saat membuka acara.",
        "Pengelola mencatat jumlah kunjungan meningkat hingga {m} persen dibanding tahun lalu, didorong promosi melalui media sosial.",
        "Pemerintah daerah berencana membenahi akses jalan dan fasilitas umum menuju lokasi wisata pada tahun anggaran mendatang.",
    ), ("pariwisata", "festival")),
    Topic("kesehatan", False, "Kesehatan", (
        "Puskesmas {kec} Gencarkan Imunisasi Anak",
        "Dinkes {kota} Catat Penurunan Angka Stunting",
        "Posyandu Desa {desa} Raih Juara Lomba Tingkat Kabupaten",
    ), (
        "{kota} – Puskesmas Kecamatan {kec} menggelar pekan imunisasi anak di seluruh posyandu wilayah kerjanya mulai {hari}.",
        "Sebanyak {n} balita ditargetkan mendapatkan imunisasi dasar lengkap, termasuk imunisasi campak dan polio tetes.",
        "\"Orang tua tidak perlu khawatir, vaksin yang diberikan aman dan gratis. Yang penting anak datang sesuai jadwal,\" jelas {pejabat}.",
        "Dinas Kesehatan juga mencatat angka stunting turun menjadi {m} persen berkat pendampingan gizi ibu hamil dan balita.",
        "Kader posyandu diminta aktif mendatangi rumah warga yang belum membawa anaknya ke posyandu.",
    ), ("kesehatan", "imunisasi")),
    Topic("olahraga", False, "Olahraga", (
        "Turnamen Sepak Bola Antar Desa Piala Bupati {kota} Resmi Dibuka",
        "Atlet Pencak Silat {kota} Sabet Medali Emas Porprov",
        "Ratusan Pelari Ikuti Fun Run HUT Kabupaten {kota}",
    ), (
        "{kota} – Turnamen sepak bola antardesa resmi dibuka di Stadion Kecamatan {kec} pada {hari}, diikuti {n} tim dari seluruh kecamatan.",
        "Pembukaan ditandai dengan tendangan bola pertama oleh {pejabat}, disaksikan ratusan penonton yang memadati tribun.",
        "\"Turnamen ini menjadi ajang mencari bibit pemain muda sekaligus mempererat persaudaraan antarwarga,\" ujarnya.",
        "Panitia menyiapkan total hadiah {m} juta rupiah, sementara juara akan mewakili daerah pada kompetisi tingkat provinsi.",
        "Pertandingan akan berlangsung selama tiga pekan dengan sistem gugur hingga babak final.",
    ), ("olahraga", "sepak bola")),
)

PEJABAT = ("Kapolsek {kec} AKP Sugeng Riyadi", "Kasat Binmas Polres {kota} AKP Hariyanto",
           "Kepala Dinas Kominfo {kota} Drs. Agus Santoso", "Wakil Bupati {kota} H. Ahmad Fauzi",
           "Sekretaris Daerah {kota} Dr. Rina Wulandari", "Kapolres {kota} AKBP Dedi Kurniawan")
TOKOH = ("Pak Slamet", "Bu Sumarni", "Haji Mansur", "Kiai Abdul Rohman", "Bu Endang Lestari")
REPORTERS = ("Andi Prasetyo", "Siti Nurhaliza", "Budi Santoso", "Dewi Anggraini", "Rizal Hakim")


@dataclass(frozen=True)
class Region:
    """Place names a site's articles are set in."""

    kota: str
    kecamatan: tuple[str, ...]
    desa: tuple[str, ...]


@dataclass
class Draft:
    """A generated article before a site template gives it a URL."""

    title: str
    published: datetime
    author: str
    paragraphs: list[str]
    topic: Topic
    tags: list[str] = field(default_factory=list)


def slugify(text: str, max_words: int = 12) -> str:
    """WordPress-style slug: ASCII, lower case, hyphen-separated, capped in length."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:max_words])


def hari_tanggal(dt: datetime) -> str:
    """The '(Selasa (14/10)' style day reference Indonesian news prose uses."""
    return f"{HARI[dt.weekday()]} ({dt.day}/{dt.month})"


def tanggal(dt: datetime, weekday: bool = False, zero_pad: bool = False) -> str:
    """'14 Juli 2022' or 'Kamis, 14 Juli 2022'."""
    day = f"{dt.day:02d}" if zero_pad else str(dt.day)
    text = f"{day} {BULAN[dt.month - 1]} {dt.year}"
    return f"{HARI[dt.weekday()]}, {text}" if weekday else text


def _fill(template: str, rng: random.Random, region: Region, published: datetime) -> str:
    """Fill a template's slots with place names, officials and numbers for one article."""
    slots = {"kota": region.kota, "kec": rng.choice(region.kecamatan),
             "desa": rng.choice(region.desa), "hari": hari_tanggal(published),
             "n": rng.randint(3, 40), "m": rng.randint(5, 95), "tokoh": rng.choice(TOKOH)}
    slots["pejabat"] = rng.choice(PEJABAT).format(**slots)
    return template.format(**slots)


def generate(rng: random.Random, region: Region, published: datetime,
             topic: Topic | None = None, used_titles: set[str] | None = None) -> Draft:
    """One article: a topic's title plus four to six of its paragraphs, in template order.

    A title already in `used_titles` is redrawn a few times, so a site rarely shows two articles
    with the same headline (which real sites do only by mistake).
    """
    topic = topic or rng.choice(TOPICS)
    used = used_titles if used_titles is not None else set()
    title = _fill(rng.choice(topic.titles), rng, region, published)
    for _ in range(8):
        if title not in used:
            break
        title = _fill(rng.choice(topic.titles), rng, region, published)
    used.add(title)
    count = min(len(topic.paragraphs), rng.randint(4, 6))
    keep = sorted(rng.sample(range(1, len(topic.paragraphs)), count - 1))
    templates = [topic.paragraphs[0]] + [topic.paragraphs[i] for i in keep]
    return Draft(title=title,
                 published=published, author=rng.choice(REPORTERS),
                 paragraphs=[_fill(t, rng, region, published) for t in templates],
                 topic=topic, tags=list(topic.tags))


def spread_dates(rng: random.Random, now: datetime, count: int, days: float = 45.0) -> list[datetime]:
    """Publication times spread over the last `days`, newest first, at whole minutes.

    The first date is always within the last day and the last one always older than 30 days, so
    every site has both fresh articles and articles outside a 30-day crawl window.
    """
    ages = sorted(rng.uniform(0.05, days) for _ in range(count))
    if count >= 2:
        ages[0], ages[-1] = rng.uniform(0.05, 0.9), rng.uniform(32.0, days)
    return [(now - timedelta(days=age)).replace(second=0, microsecond=0) for age in ages]


def generate_many(seed: str, region: Region, now: datetime, count: int) -> list[Draft]:
    """`count` articles for one site, newest first; the same seed and `now` give the same output.

    Topics cycle through the whole list so every site has Kamtibmas and non-Kamtibmas articles.
    """
    rng = random.Random(seed)
    dates = spread_dates(rng, now, count)
    order = list(TOPICS)
    rng.shuffle(order)
    used: set[str] = set()
    return [generate(rng, region, when, order[i % len(order)], used) for i, when in enumerate(dates)]
