"""Search for places, vehicles, phones and online accounts from the one search box.

Beside the people a search finds, it lists the things it names: places by name, street or kind
("Premier Inn", "Millstone Walk", "hotel", through the place-word index) and by postcode; vehicles by
registration (any spacing or case), phones by number (any format, read by ``phonenumbers``) and accounts
by handle. Each thing comes through the policy (``visible_to``), so a thing known only from police
intelligence is listed only to those who may see it. A fixed number of queries: one per kind the search
names, one more for place words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.people.identifiers import display_phone, normalise_postcode, spaced_registration
from tessera.people.models import EntityKind, Location, OnlineAccount, Phone, Vehicle
from tessera.people.place_index import places_with_words
from tessera.people.search_query import SearchQuery
from tessera.people.selectors import THING_PAGES

# Things listed per kind; a search reaching it says so.
SHOWN = 50


@dataclass(frozen=True)
class FoundThing:
    kind: str
    pk: int
    label: str
    detail: str
    url: str


@dataclass
class FoundThings:
    places: list[FoundThing] = field(default_factory=list)
    vehicles: list[FoundThing] = field(default_factory=list)
    phones: list[FoundThing] = field(default_factory=list)
    accounts: list[FoundThing] = field(default_factory=list)
    truncated: bool = False

    @property
    def groups(self) -> list[tuple[str, list[FoundThing]]]:
        """The kinds found, each with its heading, in the order the page lists them."""
        named = [
            ("Places", self.places),
            ("Vehicles", self.vehicles),
            ("Phones", self.phones),
            ("Online accounts", self.accounts),
        ]
        return [(heading, found) for heading, found in named if found]

    @property
    def count(self) -> int:
        return len(self.places) + len(self.vehicles) + len(self.phones) + len(self.accounts)

    def shown(self) -> dict[str, list[int]]:
        """Target type -> ids, for the search's access-log row."""
        labels = {
            "people.location": self.places,
            "people.vehicle": self.vehicles,
            "people.phone": self.phones,
            "people.onlineaccount": self.accounts,
        }
        return {label: [t.pk for t in found] for label, found in labels.items() if found}


def _url(kind: str, pk: int) -> str:
    return reverse(THING_PAGES[kind][1], args=[pk])


def _place(place: Location) -> FoundThing:
    address = ", ".join(p for p in (place.address_line_1, place.town, place.postcode) if p)
    label = place.name or address or f"Place {place.pk}"
    detail = f"{place.get_kind_display()}" + (f" · {address}" if place.name and address else "")
    return FoundThing(EntityKind.LOCATION, place.pk, label, detail, _url(EntityKind.LOCATION, place.pk))


def _places(user: Actor, query: SearchQuery, found: FoundThings) -> None:
    condition = Q()
    if query.postcodes:
        condition |= Q(postcode__in=[normalise_postcode(p) for p in query.postcodes])
    words = [token for token in query.name_tokens if len(token) > 1]
    if words:
        ids = list(places_with_words(words)[: SHOWN + 1])
        if len(ids) > SHOWN:
            found.truncated = True
        condition |= Q(pk__in=ids[:SHOWN])
    if not condition:
        return
    places = list(
        visible_to(user, Location).filter(condition).order_by("name", "address_line_1", "pk")[: SHOWN + 1]
    )
    if len(places) > SHOWN:
        found.truncated = True
    found.places = [_place(place) for place in places[:SHOWN]]


def find_things(user: Actor, query: SearchQuery) -> FoundThings:
    """The places, vehicles, phones and accounts the search names that the user may see."""
    found = FoundThings()
    _places(user, query, found)
    if query.registrations:
        found.vehicles = [
            FoundThing(
                EntityKind.VEHICLE,
                car.pk,
                spaced_registration(car.registration),
                " ".join(p for p in (car.colour, car.make, car.model) if p),
                _url(EntityKind.VEHICLE, car.pk),
            )
            for car in visible_to(user, Vehicle).filter(registration__in=query.registrations)[:SHOWN]
        ]
    if query.phones:
        found.phones = [
            FoundThing(
                EntityKind.PHONE, phone.pk, display_phone(phone.number), "", _url(EntityKind.PHONE, phone.pk)
            )
            for phone in visible_to(user, Phone).filter(number__in=query.phones)[:SHOWN]
        ]
    if query.handles:
        found.accounts = [
            FoundThing(
                EntityKind.ONLINE_ACCOUNT,
                handle.pk,
                handle.handle,
                handle.platform,
                _url(EntityKind.ONLINE_ACCOUNT, handle.pk),
            )
            for handle in visible_to(user, OnlineAccount).filter(handle__in=query.handles)[:SHOWN]
        ]
    return found
