"""Risk records for the access matrix and the risk tests, made through the services as a user would."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from tessera.accounts.models import RoleGrant, TeamMembership, User
from tessera.accounts.roles import Role
from tessera.core.models import Agency, Team
from tessera.people.models import Person
from tessera.risk import services, version_services
from tessera.risk.catalogue import seraf_style_default
from tessera.risk.instrument import Level
from tessera.risk.models import CalibrationStudy, InstrumentVersion, RiskAssessment, VersionStatus


def version_in_force() -> InstrumentVersion:
    version = InstrumentVersion.objects.filter(status=VersionStatus.IN_FORCE).first()
    if version is None:
        version = version_services.install_reference_version(
            seraf_style_default(), summary="Test installation"
        )
    return version


def second_supervisor() -> User:
    """Another Rotherham supervisor: a version needs a second manager to approve it."""
    user, created = User.objects.get_or_create(
        username="supervisor2.rotherham",
        defaults={"first_name": "Nadia", "last_name": "Wragg", "agency": Agency.objects.get(code="police")},
    )
    if created:
        RoleGrant.objects.create(user=user, role=Role.SUPERVISOR)
        TeamMembership.objects.create(user=user, team=Team.objects.get(name="Rotherham CSE team (police)"))
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=user, confirmed=True, name="Authenticator app")
    return user


def assess(
    user: User, child: Person, observations: list[tuple[str, int]], days_ago: int = 0
) -> RiskAssessment:
    """An in-progress assessment with the given (indicator, days before the assessment) observations."""
    version_in_force()
    on = timezone.localdate() - timedelta(days=days_ago)
    assessment = services.start_assessment(user, child, assessed_on=on, learning_disability=False)
    for code, before in observations:
        services.add_observation(
            user,
            assessment,
            indicator=code,
            observed_on=on - timedelta(days=before),
            evidence=f"Seen by the team ({code})",
            source_agency=user.agency,  # type: ignore[arg-type]
        )
    assessment.refresh_from_db()
    return assessment


def complete(
    user: User, assessment: RiskAssessment, final: Level | None = None, reason: str = ""
) -> RiskAssessment:
    assessment.refresh_from_db()
    from tessera.risk.selectors import result_of

    services.complete_assessment(
        user,
        assessment,
        expected_version=assessment.version,
        final_level=final or result_of(assessment).level,
        override_reason=reason,
        gut_feeling="",
    )
    assessment.refresh_from_db()
    return assessment


def build_risk_world(cast: dict[str, Any], child: Person) -> SimpleNamespace:
    version = version_in_force()
    assessment = assess(cast["cse.rotherham"], child, [("staying_out_late", 20)])
    completed = complete(
        cast["cse.rotherham"], assess(cast["cse.rotherham"], child, [("missing_overnight", 10)])
    )
    draft = version_services.draft_version(
        cast["supervisor.rotherham"], seraf_style_default(), change_summary="Test draft"
    )
    study = CalibrationStudy.objects.create(
        instrument_version=version, started_by=cast["supervisor.rotherham"]
    )
    return SimpleNamespace(
        version=version,
        draft=draft,
        assessment=assessment,
        observation=assessment.observations.first(),
        completed=completed,
        study=study,
    )
