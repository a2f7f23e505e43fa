"""Identifiers for the synthetic world that cannot belong to a real person, place or vehicle.

- NHS numbers come from the 999 range the NHS keeps for testing, with a valid check digit.
- Phone numbers come from Ofcom's ranges reserved for drama (07700 900xxx and the geographic 496 / 960
  ranges); a world too large for them (over about twelve thousand phones) continues in 07700 9xxxxx.
- Registrations follow the current format but always carry an I or Q in the last three letters, which
  the DVLA never issues there.
"""

from __future__ import annotations

import random
import string

from tessera.people.identifiers import nhs_number_check_digit, normalise_phone

_DRAMA_RANGES = (
    ("07700 900", 1000),
    ("0114 496 0", 1000),
    ("0113 496 0", 1000),
    ("0115 496 0", 1000),
    ("0116 496 0", 1000),
    ("0117 496 0", 1000),
    ("0118 496 0", 1000),
    ("0121 496 0", 1000),
    ("0131 496 0", 1000),
    ("0141 496 0", 1000),
    ("0151 496 0", 1000),
    ("0161 496 0", 1000),
)
_PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_PLATE_AGES = [f"{n:02d}" for n in [*range(51, 75), *range(1, 25)]]


class Numbers:
    """Hands out unique identifiers in a fixed order, so the same seed gives the same world."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._nhs = 0
        self._phone = 0
        self._police = 0
        self._la = 0
        self._pupil = 0
        self._plates: set[str] = set()
        self._handles: set[tuple[str, str]] = set()

    def nhs_number(self) -> str:
        """The next valid NHS number in the test range, or '' once the range is used up."""
        while self._nhs < 1_000_000:
            first_nine = f"999{self._nhs:06d}"
            self._nhs += 1
            check = nhs_number_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"
        return ""

    def phone(self) -> str:
        """The next reserved number, normalised to E.164."""
        n = self._phone
        self._phone += 1
        for prefix, size in _DRAMA_RANGES:
            if n < size:
                return normalise_phone(f"{prefix}{n:03d}")
            n -= size
        return normalise_phone(f"07700 9{n + 1000:05d}")

    def police_id(self) -> str:
        self._police += 1
        return f"SY{self._police:08d}"

    def la_id(self, district_code: str) -> str:
        self._la += 1
        return f"{district_code[:3].upper()}{self._la:07d}"

    def pupil_number(self, la_code: str) -> str:
        """A unique pupil number: a letter, the local authority's three digits and nine more."""
        self._pupil += 1
        return f"S{la_code}{self._pupil:09d}"

    def registration(self, area: str) -> str:
        while True:
            letters = [self.rng.choice(_PLATE_LETTERS) for _ in range(3)]
            letters[self.rng.randrange(3)] = self.rng.choice("IQ")
            plate = f"{area}{self.rng.choice(_PLATE_AGES)}{''.join(letters)}"
            if plate not in self._plates:
                self._plates.add(plate)
                return plate

    def handle(self, platform: str, words: tuple[str, ...], given: str) -> str:
        while True:
            stem = self.rng.choice([given.lower(), self.rng.choice(words)])
            candidate = f"{stem}_{self.rng.choice(words)}{self.rng.randrange(1, 999)}"
            candidate = "".join(ch for ch in candidate if ch in string.ascii_lowercase + string.digits + "_")
            if (platform, candidate) not in self._handles:
                self._handles.add((platform, candidate))
                return candidate
