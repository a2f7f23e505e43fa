"""Reads of case work. Each one starts from the user's scope; list pages use a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.accounts.models import Actor
from tessera.cases.compliance import CaseFacts, ReferralFact, StandardResult, StrategyDiscussionFact, assess
from tessera.cases.models import (
    Action,
    ActionStatus,
    Attendee,
    Case,
    CaseStatus,
    CaseTeamMember,
    Conference,
    StrategyDiscussion,
    SupportRecord,
    Track,
)
from tessera.cases.timescales import (
    CaseTimeline,
    Clock,
    ConferenceFact,
    case_clocks,
    next_due,
    strategy_discussion_due,
)


def visible_cases(user: Actor) -> QuerySet[Case]:
    return visible_to(user, Case)


def case_for_page(user: Actor, pk: int, *, count_support: bool = False) -> Case:
    """The case with what its identity bar and summary need, or 404 alike for missing and not yours.

    ``count_support`` adds ``support_count`` (the summary's standards need it), in the same query.
    """
    queryset = Case.objects.select_related("district", "child", "place", "lead_professional__agency")
    if count_support:
        queryset = queryset.annotate(
            support_count=Coalesce(
                Subquery(
                    SupportRecord.objects.filter(case_id=OuterRef("pk"))
                    .order_by()
                    .values("case_id")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        )
    return get_visible_or_404(user, queryset, pk=pk)


def case_team(case: Case) -> list[CaseTeamMember]:
    return list(
        case.team_members.filter(removed_at__isnull=True).select_related("user__agency").order_by("added_at")
    )


def _timeline(
    case: Case, discussions: list[StrategyDiscussion], conferences: list[Conference]
) -> CaseTimeline:
    started = next((d.held_on for d in sorted(discussions, key=lambda d: d.held_on) if d.section_47), None)
    return CaseTimeline(
        referral_on=case.referral_on,
        assessment_done_on=case.assessment_completed_on,
        assessment_late_reason=case.assessment_late_reason,
        section_47_started_on=started,
        conferences=tuple(
            ConferenceFact(c.held_on, c.initial, c.plan_continues, c.late_reason) for c in conferences
        ),
        closed_on=timezone.localdate(case.closed_at) if case.closed_at else None,
    )


def clocks_for(
    case: Case,
    discussions: list[StrategyDiscussion] | None = None,
    conferences: list[Conference] | None = None,
) -> list[Clock]:
    """The case's statutory clocks; a page that already holds the meetings passes them."""
    return case_clocks(
        _timeline(
            case,
            discussions if discussions is not None else list(case.strategy_discussions.all()),
            conferences if conferences is not None else list(case.conferences.all()),
        )
    )


@dataclass(frozen=True)
class CaseRow:
    case: Case
    next_clock: Clock | None
    overdue_actions: int


def case_list(user: Actor, *, status: str = "open", district_id: int | None = None) -> list[CaseRow]:
    """The cases a team works on, each with the statutory clock due next. Four queries for any number."""
    today = timezone.localdate()
    cases = (
        visible_cases(user)
        .select_related("district", "child", "place", "lead_professional__agency")
        .prefetch_related(
            Prefetch("strategy_discussions", queryset=StrategyDiscussion.objects.order_by("held_on")),
            Prefetch("conferences", queryset=Conference.objects.order_by("held_on")),
        )
        .order_by("opened_at")
    )
    if status == "open":
        cases = cases.exclude(status=CaseStatus.CLOSED)
    elif status == "closed":
        cases = cases.filter(status=CaseStatus.CLOSED)
    if district_id is not None:
        cases = cases.filter(district_id=district_id)
    case_list_ = list(cases)
    overdue = dict(
        Action.objects.filter(case__in=[c.pk for c in case_list_], status=ActionStatus.OPEN, due_on__lt=today)
        .values_list("case_id")
        .annotate(n=Count("pk"))
    )
    rows = []
    for case in case_list_:
        clock = None if case.is_closed else next_due(clocks_for(case))
        rows.append(CaseRow(case, clock, overdue.get(case.pk, 0)))
    return rows


# What the action tables and the summary show of an action: its owner by name, with their agency. A case's
# actions read in full, with both of their users, cost more to turn into objects than to read (issue 16).
_ACTION_COLUMNS = (
    "case",
    "description",
    "due_on",
    "status",
    "done_on",
    "late_reason",
    "owner",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "owner__agency",
    "owner__agency__name",
)
# What the support tab shows of a support record.
_SUPPORT_COLUMNS = (
    "case",
    "kind",
    "agency",
    "agency__name",
    "worker_name",
    "description",
    "frequency",
    "started_on",
    "engagement",
    "child_words",
)


def actions_of(case: Case, *, status: str | None = None) -> list[Action]:
    actions = (
        case.actions.select_related("owner__agency").only(*_ACTION_COLUMNS).order_by("status", "due_on", "pk")
    )
    return list(actions.filter(status=status) if status is not None else actions)


def strategy_discussions_of(case: Case) -> list[StrategyDiscussion]:
    return list(
        case.strategy_discussions.select_related("recorded_by", "recorded_agency")
        .prefetch_related(Prefetch("attendees", queryset=Attendee.objects.select_related("agency")))
        .order_by("held_on", "pk")
    )


def conferences_of(case: Case) -> list[Conference]:
    return list(case.conferences.select_related("recorded_by", "recorded_agency").order_by("held_on", "pk"))


def support_of(case: Case) -> list[SupportRecord]:
    return list(
        case.support_records.select_related("agency").only(*_SUPPORT_COLUMNS).order_by("started_on", "pk")
    )


def my_actions(user: Actor) -> list[Action]:
    """Open actions the user owns on cases they can still see, soonest due first."""
    return list(
        Action.objects.filter(owner_id=user.pk, status=ActionStatus.OPEN, case__in=visible_cases(user))
        .select_related("case__child", "case__place")
        .order_by("due_on", "pk")
    )


def overdue_actions(user: Actor, today: date | None = None) -> list[Action]:
    """Open actions past their due date on every case the user sees (for the team and supervisors)."""
    today = today or timezone.localdate()
    return list(
        Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=today, case__in=visible_cases(user))
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case__child", "case__place", "owner__agency")
        .order_by("due_on", "pk")
    )


