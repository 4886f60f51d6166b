"""Learn from the operators' marks: a text classifier blended with the lexicon, kept only if better.

Why: the lexicon (``pipelines.relevance``) is explainable but only knows the words someone wrote
into it. Operators mark articles relevant / not relevant every morning; those marks know the
local jargon the lexicon lacks ("carok", "matel") and the look-alikes it fires on (a Sispamkota
*drill*). A classifier learns both, but a model trained on a few dozen marks can also be worse
than the lexicon, so it replaces the current scorer only after it proves itself on labels it did
not see.

Method (``train``):

1. examples are articles with status ``relevant`` or ``not_relevant`` (``follow_up`` is no
   verdict); at least ``MIN_EXAMPLES`` of them with ``MIN_PER_CLASS`` of each, else
   ``NotEnoughLabels``;
2. the model is TF-IDF (words and word pairs of title + body) and a class-balanced logistic
   regression; the final score is ``w x lexicon score + (1 - w) x model probability``, compared
   with the lexicon's own threshold (``relevance.DEFAULT_THRESHOLD``), so ``kamtibmas`` keeps its
   meaning. ``w`` comes from the grid ``LEXICON_WEIGHTS``: the best F1 whose recall is not below
   the lexicon's (w = 1, the lexicon alone, always qualifies), ties going to the larger ``w``;
3. cross-validation is stratified k-fold (``folds``, ``seed``), nested: within each outer fold
   ``w`` is chosen by an inner CV on the training part only, so the reported figures never saw
   their own test articles. The lexicon is scored on the same articles (it is not trained);
4. the new scorer is **accepted** only when, pooled over the folds,
   - its F1 is strictly above the lexicon's, and its recall not below the lexicon's
     (missing an incident costs operators more than reading one extra article);
   - its F1 is above that of marking every article relevant (inconsistent marks let a blend
     "beat" a lexicon that disagrees with them by saying yes to everything); and
   - if a model is already saved, its F1 and recall are not below the current model's, judged on
     the labels the current model was not trained on (at least ``MIN_UNSEEN`` of them, both
     classes). With fewer, both are judged on all labels, where the current model has seen most
     of its test articles: that favours it, so a model is replaced on the strength of new marks.
   Otherwise it is refused and the existing model file is left as it is.

The model file is ``<db stem>.model.joblib`` beside the database (``model_path_for``), written
atomically. It is a pickle: load only files Pantau wrote. No file means the lexicon alone.

A blended ``Relevance`` keeps all the lexicon's evidence and topics and adds one evidence item
(``field="model"``) whose weight is the model's share of the final score and whose excerpt names
the words that pushed the model most, so the number stays explainable.

Exceptions::

    TrainingError
     ├── NotEnoughLabels    too few marks, or only one kind
     └── ModelFileError     the model file is unreadable or not Pantau's

Dependency: scikit-learn >= 1.5 (joblib comes with it), imported only when a model is trained or
loaded, so a crawl without a model does not pay for it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipelines.assess import LexiconScorer, Scorer
from pipelines.relevance import (
    DEFAULT_THRESHOLD,
    Evidence,
    Lexicon,
    Relevance,
    load_lexicon,
    pick_topics,
    score_article,
)
from pipelines.storage import Store

if TYPE_CHECKING:
    from scipy.sparse import spmatrix
    from sklearn.pipeline import Pipeline

MIN_EXAMPLES = 20
MIN_PER_CLASS = 5
MIN_UNSEEN = 10
LEXICON_WEIGHTS = tuple(round(i / 10, 1) for i in range(11))  # 0.0 (model alone) .. 1.0 (lexicon alone)
MODEL_C = 10.0  # weak regularisation: with few documents a stronger one squeezes every probability to ~0.5
MODEL_SUFFIX = ".model.joblib"
MODEL_FORMAT = 1
EXPLAIN_TERMS = 3
LABEL_STATUSES = {"relevant": True, "not_relevant": False}


class TrainingError(Exception):
    """Training could not run or its result could not be stored or read."""


class NotEnoughLabels(TrainingError):
    """Too few operator marks to train and cross-validate on."""


class ModelFileError(TrainingError):
    """The model file beside the database cannot be used."""


# ── data ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Example:
    """One operator verdict on one article."""

    title: str
    text: str
    relevant: bool
    article_id: int | None = None

    @property
    def document(self) -> str:
        return document(self.title, self.text)

    @property
    def fingerprint(self) -> str:
        """Identity by content, so "has the current model seen it" survives ids and databases."""
        return fingerprint(self.title, self.text)


def document(title: str | None, text: str | None) -> str:
    return f"{title or ''}\n{text or ''}"


def fingerprint(title: str | None, text: str | None) -> str:
    return hashlib.sha256(" ".join(document(title, text).split()).encode("utf-8")).hexdigest()[:20]


def labelled_examples(store: Store) -> list[Example]:
    """The articles operators marked relevant or not relevant, oldest first."""
    return [Example(r["title"] or "", r["text"] or "", LABEL_STATUSES[r["status"]], r["id"])
            for r in store.labelled_articles(LABEL_STATUSES)]


# ── figures ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of the 'Kamtibmas' decision against the operators' marks."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, truth: Sequence[bool], predicted: Sequence[bool]) -> Scores:
        tp = sum(1 for t, p in zip(truth, predicted) if t and p)
        fp = sum(1 for t, p in zip(truth, predicted) if p and not t)
        fn = sum(1 for t, p in zip(truth, predicted) if t and not p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(round(precision, 4), round(recall, 4), round(f1, 4))

    def __str__(self) -> str:
        return f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}"


@dataclass
class TrainReport:
    """What ``pantau train`` prints: the cross-validated figures and the verdict, with its reason."""

    n_examples: int
    n_relevant: int
    folds: int
    lexicon: Scores
    blended: Scores
    model_alone: Scores  # the classifier without the lexicon, at the same threshold
    all_relevant: Scores  # the trivial rule "every article is relevant": what noise can reach
    lexicon_weight: float
    current: Scores | None  # the saved model, on ``current_basis``
    blended_vs_current: Scores | None  # the new blend on the same articles as ``current``
    current_basis: str
    accepted: bool
    reason: str
    model_path: Path | None = None

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [f"{self.n_examples} labelled articles ({self.n_relevant} relevant), {self.folds}-fold CV:",
                 f"  lexicon alone : {self.lexicon}",
                 f"  blended       : {self.blended}   (lexicon weight {self.lexicon_weight:.1f})",
                 f"  model alone   : {self.model_alone}",
                 f"  all relevant  : {self.all_relevant}"]
        if self.current is not None and self.blended_vs_current is not None:
            lines += [f"  on {self.current_basis}:",
                      f"    current model: {self.current}", f"    new blend    : {self.blended_vs_current}"]
        verdict = "accepted" if self.accepted else "refused"
        saved = f"; saved to {self.model_path}" if self.accepted and self.model_path else ""
        return "\n".join(lines + [f"{verdict}: {self.reason}{saved}"])


# ── scorers ───────────────────────────────────────────────────────────────────────────


@dataclass
class BlendedRelevance(Relevance):
    """A ``Relevance`` whose score blends the lexicon with the operators' model."""

    lexicon_score: float = 0.0
    model_probability: float = 0.0


