"""Synthetic source records with known truth, for linkage tests (and the benchmark's stand-in world).

Each invented person gets one to four records from different agencies, with the mistakes agencies make:
typos, short forms of first names, a step-parent's surname, a move, a missing or day/month-swapped date of
birth, missing identifiers. How often each mistake happens is an ``ErrorModel``: ``ERROR_MODELS`` holds the
usual one and worlds heavy in one kind of mistake (surname changes, swapped names, missing birthdays,
slips of one digit), so linkage is measured on more than one generator's habits. Households put siblings with one surname at one address, some with similar
first names, so the tests can check siblings are never merged. Everything is invented.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

from tessera.people.identifiers import nhs_number_check_digit
from tessera.people.name_variants import everyday_short_forms

FEMALE = [
    "olivia",
    "amelia",
    "isla",
    "ava",
    "mia",
    "ivy",
    "lily",
    "freya",
    "florence",
    "willow",
    "aisha",
    "zara",
    "rebecca",
    "kayleigh",
    "katherine",
    "jessica",
    "sophie",
    "emily",
    "elizabeth",
    "charlotte",
    "abigail",
    "madison",
    "leah",
    "chloe",
    "megan",
    "lauren",
    "holly",
    "ellie",
    "jasmine",
    "amber",
    "paige",
    "courtney",
    "demi",
    "jade",
    "shannon",
    "keeley",
    "tia",
    "kacey",
    "summer",
    "poppy",
    "grace",
    "ruby",
    "evie",
    "maisie",
    "imogen",
    "erin",
    "niamh",
    "caitlin",
    "alisha",
    "amira",
    "hafsa",
    "maryam",
    "samina",
    "nadia",
]
MALE = [
    "oliver",
    "george",
    "noah",
    "arthur",
    "leo",
    "harry",
    "oscar",
    "archie",
    "jack",
    "ibrahim",
    "kai",
    "theo",
    "james",
    "william",
    "thomas",
    "joshua",
    "daniel",
    "michael",
    "matthew",
    "robert",
    "samuel",
    "benjamin",
    "joseph",
    "nathan",
    "lewis",
    "callum",
    "connor",
    "kieran",
    "liam",
    "jordan",
    "tyler",
    "reece",
    "bradley",
    "ryan",
    "dylan",
    "mason",
    "logan",
    "riley",
    "jayden",
    "aaron",
    "adam",
    "ali",
    "bilal",
    "hamza",
    "imran",
    "usman",
    "zain",
    "kyle",
    "declan",
]
_SYLLABLES = [
    "ash",
    "bar",
    "brad",
    "brook",
    "burn",
    "by",
    "cald",
    "cliff",
    "cot",
    "dale",
    "dean",
    "den",
    "don",
    "ell",
    "ford",
    "gate",
    "green",
    "hal",
    "ham",
    "hill",
    "holm",
    "ing",
    "kirk",
    "lan",
    "ley",
    "low",
    "mar",
    "mill",
    "moor",
    "ned",
    "or",
    "pen",
    "rick",
    "rod",
    "shaw",
    "stan",
    "stock",
    "thorn",
    "ton",
    "wad",
    "well",
    "went",
    "wick",
    "win",
    "wood",
    "worth",
]
STREETS = [
    "Furnace Lane",
    "Cutlers Row",
    "Pit Head Road",
    "Canal Walk",
    "Millstone Close",
    "Forge Street",
    "Colliery View",
    "Station Road",
    "Church Street",
    "Park Avenue",
    "Moor Lane",
    "Mill Road",
    "High Street",
    "Victoria Road",
    "Queens Road",
]
OUTWARD = [
    "S60",
    "S61",
    "S62",
    "S63",
    "S65",
    "S66",
    "S1",
    "S2",
    "S5",
    "S8",
    "S10",
    "S11",
    "DN1",
    "DN4",
    "S70",
    "S71",
]
AGENCIES = ("police", "csc", "health", "education", "charity")


def _surnames(rng: random.Random, count: int) -> list[str]:
    """Invented surnames: two syllables while they last, then three (there are ~2,000 two-syllable ones)."""
    names: set[str] = set()
    while len(names) < count:
        parts = 2 if len(names) < 1500 else 3
        names.add("".join(rng.choice(_SYLLABLES) for _ in range(parts)).title())
    return sorted(names)


def _nhs_number(rng: random.Random) -> str:
    while True:
        first = "".join(rng.choice(string.digits) for _ in range(9))
        check = nhs_number_check_digit(first)
        if check is not None and len(set(first)) > 1:
            return f"{first}{check}"


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name + name[-1]
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def _short_form(rng: random.Random, given: str) -> str | None:
    forms = everyday_short_forms(given.lower())
    return rng.choice(forms).title() if forms else None


@dataclass
class _Person:
    pid: int
    household: int
    sex: str
    given: str
    family: str
    dob: date
    line_1: str
    postcode: str
    nhs: str
    upn: str


@dataclass(frozen=True)
class ErrorModel:
    """How often each mistake is made, per record (``new_surname`` and ``moved``: per person)."""

    given_typo: float = 0.08
    given_short_form: float = 0.08
    family_typo: float = 0.06
    new_surname: float = 0.06
    new_surname_used: float = 0.7
    names_swapped: float = 0.0
    dob_missing: float = 0.04
    dob_day_month_swapped: float = 0.03
    dob_shifted: float = 0.02
    dob_one_digit: float = 0.0
    nhs_one_digit: float = 0.0
    moved: float = 0.2
    address_missing: float = 0.05


USUAL = ErrorModel()
ERROR_MODELS = {
    "usual": USUAL,
    "surname-changes": replace(USUAL, new_surname=0.35, new_surname_used=0.8),
    "swapped-names": replace(USUAL, names_swapped=0.15),
    "missing-birthdays": replace(USUAL, dob_missing=0.3),
    "one-digit-slips": replace(USUAL, dob_one_digit=0.12, nhs_one_digit=0.15),
}


def _one_digit_wrong(rng: random.Random, text: str) -> str:
    """One digit keyed wrong, or two neighbouring digits swapped."""
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    i = rng.choice(positions)
    if rng.random() < 0.5 and i + 1 in positions and text[i] != text[i + 1]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice([d for d in string.digits if d != text[i]]) + text[i + 1 :]


def _address(rng: random.Random) -> tuple[str, str]:
    outward = rng.choice(OUTWARD)
    postcode = f"{outward} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)}", postcode


def generate(people: int, seed: int = 2013, errors: ErrorModel = USUAL) -> pa.Table:
    """About 2.5 records per person. Columns: the engine's raw columns plus person_id and household.

    A one-digit slip in a date of birth can make it no date at all ('2010-02-31'): such dates are given as
    text, as a partner's file would give them.
    """
    rng = random.Random(seed)
    surnames = _surnames(rng, max(200, people // 20))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(surnames))]
    persons: list[_Person] = []
    household = 0
    while len(persons) < people:
        household += 1
        family = rng.choices(surnames, weights)[0]
        line_1, postcode = _address(rng)
        children = rng.choice((1, 1, 2, 2, 3, 4))
        base = date(2004, 1, 1) + timedelta(days=rng.randrange(0, 12 * 365))
        names_used: set[str] = set()
        for child in range(children):
            sex = rng.choice(("female", "male"))
            pool = FEMALE if sex == "female" else MALE
            given = rng.choice(pool)
            while given in names_used:
                given = rng.choice(pool)
            names_used.add(given)
            twins = child > 0 and rng.random() < 0.05
            dob = persons[-1].dob if twins else base + timedelta(days=child * rng.randint(300, 900))
            persons.append(
                _Person(
                    len(persons) + 1,
                    household,
                    sex,
                    given.title(),
                    family,
                    dob,
                    line_1,
                    postcode,
                    _nhs_number(rng),
                    f"{rng.choice(string.ascii_uppercase)}{rng.randrange(10**11):011d}{rng.randrange(10)}",
                )
            )
    persons = persons[:people]
    rows: dict[str, list[Any]] = {name: [] for name in (*_RAW, "person_id", "household", "agency")}
    uid = 0
    surnames_later = surnames[len(surnames) // 2 :]
    for person in persons:
        agencies = rng.sample(AGENCIES, rng.choice((1, 2, 2, 3, 3, 4)))
        moved = rng.random() < errors.moved
        new_family = rng.choice(surnames_later) if rng.random() < errors.new_surname else None
        new_address = _address(rng) if moved else None
        for index, agency in enumerate(agencies):
            uid += 1
            given, family, dob = person.given, person.family, person.dob
            line_1, postcode = person.line_1, person.postcode
            if index > 0 and new_address and rng.random() < 0.6:
                line_1, postcode = new_address
            if index > 0 and new_family and rng.random() < errors.new_surname_used:
                family = new_family
            roll = rng.random()
            if roll < errors.given_typo:
                given = _typo(rng, given)
            elif roll < errors.given_typo + errors.given_short_form:
                given = _short_form(rng, given) or given
            if rng.random() < errors.family_typo:
                family = _typo(rng, family)
            # Rates of nothing draw nothing, so the usual world stays the one the tests were written on.
            if errors.names_swapped and rng.random() < errors.names_swapped:
                given, family = family, given
            dob_value: date | str | None = dob
            roll = rng.random()
            swap_until = errors.dob_missing + errors.dob_day_month_swapped
            if roll < errors.dob_missing:
                dob_value = None
            elif roll < swap_until and dob.day <= 12 and dob.day != dob.month:
                dob_value = date(dob.year, dob.day, dob.month)
            elif roll < swap_until + errors.dob_shifted:
                dob_value = dob + timedelta(days=rng.choice((-1, 1, 10, -10)))
            elif roll < swap_until + errors.dob_shifted + errors.dob_one_digit:
                dob_value = _one_digit_wrong(rng, dob.isoformat())
            if rng.random() < errors.address_missing:
                line_1, postcode = "", ""
            nhs = person.nhs if agency in ("health", "csc") and rng.random() < 0.8 else ""
            if nhs and errors.nhs_one_digit and rng.random() < errors.nhs_one_digit:
                nhs = _one_digit_wrong(rng, nhs)
            rows["unique_id"].append(uid)
            rows["given_name"].append(given)
            rows["family_name"].append(family)
            rows["other_names"].append(
                [person.given] if agency == "charity" and given != person.given else []
            )
            rows["date_of_birth"].append(dob_value)
            rows["sex"].append(person.sex if rng.random() > 0.03 else "unknown")
            rows["address_line_1"].append(line_1)
            rows["postcode"].append(postcode)
            rows["nhs_number"].append(nhs)
            rows["pupil_number"].append(person.upn if agency == "education" else "")
            rows["police_person_id"].append(f"P{person.pid:07d}" if agency == "police" else "")
            rows["la_person_id"].append(f"LA{person.pid:07d}" if agency == "csc" else "")
            rows["approximate_birth_year"].append(None)
            rows["person_id"].append(person.pid)
            rows["household"].append(f"{person.line_1}|{person.postcode}")
            rows["agency"].append(agency)
    if any(isinstance(d, str) for d in rows["date_of_birth"]):
        rows["date_of_birth"] = [d.isoformat() if isinstance(d, date) else d for d in rows["date_of_birth"]]
    table = pa.table(rows)
    years = pa.array(rows["approximate_birth_year"], pa.int64())  # all unknown here; typed for the engine
    return table.set_column(
        table.schema.get_field_index("approximate_birth_year"), "approximate_birth_year", years
    )


_RAW = (
    "unique_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "address_line_1",
    "postcode",
    "nhs_number",
    "pupil_number",
    "police_person_id",
    "la_person_id",
    "approximate_birth_year",
)
