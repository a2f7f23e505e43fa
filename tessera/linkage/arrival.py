"""Matching on arrival: new or changed source identities against the index, at once.

The people app's hooks call ``match_on_arrival`` (one identity, inside the transaction that stored it)
and ``match_chunk_on_arrival`` (an import chunk's new identities, stored together). Both find candidates
as search before create does (the record's blocking keys in the one match-key index, the people sharing
most keys first), score them with the active model's weights in pure Python, and decide with one pure
function, ``decide``: the identity clustered with its candidates by the same function and safety rules as
a batch run (``clustering.cluster``; people as they stand and people's "not the same" decisions included).

- a certain match (the model's automatic band) that no rule refuses joins the person, merged by
  ``people.services.merge_persons`` in the name of whoever stored the record, if they may merge both
  people; otherwise the pair waits for someone who may;
- a possible match, or a certain one held back, goes to the review queue straight away, with the rule's
  reason; an adult and a child are offered to no one.

A chunk is decided as if its records had arrived one after another in order: record n sees the chunk's
earlier records (and the people they joined) and none of the later ones. Only the look-ups are shared:
the keys of the whole chunk in one query, the candidates' records in two, and the review pairs written
together at the end.

Matching looks first (reads the people, decides every record, writes nothing) and then writes what it
decided in a savepoint; if the writes find the people changed since (merged elsewhere, restricted), it
looks again once at the people as they now stand, and after a second change leaves each certain match to
the review queue (ADR 0034).

Nothing is compared before a model has been trained: batch runs train, retrain and re-cluster everything.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404

from tessera.access.policy import Action, allowed_ids
from tessera.access.scope import forget_scope
from tessera.accounts.models import User
from tessera.linkage.bands import Band, Bands
from tessera.linkage.clustering import RecordFacts, SafetyRule, cluster, safety_rules
from tessera.linkage.features import record_features
from tessera.linkage.match_keys import keys_for
from tessera.linkage.model_spec import SPEC_VERSION
from tessera.linkage.models import LinkageModel, MatchLabel, PairStatus, ReviewPair
from tessera.linkage.review_words import (
    CHANGED_WHILE_MATCHING,
    CHANGED_WHILE_MATCHING_RULE,
    NOT_THEIRS_TO_MERGE,
    NOT_YOURS_TO_MERGE_RULE,
)
from tessera.linkage.safety import facts_of, hold_for_review
from tessera.linkage.scoring import score
from tessera.people.arrival import Arrival
from tessera.people.match_index import StoredRecord, stored_records
from tessera.people.models import MatchKey, Person, SourceIdentity
from tessera.people.services import MergeRefusedError, NewcomerMerge, merge_newcomers

# People compared per arriving record: those sharing the most blocking keys with it first. A key shared
# with thousands (a common name's sound and a year) must not make one import row cost seconds.
MAX_PEOPLE = 200
# A reason through another record can be longer than the pair's field holds; the rule's name is kept whole.
REASON_LENGTH = ReviewPair._meta.get_field("held_back_because").max_length or 200
logger = logging.getLogger(__name__)
NO_MODEL = "No linkage model has been trained yet: the first linkage run matches it"


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


@dataclass(frozen=True, slots=True)
class Compared:
    """One stored record as matching compares it: its linkage features and what the safety rules need."""

    pk: int
    features: dict[str, Any]
    facts: RecordFacts


def compared(stored: StoredRecord) -> Compared:
    features = record_features(stored.record)
    year = stored.received_at.year if stored.received_at is not None else None
    return Compared(stored.pk, features, facts_of(features, recorded_year=year))


@dataclass(frozen=True)
class Scored:
    """A candidate record scored against the arriving one."""

    pk: int
    person_id: int
    facts: RecordFacts
    probability: float
    weight: float


@dataclass(frozen=True)
class Offer:
    """A pair for the review queue, with the rule that held it back (if any) and why."""

    scored: Scored
    reason: str
    rule: str


@dataclass(frozen=True)
class Decision:
    """What should happen to one arriving record: decided by ``decide`` from the records alone."""

    join: tuple[Scored, ...]  # each person put with the record, by their strongest record, strongest first
    offers: tuple[Offer, ...]  # pairs for the review queue, one per person not joined
    not_offered: int  # people a safety rule says are no likely match at all


def ranked_people(counts: Mapping[int, int]) -> list[int]:
    """The people compared with a record, from how many of its blocking keys each shares: most shared
    first, then by id, at most ``MAX_PEOPLE`` (the order the one-record look-up's query gives)."""
    return sorted(counts, key=lambda person: (-counts[person], person))[:MAX_PEOPLE]


def decide(
    new: Compared,
    new_person: int,
    records: Sequence[tuple[Compared, int]],
    apart: Collection[tuple[int, int]],
    model: _Model,
) -> Decision:
    """Decide one arriving record against its candidates. Pure.

    ``records`` are (record, person) for every record of the candidate people and of the arriving record's
    own person (itself included), in record order; ``apart`` the pairs people have decided are not the same.
    The record is clustered as a run would: each person's records stay together, people's "not the same"
    decisions stand, and only certain edges from the new record count.
    """
    scored = []
    for record, person in records:
        if person != new_person:
            pair_score = score(new.features, record.features, model.weights)
            scored.append(
                Scored(record.pk, person, record.facts, pair_score.match_probability, pair_score.match_weight)
            )
    facts = {record.pk: record.facts for record, _ in records} | {new.pk: new.facts}
    by_person: dict[int, list[int]] = {}
    for record, person in records:
        by_person.setdefault(person, []).append(record.pk)
    together = [(members[0], other) for members in by_person.values() for other in members[1:]]
    ids = set(facts)
    cannot = [pair for pair in apart if new.pk in pair and (pair[0] in ids and pair[1] in ids)]
    edges = [
        (new.pk, s.pk, s.probability) for s in scored if model.bands.band_of(s.probability) is Band.CERTAIN
    ]
    result = cluster(list(facts), edges, facts, must_link=together, cannot_link=cannot, rules=model.rules)
    mine = result.cluster_of[new.pk]

    best: dict[int, Scored] = {}
    for s in scored:
        if result.cluster_of[s.pk] == mine:
            current = best.get(s.person_id)
            if current is None or s.probability > current.probability:
                best[s.person_id] = s
    join = tuple(sorted(best.values(), key=lambda s: -s.probability))

    # Each person not joined whom the model puts at a possible match (or held back from a certain one):
    # their best record that may be offered at all goes to the review queue.
    not_offered: set[int] = set()
    offered: dict[int, Offer] = {}
    for s in sorted(scored, key=lambda s: -s.probability):
        if s.person_id in offered or result.cluster_of[s.pk] == mine:
            continue
        pair = (min(new.pk, s.pk), max(new.pk, s.pk))
        refused = pair in result.reasons
        if model.bands.band_of(s.probability) is Band.UNLIKELY and not refused:
            continue
        hold = hold_for_review(new.facts, s.facts, model.rules)
        if hold is not None and not hold.offered:
            not_offered.add(s.person_id)
            continue
        if refused:
            offered[s.person_id] = Offer(s, result.reasons[pair], result.rules[pair])
        else:
            offered[s.person_id] = Offer(s, hold.rule.reason, hold.rule.name) if hold else Offer(s, "", "")
    return Decision(join, tuple(offered.values()), len(not_offered - offered.keys()))


# ---------------------------------------------------------------------------------------------------
# One identity


def match_on_arrival(identity: SourceIdentity, actor: User) -> Arrival:
    """Match one stored identity now (see the module's docstring)."""
    model = _active_model()
    if model is None:
        return Arrival(skipped=NO_MODEL)

    def look(merging: bool) -> _Look:
        queue = _Queue(model)
        merges = _Merges(
            merging, lambda *people: allowed_ids(actor, Action.MERGE, Person, list(people)) == set(people)
        )
        look = _Look(queue, merges, [identity.pk])
        own = [compared(stored) for stored in stored_records([identity.person_id])]
        new = next(record for record in own if record.pk == identity.pk)
        people = _candidate_people(keys_for(new.features), exclude=identity.person_id)
        if not people:
            return look
        records = [(compared(stored), stored.person_id) for stored in stored_records(people)]
        records = sorted([*records, *((record, identity.person_id) for record in own)], key=lambda r: r[0].pk)
        decision = decide(new, identity.person_id, records, _apart([identity.pk]), model)
        look.decided(0, decision, _join(identity.pk, identity.person_id, decision, model, queue, merges))
        return look

    return _written(look, actor)[0]


def _candidate_people(keys: Iterable[str], *, exclude: int) -> list[int]:
    keys = sorted(keys)
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


# ---------------------------------------------------------------------------------------------------
# A chunk of new identities


def match_chunk_on_arrival(identities: Sequence[SourceIdentity], actor: User) -> list[Arrival]:
    """Match a chunk of just-stored new identities, each a person of its own, as if one after another."""
    model = _active_model()
    if model is None:
        return [Arrival(skipped=NO_MODEL) for _ in identities]

    def look(merging: bool) -> _Look:
        chunk = _Chunk(identities, actor)
        queue = _Queue(model, new_records=True)
        merges = _Merges(merging, lambda *people: chunk.may_merge(people), then=chunk.merged)
        look = _Look(queue, merges, [identity.pk for identity in identities])
        for n, identity in enumerate(identities):
            people = chunk.candidates(n)
            if not people:
                continue
            new = chunk.new[identity.pk]
            records = chunk.records_of([*people, identity.person_id])
            decision = decide(new, identity.person_id, records, chunk.apart, model)
            look.decided(n, decision, _join(identity.pk, identity.person_id, decision, model, queue, merges))
        return look

    return _written(look, actor)


# What writing a look's merges meets when the people it read have changed since (one merged into
# someone else, restricted, or out of the storer's districts now), another session having committed
# in between: ``merge_persons`` and ``merge_newcomers`` refuse, and the look is taken again.
_CHANGED_SINCE = (MergeRefusedError, PermissionDenied, Http404)


def _written(look: Callable[[bool], _Look], actor: User) -> list[Arrival]:
    """Look (read the people, decide each record) and write what was decided; when the writing finds the
    people changed since the look, look again, once, at the people as they now stand (their access scope
    read afresh). Should they have changed again, a last look merges no one: each certain match waits in
    the review queue saying so. The records themselves are the caller's and stay stored whatever happens,
    and nothing is ever merged past the access policy (the writes check it again)."""
    for merging in (True, True):
        decided = look(merging)
        try:
            with transaction.atomic():  # a savepoint: a refused write leaves nothing of the look behind
                return decided.write(actor)
        except _CHANGED_SINCE as changed:
            logger.info("Matching on arrival looked again: %s", changed)
            forget_scope(actor)
    return look(False).write(actor)


class _Look:
    """What one look at a record (or a chunk of them) decided, written together by ``write``."""

    def __init__(self, queue: _Queue, merges: _Merges, identities: Sequence[int]) -> None:
        self.queue = queue
        self.merges = merges
        self.identities = list(identities)
        self.joined: list[list[int]] = [[] for _ in identities]
        self.not_offered = [0 for _ in identities]

    def decided(self, n: int, decision: Decision, joined: list[int]) -> None:
        for offer in decision.offers:
            self.queue.add(self.identities[n], offer)
        self.joined[n] = joined
        self.not_offered[n] = decision.not_offered

    def write(self, actor: User) -> list[Arrival]:
        merge_newcomers(actor, self.merges.merges)
        pairs = self.queue.write()
        return [
            Arrival(tuple(joined), tuple(pairs[identity]), count)
            for identity, joined, count in zip(self.identities, self.joined, self.not_offered, strict=True)
        ]


class _Chunk:
    """What the chunk's matching knows, kept as the chunk's records arrive one after another.

    The blocking keys of the whole chunk are read in one query: who holds each key (the chunk's own new
    people included, each from the moment its record arrives). The records of the people a first look
    finds are read in two more; a person the merges bring into view later is read when first needed. A
    merge moves the absorbed person's keys and records to the survivor, as ``merge_persons`` does in the
    index, so later records see the people as they now stand.
    """

    def __init__(self, identities: Sequence[SourceIdentity], actor: User) -> None:
        self.actor = actor
        # Who the storer may merge, asked once for everyone the chunk reads. Their own merges never change
        # it: the people they merge stay theirs to see (a carried restriction names them), and a newcomer
        # from a partner's file only widens who sees the person it joins.
        self.mergeable: set[int] = set()
        self.asked: set[int] = set()
        self.order = [identity.person_id for identity in identities]
        own = stored_records(self.order)
        self.new = {stored.pk: compared(stored) for stored in own}
        self.keys = [sorted(keys_for(self.new[identity.pk].features)) for identity in identities]
        self.holders: dict[str, set[int]] = defaultdict(set)
        self.keys_of: dict[int, set[str]] = defaultdict(set)
        wanted = sorted({key for keys in self.keys for key in keys})
        for key, person in MatchKey.objects.filter(key__in=wanted).values_list("key", "person_id"):
            self.holders[key].add(person)
            self.keys_of[person].add(key)
        self.arrived: set[int] = set()
        self.records: dict[int, list[Compared]] = {}
        for stored in own:
            self.records.setdefault(stored.person_id, []).append(self.new[stored.pk])
        # Records made in this transaction: no one has decided anything about them, nor been offered them.
        self.apart: set[tuple[int, int]] = set()
        # A first look with the whole chunk's keys: the people the records will most likely need.
        later = set(self.order)
        first_look = {p for n in range(len(identities)) for p in self._ranked(n, lambda p: p in later)}
        self._read(first_look | later)

    def _ranked(self, n: int, hidden: Callable[[int], bool]) -> list[int]:
        counts: Counter[int] = Counter()
        own = self.order[n]
        for key in self.keys[n]:
            for person in self.holders.get(key, ()):
                if person != own and not hidden(person):
                    counts[person] += 1
        return ranked_people(counts)

    def candidates(self, n: int) -> list[int]:
        """The people the chunk's record ``n`` is compared with, as the one-record look-up would find them
        with records 0..n-1 stored and matched: the chunk's later people are not there yet."""
        self.arrived.add(self.order[n])
        later = set(self.order) - self.arrived
        people = self._ranked(n, lambda p: p in later)
        self._read([p for p in people if p not in self.records])
        return people

    def _read(self, people: Iterable[int]) -> None:
        """Read the records of the people not read yet, and whether the storer may merge them."""
        wanted = set(people)
        missing = sorted(wanted - self.records.keys())
        for stored in stored_records(missing) if missing else ():
            self.records.setdefault(stored.person_id, []).append(compared(stored))
        for person in missing:
            self.records.setdefault(person, [])
        unasked = sorted(wanted - self.asked)
        if unasked:
            self.mergeable |= allowed_ids(self.actor, Action.MERGE, Person, unasked)
            self.asked.update(unasked)

    def records_of(self, people: Iterable[int]) -> list[tuple[Compared, int]]:
        return sorted(
            ((record, person) for person in dict.fromkeys(people) for record in self.records.get(person, ())),
            key=lambda r: r[0].pk,
        )

    def may_merge(self, people: Iterable[int]) -> bool:
        return all(person in self.mergeable for person in people)

    def merged(self, survivor: int, absorbed: int) -> None:
        self._read([survivor, absorbed])
        self.records[survivor] = self.records[survivor] + self.records.pop(absorbed, [])
        self.records[absorbed] = []
        for key in self.keys_of.pop(absorbed, set()):
            self.holders[key].discard(absorbed)
            self.holders[key].add(survivor)
            self.keys_of[survivor].add(key)


# ---------------------------------------------------------------------------------------------------
# Acting on a decision: the same for one identity and for a chunk


def _join(
    identity: int,
    person_id: int,
    decision: Decision,
    model: _Model,
    queue: _Queue,
    merges: _Merges,
) -> list[int]:
    """Merge every person the decision puts with the new record, in the storer's name where they may (the
    rest wait for someone who may merge both). Returns the people joined."""
    joined: list[int] = []
    for evidence in decision.join:
        survivor, absorbed = sorted((merges.current(person_id), merges.current(evidence.person_id)))
        if survivor == absorbed:
            continue
        if not merges.merging:
            queue.add(identity, Offer(evidence, CHANGED_WHILE_MATCHING, CHANGED_WHILE_MATCHING_RULE))
            continue
        if not merges.may_merge(survivor, absorbed):
            # Never merged behind a restriction or outside the storer's districts: someone who may decides.
            queue.add(identity, Offer(evidence, NOT_THEIRS_TO_MERGE, NOT_YOURS_TO_MERGE_RULE))
            continue
        merges.add(
            NewcomerMerge(
                survivor,
                absorbed,
                reason=f"Matched on arrival by linkage model v{model.version} (match probability "
                f"{evidence.probability:.3f}, at least {model.bands.auto_link})",
                context={"on_arrival": True, "model_version": model.version, "identity": identity},
            )
        )
        joined.append(evidence.person_id)
    return joined


class _Merges:
    """The merges one look decides, in order, written together once it has decided every record
    (``merge_newcomers``: a newcomer's merge with the others, any other by ``merge_persons`` in its place).
    The people as they stand meanwhile are followed here (``current``); ``then`` moves them in a chunk's
    view (``_Chunk.merged``) as each merge is decided."""

    def __init__(
        self,
        merging: bool,
        may_merge: Callable[..., bool],
        *,
        then: Callable[[int, int], None] | None = None,
    ) -> None:
        self.merging = merging  # False: the people changed twice under the looks, so no one is merged
        self.may_merge = may_merge  # whether the storer may merge these people (ids)
        self.then = then
        self.into: dict[int, int] = {}
        self.merges: list[NewcomerMerge] = []

    def current(self, person_id: int) -> int:
        while person_id in self.into:
            person_id = self.into[person_id]
        return person_id

    def add(self, merge: NewcomerMerge) -> None:
        self.merges.append(merge)
        self.into[merge.absorbed] = merge.survivor
        if self.then is not None:
            self.then(merge.survivor, merge.absorbed)


class _Queue:
    """Review pairs to put in the queue (or refresh while still waiting), written together: a pair a person
    has already decided is never offered again. ``new_records``: every pair has a record made in this
    transaction, so none can have been decided or offered before."""

    def __init__(self, model: _Model, *, new_records: bool = False) -> None:
        self.model = model
        self.new_records = new_records
        self.pairs: dict[tuple[int, int], tuple[int, dict[str, Any]]] = {}

    def add(self, identity: int, offer: Offer) -> None:
        pair = (min(identity, offer.scored.pk), max(identity, offer.scored.pk))
        self.pairs.pop(pair, None)  # a later offer of the same pair refreshes it, as a second write would
        self.pairs[pair] = (
            identity,
            {
                "match_probability": offer.scored.probability,
                "match_weight": offer.scored.weight,
                "model_id": self.model.pk,
                "run": None,
                "held_back_because": offer.reason[:REASON_LENGTH],
                "held_back_rule": offer.rule,
            },
        )

    def write(self) -> dict[int, list[int]]:
        """Write the pairs; returns, for each arriving identity, the ids of its pairs now waiting."""
        queued: dict[int, list[int]] = defaultdict(list)
        if not self.pairs:
            return queued
        lefts = {left for left, _ in self.pairs}
        rights = {right for _, right in self.pairs}
        decided = set(
            MatchLabel.objects.filter(
                left_id__in=lefts, right_id__in=rights, superseded_by__isnull=True
            ).values_list("left_id", "right_id")
        )
        existing = {
            (pair.left_id, pair.right_id): pair
            for pair in ReviewPair.objects.filter(left_id__in=lefts, right_id__in=rights)
        }
        waiting: list[tuple[int, ReviewPair]] = []
        for (left, right), (identity, fields) in self.pairs.items():
            if (left, right) in decided:
                continue
            pair = existing.get((left, right))
            if pair is None:
                waiting.append((identity, ReviewPair(left_id=left, right_id=right, **fields)))
            elif pair.status == PairStatus.WAITING:
                ReviewPair.objects.filter(pk=pair.pk).update(**fields)
                waiting.append((identity, pair))
        ReviewPair.objects.bulk_create([pair for _, pair in waiting if pair.pk is None])
        for identity, pair in waiting:
            queued[identity].append(pair.pk)
        return queued


def _apart(identities: Iterable[int]) -> set[tuple[int, int]]:
    """Pairs with these records that a person has decided are not the same (standing decisions)."""
    ids = list(identities)
    return set(
        MatchLabel.objects.filter(superseded_by__isnull=True, is_match=False)
        .filter(Q(left_id__in=ids) | Q(right_id__in=ids))
        .values_list("left_id", "right_id")
    )


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
