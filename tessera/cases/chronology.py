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

from tessera.cases.models import Action, Case, CaseEvent, Conference, StrategyDiscussion, SupportRecord
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
    """The columns a chronology line shows of each person (``path__first_name`` ...), so a long
    chronology does not load every column of every user and agency it names."""
    columns = []
    for path in paths:
        columns += [f"{path}__first_name", f"{path}__last_name", f"{path}__username"]
    return columns


def _agency(obj: Any) -> str:
    return str(obj) if obj is not None else "Agency not recorded"


def case_records(user: Any, case: Case) -> Iterable[ChronologyEntry]:
    """The case's own records. The viewer can see the case, and so everything recorded on it."""
    base = reverse("cases:case_detail", kwargs={"pk": case.pk})
    events = (
        CaseEvent.objects.filter(case=case)
        .select_related("by", "agency")
        .only("at", "kind", "detail", "agency__name", *_people("by"))
    )
    for event in events:
        yield ChronologyEntry(
            at=event.at,
            kind="case",
            title=event.get_kind_display(),
            agency=_agency(event.agency),
            by=str(event.by),
            detail=event.detail,
        )
    for discussion in StrategyDiscussion.objects.filter(case=case).select_related(
        "recorded_by", "recorded_agency"
    ):
        facts = [("Section 47 enquiry", "Yes" if discussion.section_47 else "No")]
        if discussion.investigation:
            facts.append(("Investigation", discussion.get_investigation_display()))
        if discussion.immediate_safety_actions:
            facts.append(("Immediate safety actions", discussion.immediate_safety_actions))
        yield ChronologyEntry(
            at=_placed(discussion.held_on, discussion.created_at),
            date_only=True,
            kind="meeting",
            title="Strategy discussion",
            agency=_agency(discussion.recorded_agency),
            by=str(discussion.recorded_by),
            detail=discussion.information_shared,
            href=f"{base}meetings/",
            facts=tuple(facts),
        )
    conferences = (
        Conference.objects.filter(case=case)
        .select_related("recorded_by", "recorded_agency")
        .only(
            "held_on",
            "created_at",
            "initial",
            "plan_continues",
            "notes",
            "recorded_agency__name",
            *_people("recorded_by"),
        )
    )
    for conference in conferences:
        yield ChronologyEntry(
            at=_placed(conference.held_on, conference.created_at),
            date_only=True,
            kind="meeting",
            title="Initial child protection conference" if conference.initial else "Review conference",
            agency=_agency(conference.recorded_agency),
            by=str(conference.recorded_by),
            detail=conference.notes,
            href=f"{base}meetings/",
            facts=(("Child protection plan", "Yes" if conference.plan_continues else "Ended"),),
        )
    actions = (
        Action.objects.filter(case=case)
        .select_related("created_by__agency", "owner__agency")
        .only(
            "created_at",
            "description",
            "due_on",
            "created_by__agency__name",
            "owner__agency__name",
            *_people("created_by", "owner"),
        )
    )
    for action in actions:
        yield ChronologyEntry(
            at=action.created_at,
            kind="action",
            title=f"Action set: {action.description}",
            agency=_agency(action.created_by.agency),
            by=str(action.created_by),
            detail="",
            href=f"{base}actions/",
            facts=(
                ("Owner", f"{action.owner} ({_agency(action.owner.agency)})"),
                ("Due", f"{action.due_on:%-d %B %Y}"),
            ),
        )
    support_records = (
        SupportRecord.objects.filter(case=case)
        .select_related("agency", "recorded_by")
        .only(
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
    )
    for support in support_records:
        facts = [("How often", support.frequency), ("Engagement", support.get_engagement_display())]
        if support.child_words:
            facts.append(("In the child's words", support.child_words))
        yield ChronologyEntry(
            at=_placed(support.started_on, support.created_at),
            date_only=True,
            kind="support",
            title=f"Support: {support.get_kind_display().lower()} ({support.worker_name})",
            agency=_agency(support.agency),
            by=str(support.recorded_by),
            detail=support.description,
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


def build_chronology(user: Any, case: Case) -> list[ChronologyEntry]:
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
