"""Matching on arrival: one new or changed source identity against the index, at once.

The people app's hook (``people.arrival.identity_arrived``) calls ``match_on_arrival`` inside the
transaction that stored the identity. It finds candidates as search before create does (the record's
blocking keys in the one match-key index), scores them with the active model's weights in pure Python,
and clusters the identity with them by the same function and safety rules as a batch run
(``clustering.cluster``; people as they stand and people's "not the same" decisions included):

- a certain match (the model's automatic band) that no rule refuses joins the person, merged by
  ``people.services.merge_persons`` in the name of whoever stored the record, if they may merge both
  people; otherwise the pair waits for someone who may;
- a possible match, or a certain one held back, goes to the review queue straight away, with the rule's
  reason; an adult and a child are offered to no one.

Nothing is compared before a model has been trained: batch runs train, retrain and re-cluster everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q

from tessera.access.policy import Action, can
from tessera.accounts.models import User
from tessera.linkage.bands import Band, Bands
from tessera.linkage.clustering import Clustering, RecordFacts, SafetyRule, cluster, safety_rules
from tessera.linkage.features import record_features
from tessera.linkage.match_keys import keys_for
from tessera.linkage.model_spec import SPEC_VERSION
from tessera.linkage.models import LinkageModel, MatchLabel, PairStatus, ReviewPair
from tessera.linkage.review_words import NOT_THEIRS_TO_MERGE, NOT_YOURS_TO_MERGE_RULE
from tessera.linkage.safety import facts_of, hold_for_review
from tessera.linkage.scoring import score
from tessera.linkage.services import _current_person
from tessera.people.arrival import Arrival
from tessera.people.match_index import identity_record, latest_addresses
from tessera.people.models import MatchKey, SourceIdentity
from tessera.people.services import merge_persons

# People compared per arriving record: those sharing the most blocking keys with it first. A key shared
# with thousands (a common name's sound and a year) must not make one import row cost seconds.
MAX_PEOPLE = 200


@dataclass(frozen=True)
class _Model:
    pk: int
    version: int
    bands: Bands
    weights: dict[str, Any]

    @property
    def rules(self) -> tuple[SafetyRule, ...]:
        # The safety rules of the batch run that trained this model (``engine.rules_for``).
        return safety_rules(bool(self.weights.get("households", True)))


@dataclass(frozen=True)
class _Scored:
    identity: SourceIdentity
    facts: RecordFacts
    probability: float
    weight: float


def match_on_arrival(identity: SourceIdentity, actor: User) -> Arrival:
    """Match one stored identity now (see the module's docstring)."""
    model = _active_model()
    if model is None:
        return Arrival(skipped="No linkage model has been trained yet: the first linkage run matches it")
    features = _features(identity, latest_addresses([identity.pk]).get(identity.pk))
    people = _candidate_people(features, exclude=identity.person_id)
    if not people:
        return Arrival()
    theirs = list(SourceIdentity.objects.filter(person_id__in=[*people, identity.person_id]))
    addresses = latest_addresses(i.pk for i in theirs)
    facts: dict[int, RecordFacts] = {}
    scored = []
    for record in theirs:
        their_features = features if record.pk == identity.pk else _features(record, addresses.get(record.pk))
        facts[record.pk] = facts_of(their_features, recorded_year=record.received_at.year)
        if record.person_id != identity.person_id:
            result = score(features, their_features, model.weights)
            scored.append(_Scored(record, facts[record.pk], result.match_probability, result.match_weight))
    clustering = _cluster(identity, theirs, scored, facts, model)
    joined, waiting = _join(identity, actor, model, clustering, scored)
    queued, not_offered = _queue(identity, facts[identity.pk], model, clustering, scored, joined)
    return Arrival(tuple(joined), tuple(waiting + queued), not_offered)


@lru_cache(maxsize=4)
def _weights_of(pk: int) -> dict[str, Any]:
    # A trained model never changes (a retrain is a new version), so its weights are read once.
    weights: dict[str, Any] = LinkageModel.objects.values_list("weights", flat=True).get(pk=pk)
    return weights


def _active_model() -> _Model | None:
    row = (
        LinkageModel.objects.filter(is_active=True, spec_version=SPEC_VERSION)
        .values_list("pk", "version", "auto_link_threshold", "review_threshold")
        .first()
    )
    if row is None:
        return None
    pk, version, auto, review = row
    weights = _weights_of(pk)
    return _Model(pk, version, Bands(auto_link=auto, review=review), weights) if weights else None


def _features(identity: SourceIdentity, address: Any) -> dict[str, Any]:
    return record_features(identity_record(identity, address))


def _candidate_people(features: dict[str, Any], *, exclude: int) -> list[int]:
    keys = sorted(keys_for(features))
    if not keys:
        return []
    rows = (
        MatchKey.objects.filter(key__in=keys)
        .exclude(person_id=exclude)
        .values("person_id")
        .annotate(shared=Count("key"))
        .order_by("-shared", "person_id")
        .values_list("person_id", flat=True)[:MAX_PEOPLE]
    )
    return list(rows)


def _cluster(
    identity: SourceIdentity,
    records: list[SourceIdentity],
    scored: list[_Scored],
    facts: dict[int, RecordFacts],
    model: _Model,
) -> Clustering:
    """The arriving record with its candidates, clustered as a run would: each person's records stay
    together, people's "not the same" decisions stand, and only certain edges from the new record count."""
    ids = [r.pk for r in records]
    by_person: dict[int, list[int]] = {}
    for record in records:
        by_person.setdefault(record.person_id, []).append(record.pk)
    together = [(members[0], other) for members in by_person.values() for other in members[1:]]
    apart = list(
        MatchLabel.objects.filter(superseded_by__isnull=True, is_match=False)
        .filter(Q(left_id=identity.pk, right_id__in=ids) | Q(right_id=identity.pk, left_id__in=ids))
        .values_list("left_id", "right_id")
    )
    edges = [
        (identity.pk, s.identity.pk, s.probability)
        for s in scored
        if model.bands.band_of(s.probability) is Band.CERTAIN
    ]
    return cluster(ids, edges, facts, must_link=together, cannot_link=apart, rules=model.rules)


def _join(
    identity: SourceIdentity, actor: User, model: _Model, result: Clustering, scored: list[_Scored]
) -> tuple[list[int], list[int]]:
    """Merge every person the clustering put with the new record, in the storer's name where they may;
    returns the people joined and the pairs left waiting for someone who may merge both."""
    mine = result.cluster_of[identity.pk]
    best: dict[int, _Scored] = {}
    for s in scored:
        if result.cluster_of[s.identity.pk] == mine:
            current = best.get(s.identity.person_id)
            if current is None or s.probability > current.probability:
                best[s.identity.person_id] = s
    joined: list[int] = []
    waiting: list[int] = []
    for person_id, evidence in sorted(best.items(), key=lambda item: -item[1].probability):
        survivor, absorbed = sorted(
            (_current_person(identity.person_id), _current_person(person_id)), key=lambda p: p.pk
        )
        if survivor.pk == absorbed.pk:
            continue
        if not (can(actor, Action.MERGE, survivor) and can(actor, Action.MERGE, absorbed)):
            # Never merged behind a restriction or outside the storer's districts: someone who may decides.
            pair = _wait(identity, evidence, model, NOT_THEIRS_TO_MERGE, NOT_YOURS_TO_MERGE_RULE)
            waiting += [pair] if pair is not None else []
            continue
        merge_persons(
            actor,
            survivor=survivor,
            absorbed=absorbed,
            reason=f"Matched on arrival by linkage model v{model.version} (match probability "
            f"{evidence.probability:.3f}, at least {model.bands.auto_link})",
            context={"on_arrival": True, "model_version": model.version, "identity": identity.pk},
        )
        joined.append(person_id)
    return joined, waiting


def _queue(
    identity: SourceIdentity,
    new: RecordFacts,
    model: _Model,
    result: Clustering,
    scored: list[_Scored],
    joined: list[int],
) -> tuple[list[int], int]:
    """Each person not joined whom the model puts at a possible match (or held back from a certain one):
    their best record that may be offered at all goes to the review queue now."""
    mine = result.cluster_of[identity.pk]
    queued: list[int] = []
    not_offered: set[int] = set()
    offered: dict[int, tuple[_Scored, str, str]] = {}
    for s in sorted(scored, key=lambda s: -s.probability):
        person = s.identity.person_id
        if person in joined or person in offered or result.cluster_of[s.identity.pk] == mine:
            continue
        pair = (min(identity.pk, s.identity.pk), max(identity.pk, s.identity.pk))
        refused = pair in result.reasons
        if model.bands.band_of(s.probability) is Band.UNLIKELY and not refused:
            continue
        hold = hold_for_review(new, s.facts, model.rules)
        if hold is not None and not hold.offered:
            not_offered.add(person)
            continue
        if refused:
            offered[person] = (s, result.reasons[pair], result.rules[pair])
        else:
            offered[person] = (s, hold.rule.reason, hold.rule.name) if hold else (s, "", "")
    for s, reason, rule in offered.values():
        pair_id = _wait(identity, s, model, reason, rule)
        if pair_id is not None:
            queued.append(pair_id)
    return queued, len(not_offered - offered.keys())


def _wait(identity: SourceIdentity, s: _Scored, model: _Model, reason: str, rule: str) -> int | None:
    """Put the pair in the queue (or refresh it if still waiting); None if a person already decided it."""
    left, right = sorted((identity.pk, s.identity.pk))
    if MatchLabel.objects.filter(left_id=left, right_id=right, superseded_by__isnull=True).exists():
        return None
    fields = {
        "match_probability": s.probability,
        "match_weight": s.weight,
        "model_id": model.pk,
        "run": None,
        "held_back_because": reason,
        "held_back_rule": rule,
    }
    pair, created = ReviewPair.objects.get_or_create(left_id=left, right_id=right, defaults=fields)
    if created:
        return pair.pk
    if pair.status != PairStatus.WAITING:
        return None
    ReviewPair.objects.filter(pk=pair.pk).update(**fields)
    return pair.pk
