"""An import chunk's new records matched together (issue 12 item 5, at scale): the same decisions as the
records taken one at a time, in the same order, and a number of queries that does not grow with the chunk.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tessera.access.services import restrict_record
from tessera.audit.models import AccessLog, AuditAction
from tessera.core.models import Agency, District
from tessera.imports.services import take_new_records, take_record
from tessera.imports.validation import CleanRecord
from tessera.linkage import arrival
from tessera.linkage.models import ReviewPair
from tessera.people import match_index
from tessera.people.identifiers import nhs_number_check_digit
from tessera.people.match_index import keys_by_person, rebuild_match_keys
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Location,
    LocationKind,
    MatchKey,
    Person,
    PersonMerge,
    PoleEntity,
    SourceIdentity,
)
from tessera.people.services import merge_persons
from tests.conftest import make_person
from tests.linkage.test_matching_on_arrival import LEAH_BORN, _known
from tests.linkage.trained import active_trained_model

SYSTEM = "Niche RMS"


class _RolledBackError(Exception):
    """Raised to undo one way of taking the rows once its outcome has been read."""


@pytest.fixture
def world(cast) -> dict[str, Person]:
    active_trained_model()
    return {
        "leah": _known("rotherham", "Leah", "Stainley", LEAH_BORN, "14 Millstone Walk", "S60 2BD"),
        "kayleigh": _known(
            "rotherham", "Kayleigh", "Thornley", date(2010, 3, 14), "12 Furnace Lane", "S60 1AA"
        ),
        "jamal": _known("rotherham", "Jamal", "Ahmed", date(2009, 11, 2), "4 Canal Walk", "S61 2BB"),
        "mason": _known("rotherham", "Mason", "Kirkby", date(2008, 5, 5), "9 Forge Street", "S62 3DD"),
        # Known only in Sheffield: a Rotherham import may not merge her.
        "ellie": _known("sheffield", "Ellie", "Cawthorne", date(2011, 7, 21), "3 Park Road", "S10 1AB"),
    }


def _record(
    n: int, given: str, family: str, born: date | None, line: str = "", postcode: str = ""
) -> CleanRecord:
    sex = "male" if given in {"Jamal", "Mason", "Tyler", "Kyle"} else "female"
    return CleanRecord(
        source_record_id=f"R{n:03d}", given_name=given, family_name=family, date_of_birth=born, sex=sex,
        address_line_1=line, town="Rotherham" if line else "", postcode=postcode,
    )  # fmt: skip


def _rows() -> list[CleanRecord]:
    """Every kind of arrival, and a few records of one new person within the chunk."""
    rows = [
        _record(1, "Leah", "Stainly", LEAH_BORN, "14 Millstone Walk", "S60 2BD"),  # joins Leah
        _record(2, "Lea", "Stainley", date(2012, 12, 3), "14 Millstone Walk", "S60 2BD"),  # sister: held
        _record(3, "Leah", "Stainley", date(1986, 9, 3), "14 Millstone Walk", "S60 2BD"),  # adult: nowhere
        _record(4, "Kayla", "Newton", date(2012, 1, 1), "8 Moorgate Road", "S60 3AA"),  # new
        _record(5, "Kayla", "Newton", date(2012, 1, 1), "8 Moorgate Road", "S60 3AA"),  # joins row 4
        _record(6, "Ellie", "Cawthorne", date(2011, 7, 21), "3 Park Road", "S10 1AB"),  # not theirs: waits
        _record(7, "Jamal", "Ahmed", date(2013, 4, 17), "4 Canal Walk", "S61 2BB"),  # possible: queued
        _record(8, "Kaleigh", "Thornley", date(2010, 3, 14), "12 Furnace Lane", "S60 1AA"),  # joins Kayleigh
        _record(9, "Kayleigh", "Thornley", date(2010, 3, 14), "", ""),  # joins her again, now with row 8
        _record(10, "Kayla", "Newtown", date(2012, 1, 1), "8 Moorgate Road", "S60 3AA"),  # row 4's person
        _record(11, "Mason", "Kirkby", date(2008, 5, 5), "9 Forge Street", "S62 3DD"),  # joins Mason
        # Mason at a new address, then a record found only under that address's key, which is his now.
        _record(40, "Mason", "Kirkby", date(2008, 5, 5), "5 Carr Lane", "S65 1XY"),
        _record(41, "Mason", "Kirkby", None, "5 Carr Lane", "S65 1XY"),
        # Two of one household at a new address, its town written two ways: the first to arrive makes the
        # place, as one row after another would, and both are compared at the town it was stored with.
        replace(_record(50, "Paige", "Wadsworth", date(2011, 6, 6), "2 Oak Close", "S63 7AB"), town="Wath"),
        replace(
            _record(51, "Demi", "Wadsworth", date(2008, 1, 9), "2 Oak Close", "S63 7AB"),
            town="Wath upon Dearne",
        ),
    ]
    rng = random.Random(12)
    given = ["Amber", "Paige", "Tyler", "Kyle", "Demi", "Chloe"]
    family = ["Dearne", "Wadsworth", "Stainley", "Kirkby", "Cawthorne"]
    for n in range(12, 30):
        born = date(2005, 1, 1) + timedelta(days=rng.randrange(365 * 8))
        line, postcode = rng.choice(
            [("14 Millstone Walk", "S60 2BD"), ("9 Forge Street", "S62 3DD"), ("", "")]
        )
        rows.append(_record(n, rng.choice(given), rng.choice(family), born, line, postcode))
        if rng.random() < 0.3:  # the same new person again, with a slip in the surname
            rows.append(
                _record(100 + n, rows[-1].given_name, rows[-1].family_name + "e", born, line, postcode)
            )
    return rows


def _outcome() -> dict[str, Any]:
    """What matching did, in the records' own IDs (the database ids differ between the two ways)."""
    ids = dict(SourceIdentity.objects.values_list("pk", "source_record_id"))
    people: dict[int, set[str]] = {}
    for pk, person in SourceIdentity.objects.values_list("pk", "person_id"):
        people.setdefault(person, set()).add(ids[pk])
    together = {frozenset(records) for records in people.values() if len(records) > 1}
    pairs = {
        (
            ids[p.left_id],
            ids[p.right_id],
            p.status,
            p.held_back_rule,
            p.held_back_because,
            round(p.match_probability, 6),
        )
        for p in ReviewPair.objects.all()
    }
    logged = AccessLog.objects.filter(action=AuditAction.COMBINE, details__on_arrival=True).count()
    imported = AccessLog.objects.filter(
        action=AuditAction.IMPORT, target_type="people.sourceidentity"
    ).count()
    # The index as the one-record path builds it: every person's keys from their records as they stand.
    index: dict[int, set[str]] = {}
    for person, key in MatchKey.objects.values_list("person_id", "key"):
        index.setdefault(person, set()).add(key)
    stale = {p for p, keys in keys_by_person(list(people)).items() if index.get(p, set()) != keys}
    return {
        "places": sorted(Location.objects.values_list("address_line_1", "postcode", "town")),
        "together": together,
        "pairs": pairs,
        "merges": PersonMerge.objects.count(),
        "merge_log_rows": logged,
        "import_log_rows": imported,
        "people_with_stale_keys": stale,
    }


