"""Scoring an assessment: a pure function from plain data to a level and the reasons for it.

Guarantees (tested as properties): adding an observation never lowers the score or the level; an
observation seen more recently never counts for less; a disclosure means the highest level; a sign that
exploitation is already happening means the highest level, worded so that it says harm is happening; a
child under 13, or with a learning disability, with any indicator present is never at the lowest level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tessera.cases.timescales import add_months
from tessera.risk.instrument import (
    LEVEL_LABELS,
    Group,
    HardRuleKind,
    Indicator,
    InstrumentDefinition,
    Level,
    level_label,
)


@dataclass(frozen=True)
class Observation:
    indicator: str
    observed_on: date
    # When it was entered on file (None: not known). Scoring ignores it; the calibration study uses it to
    # score each assessment only with what was on file when it was made.
    entered_on: date | None = None


@dataclass(frozen=True)
class ChildFacts:
    date_of_birth: date | None
    learning_disability: bool = False


class Recency(StrEnum):
    LIFETIME = "lifetime"
    CURRENT = "current"
    OLDER = "older"
    EXPIRED = "expired"
    AFTER_ASSESSMENT = "after_assessment"


RECENCY_WORDS = {
    Recency.LIFETIME: "a vulnerability, counted whenever seen",
    Recency.CURRENT: "in the last 6 months",
    Recency.OLDER: "6 to 12 months before the assessment",
    Recency.EXPIRED: "more than 12 months before the assessment, so not counted",
    Recency.AFTER_ASSESSMENT: "after the assessment date, so not counted",
}


@dataclass(frozen=True)
class Contribution:
    indicator: Indicator
    observed_on: date
    recency: Recency
    points: int

    @property
    def counts(self) -> bool:
        return self.recency in {Recency.LIFETIME, Recency.CURRENT, Recency.OLDER}


@dataclass(frozen=True)
class RiskResult:
    score: int
    # The level the score alone reaches, before hard rules.
    banded_level: Level
    level: Level
    harm_evident: bool
    rules_applied: tuple[HardRuleKind, ...]
    reasons: tuple[str, ...]
    contributions: tuple[Contribution, ...]

    @property
    def label(self) -> str:
        return level_label(self.level, self.harm_evident)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it has fewer days)."""
    return add_months(day, -months)


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def recency_of(
    indicator: Indicator, observed_on: date, assessed_on: date, definition: InstrumentDefinition
) -> Recency:
    if observed_on > assessed_on:
        return Recency.AFTER_ASSESSMENT
    if indicator.group == Group.VULNERABILITY:
        return Recency.LIFETIME
    if observed_on > months_before(assessed_on, definition.current_months):
        return Recency.CURRENT
    if observed_on > months_before(assessed_on, definition.window_months):
        return Recency.OLDER
    return Recency.EXPIRED


def _points(indicator: Indicator, recency: Recency) -> int:
    if recency in {Recency.LIFETIME, Recency.CURRENT}:
        return indicator.current
    if recency == Recency.OLDER:
        return indicator.older
    return 0


_RECENCY_PREFERENCE = {
    Recency.LIFETIME: 4,
    Recency.CURRENT: 3,
    Recency.OLDER: 2,
    Recency.EXPIRED: 1,
    Recency.AFTER_ASSESSMENT: 0,
}


def contributions_of(
    definition: InstrumentDefinition, observations: Iterable[Observation], assessed_on: date
) -> tuple[Contribution, ...]:
    """One contribution per indicator observed: the observation that counts most (the most recent)."""
    best: dict[str, Contribution] = {}
    for observation in observations:
        indicator = definition.indicator(observation.indicator)
        recency = recency_of(indicator, observation.observed_on, assessed_on, definition)
        candidate = Contribution(indicator, observation.observed_on, recency, _points(indicator, recency))
        current = best.get(indicator.code)
        if current is None or _better(candidate, current):
            best[indicator.code] = candidate
    order = {indicator.code: index for index, indicator in enumerate(definition.indicators)}
    return tuple(sorted(best.values(), key=lambda c: order[c.indicator.code]))


def _better(candidate: Contribution, current: Contribution) -> bool:
    if candidate.points != current.points:
        return candidate.points > current.points
    if candidate.recency != current.recency:
        return _RECENCY_PREFERENCE[candidate.recency] > _RECENCY_PREFERENCE[current.recency]
    # Among observations that count the same, show the most recent one counted.
    if candidate.recency == Recency.AFTER_ASSESSMENT:
        return candidate.observed_on < current.observed_on
    return candidate.observed_on > current.observed_on


def long_date(value: date) -> str:
    """A date as people write it: 3 November 2026."""
    return f"{value.day} {value:%B %Y}"


