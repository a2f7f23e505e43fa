"""Whether the records show households of several people decides which household rules apply (issue 13).

In a world with households, a pair with one surname and address and only a first name (or only a
birthday) apart is as likely twins or a namesake parent as one person; in records with no households
(FEBRL's) it is one person with a value typed over. The engine judges this from the records themselves.
"""

import random

import duckdb
import pyarrow as pa
import pytest

from tessera.linkage import engine
from tessera.linkage.clustering import SAFETY_RULES, safety_rules
from tests.linkage.synthetic import generate


@pytest.fixture(scope="module")
def world() -> pa.Table:
    return generate(1500, seed=31)


def _evidence(raw: pa.Table):
    con = duckdb.connect()
    table = engine.prepare(con, raw.select([c for c in raw.column_names if c in engine.RAW_COLUMNS]))
    return engine.households(con, table)


def _one_person_per_household(raw: pa.Table) -> pa.Table:
    """The same records, keeping only the first person of each household: one person's records per home."""
    first: dict[str, int] = {}
    for person, household in zip(raw["person_id"].to_pylist(), raw["household"].to_pylist(), strict=True):
        first.setdefault(household, person)
    keep = set(first.values())
    return raw.filter(pa.array([p in keep for p in raw["person_id"].to_pylist()]))


def test_a_world_of_siblings_shows_households(world):
    evidence = _evidence(world)
    assert evidence.pairs >= 200
    assert evidence.households
    assert evidence.plainly_two_people > evidence.pairs / 2


def test_one_persons_records_per_home_show_no_households(world):
    evidence = _evidence(_one_person_per_household(world))
    assert evidence.pairs >= 200, "enough pairs sharing a surname and address to judge"
    assert not evidence.households


def test_the_judgement_does_not_depend_on_the_order_of_the_records(world):
    rows = world.to_pylist()
    random.Random(5).shuffle(rows)
    assert _evidence(pa.Table.from_pylist(rows, schema=world.schema)) == _evidence(world)


def test_the_model_carries_the_judgement_and_the_rules_follow_it():
    raw = generate(500, seed=37)
    con = duckdb.connect()
    table = engine.prepare(con, raw.select([c for c in raw.column_names if c in engine.RAW_COLUMNS]))
    model = engine.train(con, table)
    assert model["tessera_households"]["households"] is True
    assert engine.rules_for(model) == SAFETY_RULES
    assert engine.scoring_weights(model)["households"] is True
    without = {**model, "tessera_households": {**model["tessera_households"], "households": False}}
    assert engine.rules_for(without) == safety_rules(households=False)
    assert engine.scoring_weights(without)["households"] is False
    earlier = {k: v for k, v in model.items() if k != "tessera_households"}
    assert engine.rules_for(earlier) == SAFETY_RULES, "a model saved before the judgement: every rule"
    assert "tessera_households" not in engine.splink_settings(model)