def _taken(rows: list[CleanRecord], actor: Any, *, together: bool) -> dict[str, Any]:
    police = Agency.objects.get(code="police")
    rotherham = District.objects.get(code="rotherham")
    try:
        with transaction.atomic():
            if together:
                take_new_records(
                    [(row, {"row": n}) for n, row in enumerate(rows)],
                    agency=police, source_system=SYSTEM, district=rotherham, actor=actor,
                )  # fmt: skip
            else:
                for n, row in enumerate(rows):
                    take_record(row, agency=police, source_system=SYSTEM, district=rotherham, actor=actor,
                                provenance={"row": n})  # fmt: skip
            outcome = _outcome()
            raise _RolledBackError
    except _RolledBackError:
        return outcome


def test_a_chunk_taken_together_is_matched_exactly_as_its_rows_one_at_a_time(world, cast):
    rows = _rows()
    actor = cast["cse.rotherham"]
    one_at_a_time = _taken(rows, actor, together=False)
    together = _taken(rows, actor, together=True)
    assert together == one_at_a_time
    # The rows meet every case, so a difference in any would show above.
    by_id = {frozenset(r) for r in one_at_a_time["together"]}
    leah_record = SourceIdentity.objects.get(person=world["leah"]).source_record_id
    assert frozenset({leah_record, "R001"}) in by_id, "a certain match joined the person known already"
    assert any({"R004", "R005", "R010"} <= records for records in by_id), "the chunk's own person, joined"
    kayleigh = SourceIdentity.objects.get(person=world["kayleigh"]).source_record_id
    assert frozenset({kayleigh, "R008", "R009"}) in by_id, "a second record of a person joined in the chunk"
    held = {(left, right): rule for left, right, _, rule, _, _ in one_at_a_time["pairs"]}
    assert held.get((leah_record, "R002")) == "family_in_one_household", "the sister, held back"
    ellie = SourceIdentity.objects.get(person=world["ellie"]).source_record_id
    assert held.get((ellie, "R006")) == "not_yours_to_merge", "Sheffield's Ellie waits for someone who may"
    assert not any("R003" in pair[:2] for pair in one_at_a_time["pairs"]), "an adult and a child: nowhere"
    assert not one_at_a_time["people_with_stale_keys"], "each person's keys as their records now stand"
    assert one_at_a_time["import_log_rows"] == len(rows), "every new record logged once"
    assert one_at_a_time["merge_log_rows"] == 2 * one_at_a_time["merges"] > 0