def score_assessment(
    definition: InstrumentDefinition,
    observations: Iterable[Observation],
    facts: ChildFacts,
    assessed_on: date,
) -> RiskResult:
    """The computed level for these observations under this instrument version, with plain-words reasons."""
    contributions = contributions_of(definition, observations, assessed_on)
    score = sum(c.points for c in contributions)
    banded = definition.bands.level_for(score)
    level = banded
    rules: list[HardRuleKind] = []
    headline: list[str] = []

    disclosures = _disclosures(contributions)
    harm = _harm(contributions)
    present = [c for c in contributions if c.counts]

    if disclosures and definition.rule(HardRuleKind.DISCLOSURE_IS_HIGHEST):
        latest = max(c.observed_on for c in disclosures)
        rules.append(HardRuleKind.DISCLOSURE_IS_HIGHEST)
        headline.append(
            f"The child disclosed sexual exploitation ({long_date(latest)}). A disclosure always means the highest level."
        )
        level = Level.SIGNIFICANT
    if harm and definition.rule(HardRuleKind.HARM_IS_HIGHEST):
        rules.append(HardRuleKind.HARM_IS_HIGHEST)
        signs = "; ".join(f"{c.indicator.label} ({long_date(c.observed_on)})" for c in harm)
        headline.append(
            f"Signs that exploitation is already happening: {signs}. "
            "The child is being harmed, not only at risk: the level is the highest."
        )
        level = Level.SIGNIFICANT

    if present and level == Level.NOT_AT_RISK:
        young = definition.rule(HardRuleKind.YOUNG_CHILD_NOT_LOWEST)
        if young is not None and _young(definition, facts, assessed_on) and facts.date_of_birth:
            age = age_on(facts.date_of_birth, assessed_on)
            rules.append(HardRuleKind.YOUNG_CHILD_NOT_LOWEST)
            headline.append(
                f"The child is {age}, under {young.age_under}, with indicators present: "
                f"never rated {LEVEL_LABELS[Level.NOT_AT_RISK]}, so raised to {LEVEL_LABELS[Level.MILD]}."
            )
            level = Level.MILD
        elif _learning_disability(definition, facts):
            rules.append(HardRuleKind.LEARNING_DISABILITY_NOT_LOWEST)
            headline.append(
                "The child has a learning disability, with indicators present: "
                f"never rated {LEVEL_LABELS[Level.NOT_AT_RISK]}, so raised to {LEVEL_LABELS[Level.MILD]}."
            )
            level = Level.MILD

    reasons = [*headline, _score_reason(definition, score, banded)]
    for c in contributions:
        points = f"{c.points} point{'s' if c.points != 1 else ''}"
        if c.counts:
            reasons.append(
                f"{c.indicator.label}: seen {long_date(c.observed_on)}, {RECENCY_WORDS[c.recency]}: {points}."
            )
        else:
            reasons.append(
                f"{c.indicator.label}: seen {long_date(c.observed_on)}, {RECENCY_WORDS[c.recency]}."
            )
    return RiskResult(
        score=score,
        banded_level=banded,
        level=level,
        harm_evident=bool(harm),
        rules_applied=tuple(rules),
        reasons=tuple(reasons),
        contributions=contributions,
    )


def _disclosures(contributions: tuple[Contribution, ...]) -> list[Contribution]:
    return [c for c in contributions if c.indicator.is_disclosure and c.recency != Recency.AFTER_ASSESSMENT]


def _harm(contributions: tuple[Contribution, ...]) -> list[Contribution]:
    return [c for c in contributions if c.indicator.shows_harm and c.counts]


def _young(definition: InstrumentDefinition, facts: ChildFacts, assessed_on: date) -> bool:
    rule = definition.rule(HardRuleKind.YOUNG_CHILD_NOT_LOWEST)
    return bool(rule and facts.date_of_birth and age_on(facts.date_of_birth, assessed_on) < rule.age_under)


def _learning_disability(definition: InstrumentDefinition, facts: ChildFacts) -> bool:
    return (
        facts.learning_disability and definition.rule(HardRuleKind.LEARNING_DISABILITY_NOT_LOWEST) is not None
    )


def hard_rule_floor(
    definition: InstrumentDefinition,
    contributions: tuple[Contribution, ...],
    facts: ChildFacts,
    assessed_on: date,
) -> Level:
    """The lowest level the hard rules allow, whatever the points: used to try other weights quickly."""
    if _disclosures(contributions) and definition.rule(HardRuleKind.DISCLOSURE_IS_HIGHEST):
        return Level.SIGNIFICANT
    if _harm(contributions) and definition.rule(HardRuleKind.HARM_IS_HIGHEST):
        return Level.SIGNIFICANT
    present = any(c.counts for c in contributions)
    if present and (_young(definition, facts, assessed_on) or _learning_disability(definition, facts)):
        return Level.MILD
    return Level.NOT_AT_RISK


def _score_reason(definition: InstrumentDefinition, score: int, banded: Level) -> str:
    bands = definition.bands
    if banded == Level.NOT_AT_RISK:
        return (
            f"The indicators total {score} points, below the {bands.mild} points "
            f"for {LEVEL_LABELS[Level.MILD]}."
        )
    return (
        f"The indicators total {score} points: {LEVEL_LABELS[banded]} starts at "
        f"{bands.threshold(banded)} points."
    )
