"""Person search and record linkage read one table of name variants, so they agree on every entry in it.

Each pair of the table goes through each pipeline's own code: the search keys that find candidates and
the explanation that keeps them (person search, search before create in referrals), and the linkage
features, the comparison level the model scores and the clustering safety rule (linkage).
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tessera.linkage.clustering import RecordFacts, names_compatible
from tessera.linkage.features import record_features
from tessera.linkage.scoring import comparison_levels
from tessera.people.matching import NameMatchKind, RecordedIdentity, match_token
from tessera.people.name_variants import same_given_name, short_forms, variant_pairs
from tessera.people.names import search_keys_for_names

BORN = date(2011, 5, 17)
# The level of the first-name comparison meaning "forms of one name" (see model_spec._name_comparison:
# exact 5, forms 4, then spelling).
SAME_NAME_BY_FORMS = 4


def search_says_same_name(typed: str, recorded: str) -> bool:
    keys_meet = bool(search_keys_for_names([typed]) & search_keys_for_names([recorded.title()]))
    token = RecordedIdentity(recorded.title(), "", "Smith", (), BORN).tokens()[0][0]
    match = match_token(typed, token, recorded.title())
    return keys_meet and match is not None and match.kind in (NameMatchKind.EXACT, NameMatchKind.SHORT_FORM)


def linkage_says_same_name(typed: str, recorded: str) -> bool:
    left = record_features({"given_name": typed, "family_name": "Smith", "date_of_birth": BORN})
    right = record_features({"given_name": recorded, "family_name": "Smith", "date_of_birth": BORN})
    level = comparison_levels(left, right)["given_name"]
    facts = [
        RecordFacts(dob=f["dob"], given_name=f["given_name"], given_forms=frozenset(f["given_forms"]))
        for f in (left, right)
    ]
    return level >= SAME_NAME_BY_FORMS and names_compatible(*facts)


def test_search_and_linkage_agree_on_every_variant_in_the_table():
    pairs = list(variant_pairs())
    assert len(pairs) > 2000
    disagree = [
        (full, short)
        for full, short in pairs
        for typed, recorded in ((full, short), (short, full))
        if not (search_says_same_name(typed, recorded) and linkage_says_same_name(typed, recorded))
    ]
    assert not disagree, disagree[:20]


def test_sandy_is_alexander_to_both():
    assert search_says_same_name("sandy", "alexander")
    assert linkage_says_same_name("sandy", "alexander")


NAMES = sorted({name for full, shorts in short_forms().items() for name in (full, *shorts)})


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(NAMES), st.sampled_from(NAMES))
def test_search_and_linkage_agree_on_names_that_are_not_variants_too(a, b):
    """Any two names in the table: the model's forms level and search's short-form match say the same."""
    left = record_features({"given_name": a})
    right = record_features({"given_name": b})
    forms_agree = bool(set(left["given_forms"]) & set(right["given_forms"]))
    assert forms_agree == same_given_name(a, b)
    token_match = match_token(a, b, b.title())
    search_agrees = token_match is not None and token_match.kind in (
        NameMatchKind.EXACT,
        NameMatchKind.SHORT_FORM,
    )
    assert search_agrees == forms_agree
