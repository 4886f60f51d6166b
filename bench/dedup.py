"""Benchmark of story clustering (``pipelines/dedup.py``) on generated press-release articles.

Why generated: no public corpus holds Indonesian regional and Polri/Kominfo syndication with
known story groups, and the hard case, two different stories written from one press-release
template, has to be present in known numbers to measure precision at all.

The generator writes stories from press-release templates (drug arrest, motorbike theft,
traffic accident, online gambling, Kominfo hoax clarification, Diskominfo event, fire). Each
story is republished by several outlets, each copy changed the way regional outlets change it:
a dateline on the first paragraph, an added or removed lead paragraph, photo captions, "Baca
Juga" lines, sign-offs and "Simak berita lainnya" clutter, a few words retyped, paragraphs
merged, a sentence cut, the tail cut. Near misses are "sibling" stories (30% of stories): the
same template with the same phrasing, and new names, places, quantities, dates and details;
half of them even come from the same Polres with the same officers. Besides, every story
shares its template's boilerplate with thousands of others. Each template mentions what
makes the story its own (a claim, a name, a date) in more than one paragraph, so that a copy
that lost its first paragraph can still be told apart, as a reader could.

Run::

    /work/venv/bin/python bench/dedup.py                  # 100,000 articles
    /work/venv/bin/python bench/dedup.py --articles 5000  # quick

Prints the pairwise precision and recall of the clustering, the build time, the time to add
1,000 new articles to the existing index (one ``add()`` each, and one ``add_many()``), and the
index's size on disk. Targets (issue #5): precision >= 0.98, recall >= 0.95, 1,000 adds < 5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from math import comb

from pipelines.dedup import DEFAULT_NUM_PERM, DEFAULT_THRESHOLD
from pipelines.storage import Store

# --- vocabulary ------------------------------------------------------------------------------

REGENCIES = """Sleman Bantul Gunungkidul Kulon_Progo Klaten Boyolali Sukoharjo Wonogiri Karanganyar
Sragen Grobogan Blora Rembang Pati Kudus Jepara Demak Semarang Temanggung Kendal Batang Pekalongan
Pemalang Tegal Brebes Banyumas Cilacap Purbalingga Banjarnegara Kebumen Purworejo Wonosobo Magelang
Garut Tasikmalaya Ciamis Kuningan Cirebon Majalengka Sumedang Indramayu Subang Purwakarta Karawang
Bekasi Bogor Sukabumi Cianjur Bandung_Barat Lebak Pandeglang Serang Tangerang Jember Banyuwangi
Bondowoso Situbondo Probolinggo Pasuruan Sidoarjo Mojokerto Jombang Nganjuk Madiun Magetan Ngawi
Bojonegoro Tuban Lamongan Gresik Bangkalan Sampang Pamekasan Sumenep Kediri Blitar Tulungagung
Trenggalek Ponorogo Pacitan Malang Lumajang Deli_Serdang Langkat Asahan Simalungun Lampung_Tengah
Lampung_Selatan Ogan_Ilir Banyuasin Kampar Bengkalis Pidie Bireuen Aceh_Utara Gowa Bone Maros
Pinrang Lombok_Timur Lombok_Tengah Sumbawa Kupang Minahasa Poso Kutai_Kartanegara Paser Tanah_Laut
Kotawaringin_Timur Kubu_Raya Sambas""".split()
REGENCIES = [r.replace("_", " ") for r in REGENCIES]
PLACES = """Sukamaju Sidomulyo Karangrejo Tegalrejo Sumberagung Mulyorejo Sukorejo Jatisari Banjarsari
Kedungwringin Ngadirejo Purwosari Wonorejo Margomulyo Sindangsari Cibeureum Sukasari Pasirjaya
Tanjungsari Sumbersari Kalisari Plosorejo Ngemplak Depok Mlati Godean Gamping Kalasan Prambanan
Cangkringan Tempel Turi Pakem Seyegan Minggir Moyudan Kasihan Sewon Pundong Imogiri Dlingo Piyungan
Banguntapan Pleret Jetis Bambanglipuro Pandak Srandakan Sanden Kretek Pajangan Sedayu Argomulyo
Bendungan Cikupa Cisoka Balaraja Jayanti Kresek Mauk Rajeg Sepatan Teluknaga Kosambi Pakuhaji
Sukadiri Kemiri Mekarbaru Curug Legok Pagedangan Cisauk Panongan Tigaraksa Solear Jambe Kronjo
Gedangan Waru Taman Krian Balongbendo Tarik Prambon Porong Jabon Tanggulangin Candi Tulangan
Wonoayu Sukodono Buduran Sedati Kembangbahu Babat Pucuk Sukodadi Turi Kalitengah Karangbinangun""".split()
FIRST_NAMES = """Ahmad Budi Dedi Eko Fajar Hendra Irfan Joko Rudi Slamet Agus Bambang Dwi Teguh Yudi Arif
Wahyu Andi Rizky Hari Yusuf Anton Danang Gilang Heru Imam Kurniawan Lukman Made Nyoman Putu Ridwan
Sigit Taufik Wawan Yoga Zainal Bayu Dimas Galih Rahmat Sofyan Muhamad Aditya Benny Chandra Doni
Erwin Ferry Guntur Hadi Ilham Januar Komang Lutfi Mochamad Nanang Oki Pandu Rony Surya Tri""".split()
SURNAMES = """Santoso Prasetyo Wibowo Saputra Nugroho Setiawan Hidayat Kurniawan Pratama Susanto
Purnomo Hartono Siregar Nasution Harahap Simanjuntak Sinaga Lubis Wijaya Gunawan Firmansyah
Ramadhan Syahputra Utomo Sutrisno Rahman Hakim Mahendra Permana Suryadi Wicaksono Anggoro Basuki
Cahyono Darmawan Effendi Fauzi Halim Iskandar Junaidi Kusuma Lesmana Maulana Nainggolan Pangaribuan
Rangkuti Sembiring Tarigan Marpaung Hutapea""".split()
OUTLETS = """Tribun~Jateng Kompas.com Detik~Jateng Suara~Merdeka Radar~Jogja Harian~Jogja Jawa~Pos
Radar~Kudus Pikiran~Rakyat Tribun~Jabar Radar~Tasikmalaya Sindonews Okezone iNews Antara
Tribun~Jatim Surya Radar~Madura Beritajatim Times~Indonesia Waspada Tribun~Medan Lampung~Post
Sriwijaya~Post Riau~Pos Serambi~Indonesia Tribun~Timur Fajar Lombok~Post Pos~Kupang Manado~Post
Kaltim~Post Banjarmasin~Post Pontianak~Post Humas~Polri Tribrata~News Portal~Kominfo""".split()
OUTLETS = [o.replace("~", " ") for o in OUTLETS]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
DRUGS = [("sabu", "metamfetamina"), ("ganja", "THC"), ("pil ekstasi", "MDMA"),
         ("tembakau sintetis", "kanabinoid sintetis"), ("sabu-sabu", "amfetamina")]
MOTORS = ["Honda Beat", "Honda Vario", "Yamaha NMAX", "Honda Scoopy", "Yamaha Mio", "Suzuki Satria",
          "Honda Supra X", "Yamaha Aerox", "Kawasaki Ninja", "Honda PCX"]
VEHICLES = ["truk boks", "mobil pikap", "bus pariwisata", "minibus", "truk tangki", "mobil sedan",
            "truk trailer", "mobil Avanza", "mobil Xenia", "truk pengangkut pasir"]
HOAX_ISSUERS = ["pemerintah pusat", "Kementerian Sosial", "PT PLN", "Bank Indonesia", "Pertamina",
                "BPJS Kesehatan", "Kementerian Pendidikan", "Dinas Kesehatan", "pemerintah kabupaten",
                "Korlantas Polri", "Kementerian Agama", "Badan Gizi Nasional"]
HOAX_ACTIONS = ["membagikan", "menghapus", "mewajibkan pendaftaran ulang", "menghentikan", "menaikkan",
                "membuka pendaftaran"]
HOAX_OBJECTS = ["kuota internet gratis 50 GB", "bantuan tunai Rp600.000", "tunggakan listrik",
                "vaksin penguat keempat", "tarif tol", "subsidi gas elpiji 3 kilogram",
                "sepeda motor listrik", "beasiswa penuh", "token listrik gratis", "SIM seumur hidup",
                "paket sembako", "iuran BPJS"]
HOAX_TARGETS = ["bagi seluruh pelajar", "untuk warga lanjut usia", "bagi pemilik KTP {kab}",
                "untuk pengemudi ojek daring", "bagi petani penerima pupuk bersubsidi",
                "untuk guru honorer", "bagi pelaku UMKM", "untuk keluarga penerima manfaat"]
HOAX_CHANNELS = ["melalui tautan yang disebarkan di grup WhatsApp", "lewat akun Facebook tak resmi",
                 "dengan mengisi formulir daring", "melalui pesan singkat berisi nomor kontak"]


def hoax_claim(rng: random.Random, kab: str) -> dict[str, str]:
    """A hoax claim (one of tens of thousands) and the agency that denies it."""
    issuer, action, thing = rng.choice(HOAX_ISSUERS), rng.choice(HOAX_ACTIONS), rng.choice(HOAX_OBJECTS)
    claim = f"{issuer} {action} {thing} {rng.choice(HOAX_TARGETS).format(kab=kab)} {rng.choice(HOAX_CHANNELS)}"
    return {"hoaks": claim, "penerbit": issuer, "kebijakan": f"{action} {thing}"}
EVENTS = ["sosialisasi literasi digital", "bimbingan teknis pengelolaan media sosial",
          "pelatihan keamanan siber", "forum komunikasi publik", "lomba video kreatif",
          "sosialisasi keterbukaan informasi publik", "pelatihan jurnalistik warga",
          "gelar wicara bijak bermedia sosial"]
AUDIENCES = ["pelajar SMA dan SMK", "perangkat desa", "pelaku UMKM", "kader PKK",
             "karang taruna", "guru dan tenaga kependidikan", "pengurus BUMDes", "mahasiswa"]
HEADLINES = [
    "Polisi Amankan Dua Pemuda Diduga Hendak Tawuran", "Harga Cabai Rawit Melonjak Jelang Akhir Pekan",
    "Bupati Resmikan Jembatan Gantung Penghubung Dua Desa", "Seorang Nenek Ditemukan Meninggal di Sawah",
    "Ratusan Personel Gabungan Amankan Laga Derbi", "Jalan Provinsi Rusak Parah, Warga Tanam Pohon Pisang",
    "Dinas Kesehatan Gelar Vaksinasi Polio Serentak", "Pencuri Kotak Amal Masjid Terekam CCTV",
    "Banjir Rendam Ratusan Rumah di Bantaran Sungai", "Kejari Tetapkan Kades Tersangka Korupsi Dana Desa",
    "Operasi Pasar Beras Murah Diserbu Warga", "Kapolda Cek Kesiapan Pos Pengamanan Mudik",
    "Tim SAR Cari Nelayan Hilang di Perairan Selatan", "Pemkab Siapkan Anggaran Perbaikan Sekolah Rusak",
]
JOBS = ["buruh harian lepas", "sopir ojek daring", "pedagang sayur", "karyawan swasta", "petani",
        "pengangguran", "mahasiswa", "tukang parkir", "nelayan", "pekerja bengkel"]
SPOTS = ["sebuah warung kopi", "rumah kos", "pos ronda", "pinggir jalan desa", "area persawahan",
         "sebuah minimarket", "gubuk di tengah kebun", "parkiran pasar", "tepi sungai", "SPBU"]
COLOURS = ["hitam", "merah", "putih", "biru", "abu-abu"]
RETYPES = [("mengatakan", "menuturkan"), ("mengatakan", "menjelaskan"), ("petugas", "polisi"),
           ("tersangka", "pelaku"), ("masyarakat", "warga"), ("diamankan", "ditangkap"),
           ("kemudian", "lalu"), ("sekitar", "kurang lebih"), ("barang bukti", "BB")]


def name(rng: random.Random) -> str:
    """A full Indonesian name, for officers and victims."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def initials(rng: random.Random) -> str:
    """A suspect as the police write one: initials and age, e.g. 'AS (34)'."""
    letters = "ABDEFGHIJKMNRSTWY"
    return f"{rng.choice(letters)}{rng.choice(letters)} ({rng.randint(17, 58)})"


