"""Clustering refuses merges that cannot be one person, however strong the score (pure, no database)."""

from dataclasses import replace

from tessera.linkage.clustering import (
    HOUSEHOLD_MIN_PAIRS,
    SAFETY_RULES,
    HouseholdEvidence,
    RecordFacts,
    adult_and_child,
    cluster,
    dates_compatible,
    family_in_one_household,
    household_evidence,
    names_compatible,
    safety_rules,
    siblings_in_one_household,
)
from tessera.linkage.evaluation import exact_cluster_scores, household_false_merges, pairwise_cluster_scores
from tessera.linkage.features import address_key, given_forms, normalise_name, soundex


def _facts(given, dob, nhs=None, family="hallamshire", address="41cutlersrow|S614QT", recorded=2026):
    """A record of a child in one household (the same surname and address unless given)."""
    return RecordFacts(dob=dob, nhs_number=nhs, given_name=normalise_name(given),
                       given_forms=frozenset(given_forms(given)), family_name=family,
                       address_key=address, dob_year=dob[:4] if dob else None,
                       recorded_year=recorded)  # fmt: skip


def test_siblings_are_never_merged_even_through_a_record_with_no_birthday():
    facts = {
        1: _facts("Kayleigh", "2010-03-14"),
        2: _facts("Kayla", "2012-06-02"),
        3: _facts("Kayleigh", None),
    }
    # A vague record (no date of birth) scores highly with both sisters.
    result = cluster(facts, [(1, 3, 0.9999), (2, 3, 0.9995), (1, 2, 0.9991)], facts)
    assert result.cluster_of[1] != result.cluster_of[2]
    assert result.cluster_of[1] == result.cluster_of[3], "the strongest edge wins the vague record"
    assert {(a, b) for a, b, _ in result.refused} == {(2, 3), (1, 2)}


def test_twins_with_different_first_names_are_kept_apart():
    facts = {1: _facts("Keeley", "2011-11-29"), 2: _facts("Madison", "2011-11-29")}
    assert cluster(facts, [(1, 2, 0.9999)], facts).refused == [(1, 2, 0.9999)]


def test_a_short_form_a_slip_or_a_swapped_birthday_still_links():
    facts = {
        1: _facts("Rebecca", "2010-03-04"),
        2: _facts("Becky", "2010-04-03"),
        3: _facts("Rebbeca", "2010-03-05"),
    }
    result = cluster(facts, [(1, 2, 0.9999), (1, 3, 0.9999)], facts)
    assert len(set(result.cluster_of.values())) == 1


def test_a_father_known_only_by_an_approximate_age_is_not_his_namesake_son():
    son = _facts("Tunde", "2021-11-02")
    father = RecordFacts(
        given_name="tunde", given_forms=frozenset({"tunde"}), approx_birth_year=1971, recorded_year=2024
    )
    guess = RecordFacts(
        given_name="tunde", given_forms=frozenset({"tunde"}), approx_birth_year=2019, recorded_year=2024
    )
    facts = {1: son, 2: father, 3: guess}
    result = cluster(facts, [(1, 2, 0.9999), (1, 3, 0.9998)], facts)
    assert result.cluster_of[2] == 2
    assert result.cluster_of[3] == result.cluster_of[1], "an estimate within three years is compatible"


def test_different_nhs_numbers_are_never_one_person():
    facts = {1: _facts("Ava", "2010-01-01", "9434765919"), 2: _facts("Ava", "2010-01-01", "4010232137")}
    assert cluster(facts, [(1, 2, 0.99999)], facts).cluster_of[2] == 2


def test_people_s_decisions_override_the_model_both_ways():
    facts = {1: _facts("Ava", "2010-01-01"), 2: _facts("Ava", "2010-01-01"), 3: _facts("Zara", "2001-05-05")}
    result = cluster(facts, [(1, 2, 0.9999)], facts, must_link=[(1, 3)], cannot_link=[(2, 3)])
    assert result.cluster_of[1] == result.cluster_of[3] != result.cluster_of[2]


def test_dates_within_a_month_or_one_slip_are_compatible_and_a_year_apart_are_not():
    assert dates_compatible("2010-03-14", "2010-03-41"[:8] + "14")
    assert dates_compatible("2010-03-14", "2010-04-02")
    assert dates_compatible("2010-03-14", "2011-03-14")  # one digit
    assert not dates_compatible("2010-03-14", "2011-09-20")


def test_scores_count_pairs_and_whole_people():
    truth = {1: 1, 2: 1, 3: 2, 4: 2}
    predicted = {1: 1, 2: 1, 3: 1, 4: 4}
    pairwise = pairwise_cluster_scores(predicted, truth)
    assert (pairwise.true_positives, pairwise.false_positives, pairwise.false_negatives) == (1, 2, 1)
    assert exact_cluster_scores(truth, truth).f1 == 1.0
    assert household_false_merges(predicted, truth, {1: "a", 3: "a", 4: "a"}) == 1


