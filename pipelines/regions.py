"""Tag an article with its kabupaten/kota and province, and keep the evidence.

Why: operators review their own region first, so every article needs a regency and a
province they can trust and check. The tagger is a pure function of the text and two
data files (no I/O after loading):

- ``data/wilayah.json``: the complete official gazetteer (38 provinces, 514 regencies and
  cities, 7,285 districts; Kepmendagri 300.2.2-2138/2025, see ``data/WILAYAH-NOTICE.txt``);
- ``data/region_aliases.yaml``: what the official list cannot know: abbreviations (Tanjab
  Timur, Babel), town names and spelling preferences; see its header for the format.

Evidence, strongest first (the weights below are the one documented place for them):

1. the dateline ("TULUNGAGUNG –", "Jambi-GlobalInvestigasinews.com"): ``DATELINE_WEIGHT``;
2. mentions in the title (``TITLE_WEIGHT``) and the body, weighted by position (early
   paragraphs name the place of the event; the tail holds related links) and summed, so
   frequency counts; an anchor before the name ("Polres", "Bupati", "Kodim 0821",
   "Kabupaten", "Kota") multiplies the mention by ``ANCHOR_FACTOR`` and decides between a
   Kabupaten and a Kota of the same name; district names count only with an anchor
   ("Kecamatan", "Polsek", "Camat") or as dateline, at ``DISTRICT_FACTOR``;
3. the source's own region (``SOURCE_WEIGHT``), a fallback for articles that name no place.

The province is the one with most evidence (its own mentions plus its regencies'), and the
regency is the best-scored one inside that province, so a dateline naming a province
capital ("Jambi") does not outvote a regency named throughout the article.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from pipelines.vocabulary import HEAD_DATELINE

DATA_DIR = Path(__file__).parent / "data"
DATELINE_WEIGHT = 6.0
TITLE_WEIGHT = 3.0
BODY_WEIGHT_START = 1.5  # a mention at the very start of the body
BODY_WEIGHT_END = 0.5  # a mention at the very end (related links, footers)
ANCHOR_FACTOR = 1.5
DISTRICT_FACTOR = 0.6
CAPITAL_SHARE = 0.5  # "Jambi" alone: the province, and half as much for Kota Jambi
SOURCE_WEIGHT = 1.0
MAX_NAME_TOKENS = 5

_TOKEN = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"[\s\-]{0,3}")
_ANCHOR_GAP = re.compile(r"[\s./]{1,3}")  # "Kab. X", "Kodim 0821/X"; not "kecamatan (KASI"
_NUMERIC = re.compile(r"\d+|[IVX]+")

KABUPATEN_ANCHORS = frozenset({"kabupaten", "kab", "pemkab", "bupati", "wabup"})
KOTA_ANCHORS = frozenset(
    {"kota", "pemkot", "pemko", "walikota", "wawali", "administrasi", "polrestabes",
     "kapolrestabes"}
)
PLAIN_ANCHORS = frozenset(
    {"polres", "kapolres", "wakapolres", "polresta", "kapolresta", "metro", "kodim",
     "dandim", "kejari", "kajari", "kesbangpol", "bakesbangpol", "bawaslu", "kpu", "dprd",
     "dprk", "sekda", "rsud", "satpol"}
)
DISTRICT_ANCHORS = frozenset(
    {"kecamatan", "kec", "camat", "sekcam", "polsek", "kapolsek", "koramil", "danramil",
     "distrik", "muspika", "forkopimcam"}
)
PROVINCE_ANCHORS = frozenset(
    {"provinsi", "prov", "pemprov", "gubernur", "polda", "kapolda", "kesbangpol", "kodam"}
)
POLICE_UNITS = frozenset({"polres", "kapolres", "wakapolres", "polda", "kapolda"})
REGENCY_ANCHORS = KABUPATEN_ANCHORS | KOTA_ANCHORS | PLAIN_ANCHORS
DIRECTION_WORDS = frozenset(
    {"barat", "timur", "utara", "selatan", "tengah", "pusat", "baru", "lama", "kota",
     "ilir", "ulu", "hulu", "hilir", "laut", "darat", "raya"}
)


@dataclass(frozen=True)
class Place:
    """One thing a name can mean: a province, or a regency (with its province)."""

    kind: str  # "province" | "regency"
    code: str
    form: str | None = None  # "kabupaten" | "kota"; "district" when found via a kecamatan


@dataclass
class Gazetteer:
    """Lookup tables built from the official list plus the alias file."""

    provinces: dict[str, str]
    regencies: dict[str, str]
    names: dict[str, list[Place]]
    districts: dict[str, list[str]]
    needs_anchor: frozenset[str]

    def province_of(self, regency_code: str) -> str:
        return self.provinces[regency_code[:2]]


@dataclass
class RegionTag:
    """The chosen regency and province, with the evidence that chose them."""

    regency: str | None
    province: str | None
    evidence: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"regency": self.regency, "province": self.province, "evidence": self.evidence}


@dataclass
class Mention:
    """A place name found in the text, before any choice between its meanings."""

    surface: str
    places: list[Place]
    weight: float
    source: str  # "dateline" | "title" | "body" | "source_region"
    offset: int


def squash(name: str) -> str:
    """Lower-case and drop spaces/hyphens/dots: 'Pangkal Pinang' == 'Pangkalpinang'."""
    return "".join(_TOKEN.findall(name.lower()))


def bare_names(official: str) -> list[str]:
    """Names news prose uses for a regency: without Kabupaten/Kota, and without 'Kepulauan'."""
    bare = re.sub(r"^(Kabupaten|Kota)( Administrasi)? ", "", official)
    islands = re.sub(r"^(Kepulauan|Kep\.) ", "", bare)
    return [bare, islands] if islands != bare else [bare]


def regency_form(official: str) -> str:
    return "kota" if official.startswith("Kota") else "kabupaten"


def _add(names: dict[str, list[Place]], key: str, place: Place) -> None:
    if place not in names[key]:
        names[key].append(place)


def _official_index(provinces: dict[str, str], regencies: dict[str, str]) -> dict[str, list[Place]]:
    names: dict[str, list[Place]] = defaultdict(list)
    for code, name in provinces.items():
        _add(names, squash(name), Place("province", code))
    for code, name in regencies.items():
        for bare in bare_names(name):
            _add(names, squash(bare), Place("regency", code, regency_form(name)))
    return names


def _district_index(districts: dict[str, str], regency_keys: set[str]) -> dict[str, list[str]]:
    """District name -> regency codes, plus 'stems' shared by one regency's districts only.

    'Tanjungkarang Barat/Timur/Pusat' are all in Kota Bandar Lampung, so the dateline
    'TANJUNGKARANG' points there; a stem that is also a regency name is left to the regency.
    """
    index: dict[str, set[str]] = defaultdict(set)
    stems: dict[str, set[str]] = defaultdict(set)
    for code, name in districts.items():
        index[squash(name)].add(code[:5])
        if name.startswith("Kota "):
            index[squash(name[5:])].add(code[:5])
        words = name.split()
        if len(words) >= 2 and words[-1].lower() in DIRECTION_WORDS:
            stems[squash(" ".join(words[:-1]))].add(code[:5])
    for stem, codes in stems.items():
        if len(codes) == 1 and stem not in regency_keys and stem not in index:
            index[stem] = codes
    return {key: sorted(codes) for key, codes in index.items()}


def _apply_aliases(gaz_names: dict[str, list[Place]], aliases: dict, lookup: dict[str, str]) -> None:
    for section, kind in (("provinces", "province"), ("regencies", "regency"), ("places", "regency")):
        for alias, target in (aliases.get(section) or {}).items():
            code = lookup.get(target)
            if code is None:
                raise ValueError(f"region alias {alias!r} points at {target!r}, which is not in the gazetteer")
            form = regency_form(target) if kind == "regency" else None
            _add(gaz_names, squash(str(alias)), Place(kind, code, form))


def load_gazetteer(path: Path | None = None, aliases_path: Path | None = None) -> Gazetteer:
    """Read the official list and the alias file (cached for the default paths)."""
    if path is None and aliases_path is None:
        return _default_gazetteer()
    return _build_gazetteer(path or DATA_DIR / "wilayah.json", aliases_path or DATA_DIR / "region_aliases.yaml")


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return _build_gazetteer(DATA_DIR / "wilayah.json", DATA_DIR / "region_aliases.yaml")


def _build_gazetteer(path: Path, aliases_path: Path) -> Gazetteer:
    raw = json.loads(path.read_text(encoding="utf-8"))
    aliases = yaml.safe_load(aliases_path.read_text(encoding="utf-8")) or {}
    rename = aliases.get("display_names") or {}
    provinces = {c: rename.get(n, n) for c, n in raw["provinces"].items()}
    regencies = {c: rename.get(n, n) for c, n in raw["regencies"].items()}
    names = _official_index(provinces, regencies)
    lookup = {n: c for c, n in {**provinces, **regencies}.items()}
    lookup.update({old: lookup[new] for old, new in rename.items()})
    _apply_aliases(names, aliases, lookup)
    districts = _district_index(raw.get("districts", {}), set(names))
    needs_anchor = frozenset(squash(n) for n in aliases.get("needs_anchor") or [])
    return Gazetteer(provinces, regencies, dict(names), districts, needs_anchor)


def tokens_of(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def joined_key(text: str, toks: list[re.Match[str]], i: int, n: int) -> str | None:
    """Key of tokens i..i+n if only spaces/hyphens separate them, else None."""
    for a, b in zip(toks[i:i + n - 1], toks[i + 1:i + n]):
        if not _JOINER.fullmatch(text[a.end():b.start()]):
            return None
    return "".join(t.group().lower() for t in toks[i:i + n])


def anchor_before(text: str, toks: list[re.Match[str]], i: int) -> str | None:
    """The institutional word right before a name ('Polres', 'Kodim 0821/', 'Kab.')."""
    j = i - 1
    while j >= 0 and _NUMERIC.fullmatch(toks[j].group()) and i - j <= 2:
        j -= 1
    if j < 0 or not _ANCHOR_GAP.fullmatch(text[toks[j].end():toks[j + 1].start()]):
        return None
    word = toks[j].group().lower()
    known = REGENCY_ANCHORS | DISTRICT_ANCHORS | PROVINCE_ANCHORS
    return word if word in known else None


def kota_after(toks: list[re.Match[str]], i: int) -> bool:
    """'Polres Blitar Kota', 'Polresta Malang Kota': the Kota suffix of police units."""
    return i < len(toks) and toks[i].group().lower() == "kota"


def filter_form(places: list[Place], anchor: str | None, suffix_kota: bool) -> list[Place]:
    """Use 'Kabupaten'/'Bupati' vs 'Kota'/'Wali Kota' to pick among same-named places."""
    if suffix_kota or anchor in KOTA_ANCHORS:
        wanted = [p for p in places if p.form == "kota"]
    elif anchor in KABUPATEN_ANCHORS:
        wanted = [p for p in places if p.form == "kabupaten"]
    elif anchor in PROVINCE_ANCHORS:
        wanted = [p for p in places if p.kind == "province"]
    else:
        wanted = places
    return wanted or places


def is_unit_word(text: str, toks: list[re.Match[str]], i: int) -> bool:
    """'Metro' in 'Polres Metro Bekasi' names the police unit, not Kota Metro in Lampung."""
    return toks[i].group().lower() == "metro" and anchor_before(text, toks, i) in POLICE_UNITS


def is_capitalised(word: str) -> bool:
    """Place names are proper nouns: 'nasib malang' and 'medan berat' are not places."""
    return word[:1].isupper()


def _match_at(text: str, toks: list[re.Match[str]], i: int, gaz: Gazetteer, free: bool) -> tuple[int, list[Place], str | None]:
    """Longest gazetteer name starting at token i: (tokens used, places, anchor)."""
    anchor = anchor_before(text, toks, i)
    for n in range(min(MAX_NAME_TOKENS, len(toks) - i), 0, -1):
        key = joined_key(text, toks, i, n)
        if key is None:
            continue
        if key in gaz.districts and (anchor in DISTRICT_ANCHORS or (free and key not in gaz.names)):
            places = [Place("regency", c, "district") for c in gaz.districts[key]]
            return n, places, "district"
        if key in gaz.names and (free or anchor or key not in gaz.needs_anchor):
            places = filter_form(gaz.names[key], anchor, kota_after(toks, i + n))
            return n, places, anchor
    return 0, [], None


def find_mentions(text: str, gaz: Gazetteer, source: str, free: bool = False) -> list[Mention]:
    """Every capitalised place name in ``text``, weighted by where it stands.

    ``free`` is for datelines and source regions: a bare district or an anchor-needing
    name is accepted there, because the slot itself says it is a place.
    """
    toks, found, i = tokens_of(text), [], 0
    while i < len(toks):
        candidate = is_capitalised(toks[i].group()) and not is_unit_word(text, toks, i)
        n, places, anchor = _match_at(text, toks, i, gaz, free) if candidate else (0, [], None)
        if not n:
            i += 1
            continue
        start, end = toks[i].start(), toks[i + n - 1].end()
        weight = mention_weight(source, start, len(text), anchor)
        found.append(Mention(text[start:end], places, weight, source, start))
        i += n
    return found


def mention_weight(source: str, offset: int, length: int, anchor: str | None) -> float:
    """Dateline > title > early body > late body; anchors add trust, districts lose some."""
    base = {"dateline": DATELINE_WEIGHT, "title": TITLE_WEIGHT, "source_region": SOURCE_WEIGHT}.get(source)
    if base is None:
        share = offset / max(length, 1)
        base = BODY_WEIGHT_START - (BODY_WEIGHT_START - BODY_WEIGHT_END) * share
    if anchor == "district":
        return base * DISTRICT_FACTOR
    return base * ANCHOR_FACTOR if anchor and source in ("title", "body") else base


def split_dateline(text: str, gaz: Gazetteer) -> tuple[str | None, str]:
    """The place at the head of the body ('MADIUN –') and the body after it."""
    head = text.lstrip()[:80]
    match = HEAD_DATELINE.match(head)
    if not match:
        return None, text
    candidate = match.group(1).strip()
    if not names_whole(candidate, gaz):
        return None, text
    cut = text.index(candidate) + len(candidate)
    return candidate, text[cut:]


def names_whole(candidate: str, gaz: Gazetteer) -> bool:
    """A dateline is a place name and nothing else ('Kota Bekasi', not 'Dalam upaya ...')."""
    toks = tokens_of(candidate)
    found = find_mentions(candidate, gaz, "dateline", free=True)
    return 0 < len(toks) <= 4 and bool(found) and found[0].offset + len(found[0].surface) == toks[-1].end()


def credit(mention: Mention, scores: dict[str, float], prov_scores: dict[str, float]) -> list[Place]:
    """Add a mention's weight to the places it can only mean; return the rest as ambiguous."""
    provinces = [p for p in mention.places if p.kind == "province"]
    regencies = [p for p in mention.places if p.kind == "regency"]
    for p in provinces:
        prov_scores[p.code] += mention.weight
    if provinces and regencies:  # "Jambi": the province, and a little for its capital
        for p in regencies:
            scores[p.code] += mention.weight * CAPITAL_SHARE
        return []
    if len(regencies) == 1:
        scores[regencies[0].code] += mention.weight
        return []
    return regencies


