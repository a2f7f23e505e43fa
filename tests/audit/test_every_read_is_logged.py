"""Every URL of the access matrix that shows personal data, opened by someone allowed to see it, web and
API alike, writes exactly one access-log row, and that row names the records the page showed.

A URL is either declared here with who opens it and which records it must name, or declared as showing
no personal data, with why. A new URL in the matrix fails ``test_every_url_is_classified`` until someone
decides which it is, so a new page cannot forget to log (issue 11).

A row names a record when the record is its target or among the records it shows (``RecordShown``), so
the record's "who has looked" finds the request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from tessera.audit.models import AccessLog, RecordShown
from tessera.core.models import District
from tessera.referrals.models import Referral
from tessera.risk.models import ReassessmentTask, TaskReason
from tests.access_matrix import (
    ROWS,
    alert_world,
    build_world,
    intel_crime,
    intel_profile,
    intel_world,
    missing_world,
    risk_world,
)
from tests.conftest import verified_client
from tests.referrals.test_referrals import concern

Named = dict[str, set[int]]


def _person(w: Any) -> Named:
    return {"people.person": {w.rotherham_child.pk}}


def _case(w: Any) -> Named:
    return {"cases.case": {w.case.pk}}


def _case_and_child(w: Any) -> Named:
    return {"cases.case": {w.case.pk}, "people.person": {w.rotherham_child.pk}}


def _thing(kind: str, label: str) -> Callable[[Any], Named]:
    """A place, vehicle, phone or account's page names the thing and the child linked to it."""
    return lambda w: {label: {getattr(w, kind).pk}, **_person(w)}


def _assessment(pk: Callable[[Any], int]) -> Callable[[Any], Named]:
    return lambda w: {"risk.riskassessment": {pk(w)}, "people.person": {w.rotherham_child.pk}}


