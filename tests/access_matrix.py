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
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from tessera.access.models import BreakGlassGrant
from tessera.accounts.grants import request_access
from tessera.accounts.models import AccessRequest, User
from tessera.accounts.password_link import set_password_path
from tessera.accounts.roles import Role
from tessera.jobs.models import Job
from tests.cases.world import rotherham_case_world
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
    "dpo",
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
# Partner imports and the linkage review queue (issue 7): CSE team members, supervisors and analysts.
IMPORTERS = ("cse.rotherham", "sw.sheffield", "youthworker.rotherham", "analyst", "supervisor.rotherham")
ROTHERHAM_IMPORTERS = ("cse.rotherham", "youthworker.rotherham", "analyst", "supervisor.rotherham")


# Case work (tessera.cases, tessera.referrals). The world's case is in Rotherham, led by cse.rotherham,
# with youthworker.rotherham on its team; officer.rotherham reported the concern that opened it.
ROTHERHAM_CASE_TEAM = ("cse.rotherham", "youthworker.rotherham", "supervisor.rotherham")
# Everyone but the roles that see no named child (Scope.works_with_named_children).
WORK_WITH_CHILDREN = tuple(
    u for u in ALL_CAST if u not in {"commissioner", "hotel.sheffield", "sysadmin", "dpo"}
)
STAFF_REPORTERS = (*WORK_WITH_CHILDREN, "commissioner", "dpo")
DISTRICT_TEAMS = ("cse.rotherham", "sw.sheffield", "youthworker.rotherham", "supervisor.rotherham")


@dataclass(frozen=True)
class Row:
    """``path`` builds the URL from the world fixture; ``expect`` maps cast member to status code."""

    path: Callable[[Any], str]
    default: int
    expect: dict[str, int] = field(default_factory=dict)
    method: str = "get"
    anonymous: int = 302
    # False for downloads (a PDF is not a page for axe to check).
    html: bool = True


def only(users: tuple[str, ...] | list[str], code: int = 200) -> dict[str, int]:
    return dict.fromkeys(users, code)


def thing_path(kind: str, path: str) -> Callable[[Any], str]:
    return lambda w: f"/people/{path}/{getattr(w, kind).pk}/"