INSTITUTION_KEYS = ("kab", "polres", "kapolres", "kasat", "kasatlantas", "kasatreskrim", "kadis", "rank", "rank2")


def institution_slots(rng: random.Random) -> dict[str, str]:
    """The slots that two stories from the same Polres or Diskominfo share."""
    kab = rng.choice(REGENCIES)
    return {
        "kab": kab, "polres": f"Polres {kab}", "kapolres": name(rng), "kasat": name(rng),
        "kasatlantas": name(rng), "kasatreskrim": name(rng), "kadis": name(rng),
        "rank": rng.choice(["AKBP", "AKBP", "Kombes Pol"]), "rank2": rng.choice(["AKP", "Iptu", "Kompol"]),
    }


def event_slots(rng: random.Random, when: datetime, kab: str) -> dict[str, str]:
    """The slots that differ between two events of the same kind."""
    drug, zat = rng.choice(DRUGS)
    return hoax_claim(rng, kab) | {
        "desa": f"Desa {rng.choice(PLACES)}", "kec": rng.choice(PLACES), "jalan": f"Jalan {rng.choice(PLACES)}",
        "hari": DAYS[when.weekday()], "tanggal": f"({when.day}/{when.month}/{when.year})",
        "jam": f"sekitar pukul {rng.randint(0, 23):02d}.{rng.choice(['00', '15', '30', '45'])} WIB",
        "t1": initials(rng), "t2": initials(rng), "pemasok": initials(rng)[:2],
        "drug": drug, "zat": zat, "qty": f"{rng.randint(1, 250)},{rng.randint(1, 99)}",
        "paket": str(rng.randint(2, 40)), "hp": str(rng.randint(1, 4)), "hari_n": str(rng.randint(2, 21)),
        "harga": f"{rng.randint(1, 30) * 50}.000", "lama": rng.choice(["tiga bulan", "setahun", "enam bulan", "dua tahun"]),
        "motor": rng.choice(MOTORS), "plat": f"{rng.choice('ABDEGHKLNRST')} {rng.randint(1000, 9999)} {rng.choice(['AB', 'XY', 'KJ', 'TR', 'BF'])}",
        "korban": name(rng), "korban2": name(rng), "umur": str(rng.randint(16, 75)),
        "kendaraan": rng.choice(VEHICLES), "kerugian": f"{rng.randint(2, 90)} juta",
        "kegiatan": rng.choice(EVENTS), "peserta": rng.choice(AUDIENCES),
        "n_peserta": str(rng.randint(40, 400)), "narsum": name(rng), "saksi": name(rng),
        "situs": f"{rng.choice(['slot', 'gacor', 'maxwin', 'toto'])}{rng.randint(10, 999)}",
        "omzet": f"{rng.randint(5, 900)} juta", "rumah": str(rng.randint(1, 12)),
        "pekerjaan": rng.choice(JOBS), "lokasi": rng.choice(SPOTS), "warna": rng.choice(COLOURS),
        "arah": rng.choice(["utara", "selatan", "timur", "barat"]), "menit": str(rng.randint(5, 55)),
    }


