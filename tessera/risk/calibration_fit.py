"""Fitting new points for an instrument: non-negative, recency-monotone logistic weights turned into whole
points, and level bands drawn from a training period. Pure: plain data in, plain data out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize

from tessera.risk.calibration_metrics import LabelledAssessment, calibrator, levels_for
from tessera.risk.instrument import Bands, Group, InstrumentDefinition, Level
from tessera.risk.scoring import Recency, contributions_of

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
    chance = calibrator(scores[decided], y[decided]) if decided.any() else calibrator(scores, y)
    significant = next(
        (t for t in range(moderate + 1, top + 2) if chance.predict(np.array([t], dtype=float))[0] >= 0.5),
        max(moderate + 1, top + 1),
    )
    mild = max(1, moderate // 2)
    return Bands(mild=mild, moderate=moderate, significant=significant), note
