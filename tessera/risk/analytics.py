"""Override analytics: how often the professionals' final level differs from the computed level, and which
way, by district, instrument version, agency and role. Aggregates only: no child or professional is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from tessera.access.scope import scope_of
from tessera.accounts.models import Actor
from tessera.accounts.roles import Role
from tessera.risk.instrument import LEVEL_ORDER, level_label
from tessera.risk.models import OverrideDirection, RiskAssessment


@dataclass(frozen=True)
class OverrideRow:
    label: str
    total: int
    raised: int
    lowered: int

    @property
    def same(self) -> int:
        return self.total - self.raised - self.lowered

    @property
    def differ_percent(self) -> float:
        return 100 * (self.raised + self.lowered) / self.total if self.total else 0.0

    @property
    def raised_percent(self) -> float:
        return 100 * self.raised / self.total if self.total else 0.0

    @property
    def lowered_percent(self) -> float:
        return 100 * self.lowered / self.total if self.total else 0.0


def completed_in_scope(user: Actor) -> QuerySet[RiskAssessment]:
    """Completed assessments in the districts the user covers (chief officers: the whole force)."""
    scope = scope_of(user)
    return RiskAssessment.objects.filter(district_id__in=scope.district_ids).exclude(final_level="")


_COUNTS = {
    "total": Count("pk"),
    "raised": Count("pk", filter=Q(override_direction=OverrideDirection.RAISED)),
    "lowered": Count("pk", filter=Q(override_direction=OverrideDirection.LOWERED)),
}


def _rows(queryset: QuerySet[RiskAssessment], field: str, label: Any) -> list[OverrideRow]:
    grouped = queryset.values(field).annotate(**_COUNTS).order_by(field)
    return [OverrideRow(label(row[field]), row["total"], row["raised"], row["lowered"]) for row in grouped]


def _role_label(code: str) -> str:
    return Role(code).label if code in Role.values else "Not recorded"


@dataclass(frozen=True)
class OverrideReport:
    overall: OverrideRow
    by_district: list[OverrideRow]
    by_version: list[OverrideRow]
    by_agency: list[OverrideRow]
    by_role: list[OverrideRow]
    # computed level -> final level -> count
    matrix: list[tuple[str, list[int]]]
    level_labels: list[str]


def override_report(user: Actor) -> OverrideReport:
    completed = completed_in_scope(user)
    overall = completed.aggregate(**_COUNTS)
    matrix_counts = {
        (row["computed_level"], row["final_level"]): row["n"]
        for row in completed.values("computed_level", "final_level").annotate(n=Count("pk"))
    }
    return OverrideReport(
        overall=OverrideRow(
            "All districts you cover", overall["total"], overall["raised"], overall["lowered"]
        ),
        by_district=_rows(completed, "district__name", str),
        by_version=_rows(completed, "instrument_version__number", lambda n: f"Version {n}"),
        by_agency=_rows(completed, "assessor_agency__name", lambda name: name or "Not recorded"),
        by_role=_rows(completed, "assessor_role", _role_label),
        matrix=[
            (
                level_label(computed),
                [matrix_counts.get((computed.value, final.value), 0) for final in LEVEL_ORDER],
            )
            for computed in LEVEL_ORDER
        ],
        level_labels=[level_label(level) for level in LEVEL_ORDER],
    )