# --- templates: paragraphs of sentences, each sentence a list of phrasings -------------------
# A sentence written as (probability, [phrasings]) is optional.

Sentence = list[str] | tuple[float, list[str]]
Template = list[list[Sentence]]

NARKOBA: Template = [
    [["Satresnarkoba {polres} berhasil mengungkap kasus peredaran narkotika jenis {drug} di wilayah Kecamatan {kec}.",
      "Jajaran Satuan Reserse Narkoba {polres} kembali menangkap terduga pengedar {drug} di {desa}, Kecamatan {kec}."],
     ["Penangkapan dilakukan pada {hari} {tanggal} {jam}.", "Tersangka {t1} diamankan pada {hari} {tanggal} {jam} di rumahnya."]],
    [["Kapolres {kab} {rank} {kapolres} melalui Kasat Resnarkoba {rank2} {kasat} mengatakan, pengungkapan kasus ini berawal dari informasi masyarakat yang resah dengan maraknya peredaran narkoba di {desa}.",
      "Kasat Resnarkoba {polres} {rank2} {kasat} mewakili Kapolres {rank} {kapolres} menjelaskan bahwa penangkapan bermula dari laporan warga tentang aktivitas mencurigakan di sebuah rumah di {desa}."],
     ["Petugas kemudian melakukan penyelidikan dan pengintaian selama {hari_n} hari sebelum akhirnya menangkap tersangka {t1} di {jalan}."],
     ["Dari tangan tersangka, petugas menyita {qty} gram {drug} yang dikemas dalam {paket} paket plastik klip, {hp} unit telepon genggam, dan sebuah timbangan digital.",
      "Barang bukti yang diamankan berupa {paket} paket {drug} dengan berat bruto {qty} gram, {hp} unit ponsel, serta uang tunai hasil penjualan."]],
    [["Dari hasil pengembangan, petugas juga mengamankan seorang tersangka lain berinisial {t2} yang berperan sebagai perantara.",
      "Dalam pengembangan kasus, polisi turut menangkap {t2} yang diduga kuat menjadi kurir {drug} di wilayah tersebut."],
     ["Kepada petugas, tersangka mengaku mendapatkan barang haram tersebut dari seseorang berinisial {pemasok} yang kini masih dalam pengejaran."],
     (0.7, ["{t1} juga mengaku sudah {lama} menjual {drug} dengan harga Rp{harga} per paket kepada para pelanggannya."]),
     (0.5, ["Hasil tes urine menunjukkan kedua tersangka positif mengonsumsi {zat}."])],
    [["Saat ini kedua tersangka beserta barang bukti telah diamankan di Mapolres {kab} untuk proses penyidikan lebih lanjut.",
      "Kini para tersangka mendekam di ruang tahanan Mapolres {kab} guna menjalani pemeriksaan lebih lanjut."],
     ["Atas perbuatannya, tersangka dijerat Pasal 114 ayat (2) subsider Pasal 112 ayat (2) Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman pidana penjara paling singkat enam tahun dan paling lama 20 tahun."]],
    [["{kasat} mengimbau masyarakat untuk tidak ragu melaporkan apabila mengetahui adanya peredaran narkoba di lingkungannya."],
     ["Laporan dapat disampaikan melalui layanan Call Center 110 atau langsung ke kantor polisi terdekat, dan identitas pelapor dijamin kerahasiaannya."],
     ["Kami berkomitmen memberantas peredaran narkoba hingga ke akar-akarnya demi menyelamatkan generasi muda di {kab}, tegasnya."]],
]
CURANMOR: Template = [
    [["Unit Reskrim {polres} menangkap seorang pria berinisial {t1} yang diduga sebagai pelaku pencurian sepeda motor di wilayah Kecamatan {kec}.",
      "Seorang spesialis pencuri sepeda motor berinisial {t1} akhirnya dibekuk Satreskrim {polres} setelah beraksi di sejumlah lokasi."]],
    [["Kasat Reskrim {polres} {rank2} {kasatreskrim} mengatakan, pelaku mencuri sepeda motor {motor} bernomor polisi {plat} milik {korban} yang diparkir di halaman rumahnya di {desa} pada {hari} {tanggal} {jam}.",
      "Menurut Kasat Reskrim {rank2} {kasatreskrim}, aksi pencurian terjadi pada {hari} {tanggal} {jam} ketika sepeda motor {motor} milik korban {korban} diparkir di depan rumah di {desa}."],
     ["Pelaku merusak kunci kontak menggunakan kunci letter T lalu membawa kabur kendaraan korban."],
     ["Akibat kejadian itu korban mengalami kerugian sekitar Rp{kerugian} dan melaporkannya ke {polres}."]],
    [["Berbekal rekaman kamera pengawas dan keterangan {saksi}, petugas mengidentifikasi pelaku dan menangkapnya di tempat persembunyiannya di {jalan} setelah {hari_n} hari pengejaran.",
      "Setelah memeriksa rekaman CCTV di sekitar lokasi, tim opsnal berhasil melacak keberadaan pelaku dan menangkapnya di {jalan}."],
     (0.6, ["Dari hasil pemeriksaan, pelaku mengaku sudah beraksi di {rumah} lokasi berbeda dan menjual hasil curiannya kepada penadah berinisial {pemasok}."]),
     (0.5, ["Petugas masih memburu penadah tersebut dan rekan pelaku yang lain."])],
    [["Dari tangan pelaku polisi menyita satu unit sepeda motor, sebuah kunci letter T, dan sejumlah anak kunci.",
      "Barang bukti yang diamankan antara lain sepeda motor hasil curian, kunci letter T, dan pakaian yang dipakai saat beraksi."],
     ["Pelaku dijerat Pasal 363 KUHP tentang pencurian dengan pemberatan dengan ancaman hukuman maksimal tujuh tahun penjara."]],
    [["Polisi mengimbau warga agar selalu mengunci ganda kendaraannya dan memarkir di tempat yang aman serta terpantau."],
     ["Jika mengalami atau mengetahui tindak kejahatan, segera laporkan melalui layanan Call Center 110 yang aktif selama 24 jam."]],
]
LAKA: Template = [
    [["Kecelakaan lalu lintas melibatkan sepeda motor {motor} dan {kendaraan} terjadi di {jalan}, Kecamatan {kec}, {kab}, pada {hari} {tanggal} {jam}.",
      "Sebuah {kendaraan} bertabrakan dengan sepeda motor {motor} di {jalan}, {desa}, pada {hari} {tanggal} {jam}."]],
    [["Kasat Lantas {polres} {rank2} {kasatlantas} mengatakan, kecelakaan bermula saat sepeda motor yang dikendarai {korban} ({umur}) melaju dari arah timur dan hendak mendahului kendaraan di depannya.",
      "Menurut keterangan Kasat Lantas {rank2} {kasatlantas}, pengendara sepeda motor {korban} ({umur}) diduga kurang berhati-hati saat mendahului kendaraan lain."],
     ["Pada saat bersamaan dari arah berlawanan melaju {kendaraan} yang dikemudikan {korban2} sehingga tabrakan tidak dapat dihindarkan."],
     (0.6, ["Kondisi jalan saat itu basah karena hujan dan penerangan di lokasi minim."])],
    [["Akibat kejadian tersebut, pengendara sepeda motor mengalami luka berat di bagian kepala dan dilarikan ke RSUD {kab}.",
      "Korban mengalami luka serius dan sempat mendapatkan perawatan di rumah sakit terdekat sebelum dinyatakan meninggal dunia."],
     (0.6, ["Sementara pengemudi {kendaraan} selamat dan kini diamankan di Satlantas {polres} untuk dimintai keterangan."]),
     ["Kerugian materiil akibat kecelakaan ini ditaksir mencapai Rp{kerugian}."]],
    [["Petugas telah melakukan olah tempat kejadian perkara dan memeriksa sejumlah saksi, di antaranya {saksi}.",
      "Unit Gakkum Satlantas {polres} sudah melakukan olah TKP dan mengumpulkan keterangan dari saksi mata."]],
    [["{kasatlantas} mengimbau para pengendara untuk selalu berhati-hati, mematuhi rambu lalu lintas, dan tidak memaksakan diri mendahului kendaraan lain di jalan yang padat."],
     ["Utamakan keselamatan, karena keluarga menunggu di rumah, ujarnya."]],
]
JUDI: Template = [
    [["{polres} membongkar praktik judi online yang dijalankan melalui situs {situs} di wilayah Kecamatan {kec}.",
      "Praktik perjudian daring jaringan situs {situs} berhasil diungkap Satreskrim {polres} di {desa}."],
     ["Dua orang berinisial {t1} dan {t2} ditangkap pada {hari} {tanggal} {jam}."]],
    [["Kapolres {kab} {rank} {kapolres} mengatakan, kedua tersangka berperan sebagai admin yang merekrut pemain dan mengelola rekening penampung deposit.",
      "Menurut Kapolres {rank} {kapolres}, {t1} bertugas mempromosikan situs melalui media sosial sementara {t2} mengelola rekening setoran para pemain."],
     ["Dari hasil pemeriksaan, perputaran uang judi online tersebut mencapai Rp{omzet} dalam {lama} terakhir."],
     (0.6, ["Para pelaku mendapatkan komisi dari setiap pemain baru yang mereka rekrut."])],
    [["Barang bukti yang disita antara lain {hp} unit telepon genggam, dua unit laptop, sejumlah kartu ATM, dan buku tabungan.",
      "Petugas menyita {hp} ponsel, laptop, kartu ATM berbagai bank, dan catatan transaksi para pemain."]],
    [["Kedua tersangka dijerat Pasal 45 ayat (3) juncto Pasal 27 ayat (2) Undang-Undang Informasi dan Transaksi Elektronik serta Pasal 303 KUHP dengan ancaman pidana penjara paling lama sepuluh tahun."]],
    [["Polri berkomitmen menindak tegas segala bentuk perjudian, baik konvensional maupun daring, karena merusak perekonomian keluarga dan memicu tindak kejahatan lain."],
     ["Masyarakat diminta melaporkan situs maupun akun yang mempromosikan judi online melalui kanal aduan konten Kementerian Komunikasi dan Digital."]],
]
HOAKS: Template = [
    [["Beredar sebuah unggahan di media sosial yang menyebutkan bahwa {hoaks}.",
      "Sebuah pesan berantai yang beredar melalui aplikasi WhatsApp mengklaim bahwa {hoaks}."],
     (0.6, ["Unggahan tersebut telah dibagikan ribuan kali sejak {hari} {tanggal}."])],
    [["Faktanya, informasi tersebut tidak benar dan telah dibantah oleh instansi terkait.",
      "Setelah ditelusuri, klaim tersebut dipastikan keliru dan tidak bersumber dari pihak yang berwenang."],
     ["Kepala Dinas Komunikasi dan Informatika {kab} {kadis} menegaskan bahwa {penerbit} tidak pernah {kebijakan} seperti yang disebutkan dalam unggahan itu."],
     ["Informasi resmi hanya disampaikan melalui situs dan akun media sosial resmi pemerintah."]],
    [["Berdasarkan hasil penelusuran tim AIS Kementerian Komunikasi dan Digital, konten tersebut masuk kategori disinformasi.",
      "Tim pengendalian konten mengategorikan unggahan tersebut sebagai hoaks jenis konten yang menyesatkan."],
     (0.6, ["Pihaknya juga telah berkoordinasi dengan {polres} untuk menelusuri penyebar pertama informasi itu."])],
    [["Masyarakat diimbau untuk selalu memeriksa kebenaran informasi sebelum membagikannya kepada orang lain."],
     ["Penyebaran berita bohong yang menimbulkan keonaran dapat dijerat dengan Undang-Undang Informasi dan Transaksi Elektronik."],
     ["Laporkan konten hoaks melalui kanal aduankonten atau hubungi layanan pengaduan Diskominfo {kab}."]],
]
KOMINFO: Template = [
    [["Dinas Komunikasi dan Informatika Kabupaten {kab} menggelar {kegiatan} bagi {n_peserta} {peserta} di Kecamatan {kec} pada {hari} {tanggal}.",
      "Sebanyak {n_peserta} {peserta} mengikuti {kegiatan} yang diselenggarakan Diskominfo {kab} di aula {desa}, {hari} {tanggal}."]],
    [["Kepala Diskominfo {kab} {kadis} mengatakan, kegiatan ini bertujuan meningkatkan kecakapan digital masyarakat agar mampu memanfaatkan teknologi secara aman dan produktif.",
      "Menurut Kadiskominfo {kadis}, kegiatan tersebut digelar untuk membekali {peserta} dengan kemampuan bermedia digital yang sehat dan bertanggung jawab."],
     ["Ia menyebut arus informasi yang sangat cepat membuat masyarakat rentan terpapar hoaks, penipuan daring, dan ujaran kebencian."]],
    [["Dalam kegiatan tersebut hadir sebagai narasumber {narsum} yang memaparkan materi tentang etika bermedia sosial dan perlindungan data pribadi.",
      "Narasumber {narsum} menyampaikan materi mengenai cara mengenali hoaks, menjaga keamanan akun, dan melindungi data pribadi."],
     (0.6, ["Para peserta juga diajak mempraktikkan cara memeriksa fakta menggunakan mesin pencari dan situs cek fakta."])],
    [["Program literasi digital merupakan bagian dari gerakan nasional yang didukung Kementerian Komunikasi dan Digital untuk mewujudkan masyarakat yang cakap digital."],
     ["Diskominfo {kab} menargetkan kegiatan serupa digelar di seluruh kecamatan hingga akhir tahun."]],
]
KEBAKARAN: Template = [
    [["Kebakaran menghanguskan {rumah} rumah warga di {desa}, Kecamatan {kec}, {kab}, pada {hari} {tanggal} {jam}.",
      "Si jago merah melalap {rumah} bangunan rumah di {desa}, {kab}, {hari} {tanggal} {jam}."]],
    [["Kapolsek {kec} {rank2} {kasat} mengatakan, api diduga berasal dari korsleting listrik di rumah milik {korban}.",
      "Menurut keterangan Kapolsek {kec} {rank2} {kasat}, sumber api diduga dari hubungan arus pendek listrik di dapur rumah {korban}."],
     ["Api cepat membesar karena sebagian besar bangunan terbuat dari kayu dan angin bertiup kencang."],
     (0.6, ["Warga sempat berusaha memadamkan api menggunakan peralatan seadanya sebelum petugas pemadam kebakaran tiba."])],
    [["Sebanyak {hp} unit mobil pemadam kebakaran dikerahkan dan api berhasil dipadamkan sekitar dua jam kemudian.",
      "Petugas Damkar {kab} menurunkan {hp} armada dan memerlukan waktu sekitar dua jam untuk menjinakkan api."],
     ["Tidak ada korban jiwa dalam peristiwa ini, namun kerugian ditaksir mencapai Rp{kerugian}."]],
    [["Polisi masih menyelidiki penyebab pasti kebakaran dengan memeriksa saksi dan melakukan olah tempat kejadian perkara."],
     ["Masyarakat diimbau memeriksa instalasi listrik secara berkala dan tidak meninggalkan kompor menyala tanpa pengawasan."]],
]
# Details: what happened this time. A story draws a few; a sibling draws its own, because a
# different event has a different chronology even when the release skeleton is the same.
DETAILS: dict[str, list[str]] = {
    "narkoba": [
        "Tersangka {t1} yang sehari-hari bekerja sebagai {pekerjaan} ditangkap saat menunggu pembeli di {lokasi} di {desa}.",
        "Saat hendak ditangkap, {t1} sempat mencoba membuang bungkusan berisi {drug} ke arah {arah}, namun petugas bergerak lebih cepat.",
        "Petugas menemukan {paket} paket {drug} yang disembunyikan di dalam bungkus rokok di saku celana {warna} milik tersangka.",
        "Penggeledahan di rumah {t2} menemukan {hp} paket tambahan yang disimpan di bawah kasur dan sebuah alat isap.",
        "{t2} mengaku menerima upah Rp{harga} setiap kali berhasil mengantarkan paket kepada pembeli di sekitar {lokasi}.",
        "Menurut {kasat}, jaringan ini memasok {drug} ke wilayah Kecamatan {kec} dan sekitarnya sejak {lama} terakhir.",
        "Transaksi biasanya dilakukan dengan sistem tempel di {lokasi} agar penjual dan pembeli tidak bertemu langsung.",
        "Polisi juga menyita sebuah sepeda motor {motor} warna {warna} yang digunakan tersangka untuk mengantar pesanan.",
    ],
    "curanmor": [
        "Pelaku {t1} yang bekerja sebagai {pekerjaan} beraksi sendirian dengan berpura-pura menjadi pembeli di {lokasi}.",
        "Sepeda motor {motor} warna {warna} milik {korban} dibawa kabur ke arah {arah} hanya dalam waktu kurang dari {menit} menit.",
        "Hasil curian dijual kembali tanpa surat-surat dengan harga Rp{harga} melalui grup jual beli di media sosial.",
        "Aksi pelaku sempat terekam kamera pengawas milik warga yang kemudian viral di media sosial sejak {hari} {tanggal}.",
        "Pelaku ternyata residivis kasus serupa yang baru keluar dari lembaga pemasyarakatan {lama} lalu.",
        "Saat ditangkap di {lokasi}, pelaku sempat melawan sehingga petugas memberikan tindakan tegas dan terukur.",
        "Kendaraan korban ditemukan di rumah kontrakan {t2} di {desa} dalam kondisi pelat nomor sudah diganti.",
    ],
    "laka": [
        "Saksi {saksi} yang berada di {lokasi} mengatakan benturan keras terdengar hingga radius puluhan meter.",
        "Sepeda motor {motor} warna {warna} yang dikendarai korban terseret sejauh {menit} meter setelah tertabrak.",
        "Korban {korban} yang bekerja sebagai {pekerjaan} diketahui hendak berangkat ke tempat kerjanya di Kecamatan {kec}.",
        "Arus lalu lintas di {jalan} sempat tersendat sekitar {menit} menit sebelum kendaraan dievakuasi petugas.",
        "{kendaraan} yang terlibat kecelakaan melaju dari arah {arah} dengan muatan penuh menuju {kab}.",
        "Jenazah korban telah diserahkan kepada pihak keluarga di {desa} untuk dimakamkan.",
        "Petugas mengukur bekas pengereman sepanjang {menit} meter di aspal sebagai bahan penyelidikan.",
    ],
    "judi": [
        "Kedua tersangka menjalankan aksinya dari sebuah {lokasi} di {desa} dengan menyewa tempat sejak {lama} lalu.",
        "{t1} yang sehari-hari bekerja sebagai {pekerjaan} mengaku tergiur keuntungan mencapai Rp{harga} per hari.",
        "Situs {situs} tersebut memiliki ratusan anggota aktif yang sebagian besar berasal dari Kecamatan {kec}.",
        "Penangkapan berawal dari patroli siber yang menemukan akun promosi {situs} dengan pengikut lebih dari {n_peserta} orang.",
        "Polisi juga memblokir {hp} rekening bank yang digunakan untuk menampung setoran para pemain.",
        "{t2} berperan mencairkan kemenangan pemain dan mendapat bagian Rp{harga} dari setiap transaksi.",
    ],
    "hoaks": [
        "Unggahan tersebut pertama kali muncul di akun Facebook bernama {korban} dan kemudian disebarkan ke berbagai grup.",
        "Dalam unggahan itu disertakan tangkapan layar yang seolah-olah berasal dari surat resmi bertanggal {tanggal}.",
        "Pihak terkait melalui juru bicaranya {narsum} telah memberikan klarifikasi resmi pada {hari} {tanggal}.",
        "Penelusuran menunjukkan foto yang digunakan merupakan foto lama dari kejadian di Kecamatan {kec} yang tidak berhubungan dengan kebijakan {penerbit}.",
        "Tautan yang dibagikan dalam pesan tersebut mengarah ke situs palsu {situs}.xyz yang meminta data pribadi seperti nomor KTP dan nomor rekening.",
        "Hingga {hari} {tanggal}, unggahan tersebut telah disukai lebih dari {n_peserta} kali dan dibagikan ulang ke grup warga {kec}.",
    ],
    "kominfo": [
        "Kegiatan dibuka oleh Camat {kec} {korban} yang mengapresiasi antusiasme {peserta} di wilayahnya.",
        "Peserta yang paling aktif mendapatkan hadiah berupa paket data internet dan suvenir dari Diskominfo {kab}.",
        "Salah seorang peserta, {korban2}, mengaku baru mengetahui cara mengaktifkan verifikasi dua langkah pada akun WhatsApp miliknya.",
        "Sesi tanya jawab yang dipandu {narsum} berlangsung hangat dengan banyak pertanyaan seputar penipuan berkedok undian dan pinjaman daring ilegal.",
        "Kegiatan di {desa} ini merupakan rangkaian ke-{rumah} dari program serupa sepanjang tahun ini.",
        "Diskominfo juga membuka posko pengaduan konten negatif di {lokasi} selama kegiatan berlangsung.",
    ],
    "kebakaran": [
        "Pemilik rumah {korban} yang bekerja sebagai {pekerjaan} saat kejadian sedang berada di {lokasi}.",
        "Saksi {saksi} mengaku melihat kepulan asap hitam dari bagian belakang rumah sebelum api membesar.",
        "Warga membentuk rantai estafet ember untuk mengambil air dari {lokasi} terdekat.",
        "Api juga merambat ke rumah milik {korban2} yang berada di sebelah {arah} lokasi kejadian.",
        "Sejumlah dokumen penting, perabot rumah tangga, dan sepeda motor {motor} milik korban ikut terbakar.",
        "Pemerintah desa {desa} telah mendirikan tenda darurat dan dapur umum bagi keluarga korban.",
    ],
}
DETAIL_PARAGRAPH = 2
"""Where the details go in the release: after the first two paragraphs."""

