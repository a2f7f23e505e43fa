"""The calibration study: how well an instrument version separates children later harmed from the rest,
and a re-weighted, re-banded version that under-rates less. Pure: plain data in, plain data out.

Method (see docs/adr/0007-risk-calibration-method.md):
1. Time split. Assessments before the split date train; assessments on or after it test. Nothing learnt
   from the later period is used to fit, so the test figures are what the first months of use would show.
2. The current version is measured: sensitivity and specificity at "Moderate or above", the flag rate,
   ROC AUC of its ordering (level, then score), how many later-harmed children it placed below Moderate,
   and a calibration curve (isotonic regression of outcome on its score, fitted on the training period).
3. Alternative A keeps the current points and re-draws the bands from the training period.
4. Alternative B re-weights: a logistic regression whose weights are constrained to be non-negative
   (adding an indicator never lowers the score) and monotone in recency (an indicator seen in the last
   6 months never counts less than one seen 6 to 12 months ago), turned into whole points; bands drawn
   from the training period so that at least ``target_sensitivity`` of later-harmed children are at
   Moderate or above, within a flag-rate budget; "Significant" starts where the isotonic-calibrated chance
   of harm reaches one half.
5. Every figure for every candidate is reported on the held-out later period, whether or not it meets
   the target. Hard rules are applied throughout: no candidate can drop them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
from scipy.optimize import minimize
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from tessera.risk.instrument import (
    LEVEL_ORDER,
    Bands,
    Group,
    InstrumentDefinition,
    Level,
    level_label,
    problems_with,
)
from tessera.risk.scoring import (
    ChildFacts,
    Observation,
    Recency,
    contributions_of,
    hard_rule_floor,
    score_assessment,
)

# Follow-up after an assessment: was the child harmed before the next three-monthly review was due?
FOLLOW_UP_MONTHS = 3

CAVEAT = (
    "Weights learnt on synthetic outcomes prove the method, not weights for real use. Before any version "
    "proposed here is used with real children, the study must be re-run on real, later-confirmed outcomes "
    "(crimes flagged as exploitation, disclosures, section 47 findings), and the result approved by two "
    "managers like any other version."
)


@dataclass(frozen=True)
class LabelledAssessment:
    """An assessment as the instrument saw it, and whether the child was later confirmed harmed."""

    child: int
    assessed_on: date
    observations: tuple[Observation, ...]
    facts: ChildFacts
    harmed: bool


@dataclass(frozen=True)
class StudySettings:
    train_share: float = 0.6
    target_sensitivity: float = 0.95
    # Bands are drawn on the training period a little above target, to leave room for the test period.
    train_sensitivity: float = 0.975
    flag_budget_points: float = 10.0
    max_points: int = 10
    l2: float = 1.0


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


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    definition: InstrumentDefinition
    train: Figures
    test: Figures
    note: str = ""


@dataclass
class StudyReport:
    caveat: str
    settings: StudySettings
    split_date: date
    train_period: tuple[date, date]
    test_period: tuple[date, date]
    train_assessments: int
    test_assessments: int
    candidates: list[Candidate] = field(default_factory=list)
    proposed_key: str = ""
    target_met: bool = False
    summary: list[str] = field(default_factory=list)

    def candidate(self, key: str) -> Candidate:
        return next(c for c in self.candidates if c.key == key)


Progress = Callable[[int, int, str], None]


def _quiet(done: int, total: int, message: str) -> None:
    return None


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
    return np.maximum(banded, floors)


def ordering_key(levels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Rank by level, then by score within a level: the order the instrument puts children in."""
    return levels * 10_000 + scores


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


def _calibrator(key: np.ndarray, y: np.ndarray) -> IsotonicRegression:
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
    calibrator = _calibrator(key_train, y_train)
    return (
        figures(y_train, scored_train.level, key_train, calibrator.predict(key_train)),
        figures(y_test, scored_test.level, key_test, calibrator.predict(key_test)),
    )


# Fitting --------------------------------------------------------------------------------------------------


