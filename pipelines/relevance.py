"""Score an article's Kamtibmas relevance in [0, 1], with topics and the evidence behind them.

Why: operators have minutes each morning; they will only trust an order they can explain.
So the score is a transparent sum of lexicon evidence, and every term that counted is kept
(what matched, in which field, how often, with which weight and an excerpt).

The lexicon is data (``data/lexicon.yaml``; its header documents the format, the taxonomy
and the scoring knobs). Scoring, in order:

1. match every term in the title and the body (whole words; affix families such as
   ``<aniaya>`` expand to penganiayaan, dianiaya, ...); ``exclusions`` ("demo masak") and
   longer terms win over shorter ones they overlap;
2. detect look-alike contexts (sport, tourism, health, agriculture, charity, ceremony);
3. each (term, field) contributes ``weight x title_factor (title only) x saturation(count)
   x context factor``: repetition helps only logarithmically, up to ``count_cap``;
4. weak evidence together is capped at ``weak_cap``, so generic words never add up;
5. ``score = 1 - exp(-evidence / scale)``; ``kamtibmas = score >= threshold``;
6. topics: those with non-weak evidence of at least ``topic_min`` and ``topic_share`` of the
   strongest, for Kamtibmas articles only (each Evidence still names its topic).

``DEFAULT_THRESHOLD`` (0.5) means "about one strong incident term in the body, or a title
hit, or several coordination terms together"; it was fixed before measuring and is the
value ``bench/relevance.py`` reports. Raise it to trade recall for precision.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

DEFAULT_LEXICON = Path(__file__).parent / "data" / "lexicon.yaml"
DEFAULT_THRESHOLD = 0.5
EXCERPT_CHARS = 60
TIERS = ("strong", "support", "weak")
_VOWELS = set("aeiou")
_WORD = r"[^\W_]"


@dataclass
class Evidence:
    """One lexicon term that counted: where, how often, and how much it added."""

    term: str
    topic: str
    weight: float
    field: str
    count: int
    excerpt: str
    pattern: str = ""
    tier: str = "support"


@dataclass
class Relevance:
    """The score, the decision at the threshold, the topics and why."""

    score: float
    kamtibmas: bool
    topics: list[str]
    evidence: list[Evidence]
    contexts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Term:
    pattern: str
    topic: str
    weight: float
    tier: str
    unless: tuple[str, ...]
    regex: re.Pattern[str]
    needle: str  # a literal every match contains: a cheap test before the regex


@dataclass(frozen=True)
class Context:
    name: str
    factor: float
    strong_factor: float
    min_hits: float
    regexes: tuple[tuple[str, re.Pattern[str]], ...]  # (needle, regex)


@dataclass(frozen=True)
class Lexicon:
    settings: dict[str, float]
    reported_topics: frozenset[str]
    terms: tuple[Term, ...]
    exclusions: tuple[re.Pattern[str], ...]
    contexts: tuple[Context, ...]


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    term: Term | None  # None for an exclusion


# ── affixes ───────────────────────────────────────────────────────────────────────────


# first letter of the root -> (nasal, drop the letter?, also keep it?): tikam -> menikam,
# serang -> menyerang, pukul -> memukul (and the loan form mempukul), bunuh -> membunuh
_NASAL = {
    **dict.fromkeys("aeiough", ("ng", False, False)),
    "k": ("ng", True, True), "p": ("m", True, True), "t": ("n", True, False),
    "s": ("ny", True, False), **dict.fromkeys("bfv", ("m", False, False)),
    **dict.fromkeys("cdjz", ("n", False, False)),
}


def is_monosyllable(stem: str) -> bool:
    return sum(1 for a, b in zip(" " + stem, stem) if b in _VOWELS and a not in _VOWELS) == 1


def nasal_prefixed(stem: str, prefix: str) -> list[str]:
    """meN-/peN- forms with Indonesian sound changes: tikam->menikam, serang->penyerang."""
    base = prefix[:2]  # "me" or "pe"
    if is_monosyllable(stem):
        return [base + "nge" + stem, base + "m" + stem, base + "n" + stem]  # bom -> mengebom
    if stem[0] not in _NASAL:  # l, m, n, r, w, y: merampok, perampokan, pelempar
        return [base + stem, base + "r" + stem]
    nasal, drop, keep = _NASAL[stem[0]]
    forms = [base + nasal + (stem[1:] if drop else stem)]
    return forms + [base + nasal + stem] if keep else forms


def affix_forms(stem: str) -> set[str]:
    """The family of a root: prefixes meN-, peN-, di-, ter-, ke-, per-, ber- x -an/-kan/-i."""
    prefixed = {stem, "di" + stem, "ter" + stem, "ke" + stem, "per" + stem, "ber" + stem}
    prefixed |= set(nasal_prefixed(stem, "me") + nasal_prefixed(stem, "pe"))
    return {p + s for p in prefixed for s in ("", "an", "kan", "i")}


# ── patterns ──────────────────────────────────────────────────────────────────────────


def token_regex(token: str) -> str:
    """One pattern token as regex: <root>, prefix*, *suffix or a literal word."""
    if token.startswith("<") and token.endswith(">"):
        forms = sorted(affix_forms(token[1:-1]), key=len, reverse=True)
        return "(?:" + "|".join(map(re.escape, forms)) + ")"
    head = _WORD + "*" if token.startswith("*") else ""
    tail = _WORD + "*" if token.endswith("*") and len(token) > 1 else ""
    literal = re.escape(token.strip("*")).replace(r"\-", r"[\s\-]?")
    return head + literal + tail


def needle_of(pattern: str) -> str:
    """Longest literal that every match of the pattern must contain.

    An affix family keeps its root minus the first letter (menikam has 'ikam' of 'tikam');
    scanning for it first makes scoring about ten times faster.
    """
    parts = []
    for token in pattern.lower().split():
        if token.startswith("<") and token.endswith(">"):
            parts.append(token[2:-1])
        else:
            parts.extend(token.strip("*").split("-"))
    return max(parts, key=len)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Whole-word regex for a lexicon pattern; spaces match space, hyphen or slash."""
    body = r"[\s\-/]+".join(token_regex(t) for t in pattern.lower().split())
    return re.compile(rf"\b{body}(?:nya|lah|pun)?\b")


