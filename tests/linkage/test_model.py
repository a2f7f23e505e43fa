"""The Splink model end to end on synthetic records (DuckDB, no Django database)."""

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from tessera.linkage import engine
from tessera.linkage.bands import Bands
from tessera.linkage.clustering import cluster
from tessera.linkage.evaluation import pairwise_cluster_scores
from tessera.linkage.features import LINKAGE_COLUMNS, record_features
from tessera.linkage.model_spec import settings_for, with_trained_parameters
from tessera.linkage.scoring import comparison_levels
from tests.linkage.synthetic import generate

SISTERS = [
    # Two sisters: same surname, same home, similar first names, different birthdays; two records each.
    (900001, "Kayleigh", "2010-03-14", "police"),
    (900002, "Kayleigh", "2010-03-14", "education"),
    (900003, "Kayley", "2012-06-02", "police"),
    (900004, "Kayley", "2012-06-02", "csc"),
]
STEP_SURNAME = [
    (900011, "Jasmine", "Oughtibridge", "2009-07-21", "12 Furnace Lane", "S60 1AA"),
    (900012, "Jasmine", "Penistone", "2009-07-21", "3 Canal Walk", "DN4 5JD"),
]


def _with_extra_records(base: pa.Table) -> pa.Table:
    rows = base.to_pylist()
    template: dict[str, Any] = dict.fromkeys(base.column_names, "") | {
        "other_names": [],
        "sex": "female",
        "household": "",
        "approximate_birth_year": None,
    }
    for uid, given, dob, agency in SISTERS:
        rows.append(template | {
            "unique_id": uid, "given_name": given, "family_name": "Hallamshire", "date_of_birth": date.fromisoformat(dob),
            "address_line_1": "41 Cutlers Row", "postcode": "S61 4QT", "person_id": uid // 2 * -1 if uid < 900003 else -2,
            "agency": agency,
        })  # fmt: skip
    for uid, given, family, dob, line, postcode in STEP_SURNAME:
        rows.append(template | {
            "unique_id": uid, "given_name": given, "family_name": family, "date_of_birth": date.fromisoformat(dob),
            "address_line_1": line, "postcode": postcode, "person_id": -3, "agency": "police",
        })  # fmt: skip
    return pa.Table.from_pylist(rows, schema=base.schema)


@pytest.fixture(scope="module")
def trained():
    raw = _with_extra_records(generate(2000, seed=11))
    con = duckdb.connect()
    table = engine.prepare(con, raw)
    model = engine.train(con, table)
    pairs = engine.predict(con, table, model, 0.0)
    return raw, con, table, model, pairs


def _cluster(con, table, pairs, threshold):
    edges, facts = engine.edges_with_facts(con, table, pairs, threshold)
    ids = [uid for (uid,) in con.execute(f"SELECT unique_id FROM {table}").fetchall()]
    return cluster(ids, edges, facts)


def test_two_sisters_at_one_address_with_similar_names_are_never_merged_automatically(trained):
    _raw, con, table, _model, pairs = trained
    result = _cluster(con, table, pairs, Bands().auto_link)
    assert result.cluster_of[900001] == result.cluster_of[900002], "each sister's own records do link"
    assert result.cluster_of[900003] == result.cluster_of[900004]
    assert result.cluster_of[900001] != result.cluster_of[900003]


def test_a_child_under_a_step_parent_s_surname_at_a_new_address_is_still_compared(trained):
    _, con, _, _, pairs = trained
    found = con.execute(
        f"SELECT count(*) FROM {pairs} WHERE unique_id_l = 900011 AND unique_id_r = 900012"
    ).fetchone()
    assert found == (1,), "blocking on first initial and birthday brings the pair to the model"


def test_the_model_links_the_synthetic_world_well(trained):
    raw, con, table, _, pairs = trained
    truth = dict(zip(raw["unique_id"].to_pylist(), raw["person_id"].to_pylist(), strict=True))
    result = _cluster(con, table, pairs, Bands().auto_link)
    scores = pairwise_cluster_scores(result.cluster_of, truth)
    assert scores.precision >= 0.995
    assert scores.recall >= 0.85


def test_the_python_scorer_gives_splink_s_levels_for_every_scored_pair(trained):
    _, con, table, _, pairs = trained
    columns = ", ".join(
        f"gamma_{c}" for c in ("given_name", "family_name", "dob", "sex", "address", "identifiers")
    )
    scored = con.execute(f"SELECT unique_id_l, unique_id_r, {columns} FROM {pairs} LIMIT 3000").fetchall()
    features = {
        row["unique_id"]: row for row in con.sql(f"SELECT * FROM {table}").to_arrow_table().to_pylist()
    }
    mismatches = [
        (left, right)
        for left, right, *gammas in scored
        if list(comparison_levels(features[left], features[right]).values()) != gammas
    ]
    assert not mismatches, mismatches[:5]


def test_prepared_rows_equal_the_interactive_features(trained):
    raw, con, table, _, _ = trained
    prepared = {
        row["unique_id"]: row for row in con.sql(f"SELECT * FROM {table}").to_arrow_table().to_pylist()
    }
    for record in raw.slice(0, 500).to_pylist():
        assert record_features(record) == {c: prepared[record["unique_id"]][c] for c in LINKAGE_COLUMNS}


def test_the_trained_parameters_carry_to_spark_settings_unchanged(trained):
    _, _, _, model, _ = trained
    spark = with_trained_parameters(settings_for("spark"), engine.splink_settings(model))
    for ours, theirs in zip(spark["comparisons"], model["comparisons"], strict=True):
        for level, trained_level in zip(ours["comparison_levels"], theirs["comparison_levels"], strict=True):
            assert level.get("m_probability") == trained_level.get("m_probability")
            assert level.get("u_probability") == trained_level.get("u_probability")
    assert "jaro_winkler(" in str(spark["comparisons"][0])
    assert "jaro_winkler_similarity" not in str(spark)


def test_a_surname_written_as_the_other_s_first_name_one_way_weighs_nothing_on_the_surname(trained):
    """Pascoe Samantha and William Pasceo: the first name's comparison counts the swap; the surname's
    own slot holds what the swap displaced, and calling that "Different" would count one slip twice."""
    _, _, _, model, _ = trained
    rows = [
        {"unique_id": 1, "given_name": "Pascoe", "family_name": "Samantha", "date_of_birth": "1944-07-20",
         "address_line_1": "4 Messenger Street", "postcode": "S61 4QT"},
        {"unique_id": 2, "given_name": "William", "family_name": "Pasceo", "date_of_birth": "1944-07-20",
         "address_line_1": "4 Messenger Street", "postcode": "S61 4QT"},
    ]  # fmt: skip
    con = duckdb.connect()
    table = engine.prepare(con, pa.Table.from_pylist(rows))
    pairs = engine.predict(con, table, model, 0.0)
    ((given, family),) = con.execute(f"SELECT gamma_given_name, gamma_family_name FROM {pairs}").fetchall()
    weights = engine.scoring_weights(model)["comparisons"]
    assert weights["given_name"][str(given)]["label"] == "First and last names swapped"
    level = weights["family_name"][str(family)]
    assert level["label"] == "Written in the other's first-name place"
    assert level["log2_bayes_factor"] == pytest.approx(0.0)
    features = {r["unique_id"]: r for r in con.sql(f"SELECT * FROM {table}").to_arrow_table().to_pylist()}
    assert comparison_levels(features[1], features[2])["family_name"] == family
