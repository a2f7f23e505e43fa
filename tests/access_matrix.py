"""Every URL in Tessera and what each member of the cast gets from it.

``test_access_matrix`` requests every URL as every cast member (and signed out) and checks the answer
against this table. A URL that is not declared here fails the test, so a new page cannot ship without
someone deciding who may see it.

Codes: 200 ok, 302 redirect, 403 seen-but-forbidden, 404 not yours (or missing), 405 wrong method.
Anyone not listed for a URL gets the row's ``default``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from tessera.access.models import BreakGlassGrant
from tessera.accounts.models import User
from tessera.jobs.models import Job
from tests.conftest import make_person

ALL_CAST = (
    "officer.rotherham",
    "callhandler",
    "cse.rotherham",
    "sw.sheffield",
    "youthworker.rotherham",
    "mpc.doncaster",
    "analyst",
    "htcu",
    "supervisor.rotherham",
    "commissioner",
    "hotel.sheffield",
    "sysadmin",
)

# Roles that work with named children (see tessera.access.scope.Scope.works_with_named_children).
ROTHERHAM_PEOPLE_VIEWERS = (
    "officer.rotherham",
    "cse.rotherham",
    "youthworker.rotherham",
    "supervisor.rotherham",
    "callhandler",
    "analyst",
    "htcu",
)
CASEWORK = (
    "cse.rotherham",
    "sw.sheffield",
    "youthworker.rotherham",
    "mpc.doncaster",
    "analyst",
    "htcu",
    "supervisor.rotherham",
)


@dataclass(frozen=True)
class Row:
    """``path`` builds the URL from the world fixture; ``expect`` maps cast member to status code."""

    path: Callable[[Any], str]
    default: int
    expect: dict[str, int] = field(default_factory=dict)
    method: str = "get"
    anonymous: int = 302


def only(users: tuple[str, ...] | list[str], code: int = 200) -> dict[str, int]:
    return dict.fromkeys(users, code)


ROWS: dict[str, Row] = {
    "web:home": Row(lambda w: "/", default=200),
    "accounts:sign_in": Row(lambda w: "/sign-in/", default=302, anonymous=200),
    # Signed-in and verified users are sent home from the code pages.
    "accounts:verify_code": Row(lambda w: "/sign-in/code/", default=302),
    "accounts:set_up_code": Row(lambda w: "/sign-in/set-up-code/", default=302),
    "accounts:sign_out": Row(lambda w: "/sign-out/", default=405, anonymous=405),
    "accounts:sign_out_everywhere": Row(lambda w: "/sign-out/everywhere/", default=405),
    "accounts:account": Row(lambda w: "/account/", default=200),
    "access:emergency_access": Row(
        lambda w: f"/access/emergency-access/?path=/people/{w.rotherham_child.pk}/",
        default=403,
        expect=only(CASEWORK),
    ),
    "access:review_list": Row(
        lambda w: "/access/emergency-access/review/", default=403, expect=only(["supervisor.rotherham"])
    ),
    "access:review_grant": Row(
        lambda w: f"/access/emergency-access/review/{w.grant.pk}/",
        default=403,
        expect={"supervisor.rotherham": 200},
    ),
    "access:record_viewers": Row(
        lambda w: f"/access/records/people.person/{w.rotherham_child.pk}/viewers/",
        default=404,
        expect=only(["cse.rotherham", "youthworker.rotherham", "supervisor.rotherham", "analyst", "htcu"]),
    ),
    # Everyone whose work involves named children searches; partner reporters, system administrators
    # and chief officers cannot.
    "people:person_search": Row(
        lambda w: "/people/search/?q=Kayleigh+Thornley",
        default=403,
        expect=only([u for u in ALL_CAST if u not in ("commissioner", "hotel.sheffield", "sysadmin")]),
    ),
    "people:person_detail": Row(
        lambda w: f"/people/{w.rotherham_child.pk}/", default=404, expect=only(ROTHERHAM_PEOPLE_VIEWERS)
    ),
    "api:person-detail": Row(
        lambda w: f"/api/v1/people/{w.rotherham_child.pk}/",
        default=404,
        expect=only(ROTHERHAM_PEOPLE_VIEWERS),
        anonymous=403,
    ),
    "api:person-list": Row(lambda w: "/api/v1/people/", default=405, anonymous=403),
    "api:schema": Row(lambda w: "/api/v1/schema/", default=200, anonymous=403),
    "jobs:job_progress": Row(lambda w: f"/jobs/{w.job.pk}/", default=404, expect={"cse.rotherham": 200}),
    "administration:user_list": Row(
        lambda w: "/administration/users/", default=403, expect={"sysadmin": 200}
    ),
    "administration:user_create": Row(
        lambda w: "/administration/users/new/", default=403, expect={"sysadmin": 200}
    ),
    "administration:user_edit": Row(
        lambda w: f"/administration/users/{w.cast['cse.rotherham'].pk}/",
        default=403,
        expect={"sysadmin": 200},
    ),
    "administration:user_reset_second_factor": Row(
        lambda w: f"/administration/users/{w.cast['cse.rotherham'].pk}/reset-authenticator/", default=405
    ),
    "administration:organisation": Row(
        lambda w: "/administration/organisation/", default=403, expect={"sysadmin": 200}
    ),
    "administration:audit": Row(lambda w: "/administration/audit/", default=403, expect={"sysadmin": 200}),
}


def build_world() -> SimpleNamespace:
    """The records the matrix's URLs point at. Add what a new row needs here (one place for both the
    access-matrix test and the accessibility sweep)."""
    cast = {user.username: user for user in User.objects.select_related("agency")}
    child = make_person("rotherham")
    grant = BreakGlassGrant.objects.create(
        user=cast["cse.rotherham"],
        target_type="people.person",
        target_id=make_person("sheffield").pk,
        path="/people/0/",
        reason="Found at a hotel at 2am with an adult, needs checking now",
        granted_at=timezone.now(),
        expires_at=timezone.now(),
    )
    job = Job.objects.create(kind="noop", title="Import of police records", created_by=cast["cse.rotherham"])
    return SimpleNamespace(cast=cast, rotherham_child=child, grant=grant, job=job)