# ── loading ───────────────────────────────────────────────────────────────────────────


def parse_term(pattern: str, spec: float | dict, topic: str, default_tier: str) -> Term:
    spec = spec if isinstance(spec, dict) else {"weight": spec}
    tier = spec.get("tier", default_tier)
    if tier not in TIERS:
        raise ValueError(f"lexicon term {pattern!r}: tier must be one of {TIERS}, not {tier!r}")
    unless = tuple(spec.get("unless") or ())
    return Term(pattern, topic, float(spec["weight"]), tier, unless, compile_pattern(pattern), needle_of(pattern))


def parse_context(name: str, spec: dict) -> Context:
    regexes = tuple((needle_of(str(t)), compile_pattern(str(t))) for t in spec["terms"])
    return Context(name, float(spec["factor"]), float(spec.get("strong_factor", 1.0)),
                   float(spec.get("min_hits", 2)), regexes)


def build_lexicon(data: dict) -> Lexicon:
    """A Lexicon from the parsed YAML (see the file's header for the format)."""
    terms, reported = [], set()
    for topic, spec in data["topics"].items():
        if spec.get("report", True):
            reported.add(topic)
        for pattern, term_spec in spec["terms"].items():
            terms.append(parse_term(str(pattern), term_spec, topic, spec.get("tier", "support")))
    contexts = tuple(parse_context(n, s) for n, s in (data.get("contexts") or {}).items())
    unknown = {c for t in terms for c in t.unless} - {c.name for c in contexts}
    if unknown:
        raise ValueError(f"lexicon terms name unknown contexts: {sorted(unknown)}")
    exclusions = tuple(compile_pattern(str(p)) for p in data.get("exclusions") or [])
    settings = {k: float(v) for k, v in (data.get("settings") or {}).items()}
    return Lexicon(settings, frozenset(reported), tuple(terms), exclusions, contexts)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read a lexicon file (default: pipelines/data/lexicon.yaml, cached)."""
    return _load_cached(Path(path or DEFAULT_LEXICON).resolve())


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> Lexicon:
    return build_lexicon(yaml.safe_load(path.read_text(encoding="utf-8")))


# ── matching ──────────────────────────────────────────────────────────────────────────


def normalise(text: str) -> str:
    """Lower-case without changing offsets, and unify dashes, so excerpts map back."""
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u00ad", " ")
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def find_hits(text: str, lexicon: Lexicon) -> list[Hit]:
    """All term and exclusion matches, longest first where they overlap."""
    hits = [Hit(m.start(), m.end(), t) for t in lexicon.terms if t.needle in text for m in t.regex.finditer(text)]
    hits += [Hit(m.start(), m.end(), None) for r in lexicon.exclusions for m in r.finditer(text)]
    return drop_overlaps(hits)


def specificity(hit: Hit) -> int:
    """On equal spans: exclusions first, then literal terms, then wildcards and affix families.

    So 'bhabinkamtibmas' (a role, weak) is not read as '*kamtibmas' (the concept, strong).
    """
    if hit.term is None:
        return 0
    return 2 if any(ch in hit.term.pattern for ch in "*<") else 1


def drop_overlaps(hits: list[Hit]) -> list[Hit]:
    """Keep the longest, most specific match at each place ('konflik sosial' over 'konflik')."""
    kept: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), specificity(h), h.start)):
        if all(hit.end <= s or hit.start >= e for s, e in taken):
            kept.append(hit)
            taken.append((hit.start, hit.end))
    return [h for h in kept if h.term is not None]


def context_strength(context: Context, title: str, body: str) -> float:
    return sum(2 * len(r.findall(title)) + len(r.findall(body)) for n, r in context.regexes if n in title or n in body)


def active_contexts(title: str, body: str, lexicon: Lexicon) -> list[Context]:
    """Look-alike domains the article belongs to (sport, tourism, charity...)."""
    return [c for c in lexicon.contexts if context_strength(c, title, body) >= c.min_hits]


def context_factor(term: Term, contexts: list[Context]) -> float:
    """How much a look-alike context still lets a term count (0 for an `unless` context)."""
    factor = 1.0
    for c in contexts:
        if c.name in term.unless:
            return 0.0
        factor = min(factor, c.strong_factor if term.tier == "strong" else c.factor)
    return factor


def saturate(count: int, settings: dict[str, float]) -> float:
    """Repetition helps a little: 1, 1.35, 1.55, ... never above count_cap."""
    boost = 1 + settings.get("count_saturation", 0.5) * math.log(count)
    return min(boost, settings.get("count_cap", 2.0))


def excerpt(text: str, start: int, end: int) -> str:
    a, b = max(0, start - EXCERPT_CHARS), min(len(text), end + EXCERPT_CHARS)
    snippet = " ".join(text[a:b].split())
    return ("…" if a else "") + snippet + ("…" if b < len(text) else "")


# ── scoring ───────────────────────────────────────────────────────────────────────────


def field_evidence(field_name: str, raw: str, lexicon: Lexicon, contexts: list[Context]) -> list[Evidence]:
    """Group one field's hits per term into Evidence with their contribution."""
    text = normalise(raw)
    groups: dict[str, list[Hit]] = {}
    for hit in sorted(find_hits(text, lexicon), key=lambda h: h.start):
        groups.setdefault(hit.term.pattern + "\0" + hit.term.topic, []).append(hit)
    factor_title = lexicon.settings.get("title_factor", 2.0) if field_name == "title" else 1.0
    out = []
    for hits in groups.values():
        term, first = hits[0].term, hits[0]
        weight = term.weight * factor_title * saturate(len(hits), lexicon.settings) * context_factor(term, contexts)
        out.append(Evidence(text[first.start:first.end], term.topic, round(weight, 3), field_name,
                            len(hits), excerpt(raw, first.start, first.end), term.pattern, term.tier))
    return out


