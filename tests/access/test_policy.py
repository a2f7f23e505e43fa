"""The one access policy: scope, restrictions, emergency access and its review."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from tessera.access.models import BreakGlassGrant, ReviewOutcome
from tessera.access.policy import Action, can, require, visible_to
from tessera.access.services import grants_to_review, restrict_record, review_grant
from tessera.audit.models import AccessLog, AuditAction
from tessera.people.models import Person
from tests.conftest import make_person, verified_client


def test_outsider_gets_404_on_another_districts_person(client_for, rotherham_child):
    assert client_for("cse.rotherham").get(f"/people/{rotherham_child.pk}/").status_code == 200
    response = client_for("sw.sheffield").get(f"/people/{rotherham_child.pk}/")
    assert response.status_code == 404
    assert rotherham_child.full_name not in response.content.decode()


def test_missing_and_not_yours_look_the_same(client_for, rotherham_child):
    outsider = client_for("sw.sheffield")
    not_yours = outsider.get(f"/people/{rotherham_child.pk}/")
    missing = outsider.get("/people/999999999/")
    assert not_yours.status_code == missing.status_code == 404

    def normalised(response, path: str) -> bytes:
        # Only the per-request CSRF token and the address itself may differ.
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        return body.replace(path.encode(), b"PATH")

    assert normalised(not_yours, f"/people/{rotherham_child.pk}/") == normalised(
        missing, "/people/999999999/"
    )


def test_roles_without_case_data_see_no_one(cast, rotherham_child):
    for username in ("sysadmin", "commissioner", "hotel.sheffield"):
        assert not visible_to(cast[username], Person).exists(), username


def test_seen_but_not_allowed_is_403(cast, rotherham_child):
    frontline = cast["officer.rotherham"]
    assert can(frontline, Action.VIEW, rotherham_child)
    assert not can(frontline, Action.MERGE, rotherham_child)
    with pytest.raises(PermissionDenied):
        require(frontline, Action.MERGE, rotherham_child)
    with pytest.raises(Http404):
        require(cast["sw.sheffield"], Action.MERGE, rotherham_child)


def test_a_restricted_record_is_seen_only_by_named_users(cast, client_for, rotherham_child):
    request = RequestFactory().get("/")
    restrict_record(
        cast["supervisor.rotherham"],
        model=Person,
        target_id=rotherham_child.pk,
        reason="Child of a member of staff",
        named_users=[cast["cse.rotherham"]],
        request=request,
    )
    assert client_for("cse.rotherham").get(f"/people/{rotherham_child.pk}/").status_code == 200
    assert client_for("supervisor.rotherham").get(f"/people/{rotherham_child.pk}/").status_code == 200
    for username in ("youthworker.rotherham", "officer.rotherham", "analyst"):
        assert client_for(username).get(f"/people/{rotherham_child.pk}/").status_code == 404, username
    assert not visible_to(cast["analyst"], Person).filter(pk=rotherham_child.pk).exists()


def test_the_404_page_offers_emergency_access_only_to_casework_roles(client_for, rotherham_child):
    url = f"/people/{rotherham_child.pk}/"
    assert "ask for emergency access" in client_for("sw.sheffield").get(url).content.decode()
    assert "ask for emergency access" not in client_for("commissioner").get(url).content.decode()


def test_emergency_access_opens_the_record_for_a_time_and_is_logged(cast, client_for, rotherham_child):
    social_worker = client_for("sw.sheffield")
    url = f"/people/{rotherham_child.pk}/"
    refused = social_worker.post(
        "/access/emergency-access/", {"path": url, "reason": "too short", "confirm": ""}
    )
    body = refused.content.decode()
    assert "Give more detail" in body
    assert "Confirm that you understand" in body
    assert 'value="too short"' not in body  # textarea keeps the text as content, not a value attribute
    assert "too short</textarea>" in body, "what was typed is kept"
    reason = "Child found with my client at a Sheffield hotel tonight; need to check known associates now"
    response = social_worker.post(
        "/access/emergency-access/", {"path": url, "reason": reason, "confirm": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    page = social_worker.get(url)
    assert page.status_code == 200
    assert "emergency access" in page.content.decode()
    log = AccessLog.objects.filter(actor=cast["sw.sheffield"], action=AuditAction.BREAK_GLASS).get()
    assert log.reason == reason
    viewed = AccessLog.objects.filter(
        actor=cast["sw.sheffield"], action=AuditAction.VIEW, target_id=str(rotherham_child.pk)
    )
    assert viewed.get().reason == reason
    BreakGlassGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert social_worker.get(url).status_code == 404, "access ends when the grant expires"


def test_emergency_access_never_opens_a_restricted_record(cast, client_for, rotherham_child):
    restrict_record(
        cast["supervisor.rotherham"],
        model=Person,
        target_id=rotherham_child.pk,
        reason="High profile",
        named_users=[],
        request=RequestFactory().get("/"),
    )
    analyst = client_for("analyst")
    url = f"/people/{rotherham_child.pk}/"
    analyst.post(
        "/access/emergency-access/",
        {"path": url, "reason": "Urgent: a network link to a missing child tonight", "confirm": "on"},
    )
    assert analyst.get(url).status_code == 404


def test_emergency_access_goes_to_a_supervisor_who_shares_a_team(
    cast, client_for, rotherham_child, sheffield_child
):
    officer = client_for("cse.rotherham")
    url = f"/people/{sheffield_child.pk}/"
    officer.post(
        "/access/emergency-access/",
        {"path": url, "reason": "Child reported with a Rotherham suspect tonight", "confirm": "on"},
    )
    supervisor = cast["supervisor.rotherham"]
    waiting = grants_to_review(supervisor)
    assert [g.user for g in waiting] == [cast["cse.rotherham"]]
    page = client_for("supervisor.rotherham").get("/access/emergency-access/review/").content.decode()
    assert "Child reported with a Rotherham suspect tonight" in page
    listed = AccessLog.objects.filter(
        actor=supervisor, action=AuditAction.VIEW, target_type="access.breakglassgrant"
    ).get()
    assert listed.details["ids"] == [waiting[0].pk], "reading the reasons is logged"
    review_grant(
        supervisor,
        waiting[0],
        outcome=ReviewOutcome.NOT_JUSTIFIED,
        note="Should have phoned Sheffield",
        request=RequestFactory().get("/"),
    )
    assert grants_to_review(supervisor) == []
    assert officer.get(url).status_code == 404, "access judged unjustified ends at once"


def test_the_data_owner_sees_who_has_looked(cast, client_for, rotherham_child):
    client_for("youthworker.rotherham").get(f"/people/{rotherham_child.pk}/")
    page = (
        client_for("cse.rotherham")
        .get(f"/access/records/people.person/{rotherham_child.pk}/viewers/")
        .content.decode()
    )
    assert "Aaliyah Brennan" in page
    assert "Safe Steps Youth Project" in page


def test_a_new_user_sees_nothing_until_given_a_team(cast):
    user = cast["cse.rotherham"]
    user.memberships.all().delete()
    fresh = type(user).objects.get(pk=user.pk)
    make_person("rotherham")
    assert not visible_to(fresh, Person).exists()
    assert verified_client(fresh).get("/").status_code == 200


def test_who_has_looked_is_offered_only_to_those_who_can_open_it(client_for, rotherham_child):
    url = f"/people/{rotherham_child.pk}/"
    assert "Who has looked at this record" in client_for("cse.rotherham").get(url).content.decode()
    assert "Who has looked at this record" not in client_for("officer.rotherham").get(url).content.decode()
