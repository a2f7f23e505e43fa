"""Many chronology entries on one case at once, for benchmarks and query-budget tests.

The services add one entry at a time with its audit and events, which is right for users and far too slow
for a case with thousands of entries. This writes the rows directly (synthetic data only) so a page can be
measured against a case of a chosen size. One helper, so that every measurement grows a case the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tessera.accounts.models import User
from tessera.cases.models import (
    Action,
    Attendee,
    Case,
    CaseEvent,
    Conference,
    EventKind,
    StrategyDiscussion,
    SupportRecord,
)
from tessera.core.models import Agency
from tessera.referrals.models import Referral

ACTION, SUPPORT, NOTE, DISCUSSION, CONFERENCE, REFERRAL = (
    "action",
    "support",
    "note",
    "discussion",
    "conference",
    "referral",
)
EVERY_KIND = (ACTION, SUPPORT, NOTE, DISCUSSION, CONFERENCE, REFERRAL)


@dataclass(frozen=True)
class CasePeople:
    """Who the entries are by: the lead professional, a worker on the team and the original referrer."""

    lead: User
    worker: User
    referrer: User


def add_case_entries(case: Case, people: CasePeople, count: int, kinds: Sequence[str] = EVERY_KIND) -> None:
    """Add ``count`` entries to the case, taking ``kinds`` in turn, the newest first an hour apart."""
    unknown = set(kinds) - set(EVERY_KIND)
    if unknown:
        raise ValueError(f"Unknown chronology entry kinds: {sorted(unknown)}")
    police, safe_steps = Agency.objects.get(code="police"), Agency.objects.get(code="safe-steps")
    now = timezone.now()
    start = Referral.objects.count()
    rows: dict[str, list[int]] = {kind: [] for kind in kinds}
    for i in range(count):
        rows[kinds[i % len(kinds)]].append(i)

    def day(i: int) -> date:
        return timezone.localdate(now - timedelta(hours=i))

    Action.objects.bulk_create(
        Action(
            case=case,
            description=f"Follow-up visit {i}",
            owner=people.worker,
            due_on=day(i) + timedelta(days=5),
            created_by=people.lead,
        )
        for i in rows.get(ACTION, [])
    )
    SupportRecord.objects.bulk_create(
        SupportRecord(
            case=case,
            kind="youth_worker",
            agency=safe_steps,
            worker_name="Aaliyah Brennan",
            description=f"Session {i}: healthy relationships and online safety",
            frequency="Weekly",
            started_on=day(i),
            engagement="engaged",
            child_words="I can talk to her.",
            recorded_by=people.worker,
        )
        for i in rows.get(SUPPORT, [])
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind=EventKind.DETAILS_CHANGED,
            at=now - timedelta(hours=i),
            by=people.lead,
            agency=police,
            detail=f"Case note {i}",
        )
        for i in rows.get(NOTE, [])
    )
    discussions = StrategyDiscussion.objects.bulk_create(
        StrategyDiscussion(
            case=case,
            held_on=day(i),
            information_shared=f"Shared {i}",
            section_47=False,
            recorded_by=people.lead,
            recorded_agency=police,
        )
        for i in rows.get(DISCUSSION, [])
    )
    Attendee.objects.bulk_create(
        Attendee(discussion=discussion, name="DC Amir Khan", agency=police) for discussion in discussions
    )
    Conference.objects.bulk_create(
        Conference(
            case=case,
            initial=i == 0,
            held_on=day(i),
            plan_continues=True,
            recorded_by=people.lead,
            recorded_agency=police,
        )
        for i in rows.get(CONFERENCE, [])
    )
    Referral.objects.bulk_create(
        Referral(
            reference=f"R-BULK-{case.pk}-{start + i}",
            district=case.district,
            subject_kind="child",
            child=case.child,
            what_was_seen=f"Seen with adults in a car, sighting {i}",
            seen_at=now - timedelta(hours=i),
            received_at=now - timedelta(hours=i),
            decision_due_on=day(i) + timedelta(days=1),
            referred_by=people.referrer,
            referrer_agency=police,
            case=case,
        )
        for i in rows.get(REFERRAL, [])
    )