def total_evidence(evidence: list[Evidence], lexicon: Lexicon) -> float:
    """Sum of contributions, with all weak evidence together capped at weak_cap."""
    weak = sum(e.weight for e in evidence if e.tier == "weak")
    rest = sum(e.weight for e in evidence if e.tier != "weak")
    return rest + min(weak, lexicon.settings.get("weak_cap", 1.0))


def topic_totals(evidence: list[Evidence], lexicon: Lexicon) -> dict[str, float]:
    totals: dict[str, float] = {}
    for e in evidence:
        if e.topic in lexicon.reported_topics and e.tier != "weak":
            totals[e.topic] = totals.get(e.topic, 0.0) + e.weight
    return totals


def pick_topics(evidence: list[Evidence], lexicon: Lexicon) -> list[str]:
    """Topics with enough evidence of their own, strongest first."""
    totals = topic_totals(evidence, lexicon)
    if not totals:
        return []
    floor = max(lexicon.settings.get("topic_min", 1.0), lexicon.settings.get("topic_share", 0.3) * max(totals.values()))
    return [t for t, v in sorted(totals.items(), key=lambda kv: -kv[1]) if v >= floor]


def to_score(evidence_total: float, lexicon: Lexicon) -> float:
    """Map unbounded evidence to [0, 1) with diminishing returns."""
    return 1.0 - math.exp(-evidence_total / lexicon.settings.get("scale", 3.0))


def score_article(
    title: str | None,
    text: str,
    lexicon: Lexicon | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Relevance:
    """Kamtibmas relevance of one article (see the module docstring for the method)."""
    lex = lexicon or load_lexicon()
    title = title or ""
    contexts = active_contexts(normalise(title), normalise(text), lex)
    evidence = field_evidence("title", title, lex, contexts) + field_evidence("body", text, lex, contexts)
    evidence = sorted((e for e in evidence if e.weight > 0), key=lambda e: -e.weight)
    score = round(to_score(total_evidence(evidence, lex), lex), 4)
    kamtibmas = score >= threshold
    topics = pick_topics(evidence, lex) if kamtibmas else []  # no "kriminalitas" label on a DBD story
    return Relevance(score, kamtibmas, topics, evidence, [c.name for c in contexts])
