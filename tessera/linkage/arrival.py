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

Nothing is compared before a model has been trained: batch runs train, retrain and re-cluster everything.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q

from tessera.access.policy import Action, allowed_ids
from tessera.accounts.models import User
from tessera.linkage.bands import Band, Bands
from tessera.linkage.clustering import RecordFacts, SafetyRule, cluster, safety_rules
from tessera.linkage.features import record_features
from tessera.linkage.match_keys import keys_for
from tessera.linkage.model_spec import SPEC_VERSION
from tessera.linkage.models import LinkageModel, MatchLabel, PairStatus, ReviewPair
from tessera.linkage.review_words import NOT_THEIRS_TO_MERGE, NOT_YOURS_TO_MERGE_RULE
from tessera.linkage.safety import facts_of, hold_for_review
from tessera.linkage.scoring import score
from tessera.linkage.services import _current_person
from tessera.people.arrival import Arrival
from tessera.people.match_index import StoredRecord, stored_records
from tessera.people.models import MatchKey, Person, SourceIdentity
from tessera.people.services import NewcomerMerge, merge_newcomers, merge_persons

# People compared per arriving record: those sharing the most blocking keys with it first. A key shared
# with thousands (a common name's sound and a year) must not make one import row cost seconds.
MAX_PEOPLE = 200
# A reason through another record can be longer than the pair's field holds; the rule's name is kept whole.
REASON_LENGTH = ReviewPair._meta.get_field("held_back_because").max_length or 200
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
    own = [compared(stored) for stored in stored_records([identity.person_id])]
    new = next(record for record in own if record.pk == identity.pk)
    people = _candidate_people(keys_for(new.features), exclude=identity.person_id)
    if not people:
        return Arrival()
    records = [(compared(stored), stored.person_id) for stored in stored_records(people)]
    records = sorted([*records, *((record, identity.person_id) for record in own)], key=lambda r: r[0].pk)
    decision = decide(new, identity.person_id, records, _apart([identity.pk]), model)
    queue = _Queue(model)
    joined = _join(identity.pk, identity.person_id, decision, actor, model, queue, _Merger())
    for offer in decision.offers:
        queue.add(identity.pk, offer)
    pairs = queue.write()
    return Arrival(tuple(joined), tuple(pairs[identity.pk]), decision.not_offered)


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
    chunk = _Chunk(identities, actor)
    queue = _Queue(model, new_records=True)
    merger = _ChunkMerger(chunk)
    joined_by: list[list[int]] = []
    not_offered: list[int] = []
    for n, identity in enumerate(identities):
        people = chunk.candidates(n)
        if not people:
            joined_by.append([])
            not_offered.append(0)
            continue
        new = chunk.new[identity.pk]
        records = chunk.records_of([*people, identity.person_id])
        decision = decide(new, identity.person_id, records, chunk.apart, model)
        joined = _join(identity.pk, identity.person_id, decision, actor, model, queue, merger)
        for offer in decision.offers:
            queue.add(identity.pk, offer)
        joined_by.append(joined)
        not_offered.append(decision.not_offered)
    merger.write(actor)
    pairs = queue.write()
    return [
        Arrival(tuple(joined), tuple(pairs[identity.pk]), count)
        for identity, joined, count in zip(identities, joined_by, not_offered, strict=True)
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
    actor: User,
    model: _Model,
    queue: _Queue,
    merger: _Merger,
) -> list[int]:
    """Merge every person the decision puts with the new record, in the storer's name where they may (the
    rest wait for someone who may merge both). Returns the people joined."""
    joined: list[int] = []
    for evidence in decision.join:
        survivor, absorbed = sorted((merger.current(person_id), merger.current(evidence.person_id)))
        if survivor == absorbed:
            continue
        if not merger.may_merge(actor, survivor, absorbed):
            # Never merged behind a restriction or outside the storer's districts: someone who may decides.
            queue.add(identity, Offer(evidence, NOT_THEIRS_TO_MERGE, NOT_YOURS_TO_MERGE_RULE))
            continue
        merge = NewcomerMerge(
            survivor,
            absorbed,
            reason=f"Matched on arrival by linkage model v{model.version} (match probability "
            f"{evidence.probability:.3f}, at least {model.bands.auto_link})",
            context={"on_arrival": True, "model_version": model.version, "identity": identity},
        )
        # The arriving record's own person, as it was created: merged with the chunk's other newcomers.
        merger.merge(actor, merge, newcomer=absorbed == person_id)
        joined.append(evidence.person_id)
    return joined


class _Merger:
    """Merges in the storer's name, each at once (``merge_newcomers`` for the arriving record's own new
    person, ``merge_persons`` otherwise); the people as they now stand by id."""

    def current(self, person_id: int) -> int:
        return _current_person(person_id).pk

    def may_merge(self, actor: User, *people: int) -> bool:
        return allowed_ids(actor, Action.MERGE, Person, list(people)) == set(people)

    def merge(self, actor: User, merge: NewcomerMerge, *, newcomer: bool) -> None:
        if newcomer:
            merge_newcomers(actor, [merge])
        else:
            merge_persons(
                actor,
                survivor=Person.objects.get(pk=merge.survivor),
                absorbed=Person.objects.get(pk=merge.absorbed),
                reason=merge.reason,
                context=merge.context,
            )


class _ChunkMerger(_Merger):
    """A chunk's merges: a newcomer's kept until the chunk ends (or until a merge of two people known
    already, which needs the database as it stands) and written together; the chunk's view of the people
    (``_Chunk.merged``) follows each at once."""

    def __init__(self, chunk: _Chunk) -> None:
        self.chunk = chunk
        self.into: dict[int, int] = {}
        self.waiting: list[NewcomerMerge] = []

    def current(self, person_id: int) -> int:
        while person_id in self.into:
            person_id = self.into[person_id]
        return person_id

    def may_merge(self, actor: User, *people: int) -> bool:
        return self.chunk.may_merge(people)

    def merge(self, actor: User, merge: NewcomerMerge, *, newcomer: bool) -> None:
        if newcomer:
            self.waiting.append(merge)
        else:
            self.write(actor)
            super().merge(actor, merge, newcomer=False)
        self.into[merge.absorbed] = merge.survivor
        self.chunk.merged(merge.survivor, merge.absorbed)

    def write(self, actor: User) -> None:
        merge_newcomers(actor, self.waiting)
        self.waiting = []


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