def _queries_for(rows: list[CleanRecord], actor: Any) -> Counter[str]:
    police = Agency.objects.get(code="police")
    rotherham = District.objects.get(code="rotherham")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        take_new_records(
            [(row, {"row": n}) for n, row in enumerate(rows)],
            agency=police, source_system=SYSTEM, district=rotherham, actor=actor,
        )  # fmt: skip
        assert not PersonMerge.objects.exists()
        assert ReviewPair.objects.exists(), "possible matches were queued"
        transaction.set_rollback(True)
    return _statements(query["sql"] for query in queries.captured_queries)


def _statements(queries: Iterable[str]) -> Counter[str]:
    """The statements sent, by kind: an INSERT of many rows counts once per table, since SQLite's limit
    on a query's parameters splits it into several (PostgreSQL sends one)."""
    counted: Counter[str] = Counter()
    for sql in queries:
        if '"scope_kind"' in sql:
            continue  # the storer's access scope, read again once it is two seconds old (ADR 0023)
        if sql.startswith("INSERT INTO"):
            counted[f"insert into {sql.split(chr(34))[1]}"] = 1
        else:
            counted[sql.split(" ", 1)[0].lower()] += 1
    return counted


def _nhs_numbers(count: int) -> list[str]:
    """Valid NHS numbers, each different."""
    numbers = []
    for n in range(10_000):
        first_nine = f"{943_476_000 + n:09d}"
        check = nhs_number_check_digit(first_nine)
        if check is not None:
            numbers.append(f"{first_nine}{check}")
        if len(numbers) == count:
            return numbers
    raise AssertionError("not enough NHS numbers")


def test_the_queries_of_a_chunk_do_not_grow_with_its_rows(world, cast):
    """Records of one name, birthday and address, each with an NHS number of its own: each is compared with
    the chunk's records before it and goes to the queue, held back (two valid NHS numbers that differ are
    two people), and none joins anyone (a merge costs its own queries, one merge at a time)."""
    numbers = iter(_nhs_numbers(47))

    def rows(count: int, start: int) -> list[CleanRecord]:
        return [
            replace(
                _record(start + n, "Nadia", "Okafor", date(2009, 6, 1), "22 Elm Row", "S60 4QQ"),
                nhs_number=next(numbers),
            )
            for n in range(count)
        ]

    actor = cast["cse.rotherham"]
    _queries_for(rows(2, 200), actor)  # the model's weights are read once a process
    small, large = _queries_for(rows(5, 0), actor), _queries_for(rows(40, 100), actor)
    assert small == large, f"{small} queries for 5 rows, {large} for 40"


# ---------------------------------------------------------------------------------------------------
# The address a new record's keys are built from (issue 12, review point 1)


def _town_key(record: dict[str, Any]) -> set[str]:
    return {f"town:{record['town']}"} if record.get("town") else set()