TEMPLATES: dict[str, Template] = {
    "narkoba": NARKOBA, "curanmor": CURANMOR, "laka": LAKA, "judi": JUDI,
    "hoaks": HOAKS, "kominfo": KOMINFO, "kebakaran": KEBAKARAN,
}


# --- stories ---------------------------------------------------------------------------------


@dataclass
class Story:
    """One event as the press release tells it."""

    group: int
    template: str
    style: list[list[int]]
    details: list[int]
    slots: dict[str, str]
    when: datetime
    paragraphs: list[str] = field(default_factory=list)
    sibling_of: int | None = None
    same_office: bool = False


def draw_style(rng: random.Random, template: Template) -> list[list[int]]:
    """Which phrasing of each sentence the writer chose; -1 leaves an optional sentence out."""
    style = []
    for para in template:
        choices = []
        for sentence in para:
            if isinstance(sentence, tuple):
                keep, phrasings = sentence
                choices.append(rng.randrange(len(phrasings)) if rng.random() < keep else -1)
            else:
                choices.append(rng.randrange(len(sentence)))
        style.append(choices)
    return style


def draw_details(rng: random.Random, template: str) -> list[int]:
    """Which details of what happened this story tells, in order."""
    return rng.sample(range(len(DETAILS[template])), rng.randint(2, 4))