def test_sound_alike_keys_and_one_address_key():
    assert soundex("Robert") == soundex("Rupert") == "r163"
    assert soundex("Thornley") == soundex("Thornly")
    assert normalise_name(" Kay-Leigh O'Brien ") == "kayleighobrien"
    assert address_key("12 Furnace Lane", "s60 1aa") == address_key("12, Furnace lane", "S601AA")
    assert {"becky", "rebecca"} <= set(given_forms("Becky"))
    assert not set(given_forms("Alexander")) & set(given_forms("Alexandra"))


def test_tied_edges_give_the_same_people_in_any_order():
    # Two sisters' records and a vague one that scores exactly the same with both: whichever edge comes
    # first in the input, the vague record goes with the lower record id.
    facts = {
        1: _facts("Kayleigh", "2010-03-14"),
        2: _facts("Kayla", "2012-06-02"),
        3: _facts("Kayleigh", None),
    }
    edges = [(1, 3, 0.995), (2, 3, 0.995)]
    forwards = cluster([1, 2, 3], edges, facts)
    backwards = cluster([3, 2, 1], [(b, a, p) for a, b, p in reversed(edges)], facts)
    assert forwards.cluster_of == backwards.cluster_of == {1: 1, 2: 2, 3: 1}
    assert forwards.reasons == backwards.reasons


def test_an_adult_and_a_child_when_recorded_are_never_one_person_whatever_the_gap():
    # Issue 12's line: under 18 and over 25 at the time of the (later) record.
    child, adult = (
        _facts("Jordan", "2010-05-01", recorded=2024),
        _facts("Jordan", "1998-05-01", recorded=2024),
    )
    assert adult_and_child(child, adult)
    # Fourteen-year-old and twenty-year-old: neither side of the line is crossed; other rules decide.
    assert not adult_and_child(child, _facts("Jordan", "2004-05-01", recorded=2024))
    # Two adults born 40 years apart are not this rule's business (FEBRL's typed-over birthdays).
    assert not adult_and_child(_facts("Jordan", "1940-05-01"), _facts("Jordan", "1980-05-01"))
    # Recorded as a child in 2008 and as an adult in 2024: the same birthday is the same person.
    assert not adult_and_child(_facts("Jordan", "1994-05-01", recorded=2008), _facts("Jordan", "1994-05-01"))
    # Issue 12: with both full dates of birth nothing excuses it, not even a year one digit apart.
    assert adult_and_child(_facts("Jordan", "2010-05-01"), _facts("Jordan", "2000-05-01"))


def test_siblings_in_one_household_whether_or_not_a_birthday_is_recorded():
    kayleigh = _facts("Kayleigh", "2010-03-14")
    assert siblings_in_one_household(kayleigh, _facts("Shannon", "2012-06-02"))
    assert siblings_in_one_household(kayleigh, _facts("Madison", None)), "a sister with no birthday recorded"
    assert not siblings_in_one_household(_facts("Rebecca", "2010-03-14"), _facts("Becky", "2010-04-03"))
    assert not siblings_in_one_household(kayleigh, _facts("Kayleigh", None))
    assert not siblings_in_one_household(kayleigh, _facts("Madison", None, family="thornley")), (
        "not one household"
    )
    # One of the two apart and the other agreeing is the other rule's: twins, or a namesake parent.
    assert not siblings_in_one_household(kayleigh, _facts("Madison", "2010-03-14"))
    assert not siblings_in_one_household(kayleigh, _facts("Kayleigh", "1988-06-02"))


def test_family_in_one_household_when_only_one_of_name_and_birthday_is_apart():
    kayleigh = _facts("Kayleigh", "2010-03-14")
    assert family_in_one_household(kayleigh, _facts("Madison", "2010-03-14")), "twins"
    assert family_in_one_household(kayleigh, _facts("Kayleigh", "1988-06-02")), "a namesake parent"
    assert family_in_one_household(kayleigh, _facts("Kayla", "2012-06-02")), "a sister, Kayla"
    assert not family_in_one_household(kayleigh, _facts("Shannon", "2012-06-02")), "siblings rule's"
    assert not family_in_one_household(kayleigh, _facts("Madison", None)), "siblings rule's"
    assert not family_in_one_household(kayleigh, _facts("Kayleigh", "2010-03-15")), "one person"
    assert not family_in_one_household(kayleigh, _facts("Madison", "2010-03-14", family="thornley")), (
        "not one household"
    )


