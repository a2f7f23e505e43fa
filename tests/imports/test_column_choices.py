"""The pure rules for a file's columns: which need a choice, which choices stand, what the file is read as."""

from __future__ import annotations

from tessera.imports.columns import (
    EXTRA_CELLS,
    IGNORED,
    check_choices,
    choosable_fields,
    column_lines,
    fields_not_in_file,
    file_columns,
    suggested_field,
    unknown_columns,
    with_choices,
)
from tessera.imports.parsing import RawRow
from tessera.imports.profiles import PROFILES

CHARITY = PROFILES["charity_cases"]
POLICE = PROFILES["police_rms"]
COLUMNS = ["Case reference", "First name", "Last name", "DOB", "Phone"]


def test_every_column_of_every_record_is_found_in_the_order_it_first_appears():
    rows = [RawRow(1, {"a": "1", "b": "2"}), RawRow(2, {"b": "3", "c": "4"}), RawRow(3, {"(record)": "[]"})]
    assert file_columns(rows) == ["a", "b", "c"]


def test_columns_the_profile_does_not_know_each_need_a_choice():
    assert unknown_columns(COLUMNS, CHARITY) == ["DOB", "Phone"]
    problems = check_choices(COLUMNS, CHARITY, {})
    assert [p.column for p in problems] == ["DOB", "Phone"]
    assert check_choices(COLUMNS, CHARITY, {"DOB": "date_of_birth", "Phone": IGNORED}) == []


def test_a_field_cannot_be_chosen_twice_nor_for_a_column_the_profile_already_fills():
    twice = check_choices(
        [*COLUMNS, "Born"], CHARITY, {"DOB": "date_of_birth", "Born": "date_of_birth", "Phone": IGNORED}
    )
    assert [p.column for p in twice] == ["Born"]
    taken = check_choices(COLUMNS, CHARITY, {"DOB": "given_name", "Phone": IGNORED})
    assert [p.column for p in taken] == ["DOB"], "First name already comes from 'First name'"
    made_up = check_choices(COLUMNS, CHARITY, {"DOB": "shoe_size", "Phone": IGNORED})
    assert [p.column for p in made_up] == ["DOB"]


def test_cells_past_the_last_heading_can_only_be_left_out():
    columns = [*COLUMNS[:3], EXTRA_CELLS]
    assert [p.column for p in check_choices(columns, CHARITY, {EXTRA_CELLS: "date_of_birth"})] == [
        EXTRA_CELLS
    ]
    assert check_choices(columns, CHARITY, {EXTRA_CELLS: IGNORED}) == []


def test_a_chosen_column_is_read_in_place_of_the_profile_s_own():
    read_as = with_choices(CHARITY, {"DOB": "date_of_birth", "Phone": IGNORED})
    assert read_as.columns["date_of_birth"] == "DOB"
    assert read_as.describe("date_of_birth") == "Date of birth (column DOB)"
    assert "Phone" not in read_as.columns.values()
    assert CHARITY.columns["date_of_birth"] == "Date of birth", "the profile itself is unchanged"


def test_what_the_file_will_not_fill_is_named():
    assert fields_not_in_file(COLUMNS, CHARITY, {}) == [
        "other_names", "date_of_birth", "sex", "address_line_1", "town", "postcode",
    ]  # fmt: skip
    assert "date_of_birth" not in fields_not_in_file(COLUMNS, CHARITY, {"DOB": "date_of_birth"})


def test_a_heading_that_names_a_fact_is_suggested_but_only_a_free_one():
    free = choosable_fields(COLUMNS, CHARITY)
    assert suggested_field("DOB", free, CHARITY) == "date_of_birth"
    assert suggested_field("d.o.b.", free, CHARITY) == "date_of_birth"
    assert suggested_field("Phone", free, CHARITY) == "phone"
    assert suggested_field("Notes", free, CHARITY) == ""
    assert suggested_field("forename", free, CHARITY) == "", "First name already has its column"
    assert (
        suggested_field("dob", choosable_fields(["PersonURN", "Forename1"], POLICE), POLICE)
        == "date_of_birth"
    )


def test_each_column_is_listed_with_what_it_holds_and_how_that_was_decided():
    lines = column_lines(["PersonURN", "DOB", "Notes", "Phone"], POLICE, {"Notes": IGNORED})
    assert [(line.column, line.holds, line.how) for line in lines] == [
        ("PersonURN", "Record ID; Police person ID", "profile"),
        ("DOB", "Date of birth", "profile"),
        ("Notes", "", "ignored"),
        ("Phone", "", "unresolved"),
    ]
