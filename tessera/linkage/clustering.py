"""Turning scored pairs into people, as a pure function, without ever merging two people by chaining.

Plain connected components would let one vague record (no date of birth, a shared surname and address)
join two siblings into one person: A matches X, X matches B, so A is B. Here clusters grow one edge at a
time, strongest first, and an edge is refused when joining its two clusters would put together two
records that a safety rule says cannot be one person. The rules (``SAFETY_RULES``) hold back only what is
truly risky, each measured on labelled pairs by the benchmarks (see ``bench/linkage.py``):
- two different NHS numbers that both pass the check digit (a slip always fails it), or two different
  unique pupil numbers,
- an adult and a child: on some day of the year of the later record one is under 18 and the other over 25
  (issue 12's line). With both full dates of birth this is a guarantee: such a pair is never linked and
  never put in front of a person as a likely match (``SafetyRule.never_offered``),
- siblings in one household: the same surname and address with first names that cannot be one name,
  and birthdays that cannot be one date or not recorded on both,
- family in one household: the same surname and address with only one of the two apart
  (first names that cannot be one name on one birthday: twins; birthdays that cannot be one date on one
  name: a parent and child with one name). Both kept where the records show households of several people
  (``HouseholdEvidence``): in records with none, such a pair is one person with one value typed over,
- a pair a person has decided are not the same.
Refused edges are returned with the rule that refused them, so they can be put in front of a person.

The result depends only on the edges and facts, never on the order they came in: edges of equal
probability are taken in order of their record ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

SAME_MONTH_DAYS = 31
# Issue 12's line between a child and an adult: under 18 is a child, over 25 an adult, at the time of the
# record. In between (18 to 25) the rule says nothing: a care leaver's records span those years.
CHILD_UNDER = 18
ADULT_OVER = 25
# The lowest first-name similarity level of the model (see model_spec): below it, names disagree.
NAME_SIMILARITY = 0.8


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What clustering needs to know of a record to refuse an impossible merge."""

    dob: str | None = None  # 'YYYY-MM-DD'
    nhs_number: str | None = None  # only one that passes its check digit
    pupil_number: str | None = None
    given_name: str | None = None  # normalised, as in the linkage table
    given_forms: frozenset[str] = frozenset()
    other_names: frozenset[str] = frozenset()
    # When only an approximate age was recorded: the year of birth it implies.
    approx_birth_year: int | None = None
    family_name: str | None = None
    address_key: str | None = None
    # The year of a full or partial date of birth.
    dob_year: str | None = None
    # Every identifier recorded, as 'kind:value' (an NHS number only if it passes its check digit).
    identifiers: frozenset[str] = frozenset()
    # The year the record was made (received), for the ages in adult_and_child.
    recorded_year: int | None = None


def names_compatible(a: RecordFacts, b: RecordFacts) -> bool:
    """Whether two first names could be one person's: the same, a short form, a slip, or a recorded alias."""
    x, y = a.given_name, b.given_name
    if not x or not y or x == y:
        return True
    if a.given_forms & b.given_forms or x in b.other_names or y in a.other_names:
        return True
    # One slip in a short name ("Lo", "Leo"; "Mia", "Mai") is below any similarity threshold.
    if DamerauLevenshtein.distance(x, y) <= 1:
        return True
    # A slip in one record and a short form in the other ("Rebbeca", "Becky"): compare every form.
    return any(
        JaroWinkler.similarity(p, q) >= NAME_SIMILARITY
        for p in a.given_forms | {x}
        for q in b.given_forms | {y}
    )


def dates_compatible(a: str, b: str) -> bool:
    """Whether two recorded dates of birth could be one date written with a slip.

    Equal, day and month swapped, one digit wrong or two swapped, or within a month of each other.
    Siblings other than twins are born at least about nine months apart, so none of these joins two.
    """
    if a == b:
        return True
    if len(a) != 10 or len(b) != 10:
        return False
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    if DamerauLevenshtein.distance(a, b) <= 1:
        return True
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) <= SAME_MONTH_DAYS
    except ValueError:
        return False


def _birth_year(facts: RecordFacts) -> int | None:
    if facts.dob_year:
        return int(facts.dob_year)
    return facts.approx_birth_year


def different_valid_nhs_numbers(a: RecordFacts, b: RecordFacts) -> bool:
    return bool(a.nhs_number and b.nhs_number and a.nhs_number != b.nhs_number)


def different_pupil_numbers(a: RecordFacts, b: RecordFacts) -> bool:
    return bool(a.pupil_number and b.pupil_number and a.pupil_number != b.pupil_number)


