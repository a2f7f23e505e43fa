"""A double click makes one record (issue 17, Found 10): each rendered form carries a token that the
service claims in its transaction, so the second sending finds the first one's record."""

import re
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from tessera.cases.models import Action, SupportRecord
from tessera.core.models import Agency
from tessera.referrals.models import Referral
from tests.cases.world import rotherham_case_world
from tests.referrals.test_referrals import concern


def _token(page: str) -> str:
    found = re.search(r'name="submission_token" value="([0-9a-f-]+)"', page)
    assert found, "every form that creates a record carries its token"
    return found.group(1)


def test_a_staff_concern_sent_twice_from_one_form_makes_one_referral(client_for):
    officer = client_for("officer.rotherham")
    token = _token(officer.get("/referrals/new/").content.decode())
    data = concern(given_name="Tianna", family_name="Oughtibridge", submission_token=token)
    first = officer.post("/referrals/new/", data)
    second = officer.post("/referrals/new/", data)
    assert first.status_code == second.status_code == 302
    assert Referral.objects.count() == 1
    assert Referral.objects.get().reference in officer.get("/referrals/sent/").content.decode()


def test_two_renders_of_the_form_are_two_concerns(client_for, rotherham_child):
    officer = client_for("officer.rotherham")
    for _ in range(2):
        token = _token(officer.get("/referrals/new/").content.decode())
        officer.post("/referrals/new/", concern(match=str(rotherham_child.pk), submission_token=token))
    assert Referral.objects.count() == 2


def test_a_concern_about_a_known_child_sent_twice_makes_one_referral(client_for, rotherham_child):
    officer = client_for("officer.rotherham")
    token = _token(officer.get("/referrals/new/").content.decode())
    data = concern(match=str(rotherham_child.pk), submission_token=token)
    officer.post("/referrals/new/", data)
    officer.post("/referrals/new/", data)
    assert Referral.objects.count() == 1


def _partner(token):
    today = timezone.localdate()
    return {
        "submission_token": token,
        "happening_now": "no",
        "who": "Two girls about 14 with a man in his 30s",
        "warning_signs": ["hotels_taxis_takeaways"],
        "what_was_seen": "Booked room 12 for one night.",
        "where": "City Lodge, Sheffield",
        "seen_on_day": str(today.day),
        "seen_on_month": str(today.month),
        "seen_on_year": str(today.year),
        "seen_time": "",
    }


def test_a_partner_report_sent_twice_gives_the_same_reference(client_for):
    hotel = client_for("hotel.sheffield")
    token = _token(hotel.get("/referrals/partner/").content.decode())
    hotel.post("/referrals/partner/", _partner(token))
    first_reference = hotel.get("/referrals/sent/").content.decode()
    hotel.post("/referrals/partner/", _partner(token))
    assert Referral.objects.count() == 1
    assert Referral.objects.get().reference in first_reference
    assert Referral.objects.get().reference in hotel.get("/referrals/sent/").content.decode()


def test_a_form_without_its_token_is_refused_with_a_message(client_for):
    response = client_for("hotel.sheffield").post("/referrals/partner/", _partner(""))
    assert response.status_code == 200
    assert "reload the page and send it again" in response.content.decode()
    assert not Referral.objects.exists()


def test_someone_elses_token_shows_nothing_of_their_referral(client_for):
    token = str(uuid.uuid4())
    client_for("hotel.sheffield").post("/referrals/partner/", _partner(token))
    other = client_for("officer.rotherham")
    response = other.post("/referrals/new/", concern(submission_token=token, given_name="Tianna"))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Referral.objects.count() == 1


@pytest.fixture
def world(cast):
    return rotherham_case_world(cast)


def test_a_new_action_sent_twice_is_set_once(client_for, cast, world):
    lead = client_for("cse.rotherham")
    url = f"/cases/{world.case.pk}/actions/new/"
    token = _token(lead.get(url).content.decode())
    data = {
        "submission_token": token,
        "description": "Check school register",
        "owner": str(cast["youthworker.rotherham"].pk),
        "due_in_working_days": "2",
    }
    before = Action.objects.count()
    assert lead.post(url, data).status_code == 302
    again = lead.post(url, data, follow=True)
    assert Action.objects.count() == before + 1
    assert "saved once, not twice" in again.content.decode()


def test_support_sent_twice_is_recorded_once(client_for, world):
    worker = client_for("youthworker.rotherham")
    url = f"/cases/{world.case.pk}/support/new/"
    token = _token(worker.get(url).content.decode())
    today = timezone.localdate()
    data = {
        "submission_token": token,
        "kind": "youth_worker",
        "agency": str(Agency.objects.get(code="safe-steps").pk),
        "worker_name": "Aaliyah Brennan",
        "description": "One-to-one sessions",
        "frequency": "Weekly",
        "started_on_day": str(today.day),
        "started_on_month": str(today.month),
        "started_on_year": str(today.year),
        "engagement": "engaged",
        "child_voice": "",
    }
    worker.post(url, data)
    worker.post(url, data)
    assert SupportRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_the_same_moment_make_one_referral(reseed, client_for):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:", ":memory:")):
        pytest.skip("in-memory SQLite is one connection; the race needs two (PostgreSQL run covers it)")
    officer = client_for("officer.rotherham")
    token = _token(officer.get("/referrals/new/").content.decode())
    data = concern(given_name="Tianna", family_name="Oughtibridge", submission_token=token)
    results = []
    start = threading.Barrier(2)

    def send():
        start.wait()
        results.append(client_for("officer.rotherham").post("/referrals/new/", data).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302, 302]
    assert Referral.objects.count() == 1
