"""Identifiers normalised so the same car, phone, place and NHS number match across agencies."""

from hypothesis import given
from hypothesis import strategies as st

from tessera.people.identifiers import (
    display_phone,
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


def test_foreign_phone_numbers_are_kept_in_e164_not_mangled():
    romanian = ["+40 721 234 567", "0040 721 234 567", "+40 (0)721 234 567", "40721234567"]
    assert {normalise_phone(f) for f in romanian} == {"+40721234567"}
    slovak = ["+421 905 123 456", "00421 905 123 456", "+421 (0)905 123 456"]
    assert {normalise_phone(f) for f in slovak} == {"+421905123456"}
    assert display_phone("+40721234567") == "+40 721 234 567"
    assert display_phone("+447700900123") == "07700 900123"


def test_text_that_is_no_phone_number_keeps_its_digits():
    assert normalise_phone("12345") == "12345"
    assert normalise_phone("no number") == ""


def test_a_phone_record_stores_the_number_one_way(db):
    from tessera.people.models import EntityKind, Phone, PoleEntity

    phone = Phone.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.PHONE), number="0040 721 234 567"
    )
    phone.refresh_from_db()
    assert phone.number == "+40721234567"
    assert str(phone) == "+40 721 234 567"


def test_postcodes_are_spaced_and_capitalised():
    assert normalise_postcode("s118aa") == "S11 8AA"
    assert normalise_postcode(" dn1  2ab ") == "DN1 2AB"


def test_handles_ignore_at_and_case():
    assert normalise_handle("@Jay_Wolf99") == normalise_handle("jay_wolf99")