# url name -> (who opens it, the records the log row must name)
SHOWS_PERSONAL_DATA: dict[str, tuple[str, Callable[[Any], Named]]] = {
    "web:home": (
        "youthworker.rotherham",
        lambda w: {"cases.action": {w.action.pk}, "people.person": {w.rotherham_child.pk}},
    ),
    "access:review_list": ("supervisor.rotherham", lambda w: {"access.breakglassgrant": {w.grant.pk}}),
    "access:review_grant": ("supervisor.rotherham", lambda w: {"access.breakglassgrant": {w.grant.pk}}),
    # One person's refused requests: the world has none, so the row names no records, but is written.
    "access:refused_requests": ("supervisor.rotherham", lambda w: {}),
    "access:record_viewers": ("cse.rotherham", _person),
    "access:restrict": ("supervisor.rotherham", _person),
    "people:person_search": ("cse.rotherham", _person),
    "people:person_detail": ("cse.rotherham", _person),
    "api:person-detail": ("cse.rotherham", _person),
    "network:network": ("cse.rotherham", _person),
    "earlywarning:alerts": (
        "cse.rotherham",
        lambda w: {
            "earlywarning.networkalert": {alert_world(w).alert.pk},
            "people.person": {alert_world(w).child.pk},
        },
    ),
    "earlywarning:alert": (
        "cse.rotherham",
        lambda w: {
            "earlywarning.networkalert": {alert_world(w).alert.pk},
            "people.person": {alert_world(w).child.pk, alert_world(w).suspect.pk},
        },
    ),
    **{
        f"people:{kind}_detail": ("cse.rotherham", _thing(kind, label))
        for kind, label in (
            ("place", "people.location"),
            ("vehicle", "people.vehicle"),
            ("phone", "people.phone"),
            ("account", "people.onlineaccount"),
        )
    },
    "referrals:my_concerns": (
        "officer.rotherham",
        lambda w: {"referrals.referral": {w.referral.pk}, "people.person": {w.rotherham_child.pk}},
    ),
    "referrals:triage_queue": (
        "cse.rotherham",
        lambda w: {"referrals.referral": {w.waiting_referral.pk}, "people.person": {w.rotherham_child.pk}},
    ),
    "referrals:referral_detail": ("cse.rotherham", lambda w: {"referrals.referral": {w.referral.pk}}),
    "cases:case_list": ("cse.rotherham", _case_and_child),
    "cases:action_lists": (
        "youthworker.rotherham",
        lambda w: {"cases.action": {w.action.pk}, "people.person": {w.rotherham_child.pk}},
    ),
    **{
        f"cases:{tab}": ("cse.rotherham", _case)
        for tab in (
            "case_detail",
            "chronology",
            "chronology_pdf",
            "people",
            "add_member",
            "actions",
            "add_action",
            "update_action",
            "meetings",
            "add_strategy_discussion",
            "add_conference",
            "support",
            "add_support",
            "sharing_log",
            "change_details",
            "record_assessment",
            "move_to_investigation",
            "close_case",
        )
    },
    "imports:batch_detail": (
        "cse.rotherham",
        lambda w: {
            "imports.importbatch": {w.import_batch.pk},
            "imports.quarantinedrow": {w.quarantined_row.pk},
        },
    ),
    "imports:batch_columns": ("cse.rotherham", lambda w: {"imports.importbatch": {w.import_batch.pk}}),
    "imports:row_correct": ("cse.rotherham", lambda w: {"imports.quarantinedrow": {w.quarantined_row.pk}}),
    "linkage:review_queue": (
        "cse.rotherham",
        lambda w: {"linkage.reviewpair": {w.review_pair.pk}, "people.person": {w.rotherham_child.pk}},
    ),
    "linkage:pair_review": (
        "cse.rotherham",
        lambda w: {"linkage.reviewpair": {w.review_pair.pk}, "people.person": {w.rotherham_child.pk}},
    ),
    "linkage:run_detail": ("supervisor.rotherham", lambda w: {"linkage.linkagerun": {w.linkage_run.pk}}),
    "linkage:merge_undo": (
        "cse.rotherham",
        lambda w: {"people.person": {w.person_merge.survivor_id, w.person_merge.absorbed_id}},
    ),
    "linkage:candidates": ("cse.rotherham", _person),
    "risk:child_risk": ("cse.rotherham", _person),
    "risk:assessment_start": ("cse.rotherham", _person),
    "risk:assessment_detail": ("cse.rotherham", _assessment(lambda w: risk_world(w).assessment.pk)),
    "risk:observation_add": ("cse.rotherham", _assessment(lambda w: risk_world(w).assessment.pk)),
    "risk:observation_withdraw": ("cse.rotherham", _assessment(lambda w: risk_world(w).assessment.pk)),
    "risk:assessment_complete": ("cse.rotherham", _assessment(lambda w: risk_world(w).assessment.pk)),
    "risk:assessment_sign_off": ("supervisor.rotherham", _assessment(lambda w: risk_world(w).completed.pk)),
    "risk:reassessments": (
        "cse.rotherham",
        lambda w: {"risk.reassessmenttask": {w.task.pk}, "people.person": {w.rotherham_child.pk}},
    ),
    "risk:case_risk": ("cse.rotherham", _case),
    "missing:overview": (
        "cse.rotherham",
        lambda w: {
            "missing.missingepisode": {missing_world(w).missing_now.pk},
            "people.person": {w.rotherham_child.pk},
        },
    ),
    "missing:child": (
        "cse.rotherham",
        lambda w: {
            "people.person": {w.rotherham_child.pk},
            "missing.carerprofile": {missing_world(w).profile.pk},
            "missing.missingepisode": {missing_world(w).episode.pk},
        },
    ),
    **{
        f"missing:{name}": ("cse.rotherham", _person)
        for name in ("profile_edit", "report_missing", "close_monitoring")
    },
    **{
        f"missing:{name}": (
            "cse.rotherham",
            lambda w: {"missing.missingepisode": {missing_world(w).episode.pk}, **_person(w)},
        )
        for name in (
            "episode_detail",
            "episode_regrade",
            "episode_found",
            "safe_and_well",
            "return_interview",
        )
    },
    "missing:case_missing": (
        "cse.rotherham",
        lambda w: {**_case_and_child(w), "missing.missingepisode": {missing_world(w).episode.pk}},
    ),
    # The review list names the people due (none in this world); a person's page; a subject access pack.
    "information:hub": ("dpo", lambda w: {}),
    "information:person": ("dpo", _person),
    "information:pack": ("dpo", _person),
    # Intelligence (issue 18): the analyst's lists and pages; the Sheffield release as its reader sees it.
    **{
        name: ("analyst", named)
        for name, named in (
            (
                "intelligence:home",
                lambda w: {"intelligence.intelligencereport": {r.pk for r in intel_world(w).reports}},
            ),
            (
                "intelligence:new_package",
                lambda w: {"intelligence.intelligencereport": {r.pk for r in intel_world(w).reports}},
            ),
            (
                "intelligence:report_detail",
                lambda w: {
                    "intelligence.intelligencereport": {intel_world(w).reports[0].pk},
                    "people.person": {intel_world(w).child.pk},
                },
            ),
            (
                "intelligence:release_report",
                lambda w: {"intelligence.intelligencereport": {intel_world(w).reports[0].pk}},
            ),
            (
                "intelligence:package_detail",
                lambda w: {
                    "intelligence.intelligencepackage": {intel_world(w).package.pk},
                    "people.person": {intel_world(w).child.pk, intel_world(w).suspect.pk},
                },
            ),
            (
                "intelligence:release_package",
                lambda w: {"intelligence.intelligencepackage": {intel_world(w).package.pk}},
            ),
            (
                "intelligence:package_pdf",
                lambda w: {"intelligence.intelligencepackage": {intel_world(w).package.pk}},
            ),
        )
    },
    "intelligence:profiles": ("analyst", lambda w: {"intelligence.problemprofile": {intel_profile(w).pk}}),
    **{
        f"intelligence:{name}": (
            "analyst",
            lambda w: {
                "intelligence.problemprofile": {intel_profile(w).pk},
                "people.person": {intel_world(w).suspect.pk},
            },
        )
        for name in ("profile_detail",)
    },
    **{
        f"intelligence:{name}": (
            "analyst",
            lambda w: {"intelligence.problemprofile": {intel_profile(w).pk}},
        )
        for name in ("profile_pdf", "profile_csv")
    },
    "intelligence:crimes": ("analyst", lambda w: {"intelligence.crime": {intel_crime(w).pk}}),
    "intelligence:new_crime": ("analyst", lambda w: {"people.person": {intel_world(w).child.pk}}),
    "intelligence:crime_detail": (
        "analyst",
        lambda w: {
            "intelligence.crime": {intel_crime(w).pk},
            "people.person": {intel_world(w).child.pk, intel_world(w).suspect.pk},
        },
    ),
    "intelligence:withdraw_release": (
        "analyst",
        lambda w: {"intelligence.partnerrelease": {intel_world(w).release.pk}},
    ),
    "intelligence:release_detail": (
        "sw.sheffield",
        lambda w: {
            "intelligence.partnerrelease": {intel_world(w).release.pk},
            "people.person": {intel_world(w).suspect.pk},
        },
    ),
    "intelligence:release_pdf": (
        "sw.sheffield",
        lambda w: {"intelligence.partnerrelease": {intel_world(w).release.pk}},
    ),
}

