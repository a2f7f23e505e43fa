"""A restricted child is hidden with everything about them; only supervisors restrict; merges keep it."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from tessera.access.models import RestrictedRecord
from tessera.access.policy import visible_to
from tessera.access.services import restrict_record
from tessera.audit.models import AccessLog, AuditAction
from tessera.cases.models import Case
from tessera.people.models import Person
from tessera.people.services import merge_persons
from tessera.referrals.models import Referral
from tessera.risk.models import ReassessmentTask, RiskAssessment
from tests.cases.world import rotherham_case_world
from tests.conftest import make_person
from tests.risk.world import build_risk_world


def _restrict(cast, person, named=()):
    return restrict_record(
        cast["supervisor.rotherham"],
        model=Person,
        target_id=person.pk,
        reason="Child of a member of staff in the district team",
        named_users=[cast[name] for name in named],
        request=RequestFactory().get("/"),
    )


@pytest.fixture
def restricted_casework(cast, rotherham_child):
    casework = rotherham_case_world(cast, child=rotherham_child)
    build_risk_world(cast, rotherham_child)
    _restrict(cast, rotherham_child, named=["youthworker.rotherham"])
    return casework


def test_restricting_a_child_hides_their_case_referral_and_assessments_from_the_district_team(
    cast, client_for, rotherham_child, restricted_casework
):
    case, referral = restricted_casework.case, restricted_casework.referral
    about_the_child = {
        Case: Case.objects.filter(child=rotherham_child),
        Referral: Referral.objects.filter(child=rotherham_child),
        RiskAssessment: RiskAssessment.objects.filter(child=rotherham_child),
        ReassessmentTask: ReassessmentTask.objects.filter(child=rotherham_child),
    }
    assert all(rows.exists() for model, rows in about_the_child.items() if model is not ReassessmentTask)
    # The lead professional of the case is not named: the restriction wins over the case team.
    for username in ("cse.rotherham", "officer.rotherham", "analyst"):
        for model, rows in about_the_child.items():
            assert not visible_to(cast[username], rows).exists(), (username, model.__name__)
    for model, rows in about_the_child.items():
        assert visible_to(cast["youthworker.rotherham"], rows).count() == rows.count(), model.__name__
    district_team = client_for("cse.rotherham")
    for url in (
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/chronology/",
        f"/cases/{case.pk}/people/",
        f"/referrals/{referral.pk}/",
        f"/risk/children/{rotherham_child.pk}/",
    ):
        assert district_team.get(url).status_code == 404, url
    assert client_for("youthworker.rotherham").get(f"/cases/{case.pk}/").status_code == 200
    assert f'href="/cases/{case.pk}/"' not in district_team.get("/cases/").content.decode()


def test_emergency_access_opens_nothing_about_a_restricted_child(
    cast, client_for, rotherham_child, restricted_casework
):
    case = restricted_casework.case
    social_worker = client_for("sw.sheffield")
    for url in (
        f"/cases/{case.pk}/",
        f"/people/{rotherham_child.pk}/",
        f"/risk/children/{rotherham_child.pk}/",
    ):
        social_worker.post(
            "/access/emergency-access/",
            {
                "path": url,
                "reason": "Child reported with a Sheffield suspect tonight, urgent",
                "confirm": "on",
            },
        )
        assert social_worker.get(url).status_code == 404, url


def test_restricting_one_child_leaves_other_childrens_cases_visible(cast, rotherham_child):
    other = make_person("rotherham")
    _restrict(cast, other)
    casework = rotherham_case_world(cast, child=rotherham_child)
    assert visible_to(cast["cse.rotherham"], Case).filter(pk=casework.case.pk).exists()


def test_only_a_supervisor_who_can_see_the_record_may_restrict_it(cast, rotherham_child, sheffield_child):
    request = RequestFactory().get("/")
    with pytest.raises(PermissionDenied, match="Only a supervisor"):
        restrict_record(
            cast["cse.rotherham"], model=Person, target_id=rotherham_child.pk, reason="x" * 20,
            named_users=[], request=request,
        )  # fmt: skip
    with pytest.raises(PermissionDenied, match="can see"):
        restrict_record(
            cast["supervisor.rotherham"], model=Person, target_id=sheffield_child.pk, reason="x" * 20,
            named_users=[], request=request,
        )  # fmt: skip
    assert not RestrictedRecord.objects.exists()


def test_a_supervisor_restricts_a_record_from_its_page_and_it_is_logged(cast, client_for, rotherham_child):
    supervisor = client_for("supervisor.rotherham")
    page = supervisor.get(f"/people/{rotherham_child.pk}/").content.decode()
    assert "Restrict this record to named people" in page
    url = f"/access/records/people.person/{rotherham_child.pk}/restrict/"
    form = supervisor.get(url).content.decode()
    assert "Who else may see this record?" in form
    youthworker = cast["youthworker.rotherham"]
    refused = supervisor.post(url, {"reason": "", "named_users": [youthworker.pk]})
    assert "Enter why this record is restricted" in refused.content.decode()
    assert re.search(rf'value="{youthworker.pk}" id="[^"]+" checked', refused.content.decode()), "choice kept"
    assert not RestrictedRecord.objects.exists()
    reason = "Child of a member of staff in the Rotherham team"
    done = supervisor.post(url, {"reason": reason, "named_users": [youthworker.pk]})
    assert done.status_code == 302
    assert done["Location"] == f"/people/{rotherham_child.pk}/"
    restriction = RestrictedRecord.objects.get()
    assert set(restriction.named_users.all()) == {cast["supervisor.rotherham"], youthworker}
    assert "Restricted" in supervisor.get(f"/people/{rotherham_child.pk}/").content.decode()
    assert client_for("cse.rotherham").get(f"/people/{rotherham_child.pk}/").status_code == 404
    log = AccessLog.objects.filter(action=AuditAction.CHANGE, target_id=str(rotherham_child.pk)).get()
    assert log.reason == reason
    assert client_for("cse.rotherham").get(url).status_code == 403


def test_merging_a_restricted_person_into_another_keeps_the_restriction(cast, client_for):
    kept = make_person("rotherham")
    restricted = make_person("rotherham")
    _restrict(cast, restricted, named=["cse.rotherham"])
    merge_persons(
        cast["cse.rotherham"], survivor=kept, absorbed=restricted, reason="Same child: NHS number matches"
    )
    assert client_for("youthworker.rotherham").get(f"/people/{kept.pk}/").status_code == 404
    assert client_for("cse.rotherham").get(f"/people/{kept.pk}/").status_code == 200
    carried = RestrictedRecord.objects.get(target_type="people.person", target_id=kept.pk)
    assert set(carried.named_users.all()) == {cast["supervisor.rotherham"], cast["cse.rotherham"]}


def test_a_named_supervisor_lifts_a_restriction_with_a_reason_and_the_history_stays(
    cast, client_for, rotherham_child
):
    _restrict(cast, rotherham_child)
    district_team = client_for("cse.rotherham")
    assert district_team.get(f"/people/{rotherham_child.pk}/").status_code == 404
    supervisor = client_for("supervisor.rotherham")
    lift = f"/access/records/people.person/{rotherham_child.pk}/restrict/lift/"
    refused = supervisor.post(lift, {"lift_reason": ""})
    assert "Enter why the restriction is lifted" in refused.content.decode()
    assert district_team.get(f"/people/{rotherham_child.pk}/").status_code == 404
    reason = "Member of staff has left the authority"
    assert supervisor.post(lift, {"lift_reason": reason}).status_code == 302
    assert district_team.get(f"/people/{rotherham_child.pk}/").status_code == 200
    lifted = RestrictedRecord.objects.get()
    assert lifted.lifted_by == cast["supervisor.rotherham"]
    assert lifted.lift_reason == reason
    assert AccessLog.objects.filter(action=AuditAction.CHANGE, reason=reason).exists()
    assert supervisor.post(lift, {"lift_reason": reason}).status_code == 404, "nothing left to lift"
    # Restricting again starts a new restriction; the lifted one stays as history.
    _restrict(cast, rotherham_child)
    assert RestrictedRecord.objects.count() == 2
    assert district_team.get(f"/people/{rotherham_child.pk}/").status_code == 404
