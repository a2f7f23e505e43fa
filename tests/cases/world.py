"""A small case-work world built through the services, as users would build it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from tessera.cases import services as case_services
from tessera.cases.models import SubjectKind
from tessera.core.models import District
from tessera.referrals import services as referral_services
from tessera.referrals.models import Decision
from tests.conftest import make_person


def rotherham_case_world(cast: dict[str, Any], child=None) -> SimpleNamespace:
    """officer.rotherham reports a concern about a Rotherham child; cse.rotherham decides a strategy
    discussion is needed and leads the case; youthworker.rotherham joins the case team."""
    child = child or make_person("rotherham")
    rotherham = District.objects.get(code="rotherham")
    referral = referral_services.submit_referral(
        cast["officer.rotherham"],
        district=rotherham,
        subject_kind=SubjectKind.CHILD,
        what_was_seen="Seen getting into a car with two adult men outside school at 15:30.",
        seen_at=timezone.now(),
        where="Outside Wath Comprehensive",
        warning_signs=["cars_with_adults", "older_boyfriend"],
        child=child,
    )
    case = referral_services.decide_referral(
        cast["cse.rotherham"],
        referral,
        expected_version=referral.version,
        decision=Decision.STRATEGY_DISCUSSION,
        reason="Significant indicators: cars with unknown adults and an older boyfriend.",
        late_reason="",
        lead_professional=cast["cse.rotherham"],
    )
    assert case is not None
    case_services.add_team_member(
        cast["cse.rotherham"], case, member=cast["youthworker.rotherham"], role_on_case="Youth worker"
    )
    case.refresh_from_db()
    action = case_services.add_action(
        cast["cse.rotherham"],
        case,
        description="Visit the child at home with a social worker",
        owner=cast["youthworker.rotherham"],
        due_in_working_days=3,
    )
    referral.refresh_from_db()
    return SimpleNamespace(child=child, referral=referral, case=case, action=action)
