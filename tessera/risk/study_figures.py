"""The held-out figures of one version, each with its interval from resampling children, per assessment and
per child, and its decision curve. Pure: numpy only.

Per assessment: each assessment counts once (a child assessed four times counts four times). Per child:
a later-harmed child counts as found when at least one of their assessments followed by harm put them at
Moderate or above; a child counts as flagged when any of their assessments did.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from tessera.risk.instrument import LEVEL_ORDER, Level, level_label
from tessera.risk.resampling import ChildResampler, Interval

# Thresholds of predicted chance at which the decision curve is drawn: where a manager might set
# "worth a strategy discussion".
DECISION_THRESHOLDS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)


@dataclass(frozen=True)
class LevelShare:
    level: str
    count: int
    harmed: int
    share: Interval


@dataclass(frozen=True)
class CalibrationPoint:
    # The mean predicted chance in the bin places the point on the chart; the bin's edges name it.
    predicted: float
    observed: Interval
    count: int
    bin_low: float = 0.0
    bin_high: float = 1.0


@dataclass(frozen=True)
class NetBenefit:
    threshold: float
    version: Interval
    flag_everyone: Interval


@dataclass(frozen=True)
class Measured:
    assessments: int
    children: int
    harmed: int
    harmed_children: int
    flagged: int
    harmed_below_moderate: int
    sensitivity: Interval
    specificity: Interval
    flag_rate: Interval
    auc: Interval
    brier: Interval
    child_sensitivity: Interval
    child_flag_rate: Interval
    levels: list[LevelShare]
    curve: list[CalibrationPoint]
    decision_curve: list[NetBenefit]


def _curve(
    resampler: ChildResampler, predicted: np.ndarray, y: np.ndarray, bins: int = 10
) -> list[CalibrationPoint]:
    points = []
    for low, high in itertools.pairwise(np.linspace(0, 1, bins + 1)):
        inside = (predicted >= low) & ((predicted < high) | (high == 1.0))
        if inside.any():
            points.append(
                CalibrationPoint(
                    float(predicted[inside].mean()),
                    resampler.share(y == 1, inside),
                    int(inside.sum()),
                    float(low),
                    float(high),
                )
            )
    return points


def decision_curve(resampler: ChildResampler, predicted: np.ndarray, y: np.ndarray) -> list[NetBenefit]:
    """Net benefit of flagging when the predicted chance reaches each threshold: true flags per assessment
    less false flags weighted by the threshold's odds (Vickers and Elkin, 2006); beside it, flagging all."""
    harmed = y == 1
    rows = []
    for threshold in DECISION_THRESHOLDS:
        odds = threshold / (1 - threshold)
        flag = predicted >= threshold
        gain = (flag & harmed).astype(float) - odds * (flag & ~harmed).astype(float)
        rows.append(
            NetBenefit(
                threshold,
                resampler.ratio(gain, np.ones(len(y))),
                resampler.ratio(harmed.astype(float) - odds * (~harmed).astype(float), np.ones(len(y))),
            )
        )
    return rows


def _per_child(children: np.ndarray, values: np.ndarray) -> np.ndarray:
    ids, index = np.unique(children, return_inverse=True)
    return np.bincount(index, weights=values.astype(float), minlength=len(ids)) > 0


def measure(
    resampler: ChildResampler,
    children: np.ndarray,
    y: np.ndarray,
    levels: np.ndarray,
    key: np.ndarray,
    probability: np.ndarray,
    child_resampler: ChildResampler,
) -> Measured:
    """Every held-out figure of one version. ``child_resampler`` draws over the distinct children in
    sorted order (``np.unique(children)``), for the per-child figures."""
    flagged = levels >= Level.MODERATE.rank
    harmed = y == 1
    child_harmed = _per_child(children, harmed)
    child_found = _per_child(children, harmed & flagged)
    child_flagged = _per_child(children, flagged)
    return Measured(
        assessments=len(y),
        children=len(child_harmed),
        harmed=int(harmed.sum()),
        harmed_children=int(child_harmed.sum()),
        flagged=int(flagged.sum()),
        harmed_below_moderate=int((harmed & ~flagged).sum()),
        sensitivity=resampler.share(flagged, harmed),
        specificity=resampler.share(~flagged, ~harmed),
        flag_rate=resampler.share(flagged),
        auc=resampler.auc(harmed, key),
        brier=resampler.mean((probability - y) ** 2),
        child_sensitivity=child_resampler.share(child_found, child_harmed),
        child_flag_rate=child_resampler.share(child_flagged),
        levels=[
            LevelShare(
                level_label(level),
                int((levels == level.rank).sum()),
                int(((levels == level.rank) & harmed).sum()),
                resampler.share(harmed, levels == level.rank),
            )
            for level in LEVEL_ORDER
        ],
        curve=_curve(resampler, probability, y),
        decision_curve=decision_curve(resampler, probability, y),
    )


def measured_to_json(m: Measured) -> dict[str, Any]:
    def iv(value: Interval) -> dict[str, float]:
        return value.to_json()

    return {
        "assessments": m.assessments,
        "children": m.children,
        "harmed": m.harmed,
        "harmed_children": m.harmed_children,
        "flagged": m.flagged,
        "harmed_below_moderate": m.harmed_below_moderate,
        **{
            name: iv(getattr(m, name))
            for name in (
                "sensitivity",
                "specificity",
                "flag_rate",
                "auc",
                "brier",
                "child_sensitivity",
                "child_flag_rate",
            )
        },
        "levels": [
            {"level": r.level, "count": r.count, "harmed": r.harmed, "share": iv(r.share)} for r in m.levels
        ],
        "curve": [
            {
                "predicted": p.predicted,
                "observed": iv(p.observed),
                "count": p.count,
                "bin_low": p.bin_low,
                "bin_high": p.bin_high,
            }
            for p in m.curve
        ],
        "decision_curve": [
            {"threshold": n.threshold, "version": iv(n.version), "flag_everyone": iv(n.flag_everyone)}
            for n in m.decision_curve
        ],
    }
