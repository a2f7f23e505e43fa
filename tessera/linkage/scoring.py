"""Scoring one pair of records with a trained model, in pure Python: the interactive twin of Splink's predict.

Search before create must answer in milliseconds for one typed-in record, so it cannot start a DuckDB
pipeline per keystroke. It computes each comparison's level here (the same levels, in the same order,
as ``model_spec``; a test checks this against Splink's own output) and adds up the trained weights.
Term-frequency adjustments are left out here: the interactive score uses each level's average weight.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from tessera.linkage.model_spec import IDENTIFIERS, KEYED_IDENTIFIERS, SWAP_SIMILARITY, WITHIN_A_MONTH_DAYS

Features = Mapping[str, Any]

COMPARISON_LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "dob": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "identifiers": "Identifiers",
}


def _overlap(a: Any, b: Any) -> bool:
    return bool(a) and bool(b) and bool(set(a) & set(b))


def _in(value: Any, values: Any) -> bool:
    return bool(values) and value in values


def _name_level(left: Features, right: Features, column: str, other: str, with_forms: bool) -> int:
    x, y = left.get(column), right.get(column)
    if x is None or y is None:
        return -1
    levels = []  # (condition, from the top) as in model_spec._name_comparison
    levels.append(x == y)
    one = _similar(x, right.get(other), SWAP_SIMILARITY)
    two = _similar(left.get(other), y, SWAP_SIMILARITY)
    levels.append((one or two) if with_forms else (one and two))
    if with_forms:
        levels.append(_overlap(left.get("given_forms"), right.get("given_forms")))
    similarity = JaroWinkler.similarity(x, y)
    levels += [similarity >= 0.92, similarity >= 0.80]
    levels.append(_in(x, right.get("other_names")) or _in(y, left.get("other_names")))
    if not with_forms:
        levels.append(one or two)  # the surname's one-way swap, weighing nothing
    for index, matched in enumerate(levels):
        if matched:
            return len(levels) - index
    return 0


def _dob_level(left: Features, right: Features) -> int:
    if left.get("dob_year") is None or right.get("dob_year") is None:
        return -1
    x, y = left.get("dob"), right.get("dob")
    if x is not None and y is not None:
        if x == y:
            return 5
        if x[:4] == y[:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7]:
            return 4
        if DamerauLevenshtein.distance(x, y) <= 1:
            return 3
        if abs((date.fromisoformat(x) - date.fromisoformat(y)).days) <= WITHIN_A_MONTH_DAYS:
            return 2
    if left.get("dob_year") == right.get("dob_year"):
        return 1
    return 0


def _sex_level(left: Features, right: Features) -> int:
    x, y = left.get("sex"), right.get("sex")
    if x is None or y is None:
        return -1
    return 1 if x == y else 0


def _similar(x: Any, y: Any, threshold: float) -> bool:
    return x is not None and y is not None and JaroWinkler.similarity(x, y) >= threshold


def _address_level(left: Features, right: Features) -> int:
    if left.get("address_key") is None or right.get("address_key") is None:
        return -1
    same_postcode = left.get("postcode") is not None and left.get("postcode") == right.get("postcode")
    similar_line = _similar(left.get("street"), right.get("street"), 0.9)
    similar_town = _similar(left.get("locality"), right.get("locality"), 0.9)
    number = left.get("house_number")
    sector = left.get("postcode_sector")
    levels = [  # as in model_spec._address_comparison, from the top
        left["address_key"] == right["address_key"],
        similar_line and number is not None and number == right.get("house_number") and similar_town,
        same_postcode and similar_line,
        same_postcode and number is not None and number == right.get("house_number") and similar_town,
        same_postcode,
        similar_line and similar_town,
        similar_line,
        sector is not None and sector == right.get("postcode_sector"),
        similar_town,
    ]
    for index, matched in enumerate(levels):
        if matched:
            return len(levels) - index
    return 0


def _identifier_level(left: Features, right: Features) -> int:
    shared = [c for c in IDENTIFIERS if left.get(c) is not None and right.get(c) is not None]
    if not shared:
        return -1
    if any(left[c] == right[c] for c in shared):
        return 2
    if any(DamerauLevenshtein.distance(left[c], right[c]) <= 1 for c in shared if c in KEYED_IDENTIFIERS):
        return 1
    return 0


def comparison_levels(left: Features, right: Features) -> dict[str, int]:
    """Splink's gamma values for the pair: -1 missing, 0 the lowest level, higher is closer."""
    return {
        "given_name": _name_level(left, right, "given_name", "family_name", with_forms=True),
        "family_name": _name_level(left, right, "family_name", "given_name", with_forms=False),
        "dob": _dob_level(left, right),
        "sex": _sex_level(left, right),
        "address": _address_level(left, right),
        "identifiers": _identifier_level(left, right),
    }


# The feature whose presence on each side decides whether a comparison's field was recorded.
RECORDED_BY = {
    "given_name": ("given_name",),
    "family_name": ("family_name",),
    "dob": ("dob_year",),
    "sex": ("sex",),
    "address": ("address_key",),
    "identifiers": IDENTIFIERS,
}


# Each verdict in the words the review screen and search before create show.
VERDICT_WORDS = {
    "exact": "Agrees exactly",
    "close": "Close",
    "different": "Differs",
    "missing_one": "Missing on one side",
    "missing_both": "Missing on both",
}


@dataclass(frozen=True)
class FieldVerdict:
    comparison: str
    label: str  # what the level means, e.g. "Day and month swapped"
    # The level as the model judged it: "exact" (its top level), "close" (a level between), "different"
    # (its lowest level), "missing_one" or "missing_both" (the field recorded on one side, or neither).
    verdict: str
    weight: float  # log2 Bayes factor

    @property
    def field_label(self) -> str:
        return COMPARISON_LABELS.get(self.comparison, self.comparison)

    @property
    def words(self) -> str:
        return VERDICT_WORDS[self.verdict]


@dataclass(frozen=True)
class PairScore:
    match_weight: float
    match_probability: float
    fields: tuple[FieldVerdict, ...]


def score(left: Features, right: Features, weights: Mapping[str, Any]) -> PairScore:
    """The pair's match weight and probability under the model's weights (see ``engine.scoring_weights``)."""
    total = math.log2(weights["prior_odds"])
    verdicts = []
    for comparison, gamma in comparison_levels(left, right).items():
        if gamma < 0:
            missing, label = _missing(left, right, comparison)
            verdicts.append(FieldVerdict(comparison, label, missing, 0.0))
            continue
        levels = weights["comparisons"][comparison]
        level = levels[str(gamma)]
        weight = float(level["log2_bayes_factor"])
        total += weight
        # The level itself, not its weight: 'Same' sex carries little weight but is still exact.
        top = max(int(g) for g in levels)
        verdict = "exact" if gamma == top else "different" if gamma == 0 else "close"
        verdicts.append(FieldVerdict(comparison, level["label"], verdict, weight))
    probability = 1 / (1 + 2 ** (-total)) if total > -1000 else 0.0
    return PairScore(total, probability, tuple(verdicts))


def _missing(left: Features, right: Features, comparison: str) -> tuple[str, str]:
    """Whether a comparison the model could not make lacks its field on one side or on both, in words."""
    sides = [any(side.get(c) is not None for c in RECORDED_BY[comparison]) for side in (left, right)]
    if all(sides):  # identifiers only: each side has one, but of different kinds
        return "missing_one", "No kind of identifier recorded on both sides"
    if any(sides):
        return "missing_one", "Recorded on one side only"
    return "missing_both", "Recorded on neither side"
