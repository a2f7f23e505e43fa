"""The one table of given-name variants: the data set, the English forms, and what must stay apart."""

from __future__ import annotations

import re

import nicknames
import pytest

from tessera.people.name_variants import (
    DIFFERENT_NAMES,
    ENGLISH_FORMS,
    everyday_short_forms,
    forms_of,
    full_names_for,
    same_given_name,
    short_forms,
)


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("sandy", "alexander"), ("alf", "alfred"), ("alfie", "alfred"), ("bert", "albert"),
        ("bert", "herbert"), ("kez", "kerry"), ("lizzie", "elizabeth"), ("becky", "rebecca"),
        ("bex", "rebecca"), ("gaz", "gary"), ("shaz", "sharon"), ("baz", "barry"), ("daz", "darren"),
        ("kaz", "karen"), ("jack", "john"), ("bill", "william"), ("bob", "robert"), ("peggy", "margaret"),
        ("ste", "stephen"), ("mo", "mohammed"),
    ],
)  # fmt: skip
def test_english_short_forms_stand_for_their_full_names(short, full):
    assert same_given_name(short, full)
    assert full in full_names_for(short)


def test_the_data_set_brings_forms_no_one_typed_in_by_hand():
    assert same_given_name("sandy", "alexander")  # also in the package
    assert same_given_name("greg", "gregory")
    assert same_given_name("geoff", "geoffrey")
    assert len(short_forms()) > 1000


def test_two_short_forms_of_one_full_name_are_one_name():
    assert same_given_name("becky", "bex")
    assert same_given_name("liz", "beth")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("alexander", "alexandra"), ("daniel", "danielle"), ("samuel", "samantha"), ("william", "wilma"),
        ("andrew", "andrea"), ("aaron", "erin"), ("louis", "louise"), ("edwin", "edwina"),
        ("frederick", "frederica"), ("robert", "william"), ("emily", "emma"), ("amelia", "emily"),
        ("luke", "lucas"), ("john", "ian"), ("john", "jonathan"), ("jonathan", "nathan"),
        ("hannah", "anna"), ("helen", "ellen"), ("mary", "marie"), ("rose", "ann"), ("jane", "janet"),
        ("caroline", "charlotte"), ("isabella", "isla"),
    ],
)  # fmt: skip
def test_brothers_and_sisters_names_are_never_one_name(a, b):
    """Siblings and twins are told apart by their first names: sharing "Alex" or "Sam" does not join them."""
    assert not same_given_name(a, b)
    assert not forms_of(a) & forms_of(b)


def test_every_pair_set_apart_is_one_the_data_set_really_joins():
    """If the data set drops a pair, its exclusion here is dead weight and should go."""
    joined = {(a, c) for a, relationship, c in nicknames.name_triplets() if relationship == "has_nickname"}
    assert joined >= DIFFERENT_NAMES


def test_names_the_table_does_not_know_are_only_themselves():
    assert full_names_for("tunde") == frozenset()
    assert forms_of("tunde") == {"tunde"}
    assert forms_of("") == frozenset()
    assert not same_given_name("", "")


def test_the_synthetic_world_draws_only_forms_heard_in_england():
    assert everyday_short_forms("robert") == ENGLISH_FORMS["robert"]
    assert "hobkin" in short_forms()["robert"]
    assert "hobkin" not in everyday_short_forms("robert")
    assert everyday_short_forms("tunde") == ()


def test_every_name_in_the_table_is_plain_lower_case_letters():
    for full, shorts in short_forms().items():
        for name in (full, *shorts):
            assert re.fullmatch("[a-z]+", name), name
