"""The mistakes agencies make when they record a person, as pure functions of a random source.

Each function returns the recorded value and leaves the truth alone, so ground truth can name exactly
which errors a source record carries (for evaluating linkage later).
"""

from __future__ import annotations

import random
from datetime import date

from tessera.people.name_variants import everyday_short_forms

# Neighbouring keys on a UK keyboard, for slips of the finger.
_KEY_NEIGHBOURS = {
    "a": "qsz", "b": "vgn", "c": "xdv", "d": "sfe", "e": "wrd", "f": "dgr", "g": "fht", "h": "gjy",
    "i": "uok", "j": "hku", "k": "jli", "l": "kop", "m": "nj", "n": "bmh", "o": "ipl", "p": "ol",
    "q": "wa", "r": "etf", "s": "adw", "t": "rgy", "u": "yij", "v": "cbf", "w": "qes", "x": "zcs",
    "y": "tuh", "z": "xa",
}  # fmt: skip
_VOWELS = "aeiou"


def typo(rng: random.Random, name: str) -> str:
    """One slip: two letters swapped, a letter dropped or doubled, a neighbouring key, or a vowel changed."""
    if len(name) < 3:
        return name
    position = rng.randrange(1, len(name) - 1)
    letters = list(name)
    kind = rng.randrange(5)
    if kind == 0:
        letters[position], letters[position + 1] = letters[position + 1], letters[position]
    elif kind == 1:
        del letters[position]
    elif kind == 2:
        letters.insert(position, letters[position])
    elif kind == 3:
        lower = letters[position].lower()
        if lower in _KEY_NEIGHBOURS:
            letters[position] = rng.choice(_KEY_NEIGHBOURS[lower])
    else:
        vowels = [i for i, ch in enumerate(letters) if ch.lower() in _VOWELS and i > 0]
        if vowels:
            index = rng.choice(vowels)
            letters[index] = rng.choice([v for v in _VOWELS if v != letters[index].lower()])
    changed = "".join(letters)
    return changed if changed.lower() != name.lower() else name[:-1] + name[-1] * 2


def nickname(rng: random.Random, given: str) -> str | None:
    """A short form of the given name, as a friend or the child would say it, or None if it has none."""
    shorts = everyday_short_forms(given.lower())
    return rng.choice(shorts).title() if shorts else None


def swap_day_and_month(value: date) -> date | None:
    """The date written the American way round, when that is still a real, different date."""
    if value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
