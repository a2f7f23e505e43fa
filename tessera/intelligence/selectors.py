"""Reads of intelligence: every one through the access policy, every page's read logged (ADR 0019)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_list, log_opened, open_record
from tessera.accounts.models import Actor
from tessera.intelligence.chart import Join
from tessera.intelligence.extraction import Mention, MentionKind, mentions
from tessera.intelligence.models import (
    Crime,
    CrimeSuspect,
    IntelligencePackage,
    IntelligenceReport,
    PartnerRelease,
    ReleaseOutcome,
    ReleaseSubject,
    ReportStatus,
    ReportSubject,
    SubjectRole,
)
from tessera.people.identifiers import display_phone
from tessera.people.models import EntityKind, Link, Location, Person, Phone, Vehicle
from tessera.people.selectors import THING_PAGES


@dataclass(frozen=True)
class NamedEntity:
    """A subject as the viewer may see it: its label and page, or only that it is not theirs to see."""

    entity_id: int
    kind: str
    label: str
    url: str
    person_id: int | None = None
    visible: bool = True


def describe_entities(user: Actor, entity_ids: Iterable[int]) -> dict[int, NamedEntity]:
    """Each entity the user may see, by entity id (one query per kind); the rest are not in the answer."""
    wanted = set(entity_ids)
    found: dict[int, NamedEntity] = {}
    if not wanted:
        return found
    for person in visible_to(user, Person).filter(entity_id__in=wanted):
        found[person.entity_id] = NamedEntity(
            person.entity_id,
            EntityKind.PERSON,
            str(person),
            reverse("people:person_detail", args=[person.pk]),
            person_id=person.pk,
        )
    for kind, (model, url_name) in THING_PAGES.items():
        for thing in visible_to(user, model).filter(entity_id__in=wanted - set(found)):
            found[thing.entity_id] = NamedEntity(
                thing.entity_id, kind, str(thing), reverse(url_name, args=[thing.pk])
            )
    return found


def subjects_of(
    user: Actor, report: IntelligenceReport
) -> tuple[list[tuple[ReportSubject, NamedEntity]], int]:
    """The report's subjects the user may see, and how many others there are (outside their districts)."""
    subjects = list(report.subjects.select_related("entity"))
    named = describe_entities(user, [s.entity_id for s in subjects])
    shown = [(s, named[s.entity_id]) for s in subjects if s.entity_id in named]
    return shown, len(subjects) - len(shown)


def open_report(user: Actor, pk: int, *, via: HttpRequest | None) -> IntelligenceReport:
    """The report, logged as viewed with the people it names; 404 to anyone who does not see intelligence."""
    queryset = IntelligenceReport.objects.select_related("author", "agency", "district", "evaluated_by")
    report = get_visible_or_404(user, queryset, pk=pk)
    people = list(
        Person.objects.filter(entity_id__in=report.subjects.values("entity_id")).values_list("pk", flat=True)
    )
    return open_record(user, queryset, report.pk, via=via, shown={"people.person": people})


def report_for_form(user: Actor, pk: int) -> IntelligenceReport:
    """The report a posted form acts on (not logged as a view: the service logs the act)."""
    return get_visible_or_404(user, IntelligenceReport.objects.select_related("district"), pk=pk)


@dataclass(frozen=True)
class Offered:
    """A name, registration or number found in the text, with the records it may be."""

    mention: Mention
    matches: tuple[NamedEntity, ...]


def offered_subjects(user: Actor, report: IntelligenceReport, known: set[int]) -> list[Offered]:
    """What the text names that is not a subject yet, each with the records the user may see it matches.

    A plate or phone already recorded is matched by its stored form; a name by the people the user may
    see with that given and family name (or that single name).
    """
    offered = []
    for mention in mentions(report.text):
        matches: list[NamedEntity] = []
        if mention.kind == MentionKind.REGISTRATION:
            rows = visible_to(user, Vehicle).filter(registration=mention.normal)
            matches = [
                NamedEntity(
                    v.entity_id, EntityKind.VEHICLE, str(v), reverse("people:vehicle_detail", args=[v.pk])
                )
                for v in rows
            ]
        elif mention.kind == MentionKind.PHONE:
            rows_p = visible_to(user, Phone).filter(number=mention.normal)
            matches = [
                NamedEntity(
                    p.entity_id,
                    EntityKind.PHONE,
                    display_phone(p.number),
                    reverse("people:phone_detail", args=[p.pk]),
                )
                for p in rows_p
            ]
        else:
            words = mention.normal.split()
            people = visible_to(user, Person).filter(merged_into__isnull=True)
            if len(words) >= 2:
                people = people.filter(given_name__iexact=" ".join(words[:-1]), family_name__iexact=words[-1])
            else:
                people = people.filter(given_name__iexact=words[0])
            matches = [
                NamedEntity(
                    p.entity_id,
                    EntityKind.PERSON,
                    f"{p}{', born ' + p.date_of_birth.strftime('%-d %b %Y') if p.date_of_birth else ''}",
                    reverse("people:person_detail", args=[p.pk]),
                    person_id=p.pk,
                )
                for p in people[:5]
            ]
        if any(m.entity_id in known for m in matches):
            continue
        offered.append(Offered(mention, tuple(matches)))
    return offered


