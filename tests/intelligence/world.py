"""A small intelligence world: three graded reports about a Sheffield girl, the man and the car they
name, a package of them for the Sheffield case team, and its sanitised release to Sheffield partners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from tessera.accounts.models import User
from tessera.core.models import District
from tessera.intelligence.grading import Grade
from tessera.intelligence.models import (
    Crime,
    IntelligencePackage,
    IntelligenceReport,
    PartnerRelease,
    SubjectRole,
)
from tessera.intelligence.services import (
    ItemDecision,
    SuspectDetails,
    add_subject,
    build_package,
    record_crime,
    record_named_person,
    release_package,
    submit_intelligence,
)
from tessera.people.models import EntityKind, Location, LocationKind, Person, PoleEntity, Vehicle

TEXTS = (
    "Ellie Cawthorne seen getting into a silver Astra YK62 ABC outside the school at 15:30 with an older "
    "male known as Kaz. Source is a member of school staff.",
    "Kaz Mahmood drives the Astra YK62 ABC and gives girls vodka at a flat on Cemetery Road. Source "
    "overheard it.",
    "Ellie Cawthorne told a friend that Kaz buys her phone credit; number 07700 900456 given.",
)


@dataclass
class IntelWorld:
    child: Person
    suspect: Person
    car: Vehicle
    reports: list[IntelligenceReport]
    package: IntelligencePackage
    release: PartnerRelease


def build_intel_world(cast: dict[str, User], child: Person) -> IntelWorld:
    analyst = cast["analyst"]
    car = Vehicle.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.VEHICLE), registration="YK62ABC"
    )
    grades = (Grade("2", "B", "C"), Grade("2", "C", "C"), Grade("1", "B", "P"))
    reports = [
        submit_intelligence(analyst, text=text, district=child.district, grade=grade)
        for text, grade in zip(TEXTS, grades, strict=True)
    ]
    suspect = record_named_person(analyst, reports[1], name="Kaz Mahmood", role=SubjectRole.SUSPECT)
    for report in reports:
        add_subject(analyst, report, thing=child, role=SubjectRole.CHILD_AT_RISK)
        add_subject(analyst, report, thing=suspect, role=SubjectRole.SUSPECT)
    add_subject(analyst, reports[0], thing=car)
    add_subject(analyst, reports[1], thing=car)
    package = build_package(
        analyst,
        title="Ellie Cawthorne: an older male and a silver Astra",
        summary="Three reports link Ellie to an older male, Kaz Mahmood, who drives YK62 ABC.",
        district=District.objects.get(code="sheffield"),
        reports=reports,
    )
    release = release_package(
        analyst,
        package,
        sanitised_summary="Police hold information that Ellie may be at risk from an older male who drives a car.",
        handling_conditions="For the Sheffield case team's safety planning only; not to be shared with the family.",
        reason="The case team needs it to plan Ellie's safety this week.",
        items=[
            ItemDecision(
                reports[0], sanitised_text="Ellie has been seen getting into a car with an older male."
            ),
            ItemDecision(
                reports[1],
                sanitised_text="The older male, Kaz Mahmood, is believed to give girls alcohol.",
                naming=[suspect.entity_id],
            ),
            ItemDecision(reports[2], withheld_reason="Would identify the friend who told us."),
        ],
    )
    return IntelWorld(child, suspect, car, reports, package, release)


def record_intel_crime(cast: dict[str, User], world: IntelWorld) -> Crime:
    """A crime against the world's child, flagged as sexual exploitation, with its one suspect."""
    return record_crime(
        cast["analyst"],
        offence="Sexual activity with a child",
        committed_on=date(2025, 10, 4),
        victim=world.child,
        district=District.objects.get(code="sheffield"),
        exploitation_flag="cse",
        flag_basis=["under_18", "imbalance_of_power", "sexual_activity", "exchange"],
        suspects=[
            SuspectDetails(
                world.suspect,
                age=34,
                sex="male",
                nationality="British",
                reasons={"ethnicity": "Declined to say at interview"},
            )
        ],
    )


def hotel_in_sheffield(name: str = "Station Hotel", postcode: str = "S1 2AB") -> Location:
    return Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
        kind=LocationKind.HOTEL,
        name=name,
        postcode=postcode,
        district=District.objects.get(code="sheffield"),
    )


def profile_sources(cast: dict[str, User], world: IntelWorld, on: date) -> Location:
    """What a Sheffield problem profile counts, around the day ``on`` (a Saturday or not): the world's
    three reports on the day before; its crime at a hotel at 23:15; and the hotel night manager's report
    of the same hotel at 01:30, naming the world's suspect."""
    hotel = hotel_in_sheffield()
    crime = record_intel_crime(cast, world)
    Crime.objects.filter(pk=crime.pk).update(place=hotel, committed_time=time(23, 15), committed_on=on)
    partner = submit_intelligence(
        cast["hotel.sheffield"],
        text="Two men booked a room with a girl who looked about 14, paid cash.",
        district=District.objects.get(code="sheffield"),
        occurred_on=on,
    )
    IntelligenceReport.objects.filter(pk=partner.pk).update(occurred_time=time(1, 30))
    add_subject(cast["analyst"], partner, thing=hotel)
    add_subject(cast["analyst"], partner, thing=world.suspect, role=SubjectRole.SUSPECT)
    IntelligenceReport.objects.filter(pk__in=[r.pk for r in world.reports]).update(
        occurred_on=on - timedelta(days=1)
    )
    add_subject(cast["analyst"], world.reports[1], thing=hotel)
    return hotel
