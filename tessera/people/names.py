"""Names compared the way people misremember and mistype them, as pure functions.

Search and matching compare *tokens*: lower case, without accents or punctuation, with hyphenated
and double-barrelled names split ("Smith-Kaur" is "smith" and "kaur"). Each token has a phonetic key
(metaphone), so "Thornly" finds "Thornley", and given names also carry the full names they may stand
for ("Jay" stands for James, Jason, Jayden...), so a nickname finds the full name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jellyfish

from tessera.people.name_variants import full_names_for

_NOT_LETTER = re.compile(r"[^a-z]+")
_APOSTROPHES = re.compile(r"['’`]")

# Prefixes of search keys, so one indexed column holds every kind of name key.
PHONETIC = "p:"
FULL_NAME = "n:"


def name_tokens(text: str) -> list[str]:
    """'Ellie-Mae O'Neill' -> ['ellie', 'mae', 'oneill']."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    return [token for token in _NOT_LETTER.split(ascii_text) if token]


@lru_cache(maxsize=65536)
def phonetic_key(token: str) -> str:
    """The metaphone of a token ('thornly' and 'thornley' both give '0RNL'); empty for an empty token."""
    return jellyfish.metaphone(token) if token else ""


def token_keys(token: str) -> set[str]:
    """Search keys for one name token: its sound, and the full names it may be short for."""
    keys = {PHONETIC + phonetic_key(token)} if token else set()
    keys.update(FULL_NAME + full for full in full_names_for(token))
    return keys


def search_keys_for_names(names: Iterable[str]) -> set[str]:
    """Every search key for a set of recorded names (given, middle, family, other names)."""
    keys: set[str] = set()
    for name in names:
        for token in name_tokens(name):
            keys |= token_keys(token)
    return keys


def spelling_similarity(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two tokens, 0 to 1 (transposed and dropped letters still score high)."""
    return jellyfish.jaro_winkler_similarity(a, b)
