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
    sector = left.get("postcode_sector")
    levels = [  # as in model_spec._address_comparison, from the top
        left["address_key"] == right["address_key"],
        same_postcode and similar_line,
        same_postcode,
        similar_line,
        sector is not None and sector == right.get("postcode_sector"),
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


@dataclass(frozen=True)
class FieldVerdict:
    comparison: str
    label: str  # what the level means, e.g. "Day and month swapped"
    verdict: str  # "agrees", "partly" (weak evidence for), "differs" or "missing"
    weight: float  # log2 Bayes factor

    @property
    def field_label(self) -> str:
        return COMPARISON_LABELS.get(self.comparison, self.comparison)


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
            verdicts.append(FieldVerdict(comparison, "Not recorded on both", "missing", 0.0))
            continue
        level = weights["comparisons"][comparison][str(gamma)]
        weight = float(level["log2_bayes_factor"])
        total += weight
        verdict = "agrees" if weight >= 3 else "partly" if weight > 0 else "differs"
        verdicts.append(FieldVerdict(comparison, level["label"], verdict, weight))
    probability = 1 / (1 + 2 ** (-total)) if total > -1000 else 0.0
    return PairScore(total, probability, tuple(verdicts))
