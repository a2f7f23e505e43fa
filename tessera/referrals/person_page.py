"""What referrals add to a person's page (recent concerns about the child) and to the pages of places,
vehicles, phones and accounts (the concern a link came from), as far as the viewer may see them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.people.models import Person
from tessera.people.person_page import RECENT_EVENTS, PersonPagePart, RecentEvent
from tessera.referrals.models import Decision, Referral

# Links made from a concern carry this source system and the concern's reference.
SOURCE_SYSTEM = "referral"


def _page_pattern() -> str:
    # One reverse() for the pattern rather than one per referral.
    return reverse("referrals:referral_detail", kwargs={"pk": 0}).replace("/0/", "/{}/")


def recent_concerns(user: Actor, person: Person) -> PersonPagePart:
    """The newest concerns about the child that the viewer may see (one query)."""
    rows = list(
        visible_to(user, Referral)
        .filter(child_id=person.pk)
        .order_by("-received_at", "-pk")
        .values_list("pk", "reference", "received_at", "decision", "referrer_agency__name")[:RECENT_EVENTS]
    )
    decisions = dict(Decision.choices)
    pattern = _page_pattern()
    events = tuple(
        RecentEvent(
            on=timezone.localdate(received_at),
            what=f"Concern {reference} received"
            + (f": {decisions.get(decision, decision)}" if decision else ", waiting for a decision"),
            agency=agency or "",
            url=pattern.format(pk),
        )
        for pk, reference, received_at, decision, agency in rows
    )
    return PersonPagePart(events=events, shown={"referrals.referral": [row[0] for row in rows]})


def concern_pages(user: Actor, references: set[str]) -> dict[str, str]:
    """The pages of the concerns (by reference) that links came from, for those the viewer may see."""
    pattern = _page_pattern()
    rows = visible_to(user, Referral).filter(reference__in=references).values_list("reference", "pk")
    return {reference: pattern.format(pk) for reference, pk in rows}
