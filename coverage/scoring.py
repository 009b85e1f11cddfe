"""How strongly an article belongs to a story. Pure Python, no database.

The clustering service (``coverage.services``) stores what this module computes:

* an article's **vector**: TF-IDF weights of its terms, unit length, cut to the
  ``VECTOR_TERMS`` strongest. The IDF is the one known when the article was clustered
  (document frequencies grow incrementally), and is frozen in the vector, so a story's
  centroid never needs recomputing when other articles arrive;
* a story's **centroid**: the sum of its members' vectors, cut to ``CENTROID_TERMS``;
* entity keys for the article and key counts for the story.

An article's score against a story combines three kinds of evidence:

* text: how close the article is to the story's members: the mean and the minimum of
  its cosines with the story's latest ``MEMBER_SAMPLE`` members, averaged. Comparing
  with members rather than with the centroid keeps a story from chaining: an article
  close to one corner of a broad story but far from the rest stays out, which a
  centroid, the sum of several topics, would let in. (The centroid still serves
  candidate retrieval, titles and the merge pass.)
* shared entities: the IDF-weighted share of the article's entity keys the story has;
* time: a bonus when the article falls within or near the story's dates, a penalty when
  it is far away, and nothing at all when either side is undated (undated feeds must not
  be punished for lacking dates).

Every parameter is here, once, and is the same for every feed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

VECTOR_TERMS = 120
CENTROID_TERMS = 300
TEXT_WEIGHT = 1.0
ENTITY_WEIGHT = 0.1
TIME_WEIGHT = 0.15
TIME_SCALE_DAYS = 2.0
JOIN_THRESHOLD = 0.29
# Latest members an article is compared with (one index scan per candidate story).
MEMBER_SAMPLE = 10
MERGE_THRESHOLD = 0.55
# Candidate retrieval: stories whose last article is this close in time.
CANDIDATE_WINDOW = dt.timedelta(days=7)
CANDIDATE_LIMIT = 12
PER_TERM_STORIES = 50
QUERY_TERMS = 12


def idf(df: int, n_docs: int) -> float:
    """Smoothed inverse document frequency (scikit-learn's formula)."""
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def article_vector(
    counts: Mapping[str, int], df: Mapping[str, int], n_docs: int, *, size: int = VECTOR_TERMS
) -> dict[str, float]:
    """Unit-length sublinear TF-IDF, strongest ``size`` terms, ties broken by term.

    ``idf`` written out and the ranking sorted on plain tuples: the same floats, and
    this runs over every distinct term of every article placed.
    """
    log, frequency, documents = math.log, df.get, 1 + n_docs
    ranked = sorted(
        (-(1.0 + log(count)) * (log(documents / (1 + frequency(term, 0))) + 1.0), term)
        for term, count in counts.items()
        if count > 0
    )[:size]
    norm = math.sqrt(sum(w * w for w, _ in ranked))
    return {term: round(-w / norm, 6) for w, term in ranked} if norm else {}


def centroid_add(
    centroid: Mapping[str, float], vector: Mapping[str, float], *, size: int = CENTROID_TERMS
) -> dict[str, float]:
    """``truncate`` of the sum, for a centroid that came from ``truncate``.

    Its weights are rounded already, and rounding a rounded weight changes nothing, so
    only the vector's terms are rounded here (``round`` to 6 places is slow: it goes
    through a decimal string): the same centroid, for a third of the rounding.
    """
    out = dict(centroid)
    for term, weight in vector.items():
        out[term] = out.get(term, 0.0) + weight
    if len(out) <= size:
        for term in vector:
            out[term] = round(out[term], 6)
        return out
    top = sorted([(-w, term) for term, w in out.items()])[:size]
    return {term: round(-w, 6) if term in vector else -w for w, term in top}


def centroid_sum(vectors: Iterable[Mapping[str, float]], *, size: int = CENTROID_TERMS):
    out: dict[str, float] = {}
    for vector in vectors:
        for term, weight in vector.items():
            out[term] = out.get(term, 0.0) + weight
    return truncate(out, size)


def truncate(weights: Mapping[str, float], size: int) -> dict[str, float]:
    if len(weights) <= size:
        return {term: round(w, 6) for term, w in weights.items()}
    # Plain tuples sort faster than through a key function, in the same order.
    top = sorted([(-w, term) for term, w in weights.items()])[:size]
    return {term: round(-w, 6) for w, term in top}


def norm(weights: Mapping[str, float]) -> float:
    return math.sqrt(sum(w * w for w in weights.values()))


def counts_add(counts: Mapping[str, int], keys: Iterable[str]) -> dict[str, int]:
    out = dict(counts)
    for key in keys:
        out[key] = out.get(key, 0) + 1
    return out


def query_terms(vector: Mapping[str, float], *, size: int = QUERY_TERMS) -> list[str]:
    """The article's strongest terms: what candidate retrieval looks up in the index."""
    return [t for _, t in sorted([(-w, t) for t, w in vector.items()])[:size]]


@dataclass(frozen=True)
class StoryProfile:
    """What scoring needs to know about a story."""

    story_id: int
    members: list[Mapping[str, float]]  # the latest MEMBER_SAMPLE members' vectors
    entity_counts: Mapping[str, int]
    first_at: dt.datetime | None
    last_at: dt.datetime | None


@dataclass
class Match:
    story_id: int
    score: float
    text: float
    entities: float
    time: float | None
    shared_terms: list[str] = field(default_factory=list)
    shared_entities: list[str] = field(default_factory=list)

    def explanation(self) -> dict:
        """What the editor sees under "why grouped"."""
        return {
            "similarity": round(self.text, 3),
            "entity_overlap": round(self.entities, 3),
            "time_proximity": None if self.time is None else round(self.time, 3),
            "top_shared_terms": self.shared_terms,
            "shared_entities": self.shared_entities,
        }


def time_proximity(
    at: dt.datetime | None, first_at: dt.datetime | None, last_at: dt.datetime | None
) -> float | None:
    """1.0 within the story's span, falling off over days outside it; None when undated."""
    if at is None or first_at is None or last_at is None:
        return None
    if first_at <= at <= last_at:
        gap = 0.0
    else:
        gap = min(abs((at - first_at).total_seconds()), abs((at - last_at).total_seconds()))
    return math.exp(-gap / 86400.0 / TIME_SCALE_DAYS)


def entity_overlap(keys: Iterable[str], story_counts: Mapping[str, int], key_idf) -> float:
    """IDF-weighted share of the article's entity keys that the story already has."""
    keys = list(keys)
    total = sum(key_idf(k) for k in keys)
    if not total:
        return 0.0
    return sum(key_idf(k) for k in keys if k in story_counts) / total


def member_similarity(
    vector: Mapping[str, float], members: list[Mapping[str, float]]
) -> tuple[float, dict[str, float]]:
    """Average of the mean and the minimum cosine with the members (article vectors are
    unit length, so a cosine is a dot product): high only when the article is close to
    all of them, not to one. Also returns what each term contributed, for "why
    grouped"."""
    cosines = []
    contributions: dict[str, float] = {}
    for member in members:
        total = 0.0
        for term, weight in vector.items():
            other = member.get(term)
            if other:
                total += weight * other
                contributions[term] = contributions.get(term, 0.0) + weight * other
        cosines.append(total)
    return (sum(cosines) / len(cosines) + min(cosines)) / 2.0, contributions


def score(
    *,
    vector: Mapping[str, float],
    entity_keys: Iterable[str],
    at: dt.datetime | None,
    story: StoryProfile,
    key_idf,
    explain_terms: int = 8,
) -> Match:
    text, by_term = member_similarity(vector, story.members) if story.members else (0.0, {})
    contributions = [(weight, term) for term, weight in by_term.items()]
    entity_keys = list(entity_keys)
    entities = entity_overlap(entity_keys, story.entity_counts, key_idf)
    proximity = time_proximity(at, story.first_at, story.last_at)
    total = TEXT_WEIGHT * text + ENTITY_WEIGHT * entities
    if proximity is not None:
        total += TIME_WEIGHT * (2.0 * proximity - 1.0)
    contributions.sort(key=lambda item: (-item[0], item[1]))
    shared_entities = sorted(
        (k for k in entity_keys if k in story.entity_counts),
        key=lambda k: (-key_idf(k), k),
    )[:explain_terms]
    return Match(
        story_id=story.story_id,
        score=total,
        text=text,
        entities=entities,
        time=proximity,
        shared_terms=[t for _, t in contributions[:explain_terms]],
        shared_entities=shared_entities,
    )


def best_match(matches: Iterable[Match], *, threshold: float | None = None) -> Match | None:
    """The highest score at or above the threshold; ties go to the older story."""
    threshold = JOIN_THRESHOLD if threshold is None else threshold
    best = None
    for match in matches:
        if match.score < threshold:
            continue
        if best is None or (match.score, -match.story_id) > (best.score, -best.story_id):
            best = match
    return best
