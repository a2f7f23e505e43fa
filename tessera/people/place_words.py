"""The words a place is found under, and the words that name places rather than people (pure).

A place is searched by what people call it: its name ("Premier Inn"), its street ("Millstone Walk") or
what kind of place it is ("hotel"). Each place is indexed under the words of all three (``PlaceWord``), so
a search never scans places. Words that name kinds of place or streets ("hotel", "inn", "walk", "road")
are not taken as the sound of a surname in person search: "hotel" must not find a Mr Hodell.
"""

from __future__ import annotations

from collections.abc import Iterable

from tessera.people.names import name_tokens

# Words naming kinds of place and parts of an address. A person is found by one only when a source
# recorded exactly that name (a Mr Park), never by its sound or spelling.
PLACE_VOCABULARY = frozenset(
    {
        # kinds of place (people.LocationKind) and what people call them
        "home", "childrens", "hotel", "motel", "inn", "hostel", "lodge", "guesthouse", "takeaway",
        "kebab", "pizza", "chippy", "taxi", "taxis", "cabs", "cab", "firm", "park", "school", "academy",
        "college", "shop", "store", "supermarket", "cafe", "pub", "bar", "club", "station", "centre",
        "center", "garage", "flat", "flats", "house", "place",
        # streets
        "road", "rd", "street", "st", "walk", "lane", "ln", "avenue", "ave", "close", "drive", "way",
        "court", "crescent", "grove", "terrace", "gardens", "square", "row", "mews", "hill", "view",
        "parade", "precinct",
    }
)  # fmt: skip

# Words too common to drive a look-up on their own.
_TOO_SHORT = 2


def words_of(texts: Iterable[str]) -> set[str]:
    """Lower-case words of the texts, without numbers, accents or punctuation ("Children's" -> "childrens")."""
    return {word for text in texts for word in name_tokens(text) if len(word) >= _TOO_SHORT}


def place_words(kind_label: str, name: str, address_line_1: str) -> set[str]:
    """Every word a place is found under: its kind, its name and its street."""
    return words_of([kind_label, name, address_line_1])


def is_place_word(token: str) -> bool:
    return token in PLACE_VOCABULARY
