"""Reads of referrals, each starting from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import open_record
from tessera.access.scope import scope_of
from tessera.accounts.models import Actor, User
from tessera.accounts.roles import Role
from tessera.cases.timescales import Clock
from tessera.core.models import District, TeamKind
from tessera.linkage.search import compare_with_people
from tessera.people.models import Person
from tessera.people.search import search_people
from tessera.referrals.models import Referral


@dataclass(frozen=True)
class PossibleMatch:
    person: Person
    # Why the search thinks this could be the child, in words ("Date of birth matches").
    reasons: tuple[str, ...]
    # Which of the typed details agree with the record and which do not (the linkage model's verdicts).
    agreeing: tuple[str, ...] = ()
    disagreeing: tuple[str, ...] = ()


def matching_children(
    user: Actor, given: str, family: str, born: date | None, limit: int = 10
) -> list[PossibleMatch]:
    """People the reporter can see who could be the child, best first, each with why it matched.

    Uses the people app's search (sounds-like names, nicknames, dates of birth with day and month
    swapped), which starts from what the reporter may see.
    """

    text = " ".join(
        part for part in (given.strip(), family.strip(), born.isoformat() if born else "") if part
    )
    if not text:
        return []
    results = search_people(user, text).results[:limit]
    typed = {"given_name": given, "family_name": family, "date_of_birth": born}
    verdicts = compare_with_people(typed, [result.person for result in results])
    matches = []
    for result in results:
        fields = verdicts[result.person.pk].fields if result.person.pk in verdicts else ()
        matches.append(
            PossibleMatch(
                result.person,
                result.reasons,
                agreeing=tuple(f.field_label for f in fields if f.verdict in {"agrees", "partly"}),
                disagreeing=tuple(f.field_label for f in fields if f.verdict == "differs"),
            )
        )
    return matches


def _for_page() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "district", "child", "place", "referred_by", "referrer_agency", "decided_by", "decided_agency", "case"
    )


def referral_for_page(user: Actor, pk: int) -> Referral:
    """The referral for a decision being posted (the decision is logged by its service); not logged."""
    return get_visible_or_404(user, _for_page(), pk=pk)


def open_referral(user: Actor, pk: int, *, via: HttpRequest | None) -> Referral:
    """The referral page's referral, logged as viewed; 404 for missing and not yours."""
    return open_record(user, _for_page(), pk, via=via)


@dataclass(frozen=True)
class QueueRow:
    referral: Referral
    clock: Clock


def decision_clock(referral: Referral) -> Clock:
    return Clock(
        "Referral decision",
        timezone.localdate(referral.received_at),
        referral.decision_due_on,
        timezone.localdate(referral.decided_at) if referral.decided_at else None,
        referral.decision_late_reason,
    )


CLOCK_FILTERS = {"overdue": "Overdue", "due_today": "Due today", "not_yet_due": "Not yet due"}


def triage_queue(
    user: Actor,
    *,
    districts: list[str] | None = None,
    clocks: list[str] | None = None,
    kinds: list[str] | None = None,
) -> list[QueueRow]:
    """Referrals waiting for a decision in the user's districts, oldest first. One query for any number."""
    today = timezone.localdate()
    referrals = (
        visible_to(user, Referral)
        .filter(decision="")
        .select_related("district", "child", "referrer_agency")
        .order_by("decision_due_on", "received_at")
    )
    if districts:
        referrals = referrals.filter(district__code__in=districts)
    if kinds:
        referrals = referrals.filter(subject_kind__in=kinds)
    if clocks:
        condition = Q(pk__in=[])
        if "overdue" in clocks:
            condition |= Q(decision_due_on__lt=today)
        if "due_today" in clocks:
            condition |= Q(decision_due_on=today)
        if "not_yet_due" in clocks:
            condition |= Q(decision_due_on__gt=today)
        referrals = referrals.filter(condition)
    return [QueueRow(referral, decision_clock(referral)) for referral in referrals]


def queue_districts(user: Actor) -> QuerySet[District]:

    return District.objects.filter(pk__in=scope_of(user).district_ids).order_by("name")


def my_referrals(user: Actor, limit: int | None = None) -> list[Referral]:
    """Concerns the user reported, newest first, with their outcome."""
    referrals = (
        visible_to(user, Referral)
        .filter(referred_by_id=user.pk)
        .select_related("district", "child", "decided_by", "decided_agency")
        .order_by("-received_at")
    )
    return list(referrals[:limit] if limit else referrals)


def lead_professional_choices(district_id: int) -> QuerySet[User]:
    """People who can lead a case in the district: its multi-agency team, from any agency."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__team__district_id=district_id,
            memberships__team__kind=TeamKind.CSE,
            role_grants__role__in=[Role.CSE_TEAM_MEMBER, Role.SUPERVISOR],
        )
        .select_related("agency")
        .distinct()
        .order_by("last_name", "first_name")
    )


def queue_counts(user: Actor) -> tuple[int, int]:
    """(waiting, overdue) referrals in the user's triage queue."""
    today = timezone.localdate()
    waiting = visible_to(user, Referral).filter(decision="")
    return waiting.count(), waiting.filter(decision_due_on__lt=today).count()
