"""What a careless user, a broken client or an attacker might type into a field."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

# Examples per form and per import profile. CI keeps this modest so the suite stays quick on 2 cores;
# `TESSERA_GUARD_EXAMPLES=500 pytest tests/guards` searches harder.
GUARD_EXAMPLES = int(os.environ.get("TESSERA_GUARD_EXAMPLES", "30"))

# TESSERA_GUARD_SHRINK=0 reports the first failing post as found, without looking for a smaller one
# (quicker while fixing many at once).
_PHASES = tuple(Phase) if os.environ.get("TESSERA_GUARD_SHRINK", "1") != "0" else (Phase.generate,)

guard_settings = settings(
    max_examples=GUARD_EXAMPLES,
    phases=_PHASES,
    deadline=None,
    # The database and the signed-in client are made once per test and shared by its examples, on purpose:
    # what one odd post leaves behind is part of what the next one meets.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Characters that have broken systems like this one: text-direction overrides, zero-width and joiner
# characters, a byte-order mark, NUL and other controls, line and paragraph separators, combining marks,
# characters outside the Basic Multilingual Plane, and the halves of a surrogate pair written as text.
ODD_CHARACTERS = [
    "\u202e",
    "\u202d",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\x00",
    "\x07",
    "\x1b",
    "\u2028",
    "\u2029",
    "\r\n",
    "\n",
    "\t",
    "e\u0301",
    "\U0001f600",
    "\U0001d518",
    "\ufffd",
    "'",
    '"',
    "<script>",
    "%",
    "\\",
    "ß",
    "İ",
]

# Any text that can travel in a form post (a lone surrogate cannot be encoded as UTF-8 at all).
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
odd_text = st.lists(st.one_of(st.sampled_from(ODD_CHARACTERS), any_text), min_size=1, max_size=6).map("".join)
huge_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["99999999999999999999", "9" * 5001, "-1", "0", "1e309", "NaN", "inf", "0x10", "１２"]),
)
long_text = st.integers(min_value=250, max_value=20_000).map(lambda n: "x" * n)
odd_date_part = st.sampled_from(["0", "00", "31", "32", "13", "29", "-5", "2.5", " 7 ", "٣"])


def value_for(offered: list[str]) -> st.SearchStrategy[str]:
    """One value for one field: most often something the page offers (so the post gets past the first
    check and meets the deeper ones), otherwise anything at all."""
    choices: list[st.SearchStrategy[str]] = [any_text, odd_text, huge_number, long_text, odd_date_part]
    if offered:
        choices = [st.sampled_from(offered), st.sampled_from(offered), *choices]
    return st.one_of(choices)
