"""Identifiers normalised so the same car, phone, place and NHS number match across agencies."""

from hypothesis import given
from hypothesis import strategies as st

from tessera.people.identifiers import (
    is_valid_nhs_number,
    nhs_number_check_digit,
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
)


def test_nhs_number_check_digit():
    assert is_valid_nhs_number("943 476 5919")
    assert not is_valid_nhs_number("943 476 5918")
    assert not is_valid_nhs_number("1111111111"), "repeated digits are not issued"
    assert not is_valid_nhs_number("12345")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_a_valid_check_digit_always_validates(first_nine):
    check = nhs_number_check_digit(first_nine)
    if check is not None and len(set(first_nine + str(check))) > 1:
        assert is_valid_nhs_number(first_nine + str(check))


def test_registrations_typed_with_spaces_or_dashes_match():
    assert normalise_registration("yk62 abc") == normalise_registration("YK62-ABC") == "YK62ABC"


def test_phone_numbers_in_different_formats_match():
    forms = ["07700 900123", "+44 7700 900123", "0044 7700 900 123", "447700900123", "(07700) 900-123"]
    assert {normalise_phone(f) for f in forms} == {"+447700900123"}


def test_postcodes_are_spaced_and_capitalised():
    assert normalise_postcode("s118aa") == "S11 8AA"
    assert normalise_postcode(" dn1  2ab ") == "DN1 2AB"


def test_handles_ignore_at_and_case():
    assert normalise_handle("@Jay_Wolf99") == normalise_handle("jay_wolf99")