@dataclass
class BlendedScorer:
    """Lexicon plus operator-trained model; ``score`` answers like ``score_article``."""

    pipeline: Pipeline
    lexicon_weight: float
    threshold: float = DEFAULT_THRESHOLD
    trained_on: frozenset[str] = frozenset()
    cv: Scores | None = None
    trained_at: str = ""
    lexicon: Lexicon | None = field(default=None, repr=False)  # None: today's lexicon file

    def features(self, title: str | None, text: str) -> spmatrix:
        return self.pipeline[0].transform([document(title, text)])

    def probability(self, title: str | None, text: str) -> float:
        return self.probability_of(self.features(title, text))

    def probability_of(self, features: spmatrix) -> float:
        return float(self.pipeline[-1].predict_proba(features)[0, 1])

    def blend(self, lexicon_score: float, probability: float) -> float:
        return self.lexicon_weight * lexicon_score + (1 - self.lexicon_weight) * probability

    def score(self, title: str | None, text: str) -> BlendedRelevance:
        """Lexicon evidence and topics kept; the model added as one more evidence item.

        Topics come from the lexicon's evidence, so an article the model alone lifts over the
        threshold (jargon the lexicon lacks) may have none: better than an invented topic.
        """
        lexical = score_article(title, text, self.lexicon, self.threshold)
        features = self.features(title, text)
        probability = self.probability_of(features)
        final = round(self.blend(lexical.score, probability), 4)
        kamtibmas = final >= self.threshold
        topics = pick_topics(lexical.evidence, self.lexicon or load_lexicon()) if kamtibmas else []
        evidence = lexical.evidence + [self.model_evidence(features, probability)]
        return BlendedRelevance(final, kamtibmas, topics, evidence, lexical.contexts,
                                lexicon_score=lexical.score, model_probability=round(probability, 4))

    def model_evidence(self, features: spmatrix, probability: float) -> Evidence:
        """The model as one evidence item: its weight is its share of the final score (not lexicon
        evidence units), its excerpt the words it leaned on (+ towards relevant, - away)."""
        share = round((1 - self.lexicon_weight) * probability, 3)
        leaning = ", ".join(f"{'+' if c > 0 else '-'}{term}" for term, c in self.explain(features))
        note = (f"model trained on {len(self.trained_on)} operator marks: P(relevant) {probability:.2f},"
                f" {1 - self.lexicon_weight:.1f} of the score" + (f"; words: {leaning}" if leaning else ""))
        return Evidence("operator model", "model", share, "model", 1, note, "", "model")

    def explain(self, features: spmatrix, k: int = EXPLAIN_TERMS) -> list[tuple[str, float]]:
        """The k words or word pairs of this article with the largest pull on the model, either way."""
        row, coef = features.tocoo(), self.pipeline[-1].coef_[0]
        pulls = [(str(self.feature_names[j]), float(v * coef[j])) for j, v in zip(row.col, row.data)]
        return sorted(pulls, key=lambda p: -abs(p[1]))[:k]

    @cached_property
    def feature_names(self) -> list[str]:
        """Built once: the vocabulary can hold 100 000 entries and every article needs it."""
        return list(self.pipeline[0].get_feature_names_out())


