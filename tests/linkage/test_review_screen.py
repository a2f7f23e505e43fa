"""The review screen in the users' words, through the real pages: each field's comparison as the model
judged it, the band of the model that scored the pair, and the safety rule that held it back. Search
before create never suggests an adult for a child."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tessera.linkage import engine
from tessera.linkage.clustering import RULES_BY_NAME
from tessera.linkage.model_spec import SPEC_VERSION, settings_for
from tessera.linkage.models import LinkageModel, ReviewPair
from tessera.linkage.search import candidates_for
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Location,
    LocationKind,
    PoleEntity,
    SourceIdentity,
)
from tessera.referrals.selectors import matching_children
from tests.conftest import make_person

SIBLINGS = RULES_BY_NAME["siblings_in_one_household"]


@pytest.fixture
def model(db) -> LinkageModel:
    parameters = settings_for("duckdb")
    return LinkageModel.objects.create(
        version=3, spec_version=SPEC_VERSION, record_count=0, parameters=parameters,
        weights=engine.scoring_weights(parameters), auto_link_threshold=0.99, review_threshold=0.5,
        is_active=True,
    )  # fmt: skip


def _at_home(person, line="41 Cutlers Row", postcode="S61 4QT") -> SourceIdentity:
    identity = SourceIdentity.objects.get(person=person)
    location = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION), kind=LocationKind.HOME,
        address_line_1=line, postcode=postcode, district=person.district,
    )  # fmt: skip
    IdentityAddress.objects.create(identity=identity, location=location)
    return identity


def _row(page: str, label: str) -> str:
    found = re.search(rf'<th scope="row" class="govuk-table__header">{label}</th>(.*?)</tr>', page, re.S)
    assert found, label
    return found.group(1)


@pytest.fixture
def sisters(cast, model):
    """Two sisters at one address, 15 months apart; the second's record has no date of birth."""
    kayleigh = _at_home(make_person("rotherham", "Kayleigh", "Hallam", date(2012, 3, 14)))
    madison = _at_home(make_person("rotherham", "Madison", "Hallam", date(2013, 6, 20)))
    SourceIdentity.objects.filter(pk=madison.pk).update(date_of_birth=None)
    return kayleigh, madison


def test_each_field_is_named_as_the_model_judged_it(sisters, model, client_for):
    kayleigh, madison = sisters
    pair = ReviewPair.objects.create(
        left=kayleigh, right=madison, match_probability=0.7, match_weight=1.2, model=model
    )
    page = client_for("cse.rotherham").get(f"/linkage/review/{pair.pk}/").content.decode()
    assert "Agrees exactly" in _row(page, "Sex"), "Female and Female"
    assert "Agrees exactly" in _row(page, "Last name")
    assert "Agrees exactly" in _row(page, "Address")
    assert "Differs" in _row(page, "First name")
    born = _row(page, "Date of birth")
    assert "Missing on one side" in born
    assert "Recorded on one side only" in born
    assert "Missing on both" in _row(page, "Identifiers")
    assert "Partly agrees" not in page
    assert "Not recorded on both" not in page
    assert "possible match" in page
    assert "The model could not decide" in page


def test_a_held_back_pair_says_its_band_and_the_rule_that_held_it(sisters, model, client_for):
    kayleigh, madison = sisters
    held = ReviewPair.objects.create(
        left=kayleigh, right=madison, match_probability=0.9996, match_weight=21.0, model=model,
        held_back_because=SIBLINGS.reason, held_back_rule=SIBLINGS.name,
    )  # fmt: skip
    client = client_for("cse.rotherham")
    page = client.get(f"/linkage/review/{held.pk}/").content.decode()
    assert "1.000" in page
    assert "certain match" in page
    assert "links automatically at 0.990 or above" in page
    assert "held back by the safety rule ‘Possible siblings’" in page
    assert "likely siblings" in page
    assert "could not decide" not in page
    queue = client.get("/linkage/review/").content.decode()
    assert "Certain matches held back" in queue
    assert "could not decide" not in queue, "no pair in this queue is one the model could not decide"
    assert f'href="/linkage/review/{held.pk}/"' in queue
    assert "Possible siblings" in queue


def test_the_queue_puts_each_pair_under_its_own_band(sisters, model, client_for, cast):
    kayleigh, madison = sisters
    held = ReviewPair.objects.create(
        left=kayleigh, right=madison, match_probability=0.9996, match_weight=21.0, model=model,
        held_back_because=SIBLINGS.reason, held_back_rule=SIBLINGS.name,
    )  # fmt: skip
    other = _at_home(make_person("rotherham", "Amber", "Hallam", date(2012, 3, 14)))
    possible = ReviewPair.objects.create(
        left=kayleigh, right=other, match_probability=0.8, match_weight=2.0, model=model
    )
    queue = client_for("cse.rotherham").get("/linkage/review/").content.decode()
    held_at, possible_at = queue.index("Certain matches held back"), queue.index("Possible matches")
    assert held_at < queue.index(f"/linkage/review/{held.pk}/") < possible_at
    assert possible_at < queue.index(f"/linkage/review/{possible.pk}/")


ADULT_BORN, CHILD_BORN = date(1996, 4, 2), date(2017, 4, 2)


@pytest.fixture
def adult_leah(cast, model):
    return _at_home(make_person("rotherham", "Leah", "Stainley", ADULT_BORN)).person


def _typed(born: date) -> dict[str, object]:
    return {"given_name": "Leah", "family_name": "Stainley", "date_of_birth": born,
            "address_line_1": "41 Cutlers Row", "postcode": "S61 4QT", "sex": "female"}  # fmt: skip


def test_search_before_create_never_suggests_an_adult_for_a_child(adult_leah, cast):
    user = cast["cse.rotherham"]
    assert candidates_for(user, _typed(CHILD_BORN)).candidates == []
    # The same adult typed with her own birthday one digit out is found: the search did look.
    found = candidates_for(user, _typed(date(1996, 4, 3))).candidates
    assert [c.person.pk for c in found] == [adult_leah.pk]


def test_the_concern_form_s_matches_leave_out_an_adult_for_a_child(adult_leah, cast):
    user = cast["cse.rotherham"]
    assert matching_children(user, "Leah", "Stainley", CHILD_BORN) == []
    assert [m.person.pk for m in matching_children(user, "Leah", "Stainley", None)] == [adult_leah.pk]


def test_the_candidates_page_leaves_out_the_adult(adult_leah, client_for):
    query = {"given_name": "Leah", "family_name": "Stainley", "date_of_birth_day": "2",
             "date_of_birth_month": "4", "address_line_1": "41 Cutlers Row", "postcode": "S61 4QT"}  # fmt: skip
    client = client_for("cse.rotherham")
    child = client.get("/linkage/candidates/", {**query, "date_of_birth_year": "2017"}).content.decode()
    adult = client.get("/linkage/candidates/", {**query, "date_of_birth_year": "1996"}).content.decode()
    assert f'href="/people/{adult_leah.pk}/"' not in child
    assert f'href="/people/{adult_leah.pk}/"' in adult
