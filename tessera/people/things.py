"""The pages of places, vehicles, phones and online accounts: what has been linked to each, over time.

Each page opens its thing through the policy (``PlaceRule``, ``ThingRule``: 404 alike for missing and not
yours), reads the links to it through ``visible_to(user, Link)`` (so police intelligence reaches only
those who may see it), shows at the other end only the people the viewer may see, and is logged as one
VIEW of the thing naming every person it showed. The number of queries does not depend on the number of
links: the thing, its links, the people at the other ends, one query per kind of thing there, the
addresses recorded at a place, and one look-up per source system that can say where a source record is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_opened
from tessera.accounts.models import Actor
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Link,
    LinkKind,
    Person,
)
from tessera.people.selectors import THING_PAGES

ADULT_AGE = 18


def age_on(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def life_stage(born: date | None, on: date) -> str:
    """ "Child" or "Adult" on the day of the link (a child then is a child in this record), "" if not known."""
    age = age_on(born, on)
    if age is None:
        return ""
    return "Child" if age < ADULT_AGE else "Adult"


# Source system -> (user, source record ids) -> {id: URL of the record's page, for those the user may see}.
SourceRecordPages = Callable[[Actor, set[str]], dict[str, str]]
_source_record_pages: dict[str, SourceRecordPages] = {}
# Source system -> how a record of it is named on the page ("Concern").
_source_record_names: dict[str, str] = {}


def register_source_record_pages(source_system: str, name: str, pages: SourceRecordPages) -> None:
    """Let an app say where the records it makes links from are (the referral a link came from), from its
    ``AppConfig.ready``, so ``people`` links to them without importing that app."""
    _source_record_pages[source_system] = pages
    _source_record_names[source_system] = name


@dataclass(frozen=True)
class Provenance:
    agency: str
    source_system: str
    source_record_id: str
    # The source record's page, when Tessera holds it and the viewer may see it.
    url: str = ""

    @property
    def record_name(self) -> str:
        name = _source_record_names.get(self.source_system)
        if name:
            return f"{name} {self.source_record_id}".strip()
        parts = [self.source_system, self.source_record_id]
        return " record ".join(p for p in parts if p)


@dataclass(frozen=True)
class TimelineEntry:
    """One link (or recorded address) of the thing, dated, with what is at the other end."""

    on: date
    # The link's start and end, or the address's dates, as recorded; ``on`` falls back to when it was recorded.
    started_on: date | None
    ended_on: date | None
    how: str
    other_kind: str
    other_label: str
    other_url: str
    person_id: int | None
    # For people: "Child" or "Adult" on the day, with the age then.
    stage: str
    age: int | None
    provenance: Provenance
    grade: str = ""

    @property
    def other_kind_name(self) -> str:
        return dict(EntityKind.choices).get(self.other_kind, self.other_kind)


@dataclass(frozen=True)
class ThingPage:
    thing: Any
    kind: str
    entries: list[TimelineEntry]

    @property
    def children(self) -> list[TimelineEntry]:
        return _distinct(e for e in self.entries if e.stage == "Child")

    @property
    def adults(self) -> list[TimelineEntry]:
        return _distinct(e for e in self.entries if e.stage == "Adult")

    @property
    def people_of_unknown_age(self) -> list[TimelineEntry]:
        # A man named only "Mo" has no date of birth: he is neither child nor adult here, but still linked.
        return _distinct(e for e in self.entries if e.person_id is not None and not e.stage)

    @property
    def places(self) -> list[TimelineEntry]:
        return _distinct(e for e in self.entries if e.other_kind == EntityKind.LOCATION)

    @property
    def concerns(self) -> list[Provenance]:
        seen: dict[str, Provenance] = {}
        for entry in self.entries:
            if entry.provenance.source_system in _source_record_names and entry.provenance.source_record_id:
                seen.setdefault(entry.provenance.source_record_id, entry.provenance)
        return list(seen.values())

    @property
    def people_shown(self) -> list[int]:
        return list(dict.fromkeys(e.person_id for e in self.entries if e.person_id is not None))


def _distinct(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    seen: dict[str, TimelineEntry] = {}
    for entry in entries:
        seen.setdefault(entry.other_url, entry)
    return list(seen.values())


def _how(link: Link, thing_is_source: bool, other_kind: str) -> str:
    label = link.get_kind_display()
    # Most links run from a person to the thing ("Seen in vehicle"); one from the thing to a person reads
    # the other way. A car seen at a hotel reads plainly from either end.
    reversed_toward_person = thing_is_source and other_kind == EntityKind.PERSON
    return f"{label} (this to them)" if reversed_toward_person and link.kind != LinkKind.ASSOCIATE else label


def _source_pages(user: Actor, links: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for system, record_id in links:
        if system in _source_record_pages and record_id:
            wanted[system].add(record_id)
    urls: dict[tuple[str, str], str] = {}
    for system, ids in wanted.items():
        for record_id, url in _source_record_pages[system](user, ids).items():
            urls[(system, record_id)] = url
    return urls


def visible_ends(
    user: Actor, entity_ids: dict[str, set[int]]
) -> dict[int, tuple[str, str, date | None, int | None]]:
    """Entity id -> (label, page URL, date of birth, person id) for the ends the user may see."""
    found: dict[int, tuple[str, str, date | None, int | None]] = {}
    if entity_ids.get(EntityKind.PERSON):
        people = visible_to(user, Person).filter(
            entity_id__in=entity_ids[EntityKind.PERSON], merged_into__isnull=True
        )
        for person in people.only("pk", "entity_id", "given_name", "family_name", "date_of_birth"):
            label = person.full_name or "Name not known"
            found[person.entity_id] = (label, person.get_absolute_url(), person.date_of_birth, person.pk)
    for kind, (model, url_name) in THING_PAGES.items():
        if entity_ids.get(kind):
            for thing in visible_to(user, model).filter(entity_id__in=entity_ids[kind]):
                found[thing.entity_id] = (str(thing), reverse(url_name, args=[thing.pk]), None, None)
    return found


def _timeline(user: Actor, thing: Any, kind: str) -> list[TimelineEntry]:
    entity_id = thing.entity_id
    links = list(
        visible_to(user, Link)
        .filter(Q(source_id=entity_id) | Q(target_id=entity_id))
        .select_related("agency", "source", "target")
    )
    addresses: list[IdentityAddress] = []
    if kind == EntityKind.LOCATION:
        addresses = list(
            IdentityAddress.objects.filter(
                location_id=thing.pk, identity__person__in=visible_to(user, Person).values("pk")
            ).select_related("identity__agency", "identity__person")
        )
    other_ids: dict[str, set[int]] = defaultdict(set)
    for link in links:
        other = link.target if link.source_id == entity_id else link.source
        other_ids[other.kind].add(other.pk)
    others = visible_ends(user, other_ids)
    pages = _source_pages(
        user,
        [(link.source_system, link.source_record_id) for link in links]
        + [(a.identity.source_system, a.identity.source_record_id) for a in addresses],
    )
    today = timezone.localdate()
    entries = []
    for link in links:
        thing_is_source = link.source_id == entity_id
        other = link.target if thing_is_source else link.source
        if other.pk not in others:
            # A person (or place) the viewer may not see: left out, not even counted.
            continue
        label, url, born, person_id = others[other.pk]
        is_person = person_id is not None
        on = link.started_on or timezone.localdate(link.created_at)
        entries.append(
            TimelineEntry(
                on=on,
                started_on=link.started_on,
                ended_on=link.ended_on,
                how=_how(link, thing_is_source, other.kind),
                other_kind=other.kind,
                other_label=label,
                other_url=url,
                person_id=person_id,
                stage=life_stage(born, on) if is_person else "",
                age=age_on(born, on) if is_person else None,
                provenance=Provenance(
                    link.agency.name,
                    link.source_system,
                    link.source_record_id,
                    pages.get((link.source_system, link.source_record_id), ""),
                ),
                grade=link.grade,
            )
        )
    for address in addresses:
        identity = address.identity
        person = identity.person
        on = address.from_date or timezone.localdate(identity.received_at)
        entries.append(
            TimelineEntry(
                on=on,
                started_on=address.from_date,
                ended_on=address.to_date,
                how="Address in an agency's record",
                other_kind=EntityKind.PERSON,
                other_label=person.full_name or "Name not known",
                other_url=person.get_absolute_url(),
                person_id=person.pk,
                stage=life_stage(person.date_of_birth, min(on, today)),
                age=age_on(person.date_of_birth, min(on, today)),
                provenance=Provenance(
                    identity.agency.name,
                    identity.source_system,
                    identity.source_record_id,
                    pages.get((identity.source_system, identity.source_record_id), ""),
                ),
            )
        )
    entries.sort(key=lambda e: (e.on, e.other_label), reverse=True)
    return entries


def _open_thing(user: Actor, kind: str, pk: int, *, via: HttpRequest | None) -> ThingPage:
    model, _url_name = THING_PAGES[kind]
    with transaction.atomic():
        thing = get_visible_or_404(user, model, pk=pk)
        page = ThingPage(thing, kind, _timeline(user, thing, kind))
        log_opened(user, thing, via=via, shown={"people.person": page.people_shown})
    return page


def open_place(user: Actor, pk: int, *, via: HttpRequest | None) -> ThingPage:
    """A place's page (web and API alike), logged as viewed with the people it shows; 404 if not yours."""
    return _open_thing(user, EntityKind.LOCATION, pk, via=via)


def open_vehicle(user: Actor, pk: int, *, via: HttpRequest | None) -> ThingPage:
    return _open_thing(user, EntityKind.VEHICLE, pk, via=via)


def open_phone(user: Actor, pk: int, *, via: HttpRequest | None) -> ThingPage:
    return _open_thing(user, EntityKind.PHONE, pk, via=via)


def open_account(user: Actor, pk: int, *, via: HttpRequest | None) -> ThingPage:
    return _open_thing(user, EntityKind.ONLINE_ACCOUNT, pk, via=via)


def thing_url(kind: str, pk: int) -> str:
    return reverse(THING_PAGES[kind][1], args=[pk])