def model_path_for(db_path: Path | str) -> Path:
    """``pantau.db`` -> ``pantau.model.joblib``, in the same directory."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + MODEL_SUFFIX)


def load_scorer(db_path: Path | str, lexicon: Lexicon | None = None) -> Scorer:
    """The scorer for this database: the blended one if a model is saved beside it, else the lexicon.

    Raises ``ModelFileError`` for a model file it cannot use (corrupt, or pickled by another
    scikit-learn): scoring silently without the model the operators trained would be worse.
    """
    path = model_path_for(db_path)
    if not path.exists():
        return LexiconScorer()
    scorer = load(path)
    scorer.lexicon = lexicon
    return scorer


# ── model file ────────────────────────────────────────────────────────────────────────


def save(scorer: BlendedScorer, path: Path | str) -> Path:
    """Write the model atomically (temp file + rename): a crash never leaves half a model."""
    import joblib
    import sklearn

    path = Path(path)
    payload = {"format": MODEL_FORMAT, "sklearn": sklearn.__version__, "pipeline": scorer.pipeline,
               "lexicon_weight": scorer.lexicon_weight, "threshold": scorer.threshold,
               "trained_on": sorted(scorer.trained_on), "trained_at": scorer.trained_at,
               "cv": asdict(scorer.cv) if scorer.cv else None}
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        joblib.dump(payload, tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def load(path: Path | str) -> BlendedScorer:
    """Read a model file written by ``save`` (plain data + the scikit-learn pipeline)."""
    import joblib
    from sklearn.exceptions import InconsistentVersionWarning

    try:
        with warnings.catch_warnings():  # another scikit-learn's pickle may load and score wrongly
            warnings.simplefilter("error", InconsistentVersionWarning)
            payload = joblib.load(path)
    except Exception as exc:  # unpickling raises anything; one named error for the edge
        raise ModelFileError(f"cannot use model file {path} ({exc}); run `pantau train` to rebuild it") from exc
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ModelFileError(f"{path} is not a Pantau model (format {MODEL_FORMAT}); "
                             "delete it or run `pantau train`")
    cv = Scores(**payload["cv"]) if payload.get("cv") else None
    return BlendedScorer(payload["pipeline"], payload["lexicon_weight"], payload["threshold"],
                         frozenset(payload["trained_on"]), cv, payload.get("trained_at", ""))


# ── training ──────────────────────────────────────────────────────────────────────────


def new_pipeline(seed: int = 0) -> Pipeline:
    """TF-IDF over words and word pairs, then class-balanced logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, strip_accents="unicode")
    classifier = LogisticRegression(C=MODEL_C, class_weight="balanced", solver="liblinear", random_state=seed)
    return make_pipeline(vectorizer, classifier)


