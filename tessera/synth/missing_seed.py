"""The demo's missing episodes: the synthetic world's children, their true status and their networks
(from the ground truth and the world's links), through ``missing_history``'s generator, stored with their
returns, interviews, links into POLE, monitoring and the pattern alerts the rules raise when replayed in
time order. Deterministic for a seed and an end date."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tessera.access.policy import visible_to
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.cases.models import Case, CaseStatus
from tessera.core.models import Agency
from tessera.missing.alerts import ask_for_reassessment
from tessera.missing.clocks import return_interview_due
from tessera.missing.grading import NO_APPARENT_RISK
from tessera.missing.models import (
    EpisodeStatus,
    MissingEpisode,
    Monitoring,
    PatternAlert,
    ReportedBy,
    ReturnInterview,
)
from tessera.missing.patterns import EpisodeFacts, TimedEpisode, replay
from tessera.missing.selectors import child_concerns
from tessera.missing.services import act_on_disclosure
from tessera.people.models import EntityKind, Link, LinkKind, Location, LocationKind, Person, Vehicle
from tessera.synth.missing_history import ChildTruth, EpisodeDraft, NetworkThings, generate_episodes
from tessera.synth.models import GroundTruthPerson

HOTSPOT_KINDS = (LocationKind.HOTEL, LocationKind.TAXI_FIRM, LocationKind.TAKEAWAY)
RECORDER = "mpc.doncaster"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class MissingSeedSummary:
    children: int
    episodes: int
    interviews: int
    alerts: int
    disclosures: int = 0
    reassessments: int = 0


def _networks() -> dict[int, NetworkThings]:
    adults: dict[int, list[int]] = defaultdict(list)
    for network, person_id in GroundTruthPerson.objects.filter(
        role="exploiter", network__isnull=False, person_id__isnull=False
    ).values_list("network", "person_id"):
        if network is not None and person_id is not None:
            adults[network].append(person_id)
    networks = {}
    for network, people in adults.items():
        entities = list(Person.objects.filter(pk__in=people).values_list("entity_id", flat=True))
        linked = Link.objects.filter(source_id__in=entities).values_list("target_id", "kind")
        places = {t for t, kind in linked if kind == LinkKind.FREQUENTS}
        vehicles = {t for t, kind in linked if kind == LinkKind.SEEN_IN_VEHICLE}
        networks[network] = NetworkThings(
            adults=tuple(sorted(people)),
            places=tuple(
                sorted(
                    Location.objects.filter(entity_id__in=places, kind__in=HOTSPOT_KINDS).values_list(
                        "pk", flat=True
                    )
                )
            ),
            vehicles=tuple(
                sorted(Vehicle.objects.filter(entity_id__in=vehicles).values_list("pk", flat=True))
            ),
        )
    return networks


def _children(rng: random.Random, background: int) -> list[ChildTruth]:
    homes: dict[int, list[int]] = defaultdict(list)
    for pk, district_id in Location.objects.filter(kind=LocationKind.CHILDRENS_HOME).values_list(
        "pk", "district_id"
    ):
        homes[district_id or 0].append(pk)
    truth = {
        person_id: (status, started, network)
        for person_id, status, started, network in GroundTruthPerson.objects.filter(
            role="child", person_id__isnull=False
        ).values_list("person_id", "exploitation_status", "exploitation_started_on", "network")
    }
    children: list[ChildTruth] = []
    others: list[ChildTruth] = []
    for pk, district, district_id in (
        Person.objects.filter(pk__in=list(truth), merged_into__isnull=True, district__isnull=False)
        .order_by("pk")
        .values_list("pk", "district__name", "district_id")
    ):
        status, started, network = truth[pk]
        in_care = rng.random() < 0.08 and bool(homes.get(district_id))
        child = ChildTruth(
            child_id=pk,
            district=district,
            status=status,
            exploited_from=started if status == "exploited" else None,
            network=network if status == "exploited" else None,
            in_care=in_care,
            home_id=rng.choice(homes[district_id]) if in_care else None,
        )
        (children if status in {"exploited", "at_risk"} or in_care else others).append(child)
    rng.shuffle(others)
    return children + others[:background]


@transaction.atomic
def seed_missing_history(
    *, seed: int = 2013, end: date | None = None, months: int = 18, background: int = 300
) -> MissingSeedSummary:
    if MissingEpisode.objects.exists():
        return MissingSeedSummary(0, 0, 0, 0)
    end = end or timezone.localdate()
    rng = random.Random(seed)
    children = _children(rng, background)
    hotspots: dict[str, list[int]] = defaultdict(list)
    for pk, district in Location.objects.filter(kind__in=HOTSPOT_KINDS, district__isnull=False).values_list(
        "pk", "district__name"
    ):
        hotspots[district].append(pk)
    drafts = generate_episodes(
        rng,
        children,
        _networks(),
        {d: tuple(ids) for d, ids in hotspots.items()},
        start=end - timedelta(days=30 * months),
        end=end,
    )
    recorder = User.objects.get(username=RECORDER)
    interviewers = Agency.objects.filter(code="safe-steps").first() or recorder.agency
    child_ids = {d.child_id for d in drafts}
    people = {p.pk: p for p in Person.objects.filter(pk__in=child_ids)}
    cases = dict(
        Case.objects.filter(child_id__in=child_ids)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("opened_at")
        .values_list("child_id", "pk")
    )
    flagged = {pk for pk in child_ids if child_concerns(people[pk]).needs_supervisor_for_no_apparent_risk}
    episodes = [
        _episode(rng, d, people[d.child_id], cases.get(d.child_id), recorder, flagged) for d in drafts
    ]
    MissingEpisode.objects.bulk_create(episodes, batch_size=500)
    stored = dict(zip((d.key for d in drafts), episodes, strict=True))
    interviews = [
        ReturnInterview(
            episode=stored[d.key],
            held_at=d.interview_held_at,
            interviewer="Return interview worker (synthetic)",
            interviewer_agency=interviewers,
            child_account="Synthetic return interview recorded by the demo generator.",
            recorded_by=recorder,
            late_reason=""
            if d.found_at is None or d.interview_held_at <= return_interview_due(d.found_at)
            else "Could not reach the child sooner (synthetic)",
        )
        for d in drafts
        if d.interview_held_at is not None
    ]
    ReturnInterview.objects.bulk_create(interviews, batch_size=500)
    _links(drafts, stored, recorder)
    Monitoring.objects.bulk_create(
        [
            Monitoring(child_id=child, district_id=_district(people[child]), started_at=first)
            for child, first in sorted({d.child_id: d.reported_at for d in reversed(drafts)}.items())
        ]
    )
    alerts = _alerts(drafts, stored, cases)
    reassessments = _recent_reassessments(end)
    disclosures = _recent_disclosures(rng, drafts, stored, recorder)
    return MissingSeedSummary(
        len(child_ids), len(episodes), len(interviews), alerts, disclosures, reassessments
    )


# What children said in the newest return interviews: each goes through the missing service as a typed
# disclosure would, so the demo shows the action for the case team and the report for the analysts.
_SAID = (
    "Said an older man she calls by a nickname picks her up in a car and gives her vodka (synthetic).",
    "Said she stayed at a flat above a takeaway with two men and was given a new phone (synthetic).",
    "Said she was taken to a hotel and told she owed money for the cigarettes and food (synthetic).",
    "Said a man she met online asked her to bring a friend next time (synthetic).",
)
RECENT_DISCLOSURES = 12
RECENT_ALERT_DAYS = 28


def _recent_disclosures(
    rng: random.Random, drafts: list[EpisodeDraft], stored: dict[int, MissingEpisode], recorder: User
) -> int:
    """The newest interviews of children found with an adult or in a vehicle of their network: one
    disclosure each, made into an action (or a concern) and an intelligence report by the service."""
    # The recorder reports what they may see: children of their district, and the places and vehicles
    # their role may open (the service refuses the rest, as it would on the page).
    district_ids = scope_of(recorder).district_ids
    candidates = sorted(
        (d for d in drafts if d.interview_held_at and (d.found_with_id or d.found_vehicle_id)),
        key=lambda d: d.interview_held_at or d.reported_at,
        reverse=True,
    )
    made = 0
    for draft in candidates:
        if made == RECENT_DISCLOSURES:
            break
        episode = MissingEpisode.objects.select_related(
            "child", "case", "district", "found_with", "found_vehicle", "found_place"
        ).get(pk=stored[draft.key].pk)
        things = [(type(t), t.pk) for t in (episode.found_vehicle, episode.found_place) if t is not None]
        if episode.district_id not in district_ids or not all(
            visible_to(recorder, model).filter(pk=pk).exists() for model, pk in things
        ):
            continue
        interview = ReturnInterview.objects.get(episode=episode)
        act_on_disclosure(recorder, episode, interview, rng.choice(_SAID), 1, None)
        made += 1
    return made


def _recent_reassessments(end: date) -> int:
    """The risk reassessment each recent alert asks for, as the app makes it when an alert is raised
    (older alerts' reassessments are in the risk history already, or long done)."""
    since = timezone.make_aware(datetime.combine(end - timedelta(days=RECENT_ALERT_DAYS), time.min))
    made = 0
    for alert in PatternAlert.objects.filter(raised_at__gte=since).select_related("child", "episode"):
        made += ask_for_reassessment(alert) is not None
    return made


def _district(child: Person) -> int:
    if child.district_id is None:  # the children come from a query that excludes them
        raise ValueError(f"Person {child.pk} has no district")
    return child.district_id


def _reference(rng: random.Random, on: date) -> str:
    return f"MIS-{on.year}-" + "".join(rng.choice(_ALPHABET) for _ in range(6))


def _episode(
    rng: random.Random, d: EpisodeDraft, child: Person, case_id: int | None, recorder: User, flagged: set[int]
) -> MissingEpisode:
    # The generator knows nothing of the grade rule: a child the record flags is never left "absent".
    grade = "low" if d.grade == NO_APPARENT_RISK and d.child_id in flagged else d.grade
    return MissingEpisode(
        reference=_reference(rng, d.reported_at.date()),
        child=child,
        district_id=_district(child),
        case_id=case_id,
        status=EpisodeStatus.RETURNED if d.found_at else EpisodeStatus.MISSING,
        reported_by_kind=ReportedBy.CHILDRENS_HOME if d.home_id else ReportedBy.PARENT,
        reported_by_name="Carer (synthetic)",
        reported_at=d.reported_at,
        childrens_home_id=d.home_id,
        last_seen_at=d.last_seen_at,
        last_seen_where="Home address (synthetic)",
        circumstances="Synthetic episode generated from the child's true status.",
        grade=grade,
        grade_reason="Synthetic grade",
        graded_by=recorder,
        opened_by=recorder,
        opened_agency=recorder.agency,
        found_at=d.found_at,
        found_place_id=d.found_place_id,
        found_with_id=d.found_with_id,
        found_vehicle_id=d.found_vehicle_id,
        found_account="Synthetic return." if d.found_at else "",
        found_recorded_by=recorder if d.found_at else None,
        return_interview_due_at=return_interview_due(d.found_at) if d.found_at else None,
        safe_and_well_at=d.found_at + timedelta(hours=2) if d.found_at else None,
        safe_and_well_officer="Officer (synthetic)" if d.found_at else "",
    )


def _links(drafts: list[EpisodeDraft], stored: dict[int, MissingEpisode], recorder: User) -> None:
    """Where each child was found, with whom and in what, into POLE as the app records it."""
    entities = {
        (EntityKind.PERSON, pk): entity
        for pk, entity in Person.objects.filter(
            pk__in={d.child_id for d in drafts} | {d.found_with_id for d in drafts if d.found_with_id}
        ).values_list("pk", "entity_id")
    }
    entities |= {
        (EntityKind.LOCATION, pk): e
        for pk, e in Location.objects.filter(pk__in={d.found_place_id for d in drafts}).values_list(
            "pk", "entity_id"
        )
    }
    entities |= {
        (EntityKind.VEHICLE, pk): e
        for pk, e in Vehicle.objects.filter(pk__in={d.found_vehicle_id for d in drafts}).values_list(
            "pk", "entity_id"
        )
    }
    links = []
    for d in drafts:
        if d.found_at is None:
            continue
        for kind, target, link_kind in (
            (EntityKind.LOCATION, d.found_place_id, LinkKind.SEEN_AT),
            (EntityKind.PERSON, d.found_with_id, LinkKind.FOUND_WITH),
            (EntityKind.VEHICLE, d.found_vehicle_id, LinkKind.SEEN_IN_VEHICLE),
        ):
            if target is not None:
                links.append(
                    Link(
                        source_id=entities[(EntityKind.PERSON, d.child_id)],
                        target_id=entities[(kind, target)],
                        kind=link_kind,
                        started_on=d.found_at.date(),
                        agency=recorder.agency,
                        source_system="missing",
                        source_record_id=stored[d.key].reference,
                        recorded_by=recorder,
                    )
                )
    Link.objects.bulk_create(links, batch_size=1000)


def _alerts(drafts: list[EpisodeDraft], stored: dict[int, MissingEpisode], cases: dict[int, int]) -> int:
    timed = [
        TimedEpisode(
            EpisodeFacts(
                d.key,
                d.child_id,
                d.reported_at,
                d.found_place_id,
                d.found_with_id,
                d.found_vehicle_id,
                d.at_hotspot,
            ),
            d.found_at,
        )
        for d in drafts
    ]
    alerts = [
        PatternAlert(
            child_id=t.hit.child_id,
            district_id=stored[t.hit.episode_id].district_id,
            case_id=cases.get(t.hit.child_id),
            episode=stored[t.hit.episode_id],
            kind=t.hit.kind,
            detail=t.hit.detail[:300],
            key=t.hit.key[:120],
            raised_at=t.at,
        )
        for t in replay(timed)
    ]
    PatternAlert.objects.bulk_create(alerts, batch_size=500)
    return len(alerts)
