"""The missing pages through the client: forms that keep what was typed, and the one-step report."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tessera.cases.models import Action, ExploitationFlag
from tessera.missing.models import Disclosure, MissingEpisode
from tests.cases.world import rotherham_case_world
from tests.conftest import verified_client
from tests.missing.world import found, report


@pytest.fixture
def world(cast):
    return rotherham_case_world(cast)


def _when(moment, prefix):
    local = timezone.localtime(moment)
    return {
        f"{prefix}_on_day": str(local.day),
        f"{prefix}_on_month": str(local.month),
        f"{prefix}_on_year": str(local.year),
        f"{prefix}_time": f"{local:%H:%M}",
    }


def _report_form(**overrides):
    return {
        "reported_by_kind": "childrens_home",
        "reported_by_name": "Lorna Pike",
        **_when(timezone.now() - timedelta(hours=3), "last_seen"),
        "last_seen_where": "Oakwood House",
        "circumstances": "Left after a phone call",
        "grade": "medium",
        "grade_reason": "Phone off, out overnight before",
        **overrides,
    }


def test_report_from_the_profile_in_one_step(cast, world):
    client = verified_client(cast["cse.rotherham"])
    response = client.post(
        f"/missing/children/{world.child.pk}/profile/",
        {"kept_by": "Lorna Pike", "carer_kind": "childrens_home", "description": "Long dark hair, 5ft 4"},
    )
    assert response.status_code == 302
    page = client.get(f"/missing/children/{world.child.pk}/report/").content.decode()
    assert "Long dark hair, 5ft 4" in page
    assert 'value="Lorna Pike"' in page
    response = client.post(f"/missing/children/{world.child.pk}/report/", _report_form())
    assert response.status_code == 302, re.findall(
        r"govuk-error-message[^>]*>(.*?)</p", response.content.decode(), re.S
    )
    episode = MissingEpisode.objects.get(child=world.child)
    assert response["Location"] == f"/missing/episodes/{episode.pk}/"
    assert episode.profile_handed_over["Description"] == "Long dark hair, 5ft 4"
    assert "Handed to the police with the report" in client.get(response["Location"]).content.decode()


def test_a_refused_grade_shows_the_form_again_with_what_was_typed(cast, world):
    type(world.case).objects.filter(pk=world.case.pk).update(exploitation_flag=ExploitationFlag.CRIMINAL)
    client = verified_client(cast["cse.rotherham"])
    response = client.post(
        f"/missing/children/{world.child.pk}/report/",
        _report_form(grade="no_apparent_risk", circumstances="Went to see a friend in Maltby"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "can only be recorded by a supervisor" in page
    assert "Went to see a friend in Maltby" in page
    assert not MissingEpisode.objects.exists()


def test_found_then_interview_with_a_disclosure_makes_an_action(cast, world):
    cse = cast["cse.rotherham"]
    episode = report(cse, world.child)
    client = verified_client(cse)
    response = client.post(
        f"/missing/episodes/{episode.pk}/found/",
        {
            "version": episode.version,
            **_when(timezone.now() - timedelta(hours=1), "found"),
            "place": "other",
            "place_name": "Premier Lodge",
            "place_address": "Station Road, S60 1AA",
            "place_kind": "hotel",
            "found_with_description": "Two men in their thirties",
            "vehicle": "yk62 abc",
            "account": "Found by patrol in the car park",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    episode.refresh_from_db()
    assert episode.found_place is not None
    assert episode.found_place.kind == "hotel"
    assert episode.found_vehicle is not None
    assert episode.found_vehicle.registration == "YK62ABC"
    page = client.get(f"/missing/episodes/{episode.pk}/").content.decode()
    assert "Found at a hotel, taxi firm or takeaway" in page  # the hotspot alert
    response = client.post(
        f"/missing/episodes/{episode.pk}/return-interview/",
        {
            **_when(timezone.now() - timedelta(minutes=10), "held"),
            "interviewer": "Jo Clegg, Safe Steps",
            "child_account": "Went to a party at the hotel",
            "disclosure_1": "A man called Kaz gave her money to carry a bag",
        },
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.action_id is not None
    action = Action.objects.get(pk=disclosure.action_id)
    assert action.case == world.case
    actions_page = verified_client(cast["youthworker.rotherham"]).get(f"/cases/{world.case.pk}/actions/")
    assert "A man called Kaz gave her money" in actions_page.content.decode()
    # The disclosure's intelligence report: the analyst may open it from the episode; the youth worker on
    # the case team is told it was passed on, with no way into it.
    report_url = f"/intelligence/reports/{disclosure.intelligence_report_id}/"
    analyst_page = verified_client(cast["analyst"]).get(f"/missing/episodes/{episode.pk}/").content.decode()
    assert f'href="{report_url}"' in analyst_page
    youth_page = verified_client(cast["youthworker.rotherham"]).get(f"/missing/episodes/{episode.pk}/")
    assert "passed to the police analysts" in youth_page.content.decode()
    assert report_url not in youth_page.content.decode()
    assert verified_client(cast["youthworker.rotherham"]).get(report_url).status_code == 404


def test_a_stale_found_is_refused_and_keeps_what_was_typed(cast, world):
    cse = cast["cse.rotherham"]
    episode = report(cse, world.child)
    stale_version = episode.version
    found(cse, episode)
    response = verified_client(cse).post(
        f"/missing/episodes/{episode.pk}/safe-and-well/",
        {
            "version": stale_version,
            **_when(timezone.now() - timedelta(minutes=5), "checked"),
            "officer": "PC Hartwell",
            "notes": "Tired, no injuries seen",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "have not been saved" in page
    assert "Tired, no injuries seen" in page


def test_the_case_tab_and_chronology_show_the_episode_to_the_case_team(cast, world):
    episode = found(cast["cse.rotherham"], report(cast["cse.rotherham"], world.child))
    client = verified_client(cast["youthworker.rotherham"])
    assert episode.reference in client.get(f"/missing/cases/{world.case.pk}/").content.decode()
    chronology = client.get(f"/cases/{world.case.pk}/chronology/").content.decode()
    assert "Reported missing" in chronology
    assert "Found or returned" in chronology
