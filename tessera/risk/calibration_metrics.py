"""Measuring an instrument version against outcomes: scoring many assessments at once with the product's own
scoring function, and the figures the calibration study reports. Pure: plain data in, plain data out."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from tessera.risk.instrument import LEVEL_ORDER, Bands, InstrumentDefinition, Level, level_label
from tessera.risk.scoring import ChildFacts, Observation, hard_rule_floor, score_assessment


@dataclass(frozen=True)
class LabelledAssessment:
    """An assessment as the instrument saw it, and whether the child was later confirmed harmed."""

    child: int
    assessed_on: date
    observations: tuple[Observation, ...]
    facts: ChildFacts
    harmed: bool
    # The child's groups for the fairness table: district, sex, ethnicity, age band, care status,
    # learning disability (group name -> value).
    groups: Mapping[str, str] = field(default_factory=dict)
    # When the assessment was completed: observations entered after this were not on file for it.
    on_file_by: date | None = None
    # Synthetic worlds only: whether the child was truly harmed in the follow-up, confirmed or not.
    truly_harmed: bool | None = None


@dataclass(frozen=True)
class CurvePointData:
    predicted: float
    observed: float
    count: int


@dataclass(frozen=True)
class LevelRow:
    level: str
    count: int
    harmed: int

    @property
    def rate(self) -> float:
        return self.harmed / self.count if self.count else 0.0


@dataclass(frozen=True)
class Figures:
    assessments: int
    harmed: int
    flagged: int
    sensitivity: float
    specificity: float
    flag_rate: float
    auc: float
    harmed_below_moderate: int
    brier: float
    levels: list[LevelRow]
    curve: list[CurvePointData]


# Scoring many assessments at once -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    score: np.ndarray
    floor: np.ndarray  # lowest level rank the hard rules allow
    level: np.ndarray  # final computed level rank


def score_all(definition: InstrumentDefinition, records: Sequence[LabelledAssessment]) -> Scored:
    """Every record scored with the product's own scoring function."""
    scores, floors, levels = [], [], []
    for record in records:
        result = score_assessment(definition, record.observations, record.facts, record.assessed_on)
        scores.append(result.score)
        levels.append(result.level.rank)
        floors.append(
            hard_rule_floor(definition, result.contributions, record.facts, record.assessed_on).rank
        )
    return Scored(np.array(scores, dtype=float), np.array(floors), np.array(levels))


def levels_for(scores: np.ndarray, floors: np.ndarray, bands: Bands) -> np.ndarray:
    banded = np.where(
        scores >= bands.significant,
        3,
        np.where(scores >= bands.moderate, 2, np.where(scores >= bands.mild, 1, 0)),
    )
    result: np.ndarray = np.maximum(banded, floors)
    return result


def ordering_key(levels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Rank by level, then by score within a level: the order the instrument puts children in."""
    key: np.ndarray = levels * 10_000 + scores
    return key


# Figures --------------------------------------------------------------------------------------------------


def _safe_auc(y: np.ndarray, key: np.ndarray) -> float:
    if y.min() == y.max():
        return float("nan")
    return float(roc_auc_score(y, key))


def _curve(predicted: np.ndarray, y: np.ndarray, bins: int = 10) -> list[CurvePointData]:
    edges = np.linspace(0, 1, bins + 1)
    points = []
    for low, high in itertools.pairwise(edges):
        inside = (predicted >= low) & ((predicted < high) | (high == 1.0))
        if inside.any():
            points.append(
                CurvePointData(float(predicted[inside].mean()), float(y[inside].mean()), int(inside.sum()))
            )
    return points


def figures(y: np.ndarray, levels: np.ndarray, key: np.ndarray, probability: np.ndarray) -> Figures:
    flagged = levels >= Level.MODERATE.rank
    harmed = y == 1
    n_harmed = int(harmed.sum())
    n_safe = int((~harmed).sum())
    return Figures(
        assessments=len(y),
        harmed=n_harmed,
        flagged=int(flagged.sum()),
        sensitivity=float((flagged & harmed).sum() / n_harmed) if n_harmed else float("nan"),
        specificity=float((~flagged & ~harmed).sum() / n_safe) if n_safe else float("nan"),
        flag_rate=float(flagged.mean()) if len(y) else float("nan"),
        auc=_safe_auc(y, key),
        harmed_below_moderate=int((harmed & ~flagged).sum()),
        brier=float(np.mean((probability - y) ** 2)) if len(y) else float("nan"),
        levels=[
            LevelRow(
                level_label(level),
                int((levels == level.rank).sum()),
                int(((levels == level.rank) & harmed).sum()),
            )
            for level in LEVEL_ORDER
        ],
        curve=_curve(probability, y),
    )


def calibrator(key: np.ndarray, y: np.ndarray) -> IsotonicRegression:
    model = IsotonicRegression(increasing=True, out_of_bounds="clip", y_min=0.0, y_max=1.0)
    model.fit(key, y)
    return model


def evaluate(
    definition: InstrumentDefinition, train: Sequence[LabelledAssessment], test: Sequence[LabelledAssessment]
) -> tuple[Figures, Figures]:
    """Training and held-out figures for one definition; its calibration curve is fitted on training only."""
    y_train = np.array([r.harmed for r in train], dtype=int)
    y_test = np.array([r.harmed for r in test], dtype=int)
    scored_train, scored_test = score_all(definition, train), score_all(definition, test)
    key_train = ordering_key(scored_train.level, scored_train.score)
    key_test = ordering_key(scored_test.level, scored_test.score)
    chance = calibrator(key_train, y_train)
    return (
        figures(y_train, scored_train.level, key_train, chance.predict(key_train)),
        figures(y_test, scored_test.level, key_test, chance.predict(key_test)),
    )
