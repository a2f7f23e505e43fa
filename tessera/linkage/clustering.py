"""Turning scored pairs into people, as a pure function, without ever merging two people by chaining.

Plain connected components would let one vague record (no date of birth, a shared surname and address)
join two siblings into one person: A matches X, X matches B, so A is B. Here clusters grow one edge at a
time, strongest first, and an edge is refused when joining its two clusters would put together records
that cannot be one person:
- dates of birth that are both recorded and not plausibly the same date (see ``dates_compatible``),
- first names that are not plausibly one name (see ``names_compatible``): twins,
- a year of birth implied by an approximate age more than three years from the other's,
- two different NHS numbers or two different unique pupil numbers,
- a pair a person has decided are not the same.
Refused edges are returned so they can be put in front of a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz.distance import JaroWinkler

SAME_MONTH_DAYS = 31
# How far a year of birth estimated from an approximate age may be from a recorded one (practitioners'
# estimates run up to three years out); a parent and a child are far further apart.
APPROXIMATE_YEARS = 3
# The lowest first-name similarity level of the model (see model_spec): below it, names disagree.
NAME_SIMILARITY = 0.8


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What clustering needs to know of a record to refuse an impossible merge."""

    dob: str | None = None  # 'YYYY-MM-DD'
    nhs_number: str | None = None
    pupil_number: str | None = None
    given_name: str | None = None  # normalised, as in the linkage table
    given_forms: frozenset[str] = frozenset()
    other_names: frozenset[str] = frozenset()
    # When only an approximate age was recorded: the year of birth it implies.
    approx_birth_year: int | None = None


def names_compatible(a: RecordFacts, b: RecordFacts) -> bool:
    """Whether two first names could be one person's: the same, a short form, a slip, or a recorded alias.

    Twins share a surname, a birthday and a home; their first names are what tells them apart.
    """
    x, y = a.given_name, b.given_name
    if not x or not y or x == y:
        return True
    if a.given_forms & b.given_forms or x in b.other_names or y in a.other_names:
        return True
    # A slip in one record and a short form in the other ("Rebbeca", "Becky"): compare every form.
    return any(
        JaroWinkler.similarity(p, q) >= NAME_SIMILARITY
        for p in a.given_forms | {x}
        for q in b.given_forms | {y}
    )


def dates_compatible(a: str, b: str) -> bool:
    """Whether two recorded dates of birth could be one date written with a slip.

    Equal, day and month swapped, one digit different, or within a month of each other. Siblings other
    than twins are born at least about nine months apart, so none of these joins two siblings.
    """
    if a == b:
        return True
    if len(a) != 10 or len(b) != 10:
        return False
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    if sum(x != y for x, y in zip(a, b, strict=True)) <= 1:
        return True
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) <= SAME_MONTH_DAYS
    except ValueError:
        return False


@dataclass(slots=True)
class _Cluster:
    members: list[int]
    names: list[RecordFacts]
    dobs: set[str] = field(default_factory=set)
    nhs: set[str] = field(default_factory=set)
    pupil: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Clustering:
    cluster_of: dict[int, int]  # record id -> cluster id (the smallest record id in the cluster)
    refused: list[tuple[int, int, float]]  # edges not taken because they would merge incompatible records

    def clusters(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for record, cluster in self.cluster_of.items():
            groups.setdefault(cluster, []).append(record)
        for members in groups.values():
            members.sort()
        return groups


def _absorb(kept: _Cluster, absorbed: _Cluster) -> None:
    kept.members += absorbed.members
    kept.names += absorbed.names
    kept.dobs |= absorbed.dobs
    kept.nhs |= absorbed.nhs
    kept.pupil |= absorbed.pupil
    kept.years |= absorbed.years


def _ages_conflict(x: _Cluster, y: _Cluster) -> bool:
    """A father recorded with only an approximate age is not his son with the same name and address."""
    if not x.years:
        return False
    recorded = {int(d[:4]) for d in y.dobs} | y.years
    return any(abs(a - b) > APPROXIMATE_YEARS for a in x.years for b in recorded)


def cluster(
    record_ids: Iterable[int],
    edges: Iterable[tuple[int, int, float]],
    facts: Mapping[int, RecordFacts],
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
) -> Clustering:
    """Cluster records: people's 'same person' decisions first, then edges from the strongest down."""
    parent: dict[int, int] = {}
    clusters: dict[int, _Cluster] = {}
    forbidden: dict[int, set[int]] = {}
    for a, b in cannot_link:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)

    def ensure(record: int) -> None:
        if record not in parent:
            parent[record] = record
            fact = facts.get(record, RecordFacts())
            clusters[record] = _Cluster(
                [record],
                [fact] if fact.given_name else [],
                {fact.dob} if fact.dob else set(),
                {fact.nhs_number} if fact.nhs_number else set(),
                {fact.pupil_number} if fact.pupil_number else set(),
                {fact.approx_birth_year} if fact.approx_birth_year is not None and not fact.dob else set(),
            )

    def find(record: int) -> int:
        root = record
        while parent[root] != root:
            root = parent[root]
        while parent[record] != root:
            parent[record], record = root, parent[record]
        return root

    def conflict(x: _Cluster, y: _Cluster, root_y: int) -> bool:
        if x.nhs and y.nhs and x.nhs != y.nhs:
            return True
        if x.pupil and y.pupil and x.pupil != y.pupil:
            return True
        # Fast paths first: most joins are of records that agree exactly (every pair inside a cluster
        # is already known compatible, so equal sets need no pairwise check).
        if (
            x.dobs
            and y.dobs
            and x.dobs != y.dobs
            and any(not dates_compatible(p, q) for p in x.dobs for q in y.dobs)
        ):
            return True
        if (
            x.names
            and y.names
            and {n.given_name for n in x.names} != {n.given_name for n in y.names}
            and any(not names_compatible(p, q) for p in x.names for q in y.names)
        ):
            return True
        if _ages_conflict(x, y) or _ages_conflict(y, x):
            return True
        return any(find(other) == root_y for member in x.members for other in forbidden.get(member, ()))

    def join(a: int, b: int) -> bool:
        root_a, root_b = find(a), find(b)
        if root_a == root_b:
            return True
        small, large = sorted((root_a, root_b), key=lambda r: len(clusters[r].members))
        if conflict(clusters[small], clusters[large], large):
            return False
        parent[small] = large
        absorbed = clusters.pop(small)
        kept = clusters[large]
        _absorb(kept, absorbed)
        return True

    refused: list[tuple[int, int, float]] = []
    for a, b in must_link:
        ensure(a)
        ensure(b)
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            # A person's decision stands even where the recorded facts disagree.
            small, large = sorted((root_a, root_b), key=lambda r: len(clusters[r].members))
            parent[small] = large
            absorbed = clusters.pop(small)
            kept = clusters[large]
            _absorb(kept, absorbed)
    for a, b, probability in sorted(edges, key=lambda e: -e[2]):
        ensure(a)
        ensure(b)
        if not join(a, b):
            refused.append((a, b, probability))
    # Records no edge touched are people on their own; only touched records were given cluster state.
    cluster_of = {record: record for record in record_ids}
    for info in clusters.values():
        label = min(info.members)
        for member in info.members:
            cluster_of[member] = label
    return Clustering(cluster_of, refused)
