"""Row validation is pure: each bad row gets every specific reason, each good row a clean record."""

from datetime import date

import pytest

from tessera.imports.parsing import FileProblemError, content_hash, read_rows
from tessera.imports.profiles import PROFILES
from tessera.imports.validation import validate

POLICE = PROFILES["police_rms"]
TODAY = date(2026, 6, 1)


def _row(**overrides):
    row = {
        "PersonURN": "P0001",
        "Forename1": "Kayleigh",
        "Forename2": "",
        "Surname": "Thornley",
        "AKA": "Kay; KT",
        "DOB": "14/03/2010",
        "Sex": "F",
        "SDE": "W1",
        "AddressLine1": "12 Furnace Lane",
        "Town": "Rotherham",
        "Postcode": "s60 1aa",
    }
    row.update(overrides)
    return row


def test_a_good_row_becomes_a_clean_record_in_tessera_terms():
    outcome = validate(_row(), POLICE, today=TODAY, seen_ids={})
    assert outcome.ok
    record = outcome.record
    assert record is not None
    assert record.date_of_birth == date(2010, 3, 14)
    assert record.sex == "female"
    assert record.ethnicity == "white_british"
    assert record.postcode == "S60 1AA"
    assert record.other_names == ["Kay", "KT"]
    assert record.police_person_id == "P0001"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"PersonURN": ""}, "source_record_id", "Record ID (column PersonURN) is empty"),
        (
            {"DOB": "31/02/2010"},
            "date_of_birth",
            "'31/02/2010' is not a real date: February 2010 has 28 days",
        ),
        (
            {"DOB": "29/02/2011"},
            "date_of_birth",
            "'29/02/2011' is not a real date: February 2011 has 28 days",
        ),
        ({"DOB": "14/13/2010"}, "date_of_birth", "'14/13/2010' is not a real date: there is no month 13"),
        ({"DOB": "2010-03-14"}, "date_of_birth", "'2010-03-14' is not a real date written as DD/MM/YYYY"),
        ({"DOB": "14/03/2031"}, "date_of_birth", "is in the future"),
        ({"Sex": "Q"}, "sex", "Sex (column Sex) 'Q' is not a code this system uses"),
        ({"SDE": "Z9"}, "ethnicity", "'Z9' is not a code this system uses"),
        ({"Postcode": "NOT A CODE"}, "postcode", "is not a full UK postcode"),
        ({"Forename1": "K4yleigh"}, "given_name", "contains numbers or symbols"),
        ({"Forename1": "", "Surname": ""}, "family_name", "The record has no name"),
    ],
)
def test_each_kind_of_bad_value_is_named_with_its_column_and_what_was_sent(overrides, field, words):
    outcome = validate(_row(**overrides), POLICE, today=TODAY, seen_ids={})
    assert not outcome.ok
    assert any(p.field == field and words in p.message for p in outcome.problems), outcome.problems


def test_every_problem_is_reported_not_only_the_first():
    outcome = validate(_row(DOB="99/99/2010", Sex="Q", Postcode="XX"), POLICE, today=TODAY, seen_ids={})
    assert {p.field for p in outcome.problems} == {"date_of_birth", "sex", "postcode"}


def test_a_row_whose_nhs_number_fails_its_check_digit_is_kept_with_the_number_marked_not_matched():
    health = PROFILES["health_systmone"]
    good = {"patientId": "H1", "givenName": "Ellie", "familyName": "Cawthorne", "nhsNumber": "943 476 5919"}
    record = validate(good, health, today=TODAY, seen_ids={}).record
    assert record is not None
    assert record.nhs_number == "9434765919"
    assert record.identifiers_failing_check == {}
    outcome = validate({**good, "nhsNumber": "943 476 5918"}, health, today=TODAY, seen_ids={})
    assert outcome.ok, "the row is taken: its name and the rest still link it"
    assert outcome.record is not None
    assert outcome.record.nhs_number == "", "a number failing its check is never matched on"
    assert outcome.record.identifiers_failing_check == {"nhs_number": "943 476 5918"}
    assert outcome.record.given_name == "Ellie"


def test_a_record_id_used_twice_in_one_file_names_the_first_row():
    outcome = validate(_row(), POLICE, today=TODAY, seen_ids={"P0001": 3})
    assert outcome.problems[0].message.endswith("was already used by row 3")


def test_a_file_of_the_wrong_kind_is_refused_whole():
    with pytest.raises(FileProblemError, match="has no 'PersonURN' column"):
        read_rows(b"patientId,givenName\nH1,Ellie\n", "csv", POLICE)


def test_json_records_that_are_not_objects_are_kept_for_quarantine():
    health = PROFILES["health_systmone"]
    rows = read_rows(b'{"patients": [{"patientId": "H1", "givenName": "Ellie"}, 42]}', "json", health)
    assert len(rows) == 2
    assert validate(rows[1].values, health, today=TODAY, seen_ids={}).problems[0].field == ""


def test_the_same_bytes_have_the_same_fingerprint():
    assert content_hash(b"a,b\n1,2\n") == content_hash(b"a,b\n1,2\n") != content_hash(b"a,b\n1,3\n")
