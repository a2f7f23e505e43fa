"""Facts already on record about a child, offered to the assessor as indicators "from the record".

A new assessment used to start blank, ignoring a referral's disclosure and a link to a suspected
exploiter. Now each app that holds such facts registers a *fact source* (``register_fact_source``): a
function giving the facts about a child that a user may see. Which indicator a fact suggests is decided
here, by a pure mapping tested without a database; the assessor confirms or rejects each one, and only a
confirmed fact becomes an observation. Apps above risk (missing children, intelligence) register their
sources from their own ``AppConfig.ready``; risk never imports them.

No Django import: sources are called by ``risk.fact_sources`` with the Django objects they need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RecordFact:
    """One fact on record about the child, as a source reports it."""

    # Stable across page views ("referrals.referral:12:disclosure"), so a decision is recorded once.
    key: str
    # What kind of fact it is, in ``FACT_INDICATORS``' terms ("disclosure", "suspected_exploiter_link").
    kind: str
    on: date
    # Where it is recorded, as a link the assessor can follow: "Concern R-2026-00012".
    source_label: str
    source_url: str
    # The agency the fact came from, when the record names one.
    agency_id: int | None
    # What the record says, in a sentence, for the observation's evidence when it is confirmed.
    summary: str
    # The records the offer shows (for the access log), as {"referrals.referral": [12]}.
    shown: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class OfferedIndicator:
    fact: RecordFact
    indicator: str


# Which indicator each kind of fact suggests. A concern's warning signs are the frontline aide-memoire's,
# each matching one of the catalogue's indicators.
FACT_INDICATORS: dict[str, str] = {
    "disclosure": "disclosure",
    "missing_episode": "missing_overnight",
    "suspected_exploiter_link": "older_partner",
    "warning_sign:older_boyfriend": "older_partner",
    "warning_sign:cars_with_adults": "cars_with_adults",
    "warning_sign:unexplained_gifts": "unexplained_money",
    "warning_sign:hotels_taxis_takeaways": "hotels_taxis_takeaways",
    "warning_sign:unexplained_injuries": "unexplained_injuries",
    "warning_sign:online_grooming": "online_grooming",
    "warning_sign:drugs_alcohol": "substance_misuse",
    "warning_sign:sexual_health": "sexual_health",
    "warning_sign:school_absence": "school_absence",
    "warning_sign:self_harm": "self_harm",
    "warning_sign:peers_exploited": "peers_exploited",
}


def offered_indicators(
    facts: Iterable[RecordFact], *, indicators: Iterable[str], assessed_on: date, decided: Iterable[str]
) -> list[OfferedIndicator]:
    """The facts to offer, newest first: each kind the instrument has an indicator for, dated no later
    than the assessment, not yet confirmed or rejected, and each fact once."""
    known = set(indicators)
    done = set(decided)
    offered: dict[str, OfferedIndicator] = {}
    for fact in facts:
        indicator = FACT_INDICATORS.get(fact.kind)
        if indicator is None or indicator not in known:
            continue
        if fact.on > assessed_on or fact.key in done or fact.key in offered:
            continue
        offered[fact.key] = OfferedIndicator(fact, indicator)
    return sorted(offered.values(), key=lambda o: (o.fact.on, o.fact.key), reverse=True)


# A source: (the user, the child's person ids (the child and records merged into it)) -> facts the user may see.
FactSource = Callable[[Any, list[int]], Iterable[RecordFact]]
_sources: dict[str, FactSource] = {}


def register_fact_source(name: str, source: FactSource, *, kinds: dict[str, str] | None = None) -> None:
    """Add a source of facts; ``kinds`` adds the indicators new kinds of fact suggest."""
    _sources[name] = source
    for kind, indicator in (kinds or {}).items():
        FACT_INDICATORS.setdefault(kind, indicator)


def fact_sources() -> dict[str, FactSource]:
    return dict(_sources)
