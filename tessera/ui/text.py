"""Characters that have no place in what people type or partners send, as pure functions.

A name with a right-to-left override displays as something other than what is stored (``Kayleigh`` can
show as ``hgielyaK``), a zero-width space makes two identical-looking names differ for search and
linkage, and a line break in a name breaks every list and export it appears in. Free text may hold line
breaks but not text-direction controls (they can make a note read differently from what it says) or
other control characters, NUL above all (PostgreSQL cannot store it).
"""

from __future__ import annotations

import unicodedata

# Controls that change the direction text is displayed in: embeddings, overrides, isolates and marks.
DIRECTION_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")
_FREE_TEXT_CONTROLS_ALLOWED = frozenset("\n\r\t")


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "").lower()
    if char == "\x00":
        return "a NUL character (U+0000)"
    if char in _LINE_BREAKS:
        return "a line break"
    if char == "\t":
        return "a tab"
    if char in DIRECTION_CONTROLS:
        return f"a text-direction control ({code})"
    if unicodedata.category(char) == "Cf":
        return f"an invisible character ({code}{', ' + name if name else ''})"
    return f"a control character ({code})"


def name_problem(value: str) -> str | None:
    """What in a name cannot be accepted ("a line break"), or None if it is fine."""
    for char in value:
        if char in _LINE_BREAKS or unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            return _describe(char)
    return None


def free_text_problem(value: str) -> str | None:
    """What in free text (a note, a description) cannot be accepted, or None if it is fine."""
    for char in value:
        if char in DIRECTION_CONTROLS:
            return _describe(char)
        if unicodedata.category(char) == "Cc" and char not in _FREE_TEXT_CONTROLS_ALLOWED:
            return _describe(char)
    return None