def _same_identifier_and_name(a: RecordFacts, b: RecordFacts) -> bool:
    """A shared identifier agrees and so do the first names (one person with a wrong birthday), or the
    birthdays (one person with a first name typed over: twins never share an identifier). A mother's NHS
    number on her baby's record agrees too, but neither the first names nor the birthdays do."""
    if not a.identifiers & b.identifiers:
        return False
    return names_compatible(a, b) or bool(a.dob and b.dob and dates_compatible(a.dob, b.dob))


def anniversary(born: date, years: int) -> date:
    """The day someone born on ``born`` turns ``years`` (a 29 February birthday turns on 1 March)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def child_and_adult_in(year: int, younger: date, older: date) -> bool:
    """Whether on some day of ``year`` the one born ``younger`` is under 18 (before their 18th birthday)
    while the one born ``older`` is over 25 (after their 25th birthday)."""
    first = max(date(year, 1, 1), anniversary(older, ADULT_OVER) + timedelta(days=1))
    last = min(date(year, 12, 31), anniversary(younger, CHILD_UNDER) - timedelta(days=1))
    return first <= last


def _full_dates(a: RecordFacts, b: RecordFacts) -> tuple[date, date] | None:
    try:
        return (date.fromisoformat(a.dob), date.fromisoformat(b.dob)) if a.dob and b.dob else None
    except ValueError:
        return None


def adult_and_child(a: RecordFacts, b: RecordFacts) -> bool:
    """One under 18 and the other over 25 in the year of the later record: never one person.

    With both full dates of birth, exactly: on some day of that year one is before their 18th birthday
    and the other past their 25th, so the births are more than seven years apart. No shared identifier
    and no slip of a digit ('2010-03-14', '2000-03-14') excuses it (issue 12: such records are never linked
    nor offered as likely), so a person's own record with a birthday typed a decade out stays apart.
    Siblings, and a person's own records with a slip within seven years, are never caught.

    Without both full dates (a year alone, an approximate age) ages are whole years (the year of the record
    less the year of birth), and a shared identifier with agreeing first names or birthdays exempts the
    pair: such records say too little to overrule an identifier.
    """
    years = [r for r in (a.recorded_year, b.recorded_year) if r is not None]
    if not years:
        return False
    full = _full_dates(a, b)
    if full is not None:
        born_later, born_earlier = max(full), min(full)
        # Under 18 and over 25 on one day needs births more than seven years apart: most pairs are far
        # closer, and a million records' clustering asks this over half a million times.
        if born_later.year - born_earlier.year < ADULT_OVER - CHILD_UNDER:
            return False
        return child_and_adult_in(max(years), born_later, born_earlier)
    if _same_identifier_and_name(a, b):
        return False
    x, y = _birth_year(a), _birth_year(b)
    if x is None or y is None:
        return False
    younger, older = max(years) - max(x, y), max(years) - min(x, y)
    return younger < CHILD_UNDER and older > ADULT_OVER


def _one_household(a: RecordFacts, b: RecordFacts) -> bool:
    return bool(
        a.family_name and a.family_name == b.family_name and a.address_key and a.address_key == b.address_key
    )


def siblings_in_one_household(a: RecordFacts, b: RecordFacts) -> bool:
    """The same surname and address, first names that cannot be one name, and birthdays that cannot be one
    date or are not recorded on both (a sibling with no birthday recorded): plainly two people.

    In every world with households these are siblings. In records without households (FEBRL) they are one
    person with a first name and a birthday typed over (FEBRL3: 20 true pairs held back through another
    record, none false), so the rule is applied only where the records show households (ADR 0031). A
    shared agency person ID (police, council) exempts the pair: the agency gave it to one person.
    """
    if not _one_household(a, b) or _same_identifier_and_name(a, b) or names_compatible(a, b):
        return False
    if _shared_agency_id(a, b):
        return False
    return not (a.dob and b.dob) or not dates_compatible(a.dob, b.dob)


# An agency's own person ID (police, council), given by that agency to one person. Unlike an NHS number,
# which a baby's first records may carry from the mother, a sibling has their own.
AGENCY_IDS = ("police_person_id", "la_person_id")


def _shared_agency_id(a: RecordFacts, b: RecordFacts) -> bool:
    """One agency's own person ID on both records: one person at one home, whatever else was typed over
    (measured: no pair of different people in one household shares one in Tessera's worlds; FEBRL's
    soc_sec_id, in that slot, joins 13-16 such pairs per set)."""
    return any(i.split(":", 1)[0] in AGENCY_IDS for i in a.identifiers & b.identifiers)


def family_in_one_household(a: RecordFacts, b: RecordFacts) -> bool:
    """The same surname and address with one of first name and birthday agreeing and the other not:
    twins (one birthday, first names that cannot be one name), or a parent and child with one name
    (one name, birthdays that cannot be one date).

    Where households hold several people these are as likely as one value typed over: on Tessera's
    100,000-record world about 1,450 false automatic edges, nearly all a parent and child with one name.
    Where the records show no households (``HouseholdEvidence``), they are one person with a first name
    or a birthday typed over, and the rule is not applied (see ``safety_rules``).
    """
    if not (a.dob and b.dob) or not _one_household(a, b) or _same_identifier_and_name(a, b):
        return False
    return names_compatible(a, b) != dates_compatible(a.dob, b.dob)


def birthdays_incompatible(a: RecordFacts, b: RecordFacts) -> bool:
    """Any two recorded birthdays more than one slip or a month apart, whoever the records are of."""
    return bool(a.dob and b.dob and not dates_compatible(a.dob, b.dob))


def first_names_incompatible(a: RecordFacts, b: RecordFacts) -> bool:
    """Any two first names that are not plausibly one name, whoever the records are of."""
    return not names_compatible(a, b)


@dataclass(frozen=True)
class SafetyRule:
    name: str
    refuses: Callable[[RecordFacts, RecordFacts], bool]
    reason: str  # shown on the held-back pair in the review queue
    title: str = ""  # the rule's short name on the review screen ("Possible siblings")
    # A pair this rule refuses directly is not put in front of a person either: it is no likely match.
    never_offered: bool = False
    # Applied only where the records show households of several people (see ``HouseholdEvidence``).
    needs_households: bool = False


SAFETY_RULES: tuple[SafetyRule, ...] = (
    SafetyRule(
        "different_valid_nhs_numbers",
        different_valid_nhs_numbers,
        "Two different NHS numbers, both passing the check digit",
        "Different NHS numbers",
    ),
    SafetyRule(
        "different_pupil_numbers",
        different_pupil_numbers,
        "Two different unique pupil numbers",
        "Different pupil numbers",
    ),
    SafetyRule(
        "adult_and_child",
        adult_and_child,
        "One a child (under 18) and the other an adult (over 25) when recorded",
        "Adult and child",
        never_offered=True,
    ),
    SafetyRule(
        "siblings_in_one_household",
        siblings_in_one_household,
        "Same surname and address, but first names and birthdays that cannot be one person's: likely siblings",
        "Possible siblings",
        needs_households=True,
    ),
    SafetyRule(
        "family_in_one_household",
        family_in_one_household,
        "Same surname and address, and first names or birthdays that cannot be one person's while the other "
        "agrees: possibly twins, siblings with like names, or a parent and child with one name",
        "Possible family members",
        needs_households=True,
    ),
)
# Rules measured and not kept: on Tessera's worlds the kept rules already catch almost every false merge
# these do, and on FEBRL they held back only true links (docs/adr/0015-linkage-on-anyones-data.md).
# The benchmarks keep measuring them.
REJECTED_RULES: tuple[SafetyRule, ...] = (
    SafetyRule(
        "birthdays_incompatible",
        birthdays_incompatible,
        "Birthdays that cannot be one date written with a slip",
    ),
    SafetyRule(
        "first_names_incompatible", first_names_incompatible, "First names that cannot be one person's name"
    ),
)
# Where at least this share of the pairs sharing a surname and an address are plainly two people (first
# names and birthdays both apart), the records hold households of several people. Measured: 0.65-0.82
# on Tessera's worlds (siblings), 0.007 on FEBRL3 and FEBRL4 (no households: one person's records).
HOUSEHOLD_SHARE = 0.1
# Fewer pairs than this say nothing about households: the records are judged to have them.
HOUSEHOLD_MIN_PAIRS = 200


@dataclass(frozen=True)
class HouseholdEvidence:
    """What the records say about households: of the pairs with one surname and address and both first
    names and birthdays recorded, how many were judged and how many are plainly two people."""

    pairs: int = 0
    plainly_two_people: int = 0

    @property
    def households(self) -> bool:
        if self.pairs < HOUSEHOLD_MIN_PAIRS:
            return True
        return self.plainly_two_people >= HOUSEHOLD_SHARE * self.pairs

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "pairs": self.pairs,
            "plainly_two_people": self.plainly_two_people,
            "households": self.households,
        }


def household_evidence(pairs: Iterable[tuple[RecordFacts, RecordFacts]]) -> HouseholdEvidence:
    """Judge pairs of records sharing a surname and an address: how many are plainly two people."""
    judged = apart = 0
    for a, b in pairs:
        if not (a.given_name and b.given_name and a.dob and b.dob):
            continue
        judged += 1
        apart += not names_compatible(a, b) and not dates_compatible(a.dob, b.dob)
    return HouseholdEvidence(judged, apart)


def safety_rules(households: bool = True) -> tuple[SafetyRule, ...]:
    """The kept rules for records that do (or do not) show households of several people."""
    return tuple(rule for rule in SAFETY_RULES if households or not rule.needs_households)


DECIDED_APART = "A person has decided these records are not the same person"
THROUGH_ANOTHER = "Through another record already linked to one of them: "
RULES_BY_NAME = {rule.name: rule for rule in (*SAFETY_RULES, *REJECTED_RULES)}


@dataclass(slots=True)
class _Cluster:
    members: list[int]
    facts: list[RecordFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Clustering:
    cluster_of: dict[int, int]  # record id -> cluster id (the smallest record id in the cluster)
    refused: list[tuple[int, int, float]]  # edges not taken because they would merge incompatible records
    reasons: dict[tuple[int, int], str] = field(default_factory=dict)  # refused edge -> why, for people
    # Refused edge -> the rule that refused it (its name; empty for a person's decision).
    rules: dict[tuple[int, int], str] = field(default_factory=dict)

    def clusters(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for record, cluster in self.cluster_of.items():
            groups.setdefault(cluster, []).append(record)
        for members in groups.values():
            members.sort()
        return groups


def first_refusal(a: RecordFacts, b: RecordFacts, rules: Iterable[SafetyRule]) -> SafetyRule | None:
    """The first rule that says these two records cannot be one person, if any."""
    for rule in rules:
        if rule.refuses(a, b):
            return rule
    return None


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def cluster(
    record_ids: Iterable[int],
    edges: Iterable[tuple[int, int, float]],
    facts: Mapping[int, RecordFacts],
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    rules: tuple[SafetyRule, ...] = SAFETY_RULES,
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
            clusters[record] = _Cluster([record], [facts.get(record, RecordFacts())])

    def find(record: int) -> int:
        root = record
        while parent[root] != root:
            root = parent[root]
        while parent[record] != root:
            parent[record], record = root, parent[record]
        return root

    def conflict(a: int, b: int, x: _Cluster, y: _Cluster, root_y: int) -> tuple[str, str] | None:
        if any(find(other) == root_y for member in x.members for other in forbidden.get(member, ())):
            return DECIDED_APART, ""
        direct = first_refusal(facts.get(a, RecordFacts()), facts.get(b, RecordFacts()), rules)
        if direct is not None:
            return direct.reason, direct.name
        # Every pair inside a cluster is already known compatible; identical facts need no second look.
        seen: set[tuple[RecordFacts, RecordFacts]] = set()
        for p in x.facts:
            for q in y.facts:
                if p == q or (p, q) in seen:
                    continue
                seen.add((p, q))
                rule = first_refusal(p, q, rules)
                if rule is not None:
                    return THROUGH_ANOTHER + rule.reason[0].lower() + rule.reason[1:], rule.name
        return None

    def merge(root_a: int, root_b: int) -> None:
        # The larger cluster absorbs the smaller; equal sizes by the smaller root id, so order never matters.
        small, large = sorted((root_a, root_b), key=lambda r: (len(clusters[r].members), -r))
        parent[small] = large
        absorbed = clusters.pop(small)
        kept = clusters[large]
        kept.members += absorbed.members
        kept.facts += absorbed.facts

    refused: list[tuple[int, int, float]] = []
    reasons: dict[tuple[int, int], str] = {}
    refused_by: dict[tuple[int, int], str] = {}
    for a, b in sorted(_ordered(a, b) for a, b in must_link):
        ensure(a)
        ensure(b)
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            merge(root_a, root_b)  # a person's decision stands even where the recorded facts disagree
    ordered_edges = sorted(((*_ordered(a, b), p) for a, b, p in edges), key=lambda e: (-e[2], e[0], e[1]))
    for a, b, probability in ordered_edges:
        ensure(a)
        ensure(b)
        root_a, root_b = find(a), find(b)
        if root_a == root_b:
            continue
        x, y = clusters[root_a], clusters[root_b]
        found = conflict(a, b, x, y, root_b)
        if found is None:
            merge(root_a, root_b)
        else:
            refused.append((a, b, probability))
            reasons[(a, b)], refused_by[(a, b)] = found
    # Records no edge touched are people on their own; only touched records were given cluster state.
    cluster_of = {record: record for record in record_ids}
    for info in clusters.values():
        label = min(info.members)
        for member in info.members:
            cluster_of[member] = label
    return Clustering(cluster_of, refused, reasons, refused_by)


def never_offered(
    a: RecordFacts, b: RecordFacts, rules: Iterable[SafetyRule] = SAFETY_RULES
) -> SafetyRule | None:
    """The rule, if any, under which these two records are no likely match at all: neither linked nor put
    in front of a person (today: an adult and a child). Asked whatever other rule refuses them first."""
    return first_refusal(a, b, (rule for rule in rules if rule.never_offered))
