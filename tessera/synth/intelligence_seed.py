"""The demo's intelligence reports and crimes: drawn by ``intelligence_history`` from the synthetic world's
true exploitation networks (``GroundTruthPerson.network``) and the things the world links them to, and
stored as the intelligence app stores them, with the group-based marker derived by its rule. Which
network each report and crime is truly about is written to ``GroundTruthIntelligence``, apart.

Synthetic seeding is not a user's act, so it writes no access-log rows (like the world generator).
Deterministic for a seed and an end date.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from tessera.accounts.models import User
from tessera.intelligence.exploitation import flag_problem, group_based, suspect_detail_problems
from tessera.intelligence.models import (
    Crime,
    CrimeSuspect,
    IntelligenceReport,
    ReportStatus,
    ReportSubject,
)
from tessera.people.models import Link, LinkKind, Location, Person, Vehicle
from tessera.people.things import age_on
from tessera.synth.intelligence_history import (
    Adult,
    ChildFacts,
    CrimeDraft,
    NetworkFacts,
    Thing,
    generate_intelligence,
    network_kind,
)
from tessera.synth.models import GroundTruthIntelligence, GroundTruthPerson

ANALYST = "analyst"
NATIONALITIES = ("British", "British", "British", "British", "British", "Pakistani", "Polish", "Slovak")
DECOYS = 40


@dataclass(frozen=True)
class IntelligenceSeedSummary:
    reports: int
    crimes: int
    flagged: int
    group_based: int


def _adults(rng: random.Random, person_ids: list[int], truth: dict[int, GroundTruthPerson]) -> list[Adult]:
    people = Person.objects.filter(pk__in=person_ids, merged_into__isnull=True).order_by("pk")
    return [
        Adult(
            person_id=p.pk,
            entity_id=p.entity_id,
            name=f"{p.given_name} {p.family_name}".strip(),
            born=p.date_of_birth,
            sex=p.sex,
            ethnicity=truth[p.pk].ethnicity if p.pk in truth else "",
            nationality=rng.choice(NATIONALITIES),
        )
        for p in people
    ]


def _networks(rng: random.Random) -> dict[int, NetworkFacts]:
    truth = {
        t.person_id: t
        for t in GroundTruthPerson.objects.filter(
            role="exploiter", network__isnull=False, person_id__isnull=False
        )
        if t.person_id is not None
    }
    members: dict[int, list[int]] = defaultdict(list)
    for person_id, t in sorted(truth.items()):
        if t.network is not None:
            members[t.network].append(person_id)
    networks = {}
    for number, people in sorted(members.items()):
        adults = _adults(rng, people, truth)
        entities = [a.entity_id for a in adults]
        linked = set(
            Link.objects.filter(
                source_id__in=entities, kind__in=(LinkKind.SEEN_IN_VEHICLE, LinkKind.FREQUENTS)
            ).values_list("target_id", flat=True)
        )
        vehicles = tuple(
            Thing(v.entity_id, v.registration)
            for v in Vehicle.objects.filter(entity_id__in=linked).order_by("pk")
        )
        places = tuple(
            Thing(p.entity_id, p.name or p.address_line_1)
            for p in Location.objects.filter(entity_id__in=linked).exclude(kind="home").order_by("pk")
        )
        networks[number] = NetworkFacts(number, network_kind(number), tuple(adults), vehicles, places)
    return networks


def _children() -> list[ChildFacts]:
    truth = {
        person_id: (network, started)
        for person_id, network, started in GroundTruthPerson.objects.filter(
            role="child", exploitation_status="exploited", person_id__isnull=False, network__isnull=False
        ).values_list("person_id", "network", "exploitation_started_on")
    }
    children = []
    for p in Person.objects.filter(
        pk__in=list(truth), merged_into__isnull=True, district__isnull=False
    ).order_by("pk"):
        network, started = truth[p.pk]
        if network is None or started is None or p.district_id is None:
            continue
        children.append(
            ChildFacts(
                p.pk,
                p.entity_id,
                f"{p.given_name} {p.family_name}".strip(),
                p.date_of_birth,
                p.district_id,
                network,
                started,
            )
        )
    return children


def _decoys(rng: random.Random, excluded: set[int]) -> list[Adult]:
    """Adults in no network, for the reports that name the wrong person."""
    rows = (
        GroundTruthPerson.objects.filter(role="parent", person_id__isnull=False)
        .exclude(person_id__in=excluded)
        .order_by("pk")[: DECOYS * 5]
    )
    truth = {t.person_id: t for t in rows if t.person_id is not None}
    chosen = sorted(rng.sample(sorted(truth), k=min(DECOYS, len(truth))))
    return _adults(rng, chosen, truth)


def _check(draft: CrimeDraft) -> None:
    """The generator's crimes obey the product's rules (a broken generator fails loudly, not quietly)."""
    if draft.flag:
        problem = flag_problem(draft.flag, draft.basis, age_on(draft.victim.born, draft.committed_on))
        if problem:
            raise ValueError(f"Synthetic crime {draft.key}: {problem}")
    for suspect in draft.suspects:
        values = {
            "age": suspect.age,
            "sex": suspect.sex,
            "ethnicity": suspect.ethnicity,
            "nationality": suspect.nationality,
        }
        problems = suspect_detail_problems(values, suspect.reasons)
        if problems:
            raise ValueError(f"Synthetic crime {draft.key}: {problems}")


@transaction.atomic
def seed_intelligence(*, seed: int = 2013, end: date | None = None) -> IntelligenceSeedSummary:
    # Once seeded, left as it is (reports made since, from return interviews say, are not the seed's).
    if GroundTruthIntelligence.objects.exists():
        return IntelligenceSeedSummary(0, 0, 0, 0)
    analyst = User.objects.filter(username=ANALYST).select_related("agency").first()
    if analyst is None or analyst.agency is None:
        return IntelligenceSeedSummary(0, 0, 0, 0)
    rng = random.Random(seed * 7 + 18)
    networks = _networks(rng)
    members = {a.person_id for n in networks.values() for a in n.adults}
    history = generate_intelligence(
        rng, networks, _children(), _decoys(rng, members), end=end or timezone.localdate()
    )
    now = timezone.now()
    reports = [
        IntelligenceReport(
            author=analyst,
            agency=analyst.agency,
            district_id=d.district_id,
            text=d.text,
            occurred_on=d.occurred_on,
            source_evaluation=d.grade[0],
            intelligence_assessment=d.grade[1],
            handling_code=d.grade[2],
            status=ReportStatus.EVALUATED,
            evaluated_by=analyst,
            evaluated_at=now,
        )
        for d in history.reports
    ]
    IntelligenceReport.objects.bulk_create(reports, batch_size=500)
    ReportSubject.objects.bulk_create(
        [
            ReportSubject(report=report, entity_id=entity, role=role, added_by=analyst)
            for report, d in zip(reports, history.reports, strict=True)
            for entity, role in dict(d.subjects).items()
        ],
        batch_size=1000,
    )
    for draft in history.crimes:
        _check(draft)
    places = dict(
        Location.objects.filter(
            entity_id__in={d.place_entity_id for d in history.crimes if d.place_entity_id}
        ).values_list("entity_id", "pk")
    )
    crimes = [
        Crime(
            offence=d.offence,
            committed_on=d.committed_on,
            place_id=places.get(d.place_entity_id) if d.place_entity_id else None,
            victim_id=d.victim.person_id,
            district_id=d.district_id,
            exploitation_flag=d.flag,
            flag_basis=sorted(d.basis),
            recorded_by=analyst,
        )
        for d in history.crimes
    ]
    Crime.objects.bulk_create(crimes, batch_size=500)
    CrimeSuspect.objects.bulk_create(
        [
            CrimeSuspect(
                crime=crime,
                person_id=s.adult.person_id,
                age=s.age,
                age_not_known_reason=s.reasons.get("age", ""),
                sex=s.sex,
                sex_not_known_reason=s.reasons.get("sex", ""),
                ethnicity=s.ethnicity,
                ethnicity_not_known_reason=s.reasons.get("ethnicity", ""),
                nationality=s.nationality,
                nationality_not_known_reason=s.reasons.get("nationality", ""),
            )
            for crime, d in zip(crimes, history.crimes, strict=True)
            for s in d.suspects
        ],
        batch_size=1000,
    )
    marked = _mark_group_based(crimes, history.crimes)
    GroundTruthIntelligence.objects.bulk_create(
        [
            GroundTruthIntelligence(
                record_type="intelligence.intelligencereport",
                record_id=report.pk,
                network=d.network,
                exploitation_kind=networks[d.network].kind.value,
                accurate=d.accurate,
            )
            for report, d in zip(reports, history.reports, strict=True)
        ]
        + [
            GroundTruthIntelligence(
                record_type="intelligence.crime",
                record_id=crime.pk,
                network=d.network,
                exploitation_kind=d.true_kind.value,
            )
            for crime, d in zip(crimes, history.crimes, strict=True)
        ],
        batch_size=1000,
    )
    return IntelligenceSeedSummary(
        len(reports), len(crimes), sum(1 for d in history.crimes if d.flag), marked
    )


def _mark_group_based(crimes: list[Crime], drafts: list[CrimeDraft]) -> int:
    """Each crime's group-based marker by the intelligence app's rule, from every crime against the same
    child and the links recorded between any two suspects (one query for the links)."""
    by_victim: dict[int, set[int]] = defaultdict(set)
    for d in drafts:
        by_victim[d.victim.entity_id] |= {s.adult.entity_id for s in d.suspects}
    every_suspect = set().union(*by_victim.values()) if by_victim else set()
    links = list(
        Link.objects.filter(source_id__in=every_suspect, target_id__in=every_suspect).values_list(
            "source_id", "target_id"
        )
    )
    marked = 0
    for crime, d in zip(crimes, drafts, strict=True):
        own = {s.adult.entity_id for s in d.suspects}
        marker = group_based(
            victim=d.victim.entity_id,
            suspects=own,
            suspects_by_victim=by_victim,
            links_between_suspects=links,
        )
        crime.group_based, crime.group_based_why = marker.group_based, marker.why[:200]
        marked += marker.group_based
    Crime.objects.bulk_update(crimes, ["group_based", "group_based_why"], batch_size=500)
    return marked
