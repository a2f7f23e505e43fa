"""The demo's partner reports, times of day and problem profiles.

From the ground truth: each exploitation network's adults, and through the world's links the hotels, taxi
firms and takeaways they frequent and the cars they are seen in; ``profile_history`` turns those into
reports from the premises (submitted through each district's Hotel Watch scheme), at evening-heavy hours.
Synthetic reports and crimes that give a day but no time get one from the same shape. Then one problem
profile per district for the last twelve months, counted as the cast's analyst would see it.
Deterministic for a seed and an end date; a second run leaves what is there.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tessera.accounts.models import User
from tessera.core.models import Agency, District
from tessera.intelligence.grading import PARTNER_DEFAULT
from tessera.intelligence.models import (
    Crime,
    IntelligenceReport,
    ProblemProfile,
    ReportStatus,
    ReportSubject,
    SubjectRole,
)
from tessera.intelligence.profiles import count_profile
from tessera.people.models import Link, LinkKind, Location, Person, Vehicle
from tessera.synth.models import GroundTruthPerson
from tessera.synth.profile_history import (
    PARTNER_PREMISES,
    NetworkSeen,
    Premises,
    generate_partner_reports,
    time_of_day,
)

ANALYST = "analyst"
PARTNER_REPORTER = "hotel.sheffield"
SOURCE_TYPE = "synth.partnerreport"


@dataclass(frozen=True)
class ProfileSeedSummary:
    partner_reports: int
    timed: int
    profiles: int


def _networks() -> list[NetworkSeen]:
    adults: dict[int, list[int]] = defaultdict(list)
    for network, person_id in GroundTruthPerson.objects.filter(
        role="exploiter", network__isnull=False, person_id__isnull=False
    ).values_list("network", "person_id"):
        if network is not None and person_id is not None:
            adults[network].append(person_id)
    people = {p.pk: p for p in Person.objects.filter(pk__in=[pk for ids in adults.values() for pk in ids])}
    seen = []
    for number in sorted(adults):
        members = [people[pk] for pk in sorted(adults[number]) if pk in people]
        entities = [m.entity_id for m in members]
        linked = list(Link.objects.filter(source_id__in=entities).values_list("target_id", "kind"))
        places = {t for t, kind in linked if kind == LinkKind.FREQUENTS}
        cars = {t for t, kind in linked if kind == LinkKind.SEEN_IN_VEHICLE}
        premises = tuple(
            Premises(entity, kind, district)
            for entity, kind, district in Location.objects.filter(
                entity_id__in=places, kind__in=PARTNER_PREMISES, district__isnull=False
            )
            .order_by("entity_id")
            .values_list("entity_id", "kind", "district_id")
        )
        vehicles = tuple(
            Vehicle.objects.filter(entity_id__in=cars)
            .order_by("entity_id")
            .values_list("entity_id", "registration")
        )
        seen.append(NetworkSeen(number, premises, vehicles, tuple((m.entity_id, str(m)) for m in members)))
    return seen


def _background() -> dict[int, list[Premises]]:
    pool: dict[int, list[Premises]] = defaultdict(list)
    for entity, kind, district in (
        Location.objects.filter(kind__in=PARTNER_PREMISES, district__isnull=False)
        .order_by("entity_id")
        .values_list("entity_id", "kind", "district_id")
    ):
        pool[district].append(Premises(entity, kind, district))
    return pool


def _give_times(rng: random.Random) -> int:
    """A time of day for each report and crime that gives a day but no time."""
    reports = list(
        IntelligenceReport.objects.filter(occurred_on__isnull=False, occurred_time__isnull=True).order_by(
            "pk"
        )
    )
    for report in reports:
        report.occurred_time = time_of_day(rng, report.occurred_on)  # type: ignore[arg-type]
    IntelligenceReport.objects.bulk_update(reports, ["occurred_time"], batch_size=500)
    crimes = list(Crime.objects.filter(committed_time__isnull=True).order_by("pk"))
    for crime in crimes:
        crime.committed_time = time_of_day(rng, crime.committed_on)
    Crime.objects.bulk_update(crimes, ["committed_time"], batch_size=500)
    return len(reports) + len(crimes)


@transaction.atomic
def seed_profiles(*, seed: int = 2013, end: date | None = None) -> ProfileSeedSummary:
    analyst = User.objects.filter(username=ANALYST).first()
    reporter = User.objects.filter(username=PARTNER_REPORTER).first()
    if analyst is None or reporter is None:
        return ProfileSeedSummary(0, 0, 0)
    end = end or timezone.localdate()
    start = end - timedelta(days=365)
    rng = random.Random(seed * 11 + 6)
    created = 0
    if not IntelligenceReport.objects.filter(source_type=SOURCE_TYPE).exists():
        drafts = generate_partner_reports(rng, _networks(), _background(), start=start, end=end)
        schemes = {
            a.district_id: a
            for a in Agency.objects.filter(code__startswith="hotelwatch-", district__isnull=False)
        }
        now = timezone.now()
        recent = end - timedelta(days=30)
        reports = []
        for number, d in enumerate(drafts, start=1):
            evaluated = d.occurred_on < recent
            reports.append(
                IntelligenceReport(
                    author=reporter,
                    agency=schemes.get(d.premises.district_id) or reporter.agency,
                    district_id=d.premises.district_id,
                    text=d.text,
                    occurred_on=d.occurred_on,
                    occurred_time=d.occurred_time,
                    source_evaluation=PARTNER_DEFAULT.source_evaluation,
                    intelligence_assessment=PARTNER_DEFAULT.intelligence_assessment,
                    handling_code=PARTNER_DEFAULT.handling_code,
                    status=ReportStatus.EVALUATED if evaluated else ReportStatus.AWAITING_EVALUATION,
                    evaluated_by=analyst if evaluated else None,
                    evaluated_at=now if evaluated else None,
                    source_type=SOURCE_TYPE,
                    source_id=number,
                    source_label="Synthetic partner report",
                )
            )
        IntelligenceReport.objects.bulk_create(reports, batch_size=500)
        subjects = []
        for report, d in zip(reports, drafts, strict=True):
            subjects.append(ReportSubject(report=report, entity_id=d.premises.entity_id, added_by=analyst))
            if d.vehicle:
                subjects.append(ReportSubject(report=report, entity_id=d.vehicle, added_by=analyst))
            if d.adult:
                subjects.append(
                    ReportSubject(
                        report=report, entity_id=d.adult, role=SubjectRole.SUSPECT, added_by=analyst
                    )
                )
        ReportSubject.objects.bulk_create(subjects, batch_size=1000)
        created = len(reports)
    timed = _give_times(rng)
    profiles = 0
    if not ProblemProfile.objects.exists():
        for district in District.objects.filter(is_active=True).order_by("name"):
            profile = ProblemProfile.objects.create(
                district=district,
                period_start=start,
                period_end=end,
                title=f"{district.name}: the last twelve months",
                created_by=analyst,
            )
            count_profile(analyst, profile)
            profiles += 1
    return ProfileSeedSummary(created, timed, profiles)
