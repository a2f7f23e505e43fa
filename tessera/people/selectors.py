"""Reads of people and their links. Each one starts from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, When
from django.http import HttpRequest
from django.urls import reverse

from tessera.access.models import RestrictedRecord
from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_opened
from tessera.accounts.models import Actor
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Link,
    Location,
    OnlineAccount,
    Person,
    Phone,
    SourceIdentity,
    Vehicle,
)


def visible_people(user: Actor) -> QuerySet[Person]:
    return visible_to(user, Person)


def person_for_page(user: Actor, pk: int) -> Person:
    """The person with their source identities and addresses, in a fixed number of queries; not logged.

    ``under_restriction`` on the row says whether a restriction is in force on the person.

    For pages that show the person use ``open_person``.
    """
    identities = (
        SourceIdentity.objects.select_related("agency", "district")
        .prefetch_related(
            Prefetch(
                "addresses",
                queryset=IdentityAddress.objects.select_related("location").order_by("-from_date"),
            )
        )
        .order_by("-received_at")
    )
    # Whether a restriction is in force on the person comes with the row: the page warns of it.
    restricted = RestrictedRecord.objects.in_force().filter(
        target_type="people.person", target_id=OuterRef("pk")
    )
    queryset = (
        Person.objects.select_related("district", "merged_into")
        .prefetch_related(Prefetch("identities", queryset=identities))
        .annotate(under_restriction=Exists(restricted))
    )
    return get_visible_or_404(user, queryset, pk=pk)


def open_person(user: Actor, pk: int, *, via: HttpRequest | None, page: str = "") -> Person:
    """The person's record for the API and for pages other than the person page (which opens through
    ``person_page.open_person_page``), logged as viewed; 404 for missing and not yours.

    ``page`` names a page other than the person page that shows the person (the risk overview, say).
    """
    with transaction.atomic():
        person = person_for_page(user, pk)
        log_opened(user, person, via=via, details={"page": page} if page else None)
    return person


@dataclass(frozen=True)
class LinkedEntity:
    link: Link
    kind: str
    label: str
    # The person page to open, when the other end is a person the user may see.
    person_id: int | None
    direction: str  # "out" when the person is the link's source, "in" when its target
    # The page of the place, vehicle, phone or account at the other end, when the user may see it.
    thing_url: str = ""

    @property
    def url(self) -> str:
        return reverse("people:person_detail", args=[self.person_id]) if self.person_id else self.thing_url

    @property
    def kind_name(self) -> str:
        return dict(EntityKind.choices).get(self.kind, self.kind)

    @property
    def link_label(self) -> str:
        """The link in words from this person's side: "Suspected exploiter of", or "Suspected exploiter of (by)"."""
        label = self.link.get_kind_display()
        return label if self.direction == "out" else f"{label} (by)"


# Entity kind -> the model and the name of its page.
THING_PAGES: dict[str, tuple[Any, str]] = {
    EntityKind.LOCATION: (Location, "people:place_detail"),
    EntityKind.VEHICLE: (Vehicle, "people:vehicle_detail"),
    EntityKind.PHONE: (Phone, "people:phone_detail"),
    EntityKind.ONLINE_ACCOUNT: (OnlineAccount, "people:account_detail"),
}


def links_of(user: Actor, person: Person) -> list[LinkedEntity]:
    """The person's links to people, places and things, in one query however many there are.

    The other end of each link comes with the link (joined), with whether the policy lets the user see
    it (an ``EXISTS`` per kind of entity, asked only of the link's other end). People at the other end
    appear only if the user may see them; otherwise the link says so without naming them. A thing is
    always named (the link is visible) and its page offered when the user may open it (a home in another
    district is not). Links from police intelligence are left out for users who may not see it (the
    policy's rule for links, ``people.rules.LinkRule``), so the table, the chart and their counts never
    include them.
    """
    entity_id = person.entity_id
    other_end = Case(When(source_id=entity_id, then=F("target_id")), default=F("source_id"))
    seen = {
        f"seen_{kind}": Exists(visible_to(user, model).filter(entity_id=OuterRef("other_id")))
        for kind, model in ((EntityKind.PERSON, Person), *((k, m) for k, (m, _) in THING_PAGES.items()))
    }
    ends = [f"{side}__{kind}" for side in ("source", "target") for kind in (EntityKind.PERSON, *THING_PAGES)]
    links = list(
        visible_to(user, Link)
        .filter(Q(source_id=entity_id) | Q(target_id=entity_id))
        .select_related("agency", "source", "target", *ends)
        .annotate(other_id=other_end)
        .annotate(**seen)
        .order_by("kind", "-started_on")
    )
    labels: dict[int, tuple[str, int | None, str]] = {}
    for link in links:
        end_entity = link.target if link.source_id == entity_id else link.source
        thing = getattr(end_entity, end_entity.kind, None)
        if thing is None or not getattr(link, f"seen_{end_entity.kind}"):
            if end_entity.kind != EntityKind.PERSON and thing is not None:
                labels[end_entity.pk] = (str(thing), None, "")
            continue
        if end_entity.kind == EntityKind.PERSON:
            labels[end_entity.pk] = (thing.full_name or f"Person {thing.pk}", thing.pk, "")
        else:
            labels[end_entity.pk] = (
                str(thing),
                None,
                reverse(THING_PAGES[end_entity.kind][1], args=[thing.pk]),
            )
    result = []
    for link in links:
        outgoing = link.source_id == entity_id
        other = link.target if outgoing else link.source
        label, person_id, url = labels.get(other.pk, ("A person you do not have access to", None, ""))
        result.append(LinkedEntity(link, other.kind, label, person_id, "out" if outgoing else "in", url))
    return result
