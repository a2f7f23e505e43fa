"""Problem profiles: gathering a district's events for a period through the access policy, analysing them
(``profile_analysis``, pure), storing the figures, and the analyst's recommendations.

Three sources: intelligence reports about the district (a report from a partner business, such as a
hotel on a Hotel Watch scheme, counts as a partner report), crimes recorded in it, and concerns sent
through a partner scheme (hotels, taxi firms, takeaways). Every read goes through ``visible_to``: the
figures are of what the analyst who refreshes may see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, require, visible_to
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.audit.versioning import save_changes
from tessera.core.models import AgencyKind, District
from tessera.intelligence.hexbin import hex_map
from tessera.intelligence.models import Crime, CrimeSuspect, IntelligenceReport, ProblemProfile, ReportSubject
from tessera.intelligence.profile_analysis import PARTNER_KINDS, Analysis, Event, Ranked, analyse
from tessera.intelligence.rules import may_evaluate
from tessera.people.models import EntityKind, Location, PoleEntity
from tessera.referrals.models import Referral, ReferralSubject

NAMED_ROLES = {"suspect", "associate"}


def _local(moment: datetime) -> tuple[date, time]:
    local = timezone.localtime(moment)
    return local.date(), local.time().replace(second=0, microsecond=0)


def _partner_kind(place_kind: str) -> str:
    return place_kind if place_kind in PARTNER_KINDS else "other"


def gather_events(user: User, district: District, start: date, end: date) -> list[Event]:
    """The district's events from ``start`` to ``end`` that ``user`` may see, from the three sources."""
    kinds: dict[int, str] = {}
    events: list[Event] = []

    # Intelligence reports: on the day they describe, or the day recorded when they give none.
    reports = list(
        visible_to(user, IntelligenceReport)
        .filter(district=district)
        .select_related("agency")
        .only("pk", "occurred_on", "occurred_time", "created_at", "agency__kind")
    )
    reports = [r for r in reports if start <= (r.occurred_on or timezone.localdate(r.created_at)) <= end]
    subjects: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for report_id, entity_id, role in (
        visible_to(user, ReportSubject)
        .filter(report_id__in=[r.pk for r in reports])
        .values_list("report_id", "entity_id", "role")
    ):
        subjects[report_id].append((entity_id, role))
    entity_ids = {e for rows in subjects.values() for e, _ in rows}
    kinds.update(PoleEntity.objects.filter(pk__in=entity_ids).values_list("pk", "kind"))
    place_kinds = dict(Location.objects.filter(entity_id__in=entity_ids).values_list("entity_id", "kind"))
    for report in reports:
        named = subjects.get(report.pk, [])
        places = [e for e, _ in named if kinds.get(e) == EntityKind.LOCATION]
        partner = report.agency.kind == AgencyKind.PARTNER_BUSINESS
        events.append(
            Event(
                source="partner" if partner else "report",
                on=report.occurred_on or timezone.localdate(report.created_at),
                at=report.occurred_time if report.occurred_on else _local(report.created_at)[1],
                place=places[0] if places else None,
                vehicles=tuple(e for e, _ in named if kinds.get(e) == EntityKind.VEHICLE),
                people=tuple(
                    e for e, role in named if kinds.get(e) == EntityKind.PERSON and role in NAMED_ROLES
                ),
                partner_kind=_partner_kind(place_kinds.get(places[0], "")) if partner and places else "",
            )
        )

    # Crimes: where and when committed; the suspects are the individuals named.
    crimes = list(
        visible_to(user, Crime)
        .filter(district=district, committed_on__gte=start, committed_on__lte=end)
        .select_related("place")
        .only("pk", "committed_on", "committed_time", "place__entity_id")
    )
    suspects: dict[int, list[int]] = defaultdict(list)
    for crime_id, entity_id in (
        visible_to(user, CrimeSuspect)
        .filter(crime_id__in=[c.pk for c in crimes])
        .values_list("crime_id", "person__entity_id")
    ):
        suspects[crime_id].append(entity_id)
    for crime in crimes:
        events.append(
            Event(
                source="crime",
                on=crime.committed_on,
                at=crime.committed_time,
                place=crime.place.entity_id if crime.place else None,
                people=tuple(suspects.get(crime.pk, [])),
            )
        )

    # Concerns sent by partner businesses through a partner scheme.
    referrals = list(
        visible_to(user, Referral)
        .filter(district=district, from_partner_scheme=True)
        .select_related("place")
        .only("pk", "seen_at", "place__entity_id", "place__kind")
    )
    referrals = [r for r in referrals if start <= _local(r.seen_at)[0] <= end]
    resolved: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for referral_id, entity_id, kind in ReferralSubject.objects.filter(
        referral_id__in=[r.pk for r in referrals], entity__isnull=False
    ).values_list("referral_id", "entity_id", "kind"):
        resolved[referral_id].append((entity_id, kind))
    resolved_places = {e for rows in resolved.values() for e, k in rows if k == "place"}
    place_kinds.update(
        Location.objects.filter(entity_id__in=resolved_places).values_list("entity_id", "kind")
    )
    for referral in referrals:
        named = resolved.get(referral.pk, [])
        place = (
            referral.place.entity_id if referral.place else next((e for e, k in named if k == "place"), None)
        )
        day, at = _local(referral.seen_at)
        events.append(
            Event(
                source="partner",
                on=day,
                at=at,
                place=place,
                vehicles=tuple(e for e, k in named if k == "vehicle"),
                people=tuple(e for e, k in named if k == "adult"),
                partner_kind=_partner_kind(
                    referral.place.kind if referral.place else place_kinds.get(place or 0, "")
                ),
            )
        )
    return events