def support(place: Place, scores: dict[str, float], prov_scores: dict[str, float]) -> tuple[float, float]:
    """Evidence already gathered for a place itself, then for its province."""
    in_province = sum(v for c, v in scores.items() if c[:2] == place.code[:2])
    return scores.get(place.code, 0.0), in_province + prov_scores.get(place.code[:2], 0.0)


def resolve_ambiguous(places: list[Place], scores: dict[str, float], prov_scores: dict[str, float]) -> Place | None:
    """Same name, several places: the one with other evidence, else the Kota (the namesake).

    A district name shared by several regencies with no other evidence is dropped: a
    guess between them would only add noise.
    """
    best = max(places, key=lambda p: (support(p, scores, prov_scores), p.form == "kota"))
    if best.form == "district" and support(best, scores, prov_scores) == (0.0, 0.0):
        return None
    return best


def score_mentions(mentions: list[Mention]) -> tuple[dict[str, float], dict[str, float], dict[int, Place]]:
    scores: dict[str, float] = defaultdict(float)
    prov_scores: dict[str, float] = defaultdict(float)
    pending = [(k, m, credit(m, scores, prov_scores)) for k, m in enumerate(mentions)]
    chosen: dict[int, Place] = {}
    for k, mention, places in pending:
        place = resolve_ambiguous(places, scores, prov_scores) if places else None
        if place:
            chosen[k] = place
            scores[place.code] += mention.weight
    return scores, prov_scores, chosen


