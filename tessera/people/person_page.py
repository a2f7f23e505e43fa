"""What a person's page opens with, gathered from the apps that know it.

The page lives in ``people``, below the apps that know a child's risk level (risk), open case and lead
professional (cases) and the concerns raised about them (referrals). Each of those registers a source
from its ``AppConfig.ready`` with ``register_person_page_source``, so ``people`` never imports them.

A source answers for one person in a fixed number of queries, each starting from ``visible_to``, so the
page's cost does not grow with what is recorded, and says which records it put on the page (``shown``)
so the one access-log row of the page names them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.models import BreakGlassGrant
from tessera.access.reads import emergency_grant, log_opened
from tessera.accounts.models import Actor
from tessera.people.models import Ethnicity, LinkKind, Person, Sex, SourceIdentity
from tessera.people.record_comparison import Comparison, RecordFacts, compare_records
from tessera.people.selectors import LinkedEntity, links_of, person_for_page

# How many recent events the page opens with (the chronology and the tables below hold the rest).
RECENT_EVENTS = 8


@dataclass(frozen=True)
class Headline:
    """One fact in the page's opening summary: "Risk of exploitation: Significant, assessed 3 Nov 2026"."""

    order: int
    label: str
    value: str
    detail: str = ""
    url: str = ""
    # A GOV.UK tag modifier ("govuk-tag--red") when the value is a level; the words carry the meaning.
    tag: str = ""


@dataclass(frozen=True)
class Alert:
    """Something the reader must not miss, in words (never colour alone)."""

    text: str
    url: str = ""
    url_text: str = ""


@dataclass(frozen=True)
class RecentEvent:
    on: date
    what: str
    agency: str = ""
    url: str = ""


@dataclass(frozen=True)
class PersonPagePart:
    headlines: tuple[Headline, ...] = ()
    alerts: tuple[Alert, ...] = ()
    events: tuple[RecentEvent, ...] = ()
    # Records the part put on the page, by target type ("cases.case": [3]), for the access log.
    shown: Mapping[str, Iterable[int]] = field(default_factory=dict)


PersonPageSource = Callable[[Actor, Person], PersonPagePart]

_sources: list[PersonPageSource] = []


def register_person_page_source(source: PersonPageSource) -> None:
    if source not in _sources:
        _sources.append(source)


@dataclass(frozen=True)
class PersonOverview:
    headlines: list[Headline]
    alerts: list[Alert]
    events: list[RecentEvent]
    shown: dict[str, list[int]]


def combine(parts: Iterable[PersonPagePart], *, recent: int = RECENT_EVENTS) -> PersonOverview:
    """The parts as one opening summary: headlines in their order, alerts as given, the newest events."""
    headlines: list[Headline] = []
    alerts: list[Alert] = []
    events: list[RecentEvent] = []
    shown: dict[str, list[int]] = {}
    for part in parts:
        headlines += part.headlines
        alerts += part.alerts
        events += part.events
        for kind, ids in part.shown.items():
            shown.setdefault(kind, []).extend(ids)
    events.sort(key=lambda e: e.on, reverse=True)
    return PersonOverview(
        headlines=sorted(headlines, key=lambda h: h.order),
        alerts=alerts,
        events=events[:recent],
        shown={kind: list(dict.fromkeys(ids)) for kind, ids in shown.items()},
    )


def overview_parts(user: Actor, person: Person) -> list[PersonPagePart]:
    """What every registered app contributes for this person and viewer."""
    return [source(user, person) for source in _sources]


def known_to(identities: Iterable[SourceIdentity]) -> Headline:
    """The agencies that hold a record of the person, with how many each."""
    counts = Counter(identity.agency.name for identity in identities)
    value = "; ".join(f"{name} ({count} records)" if count > 1 else name for name, count in counts.items())
    return Headline(order=30, label="Agencies that know this person", value=value or "None")


def people_part(
    person: Person,
    identities: Sequence[SourceIdentity],
    links: Sequence[LinkedEntity],
    *,
    restricted: bool,
) -> PersonPagePart:
    """What the person's own records say the page must open with (no queries: all already loaded)."""
    alerts: list[Alert] = []
    if restricted:
        alerts.append(Alert("Restricted record: only named people see it and what is about it"))
    exploited = [item for item in links if item.link.kind == LinkKind.SUSPECTED_EXPLOITER]
    if any(item.direction == "in" for item in exploited):
        alerts.append(Alert("Linked to a suspected exploiter (see the links below)"))
    if any(item.direction == "out" for item in exploited):
        alerts.append(Alert("Recorded as a suspected exploiter (see the links below)"))
    for identity in identities:
        for field_name in identity.identifiers_failing_check:
            what = "NHS number" if field_name == "nhs_number" else "pupil number"
            alerts.append(Alert(f"The {what} {identity.agency.name} sent fails its check: not used to match"))
    events: list[RecentEvent] = [
        RecentEvent(
            on=timezone.localdate(identity.received_at),
            what=f"Record received ({identity.source_system} {identity.source_record_id})",
            agency=identity.agency.name,
        )
        for identity in identities
    ]
    events += [
        RecentEvent(
            on=item.link.started_on or timezone.localdate(item.link.created_at),
            what=f"Link: {item.link_label} {item.label}",
            agency=item.link.agency.name,
            url=item.url,
        )
        for item in links
    ]
    return PersonPagePart(headlines=(known_to(identities),), alerts=tuple(alerts), events=tuple(events))