def render(story: Story) -> list[str]:
    """The release's paragraphs with the slots filled in and the details after the second."""
    out = render_skeleton(TEMPLATES[story.template], story.style, story.slots)
    details = [DETAILS[story.template][i].format(**story.slots) for i in story.details]
    cut = (len(details) + 1) // 2
    out[DETAIL_PARAGRAPH:DETAIL_PARAGRAPH] = [" ".join(details[:cut]), " ".join(details[cut:])]
    return [p for p in out if p]


def render_skeleton(template: Template, style: list[list[int]], slots: dict[str, str]) -> list[str]:
    """The skeleton's paragraphs with the slots filled in."""
    out = []
    for para, choices in zip(template, style):
        sentences = []
        for sentence, choice in zip(para, choices):
            phrasings = sentence[1] if isinstance(sentence, tuple) else sentence
            if choice >= 0:
                sentences.append(phrasings[choice].format(**slots))
        if sentences:
            out.append(" ".join(sentences))
    return out


def new_story(rng: random.Random, group: int, start: datetime, span_days: int) -> Story:
    """A fresh event from a random template."""
    name_ = rng.choice(list(TEMPLATES))
    when = start + timedelta(minutes=rng.randrange(span_days * 24 * 60))
    office = institution_slots(rng)
    slots = office | event_slots(rng, when, office["kab"])
    story = Story(group, name_, draw_style(rng, TEMPLATES[name_]), draw_details(rng, name_), slots, when)
    story.paragraphs = render(story)
    return story


