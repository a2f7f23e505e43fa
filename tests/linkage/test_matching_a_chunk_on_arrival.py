"""An import chunk's new records matched together (issue 12 item 5, at scale): the same decisions as the
records taken one at a time, in the same order, and a number of queries that does not grow with the chunk.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tessera.audit.models import AccessLog, AuditAction
from tessera.core.models import Agency, District
from tessera.imports.services import take_new_records, take_record
from tessera.imports.validation import CleanRecord
from tessera.linkage.models import ReviewPair
from tessera.people.identifiers import nhs_number_check_digit
from tessera.people.match_index import keys_by_person
from tessera.people.models import MatchKey, Person, PersonMerge, SourceIdentity
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
