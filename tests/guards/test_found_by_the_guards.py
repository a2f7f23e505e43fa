"""Each fault the form guards found (issue 17, build 7), as a plain test a user would recognise."""

from __future__ import annotations

import pytest

from tessera.imports.models import RowStatus
from tessera.linkage.models import PairStatus, ReviewPair
from tessera.linkage.services import decide_pair
from tessera.risk import version_services
from tessera.risk.catalogue import seraf_style_default
from tessera.risk.models import InstrumentVersion, VersionStatus
from tests.access_matrix import build_world


@pytest.fixture
def world(cast):
    return build_world()


def test_a_record_number_too_big_for_the_database_is_refused_not_a_server_error(world, client_for):
    # SQLite raised OverflowError from the query for the choice of people: a 500.
    path = f"/access/records/people.person/{world.rotherham_child.pk}/restrict/"
    response = client_for("supervisor.rotherham").post(
        path, {"named_users": ["99999999999999999999"], "reason": "A relative of a member of staff"}
    )
    assert response.status_code == 200
    assert "Answer “Who else may see this record?” with one of the choices given" in response.content.decode()


def test_a_manager_withdrawing_their_own_draft_is_told_a_second_manager_must_decide(world, client_for):
    # The database holds every decision to a second manager; a drafter's withdrawal was a 500.
    supervisor = world.cast["supervisor.rotherham"]
    draft = version_services.draft_version(supervisor, seraf_style_default(), change_summary="Own draft")
    response = client_for("supervisor.rotherham").post(
        f"/risk/instrument/{draft.number}/decide/", {"decision": "withdraw", "note": "Not needed after all"}
    )
    assert response.status_code == 200
    assert "A second manager must decide: you drafted this version, so you cannot withdraw it" in (
        response.content.decode()
    )
    assert InstrumentVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_a_choice_not_offered_names_the_field_even_when_the_form_adds_it_late(world, client_for):
    # Strategy discussion attendee agencies are added in the form's __init__; their refusal was Django's
    # "Select a valid choice. That choice is not one of the available choices."
    response = client_for("supervisor.rotherham").post(
        f"/cases/{world.case.pk}/meetings/strategy-discussion/",
        {"other_name_1": "Dr Pell", "other_agency_1": "0"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" not in body
    assert "Select other attendee 1: agency: what was sent is not one of the choices given" in body


def test_a_nul_in_a_choice_of_person_names_the_field(world, client_for):
    response = client_for("supervisor.rotherham").post(
        f"/cases/{world.case.pk}/details/", {"lead_professional": "\x00", "version": world.case.version}
    )
    body = response.content.decode()
    assert "Null characters are not allowed" not in body
    assert "must not contain a NUL character (U+0000)" in body


def test_points_typed_as_words_name_the_indicator(world, client_for):
    # The draft form makes one points field per indicator in __init__: "Enter a whole number." before.
    indicator = seraf_style_default().indicators[0]
    response = client_for("supervisor.rotherham").post(
        "/risk/instrument/draft/", {f"{indicator.code}__current": "ten"}
    )
    body = response.content.decode()
    assert "Enter a whole number" not in body
    assert f"{indicator.label}: points in the last 6 months must be a whole number" in body


def test_setting_aside_a_row_already_dealt_with_goes_back_to_the_row_without_errors(world, client_for):
    row = world.quarantined_row
    row.status = RowStatus.SET_ASIDE
    row.save()
    client = client_for("cse.rotherham")
    response = client.post(f"/imports/{row.batch_id}/rows/{row.pk}/set-aside/", {"note": ""})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "There is a problem" not in page
    assert "This row has been dealt with" in page


def test_a_late_decision_on_a_pair_already_decided_shows_no_errors_for_a_form_not_drawn(world, client_for):
    pair = world.review_pair
    decide_pair(world.cast["cse.rotherham"], pair, same_person=False, reason="Different mothers named")
    assert ReviewPair.objects.get(pk=pair.pk).status == PairStatus.NOT_LINKED
    response = client_for("cse.rotherham").post(f"/linkage/review/{pair.pk}/", {"decision": "maybe"})
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()


def test_undoing_a_link_already_undone_shows_no_errors_for_a_form_not_drawn(world, client_for):
    client = client_for("cse.rotherham")
    path = f"/linkage/merges/{world.person_merge.pk}/undo/"
    assert client.post(path, {"reason": "Different dates of birth on the school record"}).status_code == 302
    response = client.post(path, {"reason": ""})
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()
    assert "This link was undone" in response.content.decode()
