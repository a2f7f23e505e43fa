"""Shadow scoring compared: a proposed version's levels, given in the background to the same assessments the
live version scored, against the outcomes once they have matured. Pure: plain data in, plain data out.

The live and shadow levels are of the *same* assessments of the *same* children, so their difference is
paired: each bootstrap draw resamples children once and measures both versions on them. The comparison is
prospective: the shadow version never saw these children's outcomes, and nothing it said was shown to
the assessors, so it could not change what they did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from tessera.risk.calibration_guards import MIN_HARMED_CHILDREN
from tessera.risk.calibration_split import FOLLOW_UP_MONTHS, MATURITY_MONTHS
from tessera.risk.instrument import Level
from tessera.risk.resampling import NO_FIGURE, ChildResampler, Interval, percentile_interval
from tessera.risk.scoring import long_date, months_before


@dataclass(frozen=True)
class ShadowPair:
    """One assessment as the live version computed it and as the shadow version would have."""

    child: int
    assessed_on: date
    live_level: Level
    shadow_level: Level
    harmed: bool


@dataclass(frozen=True)
class Side:
    sensitivity: Interval
    flag_rate: Interval


@dataclass
class ShadowComparison:
    scored: int
    mature: int
    children: int
    harmed_children: int
    mature_until: date
    next_maturing: date | None
    live: Side | None = None
    shadow: Side | None = None
    # Shadow minus live, paired on the same resampled children.
    sensitivity_difference: Interval = NO_FIGURE
    flag_rate_difference: Interval = NO_FIGURE
    can_judge: bool = False
    messages: list[str] = field(default_factory=list)


def _side(
    resampler: ChildResampler, flagged: np.ndarray, harmed: np.ndarray
) -> tuple[Side, np.ndarray, np.ndarray]:
    sensitivity = resampler.share(flagged, harmed)
    flag_rate = resampler.share(flagged)
    return (
        Side(sensitivity, flag_rate),
        resampler.ratio_draws(flagged & harmed, harmed),
        resampler.ratio_draws(flagged, np.ones(len(flagged), dtype=bool)),
    )


def compare_shadow(
    pairs: Sequence[ShadowPair],
    *,
    as_of: date,
    follow_up_months: int = FOLLOW_UP_MONTHS,
    maturity_months: int = MATURITY_MONTHS,
    min_harmed_children: int = MIN_HARMED_CHILDREN,
    draws: int = 1000,
    seed: int = 2013,
) -> ShadowComparison:
    """Live against shadow on the assessments whose outcomes have matured by ``as_of``."""
    mature_until = months_before(as_of, follow_up_months + maturity_months)
    mature = [p for p in pairs if p.assessed_on <= mature_until]
    waiting = sorted(p.assessed_on for p in pairs if p.assessed_on > mature_until)
    comparison = ShadowComparison(
        scored=len(pairs),
        mature=len(mature),
        children=len({p.child for p in mature}),
        harmed_children=len({p.child for p in mature if p.harmed}),
        mature_until=mature_until,
        next_maturing=months_before(waiting[0], -(follow_up_months + maturity_months)) if waiting else None,
    )
    if not pairs:
        comparison.messages.append("No assessment has been scored in shadow yet.")
        return comparison
    if not mature:
        comparison.messages.append(
            f"{len(pairs)} assessments have been scored in shadow, but none has a mature outcome yet: "
            f"the first matures on {long_date(comparison.next_maturing or as_of)}."
        )
        return comparison
    harmed = np.array([p.harmed for p in mature], dtype=bool)
    live = np.array([p.live_level.rank >= Level.MODERATE.rank for p in mature])
    shadow = np.array([p.shadow_level.rank >= Level.MODERATE.rank for p in mature])
    resampler = ChildResampler(np.array([p.child for p in mature]), draws=draws, seed=seed)
    comparison.live, live_sens, live_flags = _side(resampler, live, harmed)
    comparison.shadow, shadow_sens, shadow_flags = _side(resampler, shadow, harmed)
    if harmed.any():
        low, high = percentile_interval(shadow_sens - live_sens)
        value = comparison.shadow.sensitivity.value - comparison.live.sensitivity.value
        comparison.sensitivity_difference = Interval(value, low, high)
    low, high = percentile_interval(shadow_flags - live_flags)
    comparison.flag_rate_difference = Interval(
        comparison.shadow.flag_rate.value - comparison.live.flag_rate.value, low, high
    )
    comparison.can_judge = comparison.harmed_children >= min_harmed_children
    if not comparison.can_judge:
        comparison.messages.append(
            f"Only {comparison.harmed_children} children with mature outcomes were later confirmed harmed; "
            f"at least {min_harmed_children} are needed before the shadow evidence can judge the version. "
            "The figures below are shown with their intervals, which are wide for that reason."
        )
    if waiting:
        comparison.messages.append(
            f"{len(waiting)} more assessments scored in shadow are waiting for their outcomes to mature."
        )
    return comparison


def comparison_to_json(c: ShadowComparison) -> dict[str, Any]:
    def side(s: Side | None) -> dict[str, Any] | None:
        return (
            None
            if s is None
            else {"sensitivity": s.sensitivity.to_json(), "flag_rate": s.flag_rate.to_json()}
        )

    return {
        "scored": c.scored,
        "mature": c.mature,
        "children": c.children,
        "harmed_children": c.harmed_children,
        "mature_until": c.mature_until.isoformat(),
        "next_maturing": c.next_maturing.isoformat() if c.next_maturing else None,
        "live": side(c.live),
        "shadow": side(c.shadow),
        "sensitivity_difference": c.sensitivity_difference.to_json(),
        "flag_rate_difference": c.flag_rate_difference.to_json(),
        "can_judge": c.can_judge,
        "messages": c.messages,
    }