# url name -> why it shows no personal data (so no access-log row is asked of it here).
NO_PERSONAL_DATA: dict[str, str] = {
    "web:health": "the load balancer's health check",
    "web:risk_hub": "links to the risk pages",
    "web:records_hub": "links to the records pages",
    "web:oversight_hub": "links to the oversight pages",
    "accounts:sign_in": "signing in",
    "accounts:verify_code": "signing in",
    "accounts:set_up_code": "signing in",
    "accounts:sign_out": "POST only",
    "information:decide": "POST only",
    "information:erase": "POST only",
    "information:new_request": "POST only",
    "accounts:sign_out_everywhere": "POST only",
    "accounts:account": "the user's own account",
    "accounts:set_password": "the user's own password",
    "accounts:access_requests": "staff role requests (staff accounts, no case data)",
    "accounts:access_request": "a staff role request (staff accounts, no case data)",
    "access:emergency_access": "the form asking why; the record stays closed until a reason is given",
    "access:lift_restriction": "POST only",
    "api:person-list": "answers 405: people are found by search",
    "api:schema": "the API's schema",
    "referrals:report_concern": "an empty form (the matching children it shows on a post are logged)",
    "referrals:partner_report": "an empty form",
    "referrals:concern_sent": "the reporter's own reference number",
    "referrals:add_to_concern": "an empty form",
    "referrals:addition_sent": "the reference number the reporter typed",
    "referrals:grade_referral": "a redirect to the referral page (the grade is posted and logged by its service)",
    "referrals:resolve_subjects": "a redirect to the referral page (the search and the recording are logged)",
    "cases:figures": "counts by district, without names",
    "jobs:job_progress": "a background job's progress",
    "administration:user_list": "staff accounts (no case data)",
    "administration:user_create": "staff accounts (no case data)",
    "administration:user_edit": "staff accounts (no case data)",
    "administration:user_reset_second_factor": "POST only",
    "administration:user_send_password_link": "POST only",
    "administration:access_requests": "staff role requests (no case data)",
    "administration:organisation": "districts and teams",
    "administration:audit": "the chain's state: sequence numbers, times, actions and usernames only",
    "imports:batch_list": "files sent, with counts: names no one in them",
    "imports:batch_upload": "an empty form",
    "imports:column_specification": "a profile's columns and formats: names no one",
    "imports:row_set_aside": "POST only",
    "linkage:run_start": "POST only",
    "risk:fact_confirm": "POST only",
    "risk:fact_reject": "POST only",
    "risk:version_list": "versions of the risk instrument",
    "risk:version_draft": "a draft of the risk instrument",
    "risk:version_detail": "a version of the risk instrument",
    "risk:version_decide": "a version of the risk instrument",
    "risk:overrides": "override rates, without names",
    "risk:calibration": "calibration studies, in aggregate",
    "risk:calibration_start": "POST only",
    "risk:calibration_detail": "a calibration study, in aggregate",
    "risk:calibration_propose": "POST only",
    "risk:version_shadow": "POST only",
    "missing:dashboard": "missing episodes counted by district, grade, month and children's home, without names",
    "intelligence:new_report": "an empty form",
    "intelligence:grade_report": "a redirect to the report page (the grade is posted and logged by its service)",
    "intelligence:add_subject": "a redirect to the report page (the subject is posted and logged by its service)",
    "intelligence:profile_refresh": "a redirect to the profile page (the refresh is posted and logged by its service)",
    "intelligence:profile_recommendations": "a redirect to the profile page (the save is posted and logged)",
    "intelligence:change_crime": "a redirect to the crime page (the change is posted and logged by its service)",
    "intelligence:add_crime_suspect": "a redirect to the crime page (the suspect is posted and logged by its service)",
}


