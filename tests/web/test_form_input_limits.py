"""What a form refuses, and how it says so (issue 17, Found 8 and Found 11)."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tessera.referrals.forms import PartnerConcernForm
from tessera.referrals.models import Referral
from tessera.ui.forms import LONG_TEXT_LIMIT, GovukDateField


def _partner_concern(**overrides):
    today = timezone.localdate()
    data = {
        "happening_now": "no",
        "who": "Two girls about 14 with a man in his 30s",
        "warning_signs": ["hotels_taxis_takeaways"],
        "what_was_seen": "Booked room 12 for one night.",
        "where": "City Lodge, Sheffield",
        "seen_on_day": str(today.day),
        "seen_on_month": str(today.month),
        "seen_on_year": str(today.year),
        "seen_time": "",
        "submission_token": str(uuid.uuid4()),
    }
    return data | overrides


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("1", "1", "99999999999999999999"),
        ("1", "99999999999999999999", "2020"),
        ("99999999999999999999", "1", "2020"),
        ("1", "1", "9" * 5000),
        ("1", "1", "-2020"),
    ],
)
def test_a_date_too_big_for_the_calendar_is_refused_by_name_not_a_server_error(day, month, year):
    field = GovukDateField(label="When was it seen")
    with pytest.raises(ValidationError) as refused:
        field.clean([day, month, year])
    assert "When was it seen" in refused.value.messages[0]


def test_a_partner_reporter_typing_a_huge_year_gets_the_form_back(client_for):
    response = client_for("hotel.sheffield").post(
        "/referrals/partner/", _partner_concern(seen_on_year="99999999999999999999")
    )
    assert response.status_code == 200
    assert "When was it seen year must include 4 numbers" in response.content.decode()
    assert not Referral.objects.exists()


def test_text_longer_than_anyone_types_is_refused_naming_the_field(cast):
    form = PartnerConcernForm(_partner_concern(what_was_seen="x" * (LONG_TEXT_LIMIT + 1)))
    assert not form.is_valid()
    assert form.errors["what_was_seen"] == [
        f"What did you see or hear must be {LONG_TEXT_LIMIT:,} characters or fewer"
    ]


def test_a_megabyte_pasted_into_a_note_is_refused(client_for):
    response = client_for("hotel.sheffield").post(
        "/referrals/partner/", _partner_concern(what_was_seen="x" * 1_000_000)
    )
    assert response.status_code == 200
    assert "characters or fewer" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("Kay\u202eleigh", "a text-direction control (U+202E)"),
        ("Kay\u200bleigh", "an invisible character (U+200B"),
        ("Kay\nleigh", "a line break"),
        ("Kay\u2028leigh", "a line break"),
        ("Kay\x07leigh", "a control character (U+0007)"),
    ],
)
def test_names_refuse_direction_controls_invisible_characters_and_line_breaks(client_for, typed, words):
    from tests.referrals.test_referrals import concern

    response = client_for("cse.rotherham").post("/referrals/new/", concern(given_name=typed))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Child&#x27;s first name must not contain {words}" in body
    assert not Referral.objects.exists()


def test_free_text_keeps_line_breaks_but_refuses_direction_controls(cast):
    ok = PartnerConcernForm(_partner_concern(what_was_seen="First line.\nSecond line."))
    assert ok.is_valid(), ok.errors
    tricked = PartnerConcernForm(_partner_concern(what_was_seen="Paid \u202ecash\u202c"))
    assert not tricked.is_valid()
    assert (
        "What did you see or hear must not contain a text-direction control"
        in tricked.errors["what_was_seen"][0]
    )


@pytest.mark.parametrize(
    "path", ["/api/v1/people/abc/", "/api/v1/people/1e5/", "/api/v1/people/99999999999999999999/"]
)
def test_an_api_address_that_is_not_a_record_number_is_not_found(client_for, path):
    response = client_for("cse.rotherham").get(path)
    assert response.status_code == 404
