"""New information about a child asks for their risk to be reassessed.

Connected in ``RiskConfig.ready`` to the signals of the apps below:
- ``tessera.people.signals.link_recorded`` (sender=Link, link=..., user=...): a new link to a suspected
  exploiter, or to a place, vehicle or person connected with one, or to a hotel, taxi firm or takeaway.
- ``tessera.referrals.signals.referral_received`` (referral=..., child=...): a new referral about the child.
Apps above risk (missing episodes, when they arrive) call ``risk.services.create_task`` directly.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tessera.people.models import EntityKind, Link, LinkKind, LocationKind, Person, PoleEntity
from tessera.people.signals import link_recorded
from tessera.referrals.models import Referral
from tessera.referrals.signals import referral_received
from tessera.risk.models import TaskReason
from tessera.risk.scoring import age_on
from tessera.risk.services import create_task

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


def _known_exploiter_entities(entity_ids: list[int]) -> dict[int, bool]:
    """Which of these entities are, or are linked to, someone recorded as a suspected exploiter.

    Each maps to whether that is known openly: through links none of which came from police intelligence.
    """
    grading = (
        "from_intelligence",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "legacy_grade",
    )
    # The entities' own links first, then which of them or their neighbours are suspected exploiters:
    # never every suspected-exploiter link in the force on every new link (that grows with the force).
    connected = list(
        Link.objects.filter(Q(source_id__in=entity_ids) | Q(target_id__in=entity_ids)).only(
            "source_id", "target_id", *grading
        )
    )
    candidates = set(entity_ids) | {e for link in connected for e in (link.source_id, link.target_id)}
    exploiters: dict[int, bool] = {}
    for link in Link.objects.filter(kind=LinkKind.SUSPECTED_EXPLOITER, source_id__in=candidates).only(
        "source_id", *grading
    ):
        exploiters[link.source_id] = exploiters.get(link.source_id, False) or not link.is_police_intelligence
    known = {entity_id: exploiters[entity_id] for entity_id in entity_ids if entity_id in exploiters}
    for link in connected:
        for entity_id, exploiter in ((link.source_id, link.target_id), (link.target_id, link.source_id)):
            if entity_id in entity_ids and exploiter in exploiters:
                openly = exploiters[exploiter] and not link.is_police_intelligence
                known[entity_id] = known.get(entity_id, False) or openly
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
    kinds = dict(PoleEntity.objects.filter(pk__in=others).values_list("pk", "kind"))
    hotspots = set(
        PoleEntity.objects.filter(
            pk__in=others, kind=EntityKind.LOCATION, location__kind__in=HOTSPOT_KINDS
        ).values_list("pk", flat=True)
    )
    prompts = []
    for child in children:
        other = ends[child.entity_id]
        if other in known and (intelligence or not known[other]):
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
    for child, detail in reassessment_prompts(link):
        create_task(child, reason=TaskReason.NEW_LINK, detail=detail, prompted_by=f"people.link:{link.pk}")


def on_referral_received(sender: Any, referral: Referral, child: Person | None = None, **kwargs: Any) -> None:
    """A referral about a child (``child`` is None for a referral about a place or peer group)."""
    if child is not None and is_child(child):
        create_task(
            child,
            reason=TaskReason.NEW_REFERRAL,
            detail="A new referral about the child was received",
            prompted_by=f"referrals.referral:{referral.pk}",
        )


def connect() -> None:
    link_recorded.connect(on_link_recorded, dispatch_uid="risk.link_recorded")
    referral_received.connect(on_referral_received, dispatch_uid="risk.referral_received")