ROWS: dict[str, Row] = {
    "web:home": Row(lambda w: "/", default=200),
    # The load balancer's health check answers everyone, with no personal data.
    "web:health": Row(lambda w: "/health/?format=json", default=200, anonymous=200, html=False),
    "web:risk_hub": Row(lambda w: "/risk/", default=403, expect=only([*CASEWORK, "commissioner"])),
    "web:records_hub": Row(
        lambda w: "/records/",
        default=403,
        expect=only(
            ["cse.rotherham", "sw.sheffield", "youthworker.rotherham", "supervisor.rotherham", "analyst"]
        ),
    ),
    "web:oversight_hub": Row(
        lambda w: "/oversight/", default=403, expect=only(["supervisor.rotherham", "commissioner"])
    ),
    "accounts:sign_in": Row(lambda w: "/sign-in/", default=302, anonymous=200),
    # Signed-in and verified users are sent home from the code pages.
    "accounts:verify_code": Row(lambda w: "/sign-in/code/", default=302),
    "accounts:set_up_code": Row(lambda w: "/sign-in/set-up-code/", default=302),
    "accounts:sign_out": Row(lambda w: "/sign-out/", default=405, anonymous=405),
    "accounts:sign_out_everywhere": Row(lambda w: "/sign-out/everywhere/", default=405),
    "accounts:account": Row(lambda w: "/account/", default=200),
    # The emailed link answers whoever holds it: the token is the key (issue 17, two-key grants).
    "accounts:set_password": Row(lambda w: set_password_path(newcomer(w)), default=200, anonymous=200),
    # The second key: a supervisor of the person's agency (police here) approves roles that read case data.
    "accounts:access_requests": Row(
        lambda w: "/access-requests/", default=403, expect={"supervisor.rotherham": 200}
    ),
    "accounts:access_request": Row(
        lambda w: f"/access-requests/{access_request_of(w).pk}/",
        default=403,
        expect={"supervisor.rotherham": 200},
    ),
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
    "access:refused_requests": Row(
        lambda w: (
            f"/access/emergency-access/review/refused/{User.objects.get(username='officer.rotherham').pk}/"
        ),
        default=403,
        expect={"supervisor.rotherham": 200},
    ),
    "access:record_viewers": Row(
        lambda w: f"/access/records/people.person/{w.rotherham_child.pk}/viewers/",
        default=404,
        expect=only(["cse.rotherham", "youthworker.rotherham", "supervisor.rotherham", "analyst", "htcu"]),
    ),
    # Only supervisors restrict records; the role is checked before the record is looked up.
    "access:restrict": Row(
        lambda w: f"/access/records/people.person/{w.rotherham_child.pk}/restrict/",
        default=403,
        expect={"supervisor.rotherham": 200},
    ),
    # Lifting answers only POST, and only where a restriction is in force: 404 here for supervisors.
    "access:lift_restriction": Row(
        lambda w: f"/access/records/people.person/{w.rotherham_child.pk}/restrict/lift/",
        default=403,
        expect={"supervisor.rotherham": 404},
    ),
    # Everyone whose work involves named children searches; partner reporters, system administrators
    # and chief officers cannot.
    "people:person_search": Row(
        lambda w: "/people/search/?q=Kayleigh+Thornley",
        default=403,
        expect=only([u for u in ALL_CAST if u not in ("commissioner", "hotel.sheffield", "sysadmin", "dpo")]),
    ),
    # The data protection officer reaches every person (a subject access request can be about anyone).
    "people:person_detail": Row(
        lambda w: f"/people/{w.rotherham_child.pk}/",
        default=404,
        expect=only((*ROTHERHAM_PEOPLE_VIEWERS, "dpo")),
    ),
    # Places, vehicles, phones and accounts: whoever works with named children, as search by them is
    # (the people shown on them are filtered by the person rule).
    **{
        f"people:{kind}_detail": Row(thing_path(kind, path), default=404, expect=only(WORK_WITH_CHILDREN))
        for kind, path in (
            ("place", "places"),
            ("vehicle", "vehicles"),
            ("phone", "phones"),
            ("account", "accounts"),
        )
    },
    # A network is opened from the person (or thing) at its centre: whoever may open that opens it.
    "network:network": Row(
        lambda w: f"/network/{w.rotherham_child.entity_id}/",
        default=404,
        expect=only((*ROTHERHAM_PEOPLE_VIEWERS, "dpo")),
    ),
    "api:person-detail": Row(
        lambda w: f"/api/v1/people/{w.rotherham_child.pk}/",
        default=404,
        expect=only((*ROTHERHAM_PEOPLE_VIEWERS, "dpo")),
        anonymous=403,
    ),
    "api:person-list": Row(lambda w: "/api/v1/people/", default=405, anonymous=403),
    "api:schema": Row(lambda w: "/api/v1/schema/", default=200, anonymous=403),
    "referrals:report_concern": Row(lambda w: "/referrals/new/", default=403, expect=only(STAFF_REPORTERS)),
    "referrals:partner_report": Row(
        lambda w: "/referrals/partner/", default=403, expect={"hotel.sheffield": 200}
    ),
    # The confirmation reads the reference from the reporter's own session; without one it goes home.
    "referrals:concern_sent": Row(lambda w: "/referrals/sent/", default=302),
    # Adding to a concern by its reference: every reporter, staff and partner alike.
    "referrals:add_to_concern": Row(
        lambda w: "/referrals/add/", default=403, expect=only((*STAFF_REPORTERS, "hotel.sheffield"))
    ),
    "referrals:addition_sent": Row(lambda w: "/referrals/add/sent/", default=302),
    # Grading and resolving are posted from the referral page; asked for by address, the district team
    # is sent back to the page, the referrer may see it but not act (403), anyone else gets 404.
    "referrals:grade_referral": Row(
        lambda w: f"/referrals/{w.referral.pk}/grade/",
        default=404,
        expect={"officer.rotherham": 403, **only(ROTHERHAM_CASE_TEAM, 302)},
    ),
    "referrals:resolve_subjects": Row(
        lambda w: f"/referrals/{w.referral.pk}/subjects/",
        default=404,
        expect={"officer.rotherham": 403, **only(ROTHERHAM_CASE_TEAM, 302)},
    ),
    "referrals:my_concerns": Row(lambda w: "/referrals/mine/", default=403, expect=only(STAFF_REPORTERS)),
    "referrals:triage_queue": Row(lambda w: "/referrals/triage/", default=403, expect=only(DISTRICT_TEAMS)),
    "referrals:referral_detail": Row(
        lambda w: f"/referrals/{w.referral.pk}/",
        default=404,
        expect=only(("officer.rotherham", *ROTHERHAM_CASE_TEAM)),
    ),
    "cases:case_list": Row(lambda w: "/cases/", default=403, expect=only(WORK_WITH_CHILDREN)),
    "cases:action_lists": Row(lambda w: "/cases/actions/", default=403, expect=only(WORK_WITH_CHILDREN)),
    # Counts without names: chief officers and supervisors.
    "cases:figures": Row(
        lambda w: "/cases/figures/", default=403, expect={"commissioner": 200, "supervisor.rotherham": 200}
    ),
    "cases:case_detail": Row(lambda w: f"/cases/{w.case.pk}/", default=404, expect=only(ROTHERHAM_CASE_TEAM)),
    "cases:chronology": Row(
        lambda w: f"/cases/{w.case.pk}/chronology/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:chronology_pdf": Row(
        lambda w: f"/cases/{w.case.pk}/chronology.pdf",
        default=404,
        expect=only(ROTHERHAM_CASE_TEAM),
        html=False,
    ),
    "cases:people": Row(
        lambda w: f"/cases/{w.case.pk}/people/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:add_member": Row(
        lambda w: f"/cases/{w.case.pk}/people/add/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:actions": Row(
        lambda w: f"/cases/{w.case.pk}/actions/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:add_action": Row(
        lambda w: f"/cases/{w.case.pk}/actions/new/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:update_action": Row(
        lambda w: f"/cases/{w.case.pk}/actions/{w.action.pk}/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:meetings": Row(
        lambda w: f"/cases/{w.case.pk}/meetings/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:add_strategy_discussion": Row(
        lambda w: f"/cases/{w.case.pk}/meetings/strategy-discussion/",
        default=404,
        expect=only(ROTHERHAM_CASE_TEAM),
    ),
    "cases:add_conference": Row(
        lambda w: f"/cases/{w.case.pk}/meetings/conference/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:support": Row(
        lambda w: f"/cases/{w.case.pk}/support/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:add_support": Row(
        lambda w: f"/cases/{w.case.pk}/support/new/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:sharing_log": Row(
        lambda w: f"/cases/{w.case.pk}/sharing-log/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:change_details": Row(
        lambda w: f"/cases/{w.case.pk}/details/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:record_assessment": Row(
        lambda w: f"/cases/{w.case.pk}/assessment/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    "cases:move_to_investigation": Row(
        lambda w: f"/cases/{w.case.pk}/investigation/", default=404, expect=only(ROTHERHAM_CASE_TEAM)
    ),
    # Only the lead professional or a supervisor in the district closes a case.
    "cases:close_case": Row(
        lambda w: f"/cases/{w.case.pk}/close/",
        default=404,
        expect={"cse.rotherham": 200, "supervisor.rotherham": 200, "youthworker.rotherham": 403},
    ),
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
    "administration:user_send_password_link": Row(
        lambda w: f"/administration/users/{newcomer(w).pk}/send-password-link/", default=405
    ),
    "administration:access_requests": Row(
        lambda w: "/administration/access-requests/", default=403, expect={"sysadmin": 200}
    ),
    "administration:organisation": Row(
        lambda w: "/administration/organisation/", default=403, expect={"sysadmin": 200}
    ),
    "administration:audit": Row(lambda w: "/administration/audit/", default=403, expect={"sysadmin": 200}),
    "imports:batch_list": Row(lambda w: "/imports/", default=403, expect=only(IMPORTERS)),
    "imports:batch_upload": Row(lambda w: "/imports/new/", default=403, expect=only(IMPORTERS)),
    "imports:batch_detail": Row(
        lambda w: f"/imports/{w.import_batch.pk}/", default=404, expect=only(ROTHERHAM_IMPORTERS)
    ),
    "imports:batch_columns": Row(
        lambda w: f"/imports/{w.import_batch.pk}/columns/", default=404, expect=only(ROTHERHAM_IMPORTERS)
    ),
    "imports:column_specification": Row(
        lambda w: "/imports/columns/police_rms.csv", default=403, expect=only(IMPORTERS), html=False
    ),
    "imports:row_correct": Row(
        lambda w: f"/imports/{w.import_batch.pk}/rows/{w.quarantined_row.pk}/",
        default=404,
        expect=only(ROTHERHAM_IMPORTERS),
    ),
    "imports:row_set_aside": Row(
        lambda w: f"/imports/{w.import_batch.pk}/rows/{w.quarantined_row.pk}/set-aside/", default=405
    ),
    "linkage:review_queue": Row(lambda w: "/linkage/review/", default=403, expect=only(IMPORTERS)),
    "linkage:pair_review": Row(
        lambda w: f"/linkage/review/{w.review_pair.pk}/", default=404, expect=only(ROTHERHAM_IMPORTERS)
    ),
    "linkage:run_start": Row(lambda w: "/linkage/runs/new/", default=405),
    "linkage:run_detail": Row(
        lambda w: f"/linkage/runs/{w.linkage_run.pk}/",
        default=404,
        expect=only(["supervisor.rotherham", "analyst"]),
    ),
    "linkage:merge_undo": Row(
        lambda w: f"/linkage/merges/{w.person_merge.pk}/undo/",
        default=404,
        expect={**only((*ROTHERHAM_PEOPLE_VIEWERS, "dpo"), 403), **only(ROTHERHAM_IMPORTERS)},
    ),
    "linkage:candidates": Row(
        lambda w: (
            "/linkage/candidates/?given_name=Kayleigh&family_name=Thornley&date_of_birth_day=14"
            "&date_of_birth_month=3&date_of_birth_year=2010"
        ),
        default=403,
        expect=only([*ROTHERHAM_PEOPLE_VIEWERS, "sw.sheffield", "mpc.doncaster"]),
    ),
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
    casework = rotherham_case_world(cast, child=child)
    world = SimpleNamespace(
        cast=cast,
        rotherham_child=child,
        grant=grant,
        job=job,
        case=casework.case,
        referral=casework.referral,
        action=casework.action,
    )
    _add_linkage_world(world)
    _add_things_world(world)
    return world


def _add_things_world(world: SimpleNamespace) -> None:
    """A hotel, a car, a phone and an account, each linked to the Rotherham child by a concern."""
    from tessera.core.models import Agency
    from tessera.people.models import EntityKind, Link, LinkKind, Location, LocationKind, PoleEntity
    from tests.people.helpers import account, phone, vehicle

    world.place = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
        kind=LocationKind.HOTEL,
        name="Premier Inn Rotherham Central",
        address_line_1="Millstone Walk",
        town="Rotherham",
        postcode="S60 1AA",
    )
    world.vehicle = vehicle("YK62QBC")
    world.phone = phone("07700 900123")
    world.account = account("Snapchat", "jay_wolf99")
    police = Agency.objects.get(code="police")
    for thing, kind in (
        (world.place, LinkKind.FREQUENTS),
        (world.vehicle, LinkKind.SEEN_IN_VEHICLE),
        (world.phone, LinkKind.USES_PHONE),
        (world.account, LinkKind.USES_ACCOUNT),
    ):
        Link.objects.create(
            source=world.rotherham_child.entity,
            target=thing.entity,
            kind=kind,
            agency=police,
            source_system="referral",
            source_record_id=world.referral.reference,
        )


# Intelligence (issue 18): reports, packages and refusals are police intelligence; a release to Sheffield
# is read by those who work with named children in Sheffield (the force-wide call handler among them).
INTEL_READERS = ("analyst", "cse.rotherham", "supervisor.rotherham", "htcu")
INTEL_EVALUATORS = ("analyst", "supervisor.rotherham")
SHEFFIELD_RELEASE_READERS = (*INTEL_READERS, "sw.sheffield", "callhandler")


def intel_world(w: Any) -> Any:
    if not hasattr(w, "intel"):
        from tests.conftest import make_person as person
        from tests.intelligence.world import build_intel_world

        w.intel = build_intel_world(w.cast, person("sheffield", given="Ellie", family="Cawthorne"))
    return w.intel


def intel_crime(w: Any) -> Any:
    if not hasattr(w, "intel_crime"):
        from tests.intelligence.world import record_intel_crime

        w.intel_crime = record_intel_crime(w.cast, intel_world(w))
    return w.intel_crime


INTEL_CRIME_KEEPERS = ("analyst", "cse.rotherham", "supervisor.rotherham")


def intel_profile(w: Any) -> Any:
    """Sheffield's problem profile of the last year, counted from the intelligence world."""
    if not hasattr(w, "intel_profile"):
        from datetime import timedelta

        from tessera.core.models import District
        from tessera.intelligence.profiles import create_profile

        intel_world(w)
        today = timezone.localdate()
        w.intel_profile = create_profile(
            w.cast["analyst"],
            district=District.objects.get(code="sheffield"),
            period_start=today - timedelta(days=365),
            period_end=today,
            title="Sheffield: the last year",
        )
    return w.intel_profile


def intel_path(w: Any, path: str) -> str:
    """A list page's path, with the intelligence world built first so the page has something to list."""
    intel_world(w)
    return path


INTELLIGENCE_ROWS: dict[str, Row] = {
    "intelligence:profiles": Row(
        lambda w: (intel_profile(w), "/intelligence/profiles/")[1], default=403, expect=only(INTEL_READERS)
    ),
    "intelligence:profile_detail": Row(
        lambda w: f"/intelligence/profiles/{intel_profile(w).pk}/", default=404, expect=only(INTEL_READERS)
    ),
    "intelligence:profile_refresh": Row(
        lambda w: f"/intelligence/profiles/{intel_profile(w).pk}/refresh/",
        default=404,
        expect={**only(INTEL_READERS, 403), **only(INTEL_EVALUATORS, 302)},
    ),
    "intelligence:profile_recommendations": Row(
        lambda w: f"/intelligence/profiles/{intel_profile(w).pk}/recommendations/",
        default=404,
        expect={**only(INTEL_READERS, 403), **only(INTEL_EVALUATORS, 302)},
    ),
    "intelligence:profile_pdf": Row(
        lambda w: f"/intelligence/profiles/{intel_profile(w).pk}/pdf/",
        default=404,
        expect=only(INTEL_READERS),
        html=False,
    ),
    "intelligence:profile_csv": Row(
        lambda w: f"/intelligence/profiles/{intel_profile(w).pk}/csv/",
        default=404,
        expect=only(INTEL_READERS),
        html=False,
    ),
    "intelligence:crimes": Row(
        lambda w: (intel_crime(w), "/intelligence/crimes/")[1], default=403, expect=only(INTEL_READERS)
    ),
    "intelligence:new_crime": Row(
        lambda w: intel_path(w, "/intelligence/crimes/new/"),
        default=403,
        expect={"htcu": 403, **only(INTEL_CRIME_KEEPERS)},
    ),
    "intelligence:crime_detail": Row(
        lambda w: f"/intelligence/crimes/{intel_crime(w).pk}/", default=404, expect=only(INTEL_READERS)
    ),
    "intelligence:change_crime": Row(
        lambda w: f"/intelligence/crimes/{intel_crime(w).pk}/change/",
        default=404,
        expect={"htcu": 403, **only(INTEL_CRIME_KEEPERS, 302)},
    ),
    "intelligence:add_crime_suspect": Row(
        lambda w: f"/intelligence/crimes/{intel_crime(w).pk}/suspects/",
        default=404,
        expect={"htcu": 403, **only(INTEL_CRIME_KEEPERS, 302)},
    ),
    "intelligence:withdraw_release": Row(
        lambda w: f"/intelligence/releases/{intel_world(w).release.pk}/withdraw/",
        default=404,
        expect={**only(SHEFFIELD_RELEASE_READERS, 403), **only(INTEL_EVALUATORS)},
    ),
    "intelligence:home": Row(
        lambda w: intel_path(w, "/intelligence/"), default=403, expect=only(WORK_WITH_CHILDREN)
    ),
    "intelligence:new_report": Row(
        lambda w: "/intelligence/reports/new/", default=403, expect=only(INTEL_READERS)
    ),
    "intelligence:report_detail": Row(
        lambda w: f"/intelligence/reports/{intel_world(w).reports[0].pk}/",
        default=404,
        expect=only(INTEL_READERS),
    ),
    "intelligence:grade_report": Row(
        lambda w: f"/intelligence/reports/{intel_world(w).reports[0].pk}/grade/",
        default=404,
        expect={**only(INTEL_READERS, 403), **only(INTEL_EVALUATORS, 302)},
    ),
    "intelligence:add_subject": Row(
        lambda w: f"/intelligence/reports/{intel_world(w).reports[0].pk}/subjects/",
        default=404,
        expect={"htcu": 403, **only(("analyst", "cse.rotherham", "supervisor.rotherham"), 302)},
    ),
    "intelligence:release_report": Row(
        lambda w: f"/intelligence/reports/{intel_world(w).reports[0].pk}/release/",
        default=404,
        expect={**only(INTEL_READERS, 403), **only(INTEL_EVALUATORS)},
    ),
    "intelligence:release_detail": Row(
        lambda w: f"/intelligence/releases/{intel_world(w).release.pk}/",
        default=404,
        expect=only(SHEFFIELD_RELEASE_READERS),
    ),
    "intelligence:release_pdf": Row(
        lambda w: f"/intelligence/releases/{intel_world(w).release.pk}/pdf/",
        default=404,
        expect=only(SHEFFIELD_RELEASE_READERS),
        html=False,
    ),
    "intelligence:new_package": Row(
        lambda w: intel_path(w, "/intelligence/packages/new/"), default=403, expect=only(INTEL_EVALUATORS)
    ),
    "intelligence:package_detail": Row(
        lambda w: f"/intelligence/packages/{intel_world(w).package.pk}/",
        default=404,
        expect=only(INTEL_READERS),
    ),
    "intelligence:release_package": Row(
        lambda w: f"/intelligence/packages/{intel_world(w).package.pk}/release/",
        default=404,
        expect={**only(INTEL_READERS, 403), **only(INTEL_EVALUATORS)},
    ),
    "intelligence:package_pdf": Row(
        lambda w: f"/intelligence/packages/{intel_world(w).package.pk}/pdf/",
        default=404,
        expect=only(INTEL_READERS),
        html=False,
    ),
}


def newcomer(w: Any) -> User:
    """A police officer an administrator has just added: no password yet, CSE role waiting for approval."""
    if not hasattr(w, "newcomer"):
        w.newcomer = User.objects.create_user(
            username="new.officer",
            password=None,
            first_name="Nia",
            last_name="Cropper",
            email="nia@example.org",
            agency=w.cast["cse.rotherham"].agency,
        )
        w.access_request = request_access(
            w.cast["sysadmin"], w.newcomer, roles={Role.CSE_TEAM_MEMBER}, teams=[], request=None
        )
    return w.newcomer


def access_request_of(w: Any) -> AccessRequest:
    newcomer(w)
    return w.access_request


# Risk assessment (issue 6). The objects are made the first time a row needs them.
ROTHERHAM_CASEWORK = ("cse.rotherham", "youthworker.rotherham", "supervisor.rotherham", "analyst", "htcu")
ROTHERHAM_ASSESSORS = ("cse.rotherham", "youthworker.rotherham", "supervisor.rotherham")
RISK_MANAGERS = ("supervisor.rotherham", "commissioner")


def risk_world(w: Any) -> Any:
    if not hasattr(w, "risk"):
        from tests.risk.world import build_risk_world

        w.risk = build_risk_world(w.cast, w.rotherham_child)
    return w.risk


def assessor_view(forbidden: tuple[str, ...] = ("analyst", "htcu")) -> dict[str, int]:
    return {**only(ROTHERHAM_ASSESSORS), **only(forbidden, 403)}


ROWS.update(
    {
        "risk:child_risk": Row(
            lambda w: f"/risk/children/{w.rotherham_child.pk}/", default=404, expect=only(ROTHERHAM_CASEWORK)
        ),
        "risk:assessment_start": Row(
            lambda w: f"/risk/children/{w.rotherham_child.pk}/assess/", default=404, expect=assessor_view()
        ),
        "risk:assessment_detail": Row(
            lambda w: f"/risk/assessments/{risk_world(w).assessment.pk}/",
            default=404,
            expect=only(ROTHERHAM_CASEWORK),
        ),
        "risk:observation_add": Row(
            lambda w: f"/risk/assessments/{risk_world(w).assessment.pk}/indicators/add/",
            default=404,
            expect=assessor_view(),
        ),
        "risk:observation_withdraw": Row(
            lambda w: (
                f"/risk/assessments/{risk_world(w).assessment.pk}/indicators/{risk_world(w).observation.pk}/remove/"
            ),
            default=404,
            expect=assessor_view(),
        ),
        "risk:fact_confirm": Row(
            lambda w: f"/risk/assessments/{risk_world(w).assessment.pk}/facts/confirm/", default=405
        ),
        "risk:fact_reject": Row(
            lambda w: f"/risk/assessments/{risk_world(w).assessment.pk}/facts/reject/", default=405
        ),
        "risk:assessment_complete": Row(
            lambda w: f"/risk/assessments/{risk_world(w).assessment.pk}/complete/",
            default=404,
            expect=assessor_view(),
        ),
        "risk:assessment_sign_off": Row(
            lambda w: f"/risk/assessments/{risk_world(w).completed.pk}/sign-off/",
            default=404,
            expect={
                "supervisor.rotherham": 200,
                **only(("cse.rotherham", "youthworker.rotherham", "analyst", "htcu"), 403),
            },
        ),
        "risk:reassessments": Row(lambda w: "/risk/reassessments/", default=403, expect=only(CASEWORK)),
        "risk:version_list": Row(
            lambda w: "/risk/instrument/", default=403, expect=only((*CASEWORK, "commissioner"))
        ),
        "risk:version_draft": Row(
            lambda w: "/risk/instrument/draft/", default=403, expect={"supervisor.rotherham": 200}
        ),
        "risk:version_detail": Row(
            lambda w: f"/risk/instrument/{risk_world(w).version.number}/",
            default=403,
            expect=only((*CASEWORK, "commissioner")),
        ),
        "risk:version_shadow": Row(
            lambda w: f"/risk/instrument/{risk_world(w).draft.number}/shadow/", default=405
        ),
        "risk:version_decide": Row(
            lambda w: f"/risk/instrument/{risk_world(w).draft.number}/decide/",
            default=403,
            expect={"supervisor.rotherham": 200},
        ),
        "risk:overrides": Row(lambda w: "/risk/overrides/", default=403, expect=only(RISK_MANAGERS)),
        "risk:calibration": Row(lambda w: "/risk/calibration/", default=403, expect=only(RISK_MANAGERS)),
        "risk:calibration_start": Row(lambda w: "/risk/calibration/start/", default=405),
        "risk:calibration_detail": Row(
            lambda w: f"/risk/calibration/{risk_world(w).study.pk}/", default=403, expect=only(RISK_MANAGERS)
        ),
        "risk:calibration_propose": Row(
            lambda w: f"/risk/calibration/{risk_world(w).study.pk}/propose/", default=405
        ),
    }
)


# Retention and subject access (issue 17, build 6): the data protection officer only. The forms post to
# their own addresses (405 to a GET).
def subject_access_request_of(w: Any) -> Any:
    if not hasattr(w, "subject_access_request"):
        from tessera.information.services import record_request

        w.subject_access_request = record_request(
            w.cast["dpo"],
            w.rotherham_child,
            requester="The child's mother, with the child's written consent",
            identity_checked="Passport seen",
            received_on=timezone.localdate(),
        )
    return w.subject_access_request


ROWS.update(
    {
        "information:hub": Row(lambda w: "/information-rights/", default=403, expect={"dpo": 200}),
        "information:person": Row(
            lambda w: f"/information-rights/people/{w.rotherham_child.pk}/", default=403, expect={"dpo": 200}
        ),
        "information:decide": Row(
            lambda w: f"/information-rights/people/{w.rotherham_child.pk}/retention/", default=405
        ),
        "information:erase": Row(
            lambda w: f"/information-rights/people/{w.rotherham_child.pk}/erase/", default=405
        ),
        "information:new_request": Row(
            lambda w: f"/information-rights/people/{w.rotherham_child.pk}/subject-access/", default=405
        ),
        "information:pack": Row(
            lambda w: f"/information-rights/requests/{subject_access_request_of(w).pk}/pack.zip",
            default=403,
            expect={"dpo": 200},
            html=False,
        ),
    }
)


# Missing children (issue 14). The records are made the first time a row needs them.
def missing_world(w: Any) -> Any:
    if not hasattr(w, "missing"):
        from tests.missing.world import build_missing_world

        w.missing = build_missing_world(w.cast, w.rotherham_child)
    return w.missing


def missing_case(w: Any) -> Any:
    """The case, once the child's missing episodes are recorded (its Missing tab shows them)."""
    missing_world(w)
    return w.case


def _overview_path(w: Any) -> str:
    missing_world(w)  # so the lists have a child missing now
    return "/missing/"


MISSING_RECORDERS = ("cse.rotherham", "youthworker.rotherham", "supervisor.rotherham")
NOT_CASEWORK = ("officer.rotherham", "callhandler", "commissioner", "hotel.sheffield", "sysadmin", "dpo")


def _missing_form(path: Callable[[Any], str]) -> Row:
    """A form about the Rotherham child: recorders 200, others who see the child 403, the rest 404."""
    return Row(
        path,
        default=404,
        expect={
            **only(MISSING_RECORDERS),
            **only(("officer.rotherham", "callhandler", "analyst", "htcu", "dpo"), 403),
        },
    )


def _episode_path(tail: str) -> Callable[[Any], str]:
    return lambda w: f"/missing/episodes/{missing_world(w).episode.pk}/{tail}"


ROWS.update(
    {
        "missing:overview": Row(_overview_path, default=403, expect=only(CASEWORK)),
        "missing:dashboard": Row(
            lambda w: _overview_path(w) + "dashboard/", default=403, expect=only(CASEWORK)
        ),
        "missing:child": Row(
            lambda w: f"/missing/children/{missing_world(w).profile.child_id}/",
            default=404,
            expect={**only(ROTHERHAM_CASEWORK), **only(NOT_CASEWORK, 403)},
        ),
        "missing:profile_edit": _missing_form(lambda w: f"/missing/children/{w.rotherham_child.pk}/profile/"),
        "missing:report_missing": _missing_form(
            lambda w: f"/missing/children/{w.rotherham_child.pk}/report/"
        ),
        "missing:close_monitoring": Row(
            lambda w: f"/missing/children/{missing_world(w).profile.child_id}/monitoring/end/",
            default=404,
            expect={
                **only(MISSING_RECORDERS),
                **only(("officer.rotherham", "callhandler", "analyst", "htcu", "dpo"), 403),
            },
        ),
        "missing:episode_detail": Row(_episode_path(""), default=404, expect=only(ROTHERHAM_CASEWORK)),
        **{
            f"missing:{name}": Row(
                _episode_path(tail),
                default=404,
                expect={**only(MISSING_RECORDERS), **only(("analyst", "htcu"), 403)},
            )
            for name, tail in (
                ("episode_regrade", "grade/"),
                ("episode_found", "found/"),
                ("safe_and_well", "safe-and-well/"),
                ("return_interview", "return-interview/"),
            )
        },
    }
)


def alert_world(w: Any) -> Any:
    """A network alert on the Rotherham team's list: a Rotherham child with no open case (the world's
    Rotherham child has one, so a path about her would go to her case, ADR 0035) seen in a suspected
    exploiter's car."""
    if not hasattr(w, "alert"):
        from tests.earlywarning.world import build_alert_world
        from tests.people.helpers import person

        w.alert = build_alert_world(person("rotherham", "Amy", "Ward", date(2011, 1, 9)))
    return w.alert


# Network alerts reach the district team of the child and nobody else (not force-wide teams).
DISTRICT_CASEWORK = (
    "cse.rotherham",
    "sw.sheffield",
    "youthworker.rotherham",
    "mpc.doncaster",
    "supervisor.rotherham",
)
ROWS.update(
    {
        "earlywarning:alerts": Row(
            lambda w: (alert_world(w), "/network-alerts/")[1], default=403, expect=only(DISTRICT_CASEWORK)
        ),
        "earlywarning:alert": Row(
            lambda w: f"/network-alerts/{alert_world(w).alert.pk}/",
            default=404,
            expect=only(("cse.rotherham", "youthworker.rotherham", "supervisor.rotherham")),
        ),
    }
)

# The Risk and Missing tabs of the case page: whoever opens a case tab opens these.
ROWS.update(INTELLIGENCE_ROWS)

# The Risk tab of the case page: whoever opens a case tab opens this one.
ROWS["risk:case_risk"] = Row(
    lambda w: f"/risk/cases/{w.case.pk}/",
    default=ROWS["cases:support"].default,
    expect=dict(ROWS["cases:support"].expect),
)
ROWS["missing:case_missing"] = Row(
    lambda w: f"/missing/cases/{missing_case(w).pk}/",
    default=ROWS["cases:support"].default,
    expect=dict(ROWS["cases:support"].expect),
)


def _add_linkage_world(world: SimpleNamespace) -> None:
    """An import with a quarantined row, a pair waiting for review, a run and a merge, all in Rotherham."""
    from tessera.core.models import Agency, District
    from tessera.imports.models import ImportBatch, QuarantinedRow
    from tessera.linkage.model_spec import settings_for
    from tessera.linkage.models import LinkageModel, LinkageRun, ReviewPair
    from tessera.people.services import merge_persons

    cse = world.cast["cse.rotherham"]
    world.import_batch = ImportBatch.objects.create(
        profile_code="police_rms",
        source_system="Niche RMS",
        agency=Agency.objects.get(code="police"),
        district=District.objects.get(code="rotherham"),
        file_name="niche-export.csv",
        file_format="csv",
        content_hash="0" * 64,
        content=b"PersonURN,Forename1,Surname,DOB\n",
        uploaded_by=cse,
        status="checking",
        file_columns=["PersonURN", "Forename1", "Surname", "DOB"],
    )
    world.quarantined_row = QuarantinedRow.objects.create(
        batch=world.import_batch,
        row_number=1,
        raw={"PersonURN": "", "Forename1": "Kayleigh", "Surname": "Thornley", "DOB": "31/02/2010"},
        reasons=[{"field": "date_of_birth", "message": "Date of birth (column DOB) is not a real date"}],
    )
    model = LinkageModel.objects.create(
        version=1,
        spec_version=1,
        record_count=0,
        parameters=settings_for("duckdb"),
        auto_link_threshold=0.999,
        review_threshold=0.5,
    )
    other = make_person("rotherham", given="Kayley")
    world.review_pair = ReviewPair.objects.create(
        left=world.rotherham_child.identities.get(),
        right=other.identities.get(),
        match_probability=0.8,
        match_weight=2.0,
        model=model,
    )
    world.linkage_run = LinkageRun.objects.create(model=model, started_by=world.cast["supervisor.rotherham"])
    survivor, absorbed = make_person("rotherham", given="Leah"), make_person("rotherham", given="Lea")
    world.person_merge = merge_persons(cse, survivor=survivor, absorbed=absorbed, reason="Same NHS number")