@pytest.fixture
def a_key_that_reads_the_town(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key source that reads the town, as the batch rule "names_sx+town" does. The blocking keys
    registered today read only the line and postcode, so a town spelt two ways changes no key of theirs;
    any key that reads the town must see the town the record's address is stored with."""
    monkeypatch.setattr(match_index, "_key_sources", [*match_index._key_sources, _town_key])


@pytest.mark.parametrize("together", [False, True], ids=["one at a time", "as a chunk"])
def test_a_new_records_keys_are_those_of_its_address_as_stored(
    world, cast, a_key_that_reads_the_town, together
):
    """The file writes the town of an address Tessera holds already in its own way: the record joins the
    place held, and its keys are built from that place, as a later rebuild of the keys would build them."""
    Location.objects.filter(address_line_1="14 Millstone Walk").update(town="Rotherham")
    rebuild_match_keys(person.pk for person in world.values())  # the people held, at the town as stored
    rows = [
        replace(
            _record(1, "Amber", "Dearne", date(2012, 2, 2), "14 Millstone Walk", "S60 2BD"), town="ROTHERAM"
        ),
        replace(_record(2, "Tyler", "Dearne", date(2013, 3, 3), "14 Millstone Walk", "S60 2BD"), town=""),
    ]
    outcome = _taken(rows, cast["cse.rotherham"], together=together)
    assert ("14 Millstone Walk", "S60 2BD", "Rotherham") in outcome["places"]
    assert not outcome["people_with_stale_keys"]


# ---------------------------------------------------------------------------------------------------
# The world changing while a file is imported (issue 12, review point 2)


def _after_deciding(monkeypatch: pytest.MonkeyPatch, record_id: str, *changes: Callable[[], None]) -> None:
    """Make the n-th change just after the n-th time matching decides the record ``record_id``, before
    anything it decided is written: what another session committing at that moment does."""
    real, left = arrival.decide, list(changes)

    def deciding(new: Any, *args: Any, **kwargs: Any) -> Any:
        decision = real(new, *args, **kwargs)
        if left and SourceIdentity.objects.filter(pk=new.pk, source_record_id=record_id).exists():
            left.pop(0)()
        return decision

    monkeypatch.setattr(arrival, "decide", deciding)


def _elsewhere(district: str, given: str, family: str, line: str, postcode: str) -> Person:
    """A person whose records share no blocking key with the file's Leah (no date of birth, another home)."""
    person = make_person(district, given, family)
    identity = SourceIdentity.objects.get(person=person)
    SourceIdentity.objects.filter(pk=identity.pk).update(date_of_birth=None)
    Person.objects.filter(pk=person.pk).update(date_of_birth=None)
    location = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION), kind=LocationKind.HOME,
        address_line_1=line, postcode=postcode, district=person.district,
    )  # fmt: skip
    IdentityAddress.objects.create(identity=identity, location=location)
    rebuild_match_keys([person.pk])
    return Person.objects.get(pk=person.pk)


def _merged_into(person: Person, survivor: Person, by: Any) -> Callable[[], None]:
    def merge() -> None:
        merge_persons(
            by, survivor=survivor, absorbed=Person.objects.get(pk=person.pk), reason="The same girl",
        )  # fmt: skip

    return merge


_FILE = [
    _record(1, "Leah", "Stainly", LEAH_BORN, "14 Millstone Walk", "S60 2BD"),  # joins Leah
    _record(4, "Kayla", "Newton", date(2012, 1, 1), "8 Moorgate Road", "S60 3AA"),  # new
    _record(5, "Kayla", "Newton", date(2012, 1, 1), "8 Moorgate Road", "S60 3AA"),  # joins row 4
]


def _stored(rows: list[CleanRecord]) -> dict[str, Any]:
    """Where each of the file's records ended (whose records it is with) and the pairs queued with them."""
    ids = dict(SourceIdentity.objects.values_list("pk", "source_record_id"))
    with_ = {
        record_id: sorted(
            ids[pk]
            for pk in SourceIdentity.objects.filter(person__identities__pk=pk).values_list("pk", flat=True)
        )
        for pk, record_id in ids.items()
        if record_id in {row.source_record_id for row in rows}
    }
    pairs = {(ids[p.left_id], ids[p.right_id]): p.held_back_rule for p in ReviewPair.objects.all()}
    return {"with": with_, "pairs": pairs, "imported": len(with_)}


