"""What Pantau concludes about one clean article: relevance, topics, region, and their evidence.

One function, used by the crawl (``pipelines.stages.ScoreStage``), by ``pantau rescore`` after the
lexicon, gazetteer or model changed, and by ``pantau extract``, so the three can never disagree.
The scorer is the lexicon (``pipelines.relevance``) unless ``pantau train`` left an accepted
model beside the database (``pipelines.train.load_scorer``).
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from pipelines.regions import tag_region
from pipelines.relevance import Relevance, score_article


class Scorer(Protocol):
    def score(self, title: str | None, text: str) -> Relevance: ...


class LexiconScorer:
    """The default scorer: the operators' lexicon alone."""

    def score(self, title: str | None, text: str) -> Relevance:
        return score_article(title, text)


def assess(title: str | None, text: str, dateline: str | None, source_region: str | None,
           scorer: Scorer | None = None) -> dict[str, Any]:
    """The article columns for relevance and region (JSON-encoded evidence), ready to store."""
    relevance = (scorer or LexiconScorer()).score(title, text)
    region = tag_region(title, text, dateline=dateline, source_region=source_region)
    return {
        "score": round(relevance.score, 4),
        "kamtibmas": int(relevance.kamtibmas),
        "topics": json.dumps(relevance.topics, ensure_ascii=False),
        "relevance_evidence": json.dumps(relevance.to_dict()["evidence"], ensure_ascii=False),
        "region": region.regency,
        "province": region.province,
        "region_evidence": json.dumps(region.evidence, ensure_ascii=False),
    }


def readable(columns: dict[str, Any]) -> dict[str, Any]:
    """The same columns with the JSON decoded, for printing."""
    out = dict(columns)
    for key in ("topics", "relevance_evidence", "region_evidence"):
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out
