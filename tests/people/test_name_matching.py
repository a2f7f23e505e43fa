"""Names, nicknames, what a search box was given, and why a person matched: pure functions, no database."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tessera.people.link_chart import MAX_NODES, layout
from tessera.people.matching import NameMatchKind, RecordedIdentity, explain_match, match_token
from tessera.people.name_variants import full_names_for, shared_full_name, short_forms
from tessera.people.names import name_tokens, phonetic_key, search_keys_for_names, token_keys
from tessera.people.search_query import day_month_swapped, parse_search
from tessera.people.summary import SourceSays, summarise


def identity(given: str, family: str, born: date | None = None, *others: str) -> RecordedIdentity:
    return RecordedIdentity(given, "", family, others, born)


def test_names_are_split_into_plain_tokens():
    assert name_tokens("Ellie-Mae O’Neill") == ["ellie", "mae", "oneill"]
    assert name_tokens("Zoë  Brontë") == ["zoe", "bronte"]


def test_misspellings_that_sound_alike_share_a_phonetic_key():
    assert phonetic_key("thornly") == phonetic_key("thornley")
    assert phonetic_key("mohamed") == phonetic_key("muhammad")
    assert phonetic_key("hussein") == phonetic_key("hussain")


def test_a_nickname_and_its_full_name_share_a_search_key():
    assert token_keys("becky") & token_keys("rebecca")
    assert token_keys("jay") & token_keys("jason")
    assert not token_keys("becky") & token_keys("jason")


def test_short_forms_can_belong_to_several_full_names():
    assert {"alexander", "alexandra"} <= full_names_for("alex")
    assert shared_full_name("sam", "samantha") == "samantha"
    assert shared_full_name("sam", "sam") is None


@given(st.sampled_from(sorted(short_forms())))
def test_every_short_form_finds_its_full_name(full):
    for short in short_forms()[full]:
        assert full in full_names_for(short)
        assert search_keys_for_names([short]) & search_keys_for_names([full.title()])


def test_the_search_box_understands_each_kind_of_detail():
    query = parse_search("943 476 5919 Kaylee yk62 qbc 07700 900123 @Jay_Wolf99 s60 1aa Thornly 14/3/2010")
    assert query.name_tokens == ("kaylee", "thornly")
    assert query.dates_of_birth == (date(2010, 3, 14),)
    assert query.registrations == ("YK62QBC",)
    assert query.phones == ("+447700900123",)
    assert query.handles == ("jay_wolf99",)
    assert query.postcodes == ("S60 1AA",)
    assert query.nhs_numbers == ("9434765919",)


def test_dates_of_birth_in_words_and_two_digit_years():
    assert parse_search("born 3rd March 2009").dates_of_birth == (date(2009, 3, 3),)
    assert parse_search("14/03/10").dates_of_birth == (date(2010, 3, 14),)
    assert parse_search("2010-03-14").dates_of_birth == (date(2010, 3, 14),)
    assert parse_search("31/02/2010").dates_of_birth == ()


def test_police_pupil_and_council_numbers_are_kept_as_references():
    assert parse_search("SY00000042").references == ("SY00000042",)
    assert parse_search("a123456789012").references == ("A123456789012",)


def test_a_bare_year_is_not_mistaken_for_an_identifier():
    query = parse_search("Kayleigh 2010")
    assert query.references == ()
    assert query.name_tokens == ("kayleigh",)


@given(st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)))
def test_swapping_day_and_month_twice_gives_the_date_back(value):
    swapped = day_month_swapped(value)
    if swapped is not None:
        assert swapped != value
        assert day_month_swapped(swapped) == value


@given(st.text(max_size=60))
def test_anything_typed_is_read_without_error(text):
    query = parse_search(text)
    assert query.text == " ".join(text.split())[:200]


def _kind(typed: str, recorded: str) -> NameMatchKind | None:
    match = match_token(typed, recorded, recorded.title())
    return match.kind if match else None


def test_matches_are_tried_strongest_first():
    assert _kind("thornley", "thornley") is NameMatchKind.EXACT
    assert _kind("becky", "rebecca") is NameMatchKind.SHORT_FORM
    assert _kind("thornly", "thornley") is NameMatchKind.SOUND
    assert _kind("kyaleigh", "kayleigh") is NameMatchKind.SPELLING
    assert _kind("k", "kayleigh") is NameMatchKind.INITIAL
    assert _kind("olivia", "thornley") is None


def test_with_a_matching_date_of_birth_one_name_is_enough():
    """Surnames change: a child known by a stepfather's name is still found by first name and birthday."""
    records = [identity("Kayleigh", "Smith", date(2010, 3, 14))]
    match = explain_match(parse_search("Kayleigh Thornley 14/03/2010"), records)
    assert match is not None
    assert "Date of birth 14 March 2010" in match.reasons


def test_without_a_date_of_birth_every_name_must_match():
    records = [identity("Kayleigh", "Smith", date(2010, 3, 14))]
    assert explain_match(parse_search("Kayleigh Thornley"), records) is None


def test_a_full_name_match_with_a_different_date_of_birth_is_shown_but_flagged():
    records = [identity("Kayleigh", "Thornley", date(2011, 3, 14))]
    match = explain_match(parse_search("Kayleigh Thornley 14/03/2010"), records)
    assert match is not None
    assert "Date of birth does not match any record" in match.reasons


def test_an_exact_match_scores_above_a_misspelling():
    query = parse_search("Kayleigh Thornley 14/03/2010")
    exact = explain_match(query, [identity("Kayleigh", "Thornley", date(2010, 3, 14))])
    misspelt = explain_match(query, [identity("Kayleigh", "Thornly", date(2010, 3, 14))])
    assert exact is not None
    assert misspelt is not None
    assert exact.score > misspelt.score


def test_an_alias_counts_as_a_name():
    match = explain_match(parse_search("Little K"), [identity("Kayleigh", "Thornley", None, "Little K")])
    assert match is not None
    assert "Name ‘Little K’" in match.reasons


def test_the_summary_takes_what_most_sources_agree_on_then_the_legal_record():
    sources = [
        SourceSays("police", "Becky", "Hallam", None, "female"),
        SourceSays("health", "Rebecca", "Hallam", date(2009, 5, 2), "female"),
        SourceSays("charity", "Becky", "Halam", date(2009, 2, 5), "unknown"),
    ]
    summary = summarise(sources)
    assert (summary.given_name, summary.family_name, summary.date_of_birth, summary.sex) == (
        "Becky",
        "Hallam",
        date(2009, 5, 2),
        "female",
    )


class _Link:
    def __init__(self, n: int) -> None:
        self.kind = "vehicle"
        self.label = f"A very long label for linked thing number {n}"
        self.link_label = "Seen in vehicle"


def test_the_link_chart_draws_at_most_sixteen_and_says_how_many_it_left_out():
    chart = layout("Tia Kirkby", [_Link(n) for n in range(20)])
    assert len(chart.nodes) == MAX_NODES
    assert chart.not_drawn == 4
    assert chart.title == "Link chart: Tia Kirkby and 20 linked entries"
    assert all(len(node.label) <= 26 for node in chart.nodes)
    assert all(0 <= node.x <= chart.width and 0 <= node.y <= chart.height for node in chart.nodes)
