"""The fact sources risk registers itself: concerns about the child, and links to suspected exploiters.

Each reads only through the access policy (``visible_to``), so a user is offered only facts they could
open: a concern they may see, a link they may see (police intelligence only for those whose scope sees
it) to a person they may see. Registered in ``RiskConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.people.models import Link, LinkKind, Person
from tessera.referrals.models import ConcernSubjectKind, Referral
from tessera.referrals.warning_signs import WarningSign
from tessera.risk.facts import RecordFact, register_fact_source

# A concern's warning sign that is itself one of the facts the issue names.
_SIGN_KINDS = {WarningSign.DISCLOSURE: "disclosure", WarningSign.MISSING_OVERNIGHT: "missing_episode"}
SUMMARY_CHARACTERS = 300


def concern_facts(user: Actor, child_ids: list[int]) -> Iterable[RecordFact]:
    """Each warning sign ticked on a concern about the child (as its child, or a child it names)."""
    about_child = Q(child_id__in=child_ids) | Q(
        subjects__person_id__in=child_ids, subjects__kind=ConcernSubjectKind.CHILD
    )
    referrals = visible_to(user, Referral).filter(about_child).exclude(warning_signs=[]).distinct()
    for referral in referrals.only(
        "pk", "reference", "warning_signs", "seen_at", "referrer_agency_id", "what_was_seen"
    ):
        seen = " ".join(referral.what_was_seen.split())[:SUMMARY_CHARACTERS]
        for sign in referral.warning_signs:
            if sign not in WarningSign.values:
                continue
            label = WarningSign(sign).label
            yield RecordFact(
                key=f"referrals.referral:{referral.pk}:{sign}",
                kind=_SIGN_KINDS.get(sign, f"warning_sign:{sign}"),
                on=timezone.localdate(referral.seen_at),
                source_label=f"Concern {referral.reference}",
                source_url=reverse("referrals:referral_detail", args=[referral.pk]),
                agency_id=referral.referrer_agency_id,
                summary=f"{label} (concern {referral.reference}): {seen}",
                shown=(("referrals.referral", referral.pk),),
            )


def exploiter_link_facts(user: Actor, child_ids: list[int]) -> Iterable[RecordFact]:
    """Each link the user may see between the child and a person they may see who is recorded (in a
    link the user may see) as a suspected exploiter, of this child or any other."""
    child_entities = set(Person.objects.filter(pk__in=child_ids).values_list("entity_id", flat=True))
    links = visible_to(user, Link)
    # The child's own links first (a handful), then which of those at the other end are suspected
    # exploiters: never every suspected-exploiter link in the force, which grows with the force.
    to_child = list(
        links.filter(Q(source_id__in=child_entities) | Q(target_id__in=child_entities)).select_related(
            "agency"
        )
    )

    def other_end(link: Link) -> int:
        return link.source_id if link.target_id in child_entities else link.target_id

    others = {other_end(link) for link in to_child}
    exploiters = set(
        links.filter(kind=LinkKind.SUSPECTED_EXPLOITER, source_id__in=others - child_entities).values_list(
            "source_id", flat=True
        )
    )
    if not exploiters:
        return
    to_child = [link for link in to_child if other_end(link) in exploiters]
    people = {
        p.entity_id: p
        for p in visible_to(user, Person).filter(entity_id__in=exploiters, merged_into__isnull=True)
    }
    for link in to_child:
        other = other_end(link)
        person = people.get(other)
        if person is None or other in child_entities:
            continue
        name = person.full_name or "A person"
        if link.kind == LinkKind.SUSPECTED_EXPLOITER:
            summary = f"{name} is recorded as a suspected exploiter of the child ({link.agency.name})"
        else:
            how = link.get_kind_display().lower()
            summary = f"Linked ({how}) to {name}, recorded as a suspected exploiter ({link.agency.name})"
        yield RecordFact(
            key=f"people.link:{link.pk}",
            kind="suspected_exploiter_link",
            on=link.started_on or timezone.localdate(link.created_at),
            source_label=f"{name} (suspected exploiter)",
            source_url=person.get_absolute_url(),
            agency_id=link.agency_id,
            summary=summary,
            shown=(("people.link", link.pk), ("people.person", person.pk)),
        )


def register() -> None:
    register_fact_source("referrals.concerns", concern_facts)
    register_fact_source("people.suspected_exploiter_links", exploiter_link_facts)