def feature_names(definition: InstrumentDefinition) -> list[tuple[str, str]]:
    """(indicator code, "any" | "current"): vulnerabilities have one feature, other indicators two.

    Signs of harm are left out: a hard rule already puts those children at the top, so the points only
    decide for everyone else, and the fit is made where they decide.
    """
    names = []
    for indicator in definition.indicators:
        if indicator.shows_harm:
            continue
        names.append((indicator.code, "any"))
        if indicator.group != Group.VULNERABILITY:
            names.append((indicator.code, "current"))
    return names


def feature_matrix(definition: InstrumentDefinition, records: Sequence[LabelledAssessment]) -> np.ndarray:
    """Presence features: "any" = counted at all (lifetime, current or older); "current" = in the last 6 months.

    With weights a >= 0 on "any" and b >= 0 on "current", an indicator scores a when seen 6 to 12 months ago
    and a + b when seen in the last 6 months: non-negative and monotone in recency by construction.
    """
    names = feature_names(definition)
    index = {name: i for i, name in enumerate(names)}
    matrix = np.zeros((len(records), len(names)))
    for row, record in enumerate(records):
        for c in contributions_of(definition, record.observations, record.assessed_on):
            if not c.counts or c.indicator.shows_harm:
                continue
            matrix[row, index[(c.indicator.code, "any")]] = 1
            if c.recency == Recency.CURRENT:
                matrix[row, index[(c.indicator.code, "current")]] = 1
    return matrix


