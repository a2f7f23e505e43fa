"""Reference data every installation needs: districts, agencies and teams.

Seeded idempotently by ``manage.py seed_reference`` and kept apart from synthetic demo data. The four
districts are the default configuration; an installation adds or retires districts through the
administration pages, and re-seeding never undoes that.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from tessera.core.models import Agency, AgencyKind, District, Team, TeamKind


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str
    local_authority: str


DEFAULT_DISTRICTS = (
    DistrictSpec("barnsley", "Barnsley", "Barnsley Metropolitan Borough Council"),
    DistrictSpec("doncaster", "Doncaster", "City of Doncaster Council"),
    DistrictSpec("rotherham", "Rotherham", "Rotherham Metropolitan Borough Council"),
    DistrictSpec("sheffield", "Sheffield", "Sheffield City Council"),
)

FORCE_NAME = "South Yorkshire Police"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: AgencyKind
    district_code: str | None


def default_agencies() -> list[AgencySpec]:
    agencies = [
        AgencySpec("police", FORCE_NAME, AgencyKind.POLICE, None),
        AgencySpec("safe-steps", "Safe Steps Youth Project", AgencyKind.CHARITY, None),
    ]
    for d in DEFAULT_DISTRICTS:
        agencies += [
            AgencySpec(
                f"csc-{d.code}", f"{d.name} Children's Social Care", AgencyKind.CHILDRENS_SOCIAL_CARE, d.code
            ),
            AgencySpec(f"health-{d.code}", f"{d.name} Community Health Services", AgencyKind.HEALTH, d.code),
            AgencySpec(f"education-{d.code}", f"{d.name} Education Services", AgencyKind.EDUCATION, d.code),
            AgencySpec(
                f"hotelwatch-{d.code}", f"{d.name} Hotel Watch scheme", AgencyKind.PARTNER_BUSINESS, d.code
            ),
        ]
    return agencies


@dataclass(frozen=True)
class TeamSpec:
    name: str
    agency_code: str
    district_code: str | None
    kind: TeamKind


def default_teams() -> list[TeamSpec]:
    teams = [
        TeamSpec("Force communications room", "police", None, TeamKind.CONTROL_ROOM),
        TeamSpec("Force intelligence bureau", "police", None, TeamKind.INTELLIGENCE),
        TeamSpec("Hi-Tech Crime Unit", "police", None, TeamKind.HITECH),
        TeamSpec("Chief officer team", "police", None, TeamKind.LEADERSHIP),
        TeamSpec("Tessera administration", "police", None, TeamKind.ADMINISTRATION),
    ]
    for d in DEFAULT_DISTRICTS:
        teams += [
            TeamSpec(f"{d.name} CSE team (police)", "police", d.code, TeamKind.CSE),
            TeamSpec(f"{d.name} CSE team (social care)", f"csc-{d.code}", d.code, TeamKind.CSE),
            TeamSpec(f"{d.name} CSE team (health)", f"health-{d.code}", d.code, TeamKind.CSE),
            TeamSpec(f"{d.name} CSE team (education)", f"education-{d.code}", d.code, TeamKind.CSE),
            TeamSpec(f"{d.name} CSE team (Safe Steps)", "safe-steps", d.code, TeamKind.CSE),
            TeamSpec(f"{d.name} response policing", "police", d.code, TeamKind.RESPONSE),
            TeamSpec(f"{d.name} missing persons", "police", d.code, TeamKind.MISSING),
            TeamSpec(f"{d.name} Hotel Watch", f"hotelwatch-{d.code}", d.code, TeamKind.PARTNER_SCHEME),
        ]
    return teams


@transaction.atomic
def seed_reference_data() -> dict[str, int]:
    """Create what is missing; never overwrite what an administrator has changed. Returns counts created."""
    created = {"districts": 0, "agencies": 0, "teams": 0}
    districts: dict[str, District] = {}
    for ds in DEFAULT_DISTRICTS:
        district, was_created = District.objects.get_or_create(
            code=ds.code, defaults={"name": ds.name, "local_authority": ds.local_authority}
        )
        districts[ds.code] = district
        created["districts"] += was_created
    agencies: dict[str, Agency] = {}
    for agency_spec in default_agencies():
        agency, was_created = Agency.objects.get_or_create(
            code=agency_spec.code,
            defaults={
                "name": agency_spec.name,
                "kind": agency_spec.kind,
                "district": districts[agency_spec.district_code] if agency_spec.district_code else None,
            },
        )
        agencies[agency_spec.code] = agency
        created["agencies"] += was_created
    for ts in default_teams():
        _, was_created = Team.objects.get_or_create(
            name=ts.name,
            defaults={
                "agency": agencies[ts.agency_code],
                "district": districts[ts.district_code] if ts.district_code else None,
                "kind": ts.kind,
            },
        )
        created["teams"] += was_created
    return created