def sibling(rng: random.Random, group: int, other: Story, same_office: bool) -> Story:
    """A different event written from the same release as ``other``: the near miss.

    Same template and phrasing; new names, places, quantities, dates and details. With
    ``same_office`` the Polres and its officers are the same too.
    """
    when = other.when + timedelta(days=rng.randint(1, 60), minutes=rng.randrange(1440))
    office = {k: other.slots[k] for k in INSTITUTION_KEYS} if same_office else institution_slots(rng)
    slots = office | event_slots(rng, when, office["kab"])
    story = Story(group, other.template, other.style, draw_details(rng, other.template), slots, when)
    story.paragraphs = render(story)
    story.sibling_of, story.same_office = other.group, same_office
    return story


# --- syndication: how an outlet changes a copy -----------------------------------------------


def caption(rng: random.Random, story: Story) -> str:
    """A photo caption, different at every outlet."""
    who = rng.choice([story.slots["kapolres"], story.slots["kasat"], story.slots["kadis"], "Petugas"])
    return (f"Foto: {who} {rng.choice(['menunjukkan barang bukti', 'memberikan keterangan', 'saat konferensi pers', 'di lokasi kejadian'])}"
            f" {rng.choice(['di Mapolres', 'di kantor', 'di'])} {story.slots['kab']}. "
            f"({rng.choice(['Dok. Humas', 'Foto/', 'ANTARA/'])}{rng.choice(OUTLETS)})")


