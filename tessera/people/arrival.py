"""Matching on arrival: the one hook every path that stores a new or changed source identity calls.

A form (a concern's new child or adult), an import row (new, or changed) and any future API that writes
source identities call ``identity_arrived`` once the identity and its address are stored, inside the
same transaction. An import's chunk of new records calls ``identities_arrived`` once for the chunk, after
storing them all: the matcher then decides each record as if they had arrived one after another, in order,
but looks its candidates up for the whole chunk at once. Linkage registers its matcher from
``AppConfig.ready`` (as it registers its blocking keys), so the people app never imports linkage; with no
matcher registered the hooks do nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
# Identities stored together, each a new person of its own, in the order they arrived -> one Arrival each.
ChunkMatcher = Callable[[Sequence[SourceIdentity], User], list[Arrival]]
_matchers: list[ArrivalMatcher] = []
_chunk_matchers: list[ChunkMatcher] = []


def register_arrival_matcher(matcher: ArrivalMatcher, chunk_matcher: ChunkMatcher | None = None) -> None:
    """``matcher`` matches one identity; ``chunk_matcher``, where given, a chunk of new ones with the same
    decisions (``matcher`` is called for each of the chunk's identities otherwise)."""
    if matcher not in _matchers:
        _matchers.append(matcher)
        _chunk_matchers.append(
            chunk_matcher or (lambda identities, actor: [matcher(i, actor) for i in identities])
        )


def identity_arrived(identity: SourceIdentity, *, actor: User) -> tuple[Person, list[Arrival]]:
    """Match a just-stored identity at once; returns the person it belongs to afterwards (a certain
    match may have joined it to someone already known) and what each matcher did."""
    arrivals = [matcher(identity, actor) for matcher in _matchers]
    identity.refresh_from_db(fields=["person"])
    return identity.person, arrivals


def identities_arrived(identities: Sequence[SourceIdentity], *, actor: User) -> list[list[Arrival]]:
    """Match a chunk of just-stored new identities (each a person of its own), in order; returns what
    each matcher did for each identity. Their ``person_id`` is left as stored: a caller that needs the
    person a record belongs to afterwards reads it again."""
    per_matcher = [matcher(identities, actor) for matcher in _chunk_matchers]
    return (
        [list(arrivals) for arrivals in zip(*per_matcher, strict=True)]
        if per_matcher
        else [[] for _ in identities]
    )
