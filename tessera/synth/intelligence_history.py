"""What police intelligence and crime records come to hold about the world's exploitation networks: a
pure generator (no database), deterministic for a seed.

Each exploited child's network leaves traces: graded intelligence reports naming the child, one or two of
the network's adults and a car or a place they use; and, for some children, a crime with its suspects.
As the inspection and later national reviews found, the records are partial and imperfect:

- most exploitation is never recorded as a crime, and some crimes that are recorded are not flagged as
  exploitation at all (``CrimeDraft.flag`` empty, though the truth says otherwise);
- suspects' ethnicity and nationality are missing in about two-thirds of crimes (each with the reason
  the officer gave, as the product's rule requires);
- some intelligence is wrong: a report now and then names an adult who belongs to no network.

The truth behind each draft (which network, whether the report is accurate) is returned beside it, for
the ground-truth tables; nothing of it goes into the product's records.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tessera.intelligence.exploitation import ADULT_AGE, ExploitationKind

# Shares chosen to echo the inspection and the national reviews (not measured from any real data).
CRIME_SHARE = 0.35  # exploited children with a crime recorded
UNFLAGGED_SHARE = 0.2  # crimes against exploited children recorded without the exploitation flag
ETHNICITY_KNOWN = 0.35
NATIONALITY_KNOWN = 0.35
AGE_KNOWN = 0.8
FALSE_REPORT_SHARE = 0.1
REPORTS_PER_CHILD = (1, 4)  # randrange bounds

NOT_KNOWN_REASONS = {
    "age": ("Not seen: described by the victim only", "Not established at the time of recording"),
    "sex": ("Online contact only: not seen",),
    "ethnicity": (
        "Declined to say at interview",
        "Not seen: described by the victim only",
        "Not asked at arrest",
    ),
    "nationality": ("Not asked at arrest", "Declined to say at interview", "Not established"),
}
OFFENCES = {
    ExploitationKind.SEXUAL: (
        "Sexual activity with a child",
        "Causing or inciting a child to engage in sexual activity",
        "Arranging or facilitating a child sex offence",
        "Rape of a child",
    ),
    ExploitationKind.CRIMINAL: (
        "Possession with intent to supply class A drugs (child used to carry)",
        "Modern slavery: requiring a child to perform forced labour",
        "Assault occasioning actual bodily harm (debt enforcement)",
    ),
}
BASES = {
    ExploitationKind.SEXUAL: (
        ("under_18", "imbalance_of_power", "sexual_activity", "exchange"),
        ("under_18", "imbalance_of_power", "sexual_activity", "advantage"),
        ("under_18", "imbalance_of_power", "sexual_activity", "exchange", "advantage"),
    ),
    ExploitationKind.CRIMINAL: (
        ("under_18", "imbalance_of_power", "criminal_activity", "violence"),
        ("under_18", "imbalance_of_power", "criminal_activity", "exchange"),
        ("under_18", "imbalance_of_power", "criminal_activity", "advantage", "violence"),
    ),
}
# Grades as an analyst would give them: mostly 2 or 3 for the source, B or C for the intelligence.
GRADES = (("2", "B", "P"), ("2", "C", "C"), ("3", "B", "C"), ("3", "C", "P"), ("1", "B", "C"))
FALSE_GRADES = (("3", "C", "P"), ("3", "C", "C"))


@dataclass(frozen=True)
class Adult:
    person_id: int
    entity_id: int
    name: str
    born: date | None
    sex: str
    ethnicity: str
    nationality: str


@dataclass(frozen=True)
class Thing:
    entity_id: int
    label: str  # a registration as written, or a place's name


@dataclass(frozen=True)
class NetworkFacts:
    number: int
    kind: ExploitationKind
    adults: tuple[Adult, ...]
    vehicles: tuple[Thing, ...] = ()
    places: tuple[Thing, ...] = ()


@dataclass(frozen=True)
class ChildFacts:
    person_id: int
    entity_id: int
    name: str
    born: date | None
    district_id: int
    network: int
    exploited_from: date


@dataclass(frozen=True)
class ReportDraft:
    key: int
    district_id: int
    text: str
    occurred_on: date
    grade: tuple[str, str, str]
    # (entity id, role) with role one of intelligence.models.SubjectRole's values.
    subjects: tuple[tuple[int, str], ...]
    # The truth: the network it is about, and whether what it says is so.
    network: int
    accurate: bool


@dataclass(frozen=True)
class SuspectDraft:
    adult: Adult
    age: int | None
    sex: str
    ethnicity: str
    nationality: str
    reasons: Mapping[str, str]


@dataclass(frozen=True)
class CrimeDraft:
    key: int
    district_id: int
    offence: str
    committed_on: date
    victim: ChildFacts
    place_entity_id: int | None
    flag: str  # "" when the crime was recorded without the flag
    basis: tuple[str, ...]
    suspects: tuple[SuspectDraft, ...]
    # The truth: every one of these crimes is exploitation of this kind, by this network.
    network: int
    true_kind: ExploitationKind


@dataclass(frozen=True)
class IntelligenceHistory:
    reports: list[ReportDraft]
    crimes: list[CrimeDraft]


def network_kind(number: int) -> ExploitationKind:
    """Every third network exploits children criminally (drug lines); the others sexually."""
    return ExploitationKind.CRIMINAL if number % 3 == 0 else ExploitationKind.SEXUAL


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _day_between(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=rng.randrange(span + 1)) if span > 0 else start


def _report_text(
    rng: random.Random, child: ChildFacts, adults: Sequence[Adult], thing: Thing | None, kind: str
) -> str:
    names = " and ".join(a.name for a in adults)
    if kind == ExploitationKind.CRIMINAL:
        act = rng.choice(
            (
                "is being used to carry drugs for",
                "was seen holding a bag for",
                "owes money, says the child, to",
            )
        )
    else:
        act = rng.choice(
            (
                "has been seen getting into cars with",
                "is given alcohol and phone credit by",
                "stays out late with",
            )
        )
    where = ""
    if thing is not None:
        where = rng.choice((f" The car used is {thing.label}.", f" They meet at {thing.label}."))
    source = rng.choice(
        ("Source is a member of school staff.", "Source overheard it.", "Source is a neighbour.")
    )
    return f"{child.name} {act} {names}.{where} {source}"


def _suspect(rng: random.Random, adult: Adult, on: date) -> SuspectDraft:
    reasons: dict[str, str] = {}
    age = _age(adult.born, on) if rng.random() < AGE_KNOWN else None
    if age is not None and not 10 <= age <= 100:
        age = None
    if age is None:
        reasons["age"] = rng.choice(NOT_KNOWN_REASONS["age"])
    sex = adult.sex if adult.sex in {"female", "male"} else "unknown"
    if sex == "unknown":
        reasons["sex"] = rng.choice(NOT_KNOWN_REASONS["sex"])
    ethnicity = adult.ethnicity if rng.random() < ETHNICITY_KNOWN and adult.ethnicity else "not_stated"
    if ethnicity == "not_stated":
        reasons["ethnicity"] = rng.choice(NOT_KNOWN_REASONS["ethnicity"])
    nationality = adult.nationality if rng.random() < NATIONALITY_KNOWN else ""
    if not nationality:
        reasons["nationality"] = rng.choice(NOT_KNOWN_REASONS["nationality"])
    return SuspectDraft(adult, age, sex, ethnicity, nationality, reasons)


def generate_intelligence(
    rng: random.Random,
    networks: Mapping[int, NetworkFacts],
    children: Sequence[ChildFacts],
    decoys: Sequence[Adult],
    *,
    end: date,
) -> IntelligenceHistory:
    """Reports and crimes about each exploited child's network, in children's order (the caller sorts)."""
    reports: list[ReportDraft] = []
    crimes: list[CrimeDraft] = []
    for child in children:
        network = networks.get(child.network)
        if network is None or not network.adults or child.exploited_from > end:
            continue
        things = (*network.vehicles, *network.places)
        for _ in range(rng.randrange(*REPORTS_PER_CHILD)):
            accurate = not decoys or rng.random() >= FALSE_REPORT_SHARE
            pool: Sequence[Adult] = network.adults if accurate else decoys
            named = rng.sample(list(pool), k=min(len(pool), rng.randrange(1, 3)))
            thing = rng.choice(things) if things and accurate and rng.random() < 0.6 else None
            subjects = [(child.entity_id, "child_at_risk"), *((a.entity_id, "suspect") for a in named)]
            if thing is not None:
                subjects.append((thing.entity_id, "mentioned"))
            reports.append(
                ReportDraft(
                    key=len(reports),
                    district_id=child.district_id,
                    text=_report_text(rng, child, named, thing, network.kind),
                    occurred_on=_day_between(rng, child.exploited_from, end),
                    grade=rng.choice(GRADES if accurate else FALSE_GRADES),
                    subjects=tuple(subjects),
                    network=network.number,
                    accurate=accurate,
                )
            )
        if rng.random() >= CRIME_SHARE:
            continue
        committed_on = _day_between(rng, child.exploited_from, end)
        victim_age = _age(child.born, committed_on)
        if victim_age is None or victim_age >= ADULT_AGE:
            continue  # the crime the child suffered is not child exploitation in the record's terms
        suspects = rng.sample(list(network.adults), k=min(len(network.adults), rng.randrange(1, 4)))
        flagged = rng.random() >= UNFLAGGED_SHARE
        crimes.append(
            CrimeDraft(
                key=len(crimes),
                district_id=child.district_id,
                offence=rng.choice(OFFENCES[network.kind]),
                committed_on=committed_on,
                victim=child,
                place_entity_id=rng.choice(network.places).entity_id if network.places else None,
                flag=network.kind.value if flagged else "",
                basis=rng.choice(BASES[network.kind]) if flagged else (),
                suspects=tuple(_suspect(rng, adult, committed_on) for adult in suspects),
                network=network.number,
                true_kind=network.kind,
            )
        )
    return IntelligenceHistory(reports, crimes)
