"""The address comparison reads the parts a source has: house number, street, town, postcode (issue 13).

Pure functions first (the house number, the town as a linkage value, each new level of the Python
scorer), then Splink's own SQL levels against the Python scorer on pairs that reach every level.
"""

import duckdb
import pyarrow as pa
import pytest

from tessera.linkage import engine
from tessera.linkage.features import house_number, record_features
from tessera.linkage.model_spec import Rule, settings_creator
from tessera.linkage.scoring import comparison_levels

HOME = {"address_line_1": "25 Madsen Place", "town": "Clarinda", "postcode": "3108"}


def _features(**fields: str) -> dict:
    return record_features({"given_name": "Charlotte", "family_name": "Hyland", **HOME, **fields})


def _level(**fields: str) -> int:
    return comparison_levels(_features(), _features(**fields))["address"]


def test_the_house_number_is_the_first_number_in_the_first_line():
    assert house_number("25 Madsen Place") == "25"
    assert house_number("12a High Street") == "12"
    assert house_number("Flat 3, 12 High Street") == "3"
    assert house_number("Rose Cottage") == ""
    assert house_number(None) == ""


def test_the_town_is_compared_as_names_are():
    features = _features(town="Leslie  Vale")
    assert features["locality"] == "leslievale"
    assert features["house_number"] == "25"
    assert _features(town="")["locality"] is None


def test_the_address_levels_from_the_top():
    assert _level() == 9  # the same address
    # The postcode typed wrong, every other part the same.
    assert _level(postcode="3180") == 8
    # The street typed over: the same house number, town and postcode.
    assert _level(address_line_1="25 Horsley Crescent") == 6
    # Without the house number, the same postcode alone.
    assert _level(address_line_1="17 Horsley Crescent") == 5
    # A new house on the same street of the same town, a different postcode.
    assert _level(address_line_1="31 Madsen Place", postcode="3180") == 4
    # Only the town in common.
    assert _level(address_line_1="4 Horsley Crescent", postcode="2000") == 1
    assert _level(address_line_1="4 Horsley Crescent", postcode="2000", town="Dalby") == 0


def test_without_a_town_the_town_levels_never_match():
    # A source with no town (Tessera's own records until they carry one): the levels are as before.
    assert _level(town="", postcode="3180") == 3  # street alike, postcode differs
    assert _level(town="", address_line_1="25 Horsley Crescent") == 5  # the same postcode


@pytest.fixture(scope="module")
def splink_levels():
    variants = [
        {},
        {"postcode": "3180"},
        {"address_line_1": "25 Horsley Crescent"},
        {"address_line_1": "17 Horsley Crescent"},
        {"address_line_1": "31 Madsen Place", "postcode": "3180"},
        {"address_line_1": "4 Horsley Crescent", "postcode": "2000"},
        {"address_line_1": "4 Horsley Crescent", "postcode": "2000", "town": "Dalby"},
        {"town": "", "postcode": "3180"},
        {"town": "Clarinad"},
        {"address_line_1": "", "town": "Clarinda", "postcode": "3100"},
    ]
    records = [{**HOME, **variant} for variant in variants]
    raw = pa.table(
        {
            "unique_id": pa.array(range(1, len(records) + 1), pa.int64()),
            "given_name": ["Charlotte"] * len(records),
            "family_name": ["Hyland"] * len(records),
            **{name: [r[name] for r in records] for name in ("address_line_1", "town", "postcode")},
        }
    )
    con = duckdb.connect()
    table = engine.prepare(con, raw)
    settings = settings_creator([Rule("every pair", (), condition="1=1")])
    linker = engine._linker(con, table, settings)
    predictions = linker.inference.predict()
    rows = con.sql(
        f"SELECT unique_id_l, unique_id_r, gamma_address FROM {predictions.physical_name}"
    ).fetchall()
    features = {
        row["unique_id"]: row for row in con.sql(f"SELECT * FROM {table}").to_arrow_table().to_pylist()
    }
    return rows, features


def test_splink_and_the_python_scorer_give_the_same_address_level(splink_levels):
    rows, features = splink_levels
    assert len(rows) == 45
    seen = set()
    for left, right, gamma in rows:
        assert comparison_levels(features[left], features[right])["address"] == gamma, (left, right)
        seen.add(gamma)
    # Every level but "street and town alike, postcode differs" without the number is reached here.
    assert {9, 8, 6, 5, 4, 1, 0} <= seen
