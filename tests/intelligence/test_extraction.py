"""Names, registrations and phone numbers found in a report's text (a pure function)."""

from __future__ import annotations

from tessera.intelligence.extraction import MentionKind, mentions

TEXT = (
    "Yesterday Tariq Hussain drove her in a silver Vauxhall Astra YK62 ABC to the Premier Inn on "
    "Cemetery Road. She said a man called Kaz ('Little K') rang her on 07700 900123 and on "
    "+44 7700 900456. On Friday she met Mary-Jane O'Neill at Meadowhall; Ellie McDonald was there."
)


def found(text: str, kind: MentionKind) -> list[str]:
    return [m.normal for m in mentions(text) if m.kind == kind]


def test_names_nicknames_plates_and_phones_are_found_in_the_order_written():
    got = [(m.kind, m.normal) for m in mentions(TEXT)]
    assert got == [
        (MentionKind.NAME, "Tariq Hussain"),
        (MentionKind.REGISTRATION, "YK62ABC"),
        (MentionKind.NAME, "Kaz"),
        (MentionKind.NICKNAME, "Little K"),
        (MentionKind.PHONE, "+447700900123"),
        (MentionKind.PHONE, "+447700900456"),
        (MentionKind.NAME, "Mary-Jane O'Neill"),
        (MentionKind.NAME, "Ellie McDonald"),
    ]


def test_where_each_was_written_is_kept():
    for mention in mentions(TEXT):
        assert TEXT[mention.start : mention.end] == mention.written


def test_streets_premises_cars_days_and_sentence_openings_are_not_names():
    names = found(TEXT, MentionKind.NAME)
    for not_a_name in (
        "Premier Inn",
        "Cemetery Road",
        "Vauxhall Astra",
        "Yesterday Tariq Hussain",
        "On Friday",
    ):
        assert not_a_name not in names


def test_the_same_plate_or_number_written_two_ways_is_offered_once():
    text = "Seen in yk62abc at 10pm, then YK62 ABC again; rang 07700900123 and +447700 900123."
    assert found(text, MentionKind.REGISTRATION) == ["YK62ABC"]
    assert found(text, MentionKind.PHONE) == ["+447700900123"]


def test_older_plate_formats_are_found():
    assert found("A white van M123 ABC and a car ABC 123D", MentionKind.REGISTRATION) == [
        "M123ABC",
        "ABC123D",
    ]


def test_text_with_nothing_in_it_offers_nothing():
    assert mentions("") == []
    assert mentions("she went to the park and came home late") == []


def test_a_person_known_as_a_single_name_is_offered_after_words_that_introduce_one():
    assert found("an older male known as Jay gave her vodka", MentionKind.NAME) == ["Jay"]