def check_enough(labels: np.ndarray) -> None:
    """Refuse to train on too few marks, with what is missing."""
    n, pos = len(labels), int(labels.sum())
    if n < MIN_EXAMPLES or min(pos, n - pos) < MIN_PER_CLASS:
        raise NotEnoughLabels(
            f"need at least {MIN_EXAMPLES} reviewed articles with at least {MIN_PER_CLASS} marked relevant "
            f"and {MIN_PER_CLASS} not relevant; have {n} ({pos} relevant, {n - pos} not relevant). "
            "Mark more articles, then train again.")


def fold_count(labels: np.ndarray, folds: int) -> int:
    """Never more folds than the rarer class has members (each fold needs one of each)."""
    return max(2, min(folds, int(labels.sum()), int(len(labels) - labels.sum())))


def splits(labels: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified, shuffled folds: the same seed gives every scorer the same folds."""
    from sklearn.model_selection import StratifiedKFold

    k = fold_count(labels, folds)
    return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(labels)), labels))


def out_of_fold_probabilities(docs: list[str], labels: np.ndarray,
                              folds: list[tuple[np.ndarray, np.ndarray]], seed: int) -> np.ndarray:
    """Each document's model probability from a model that did not see it."""
    probs = np.zeros(len(docs))
    for train_idx, test_idx in folds:
        model = new_pipeline(seed).fit([docs[i] for i in train_idx], labels[train_idx])
        probs[test_idx] = model.predict_proba([docs[i] for i in test_idx])[:, 1]
    return probs


def blended(weight: float, lexicon: np.ndarray, probs: np.ndarray) -> np.ndarray:
    return weight * lexicon + (1 - weight) * probs


def pick_lexicon_weight(lexicon: np.ndarray, probs: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    """Best-F1 weight whose recall is not below the lexicon's; ties to more lexicon (explainable)."""
    floor = Scores.of(labels, lexicon >= threshold).recall
    best = (Scores.of(labels, lexicon >= threshold).f1, 1.0)
    for w in LEXICON_WEIGHTS:
        s = Scores.of(labels, blended(w, lexicon, probs) >= threshold)
        if s.recall >= floor and (s.f1, w) > best:
            best = (s.f1, w)
    return best[1]


def nested_cv(docs: list[str], labels: np.ndarray, lexicon: np.ndarray, folds: int, seed: int,
              threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold blended scores (weight chosen inside each training part) and model probabilities."""
    final, probs = np.zeros(len(docs)), np.zeros(len(docs))
    for train_idx, test_idx in splits(labels, folds, seed):
        sub = [docs[i] for i in train_idx]
        inner = out_of_fold_probabilities(sub, labels[train_idx], splits(labels[train_idx], folds, seed), seed)
        weight = pick_lexicon_weight(lexicon[train_idx], inner, labels[train_idx], threshold)
        model = new_pipeline(seed).fit(sub, labels[train_idx])
        probs[test_idx] = model.predict_proba([docs[i] for i in test_idx])[:, 1]
        final[test_idx] = blended(weight, lexicon[test_idx], probs[test_idx])
    return final, probs


def judge_current(current: BlendedScorer, examples: Sequence[Example], lexicon: np.ndarray,
                  final: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[Scores, Scores, str]:
    """Current model vs new blend on the labels the current model has not seen (or on all)."""
    unseen = [i for i, ex in enumerate(examples) if ex.fingerprint not in current.trained_on]
    if len(unseen) >= MIN_UNSEEN and 0 < labels[unseen].sum() < len(unseen):
        idx, basis = unseen, f"the {len(unseen)} labels the current model was not trained on"
    else:
        idx = list(range(len(examples)))
        basis = (f"all {len(idx)} labels (only {len(unseen)} new since the current model, which has "
                 "seen the rest: this favours it)")
    theirs = [current.blend(lexicon[i], current.probability(examples[i].title, examples[i].text))
              >= current.threshold for i in idx]  # same lexicon scores: only the models differ
    return Scores.of(labels[idx], theirs), Scores.of(labels[idx], final[idx] >= threshold), basis


def verdict(lexicon: Scores, new: Scores, all_relevant: Scores, current: Scores | None,
            new_vs_current: Scores | None) -> tuple[bool, str]:
    """Accept only a blend that beats the lexicon and chance on F1, keeps recall, and is not worse than current."""
    if new.f1 <= lexicon.f1:
        return False, f"blended F1 {new.f1:.3f} is not above the lexicon's {lexicon.f1:.3f}"
    if new.f1 <= all_relevant.f1:
        return False, (f"blended F1 {new.f1:.3f} is no better than marking every article relevant "
                       f"({all_relevant.f1:.3f}): the marks look inconsistent")
    if new.recall < lexicon.recall:
        return False, f"blended recall {new.recall:.3f} is below the lexicon's {lexicon.recall:.3f}"
    if current is not None and new_vs_current is not None:
        if new_vs_current.f1 < current.f1 or new_vs_current.recall < current.recall:
            return False, (f"worse than the current model (F1 {new_vs_current.f1:.3f} vs {current.f1:.3f}, "
                           f"recall {new_vs_current.recall:.3f} vs {current.recall:.3f}); keeping it")
    return True, f"blended F1 {new.f1:.3f} > lexicon {lexicon.f1:.3f} without losing recall"


def train(examples: Sequence[Example], *, folds: int = 5, seed: int = 0, current: BlendedScorer | None = None,
          lexicon: Lexicon | None = None,
          threshold: float = DEFAULT_THRESHOLD) -> tuple[BlendedScorer | None, TrainReport]:
    """Cross-validate a blend on the operators' marks; return it only if it is accepted (see module doc)."""
    labels = np.array([ex.relevant for ex in examples], dtype=bool)
    check_enough(labels)
    docs = [ex.document for ex in examples]
    lex = np.array([score_article(ex.title, ex.text, lexicon, threshold).score for ex in examples])
    final, probs = nested_cv(docs, labels, lex, folds, seed, threshold)
    lex_scores, new_scores = Scores.of(labels, lex >= threshold), Scores.of(labels, final >= threshold)
    everything = Scores.of(labels, [True] * len(labels))
    cur, new_vs_cur, basis = (judge_current(current, examples, lex, final, labels, threshold)
                              if current else (None, None, ""))
    accepted, reason = verdict(lex_scores, new_scores, everything, cur, new_vs_cur)
    report = TrainReport(len(examples), int(labels.sum()), fold_count(labels, folds), lex_scores, new_scores,
                         Scores.of(labels, probs >= threshold), everything,
                         pick_lexicon_weight(lex, probs, labels, threshold), cur, new_vs_cur, basis,
                         accepted, reason)
    if not accepted:
        return None, report
    return fit_final(docs, labels, examples, report, seed, threshold, lexicon), report


def fit_final(docs: list[str], labels: np.ndarray, examples: Sequence[Example], report: TrainReport,
              seed: int, threshold: float, lexicon: Lexicon | None) -> BlendedScorer:
    """The accepted scorer, fitted on every mark, with the weight chosen on the outer folds."""
    pipeline = new_pipeline(seed).fit(docs, labels)
    trained_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    return BlendedScorer(pipeline, report.lexicon_weight, threshold,
                         frozenset(ex.fingerprint for ex in examples), report.blended, trained_at, lexicon)


def train_database(db_path: Path | str, *, folds: int = 5, seed: int = 0,
                   lexicon: Lexicon | None = None) -> TrainReport:
    """``pantau train`` in one call: read the marks, train, save beside the DB only if accepted."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise TrainingError(f"no database at {db_path}: crawl and review some articles first")
    with Store(db_path, readonly=True) as store:
        examples = labelled_examples(store)
    path = model_path_for(db_path)
    current, problem = current_model(path)
    scorer, report = train(examples, folds=folds, seed=seed, current=current, lexicon=lexicon)
    if problem:
        report.reason += f" (the existing model was not compared: {problem})"
    if scorer is not None:
        report.model_path = save(scorer, path)
    return report


def current_model(path: Path) -> tuple[BlendedScorer | None, str]:
    """The saved model, if any; an unreadable one is no model (it could not score anyway)."""
    if not path.exists():
        return None, ""
    try:
        return load(path), ""
    except ModelFileError as exc:
        return None, str(exc)