def reports_for_list(user: Actor, *, limit: int = 50) -> list[IntelligenceReport]:
    """Reports awaiting evaluation first, then the newest (the page logs what it shows, once)."""
    rows = list(
        visible_to(user, IntelligenceReport)
        .select_related("district", "agency")
        .order_by("-status", "-created_at")[:limit]
    )
    rows.sort(key=lambda r: (r.status != ReportStatus.AWAITING_EVALUATION, -r.created_at.timestamp()))
    return rows


def releases_for_list(user: Actor, *, limit: int = 50) -> list[PartnerRelease]:
    """The releases standing for the user's districts (for intelligence roles, every standing release)."""
    return list(
        visible_to(user, PartnerRelease)
        .filter(outcome=ReleaseOutcome.RELEASED, withdrawn_at__isnull=True, released_with__isnull=True)
        .select_related("district", "report", "package")[:limit]
    )


def packages_for_list(user: Actor, *, limit: int = 20) -> list[IntelligencePackage]:
    return list(visible_to(user, IntelligencePackage).select_related("district", "case")[:limit])


def log_intelligence_lists(
    user: Actor,
    via: HttpRequest | None,
    *,
    list_name: str,
    reports: Sequence[IntelligenceReport] = (),
    packages: Sequence[IntelligencePackage] = (),
    releases: Sequence[PartnerRelease] = (),
) -> None:
    """One VIEW row for a page listing reports, packages and releases, naming each and the people the
    reports name."""
    ids = {
        "intelligence.intelligencereport": [r.pk for r in reports],
        "intelligence.intelligencepackage": [p.pk for p in packages],
        "intelligence.partnerrelease": [r.pk for r in releases],
    }
    named = ReportSubject.objects.filter(report__in=[r.pk for r in reports]).values("entity_id")
    people = Person.objects.filter(entity_id__in=named).values_list("pk", flat=True) if reports else []
    log_list(
        user,
        via,
        list_name=list_name,
        target_type="",
        ids={kind: pks for kind, pks in ids.items() if pks},
        people=list(people),
    )


def decisions_on(user: Actor, report: IntelligenceReport) -> QuerySet[PartnerRelease]:
    """Every release and refusal of the report (police intelligence: the report's readers only)."""
    return visible_to(user, PartnerRelease).filter(report=report).select_related("district", "decided_by")


def open_release(user: Actor, pk: int, *, via: HttpRequest | None) -> PartnerRelease:
    """A release, logged as viewed with the people it names; 404 to anyone it was not released to."""
    queryset = PartnerRelease.objects.select_related("district", "decided_by", "report", "package")
    release = get_visible_or_404(user, queryset, pk=pk)
    named = ReleaseSubject.objects.filter(release__in=[release, *release.report_releases.all()])
    people = list(Person.objects.filter(entity_id__in=named.values("entity_id")).values_list("pk", flat=True))
    return open_record(user, queryset, release.pk, via=via, shown={"people.person": people})


def release_parts(user: Actor, release: PartnerRelease) -> list[PartnerRelease]:
    """For a package's release, the releases of its reports made with it that the user may read."""
    return list(
        visible_to(user, PartnerRelease).filter(released_with=release).select_related("report").order_by("pk")
    )


def named_by(user: Actor, releases: Iterable[PartnerRelease]) -> dict[int, list[NamedEntity]]:
    """By release id, the people and things it names that the user may see (after the release, all)."""
    by_release: dict[int, list[int]] = {}
    for row in ReleaseSubject.objects.filter(release__in=list(releases)).order_by("pk"):
        by_release.setdefault(row.release_id, []).append(row.entity_id)
    named = describe_entities(user, {e for ids in by_release.values() for e in ids})
    return {rid: [named[e] for e in ids if e in named] for rid, ids in by_release.items()}


def open_package(user: Actor, pk: int, *, via: HttpRequest | None) -> IntelligencePackage:
    queryset = IntelligencePackage.objects.select_related("district", "case", "created_by")
    package = get_visible_or_404(user, queryset, pk=pk)
    entity_ids = ReportSubject.objects.filter(report__in=package.reports.all()).values("entity_id")
    people = list(Person.objects.filter(entity_id__in=entity_ids).values_list("pk", flat=True))
    return open_record(user, queryset, package.pk, via=via, shown={"people.person": people})


def package_for_form(user: Actor, pk: int) -> IntelligencePackage:
    return get_visible_or_404(user, IntelligencePackage.objects.select_related("district"), pk=pk)


def reports_of(user: Actor, package: IntelligencePackage) -> list[IntelligenceReport]:
    """The package's reports the user may see, in the package's order."""
    order = {item.report_id: item.position for item in package.items.all()}
    rows = list(visible_to(user, IntelligenceReport).filter(pk__in=order).select_related("district"))
    return sorted(rows, key=lambda r: order[r.pk])


