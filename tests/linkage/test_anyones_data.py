"""The engine on data Tessera's generator did not shape: text dates, foreign postcodes, no identifiers.

Each of these once stopped a run (issue 13): a date of birth as text that is not a date ("1957-01-63")
failed in DuckDB; four-digit postcodes left the sector empty and EM found no pairs; no NHS numbers at
all left a training rule with no pairs. Now each trains, links, and counts what it could not use.
"""

import random
import zlib

import duckdb
import pyarrow as pa
import pytest

from tessera.linkage import engine
from tessera.linkage.bands import Bands
from tessera.linkage.clustering import cluster
from tessera.linkage.evaluation import pairwise_cluster_scores
from tests.linkage.synthetic import generate

IDENTIFIER_COLUMNS = ["nhs_number", "pupil_number", "police_person_id", "la_person_id"]


@pytest.fixture(scope="module")
def world() -> pa.Table:
    return generate(700, seed=23)


def _link(raw: pa.Table, model=None):
    con = duckdb.connect()
    table = engine.prepare(con, raw)
    model = model or engine.train(con, table)
    pairs = engine.predict(con, table, model, Bands().review)
    edges, facts = engine.edges_with_facts(con, table, pairs, Bands().auto_link)
    result = cluster(raw["unique_id"].to_pylist(), edges, facts)
    return con, table, model, result


def _scores(raw: pa.Table, result):
    truth = dict(zip(raw["unique_id"].to_pylist(), raw["person_id"].to_pylist(), strict=True))
    return pairwise_cluster_scores(result.cluster_of, truth)


def _with_column(raw: pa.Table, name: str, values: list) -> pa.Table:
    return raw.set_column(raw.schema.get_field_index(name), name, pa.array(values, pa.string()))


def test_dates_of_birth_as_text_that_are_not_dates_are_counted_and_used_as_missing(world):
    dates = [d.isoformat() if d else "" for d in world["date_of_birth"].to_pylist()]
    dates[0], dates[1], dates[2], dates[3] = "1957-01-63", "unknown", "1957", "14/03/2010"
    raw = _with_column(world, "date_of_birth", dates)
    con, table, _, result = _link(raw)
    bad = engine.bad_values(con)
    assert bad["date_of_birth_not_a_date"] == 2
    assert bad["date_of_birth_partial"] == 1
    rows = dict(
        con.execute(f"SELECT unique_id, (dob, dob_year) FROM {table} WHERE unique_id <= 4").fetchall()
    )
    assert rows[1] == (None, None)
    assert rows[2] == (None, None)
    assert rows[3] == (None, "1957"), "a year alone is kept, as a year"
    assert rows[4] == ("2010-03-14", "2010"), "a UK-written date is read"
    assert _scores(raw, result).precision >= 0.99


def test_four_digit_postcodes_train_and_link(world):
    postcodes = [
        str(1000 + zlib.crc32(p.encode()) % 9000) if p else "" for p in world["postcode"].to_pylist()
    ]
    raw = _with_column(world, "postcode", postcodes)
    con, table, _, result = _link(raw)
    assert con.execute(f"SELECT count(postcode_sector) FROM {table}").fetchall()[0][0] > 0
    assert engine.bad_values(con)["postcode_not_uk"] == sum(1 for p in postcodes if p)
    scores = _scores(raw, result)
    assert scores.precision >= 0.99
    assert scores.recall >= 0.8


def test_records_with_no_identifier_columns_train_and_link(world):
    raw = world.drop_columns(IDENTIFIER_COLUMNS)
    _, _, model, result = _link(raw)
    assert not any(rule in IDENTIFIER_COLUMNS for rule in model["tessera_prediction_rules"])
    scores = _scores(raw, result)
    assert scores.precision >= 0.99
    assert scores.recall >= 0.8


def test_an_nhs_number_failing_its_check_digit_is_not_used_for_matching(world):
    numbers = world["nhs_number"].to_pylist()
    first = next(i for i, n in enumerate(numbers) if n)
    numbers[first] = numbers[first][:9] + str((int(numbers[first][9]) + 1) % 10)
    raw = _with_column(world, "nhs_number", numbers)
    con = duckdb.connect()
    table = engine.prepare(con, raw)
    uid = raw["unique_id"][first].as_py()
    assert con.execute(f"SELECT nhs_number FROM {table} WHERE unique_id = {uid}").fetchall() == [(None,)]
    assert engine.bad_values(con)["nhs_number_fails_check"] == 1


def test_the_same_records_in_any_order_give_the_same_people(world):
    _, _, model, first = _link(world)
    order = list(range(world.num_rows))
    random.Random(5).shuffle(order)
    _, _, _, shuffled = _link(world.take(order), model)
    assert shuffled.cluster_of == first.cluster_of
    assert sorted(shuffled.refused) == sorted(first.refused)
