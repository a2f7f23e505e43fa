"""How long Tessera keeps each kind of record before it is reviewed: the one retention schedule.

Pure: no Django. Each record kind has a review period and the date it runs from. A person's records are
reviewed together, on the latest date any of their records falls due, because a child's story is only
useful whole (a survivor asking for their records decades later needs all of them). A reviewed decision
recorded against the person sets another date and says why; it replaces the schedule for that person.

Survivors of child sexual exploitation may seek their records decades later, and inquiries have needed
records 40 years on, so anything about exploitation is kept 75 years. Police records are reviewed for a
continuing policing purpose (Management of Police Information); the shorter periods follow its groups.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetentionRule:
    kind: str  # the record kind, as the schedule names it
    label: str
    years: int
    runs_from: str  # what the period is counted from, in the users' words
    why: str


SCHEDULE: dict[str, RetentionRule] = {
    rule.kind: rule
    for rule in (
        RetentionRule(
            "referral",
            "Concern about exploitation (referral)",
            75,
            "the date it was received",
            "Exploitation records: survivors may seek them decades later",
        ),
        RetentionRule(
            "case",
            "Case (strategy discussions, actions, support, conferences)",
            75,
            "the date it closed, or opened if still open",
            "Exploitation records: survivors may seek them decades later",
        ),
        RetentionRule(
            "risk_assessment",
            "Risk assessment",
            75,
            "the date of the assessment",
            "Exploitation records: survivors may seek them decades later",
        ),
        RetentionRule(
            "police_intelligence",
            "Police intelligence link",
            75,
            "the date it was recorded",
            "Intelligence about exploitation: kept with the exploitation records it explains",
        ),
        RetentionRule(
            "partner_record",
            "Partner record only (no concern, case or assessment)",
            6,
            "the date the latest record arrived",
            "No exploitation record: reviewed for a continuing purpose after six years (MoPI group 3)",
        ),
    )
}


@dataclass(frozen=True)
class DatedRecord:
    kind: str
    on: datetime.date


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def review_date(record: DatedRecord) -> datetime.date:
    return add_years(record.on, SCHEDULE[record.kind].years)


def review_date_of_person(records: Iterable[DatedRecord], *, fallback: datetime.date) -> datetime.date:
    """The latest review date among a person's records; ``fallback`` (when the person was first recorded)
    counts as a partner record for someone with no record of any other kind."""
    dated = list(records) or [DatedRecord("partner_record", fallback)]
    return max(review_date(record) for record in dated)


def governing_rule(records: Iterable[DatedRecord]) -> RetentionRule:
    """The rule that sets the person's review date (the longest)."""
    dated = list(records)
    if not dated:
        return SCHEDULE["partner_record"]
    return SCHEDULE[max(dated, key=review_date).kind]
