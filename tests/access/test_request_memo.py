"""The per-request memo (ADR 0023): one scope read a request, and no check weakened by it."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.access.models import BreakGlassGrant, RestrictedRecord
from tessera.access.policy import Action, can, get_visible_or_404, visible_to
from tessera.access.scope import FRESH_SECONDS, scope_of
from tessera.access.services import open_with_emergency_access, restrict_record
from tessera.accounts.models import User
from tessera.core.models import District
from tessera.people.models import Person
from tests.cases.world import rotherham_case_world
from tests.conftest import make_person


def fresh(username: str) -> User:
    """The user as a new request would load them: nothing remembered yet."""
    return User.objects.select_related("agency").get(username=username)


def test_a_force_wide_analyst_covers_every_active_district_and_a_district_team_only_its_own(cast):
    analyst, officer = scope_of(fresh("analyst")), scope_of(fresh("cse.rotherham"))
    assert analyst.force_wide
    assert analyst.district_ids == set(District.objects.filter(is_active=True).values_list("pk", flat=True))
    assert not officer.force_wide
    assert officer.district_ids == {District.objects.get(code="rotherham").pk}
    assert officer.roles == fresh("cse.rotherham").role_codes


def test_a_case_page_reads_the_users_roles_and_teams_once(cast, client_for):
    case = rotherham_case_world(cast).case
    client = client_for("cse.rotherham")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "accounts_rolegrant"' in q["sql"]]
    assert len(reads) == 1


def test_an_emergency_grant_stops_opening_the_record_when_it_expires_mid_request(cast):
    child = make_person("rotherham")
    BreakGlassGrant.objects.create(
        user=cast["sw.sheffield"],
        target_type="people.person",
        target_id=child.pk,
        path=f"/people/{child.pk}/",
        reason="Found at a hotel in Sheffield at 2am; needs her record now",
        granted_at=timezone.now(),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    social_worker = fresh("sw.sheffield")
    assert visible_to(social_worker, Person).filter(pk=child.pk).exists()
    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("tessera.access.scope.timezone.now", return_value=later):
        assert not visible_to(social_worker, Person).filter(pk=child.pk).exists()


def test_emergency_access_granted_in_a_request_opens_the_record_at_once(cast):
    child = make_person("rotherham")
    social_worker = fresh("sw.sheffield")
    assert not visible_to(social_worker, Person).filter(pk=child.pk).exists()  # the scope is now remembered
    open_with_emergency_access(
        social_worker,
        model=Person,
        target_id=child.pk,
        path=f"/people/{child.pk}/",
        reason="Found at a hotel in Sheffield at 2am with an adult; need her known associates now",
        request=RequestFactory().get("/"),
    )
    assert visible_to(social_worker, Person).filter(pk=child.pk).exists()


def test_a_record_handed_to_one_user_is_not_taken_as_seen_by_another(cast):
    child = make_person("rotherham")
    opened = get_visible_or_404(fresh("cse.rotherham"), Person, pk=child.pk)
    assert not can(fresh("sw.sheffield"), Action.VIEW, opened)


def test_a_confirmed_device_verifies_without_reading_the_device(cast, client_for):
    client = client_for("cse.rotherham")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    # The device's id comes inside the user query; no query of the device table of its own.
    assert not [q for q in captured.captured_queries if q["sql"].startswith('SELECT "otp_totp_totpdevice"')]


def test_a_device_withdrawn_after_sign_in_ends_the_verified_session(cast, client_for):
    client = client_for("cse.rotherham")
    assert client.get("/").status_code == 200
    TOTPDevice.objects.filter(user=cast["cse.rotherham"]).update(confirmed=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify_code")


def test_a_restriction_made_while_a_scope_is_kept_hides_the_record_at_once(cast):
    child = make_person("rotherham")
    officer = fresh("cse.rotherham")
    assert visible_to(officer, Person).filter(pk=child.pk).exists()  # the scope is now kept
    restrict_record(
        fresh("supervisor.rotherham"),
        model=Person,
        target_id=child.pk,
        reason="A member of staff's child",
        named_users=[],
        request=RequestFactory().get("/"),
    )
    assert not visible_to(officer, Person).filter(pk=child.pk).exists()


def test_a_kept_scope_is_read_again_once_it_is_old(cast):
    """A restriction made by another process (here: straight in the database) reaches a kept scope."""
    child = make_person("rotherham")
    officer = fresh("cse.rotherham")
    assert visible_to(officer, Person).filter(pk=child.pk).exists()
    RestrictedRecord.objects.bulk_create(  # no signal, as from another process
        [
            RestrictedRecord(
                target_type="people.person",
                target_id=child.pk,
                reason="High profile",
                restricted_by=cast["supervisor.rotherham"],
            )
        ]
    )
    assert visible_to(officer, Person).filter(pk=child.pk).exists(), "within the freshness window"
    later = time.monotonic() + FRESH_SECONDS + 0.1
    with mock.patch("tessera.access.scope.time.monotonic", return_value=later):
        assert not visible_to(officer, Person).filter(pk=child.pk).exists()


def test_no_restriction_in_force_adds_no_condition_to_a_page_query(cast, client_for):
    case = rotherham_case_world(cast).case
    with CaptureQueriesContext(connection) as captured:
        assert client_for("cse.rotherham").get(f"/cases/{case.pk}/").status_code == 200
    page_queries = [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert page_queries
    assert not [sql for sql in page_queries if "access_restrictedrecord" in sql]