def lead_paragraph(rng: random.Random, story: Story, outlet: str) -> str:
    """An opening paragraph an outlet writes itself before the release text."""
    return rng.choice([
        f"Warga {story.slots['kab']} kembali dikejutkan dengan peristiwa yang terjadi di wilayah Kecamatan {story.slots['kec']} pada {story.slots['hari']} lalu.",
        f"{outlet} memperoleh keterangan resmi dari {story.slots['polres']} terkait peristiwa yang ramai diperbincangkan warganet dalam beberapa hari terakhir.",
        f"Kabar mengenai kejadian di {story.slots['desa']} ini pertama kali ramai dibicarakan di grup percakapan warga sejak akhir pekan.",
        f"Aparat di {story.slots['kab']} bergerak cepat menindaklanjuti informasi yang diterima dari masyarakat sekitar {story.slots['desa']}.",
    ])


def clutter(rng: random.Random, outlet: str) -> str:
    """A trailing line that an extractor leaves in."""
    return rng.choice([
        f"Editor: {name(rng)}", f"({rng.choice(['ant', 'rls', 'hms', 'adv'])}/{rng.choice(['ws', 'ab', 'rd', 'fz'])})",
        f"Simak berita dan artikel lainnya di Google News {outlet}.",
        f"Dapatkan update berita pilihan setiap hari dari {outlet} dengan bergabung di saluran WhatsApp kami.",
        f"Penulis: {name(rng)} | Editor: {name(rng)}",
    ])


def retype(rng: random.Random, paragraph: str) -> str:
    """An outlet's copy editor swapping a word or two."""
    for old, new in rng.sample(RETYPES, 2):
        paragraph = paragraph.replace(old, new, 1)
    return paragraph


def syndicate(rng: random.Random, story: Story, outlet: str) -> list[str]:
    """The body of one outlet's copy of the story."""
    paras = list(story.paragraphs)
    if rng.random() < 0.2 and len(paras) > 3:
        paras = paras[1:]                                        # first paragraph cut
    if rng.random() < 0.7:
        city = story.slots["kab"].upper()
        paras[0] = f"{city}, {outlet} - {paras[0]}"               # dateline
    if rng.random() < 0.3:
        paras.insert(0, lead_paragraph(rng, story, outlet))      # own lead paragraph
    if rng.random() < 0.15:
        cut = rng.randrange(len(paras))                          # a sentence cut
        paras[cut] = paras[cut].rsplit(". ", 1)[0] + "."
    if rng.random() < 0.1 and len(paras) > 4:
        paras = paras[: len(paras) - 1]                          # tail cut
    if rng.random() < 0.3:
        paras = [retype(rng, p) for p in paras]
    if rng.random() < 0.2 and len(paras) > 3:
        i = rng.randrange(1, len(paras) - 1)                     # two paragraphs merged
        paras[i : i + 2] = [paras[i] + " " + paras[i + 1]]
    if rng.random() < 0.4:
        paras.insert(rng.choice([0, 1]), caption(rng, story))
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        paras.insert(rng.randrange(1, len(paras)), f"Baca Juga: {rng.choice(HEADLINES)}")
    if rng.random() < 0.5:
        paras.append(clutter(rng, outlet))
    return paras


# --- corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    article_id: int
    text: str
    published: str
    group: int


def copy_count(rng: random.Random) -> int:
    """How many outlets carry a story: half run alone, a few spread to a dozen or more."""
    if rng.random() < 0.5:
        return 1
    n = 2
    while n < 20 and rng.random() < 0.7:
        n += 1
    return n


def published_at(rng: random.Random, when: datetime) -> str:
    """A copy's publication time, hours after the event, in the outlet's zone."""
    zone = timezone(timedelta(hours=rng.choice([7, 7, 7, 8, 9, 0])))
    return (when + timedelta(minutes=rng.randrange(30, 48 * 60))).astimezone(zone).isoformat()


def generate(n: int, seed: int, first_id: int = 1, *, stories: list[Story] | None = None,
             near_miss_share: float = 0.3) -> tuple[list[Article], list[Story]]:
    """``n`` articles with known story groups, in crawl order (roughly by day, shuffled within).

    A share of the stories are siblings (near misses) of an earlier story. Passing the
    ``stories`` of an earlier call lets new copies join old groups, as in a nightly crawl.
    """
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=7)))
    known = list(stories or [])
    articles: list[tuple[str, Article]] = []
    next_id = first_id
    while len(articles) < n:
        group = len(known)
        if known and rng.random() < near_miss_share:
            story = sibling(rng, group, rng.choice(known), same_office=rng.random() < 0.5)
        else:
            story = new_story(rng, group, start, span_days=600)
        known.append(story)
        for _ in range(min(copy_count(rng), n - len(articles))):
            published = published_at(rng, story.when)
            text = "\n".join(syndicate(rng, story, rng.choice(OUTLETS)))
            crawl_key = f"{published[:10]}-{rng.random()}"
            articles.append((crawl_key, Article(next_id, text, published, story.group)))
            next_id += 1
    articles.sort(key=lambda pair: pair[0])
    return [a for _, a in articles], known


