"""3x5x2 grades and older 5x5x5 grades, as pure values."""

from __future__ import annotations

import pytest

from tessera.intelligence.grading import (
    PARTNER_DEFAULT,
    Grade,
    describe_grade,
    grade_problem,
    read_legacy_grade,
)


def test_a_3x5x2_grade_reads_out_in_words():
    grade = Grade("1", "B", "P")
    assert grade.code == "1BP"
    assert "reliable" in grade.words
    assert "corroborated" in grade.words
    assert "permitted" in grade.words
    assert not grade.sharing_has_conditions


@pytest.mark.parametrize(
    ("parts", "says"),
    [
        (("4", "A", "P"), "source evaluation"),
        (("1", "F", "P"), "intelligence assessment"),
        (("1", "A", "X"), "handling code"),
        (("", "", ""), "source evaluation"),
    ],
)
def test_a_part_outside_the_scale_is_refused_naming_the_part(parts, says):
    assert says in grade_problem(*parts)
    with pytest.raises(ValueError, match=says):
        Grade(*parts)


def test_a_disclosure_to_staff_defaults_to_untested_indirect_with_conditions():
    assert PARTNER_DEFAULT.code == "2CC"
    assert PARTNER_DEFAULT.sharing_has_conditions


@pytest.mark.parametrize("written", ["B24", "b/2/4", "B 2 4", " B-2-4 "])
def test_older_5x5x5_grades_are_read_however_they_were_written(written):
    grade = read_legacy_grade(written)
    assert grade is not None
    assert grade.code == "B24"
    assert "mostly reliable" in grade.words
    assert "known personally to the source" in grade.words
    assert "only within the originating agency" in grade.words


@pytest.mark.parametrize("written", ["", "F24", "B64", "B2", "1AP", "B245"])
def test_what_is_not_a_5x5x5_grade_is_not_read_as_one(written):
    assert read_legacy_grade(written) is None


def test_describe_prefers_3x5x2_then_5x5x5_then_the_text_as_written():
    assert describe_grade("2", "C", "C", "B24").startswith("Source 2")
    assert describe_grade("", "", "", "B24").startswith("5x5x5 grade B24")
    assert describe_grade("", "", "", "Z9") == "Older grade, as written: Z9"
    assert describe_grade("", "", "", "") == "Not graded"