def _take(rows: list[CleanRecord], actor: Any, *, together: bool) -> None:
    police = Agency.objects.get(code="police")
    rotherham = District.objects.get(code="rotherham")
    if together:
        take_new_records(
            [(row, {"row": n}) for n, row in enumerate(rows)],
            agency=police, source_system=SYSTEM, district=rotherham, actor=actor,
        )  # fmt: skip
    else:
        for n, row in enumerate(rows):
            take_record(row, agency=police, source_system=SYSTEM, district=rotherham, actor=actor,
                        provenance={"row": n})  # fmt: skip


@pytest.mark.parametrize("together", [False, True], ids=["one at a time", "as a chunk"])
def test_a_person_merged_elsewhere_during_the_import_is_matched_as_they_now_stand(
    world, cast, monkeypatch, together
):
    """Leah is merged into another record of hers just after matching read her: the file's Leah is matched
    again, once, against the people as they now stand, and joins her there; no row is lost."""
    twin = _elsewhere("rotherham", "Leah", "Stainley", "1 Wharf Road", "S60 9ZZ")
    leah_record = SourceIdentity.objects.get(person=world["leah"]).source_record_id
    twin_record = SourceIdentity.objects.get(person=twin).source_record_id
    _after_deciding(monkeypatch, "R001", _merged_into(world["leah"], twin, cast["supervisor.rotherham"]))
    _take(_FILE, cast["cse.rotherham"], together=together)
    stored = _stored(_FILE)
    assert stored["imported"] == len(_FILE)
    assert stored["with"]["R001"] == sorted([twin_record, leah_record, "R001"])
    assert stored["with"]["R005"] == ["R004", "R005"], "the rest of the file matched as ever"


@pytest.mark.parametrize("together", [False, True], ids=["one at a time", "as a chunk"])
def test_a_person_restricted_during_the_import_is_not_merged_but_offered(world, cast, monkeypatch, together):
    """Leah is restricted to her supervisor just after matching read her: the importer may no longer merge
    her, so the file's Leah waits in the queue for someone who may; the other rows are taken as ever."""
    supervisor = cast["supervisor.rotherham"]

    def restrict() -> None:
        restrict_record(
            supervisor, model=Person, target_id=world["leah"].pk, reason="Disclosure under investigation",
            named_users=[], request=RequestFactory().post("/"),
        )  # fmt: skip

    leah_record = SourceIdentity.objects.get(person=world["leah"]).source_record_id
    _after_deciding(monkeypatch, "R001", restrict)
    _take(_FILE, cast["cse.rotherham"], together=together)
    stored = _stored(_FILE)
    assert stored["imported"] == len(_FILE)
    assert stored["with"]["R001"] == ["R001"], "never merged past the restriction"
    assert stored["pairs"][(leah_record, "R001")] == "not_yours_to_merge"
    assert stored["with"]["R005"] == ["R004", "R005"]


@pytest.mark.parametrize("together", [False, True], ids=["one at a time", "as a chunk"])
def test_people_changing_again_on_the_second_look_leave_the_matches_to_review(
    world, cast, monkeypatch, together
):
    """Leah is merged elsewhere after the first look and again after the second: the file's records are
    kept, none is merged by this look, and each certain match waits in the queue saying why."""
    supervisor = cast["supervisor.rotherham"]
    twin = _elsewhere("rotherham", "Leah", "Stainley", "1 Wharf Road", "S60 9ZZ")
    third = _elsewhere("rotherham", "Leah", "Stainley", "2 Wharf Road", "S60 9ZY")
    leah_record = SourceIdentity.objects.get(person=world["leah"]).source_record_id
    _after_deciding(
        monkeypatch,
        "R001",
        _merged_into(world["leah"], twin, supervisor),
        _merged_into(twin, third, supervisor),
    )
    _take(_FILE, cast["cse.rotherham"], together=together)
    stored = _stored(_FILE)
    assert stored["imported"] == len(_FILE)
    assert stored["with"]["R001"] == ["R001"]
    assert stored["pairs"][(leah_record, "R001")] == "changed_while_matching"
    r001 = SourceIdentity.objects.get(source_record_id="R001").pk
    assert not AccessLog.objects.filter(action=AuditAction.COMBINE, details__identity=r001).exists()
