"""Search before create: the existing people a record being typed in may already be.

One indexed lookup of the record's blocking keys finds the stored records the model would compare it
with; each is scored in Python with the active model's weights, best per person, and only people the
user may see are returned. Each candidate says which fields agree and which do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tessera.access.policy import visible_to
from tessera.linkage import engine
from tessera.linkage.features import record_features
from tessera.linkage.match_keys import identity_record, keys_for, latest_addresses
from tessera.linkage.model_spec import settings_for
from tessera.linkage.models import LinkageModel, MatchKey
from tessera.linkage.names import SHORT_FORMS
from tessera.linkage.scoring import PairScore, score
from tessera.people.models import Person, SourceIdentity

MAX_RECORDS = 300
SHOW_FROM_PROBABILITY = 0.01


@dataclass(frozen=True)
class Candidate:
    person: Person
    identity: SourceIdentity
    score: PairScore


@lru_cache(maxsize=1)
def _starting_weights() -> dict[str, Any]:
    """Before any model is trained: Splink's starting parameters, so search works on a new installation."""
    return engine.scoring_weights(settings_for("duckdb"))


def active_weights() -> dict[str, Any]:
    model = LinkageModel.objects.filter(is_active=True).only("weights").first()
    return model.weights if model and model.weights else _starting_weights()


def candidates_for(user: Any, typed: dict[str, Any], *, limit: int = 5) -> list[Candidate]:
    features = record_features(typed, SHORT_FORMS)
    keys = keys_for(features)
    if not keys:
        return []
    identity_ids = list(
        MatchKey.objects.filter(key__in=sorted(keys))
        .values_list("identity_id", flat=True)
        .distinct()[:MAX_RECORDS]
    )
    if not identity_ids:
        return []
    identities = list(SourceIdentity.objects.filter(pk__in=identity_ids).select_related("person", "agency"))
    # Visibility is asked of these few people only: as a subquery over every person the user may see it
    # would cost a scan of a million rows per keystroke.
    person_ids = {identity.person_id for identity in identities}
    visible = set(visible_to(user, Person).filter(pk__in=person_ids).values_list("pk", flat=True))
    identities = [identity for identity in identities if identity.person_id in visible]
    best = _best_record_per_person(features, identities)
    shown = [c for c in best.values() if c.score.match_probability >= SHOW_FROM_PROBABILITY]
    return sorted(shown, key=lambda c: -c.score.match_weight)[:limit]


def compare_with_people(typed: dict[str, Any], people: Iterable[Person]) -> dict[int, PairScore]:
    """How a record being typed compares, field by field, with each of these people (already found and
    already visible to the user): the verdicts of the person's best-scoring agency record."""
    identities = list(
        SourceIdentity.objects.filter(person__in=list(people)).select_related("person", "agency")
    )
    best = _best_record_per_person(record_features(typed, SHORT_FORMS), identities)
    return {person_id: candidate.score for person_id, candidate in best.items()}


def _best_record_per_person(
    features: dict[str, Any], identities: list[SourceIdentity]
) -> dict[int, Candidate]:
    addresses = latest_addresses(i.pk for i in identities)
    weights = active_weights()
    best: dict[int, Candidate] = {}
    for identity in identities:
        theirs = record_features(identity_record(identity, addresses.get(identity.pk)), SHORT_FORMS)
        result = score(features, theirs, weights)
        current = best.get(identity.person_id)
        if current is None or result.match_weight > current.score.match_weight:
            best[identity.person_id] = Candidate(identity.person, identity, result)
    return best