def test_every_url_is_classified():
    shows, shows_none = set(SHOWS_PERSONAL_DATA), set(NO_PERSONAL_DATA)
    assert shows & shows_none == set(), "a URL cannot both show personal data and show none"
    unclassified = set(ROWS) - shows - shows_none
    assert unclassified == set(), "Say whether these URLs show personal data (and who opens them)"
    assert (shows | shows_none) - set(ROWS) == set(), "These classified URLs are not in the access matrix"


def test_every_url_that_shows_personal_data_is_open_to_the_user_who_crawls_it():
    for url_name, (username, _named) in SHOWS_PERSONAL_DATA.items():
        row = ROWS[url_name]
        assert row.method == "get", url_name
        assert row.expect.get(username, row.default) == 200, f"{username} may not open {url_name}"


@pytest.fixture
def world(cast: dict[str, Any]) -> SimpleNamespace:
    w = build_world()
    # The triage queue and the reassessment list need something waiting on them.
    verified_client(cast["officer.rotherham"]).post(
        "/referrals/new/", concern(match=str(w.rotherham_child.pk))
    )
    w.waiting_referral = Referral.objects.filter(child=w.rotherham_child, decided_at__isnull=True).latest(
        "pk"
    )
    w.task = ReassessmentTask.objects.create(
        child=w.rotherham_child,
        district=District.objects.get(code="rotherham"),
        reason=TaskReason.SCHEDULED,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    # The youth worker looks at the case first, so their home page lists it among records looked at.
    verified_client(cast["youthworker.rotherham"]).get(f"/cases/{w.case.pk}/")
    return w


def _named_by(entry: AccessLog) -> Named:
    named: Named = {}
    if entry.target_type and entry.target_id.isdigit():
        named.setdefault(entry.target_type, set()).add(int(entry.target_id))
    for shown in RecordShown.objects.filter(entry=entry):
        if shown.target_id.isdigit():
            named.setdefault(shown.target_type, set()).add(int(shown.target_id))
    return named


@pytest.mark.parametrize("url_name", sorted(SHOWS_PERSONAL_DATA))
def test_each_request_that_shows_personal_data_writes_one_row_naming_what_it_showed(url_name, world):
    username, expected = SHOWS_PERSONAL_DATA[url_name]
    path = ROWS[url_name].path(world)
    client = verified_client(world.cast[username])
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(path)
    assert response.status_code == 200, f"{username} got {response.status_code} from {path}"
    rows = list(AccessLog.objects.filter(id__gt=before).order_by("id"))
    assert [(r.actor_username, r.path) for r in rows] == [(username, path)], (
        f"{url_name}: expected one row for the request, found {[(r.action, r.target_type) for r in rows]}"
    )
    named = _named_by(rows[0])
    for kind, ids in expected(world).items():
        missing = ids - named.get(kind, set())
        assert not missing, f"{url_name}: the row does not name {kind} {sorted(missing)}; it names {named}"
    if url_name.startswith("api:"):
        assert rows[0].details.get("via") == "api"