def compliance_of(
    case: Case,
    discussions: list[StrategyDiscussion] | None = None,
    conferences: list[Conference] | None = None,
) -> list[StandardResult]:
    """What the case meets and misses, for the case team and supervisors.

    The summary passes the discussions and conferences it already holds, and a case read with
    ``case_for_page(..., count_support=True)``: the standards then cost one query, for the referrals.
    """
    discussions = discussions if discussions is not None else strategy_discussions_of(case)
    conferences = conferences if conferences is not None else list(case.conferences.order_by("held_on"))
    rows = list(
        case.referrals.values_list(
            "reference", "decision_due_on", "decided_at", "decision_late_reason", "decision", "urgency"
        )
    )
    referrals = [
        ReferralFact(reference, due, timezone.localdate(decided_at) if decided_at else None, late_reason)
        for reference, due, decided_at, late_reason, _, _ in rows
    ]
    # The first decision to hold a strategy discussion starts its clock.
    calls = [
        (decided_at, urgency)
        for _, _, decided_at, _, decision, urgency in rows
        if decision == "strategy_discussion" and decided_at is not None
    ]
    required = case.track == Track.CHILD_PROTECTION or bool(calls)
    if calls:
        decided_at, urgency = min(calls, key=lambda call: call[0])
        discussion_due: date | None = strategy_discussion_due(timezone.localdate(decided_at), urgency)
    else:
        discussion_due = strategy_discussion_due(timezone.localdate(case.opened_at), "") if required else None
    support_count = getattr(case, "support_count", None)
    facts = CaseFacts(
        referrals=tuple(referrals),
        strategy_discussion_required=required,
        strategy_discussion_due=discussion_due,
        strategy_discussions=tuple(
            StrategyDiscussionFact(
                d.held_on,
                frozenset(a.agency.kind for a in d.attendees.all()),
                d.missing_agency_reason,
                d.section_47,
                d.investigation,
            )
            for d in discussions
        ),
        exploitation_flag=case.exploitation_flag,
        support_records=support_count if support_count is not None else case.support_records.count(),
        no_support_reason=case.no_support_reason,
        closed=case.is_closed,
        clocks=tuple(case_clocks(_timeline(case, discussions, conferences))),
    )
    return assess(facts, timezone.localdate())
