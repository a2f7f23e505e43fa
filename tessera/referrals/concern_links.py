"""Which links a concern's people, places and things make with each other, as a pure function.

A concern says who was seen together, in what and where, on one occasion. Once triage has resolved each
subject to a record, these are the links recorded with the referral as their source and the sighting's
date: the child found with each adult, children seen together as peers, adults together as associates,
everyone seen at each place, a child seen in each vehicle and each adult using it, each vehicle seen at
each place (so a car's page leads an analyst to the hotel), and each adult using each phone and online
account (a child's own, when the concern names no adult).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

CHILD = "child"
ADULT = "adult"
VEHICLE = "vehicle"
PHONE = "phone"
ONLINE_ACCOUNT = "online_account"
PLACE = "place"


@dataclass(frozen=True)
class Resolved:
    """A subject resolved to a record: its kind (a ``ConcernSubjectKind`` value) and the record's entity."""

    kind: str
    entity_id: int


@dataclass(frozen=True)
class LinkToRecord:
    source_entity_id: int
    target_entity_id: int
    kind: str  # a ``LinkKind`` value


def concern_links(subjects: list[Resolved]) -> list[LinkToRecord]:
    """The links the concern's resolved subjects make, each once, in a stable order.

    A subject resolved to the same record as another (the same man named twice) links to nothing twice,
    and never to itself.
    """
    by_kind: dict[str, list[int]] = {}
    for subject in subjects:
        ids = by_kind.setdefault(subject.kind, [])
        if subject.entity_id not in ids:
            ids.append(subject.entity_id)
    children, adults = by_kind.get(CHILD, []), by_kind.get(ADULT, [])
    people = children + [a for a in adults if a not in children]
    users = adults or children
    links: list[LinkToRecord] = []

    def add(source: int, target: int, kind: str) -> None:
        link = LinkToRecord(source, target, kind)
        if source != target and link not in links:
            links.append(link)

    for child in children:
        for adult in adults:
            add(child, adult, "found_with")
    for first, second in combinations(children, 2):
        add(first, second, "peer")
    for first, second in combinations(adults, 2):
        add(first, second, "associate")
    for vehicle in by_kind.get(VEHICLE, []):
        for child in children:
            add(child, vehicle, "seen_in_vehicle")
        for adult in adults:
            add(adult, vehicle, "uses_vehicle")
    for phone in by_kind.get(PHONE, []):
        for person in users:
            add(person, phone, "uses_phone")
    for account in by_kind.get(ONLINE_ACCOUNT, []):
        for person in users:
            add(person, account, "uses_account")
    for place in by_kind.get(PLACE, []):
        for person in people:
            add(person, place, "seen_at")
        for vehicle in by_kind.get(VEHICLE, []):
            add(vehicle, place, "seen_at")
    return links
