"""One police press release, republished by other demo sites, and a near miss from the same template.

How regional news really spreads: Humas Polres publishes a release on its tribratanews site; a
regional outlet republishes it hours later with its own headline, its own opening paragraph and
without the closing appeal; another portal copies it with a different headline and a photo
caption of its own. Story clustering must put the three together. A second release from a
neighbouring Polres, written from the same template (same boilerplate sentences; other names,
places, quantities and dates), is a different story and must stay apart.

Each copy carries ``story`` (the expected story key) so tests can check the clustering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Copy:
    """One site's version of a release: which site, how its text differs, when it appeared."""

    site: str
    slug: str
    title: str
    delay: timedelta
    lead: str | None = None            # an opening paragraph the site wrote itself
    drop_last: bool = False            # the site cut the closing paragraph
    caption: str | None = None         # a photo caption line the site added at the top
    story: str = "sabu-tulungagung"


RELEASE = [
    "Tulungagung – Satuan Reserse Narkoba Polres Tulungagung mengungkap peredaran sabu di wilayah "
    "Kecamatan Ngunut. Dua orang pengedar berinisial AS (34) dan RD (27), warga Desa Pulotondo, "
    "diamankan petugas pada Selasa malam di sebuah rumah kontrakan.",
    "Kasat Resnarkoba Polres Tulungagung AKP Bambang Suhariyanto mengatakan penangkapan berawal dari "
    "laporan warga yang resah dengan lalu lalang orang tak dikenal di rumah kontrakan tersebut "
    "hampir setiap malam.",
    "\"Dari tangan kedua tersangka kami amankan barang bukti sabu seberat 41,6 gram yang dikemas "
    "dalam 23 plastik klip, dua timbangan digital, satu set alat hisap dan uang tunai Rp 3,2 juta "
    "yang diduga hasil penjualan,\" ujar AKP Bambang dalam konferensi pers di Mapolres Tulungagung.",
    "Menurut hasil pemeriksaan sementara, kedua tersangka mengaku mendapatkan sabu dari seorang "
    "bandar di Surabaya yang kini masih dalam pengejaran. Barang haram itu rencananya diedarkan "
    "kepada pekerja pabrik dan pelajar di wilayah Ngunut dan Sumbergempol.",
    "Atas perbuatannya, kedua tersangka dijerat Pasal 114 ayat (2) subsider Pasal 112 ayat (2) "
    "Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman hukuman penjara paling "
    "singkat enam tahun dan paling lama dua puluh tahun.",
    "Polres Tulungagung mengimbau masyarakat untuk tidak ragu melaporkan setiap aktivitas yang "
    "mencurigakan terkait penyalahgunaan narkoba melalui layanan Lapor Pak Polisi atau kepada "
    "Bhabinkamtibmas di desa masing-masing.",
]

NEAR_MISS = [
    "Lumajang – Satuan Reserse Narkoba Polres Lumajang mengungkap peredaran sabu di wilayah "
    "Kecamatan Tempeh. Seorang pengedar berinisial MF (41), warga Desa Kaliwungu, diamankan "
    "petugas pada Kamis sore di sebuah warung kopi di pinggir jalan raya.",
    "Kasat Resnarkoba Polres Lumajang AKP Suprapto mengatakan penangkapan merupakan hasil "
    "penyelidikan selama dua pekan setelah petugas menerima informasi adanya transaksi di "
    "sekitar pasar Tempeh.",
    "\"Dari tangan tersangka kami amankan barang bukti sabu seberat 7,2 gram yang dikemas dalam "
    "sembilan plastik klip, satu timbangan digital dan telepon genggam yang dipakai untuk "
    "bertransaksi,\" ujar AKP Suprapto saat dikonfirmasi di Mapolres Lumajang.",
    "Menurut hasil pemeriksaan sementara, tersangka mengaku mendapatkan sabu dari seorang "
    "pemasok di Jember dengan sistem ranjau. Polisi masih mendalami jaringan tersebut dan tidak "
    "menutup kemungkinan ada tersangka lain.",
    "Atas perbuatannya, tersangka dijerat Pasal 114 ayat (1) subsider Pasal 112 ayat (1) "
    "Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman hukuman penjara paling "
    "singkat lima tahun dan paling lama dua puluh tahun.",
    "Polres Lumajang mengimbau masyarakat untuk tidak ragu melaporkan setiap aktivitas yang "
    "mencurigakan terkait penyalahgunaan narkoba melalui layanan call center atau kepada "
    "Bhabinkamtibmas di desa masing-masing.",
]

COPIES = (
    Copy("tribratanews-tulungagung", "satresnarkoba-polres-tulungagung-ungkap-peredaran-sabu-di-ngunut",
         "Satresnarkoba Polres Tulungagung Ungkap Peredaran Sabu di Ngunut, Dua Pengedar Diamankan",
         timedelta(0)),
    Copy("detikkasus", "dua-pengedar-sabu-asal-pulotondo-dibekuk-polisi-41-gram-disita",
         "Dua Pengedar Sabu Asal Pulotondo Dibekuk Polisi, 41 Gram Disita",
         timedelta(hours=3, minutes=20),
         lead="Tulungagung l Detikkasus.com – Warga Desa Pulotondo dikejutkan penggerebekan sebuah "
              "rumah kontrakan oleh petugas berpakaian preman pada Selasa malam. Belakangan diketahui "
              "penggerebekan itu terkait peredaran narkoba jenis sabu.",
         drop_last=True),
    Copy("portal-rusak", "polisi-tulungagung-bongkar-peredaran-sabu-jaringan-surabaya",
         "Polisi Tulungagung Bongkar Peredaran Sabu Jaringan Surabaya",
         timedelta(hours=7),
         caption="Foto: Kedua tersangka dan barang bukti saat konferensi pers di Mapolres Tulungagung."),
    Copy("lumajang", "satresnarkoba-polres-lumajang-amankan-pengedar-sabu-di-tempeh",
         "Satresnarkoba Polres Lumajang Amankan Pengedar Sabu di Tempeh",
         timedelta(days=2, hours=5), story="sabu-lumajang"),
)


def release_date(now: datetime) -> datetime:
    """The original release: three days before `now`, at 09:15 site time."""
    return (now - timedelta(days=3)).replace(hour=9, minute=15, second=0, microsecond=0)


def paragraphs_of(copy: Copy) -> list[str]:
    """The body this copy publishes."""
    body = list(NEAR_MISS if copy.story == "sabu-lumajang" else RELEASE)
    if copy.drop_last:
        body = body[:-1]
    if copy.lead:
        body = [copy.lead, *body]
    if copy.caption:
        body = [copy.caption, *body]
    return body


def copies_for(site: str) -> list[Copy]:
    return [c for c in COPIES if c.site == site]