def pick(scores: dict[str, float], prov_scores: dict[str, float]) -> tuple[str | None, str | None]:
    """Best province (own + its regencies' evidence), then best regency inside it."""
    totals = defaultdict(float, prov_scores)
    for code, value in scores.items():
        totals[code[:2]] += value
    if not totals:
        return None, None
    province = max(totals, key=totals.get)
    inside = {c: v for c, v in scores.items() if c[:2] == province and v > 0}
    return (max(inside, key=inside.get) if inside else None), province


def is_dropped(k: int, mention: Mention, chosen: dict[int, Place]) -> bool:
    """A district name shared by several regencies that nothing else supported."""
    return k not in chosen and len(mention.places) > 1 and all(p.form == "district" for p in mention.places)


def describe(places: list[Place], gaz: Gazetteer) -> tuple[str | None, str | None]:
    """Official regency and province names a mention stands for ('A / B' if still open)."""
    regencies = [gaz.regencies[p.code] for p in places if p.kind == "regency"]
    provinces = [gaz.provinces[p.code] for p in places if p.kind == "province"]
    provinces = provinces or sorted({gaz.province_of(p.code) for p in places if p.kind == "regency"})
    return " / ".join(regencies) or None, " / ".join(provinces) or None


def evidence_rows(mentions: list[Mention], chosen: dict[int, Place], gaz: Gazetteer) -> list[dict]:
    """One row per (source, name, meaning), weights summed: what operators see."""
    rows: dict[tuple, dict] = {}
    for k, m in enumerate(mentions):
        if is_dropped(k, m, chosen):
            continue
        regency, province = describe([chosen[k]] if k in chosen else m.places, gaz)
        row = rows.setdefault((m.source, m.surface.lower(), regency, province), {
            "source": m.source, "match": m.surface, "regency": regency, "province": province,
            "count": 0, "weight": 0.0, "offset": m.offset})
        row["count"] += 1
        row["weight"] = round(row["weight"] + m.weight, 3)
    return sorted(rows.values(), key=lambda r: -r["weight"])


def collect_mentions(title: str | None, text: str, dateline: str | None, source_region: str | None, gaz: Gazetteer) -> list[Mention]:
    if dateline is None:
        dateline, body = split_dateline(text, gaz)
    else:
        body = text
    mentions = find_mentions(dateline, gaz, "dateline", free=True)[:1] if dateline else []
    mentions += find_mentions(title or "", gaz, "title")
    mentions += find_mentions(body, gaz, "body")
    if source_region:
        mentions += find_mentions(source_region, gaz, "source_region", free=True)[:1]
    return mentions


def tag_region(
    title: str | None,
    text: str,
    dateline: str | None = None,
    source_region: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> RegionTag:
    """Regency and province of an article, with evidence (see the module docstring)."""
    gaz = gazetteer or load_gazetteer()
    mentions = collect_mentions(title, text, dateline, source_region, gaz)
    scores, prov_scores, chosen = score_mentions(mentions)
    regency, province = pick(scores, prov_scores)
    return RegionTag(
        regency=gaz.regencies[regency] if regency else None,
        province=gaz.provinces[province] if province else None,
        evidence=evidence_rows(mentions, chosen, gaz),
    )
