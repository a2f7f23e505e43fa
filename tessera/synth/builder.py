"""Turning invented people, places and things into rows: source records with errors, persons, links.

A ``Human`` is the truth about one invented person. Each agency that knows them writes its own source
record with the mistakes that agency tends to make; the records are then grouped into persons the way a
simple matching process would, which leaves some of one human's records as a separate, unmatched person
(the duplicates linkage has to find). Ground-truth rows record which human stands behind each record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tessera.people.place_index import words_for
from tessera.people.summary import SourceSays, summarise
from tessera.synth.errors import age_on, nickname, swap_day_and_month, typo
from tessera.synth.numbers import Numbers
from tessera.synth.tables import IdBlocks, Reference, Rows
from tessera.synth.vocabulary import STREET_NAMES_FOR_ALIASES

# Share of a human's second and later records that no earlier matching joined to the first.
UNMATCHED_SHARE = 0.07

LA_CODES = {"barnsley": "370", "doncaster": "371", "rotherham": "372", "sheffield": "373"}


@dataclass(frozen=True)
class Place:
    location_id: int
    entity_id: int
    postcode: str
    district: str


@dataclass
class Human:
    truth_id: int
    role: str
    given: str
    middle: str
    family: str
    born: date
    sex: str
    ethnicity: str
    tradition: str
    district: str
    home: Place
    previous_home: Place | None = None
    moved_on: date | None = None
    in_care_at: Place | None = None
    status: str = "not_known"
    started_on: date | None = None
    network: int | None = None
    disability: str = ""
    nhs_number: str = ""
    # Each agency's own number for this human, issued the first time that agency records them.
    police_id: str = ""
    la_id: str = ""
    pupil_number: str = ""
    # The person (and entity) that holds this human's first record; links attach here.
    person_id: int = 0
    entity_id: int = 0
    extra_person_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ErrorRates:
    nickname: float
    typo: float
    dob_missing: float
    dob_swapped: float
    alias: float
    nhs_recorded: float


AGENCY_HABITS = {
    "police": ErrorRates(0.15, 0.05, 0.08, 0.03, 0.12, 0.15),
    "charity": ErrorRates(0.30, 0.06, 0.25, 0.03, 0.12, 0.0),
    "childrens_social_care": ErrorRates(0.04, 0.03, 0.02, 0.02, 0.02, 0.6),
    "health": ErrorRates(0.01, 0.02, 0.01, 0.01, 0.0, 1.0),
    "education": ErrorRates(0.02, 0.02, 0.005, 0.01, 0.0, 0.0),
}


def agency_kind(code: str) -> str:
    if code == "police":
        return "police"
    if code == "safe-steps":
        return "charity"
    prefix = code.split("-", 1)[0]
    return {"csc": "childrens_social_care", "health": "health", "education": "education"}[prefix]


def source_system(code: str) -> str:
    kind = agency_kind(code)
    if kind == "childrens_social_care":
        return "Liquidlogic LCS" if code.endswith(("barnsley", "rotherham")) else "Mosaic"
    return {"police": "Niche RMS", "charity": "Charitylog", "health": "SystmOne", "education": "SIMS"}[kind]


class WorldBuilder:
    def __init__(self, rng: random.Random, ids: IdBlocks, numbers: Numbers, ref: Reference) -> None:
        self.rng = rng
        self.ids = ids
        self.numbers = numbers
        self.ref = ref
        self.rows = Rows()
        self.today = ref.now.date()

    def take_rows(self) -> Rows:
        rows, self.rows = self.rows, Rows()
        return rows

    # Places and things -------------------------------------------------------------------------------

    def entity(self, kind: str) -> int:
        entity_id = self.ids.take("people_poleentity")
        self.rows.add("people_poleentity", (entity_id, kind))
        return entity_id

    def place(self, kind: str, name: str, line_1: str, postcode: str, district: str) -> Place:
        entity_id = self.entity("location")
        location_id = self.ids.take("people_location")
        now = self.ref.now
        town = district.title()
        self.rows.add(
            "people_location",
            (
                location_id,
                entity_id,
                kind,
                name,
                line_1,
                "",
                town,
                postcode,
                self.ref.district_ids[district],
                now,
                now,
            ),
        )
        for word in sorted(words_for(kind, name, line_1)):
            self.rows.add("people_placeword", (self.ids.take("people_placeword"), location_id, word))
        return Place(location_id, entity_id, postcode, district)

    def vehicle(self, registration: str, make: str, model: str, colour: str) -> int:
        entity_id = self.entity("vehicle")
        now = self.ref.now
        row = (self.ids.take("people_vehicle"), entity_id, registration, make, model, colour, now, now)
        self.rows.add("people_vehicle", row)
        return entity_id

    def phone(self, number: str) -> int:
        entity_id = self.entity("phone")
        now = self.ref.now
        self.rows.add("people_phone", (self.ids.take("people_phone"), entity_id, number, now, now))
        return entity_id

    def account(self, platform: str, handle: str) -> int:
        entity_id = self.entity("online_account")
        now = self.ref.now
        self.rows.add(
            "people_onlineaccount",
            (self.ids.take("people_onlineaccount"), entity_id, platform, handle, now, now),
        )
        return entity_id

    def link(
        self,
        source: int,
        target: int,
        kind: str,
        agency: str,
        started_on: date | None,
        *,
        intelligence: bool = False,
    ) -> None:
        """A link as an agency recorded it; intelligence links carry a 3x5x2 grade (a few an older 5x5x5 one)."""
        link_id = self.ids.take("people_link")
        grade = ("", "", "", "")
        if intelligence:
            if self.rng.random() < 0.1:
                legacy = f"{self.rng.choice('ABC')}{self.rng.choice('1234')}{self.rng.choice('1234')}"
                grade = ("", "", "", legacy)
            else:
                grade = (
                    self.rng.choices("123", weights=(5, 4, 1))[0],
                    self.rng.choices("ABCDE", weights=(3, 4, 3, 2, 1))[0],
                    self.rng.choices("PC", weights=(3, 1))[0],
                    "",
                )
        now = self.ref.now
        self.rows.add(
            "people_link",
            (
                link_id, source, target, kind, started_on, None, self.ref.agency_ids[agency],
                source_system(agency), f"L{link_id:09d}", None, intelligence, *grade, now, now,
            ),
        )  # fmt: skip

    # People ------------------------------------------------------------------------------------------

    def add_human(self, human: Human, agencies: list[str]) -> None:
        """Write the human's ground truth, each agency's record of them, and the persons those form."""
        truth = human.truth_id
        clusters: list[list[tuple[int, str, tuple[object, ...], SourceSays]]] = [[]]
        for index, agency in enumerate(agencies):
            identity_id = self.ids.take("people_sourceidentity")
            row, says, errors, record_id = self._record(human, agency, identity_id)
            if index > 0 and self.rng.random() < UNMATCHED_SHARE:
                clusters.append([(identity_id, agency, row, says)])
            else:
                clusters[0].append((identity_id, agency, row, says))
            self.rows.add(
                "synth_groundtruthrecord",
                (
                    self.ids.take("synth_groundtruthrecord"), truth, agency, source_system(agency), record_id,
                    identity_id, ",".join(errors),
                ),
            )  # fmt: skip
        for number, cluster in enumerate(c for c in clusters if c):
            person_id, entity_id = self._person(human, cluster)
            if number == 0:
                human.person_id, human.entity_id = person_id, entity_id
            else:
                human.extra_person_ids.append(person_id)
        self.rows.add(
            "synth_groundtruthperson",
            (
                truth, human.role, human.given, human.family, human.born, human.sex, human.ethnicity,
                human.district, human.status, human.started_on, human.network, human.person_id,
            ),
        )  # fmt: skip

    def _person(
        self, human: Human, cluster: list[tuple[int, str, tuple[object, ...], SourceSays]]
    ) -> tuple[int, int]:
        entity_id = self.entity("person")
        person_id = self.ids.take("people_person")
        summary = summarise([says for _, _, _, says in cluster])
        now = self.ref.now
        self.rows.add(
            "people_person",
            (
                person_id, entity_id, summary.given_name, summary.family_name, summary.date_of_birth,
                summary.sex, self.ref.district_ids[human.district], None, 1, now, now,
            ),
        )  # fmt: skip
        for _, _, row, _ in cluster:
            self.rows.add("people_sourceidentity", (row[0], person_id, *row[2:]))
        return person_id, entity_id

    def _record(
        self, human: Human, agency: str, identity_id: int
    ) -> tuple[tuple[object, ...], SourceSays, list[str], str]:
        rng = self.rng
        kind = agency_kind(agency)
        habits = AGENCY_HABITS[kind]
        errors: list[str] = []
        given, family = human.given, human.family
        short = nickname(rng, given) if rng.random() < habits.nickname else None
        if short:
            given = short
            errors.append("nickname")
        elif rng.random() < habits.typo:
            given = typo(rng, given)
            errors.append("given_name_typo")
        if rng.random() < habits.typo:
            family = typo(rng, family)
            errors.append("family_name_typo")
        other_names: list[str] = []
        if rng.random() < habits.alias:
            other_names.append(f"{rng.choice(STREET_NAMES_FOR_ALIASES)} {human.given[0]}")
            errors.append("alias")
        born: date | None = human.born
        approximate_age = None
        if rng.random() < habits.dob_missing:
            born = None
            errors.append("date_of_birth_missing")
            if rng.random() < 0.5:
                approximate_age = age_on(human.born, self.today)
        elif rng.random() < habits.dob_swapped:
            swapped = swap_day_and_month(human.born)
            if swapped:
                born = swapped
                errors.append("date_of_birth_day_month_swapped")
        nhs = human.nhs_number if rng.random() < habits.nhs_recorded else ""
        if human.nhs_number and not nhs:
            errors.append("nhs_number_missing")
        if kind == "police" and not human.police_id:
            human.police_id = self.numbers.police_id()
        if kind == "childrens_social_care" and not human.la_id:
            human.la_id = self.numbers.la_id(human.district)
        at_school = age_on(human.born, self.today) < 19
        if kind == "education" and at_school and not human.pupil_number:
            human.pupil_number = self.numbers.pupil_number(LA_CODES[human.district])
        police_id = human.police_id if kind == "police" else ""
        la_id = human.la_id if kind == "childrens_social_care" else ""
        pupil = ""
        if kind == "education" or (kind == "childrens_social_care" and rng.random() < 0.3):
            pupil = human.pupil_number
        sex = human.sex if rng.random() > 0.005 else "unknown"
        ethnicity = human.ethnicity if rng.random() > 0.1 else "not_stated"
        received = self.ref.now - timedelta(days=rng.randrange(0, 1100), minutes=rng.randrange(0, 1440))
        record_id = f"{kind[:3].upper()}{identity_id:09d}"
        now = self.ref.now
        row: tuple[object, ...] = (
            identity_id, 0, self.ref.agency_ids[agency], source_system(agency), record_id, received,
            self.ref.district_ids[human.district], given, human.middle if kind in {"health", "education"} else "",
            family, other_names, born, approximate_age, sex, ethnicity, human.disability if kind != "police" else "",
            police_id, nhs, pupil, la_id, {}, now, now,
        )  # fmt: skip
        self._addresses(human, kind, identity_id, errors)
        return row, SourceSays(kind, given, family, born, sex), errors, record_id

    def _addresses(self, human: Human, kind: str, identity_id: int, errors: list[str]) -> None:
        place = human.home
        if human.in_care_at and kind in {"childrens_social_care", "police", "charity"}:
            place = human.in_care_at
        if human.previous_home and self.rng.random() < 0.5:
            # This agency was never told about the move.
            self.rows.add(
                "people_identityaddress",
                (
                    self.ids.take("people_identityaddress"),
                    identity_id,
                    human.previous_home.location_id,
                    None,
                    None,
                ),
            )
            errors.append("old_address")
            return
        self.rows.add(
            "people_identityaddress",
            (self.ids.take("people_identityaddress"), identity_id, place.location_id, human.moved_on, None),
        )
