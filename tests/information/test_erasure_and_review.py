"""Retention review and erasure: a recorded act with a reason, by a data protection officer, never a
hard delete of case data (issue 17, build 6)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction
from tessera.cases.models import Case
from tessera.information.models import Erasure, RetentionDecision
from tessera.people.match_index import rebuild_match_keys
from tessera.people.models import IdentityAddress, MatchKey, Person, SourceIdentity
from tests.information.world import information_world


@pytest.fixture
def world(cast):
    return information_world(cast)


def test_the_review_list_shows_a_partner_record_past_six_years_and_not_a_child_with_a_case(world, client_for):
    page = client_for("dpo").get("/information-rights/").content.decode()
    assert "Jodie Pennock" in page
    assert "Kayleigh Thornley" not in page
    assert "75 years" in page, "the schedule is on the page"


def test_only_a_data_protection_officer_opens_information_rights(world, client_for):
    for username in ("supervisor.rotherham", "cse.rotherham", "sysadmin", "commissioner"):
        assert client_for(username).get("/information-rights/").status_code == 403
        assert client_for(username).get(f"/information-rights/people/{world.old.pk}/").status_code == 403


def test_erasing_a_person_due_for_review_takes_out_their_details_and_keeps_the_rows(world, client_for):
    rebuild_match_keys([world.old.pk])
    assert MatchKey.objects.filter(person=world.old).exists()
    identities = SourceIdentity.objects.filter(person=world.old).count()
    response = client_for("dpo").post(
        f"/information-rights/people/{world.old.pk}/erase/",
        {
            "erasure_reason": "No continuing purpose: one school record, no concern in seven years",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=world.old.pk)
    assert (person.given_name, person.family_name, person.date_of_birth) == ("", "", None)
    assert SourceIdentity.objects.filter(person=person).count() == identities, "rows kept"
    assert not SourceIdentity.objects.filter(person=person).exclude(given_name="").exists()
    assert not MatchKey.objects.filter(person=person).exists(), "no longer found by search"
    assert not IdentityAddress.objects.filter(identity__person=person).exists()
    erasure = Erasure.objects.get(person=person)
    assert erasure.erased_by.username == "dpo"
    entry = AccessLog.objects.get(action=AuditAction.ERASE, target_id=str(person.pk))
    assert entry.reason.startswith("No continuing purpose")
    assert entry.details["identities"] == identities
    page = client_for("dpo").get(f"/information-rights/people/{person.pk}/").content.decode()
    assert "Details erased on" in page


def test_a_child_with_a_case_is_kept_75_years_and_erasure_is_refused_with_the_date(world, client_for):
    response = client_for("dpo").post(
        f"/information-rights/people/{world.child.pk}/erase/",
        {"erasure_reason": "Asked to be forgotten by the family", "confirm": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    due = world.case.opened_at.date().replace(year=world.case.opened_at.year + 75)
    assert f"These records are kept until {due:%-d %B %Y}" in body
    assert Person.objects.get(pk=world.child.pk).family_name == "Thornley"
    assert not Erasure.objects.exists()


def test_a_reviewed_decision_to_review_now_lets_an_exploitation_record_be_erased(world, client_for):
    dpo = client_for("dpo")
    today = timezone.localdate()
    decided = dpo.post(
        f"/information-rights/people/{world.child.pk}/retention/",
        {
            "review_on_day": today.day,
            "review_on_month": today.month,
            "review_on_year": today.year,
            "decision_reason": "Identity created in error: the referral was about another child (see RFC 2026/114)",
        },
    )
    assert decided.status_code == 302
    assert RetentionDecision.objects.get(person=world.child).review_on == today
    assert AccessLog.objects.filter(
        action=AuditAction.CHANGE, target_id=str(world.child.pk), details__retention="reviewed"
    ).exists()
    erased = dpo.post(
        f"/information-rights/people/{world.child.pk}/erase/",
        {"erasure_reason": "Identity created in error, per the reviewed decision", "confirm": "on"},
    )
    assert erased.status_code == 302
    assert Person.objects.get(pk=world.child.pk).family_name == ""
    assert Case.objects.filter(pk=world.case.pk, child=world.child).exists(), "the case is kept"


def test_a_decision_can_keep_records_beyond_the_schedule(world, client_for):
    later = datetime.date(2140, 1, 1)
    client_for("dpo").post(
        f"/information-rights/people/{world.old.pk}/retention/",
        {
            "review_on_day": 1,
            "review_on_month": 1,
            "review_on_year": 2140,
            "decision_reason": "Witness in a live inquiry",
        },
    )
    page = client_for("dpo").get("/information-rights/").content.decode()
    assert "Jodie Pennock" not in page
    person_page = client_for("dpo").get(f"/information-rights/people/{world.old.pk}/").content.decode()
    assert f"{later:%-d %B %Y}, by a reviewed decision" in person_page
    assert "These records are kept until 1 January 2140" in person_page


def test_erasure_needs_a_reason_and_the_confirmation(world, client_for):
    response = client_for("dpo").post(
        f"/information-rights/people/{world.old.pk}/erase/", {"erasure_reason": ""}
    )
    body = response.content.decode()
    assert "Enter why these details are being erased" in body
    assert "Confirm that you understand the details cannot be brought back" in body
    assert not Erasure.objects.exists()
