"""Matching on arrival: the one hook every path that stores a new or changed source identity calls.

A form (a concern's new child or adult), an import row (new, or changed) and any future API that writes
source identities call ``identity_arrived`` once the identity and its address are stored, inside the
same transaction. Linkage registers its matcher from ``AppConfig.ready`` (as it registers its blocking
keys), so the people app never imports linkage; with no matcher registered the hook does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tessera.accounts.models import User
from tessera.people.models import Person, SourceIdentity


@dataclass(frozen=True)
class Arrival:
    """What matching one arriving identity did."""

    joined: tuple[int, ...] = ()  # people merged with the identity's person (a certain match)
    queued: tuple[int, ...] = ()  # review pairs sent to the queue (a possible match, or one held back)
    not_offered: int = 0  # people a safety rule says are no likely match (an adult for a child)
    skipped: str = ""  # why nothing was compared ("no trained model yet")


ArrivalMatcher = Callable[[SourceIdentity, User], Arrival]
_matchers: list[ArrivalMatcher] = []


def register_arrival_matcher(matcher: ArrivalMatcher) -> None:
    if matcher not in _matchers:
        _matchers.append(matcher)


def identity_arrived(identity: SourceIdentity, *, actor: User) -> tuple[Person, list[Arrival]]:
    """Match a just-stored identity at once; returns the person it belongs to afterwards (a certain
    match may have joined it to someone already known) and what each matcher did."""
    arrivals = [matcher(identity, actor) for matcher in _matchers]
    identity.refresh_from_db(fields=["person"])
    return identity.person, arrivals
