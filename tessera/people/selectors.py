"""Reads of people and their links. Each one starts from the user's scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest

from tessera.access.models import BreakGlassGrant
from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import emergency_grant, log_opened
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
    queryset = Person.objects.select_related("district", "merged_into").prefetch_related(
        Prefetch("identities", queryset=identities)
    )
    return get_visible_or_404(user, queryset, pk=pk)


def open_person(user: Actor, pk: int, *, via: HttpRequest | None, page: str = "") -> Person:
    """The person page's person (web and API alike), logged as viewed; 404 for missing and not yours.

    ``page`` names a page other than the person page that shows the person (the risk overview, say).
    """
    return open_person_with_grant(user, pk, via=via, page=page)[0]


def open_person_with_grant(
    user: Actor, pk: int, *, via: HttpRequest | None, page: str = ""
) -> tuple[Person, BreakGlassGrant | None]:
    """``open_person``, with the emergency-access grant through which the user sees the person (or
    ``None``): looked up once, for the log row and for the page's warning alike."""
    with transaction.atomic():
        person = person_for_page(user, pk)
        grant = emergency_grant(user, person)
        log_opened(user, person, via=via, details={"page": page} if page else None, grant=grant)
    return person, grant


@dataclass(frozen=True)
class LinkedEntity:
    link: Link
    kind: str
    label: str
    # The person page to open, when the other end is a person the user may see.
    person_id: int | None
    direction: str  # "out" when the person is the link's source, "in" when its target

    @property
    def kind_name(self) -> str:
        return dict(EntityKind.choices).get(self.kind, self.kind)

    @property
    def link_label(self) -> str:
        """The link in words from this person's side: "Suspected exploiter of", or "Suspected exploiter of (by)"."""
        label = self.link.get_kind_display()
        return label if self.direction == "out" else f"{label} (by)"


_ENTITY_MODELS: dict[str, Any] = {
    EntityKind.LOCATION: Location,
    EntityKind.VEHICLE: Vehicle,
    EntityKind.PHONE: Phone,
    EntityKind.ONLINE_ACCOUNT: OnlineAccount,
}


def links_of(user: Actor, person: Person) -> list[LinkedEntity]:
    """The person's links to people, places and things.

    One query for the links and one per kind of thing at the other end, however many links there are.
    People at the other end appear only if the user may see them; otherwise the link says so without
    naming them. Links from police intelligence are left out for users who may not see it (the policy's
    rule for links, ``people.rules.LinkRule``), so the table, the chart and their counts never include them.
    """
    entity_id = person.entity_id
    links = list(
        visible_to(user, Link)
        .filter(Q(source_id=entity_id) | Q(target_id=entity_id))
        .select_related("agency", "source", "target")
        .order_by("kind", "-started_on")
    )
    other_ids: dict[str, set[int]] = defaultdict(set)
    for link in links:
        other = link.target if link.source_id == entity_id else link.source
        other_ids[other.kind].add(other.pk)
    labels: dict[int, tuple[str, int | None]] = {}
    if other_ids.get(EntityKind.PERSON):
        for other_person in visible_people(user).filter(entity_id__in=other_ids[EntityKind.PERSON]):
            labels[other_person.entity_id] = (
                other_person.full_name or f"Person {other_person.pk}",
                other_person.pk,
            )
    for kind, model in _ENTITY_MODELS.items():
        if other_ids.get(kind):
            for thing in model.objects.filter(entity_id__in=other_ids[kind]):
                labels[thing.entity_id] = (str(thing), None)
    result = []
    for link in links:
        outgoing = link.source_id == entity_id
        other = link.target if outgoing else link.source
        label, person_id = labels.get(other.pk, ("A person you do not have access to", None))
        result.append(LinkedEntity(link, other.kind, label, person_id, "out" if outgoing else "in"))
    return result
