"""The chronology: everything about a child across agencies, in time order, filtered to the viewer.

The case app contributes its own records here; other apps register sources through
``tessera.cases.registry``. Each source returns only what the viewer may see and uses a fixed number
of queries, so the page costs the same however long the chronology grows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tessera.accounts.models import Actor
from tessera.cases.models import (
    Action,
    Case,
    CaseEvent,
    Conference,
    Engagement,
    EventKind,
    Investigation,
    StrategyDiscussion,
    SupportKind,
    SupportRecord,
)
from tessera.cases.registry import ChronologyEntry, chronology_sources, register_chronology_source


def _placed(day: Any, recorded_at: datetime) -> datetime:
    """Where a date-only record (a meeting held on a day) sits in time order.

    Recorded on the day itself, it sits when it was recorded, after what led to it; recorded later,
    it sits at the start of the working day it happened, London time.
    """
    if timezone.localdate(recorded_at) == day:
        return recorded_at
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _people(*paths: str) -> list[str]:
    """The columns a chronology line shows of each person (``path__first_name`` ...)."""
    return [f"{path}__{column}" for path in paths for column in ("first_name", "last_name", "username")]


def person_name(row: dict[str, Any], path: str) -> str:
    """A user's name from a ``values()`` row, as ``User.__str__`` gives it."""
    full = f"{row[f'{path}__first_name'] or ''} {row[f'{path}__last_name'] or ''}".strip()
    return full or row[f"{path}__username"] or ""


def _agency(name: str | None) -> str:
    return name or "Agency not recorded"


# The chronology reads plain rows (values()), not model instances: for a case with hundreds of entries,
# building model objects with their related users cost more than the queries themselves.


def case_records(user: Actor, case: Case) -> Iterable[ChronologyEntry]:
    """The case's own records. The viewer can see the case, and so everything recorded on it."""
    base = reverse("cases:case_detail", kwargs={"pk": case.pk})
    event_labels = dict(EventKind.choices)
    for row in CaseEvent.objects.filter(case=case).values(
        "at", "kind", "detail", "agency__name", *_people("by")
    ):
        yield ChronologyEntry(
            at=row["at"],
            kind="case",
            title=event_labels.get(row["kind"], row["kind"]),
            agency=_agency(row["agency__name"]),
            by=person_name(row, "by"),
            detail=row["detail"],
        )
    investigation_labels = dict(Investigation.choices)
    discussions = StrategyDiscussion.objects.filter(case=case).values(
        "held_on",
        "created_at",
        "section_47",
        "investigation",
        "immediate_safety_actions",
        "information_shared",
        "recorded_agency__name",
        *_people("recorded_by"),
    )
    for row in discussions:
        facts = [("Section 47 enquiry", "Yes" if row["section_47"] else "No")]
        if row["investigation"]:
            facts.append(
                ("Investigation", investigation_labels.get(row["investigation"], row["investigation"]))
            )
        if row["immediate_safety_actions"]:
            facts.append(("Immediate safety actions", row["immediate_safety_actions"]))
        yield ChronologyEntry(
            at=_placed(row["held_on"], row["created_at"]),
            date_only=True,
            kind="meeting",
            title="Strategy discussion",
            agency=_agency(row["recorded_agency__name"]),
            by=person_name(row, "recorded_by"),
            detail=row["information_shared"],
            href=f"{base}meetings/",
            facts=tuple(facts),
        )
    conferences = Conference.objects.filter(case=case).values(
        "held_on",
        "created_at",
        "initial",
        "plan_continues",
        "notes",
        "recorded_agency__name",
        *_people("recorded_by"),
    )
    for row in conferences:
        yield ChronologyEntry(
            at=_placed(row["held_on"], row["created_at"]),
            date_only=True,
            kind="meeting",
            title="Initial child protection conference" if row["initial"] else "Review conference",
            agency=_agency(row["recorded_agency__name"]),
            by=person_name(row, "recorded_by"),
            detail=row["notes"],
            href=f"{base}meetings/",
            facts=(("Child protection plan", "Yes" if row["plan_continues"] else "Ended"),),
        )
    actions = Action.objects.filter(case=case).values(
        "created_at",
        "description",
        "due_on",
        "created_by__agency__name",
        "owner__agency__name",
        *_people("created_by", "owner"),
    )
    for row in actions:
        yield ChronologyEntry(
            at=row["created_at"],
            kind="action",
            title=f"Action set: {row['description']}",
            agency=_agency(row["created_by__agency__name"]),
            by=person_name(row, "created_by"),
            href=f"{base}actions/",
            facts=(
                ("Owner", f"{person_name(row, 'owner')} ({_agency(row['owner__agency__name'])})"),
                ("Due", f"{row['due_on'].day} {row['due_on']:%B %Y}"),
            ),
        )
    kind_labels, engagement_labels = dict(SupportKind.choices), dict(Engagement.choices)
    support_records = SupportRecord.objects.filter(case=case).values(
        "started_on",
        "created_at",
        "kind",
        "worker_name",
        "description",
        "frequency",
        "engagement",
        "child_words",
        "agency__name",
        *_people("recorded_by"),
    )
    for row in support_records:
        facts = [
            ("How often", row["frequency"]),
            ("Engagement", engagement_labels.get(row["engagement"], "")),
        ]
        if row["child_words"]:
            facts.append(("In the child's words", row["child_words"]))
        yield ChronologyEntry(
            at=_placed(row["started_on"], row["created_at"]),
            date_only=True,
            kind="support",
            title=f"Support: {kind_labels.get(row['kind'], row['kind']).lower()} ({row['worker_name']})",
            agency=_agency(row["agency__name"]),
            by=person_name(row, "recorded_by"),
            detail=row["description"],
            href=f"{base}support/",
            facts=tuple(facts),
        )


CASE_KINDS = {
    "case": "Case steps",
    "meeting": "Meetings",
    "action": "Actions",
    "support": "Support",
}


def register_case_sources() -> None:
    register_chronology_source(case_records, CASE_KINDS)


def build_chronology(user: Actor, case: Case) -> list[ChronologyEntry]:
    """Every registered source's entries for the viewer, newest first."""
    entries: list[ChronologyEntry] = []
    for registered in chronology_sources():
        entries.extend(registered.source(user, case))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def filter_entries(
    entries: list[ChronologyEntry], *, kinds: set[str] | None = None, agencies: set[str] | None = None
) -> list[ChronologyEntry]:
    """Only the kinds and agencies asked for (all when a filter is empty)."""
    return [
        entry
        for entry in entries
        if (not kinds or entry.kind in kinds) and (not agencies or entry.agency in agencies)
    ]