# The facts compared across records, in the order the table shows them.
COMPARED_FACTS = (
    "Name",
    "Also known as",
    "Date of birth",
    "Sex",
    "Ethnicity",
    "Disability",
    "NHS number",
    "Police person ID",
    "Pupil number",
    "Local authority ID",
    "Address",
)

_FAILING_LABELS = {"nhs_number": "NHS number", "pupil_number": "Pupil number"}


def record_facts(identity: SourceIdentity) -> RecordFacts:
    """One source record as display text per fact, for the side-by-side comparison."""
    name = " ".join(p for p in (identity.given_name, identity.middle_names, identity.family_name) if p)
    if identity.date_of_birth:
        born: tuple[str, ...] = (f"{identity.date_of_birth:%-d %B %Y}",)
    elif identity.approximate_age:
        born = (f"About {identity.approximate_age} years old",)
    else:
        born = ()
    addresses = tuple(
        str(a.location)
        + (
            f" (from {a.from_date:%-d %b %Y}{f' to {a.to_date:%-d %b %Y}' if a.to_date else ''})"
            if a.from_date
            else ""
        )
        for a in identity.addresses.all()
    )
    facts: dict[str, tuple[str, ...]] = {
        "Name": (name,) if name else (),
        "Also known as": (", ".join(identity.other_names),) if identity.other_names else (),
        "Date of birth": born,
        "Sex": (identity.get_sex_display(),) if identity.sex != Sex.UNKNOWN else (),
        "Ethnicity": (identity.get_ethnicity_display(),)
        if identity.ethnicity != Ethnicity.NOT_STATED
        else (),
        "Disability": (identity.disability,) if identity.disability else (),
        "NHS number": (identity.nhs_number,) if identity.nhs_number else (),
        "Police person ID": (identity.police_person_id,) if identity.police_person_id else (),
        "Pupil number": (identity.pupil_number,) if identity.pupil_number else (),
        "Local authority ID": (identity.la_person_id,) if identity.la_person_id else (),
        # The latest address first: that is the one compared.
        "Address": addresses,
    }
    notes: dict[str, str] = {}
    for field_name, value in identity.identifiers_failing_check.items():
        label = _FAILING_LABELS.get(field_name, field_name)
        if not facts.get(label):
            facts[label] = (f"{value} as sent",)
        notes[label] = "Fails its check: kept as sent, not used to match"
    return RecordFacts(
        agency=identity.agency.name,
        source_system=identity.source_system,
        source_record_id=identity.source_record_id,
        received=f"{timezone.localtime(identity.received_at):%-d %b %Y}",
        facts=facts,
        notes=notes,
    )


def compare_identities(identities: Sequence[SourceIdentity]) -> Comparison:
    return compare_records([record_facts(identity) for identity in identities], COMPARED_FACTS)


@dataclass(frozen=True)
class PersonPage:
    person: Person
    identities: list[SourceIdentity]
    links: list[LinkedEntity]
    overview: PersonOverview
    comparison: Comparison
    grant: BreakGlassGrant | None
    restricted: bool


def open_person_page(user: Actor, pk: int, *, via: HttpRequest | None) -> PersonPage:
    """The person page: the person, their links and what every app says the page opens with, logged as
    one VIEW of the person naming every record the page shows; 404 alike for missing and not yours.

    The number of queries is fixed: the person, identities and addresses; the emergency grant and any
    restriction (with the person); the links and what is at their other ends; one or two per registered source.
    """
    with transaction.atomic():
        person = person_for_page(user, pk)
        grant = emergency_grant(user, person)
        identities = list(person.identities.all())
        links = links_of(user, person)
        restricted = bool(getattr(person, "under_restriction", False))
        parts = [people_part(person, identities, links, restricted=restricted), *overview_parts(user, person)]
        overview = combine(parts)
        shown = dict(overview.shown)
        linked_people = [item.person_id for item in links if item.person_id is not None]
        if linked_people:
            shown["people.person"] = list(dict.fromkeys(shown.get("people.person", []) + linked_people))
        log_opened(user, person, via=via, shown=shown, grant=grant)
    return PersonPage(
        person=person,
        identities=identities,
        links=links,
        overview=overview,
        comparison=compare_identities(identities),
        grant=grant,
        restricted=restricted,
    )