def fit_non_negative_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Logistic regression with every weight >= 0 (the intercept is free), by L-BFGS-B with bounds."""
    k = x.shape[1]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:k], params[k]
        z = x @ w + b
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 0.5 * l2 * np.dot(w, w)
        residual = p - y
        gradient = np.concatenate([x.T @ residual + l2 * w, [residual.sum()]])
        return float(value), gradient

    start = np.zeros(k + 1)
    bounds = [(0.0, None)] * k + [(None, None)]
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[:k], float(result.x[k])


def weights_to_points(
    definition: InstrumentDefinition, coefficients: np.ndarray, max_points: int
) -> dict[str, tuple[int, int]]:
    """Whole points per indicator (current, older), the largest worth ``max_points``."""
    names = feature_names(definition)
    by_name = dict(zip(names, coefficients, strict=True))
    fitted = [i for i in definition.indicators if not i.shows_harm]
    totals = [by_name[(i.code, "any")] + by_name.get((i.code, "current"), 0.0) for i in fitted]
    top = max(totals) if totals and max(totals) > 0 else 1.0
    scale = max_points / top
    points = {}
    for indicator in definition.indicators:
        if indicator.shows_harm:
            # Decided by the hard rule; full points keep the score honest too.
            points[indicator.code] = (max_points, max_points)
            continue
        older = by_name[(indicator.code, "any")]
        current = older + by_name.get((indicator.code, "current"), 0.0)
        if indicator.group == Group.VULNERABILITY:
            points[indicator.code] = (round(current * scale), round(current * scale))
        else:
            points[indicator.code] = (round(current * scale), round(older * scale))
    return points


def _sensitivity(levels: np.ndarray, y: np.ndarray) -> float:
    harmed = y == 1
    return float((levels[harmed] >= Level.MODERATE.rank).mean()) if harmed.any() else 1.0


def choose_bands(
    scores: np.ndarray,
    floors: np.ndarray,
    y: np.ndarray,
    *,
    target_sensitivity: float,
    max_flag_rate: float,
) -> tuple[Bands, str]:
    """Bands from the training period. Moderate starts at the highest score that still puts at least the
    target share of later-harmed children at Moderate or above; if that flags more than the budget allows,
    at the lowest score within the budget (and the note says the target was traded off)."""
    top = int(scores.max()) if len(scores) else 1
    candidates = range(2, max(top, 2) + 2)
    meeting = [
        t
        for t in candidates
        if _sensitivity(levels_for(scores, floors, Bands(1, t, t + 1)), y) >= target_sensitivity
    ]
    note = ""
    moderate = max(meeting) if meeting else 2
    flag_rate = float((levels_for(scores, floors, Bands(1, moderate, moderate + 1)) >= 2).mean())
    if flag_rate > max_flag_rate:
        within = [
            t
            for t in candidates
            if float((levels_for(scores, floors, Bands(1, t, t + 1)) >= 2).mean()) <= max_flag_rate
        ]
        moderate = min(within) if within else moderate
        note = (
            "The sensitivity target could not be met within the flag-rate budget on the training period; "
            "Moderate was set at the lowest score within the budget."
        )
    # Where the points decide (no hard rule already puts the child at the top), how likely is harm at each score?
    decided = floors < Level.SIGNIFICANT.rank
    calibrator = _calibrator(scores[decided], y[decided]) if decided.any() else _calibrator(scores, y)
    significant = next(
        (t for t in range(moderate + 1, top + 2) if calibrator.predict(np.array([t], dtype=float))[0] >= 0.5),
        max(moderate + 1, top + 1),
    )
    mild = max(1, moderate // 2)
    return Bands(mild=mild, moderate=moderate, significant=significant), note


# The study ------------------------------------------------------------------------------------------------


def time_split(records: Sequence[LabelledAssessment], train_share: float) -> tuple[date, list, list]:
    dates = sorted(r.assessed_on for r in records)
    split = dates[min(len(dates) - 1, int(len(dates) * train_share))]
    train = [r for r in records if r.assessed_on < split]
    test = [r for r in records if r.assessed_on >= split]
    return split, train, test


def run_study(
    current: InstrumentDefinition,
    records: Sequence[LabelledAssessment],
    *,
    current_name: str = "Current version",
    settings: StudySettings | None = None,
    progress: Progress = _quiet,
) -> StudyReport:
    settings = settings or StudySettings()
    if len(records) < 50 or len({r.harmed for r in records}) < 2:
        raise ValueError("The study needs at least 50 assessments with outcomes, some harmed and some not")
    split, train, test = time_split(records, settings.train_share)
    report = StudyReport(
        caveat=CAVEAT,
        settings=settings,
        split_date=split,
        train_period=(min(r.assessed_on for r in train), max(r.assessed_on for r in train)),
        test_period=(min(r.assessed_on for r in test), max(r.assessed_on for r in test)),
        train_assessments=len(train),
        test_assessments=len(test),
    )
    steps = 5
    progress(0, steps, "Scoring the current version")
    y_train = np.array([r.harmed for r in train], dtype=int)
    current_train, current_test = evaluate(current, train, test)
    report.candidates.append(Candidate("current", current_name, current, current_train, current_test))
    budget = current_train.flag_rate + settings.flag_budget_points / 100

    progress(1, steps, "Re-drawing the current version's bands (alternative A)")
    scored = score_all(current, train)
    bands_a, note_a = choose_bands(
        scored.score,
        scored.floor,
        y_train,
        target_sensitivity=settings.train_sensitivity,
        max_flag_rate=budget,
    )
    rebanded = current.with_weights({}, bands_a, f"{current.title}, re-banded")
    a_train, a_test = evaluate(rebanded, train, test)
    report.candidates.append(
        Candidate(
            "rebanded",
            "A: current points, bands re-drawn by isotonic calibration",
            rebanded,
            a_train,
            a_test,
            note_a,
        )
    )

    progress(2, steps, "Fitting non-negative, recency-monotone weights (alternative B)")
    decided = scored.floor < Level.SIGNIFICANT.rank
    x_train = feature_matrix(current, train)[decided]
    coefficients, _ = fit_non_negative_logistic(x_train, y_train[decided], settings.l2)
    points = weights_to_points(current, coefficients, settings.max_points)
    reweighted = current.with_weights(points, current.bands, f"{current.title}, re-weighted")

    progress(3, steps, "Drawing bands for the re-weighted version")
    scored_b = score_all(reweighted, train)
    bands_b, note_b = choose_bands(
        scored_b.score,
        scored_b.floor,
        y_train,
        target_sensitivity=settings.train_sensitivity,
        max_flag_rate=budget,
    )
    reweighted = reweighted.with_weights({}, bands_b, f"{current.title}, re-weighted and re-banded")
    b_train, b_test = evaluate(reweighted, train, test)
    report.candidates.append(
        Candidate(
            "reweighted",
            "B: re-weighted (non-negative, monotone in recency) and re-banded",
            reweighted,
            b_train,
            b_test,
            note_b,
        )
    )

    progress(4, steps, "Choosing the proposal")
    report.proposed_key, report.target_met = _choose(report, current_test, settings)
    report.summary = _summary(report, settings)
    progress(steps, steps, "Study finished")
    return report


def _meets(candidate: Candidate, current_test: Figures, settings: StudySettings) -> bool:
    return (
        candidate.test.sensitivity >= settings.target_sensitivity
        and candidate.test.flag_rate <= current_test.flag_rate + settings.flag_budget_points / 100
        and not problems_with(candidate.definition)
    )


def _choose(report: StudyReport, current_test: Figures, settings: StudySettings) -> tuple[str, bool]:
    """The alternative that meets the target with the fewest flags; else the one with the best sensitivity."""
    alternatives = [c for c in report.candidates if c.key != "current" and not problems_with(c.definition)]
    meeting = [c for c in alternatives if _meets(c, current_test, settings)]
    if meeting:
        return min(meeting, key=lambda c: c.test.flag_rate).key, True
    best = max(alternatives, key=lambda c: (c.test.sensitivity, -c.test.flag_rate), default=None)
    return (best.key if best else "current"), False


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _summary(report: StudyReport, settings: StudySettings) -> list[str]:
    current = report.candidate("current")
    proposed = report.candidate(report.proposed_key)
    lines = [
        f"Held-out period {report.test_period[0]:%d %B %Y} to {report.test_period[1]:%d %B %Y}: "
        f"{report.test_assessments} assessments, {current.test.harmed} of them of children later confirmed harmed.",
        f"{current.name} placed {current.test.harmed_below_moderate} of {current.test.harmed} later-harmed "
        f"children below Moderate (sensitivity {_percent(current.test.sensitivity)}, "
        f"flag rate {_percent(current.test.flag_rate)}, AUC {current.test.auc:.3f}).",
        f"Proposed ({proposed.name}): sensitivity {_percent(proposed.test.sensitivity)}, "
        f"specificity {_percent(proposed.test.specificity)}, flag rate {_percent(proposed.test.flag_rate)}, "
        f"AUC {proposed.test.auc:.3f}, {proposed.test.harmed_below_moderate} later-harmed children below Moderate.",
    ]
    target = (
        f"Target: at least {_percent(settings.target_sensitivity)} of later-harmed children at Moderate or above, "
        f"with a flag rate no more than {settings.flag_budget_points:g} points above the current version's "
        f"({_percent(current.test.flag_rate)} + {settings.flag_budget_points:g} = "
        f"{_percent(current.test.flag_rate + settings.flag_budget_points / 100)})."
    )
    lines.append(
        target + (" Met on the held-out period." if report.target_met else " Not met on the held-out period.")
    )
    lines.append(report.caveat)
    return lines


# Serialising ----------------------------------------------------------------------------------------------


def _figures_json(f: Figures) -> dict[str, Any]:
    data = asdict(f)
    data["levels"] = [
        {"level": r.level, "count": r.count, "harmed": r.harmed, "rate": r.rate} for r in f.levels
    ]
    return data


def report_to_json(report: StudyReport) -> dict[str, Any]:
    from tessera.risk.instrument import to_json

    return {
        "caveat": report.caveat,
        "settings": asdict(report.settings),
        "split_date": report.split_date.isoformat(),
        "train_period": [d.isoformat() for d in report.train_period],
        "test_period": [d.isoformat() for d in report.test_period],
        "train_assessments": report.train_assessments,
        "test_assessments": report.test_assessments,
        "proposed_key": report.proposed_key,
        "target_met": report.target_met,
        "summary": report.summary,
        "candidates": [
            {
                "key": c.key,
                "name": c.name,
                "note": c.note,
                "definition": to_json(c.definition),
                "train": _figures_json(c.train),
                "test": _figures_json(c.test),
            }
            for c in report.candidates
        ],
    }
