"""Synthetic risk histories: each child's true status, the indicators professionals recorded over time,
the "original" instrument that under-rates them, and the ground truth the calibration study measures against.

Everything here is invented. The generator is pure (``generate_histories``) so benchmarks can make tens of
thousands of children without a database; ``seed_risk_history`` writes a smaller world into the database
for the demo. Ground truth is written only as ``ConfirmedOutcome`` rows, which the product never shows
against a child: only the calibration study reads them, and it reports aggregates.

How a child's story is made:
- a latent propensity drives both vulnerabilities and the chance of being exploited;
- an exploited child has a start date and an end date; for a few months before the start, grooming
  shows as moderate and significant indicators; during exploitation they come more often, and signs of
  harm (and, rarely, a disclosure) appear;
- every month each indicator may happen with a rate that depends on the child's state, and each
  happening is recorded by a professional only some of the time (noise both ways: children who are not
  exploited show moderate and some significant indicators too);
- assessments follow the referral and then roughly every three months, with some cases closing early.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tessera.risk.calibration import FOLLOW_UP_MONTHS
from tessera.risk.calibration_metrics import LabelledAssessment
from tessera.risk.catalogue import CATALOGUE, build_definition
from tessera.risk.instrument import Bands, Group, InstrumentDefinition
from tessera.risk.scoring import ChildFacts, Observation, months_before


def original_instrument() -> InstrumentDefinition:
    """The under-rating tool, as the inspection describes its effect: vulnerabilities (lifetime facts about a
    child's circumstances) weigh heavily, significant indicators of grooming and exploitation weigh hardly more
    than moderate ones, and the bands are high. Children being groomed or exploited come out "Mild"."""
    return build_definition(
        "Original tool (synthetic, under-rates as the inspection found)",
        {Group.VULNERABILITY: (2, 2), Group.MODERATE: (1, 1), Group.SIGNIFICANT: (2, 1)},
        Bands(mild=6, moderate=12, significant=18),
    )


@dataclass(frozen=True)
class WorldParameters:
    """Monthly rates of each indicator happening, by the child's state, and how often it is recorded."""

    exploited_base: float = -1.3
    propensity_effect: float = 0.9
    vulnerability_base: float = -1.4
    vulnerability_effect: float = 0.9
    moderate_rate: dict[str, float] = field(
        default_factory=lambda: {"safe": 0.02, "grooming": 0.09, "exploited": 0.108}
    )
    significant_rate: dict[str, float] = field(
        default_factory=lambda: {"safe": 0.004, "grooming": 0.10, "exploited": 0.14}
    )
    harm_rate: float = 0.009
    disclosure_rate: float = 0.006
    recorded: float = 0.8
    grooming_months: tuple[int, int] = (3, 6)
    learning_disability: float = 0.06


@dataclass
class SyntheticChild:
    key: int
    date_of_birth: date
    learning_disability: bool
    referred_on: date
    exploited_from: date | None
    exploited_until: date | None
    observations: list[Observation]
    assessment_dates: list[date]

    def harmed_between(self, start: date, end: date) -> bool:
        if self.exploited_from is None or self.exploited_until is None:
            return False
        return self.exploited_from <= end and self.exploited_until >= start


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


_MODERATE = [s.code for s in CATALOGUE if s.group == Group.MODERATE]
_SIGNIFICANT = [s.code for s in CATALOGUE if s.group == Group.SIGNIFICANT and not s.shows_harm]
_HARM = [s.code for s in CATALOGUE if s.shows_harm and not s.is_disclosure]
_VULNERABILITIES = [s.code for s in CATALOGUE if s.group == Group.VULNERABILITY]


@dataclass(frozen=True)
class KnownTruth:
    """What the synthetic world already decided about a child: whether and when exploitation began, and
    whether they were at risk without being exploited."""

    exploited_from: date | None
    at_risk: bool = False


def generate_child(
    rng: random.Random,
    key: int,
    start: date,
    end: date,
    params: WorldParameters,
    date_of_birth: date | None = None,
    truth: KnownTruth | None = None,
) -> SyntheticChild:
    referred_on = _day_between(rng, start, months_before(end, 6))
    if truth is not None and truth.exploited_from is not None:
        # Referred around the time exploitation began: some before it, most after.
        earliest = max(start, months_before(truth.exploited_from, 6))
        latest = min(months_before(end, 1), months_before(truth.exploited_from, -9))
        referred_on = _day_between(rng, earliest, max(latest, earliest + timedelta(days=1)))
    if date_of_birth is None:
        age = rng.choices(range(10, 18), weights=[1, 2, 3, 4, 5, 4, 3, 2])[0]
        date_of_birth = referred_on - timedelta(days=365 * age + rng.randrange(365))
    learning_disability = rng.random() < params.learning_disability
    propensity = rng.gauss(1.0, 0.5) if truth is not None and truth.at_risk else rng.gauss(0, 1)
    if truth is not None:
        exploited = truth.exploited_from is not None
    else:
        exploited = rng.random() < _sigmoid(
            params.exploited_base
            + params.propensity_effect * propensity
            + (0.4 if learning_disability else 0)
        )
    exploited_from = exploited_until = None
    if exploited:
        exploited_from = (
            truth.exploited_from
            if truth is not None and truth.exploited_from is not None
            else _day_between(rng, months_before(referred_on, 6), months_before(referred_on, -18))
        )
        exploited_until = exploited_from + timedelta(days=rng.randrange(120, 540))
    grooming_from = (
        months_before(exploited_from, rng.randint(*params.grooming_months))
        if exploited_from is not None
        else None
    )

    observations: list[Observation] = []
    for code in _VULNERABILITIES:
        if rng.random() < _sigmoid(params.vulnerability_base + params.vulnerability_effect * propensity):
            observations.append(
                Observation(code, _day_between(rng, referred_on - timedelta(days=700), referred_on))
            )

    month = months_before(referred_on, 12)
    while month <= end:
        state = "safe"
        if exploited_from and exploited_until and exploited_from <= month <= exploited_until:
            state = "exploited"
        elif grooming_from and exploited_from and grooming_from <= month < exploited_from:
            state = "grooming"
        boost = 1 + max(propensity, 0) * 0.6
        rates = [(code, params.moderate_rate[state] * boost) for code in _MODERATE]
        rates += [(code, params.significant_rate[state]) for code in _SIGNIFICANT]
        if state == "exploited":
            rates += [(code, params.harm_rate) for code in _HARM]
            rates.append(("disclosure", params.disclosure_rate))
        for code, rate in rates:
            if rng.random() < rate and rng.random() < params.recorded:
                observations.append(Observation(code, month + timedelta(days=rng.randrange(28))))
        month = months_before(month, -1)

    assessment_dates = []
    day = referred_on + timedelta(days=rng.randrange(15))
    while day <= end and (day - date_of_birth).days < 18 * 365:
        assessment_dates.append(day)
        if rng.random() < 0.12:  # the case closes
            break
        day = months_before(day, -3) + timedelta(days=rng.randrange(-15, 20))
    return SyntheticChild(
        key=key,
        date_of_birth=date_of_birth,
        learning_disability=learning_disability,
        referred_on=referred_on,
        exploited_from=exploited_from,
        exploited_until=exploited_until,
        observations=sorted(observations, key=lambda o: o.observed_on),
        assessment_dates=assessment_dates,
    )


def generate_histories(
    count: int, *, seed: int = 2013, start: date, end: date, params: WorldParameters | None = None
) -> list[SyntheticChild]:
    rng = random.Random(seed)
    params = params or WorldParameters()
    return [generate_child(rng, key, start, end, params) for key in range(count)]


def known_at(child: SyntheticChild, on: date) -> tuple[Observation, ...]:
    """What professionals had recorded by the assessment date (observations long expired are left out)."""
    cutoff = months_before(on, 13)
    vulnerabilities = set(_VULNERABILITIES)
    return tuple(
        o
        for o in child.observations
        if o.observed_on <= on and (o.observed_on >= cutoff or o.indicator in vulnerabilities)
    )


def labelled_assessments(children: list[SyntheticChild], *, data_end: date) -> list[LabelledAssessment]:
    """Each assessment with its ground truth: harmed at the time or before the next review was due.

    Only assessments whose follow-up had ended by ``data_end`` are included.
    """
    records = []
    for child in children:
        facts = ChildFacts(child.date_of_birth, child.learning_disability)
        for on in child.assessment_dates:
            follow_up_end = months_before(on, -FOLLOW_UP_MONTHS)
            if follow_up_end > data_end:
                continue
            records.append(
                LabelledAssessment(
                    child=child.key,
                    assessed_on=on,
                    observations=known_at(child, on),
                    facts=facts,
                    harmed=child.harmed_between(on, follow_up_end),
                )
            )
    return records
