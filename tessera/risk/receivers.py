"""New information about a child asks for their risk to be reassessed.

Connected by name to the signals other apps send, so this app needs nothing from them but the signal:
- ``tessera.people.signals.link_recorded`` (sender=Link, link=..., user=...): a new link to a suspected
  exploiter, or to a place, vehicle or person connected with one, or to a hotel, taxi firm or takeaway.
- ``tessera.referrals.signals.referral_received`` (referral=..., child=...): a new referral about the child.
- ``tessera.missing.signals.missing_episode_recorded`` (episode=...): a later missing episode.
A signal module that does not exist yet is skipped; the receiver connects when the app lands.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tessera.people.models import (
    NOT_POLICE_INTELLIGENCE,
    EntityKind,
    Link,
    LinkKind,
    LocationKind,
    Person,
    PoleEntity,
)
from tessera.risk.models import TaskReason
from tessera.risk.scoring import age_on

# Places the inspection and the Hotel Watch / Operation Makesafe schemes single out.
HOTSPOT_KINDS = frozenset({LocationKind.HOTEL, LocationKind.TAXI_FIRM, LocationKind.TAKEAWAY})


def is_child(person: Person, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return person.date_of_birth is not None and age_on(person.date_of_birth, on) < 18


# What a task says when police intelligence prompted it. Tasks are read by every casework role in the
# district, partners included, so it names no link, person, place, thing or grade.
FROM_INTELLIGENCE = (
    "New information about who or what the child is connected with; "
    "the police CSE team can say what may be shared"
)


def _known_exploiter_entities(entity_ids: list[int], *, open_links_only: bool = False) -> set[int]:
    """Which of these entities are, or are linked to, someone recorded as a suspected exploiter.

    With ``open_links_only``, only through links that did not come from police intelligence.
    """
    links = Link.objects.filter(NOT_POLICE_INTELLIGENCE) if open_links_only else Link.objects.all()
    exploiters = set(
        links.filter(kind=LinkKind.SUSPECTED_EXPLOITER).values_list("source_id", flat=True).distinct()
    )
    known = {entity_id for entity_id in entity_ids if entity_id in exploiters}
    connected = links.filter(
        Q(source_id__in=exploiters, target_id__in=entity_ids)
        | Q(target_id__in=exploiters, source_id__in=entity_ids)
    ).values_list("source_id", "target_id")
    for source_id, target_id in connected:
        known |= {source_id, target_id} & set(entity_ids)
    return known


def reassessment_prompts(link: Link) -> list[tuple[Person, str]]:
    """The children this new link asks to be reassessed, each with the reason in plain words.

    A prompt that rests on police intelligence (the new link, or what makes the other end a concern)
    still asks for the reassessment, but says only ``FROM_INTELLIGENCE``.
    """
    intelligence = link.is_police_intelligence
    if link.kind == LinkKind.SUSPECTED_EXPLOITER:
        child = Person.objects.filter(entity_id=link.target_id, merged_into__isnull=True).first()
        if child and is_child(child):
            return [
                (
                    child,
                    FROM_INTELLIGENCE
                    if intelligence
                    else "A suspected exploiter has been linked to the child",
                )
            ]
        return []
    ends = {link.source_id: link.target_id, link.target_id: link.source_id}
    children = [
        p for p in Person.objects.filter(entity_id__in=list(ends), merged_into__isnull=True) if is_child(p)
    ]
    if not children:
        return []
    others = [ends[child.entity_id] for child in children]
    known = _known_exploiter_entities(others)
    openly_known = _known_exploiter_entities(others, open_links_only=True) if known else set()
    kinds = dict(PoleEntity.objects.filter(pk__in=others).values_list("pk", "kind"))
    hotspots = set(
        PoleEntity.objects.filter(
            pk__in=others, kind=EntityKind.LOCATION, location__kind__in=HOTSPOT_KINDS
        ).values_list("pk", flat=True)
    )
    prompts = []
    for child in children:
        other = ends[child.entity_id]
        if other in known and (intelligence or other not in openly_known):
            prompts.append((child, FROM_INTELLIGENCE))
        elif other in known and kinds.get(other) == EntityKind.PERSON:
            prompts.append(
                (child, f"New link ({link.get_kind_display().lower()}) to a known suspected exploiter")
            )
        elif other in known:
            prompts.append(
                (
                    child,
                    f"New link ({link.get_kind_display().lower()}) to a {kinds.get(other, 'record')} connected with a suspected exploiter",
                )
            )
        elif other in hotspots:
            prompts.append(
                (
                    child,
                    FROM_INTELLIGENCE
                    if intelligence
                    else f"New link ({link.get_kind_display().lower()}) to a hotel, taxi firm or takeaway",
                )
            )
    return prompts


def on_link_recorded(sender: Any, link: Link, **kwargs: Any) -> None:
    from tessera.risk.services import create_task

    for child, detail in reassessment_prompts(link):
        create_task(child, reason=TaskReason.NEW_LINK, detail=detail, prompted_by=f"people.link:{link.pk}")


def _person_of(record: Any) -> Person | None:
    for name in ("child", "person", "subject"):
        value = getattr(record, name, None)
        if isinstance(value, Person):
            return value
    return None


def on_referral_received(sender: Any, referral: Any, child: Person | None = None, **kwargs: Any) -> None:
    """A referral about a child (``child`` is None for a referral about a place or peer group)."""
    from tessera.risk.services import create_task

    child = child if child is not None else _person_of(referral)
    if child is not None and is_child(child):
        create_task(
            child,
            reason=TaskReason.NEW_REFERRAL,
            detail="A new referral about the child was received",
            prompted_by=f"{referral._meta.label_lower}:{referral.pk}",
        )


def on_missing_episode(sender: Any, episode: Any, **kwargs: Any) -> None:
    from tessera.risk.services import create_task

    child = _person_of(episode)
    if child is not None and is_child(child):
        create_task(
            child,
            reason=TaskReason.MISSING_EPISODE,
            detail="The child has been reported missing again",
            prompted_by=f"{episode._meta.label_lower}:{episode.pk}",
        )


_CONNECTIONS = (
    ("tessera.people.signals", "link_recorded", on_link_recorded),
    ("tessera.referrals.signals", "referral_received", on_referral_received),
    ("tessera.missing.signals", "missing_episode_recorded", on_missing_episode),
)


def connect() -> list[str]:
    """Connect to each signal that exists; returns the names connected."""
    connected = []
    for module_name, signal_name, receiver in _CONNECTIONS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            # Only the signal's own app being absent is expected; any other missing import is a bug.
            if missing.name is None or not module_name.startswith(missing.name):
                raise
            continue
        signal = getattr(module, signal_name, None)
        if signal is not None:
            signal.connect(receiver, dispatch_uid=f"risk.{signal_name}")
            connected.append(f"{module_name}.{signal_name}")
    return connected
