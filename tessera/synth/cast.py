"""The named cast: one synthetic user per role, for the demo and the tests.

Names are invented. Passwords and authenticator keys are fixed so the demo can print how to sign in;
they are for synthetic installations only and the seeding command refuses to run outside demo mode.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts.models import RoleGrant, TeamMembership, User
from tessera.accounts.roles import Role
from tessera.core.models import Agency, Team

DEMO_PASSWORD = "tessera-demo-2026"  # noqa: S105 - synthetic demo accounts only


@dataclass(frozen=True)
class CastMember:
    username: str
    first_name: str
    last_name: str
    job_title: str
    agency_code: str
    roles: tuple[Role, ...]
    teams: tuple[str, ...]


CAST: tuple[CastMember, ...] = (
    CastMember(
        "officer.rotherham",
        "Dan",
        "Hartwell",
        "Police constable",
        "police",
        (Role.FRONTLINE_OFFICER,),
        ("Rotherham response policing",),
    ),
    CastMember(
        "callhandler",
        "Priya",
        "Lomas",
        "Call handler",
        "police",
        (Role.CALL_HANDLER,),
        ("Force communications room",),
    ),
    CastMember(
        "cse.rotherham",
        "Sam",
        "Okafor",
        "Detective constable, CSE team",
        "police",
        (Role.CSE_TEAM_MEMBER,),
        ("Rotherham CSE team (police)",),
    ),
    CastMember(
        "sw.sheffield",
        "Helen",
        "Marsh",
        "Social worker, CSE team",
        "csc-sheffield",
        (Role.CSE_TEAM_MEMBER,),
        ("Sheffield CSE team (social care)",),
    ),
    CastMember(
        "youthworker.rotherham",
        "Aaliyah",
        "Brennan",
        "Youth worker",
        "safe-steps",
        (Role.CSE_TEAM_MEMBER,),
        ("Rotherham CSE team (Safe Steps)",),
    ),
    CastMember(
        "mpc.doncaster",
        "Gareth",
        "Pym",
        "Missing person coordinator",
        "police",
        (Role.MISSING_PERSON_COORDINATOR,),
        ("Doncaster missing persons",),
    ),
    CastMember(
        "analyst",
        "Ruth",
        "Castell",
        "Intelligence analyst",
        "police",
        (Role.INTELLIGENCE_ANALYST,),
        ("Force intelligence bureau",),
    ),
    CastMember(
        "htcu",
        "Imran",
        "Vale",
        "Digital media investigator",
        "police",
        (Role.HITECH_INVESTIGATOR,),
        ("Hi-Tech Crime Unit",),
    ),
    CastMember(
        "supervisor.rotherham",
        "Claire",
        "Dunmore",
        "Detective sergeant",
        "police",
        (Role.SUPERVISOR,),
        ("Rotherham CSE team (police)",),
    ),
    CastMember(
        "commissioner",
        "Martin",
        "Ashby",
        "Assistant chief constable",
        "police",
        (Role.CHIEF_OFFICER,),
        ("Chief officer team",),
    ),
    CastMember(
        "hotel.sheffield",
        "Jo",
        "Kettering",
        "Night manager, city hotel",
        "hotelwatch-sheffield",
        (Role.PARTNER_REPORTER,),
        ("Sheffield Hotel Watch",),
    ),
    CastMember(
        "dpo",
        "Nadia",
        "Ferriby",
        "Information rights officer",
        "police",
        (Role.DATA_PROTECTION_OFFICER,),
        (),
    ),
    CastMember(
        "sysadmin",
        "Alex",
        "Rowan",
        "System administrator",
        "police",
        (Role.SYSTEM_ADMINISTRATOR,),
        ("Tessera administration",),
    ),
)


def demo_totp_key(username: str) -> str:
    """A fixed 20-byte key (hex) per demo user, so the demo can print codes."""
    return hashlib.sha1(f"tessera-demo:{username}".encode(), usedforsecurity=False).hexdigest()


@transaction.atomic
def seed_cast(password: str = DEMO_PASSWORD) -> list[User]:
    """Create (or refresh) the cast. Idempotent."""
    users = []
    for member in CAST:
        user, created = User.objects.get_or_create(
            username=member.username,
            defaults={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": f"{member.username}@example.org",
                "job_title": member.job_title,
                "agency": Agency.objects.get(code=member.agency_code),
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        for role in member.roles:
            RoleGrant.objects.get_or_create(user=user, role=role)
        for team_name in member.teams:
            TeamMembership.objects.get_or_create(user=user, team=Team.objects.get(name=team_name))
        TOTPDevice.objects.get_or_create(
            user=user,
            confirmed=True,
            defaults={"name": "Authenticator app", "key": demo_totp_key(member.username)},
        )
        users.append(user)
    return users