def extra_articles(n: int, seed: int, first_id: int, stories: list[Story]) -> list[Article]:
    """New arrivals for an existing index: half new stories, half copies of stored ones."""
    rng = random.Random(seed)
    fresh, _ = generate(n // 2, seed + 1, first_id, stories=stories)
    out = list(fresh)
    for i in range(n - len(fresh)):
        story = rng.choice(stories)
        text = "\n".join(syndicate(rng, story, rng.choice(OUTLETS)))
        out.append(Article(first_id + len(fresh) + i, text, published_at(rng, story.when), story.group))
    rng.shuffle(out)
    return out


# --- measures --------------------------------------------------------------------------------


def pair_count(sizes: Iterable[int]) -> int:
    return sum(comb(s, 2) for s in sizes)


def pairwise_scores(truth: dict[int, int], predicted: dict[int, int]) -> tuple[float, float]:
    """Pairwise precision and recall: of the article pairs put in one story, how many belong
    together, and of the pairs that belong together, how many were put in one story."""
    both = pair_count(Counter((truth[a], predicted[a]) for a in truth).values())
    pred = pair_count(Counter(predicted[a] for a in truth).values())
    true = pair_count(Counter(truth.values()).values())
    return (both / pred if pred else 1.0), (both / true if true else 1.0)


def near_misses_merged(stories: Sequence[Story], truth: dict[int, int],
                       predicted: dict[int, int]) -> tuple[int, int]:
    """(sibling story pairs that share a predicted story, sibling story pairs in the corpus)."""
    found: dict[int, set[int]] = {}
    for article, group in truth.items():
        found.setdefault(group, set()).add(predicted[article])
    pairs = [(s.group, s.sibling_of) for s in stories
             if s.sibling_of is not None and s.group in found and s.sibling_of in found]
    return sum(1 for a, b in pairs if found[a] & found[b]), len(pairs)


def index_size(store: Store) -> tuple[int, dict[str, int]]:
    """The database file's size, and bytes per story table where SQLite has ``dbstat``."""
    store.checkpoint()
    return os.path.getsize(store.path), store.table_sizes()


# --- main ------------------------------------------------------------------------------------


def connect(path: str, recreate: bool = False) -> Store:
    """The database as the crawl opens it (``pipelines.storage.connect``: WAL, NORMAL sync, a
    64 MiB cache, rare checkpoints): what a crawler that owns its database would set."""
    if recreate:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    return Store(path)


def build(db: Store, articles: Sequence[Article], options: dict[str, float],
          batch: int = 1000) -> tuple[float, float]:
    """Index the corpus in nightly-sized batches; return the (wall, CPU) seconds it took."""
    index = db.story_index(**options)
    began, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(articles), batch):
        index.add_many((a.article_id, a.text, a.published) for a in articles[i : i + batch])
    return time.perf_counter() - began, time.process_time() - cpu


def timed_adds(db: Store, articles: Sequence[Article], options: dict[str, float],
               one_by_one: bool) -> tuple[float, float]:
    """(Wall, CPU) seconds to add these articles to the existing index.

    CPU time is printed too because this machine is shared: under load the wall time
    measures the neighbours as much as the index.
    """
    index = db.story_index(**options)
    began, cpu = time.perf_counter(), time.process_time()
    if one_by_one:
        for a in articles:
            index.add(a.article_id, a.text, a.published)
    else:
        index.add_many((a.article_id, a.text, a.published) for a in articles)
    return time.perf_counter() - began, time.process_time() - cpu


def report_quality(db: Store, articles: Sequence[Article], stories: Sequence[Story],
                   options: dict[str, float]) -> tuple[float, float]:
    """Print and return pairwise precision and recall over everything indexed."""
    truth = {a.article_id: a.group for a in articles}
    predicted = db.story_index(**options).assignments()
    precision, recall = pairwise_scores(truth, predicted)
    print(f"pairwise precision {precision:.4f}  recall {recall:.4f}  "
          f"({len(set(predicted.values())):,} stories found, {len(set(truth.values())):,} true)")
    merged, siblings = near_misses_merged(stories, truth, predicted)
    print(f"template near misses put in one story: {merged:,} of {siblings:,} sibling pairs")
    return precision, recall


def report_size(store: Store, articles: int) -> None:
    """Print the database's size; it holds nothing but the story index."""
    total, tables = index_size(store)
    print(f"index size on disk: {total / 1e6:.1f} MB ({total / articles:.0f} bytes per article)")
    for table, size in sorted(tables.items(), key=lambda kv: -kv[1]):
        if size >= 50_000:
            print(f"  {table:28} {size / 1e6:7.1f} MB")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size (default 100000)")
    parser.add_argument("--adds", type=int, default=1000, help="new articles timed on the built index")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--num-perm", type=int, default=DEFAULT_NUM_PERM)
    parser.add_argument("--db", help="keep the index in this file (recreated) instead of a temporary one")
    args = parser.parse_args(argv)
    options = {"threshold": args.threshold, "num_perm": args.num_perm}

    began = time.perf_counter()
    corpus, stories = generate(args.articles, args.seed)
    late = extra_articles(2 * args.adds, args.seed + 100, len(corpus) + 1, stories)
    one_by_one, batched = late[: args.adds], late[args.adds :]
    groups = Counter(a.group for a in corpus)
    print(f"sqlite: as pipelines.storage.connect opens it; index: {options}")
    print(f"generated {len(corpus):,} articles in {len(groups):,} stories "
          f"({sum(1 for s in groups.values() if s > 1):,} with copies, largest {max(groups.values())}, "
          f"{sum(1 for s in stories if s.sibling_of is not None):,} template near misses) "
          f"in {time.perf_counter() - began:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or os.path.join(tmp, "dedup.db")
        with connect(path, recreate=True) as db:
            seconds, cpu = build(db, corpus, options)
        print(f"build: {seconds:.1f} s ({seconds / len(corpus) * 1000:.2f} ms per article; CPU {cpu:.1f} s)")
        with connect(path) as db:                            # reopened, as after a restart
            single, single_cpu = timed_adds(db, one_by_one, options, one_by_one=True)
            many, many_cpu = timed_adds(db, batched, options, one_by_one=False)
            print(f"add {len(one_by_one):,} new articles to the index, one add() each: "
                  f"{single:.2f} s (CPU {single_cpu:.2f} s)")
            print(f"add {len(batched):,} new articles to the index, one add_many():   "
                  f"{many:.2f} s (CPU {many_cpu:.2f} s)")
            precision, recall = report_quality(db, corpus + late, stories, options)
            report_size(db, len(corpus) + len(late))
    ok = precision >= 0.98 and recall >= 0.95 and single < 5 * len(one_by_one) / 1000
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
