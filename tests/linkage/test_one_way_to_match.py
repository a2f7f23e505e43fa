""" "Sandy Smith" is found for "Alexander Smith" by every path that asks whether a record is a known person:
person search, search before create on a concern form and on an import correction, and linkage's check
of a single new record against the model."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.linkage.search import candidates_for
from tessera.people.search import search_people
from tessera.referrals.selectors import matching_children
from tests.conftest import make_person

BORN = date(2011, 5, 17)


@pytest.fixture
def sandy(db):
    return make_person("rotherham", "Sandy", "Smith", BORN)


def test_person_search_finds_sandy_for_alexander(cast, sandy):
    found = search_people(cast["cse.rotherham"], "Alexander Smith")
    assert [r.person.pk for r in found.results] == [sandy.pk]
    assert "‘Alexander’ and ‘Sandy’ are both forms of Alexander" in found.results[0].reasons


def test_search_before_create_on_a_concern_finds_sandy_for_alexander(cast, sandy):
    matches = matching_children(cast["cse.rotherham"], "Alexander", "Smith", BORN)
    assert [m.person.pk for m in matches] == [sandy.pk]
    assert "First name" in matches[0].agreeing


def test_the_linkage_check_of_a_new_record_finds_sandy_for_alexander(cast, sandy):
    typed = {"given_name": "Alexander", "family_name": "Smith", "date_of_birth": BORN}
    found = candidates_for(cast["cse.rotherham"], typed).candidates
    assert [c.person.pk for c in found] == [sandy.pk]
    first_name = next(f for f in found[0].score.fields if f.comparison == "given_name")
    assert first_name.label == "Short form of the same name"


def test_the_candidates_page_shows_sandy_for_alexander(client_for, sandy):
    page = client_for("cse.rotherham").get(
        "/linkage/candidates/",
        {"given_name": "Alexander", "family_name": "Smith", "date_of_birth_day": "17",
         "date_of_birth_month": "5", "date_of_birth_year": "2011"},
    )  # fmt: skip
    assert f'href="/people/{sandy.pk}/"' in page.content.decode()
