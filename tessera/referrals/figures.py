"""Referral counts by district for the figures page (cases.figures): counts only, never a row or name."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q

from tessera.cases.registry import ReferralCounts
from tessera.referrals.models import Referral


def referral_counts_by_district(since: datetime) -> dict[int, ReferralCounts]:
    """Referrals received since ``since`` in each district: how many, still waiting, decided late."""
    rows = (
        Referral.objects.filter(received_at__gte=since)
        .values("district_id")
        .annotate(
            total=Count("pk"),
            waiting=Count("pk", filter=Q(decision="")),
            late=Count("pk", filter=~Q(decision="") & Q(decided_at__date__gt=F("decision_due_on"))),
        )
    )
    return {row["district_id"]: ReferralCounts(row["total"], row["waiting"], row["late"]) for row in rows}