def release_for_export(user: Actor, pk: int) -> PartnerRelease:
    """A release the user may read, for its PDF (the export is logged by the view)."""
    return get_visible_or_404(
        user, PartnerRelease.objects.select_related("district").filter(outcome=ReleaseOutcome.RELEASED), pk=pk
    )


def links_between(user: Actor, entity_ids: set[int]) -> list[Join]:
    """Recorded links between these entities that the user may see, as labelled joins for the chart:
    kind, date and grade ("Uses vehicle, from 3 Mar 2026, graded 2BC")."""
    if len(entity_ids) < 2:
        return []
    joins = []
    rows = visible_to(user, Link).filter(source_id__in=entity_ids, target_id__in=entity_ids).order_by("pk")
    for link in rows:
        parts = [link.get_kind_display()]
        if link.started_on:
            parts.append(f"from {link.started_on.strftime('%-d %b %Y')}")
        if link.grade:
            parts.append(f"graded {link.grade}")
        joins.append(Join(link.source_id, link.target_id, ", ".join(parts)))
    return joins


CRIME_ROWS = 100


def crimes_for_list(user: Actor) -> list[Crime]:
    """The newest crimes the user may see (flagged ones are police intelligence)."""
    return list(
        visible_to(user, Crime)
        .select_related("victim", "district", "place")
        .order_by("-committed_on", "-pk")[:CRIME_ROWS]
    )


def log_crime_list(user: Actor, request: HttpRequest | None, crimes: Sequence[Crime], *, name: str) -> None:
    log_list(
        user,
        request,
        list_name=name,
        target_type="intelligence.crime",
        ids=[c.pk for c in crimes],
        people=[c.victim_id for c in crimes],
    )


def _crime_people(crime: Crime) -> list[int]:
    return [crime.victim_id, *crime.suspects.values_list("person_id", flat=True)]


def open_crime(
    user: Actor,
    pk: int,
    *,
    via: HttpRequest | None,
    also_people: Callable[[Crime], Sequence[int]] | None = None,
) -> Crime:
    """The crime, logged as viewed with its victim and suspects (and ``also_people``: the people its
    forms offer); 404 alike for missing and not yours."""
    queryset = Crime.objects.select_related("victim", "district", "place", "recorded_by")
    crime = get_visible_or_404(user, queryset, pk=pk)
    people = _crime_people(crime) + list(also_people(crime) if also_people else [])
    log_opened(user, crime, via=via, shown={"people.person": list(dict.fromkeys(people))})
    return crime


def crime_for_form(user: Actor, pk: int) -> Crime:
    """The crime a posted form acts on (the service logs the change; a re-shown form logs a view)."""
    return get_visible_or_404(user, Crime.objects.select_related("victim", "district", "place"), pk=pk)


def suspects_of(user: Actor, crime: Crime) -> list[tuple[CrimeSuspect, bool]]:
    """The crime's suspects, each with whether the user may open the suspect's person page."""
    rows = list(crime.suspects.select_related("person").order_by("pk"))
    visible = set(
        visible_to(user, Person).filter(pk__in=[r.person_id for r in rows]).values_list("pk", flat=True)
    )
    return [(row, row.person_id in visible) for row in rows]


@dataclass(frozen=True)
class Candidates:
    """People and places offered on a crime's forms: those linked to the victim, and those named in the
    same intelligence reports as the victim (all of them ones the user may see)."""

    people: list[Person]
    places: list[Location]


def crime_candidates(user: Actor, victim: Person, *, limit: int = 60) -> Candidates:
    entity = victim.entity_id
    linked = set(Link.objects.filter(source_id=entity).values_list("target_id", flat=True)) | set(
        Link.objects.filter(target_id=entity).values_list("source_id", flat=True)
    )
    reports = ReportSubject.objects.filter(entity_id=entity).values("report_id")
    named = set(ReportSubject.objects.filter(report_id__in=reports).values_list("entity_id", flat=True))
    around = (linked | named) - {entity}
    people = list(
        visible_to(user, Person)
        .filter(entity_id__in=around, merged_into__isnull=True)
        .order_by("family_name", "given_name", "pk")[:limit]
    )
    places = list(visible_to(user, Location).filter(entity_id__in=around).order_by("name", "pk")[:limit])
    return Candidates(people, places)


def children_named_in_reports(user: Actor, *, limit: int = 50) -> list[Person]:
    """Children at risk named in intelligence reports (newest first): the victims a crime is offered for."""
    entity_ids = (
        ReportSubject.objects.filter(role=SubjectRole.CHILD_AT_RISK)
        .order_by("-added_at")
        .values_list("entity_id", flat=True)[: limit * 4]
    )
    rows = visible_to(user, Person).filter(entity_id__in=list(entity_ids), merged_into__isnull=True)
    return list(rows.order_by("family_name", "given_name", "pk")[:limit])
