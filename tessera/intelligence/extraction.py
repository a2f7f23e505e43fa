"""Names, vehicle registrations and phone numbers written in an intelligence report's text.

A pure function of the text: ``mentions(text)`` returns what looks like a person's name (or a nickname
in quotes), a registration or a phone number, each once, in the order first written, with where it is.
They are only suggestions: the page offers each to the author, who confirms it as a subject (an existing
record or a new one) or leaves it. So the rules prefer finding too much to missing something, but stop
short of offering every capitalised word: sentence openings, days, months, street and premises words are
not names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from tessera.people.identifiers import DEFAULT_PHONE_REGION


class MentionKind(StrEnum):
    NAME = "name"
    NICKNAME = "nickname"
    REGISTRATION = "registration"
    PHONE = "phone"


@dataclass(frozen=True)
class Mention:
    kind: MentionKind
    # As written in the text, and in the form Tessera stores it (registration without spaces, phone in
    # E.164, name with single spaces), which is what two mentions are compared by.
    written: str
    normal: str
    start: int
    end: int

    @property
    def kind_label(self) -> str:
        return {
            "name": "Name",
            "nickname": "Nickname",
            "registration": "Registration",
            "phone": "Phone number",
        }[self.kind]


# Current plates (YK62 ABC), prefix plates (M123 ABC) and suffix plates (ABC 123M).
_CURRENT_PLATE = re.compile(r"\b([A-Z]{2}[0-9]{2})\s?([A-Z]{3})\b", re.IGNORECASE)
_PREFIX_PLATE = re.compile(r"\b[A-Z][0-9]{1,3}\s?[A-Z]{3}\b")
_SUFFIX_PLATE = re.compile(r"\b[A-Z]{3}\s?[0-9]{1,3}[A-Z]\b")

# A nickname in straight or curly quotes: 'Kaz', "Little J" (one to three words, the first capitalised).
_NICKNAME = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=\())['‘\"“]([A-Z][\w\-]*(?:\s[\w\-]+){0,2})['’\"”](?=\W|$)")
_WORD = r"(?:[DO]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?"
# Two or three capitalised words in a row: "Tariq Hussain", "Mary-Jane O'Neill".
_FULL_NAME = re.compile(rf"\b({_WORD})((?:\s+{_WORD}){{1,2}})\b")
# One name after words that introduce a person: "a man called Kaz", "known as Jay".
_CALLED = re.compile(rf"\b(?:called|named|known as|calls himself|calls herself)\s+({_WORD})\b")

# Capitalised words that are not names where a name could stand.
_NOT_NAMES_TEXT = """
    a an and at but by for from he her him his i if in it its me my no of on or our she so the their them
    then there they this to up us was we when where who with you your after before during while also
    monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
    january february march april may june july august september october november december
    road rd street st lane ln avenue ave close drive dr way walk crescent terrace place square park hill
    court gardens grove green row parade estate centre center station hotel inn lodge takeaway kebab pizza
    chicken shop school academy college flat flats house home car taxi taxis cars bus retail mall
    police officer pc ds dc dci sgt social worker care services council team unit youth
    north south east west upper lower new old great little
    ford vauxhall astra corsa golf bmw audi toyota nissan honda mercedes volkswagen kia hyundai peugeot
    silver black white red blue grey gray green
    snapchat instagram whatsapp facebook tiktok telegram
    rotherham sheffield doncaster barnsley yorkshire england uk
"""
NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


def _is_name_word(word: str) -> bool:
    return word.casefold() not in NOT_NAMES


def _registrations(text: str) -> list[Mention]:
    found = []
    for pattern in (_CURRENT_PLATE, _PREFIX_PLATE, _SUFFIX_PLATE):
        for match in pattern.finditer(text):
            written = match.group(0)
            normal = re.sub(r"\s", "", written).upper()
            # A lower-case "ab12 cde" is a plate; "be12 and" (a word and a number) is the price of that,
            # so a current plate's last three letters must not be an ordinary word.
            if written[-3:].casefold() in NOT_NAMES:
                continue
            found.append(Mention(MentionKind.REGISTRATION, written, normal, match.start(), match.end()))
    return found


def _phones(text: str) -> list[Mention]:
    found = []
    # POSSIBLE rather than VALID: numbers from the ranges kept for drama and tests (07700 900xxx) and
    # newly issued ranges the library does not know yet are still numbers someone wrote down.
    matcher = phonenumbers.PhoneNumberMatcher(
        text, DEFAULT_PHONE_REGION, leniency=phonenumbers.Leniency.POSSIBLE
    )
    for match in matcher:
        normal = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append(Mention(MentionKind.PHONE, match.raw_string, normal, match.start, match.end))
    return found


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:\n"


def _names(text: str) -> list[Mention]:
    found = []
    for match in _FULL_NAME.finditer(text):
        words = [(w.start(), w.end()) for w in re.finditer(r"\S+", match.group(0))]
        words = [(match.start() + s, match.start() + e) for s, e in words]
        # Words that cannot be names drop off the front ("Monday Tariq Hussain"); so does a sentence's
        # opening word before two more ("Yesterday Tariq Hussain"), capitalised only by its place.
        while words and not _is_name_word(text[words[0][0] : words[0][1]]):
            words = words[1:]
        if len(words) == 3 and _sentence_start(text, words[0][0]):
            words = words[1:]
        if len(words) < 2 or not all(_is_name_word(text[s:e]) for s, e in words):
            continue
        start, end = words[0][0], words[-1][1]
        normal = " ".join(text[s:e] for s, e in words)
        found.append(Mention(MentionKind.NAME, text[start:end], normal, start, end))
    for match in _CALLED.finditer(text):
        word = match.group(1)
        if _is_name_word(word):
            found.append(Mention(MentionKind.NAME, word, word, match.start(1), match.end(1)))
    for match in _NICKNAME.finditer(text):
        nickname = " ".join(match.group(1).split())
        if nickname.casefold() not in NOT_NAMES:
            found.append(Mention(MentionKind.NICKNAME, match.group(0), nickname, match.start(), match.end()))
    return found


def mentions(text: str) -> list[Mention]:
    """Names, nicknames, registrations and phone numbers in ``text``, each once, in the order written.

    Where two overlap (a nickname in quotes inside a full name, a plate that also reads as a name) the
    earlier-starting, longer one is kept.
    """
    candidates = [*_registrations(text), *_phones(text), *_names(text)]
    candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    seen: set[tuple[MentionKind, str]] = set()
    taken_until = -1
    for mention in candidates:
        if mention.start < taken_until:
            continue
        key = (mention.kind, mention.normal.casefold())
        taken_until = mention.end
        if key in seen:
            continue
        seen.add(key)
        kept.append(mention)
    return kept
