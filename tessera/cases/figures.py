"""Figures for chief officers and supervisors: each district's case work in numbers, never names.

Chief officers see no named case data, so these counts come straight from the tables rather than
through ``visible_to``; nothing here returns a row, a name or an identifier. One query per measure
for all districts together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from tessera.cases.models import Action, ActionStatus, Case, CaseStatus
from tessera.cases.registry import referral_counts
from tessera.cases.timescales import assessments_overdue_if_referred_before
from tessera.core.models import District


@dataclass
class DistrictFigures:
    district: str
    referrals: int = 0
    decided_on_time: int = 0
    decided_late: int = 0
    waiting: int = 0
    open_cases: int = 0
    assessments_overdue: int = 0
    overdue_actions: int = 0
    closed: int = 0
    closed_with_support: int = 0

    @property
    def on_time_percent(self) -> int | None:
        decided = self.decided_on_time + self.decided_late
        return round(100 * self.decided_on_time / decided) if decided else None


def district_figures(days: int = 365) -> list[DistrictFigures]:
    """The last ``days`` days of referrals, and every case open now, by district."""
    today = timezone.localdate()
    figures = {
        d.pk: DistrictFigures(d.name) for d in District.objects.filter(is_active=True).order_by("name")
    }
    for district_id, counts in referral_counts(timezone.now() - timedelta(days=days)).items():
        if district_id in figures:
            item = figures[district_id]
            item.referrals, item.waiting, item.decided_late = (
                counts.received,
                counts.waiting,
                counts.decided_late,
            )
            item.decided_on_time = counts.received - counts.waiting - counts.decided_late
    threshold = assessments_overdue_if_referred_before(today)
    cases = Case.objects.values("district_id").annotate(
        open=Count("pk", filter=~Q(status=CaseStatus.CLOSED)),
        overdue=Count(
            "pk",
            filter=~Q(status=CaseStatus.CLOSED)
            & Q(assessment_completed_on__isnull=True, referral_on__lt=threshold),
        ),
        closed=Count("pk", filter=Q(status=CaseStatus.CLOSED)),
        # Closure needs support or a reason; the reason is kept only when there was no support.
        closed_supported=Count("pk", filter=Q(status=CaseStatus.CLOSED, no_support_reason="")),
    )
    for case_row in cases:
        if case_row["district_id"] in figures:
            item = figures[case_row["district_id"]]
            item.open_cases, item.assessments_overdue = case_row["open"], case_row["overdue"]
            item.closed, item.closed_with_support = case_row["closed"], case_row["closed_supported"]
    actions = (
        Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=today)
        .exclude(case__status=CaseStatus.CLOSED)
        .values("case__district_id")
        .annotate(n=Count("pk"))
    )
    for action_row in actions:
        if action_row["case__district_id"] in figures:
            figures[action_row["case__district_id"]].overdue_actions = action_row["n"]
    return list(figures.values())
