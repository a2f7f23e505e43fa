"""Search before create, and linkage's check of a single new record: the people it may already be.

One lookup of the record's blocking keys in the people app's match-key index finds the people whose
records the model would compare it with; each of their records is scored in Python with the active
model's weights, best per person, and only people the user may see are returned. Each candidate says
which fields agree and which do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.linkage import engine
from tessera.linkage.clustering import never_offered
from tessera.linkage.features import record_features
from tessera.linkage.match_keys import keys_for
from tessera.linkage.model_spec import SPEC_VERSION, settings_for
from tessera.linkage.models import LinkageModel
from tessera.linkage.safety import facts_of
from tessera.linkage.scoring import PairScore, score
from tessera.people.match_index import identity_record, latest_addresses, people_sharing_keys
from tessera.people.models import Person, SourceIdentity

# People compared per search. People sharing a key with the typed record are read a page at a time and
# kept only if the user may see them, so people the user may not see (another district, a restriction)
# cannot crowd out the ones they may. After MAX_PAGES the search says it was narrowed.
MAX_PEOPLE = 300
MAX_PAGES = 8
SHOW_FROM_PROBABILITY = 0.01


@dataclass(frozen=True)
class Candidate:
    person: Person
    identity: SourceIdentity
    score: PairScore


@dataclass(frozen=True)
class CandidateSearch:
    candidates: list[Candidate]
    # True when more people shared the typed details than one search compares: the user is told
    # to add a date of birth or an identifier.
    narrowed: bool = False


@lru_cache(maxsize=1)
def _starting_weights() -> dict[str, Any]:
    """Before any model is trained: Splink's starting parameters, so search works on a new installation."""
    return engine.scoring_weights(settings_for("duckdb"))


def active_weights() -> dict[str, Any]:
    # A model trained under an earlier spec numbers its levels differently from today's scorer.
    model = LinkageModel.objects.filter(is_active=True, spec_version=SPEC_VERSION).only("weights").first()
    return model.weights if model and model.weights else _starting_weights()


def candidates_for(user: Actor, typed: dict[str, Any], *, limit: int = 5) -> CandidateSearch:
    features = record_features(typed)
    keys = keys_for(features)
    if not keys:
        return CandidateSearch([])
    identities, narrowed = _visible_records_sharing(user, sorted(keys))
    best = _best_record_per_person(features, identities)
    shown = [c for c in best.values() if c.score.match_probability >= SHOW_FROM_PROBABILITY]
    return CandidateSearch(sorted(shown, key=lambda c: -c.score.match_weight)[:limit], narrowed)


def _visible_records_sharing(user: Actor, keys: list[str]) -> tuple[list[SourceIdentity], bool]:
    """The records of up to MAX_PEOPLE people sharing a key with the typed record whom the user may see."""
    sharing = people_sharing_keys(keys)
    visible_ids: list[int] = []
    narrowed = True
    for page in range(MAX_PAGES):
        person_ids = list(sharing[page * MAX_PEOPLE : (page + 1) * MAX_PEOPLE])
        # Visibility is asked of these few people only: as a subquery over every person the user may see
        # it would cost a scan of a million rows per keystroke.
        visible_ids += visible_to(user, Person).filter(pk__in=person_ids).values_list("pk", flat=True)
        if len(person_ids) < MAX_PEOPLE:
            narrowed = False
            break
        if len(visible_ids) >= MAX_PEOPLE:
            break
    identities = list(
        SourceIdentity.objects.filter(person_id__in=visible_ids[:MAX_PEOPLE]).select_related(
            "person", "agency"
        )
    )
    return identities, narrowed


@dataclass(frozen=True)
class Comparisons:
    scores: dict[int, PairScore]  # person -> their best record's verdicts
    # People every one of whose records a safety rule says is no likely match for the typed record.
    ruled_out: frozenset[int]


def compare_with_people(typed: dict[str, Any], people: Iterable[Person]) -> Comparisons:
    """How a record being typed compares, field by field, with each of these people (already found and
    already visible to the user): the verdicts of the person's best-scoring agency record."""
    identities = list(
        SourceIdentity.objects.filter(person__in=list(people)).select_related("person", "agency")
    )
    best = _best_record_per_person(record_features(typed), identities)
    ruled_out = frozenset(i.person_id for i in identities) - best.keys()
    return Comparisons({person_id: c.score for person_id, c in best.items()}, ruled_out)


def _best_record_per_person(
    features: dict[str, Any], identities: list[SourceIdentity]
) -> dict[int, Candidate]:
    """Each person's best-scoring record against the typed one, leaving out records a safety rule says
    are no likely match for it (an adult's record when a child is typed): never suggested, however alike."""
    addresses = latest_addresses(i.pk for i in identities)
    weights = active_weights()
    typed = facts_of(features)
    best: dict[int, Candidate] = {}
    for identity in identities:
        theirs = record_features(identity_record(identity, addresses.get(identity.pk)))
        if never_offered(typed, facts_of(theirs, recorded_year=identity.received_at.year)):
            continue
        result = score(features, theirs, weights)
        current = best.get(identity.person_id)
        if current is None or result.match_weight > current.score.match_weight:
            best[identity.person_id] = Candidate(identity.person, identity, result)
    return best
