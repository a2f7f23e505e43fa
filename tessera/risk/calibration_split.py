"""Splitting assessments for the calibration study: by child and by date, with no label crossing the split,
only what was on file at each assessment, and only outcomes that have had time to mature. Pure.

- **On file.** An observation entered after its assessment was completed was not there when the
  professionals decided; scoring it would credit the instrument with hindsight (indicators recorded after
  the harm). Such observations are dropped and counted.
- **Maturity.** Harm is often confirmed months after it happened. An assessment is used only when its
  follow-up ended at least ``maturity_months`` before the data's end; later ones are excluded and the
  report says from which date.
- **By child.** Children are shared out at random (seeded) between training and held-out: nobody sits on
  both sides, so the held-out figures are about children the fit never saw.
- **By date.** Training uses the training children's assessments whose whole follow-up ended before the
  split date (no label runs past it); the held-out period is the held-out children's assessments on or
  after it. The split date is the distinct assessment date closest to ``train_share`` of assessments, so a
  legacy import that puts most assessments on one day cannot empty the training set.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from tessera.risk.calibration_guards import StudyRefusedError
from tessera.risk.calibration_metrics import LabelledAssessment
from tessera.risk.scoring import long_date, months_before

FOLLOW_UP_MONTHS = 3
MATURITY_MONTHS = 12
# A date holding this share of assessments is worth a warning: real assessments do not cluster so.
LEGACY_SHARE = 0.25


@dataclass(frozen=True)
class SplitSettings:
    train_share: float = 0.6
    test_child_share: float = 0.5
    follow_up_months: int = FOLLOW_UP_MONTHS
    maturity_months: int = MATURITY_MONTHS
    seed: int = 2013


@dataclass
class Split:
    split_date: date
    train: list[LabelledAssessment]
    test: list[LabelledAssessment]
    mature_until: date
    immature: int
    late_observations: int
    notes: list[str] = field(default_factory=list)


def follow_up_end(record: LabelledAssessment, months: int = FOLLOW_UP_MONTHS) -> date:
    return months_before(record.assessed_on, -months)


def on_file(record: LabelledAssessment) -> tuple[LabelledAssessment, int]:
    """The record with only the observations entered by its completion, and how many were dropped."""
    deadline = record.on_file_by or record.assessed_on
    kept = tuple(o for o in record.observations if o.entered_on is None or o.entered_on <= deadline)
    dropped = len(record.observations) - len(kept)
    return (replace(record, observations=kept) if dropped else record), dropped


def held_out_children(children: set[int], share: float, seed: int) -> set[int]:
    ordered = sorted(children)
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    return {child for child in ordered if rng.random() < share}


def _split_date(
    records: Sequence[LabelledAssessment], settings: SplitSettings, test_children: set[int]
) -> date:
    """The distinct date nearest ``train_share`` of assessments that leaves both sides something."""
    dates = sorted(r.assessed_on for r in records)
    train_ends = sorted(
        follow_up_end(r, settings.follow_up_months) for r in records if r.child not in test_children
    )
    test_starts = sorted(r.assessed_on for r in records if r.child in test_children)
    target = settings.train_share * len(dates)
    best: tuple[float, date] | None = None
    for day in sorted(set(dates)):
        trains = bisect.bisect_left(train_ends, day)
        tests = len(test_starts) - bisect.bisect_left(test_starts, day)
        if not trains or not tests:
            continue
        distance = abs(bisect.bisect_left(dates, day) - target)
        if best is None or distance < best[0]:
            best = (distance, day)
    if best is None:
        raise StudyRefusedError(
            "No split date leaves assessments on both sides: every date either has no training assessment "
            f"whose {settings.follow_up_months}-month follow-up ended before it, or no later assessment to "
            "test on. The study needs assessments spread over a longer period"
        )
    return best[1]


def split_for_study(
    records: Sequence[LabelledAssessment], *, as_of: date | None = None, settings: SplitSettings | None = None
) -> Split:
    settings = settings or SplitSettings()
    if not records:
        raise StudyRefusedError("There are no completed assessments with outcomes to study")
    data_end = as_of or max(follow_up_end(r, settings.follow_up_months) for r in records)
    mature_until = months_before(data_end, settings.maturity_months + settings.follow_up_months)
    cleaned, late = [], 0
    for record in records:
        kept, dropped = on_file(record)
        cleaned.append(kept)
        late += dropped
    mature = [r for r in cleaned if r.assessed_on <= mature_until]
    immature = len(cleaned) - len(mature)
    notes = []
    if immature:
        notes.append(
            f"{immature} assessments made after {long_date(mature_until)} are left out: their outcomes are "
            f"not yet mature (harm is counted for {settings.follow_up_months} months after an assessment, "
            f"and confirmations are given {settings.maturity_months} months more to arrive)."
        )
    if late:
        notes.append(
            f"{late} observations entered after their assessment was completed are left out: they were not "
            "on file when the professionals decided."
        )
    if not mature:
        raise StudyRefusedError(
            f"No assessment's outcome is mature yet: outcomes are judged {settings.maturity_months} months "
            f"after the {settings.follow_up_months}-month follow-up, so only assessments made on or before "
            f"{long_date(mature_until)} can be studied, and there are none"
        )
    day, count = Counter(r.assessed_on for r in mature).most_common(1)[0]
    if count >= LEGACY_SHARE * len(mature):
        notes.append(
            f"{100 * count / len(mature):.0f}% of assessments share the date {long_date(day)} (a legacy "
            "import?). They are kept, but the split date is placed after their follow-up."
        )
    test_children = held_out_children({r.child for r in mature}, settings.test_child_share, settings.seed)
    split = _split_date(mature, settings, test_children)
    train = [
        r
        for r in mature
        if r.child not in test_children and follow_up_end(r, settings.follow_up_months) < split
    ]
    test = [r for r in mature if r.child in test_children and r.assessed_on >= split]
    return Split(split, train, test, mature_until, immature, late, notes)