def test_a_short_name_one_slip_apart_is_one_name():
    for typed, other in (("Leo", "Lo"), ("Ivy", "Iy"), ("Mia", "Mai"), ("Tia", "Tai")):
        assert names_compatible(_facts(typed, "2017-08-25"), _facts(other, "2017-08-25")), (typed, other)
    assert not names_compatible(_facts("Mia", "2017-08-25"), _facts("Leo", "2017-08-25"))
    assert not family_in_one_household(_facts("Leo", "2017-08-25"), _facts("Lo", "2017-08-25"))


def test_households_are_judged_from_pairs_sharing_a_surname_and_an_address():
    siblings = (_facts("Kayleigh", "2010-03-14"), _facts("Shannon", "2012-06-02"))
    one_child_typed_over = (_facts("Kayleigh", "2010-03-14"), _facts("Madison", "2010-03-14"))
    no_birthday = (_facts("Kayleigh", "2010-03-14"), _facts("Shannon", None))
    assert household_evidence([siblings, one_child_typed_over, no_birthday]) == HouseholdEvidence(2, 1)
    few = HOUSEHOLD_MIN_PAIRS - 1
    assert HouseholdEvidence(few, 0).households, "too few pairs to say: judged to have households"
    assert not HouseholdEvidence(1000, 7).households, "FEBRL: 0.7% plainly two people"
    assert HouseholdEvidence(1000, 650).households, "Tessera's worlds: 65-82%"
    assert HouseholdEvidence(1000, 100).households


def test_without_households_the_household_rules_are_not_applied_and_the_others_still_are():
    assert safety_rules() == SAFETY_RULES
    without = {rule.name for rule in safety_rules(households=False)}
    assert without == {rule.name for rule in SAFETY_RULES} - {
        "family_in_one_household",
        "siblings_in_one_household",
    }
    one_child = {1: _facts("Kayleigh", "2010-03-14"), 2: _facts("Madison", "2010-03-14")}
    edge = [(1, 2, 0.9999)]
    assert cluster(one_child, edge, one_child).refused == edge
    assert cluster(one_child, edge, one_child, rules=safety_rules(households=False)).refused == []
    # One person's record with the first name and the birthday typed over, where there are no households.
    typed_over = {1: _facts("Kayleigh", "2010-03-14"), 2: _facts("Shannon", "2012-06-02")}
    assert cluster(typed_over, edge, typed_over).refused == edge, "siblings, where there are households"
    assert cluster(typed_over, edge, typed_over, rules=safety_rules(households=False)).refused == []
    adult = {
        1: _facts("Jordan", "2010-05-01", recorded=2024),
        2: _facts("Jordan", "1990-05-01", recorded=2024),
    }
    assert cluster(adult, edge, adult, rules=safety_rules(households=False)).refused == edge


def test_one_shared_identifier_and_birthday_is_one_person_whatever_the_first_name():
    def keyed(given, dob, identifier):
        return replace(_facts(given, dob), identifiers=frozenset({identifier}))

    # A first name typed over on one record: the agency's own ID and the birthday agree.
    assert not family_in_one_household(
        keyed("Kayleigh", "2010-03-14", "la:77"), keyed("Shannon", "2010-03-14", "la:77")
    )
    # Twins have an ID each; a mother's number on her baby's record matches neither name nor birthday.
    assert family_in_one_household(
        keyed("Kayleigh", "2010-03-14", "la:77"), keyed("Shannon", "2010-03-14", "la:78")
    )
    assert adult_and_child(keyed("Shannon", "1990-01-02", "nhs:1"), keyed("Kayleigh", "2020-05-06", "nhs:1"))


def test_an_agency_id_shared_at_one_home_is_one_person_even_with_name_and_birthday_typed_over():
    def keyed(given, dob, identifier):
        return replace(_facts(given, dob), identifiers=frozenset({identifier}))

    shannon = keyed("Shannon", "2012-06-02", "la_person_id:ROT77")
    assert not siblings_in_one_household(keyed("Kayleigh", "2010-03-14", "la_person_id:ROT77"), shannon)
    assert not siblings_in_one_household(
        keyed("Kayleigh", None, "police_person_id:SY1"), keyed("Shannon", None, "police_person_id:SY1")
    )
    # Each sister has her own; a mother's NHS number on her baby's record is no agency's own ID.
    assert siblings_in_one_household(keyed("Kayleigh", "2010-03-14", "la_person_id:ROT78"), shannon)
    assert siblings_in_one_household(
        keyed("Kayleigh", "2010-03-14", "nhs_number:9434765919"),
        keyed("Shannon", "2012-06-02", "nhs_number:9434765919"),
    )
    # Nor does it excuse an adult and a child.
    assert adult_and_child(
        keyed("Shannon", "1990-01-02", "la_person_id:ROT77"),
        keyed("Kayleigh", "2020-05-06", "la_person_id:ROT77"),
    )