def _ranked(rows: list[Ranked]) -> list[dict[str, object]]:
    return [asdict(row) for row in rows]


def figures_of(district: District, analysis: Analysis, place_counts: Counter[int]) -> dict[str, object]:
    """What a profile stores: counts against entity ids, the matrix and the hex bins (no names)."""
    # A place outside the district (a report about the district naming a hotel over the border) is counted
    # in the tables but not drawn on this district's map.
    postcodes = {
        entity: postcode if place_district == district.pk else ""
        for entity, postcode, place_district in Location.objects.filter(
            entity_id__in=place_counts
        ).values_list("entity_id", "postcode", "district_id")
    }
    hexes = hex_map(district.code, [(postcodes.get(e, ""), n) for e, n in sorted(place_counts.items())])
    return {
        "events": analysis.events,
        "sources": analysis.sources,
        "hotspots": _ranked(analysis.hotspots),
        "vehicles": _ranked(analysis.vehicles),
        "people": _ranked(analysis.people),
        "matrix": [list(row) for row in analysis.matrix.counts],
        "hour_not_known": list(analysis.matrix.hour_not_known),
        "partners": analysis.partners.by_kind,
        "partner_share": round(analysis.partners.share, 4),
        "places": len(place_counts),
        "hex_size": hexes.size,
        "hexes": [[q, r, n] for (q, r), n in sorted(hexes.bins.items())],
        "unplaced": hexes.unplaced,
    }


def _check_may_write(user: User) -> None:
    if not may_evaluate(scope_of(user)):
        raise PermissionDenied("Problem profiles are written by intelligence analysts and supervisors")


def count_profile(user: User, profile: ProblemProfile) -> Analysis:
    """Count the profile's period from the sources, as ``user`` may see them, and store the figures (the
    caller logs the act: ``refresh`` from a page, or the synthetic seed that writes no access log)."""
    events = gather_events(user, profile.district, profile.period_start, profile.period_end)
    analysis = analyse(events, profile.period_start, profile.period_end)
    place_counts = Counter(e.place for e in events if e.place is not None)
    figures = figures_of(profile.district, analysis, place_counts)
    ProblemProfile.objects.filter(pk=profile.pk).update(
        figures=figures, refreshed_at=timezone.now(), refreshed_by=user
    )
    profile.refresh_from_db()
    return analysis


def refresh(user: User, profile: ProblemProfile, *, request: HttpRequest | None = None) -> ProblemProfile:
    """Count the profile's period again from the sources (what ``user`` may see), and store it."""
    require(user, Action.CHANGE, profile)
    with transaction.atomic():
        analysis = count_profile(user, profile)
        record_access(
            actor=user,
            action=AuditAction.CHANGE,
            target=profile,
            request=request,
            details={"refreshed": True, "events": analysis.events, "sources": analysis.sources},
        )
    return profile


def period_problems(start: date | None, end: date | None) -> dict[str, str]:
    problems = {}
    if start and end and start > end:
        problems["period_end"] = "The period ends on or after the day it starts."
    if start and end and (end - start).days > 3 * 366:
        problems["period_end"] = "A profile covers at most three years."
    return problems


def create_profile(
    user: User,
    *,
    district: District,
    period_start: date,
    period_end: date,
    title: str,
    request: HttpRequest | None = None,
) -> ProblemProfile:
    """A new problem profile for the district and period, counted at once."""
    _check_may_write(user)
    problems = period_problems(period_start, period_end)
    if not title.strip():
        problems["title"] = "Give the profile a title."
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        profile = ProblemProfile.objects.create(
            district=district,
            period_start=period_start,
            period_end=period_end,
            title=title.strip()[:200],
            created_by=user,
        )
        record_access(
            actor=user,
            action=AuditAction.CREATE,
            target=profile,
            request=request,
            details={"district": district.code, "from": str(period_start), "to": str(period_end)},
        )
    return refresh(user, profile, request=request)


def save_recommendations(
    user: User,
    profile: ProblemProfile,
    *,
    recommendations: str,
    expected_version: int,
    request: HttpRequest | None = None,
) -> ProblemProfile:
    """The analyst's recommendations, kept with the profile (a stale save is refused)."""
    require(user, Action.CHANGE, profile)
    save_changes(
        profile,
        expected_version=expected_version,
        changes={"recommendations": recommendations.strip()},
        actor=user,
        request=request,
        reason="recommendations",
    )
    return profile
