"""Splink on DuckDB: prepare records, train the model, score pairs. No Django in here.

Records come in as an Arrow table of SourceIdentity-like columns (from the database, or a Parquet file
for the benchmark); everything heavy runs inside DuckDB. Names are tidied in SQL, then sound-alike keys
and short forms are computed in Python once per distinct name (thousands, not millions) and joined back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on

from tessera.linkage.clustering import RecordFacts
from tessera.linkage.features import given_forms, soundex
from tessera.linkage.model_spec import SPEC_VERSION, settings_creator, training_blocking_rules

RAW_COLUMNS = (
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
    # Year of birth estimated from an approximate age when no date was recorded (received year - age).
    "approximate_birth_year",
)

logging.getLogger("splink").setLevel(logging.WARNING)


def _norm(expression: str) -> str:
    return f"NULLIF(regexp_replace(lower(strip_accents(coalesce({expression}, ''))), '[^a-z]', '', 'g'), '')"


def _blank(expression: str) -> str:
    return f"NULLIF(trim(coalesce({expression}, '')), '')"


def _compact_postcode(expression: str) -> str:
    return f"NULLIF(regexp_replace(upper(coalesce({expression}, '')), '[^A-Z0-9]', '', 'g'), '')"


def prepare(con: duckdb.DuckDBPyConnection, raw: pa.Table | str, table: str = "linkage_records") -> str:
    """Build the linkage table ``table`` in ``con`` from raw records (an Arrow table or a table name)."""
    source = raw if isinstance(raw, str) else "raw_records_input"
    if not isinstance(raw, str):
        con.register(source, raw)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE linkage_tidy AS
        SELECT
            unique_id,
            {_norm("given_name")} AS given_name,
            {_norm("family_name")} AS family_name,
            list_filter(list_transform(coalesce(other_names, []), lambda x: {_norm("x")}), lambda x: x IS NOT NULL)
                AS other_names,
            strftime(CAST(date_of_birth AS DATE), '%Y-%m-%d') AS dob,
            CASE WHEN sex IN ('male', 'female', 'other') THEN sex END AS sex,
            {_compact_postcode("postcode")} AS postcode,
            regexp_replace(lower(coalesce(address_line_1, '')), '[^a-z0-9]', '', 'g') AS address_line,
            {_blank("nhs_number")} AS nhs_number,
            {_blank("pupil_number")} AS pupil_number,
            {_blank("police_person_id")} AS police_person_id,
            {_blank("la_person_id")} AS la_person_id,
            CAST(approximate_birth_year AS INTEGER) AS approx_birth_year
        FROM {source}
        """  # noqa: S608 - table names are this module's own, never user input
    )
    names = con.execute(
        "SELECT DISTINCT given_name FROM linkage_tidy WHERE given_name IS NOT NULL "
        "UNION SELECT DISTINCT family_name FROM linkage_tidy WHERE family_name IS NOT NULL"
    ).fetchall()
    keys = _name_keys(name for (name,) in names)
    con.register("linkage_name_keys", keys)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {table} AS
        SELECT
            t.unique_id,
            t.given_name,
            t.family_name,
            g.forms AS given_forms,
            CASE WHEN len(t.other_names) > 0 THEN t.other_names END AS other_names,
            g.sx AS given_sx,
            f.sx AS family_sx,
            t.dob,
            substr(t.dob, 1, 4) AS dob_year,
            t.sex,
            CASE WHEN t.postcode IS NOT NULL THEN t.address_line || '|' || t.postcode END AS address_key,
            t.postcode,
            CASE WHEN length(t.postcode) >= 5 THEN substr(t.postcode, 1, length(t.postcode) - 2) END
                AS postcode_sector,
            t.nhs_number,
            t.pupil_number,
            t.police_person_id,
            t.la_person_id,
            t.approx_birth_year
        FROM linkage_tidy t
        LEFT JOIN linkage_name_keys g ON g.name = t.given_name
        LEFT JOIN linkage_name_keys f ON f.name = t.family_name
        """  # noqa: S608 - table names are this module's own, never user input
    )
    con.execute("DROP TABLE linkage_tidy")
    con.unregister("linkage_name_keys")
    return table


def _name_keys(names: Iterable[str]) -> pa.Table:
    rows: dict[str, list[Any]] = {"name": [], "sx": [], "forms": []}
    for name in names:
        rows["name"].append(name)
        rows["sx"].append(soundex(name) or None)
        rows["forms"].append(given_forms(name) or None)
    return pa.table(
        rows, schema=pa.schema([("name", pa.string()), ("sx", pa.string()), ("forms", pa.list_(pa.string()))])
    )


def train(
    con: duckdb.DuckDBPyConnection, table: str, *, seed: int = 7, max_pairs: float = 2e6
) -> dict[str, Any]:
    """Train the model unsupervised on the records in ``table``; returns Splink's model JSON.

    u (how often fields agree by chance) comes from random pairs; the prior from pairs that share an
    NHS number or a full name and birthday; m (how often the same person's records agree) from EM.
    """
    linker = Linker(table, settings_creator(), DuckDBAPI(connection=con), set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nhs_number"), block_on("given_name", "family_name", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in training_blocking_rules():
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    model = linker.misc.save_model_to_json()
    model[SPEC_KEY] = SPEC_VERSION
    return model


SPEC_KEY = "tessera_spec_version"


def splink_settings(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in model.items() if k != SPEC_KEY}


def linker_for(con: duckdb.DuckDBPyConnection, table: str, model: dict[str, Any]) -> Linker:
    return Linker(table, splink_settings(model), DuckDBAPI(connection=con), set_up_basic_logging=False)


def scoring_weights(model: dict[str, Any]) -> dict[str, Any]:
    """Each level's weight exactly as Splink computes it (defaults for unobserved levels included),
    for the pure-Python scorer used by search before create."""
    con = duckdb.connect()
    con.execute("CREATE TABLE empty_records AS SELECT * FROM (SELECT 1 AS unique_id) WHERE false")
    linker = Linker(
        "empty_records",
        splink_settings(model),
        DuckDBAPI(connection=con),
        set_up_basic_logging=False,
        validate_settings=False,
    )
    settings = linker._settings_obj
    comparisons: dict[str, dict[str, Any]] = {}
    for comparison in settings.comparisons:
        levels = {}
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            levels[str(level.comparison_vector_value)] = {
                "label": level.label_for_charts,
                "log2_bayes_factor": level._log2_bayes_factor,
            }
        comparisons[comparison.output_column_name] = levels
    prior = settings._probability_two_random_records_match
    con.close()
    return {"prior_odds": prior / (1 - prior), "comparisons": comparisons}


def edges_with_facts(
    con: duckdb.DuckDBPyConnection, table: str, pairs: str, threshold: float, extra_ids: Iterable[int] = ()
) -> tuple[list[tuple[int, int, float]], dict[int, RecordFacts]]:
    """Pairs at or above ``threshold``, and what clustering must know of every record they touch.

    Only touched records are fetched: at a million records most stand alone, and fetching them all
    would cost more than clustering.
    """
    edges = con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {pairs} WHERE match_probability >= ?",  # noqa: S608 - engine table names
        [threshold],
    ).fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE linkage_touched (unique_id BIGINT)")
    extra = [(i,) for i in extra_ids]
    if extra:
        con.executemany("INSERT INTO linkage_touched VALUES (?)", extra)
    con.execute(
        f"INSERT INTO linkage_touched SELECT unique_id_l FROM {pairs} WHERE match_probability >= ? "  # noqa: S608 - engine table names
        f"UNION SELECT unique_id_r FROM {pairs} WHERE match_probability >= ?",
        [threshold, threshold],
    )
    rows = con.execute(
        "SELECT r.unique_id, r.dob, r.nhs_number, r.pupil_number, r.given_name, r.other_names, "  # noqa: S608 - engine table names
        f"r.approx_birth_year FROM {table} r SEMI JOIN linkage_touched t ON t.unique_id = r.unique_id"
    ).fetchall()
    # Short forms depend on the name alone: worked out once per distinct name, not per record.
    forms_of: dict[str | None, frozenset[str]] = {}
    facts = {}
    for uid, dob, nhs, upn, given, others, year in rows:
        forms = forms_of.get(given)
        if forms is None:
            forms = forms_of[given] = frozenset(given_forms(given)) if given else frozenset()
        facts[uid] = RecordFacts(
            dob, nhs, upn, given, forms, frozenset(others) if others else frozenset(), year
        )
    return edges, facts


def predict(con: duckdb.DuckDBPyConnection, table: str, model: dict[str, Any], threshold: float) -> str:
    """Score every blocked pair; returns the name of a DuckDB table of pairs at or above ``threshold``."""
    linker = linker_for(con, table, model)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    con.execute("CREATE OR REPLACE TABLE linkage_pairs AS SELECT * FROM " + predictions.physical_name)  # noqa: S608 - Splink's own table name
    predictions.drop_table_from_database_and_remove_from_cache()
    return "linkage_pairs"
