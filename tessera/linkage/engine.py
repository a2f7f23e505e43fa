"""Splink on DuckDB: prepare records, train the model, score pairs. No Django in here.

Records come in as an Arrow table (or a DuckDB table) with any of ``RAW_COLUMNS``: from the database,
a Parquet file for the benchmark, or a partner's file with no identifiers, text dates or foreign
postcodes. Everything heavy runs inside DuckDB. Names are tidied in SQL, then sound-alike keys and short
forms are computed in Python once per distinct name (thousands, not millions) and joined back.

A value that cannot be used (a date of birth that is not a date, an NHS number failing its check digit)
never stops a run: it is used as missing, and counted (``bad_values``) so the run can show it.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker

from tessera.linkage.clustering import (
    HouseholdEvidence,
    RecordFacts,
    SafetyRule,
    household_evidence,
    safety_rules,
)
from tessera.linkage.features import EARLIEST_YEAR, LINKAGE_COLUMNS, given_forms, soundex
from tessera.linkage.model_spec import (
    BROAD_RULES,
    IDENTIFIERS,
    SPEC_VERSION,
    TRAINING_PAIRS_PER_RECORD,
    Rule,
    prediction_rules,
    settings_creator,
    training_rules,
)
from tessera.linkage.scoring import RECORDED_BY

RAW_COLUMNS = (
    "unique_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "address_line_1",
    "town",
    "postcode",
    "nhs_number",
    "pupil_number",
    "police_person_id",
    "la_person_id",
    # Year of birth estimated from an approximate age when no date was recorded (received year - age).
    "approximate_birth_year",
    # The year the record was made (received); ages for the adult-and-child rule are taken then. A
    # source without it is judged as of the year of the run.
    "recorded_year",
)
# A rule must find at least this many pairs to train on; fewer says nothing about m.
MIN_TRAINING_PAIRS = 50
TESSERA_KEYS = (
    "tessera_spec_version",
    "tessera_prediction_rules",
    "tessera_households",
    "tessera_training_sessions_left_out",
    "tessera_term_frequency_scale",
    "tessera_untrained_comparisons",
)
# Household pairs judged for ``household_evidence``: a fixed sample, the same whatever the order.
HOUSEHOLD_SAMPLE = 20_000
# One surname at one address held by more records than this is a hostel or a care home, not a household.
HOUSEHOLD_MAX_RECORDS = 20

logging.getLogger("splink").setLevel(logging.WARNING)
_log = logging.getLogger(__name__)


def _text(expression: str) -> str:
    return f"CAST({expression} AS VARCHAR)"


def _norm(expression: str) -> str:
    return f"NULLIF(regexp_replace(lower(strip_accents(coalesce({_text(expression)}, ''))), '[^a-z]', '', 'g'), '')"


def _compact(expression: str, keep: str) -> str:
    return f"NULLIF(regexp_replace(upper(coalesce({_text(expression)}, '')), '{keep}', '', 'g'), '')"


def _source_columns(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()  # noqa: S608 - engine table names
    return {name: str(kind) for name, kind, *_ in rows}


def _column(present: dict[str, str], name: str) -> str:
    return f'"{name}"' if name in present else "NULL"


def _other_names(present: dict[str, str]) -> str:
    kind = present.get("other_names", "")
    if kind.endswith("[]"):
        items = "coalesce(other_names, [])"
    elif kind:
        items = "string_split_regex(coalesce(CAST(other_names AS VARCHAR), ''), '[;,]')"
    else:
        return "[]"
    return f"list_filter(list_transform({items}, lambda x: {_norm('x')}), lambda x: x IS NOT NULL)"


def _dob_text(present: dict[str, str]) -> str:
    kind = present.get("date_of_birth", "")
    if not kind:
        return "NULL"
    if kind == "DATE" or kind.startswith("TIMESTAMP"):
        return "strftime(CAST(date_of_birth AS DATE), '%Y-%m-%d')"
    return "NULLIF(trim(CAST(date_of_birth AS VARCHAR)), '')"


_NHS_VALID = (
    "(length(nhs_digits) = 10 AND nhs_digits <> repeat(substr(nhs_digits, 1, 1), 10) AND "
    "(11 - list_sum(list_transform(range(1, 10), lambda i: CAST(substr(nhs_digits, i, 1) AS INTEGER) * (11 - i)))"
    " % 11) % 11 = CAST(substr(nhs_digits, 10, 1) AS INTEGER))"
)
_UK_POSTCODE = "'^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$'"


def prepare(con: duckdb.DuckDBPyConnection, raw: pa.Table | str, table: str = "linkage_records") -> str:
    """Build the linkage table ``table`` in ``con`` from raw records (an Arrow table or a table name).

    Any of ``RAW_COLUMNS`` but ``unique_id`` may be absent, and any may be text; bad values are counted in
    the table ``linkage_bad_values`` (see ``bad_values``).
    """
    source = raw if isinstance(raw, str) else "raw_records_input"
    if not isinstance(raw, str):
        con.register(source, raw)
    present = _source_columns(con, source)
    if "unique_id" not in present:
        raise ValueError("The records have no unique_id column")
    col = {name: _column(present, name) for name in RAW_COLUMNS}
    keyed = {
        name: _compact(col[name], r"\s") for name in ("pupil_number", "police_person_id", "la_person_id")
    }
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE linkage_given AS
        SELECT
            CAST(unique_id AS BIGINT) AS unique_id,
            {_norm(col["given_name"])} AS given_name,
            {_norm(col["family_name"])} AS family_name,
            {_other_names(present)} AS other_names,
            {_dob_text(present)} AS dob_given,
            NULLIF(lower(trim(coalesce({_text(col["sex"])}, ''))), '') AS sex_given,
            {_compact(col["postcode"], "[^A-Z0-9]")} AS postcode,
            NULLIF(regexp_replace(lower(coalesce({_text(col["address_line_1"])}, '')), '[^a-z0-9]', '', 'g'), '')
                AS address_line,
            NULLIF(regexp_extract(coalesce({_text(col["address_line_1"])}, ''), '[0-9]+', 0), '') AS house_number,
            {_norm(col["town"])} AS locality,
            NULLIF(regexp_replace(coalesce({_text(col["nhs_number"])}, ''), '[^0-9]', '', 'g'), '') AS nhs_digits,
            {keyed["pupil_number"]} AS pupil_number,
            {keyed["police_person_id"]} AS police_person_id,
            {keyed["la_person_id"]} AS la_person_id,
            TRY_CAST({col["approximate_birth_year"]} AS INTEGER) AS approx_birth_year,
            TRY_CAST({col["recorded_year"]} AS INTEGER) AS recorded_year
        FROM {source}
        """  # noqa: S608 - table and column names are this module's own, never user input
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE linkage_tidy AS
        WITH parsed AS (
            SELECT *,
                CASE
                    WHEN regexp_matches(dob_given, '^\\d{{4}}-\\d{{2}}-\\d{{2}}$') THEN try_strptime(dob_given, '%Y-%m-%d')
                    WHEN regexp_matches(dob_given, '^\\d{{8}}$') THEN try_strptime(dob_given, '%Y%m%d')
                    WHEN regexp_matches(dob_given, '^\\d{{1,2}}/\\d{{1,2}}/\\d{{4}}$') THEN try_strptime(dob_given, '%d/%m/%Y')
                END::DATE AS dob_date,
                regexp_extract(dob_given, '^(\\d{{4}})(-\\d{{2}})?$', 1) AS partial_year
            FROM linkage_given
        )
        SELECT *,
            CASE WHEN year(dob_date) >= {EARLIEST_YEAR} AND dob_date <= current_date
                THEN strftime(dob_date, '%Y-%m-%d') END AS dob,
            CASE WHEN year(dob_date) >= {EARLIEST_YEAR} AND dob_date <= current_date
                THEN strftime(dob_date, '%Y')
                WHEN dob_date IS NULL AND partial_year <> ''
                    AND CAST(partial_year AS INTEGER) BETWEEN {EARLIEST_YEAR} AND year(current_date)
                THEN partial_year END AS dob_year,
            CASE WHEN sex_given IN ('male', 'm') THEN 'male' WHEN sex_given IN ('female', 'f') THEN 'female'
                WHEN sex_given = 'other' THEN 'other' END AS sex,
            CASE WHEN {_NHS_VALID} THEN nhs_digits END AS nhs_number
        FROM parsed
        """  # noqa: S608 - this module's own tables
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE linkage_bad_values AS
        SELECT
            count(*) FILTER (WHERE dob_given IS NOT NULL AND dob_year IS NULL) AS date_of_birth_not_a_date,
            count(*) FILTER (WHERE dob IS NULL AND dob_year IS NOT NULL) AS date_of_birth_partial,
            count(*) FILTER (WHERE nhs_digits IS NOT NULL AND nhs_number IS NULL) AS nhs_number_fails_check,
            count(*) FILTER (WHERE postcode IS NOT NULL AND NOT regexp_matches(postcode, {_UK_POSTCODE}))
                AS postcode_not_uk,
            count(*) FILTER (WHERE sex_given IS NOT NULL AND sex IS NULL AND sex_given <> 'unknown')
                AS sex_not_understood
        FROM linkage_tidy
        """  # noqa: S608 - this module's own tables
    )
    names = con.execute(
        "SELECT DISTINCT given_name FROM linkage_tidy WHERE given_name IS NOT NULL "
        "UNION SELECT DISTINCT family_name FROM linkage_tidy WHERE family_name IS NOT NULL"
    ).fetchall()
    keys = _name_keys(name for (name,) in names)
    con.register("linkage_name_keys", keys)
    # Ordered by unique_id so the same records give the same table whatever order they came in.
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
            t.dob_year,
            t.sex,
            NULLIF(regexp_replace(coalesce(t.address_line, ''), '[^a-z]', '', 'g'), '') AS street,
            t.house_number,
            t.locality,
            CASE WHEN t.postcode IS NOT NULL OR t.address_line IS NOT NULL
                THEN coalesce(t.address_line, '') || '|' || coalesce(t.postcode, '') END AS address_key,
            t.postcode,
            CASE WHEN regexp_matches(t.postcode, {_UK_POSTCODE}) THEN substr(t.postcode, 1, length(t.postcode) - 2)
                WHEN regexp_matches(t.postcode, '^[0-9]{{4,6}}$') THEN substr(t.postcode, 1, length(t.postcode) - 1)
                END AS postcode_sector,
            t.nhs_number,
            t.pupil_number,
            t.police_person_id,
            t.la_person_id,
            t.approx_birth_year,
            coalesce(t.recorded_year, year(current_date)) AS recorded_year
        FROM linkage_tidy t
        LEFT JOIN linkage_name_keys g ON g.name = t.given_name
        LEFT JOIN linkage_name_keys f ON f.name = t.family_name
        ORDER BY t.unique_id
        """  # noqa: S608 - table names are this module's own, never user input
    )
    con.execute("DROP TABLE linkage_given")
    con.execute("DROP TABLE linkage_tidy")
    con.unregister("linkage_name_keys")
    return table


def bad_values(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many values of each kind the last ``prepare`` could not use (see ``features.BAD_VALUES``)."""
    (row,) = con.sql("SELECT * FROM linkage_bad_values").to_arrow_table().to_pylist()
    return {name: int(count) for name, count in row.items()}


def recorded_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The linkage columns at least two records have: the fields a source actually has."""
    columns = [c for c in LINKAGE_COLUMNS if c != "unique_id"]
    (counts,) = con.execute(
        "SELECT " + ", ".join(f'count("{c}")' for c in columns) + f" FROM {table}"  # noqa: S608 - engine names
    ).fetchall()
    return {c for c, n in zip(columns, counts, strict=True) if n >= 2}


def pairs_found(con: duckdb.DuckDBPyConnection, table: str, rule: Rule) -> int:
    """How many record pairs a block_on rule finds (without building them)."""
    keys = ", ".join(rule.columns)
    recorded = " AND ".join(f"({c}) IS NOT NULL" for c in rule.columns)
    ((pairs,),) = con.execute(
        f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM "  # noqa: S608 - engine names and model_spec rules
        f"(SELECT count(*) AS n FROM {table} WHERE {recorded} GROUP BY {keys})"
    ).fetchall()
    return int(pairs)


def _name_keys(names: Iterable[str]) -> pa.Table:
    rows: dict[str, list[Any]] = {"name": [], "sx": [], "forms": []}
    for name in names:
        rows["name"].append(name)
        rows["sx"].append(soundex(name) or None)
        rows["forms"].append(given_forms(name) or None)
    return pa.table(
        rows, schema=pa.schema([("name", pa.string()), ("sx", pa.string()), ("forms", pa.list_(pa.string()))])
    )


def _linker(con: duckdb.DuckDBPyConnection, table: str, settings: Any, **options: Any) -> Linker:
    return Linker(DuckDBAPI(connection=con).register(table), settings, log_level=None, **options)


def train(
    con: duckdb.DuckDBPyConnection, table: str, *, seed: int = 7, max_pairs: float = 2e6
) -> dict[str, Any]:
    """Train the model unsupervised on the records in ``table``; returns Splink's model JSON.

    Blocking and training rules are chosen from the fields the records have. u (how often fields agree
    by chance) comes from random pairs, less what true matches among them add (``u_without_matches``);
    the prior from pairs that share an identifier or a full name and birthday (or address), with the
    share of true pairs they find worked out from the trained m; m (how often the same person's records
    agree) from EM.
    """
    recorded = recorded_columns(con, table)
    ((records,),) = con.execute(f"SELECT count(*) FROM {table}").fetchall()  # noqa: S608 - engine names
    rules = prediction_rules(recorded)
    rules += [
        rule
        for rule in BROAD_RULES
        if rule not in rules
        and all(c in recorded for c in rule.needs)
        and pairs_found(con, table, rule) <= rule.most_pairs_per_record * records
    ]
    evidence = households(con, table)
    linker = _linker(con, table, settings_creator(rules, households=evidence.households))
    sample = random_pair_levels(con, table, linker, pairs=max_pairs, seed=seed)
    # u from every random pair first (as Splink's random sampling): EM needs u to start from.
    linker = _linker(con, table, with_u(linker.misc.save_model_to_json(), sample, prior=0.0))
    found = {r: pairs_found(con, table, r) for r in _deterministic_rules(recorded)}
    deterministic = [r for r, n in found.items() if n > 0]
    # On a small table the rules may find so large a share of all pairs that a low recall would put the
    # prior at or above 1 (Splink refuses it); the recall is never taken below what keeps it at MOST_PRIOR.
    least = least_recall(sum(found.values()), records)
    if deterministic:
        linker.training.estimate_probability_two_random_records_match(
            [r.creator() for r in deterministic], recall=max(ASSUMED_RECALL, least)
        )
    trained_on_identifier = False
    sessions_left_out: list[str] = []
    for rule in training_rules(recorded):
        is_identifier = rule.name in IDENTIFIERS
        if is_identifier and trained_on_identifier:
            continue
        pairs = pairs_found(con, table, rule)
        if not MIN_TRAINING_PAIRS <= pairs <= TRAINING_PAIRS_PER_RECORD * records:
            continue
        # Splink's session narrows the linker's own comparisons and sets its prior for the session's pairs
        # before training, and puts them back only when training ends well.
        before = copy.deepcopy(linker._settings_obj.core_model_settings)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule.creator())
        except ValueError as error:
            # A level whose pairs in this session are all taken for two people has its m driven to
            # zero, which Splink refuses (seen at a million records: 'Same postcode' in the session on
            # surname and birthday). The linker is put back as it was before the session (without this,
            # the prior stayed the session's, 0.9, and later sessions trained too few comparisons) and
            # the other sessions train the same comparisons.
            if "below the minimum allowed value" not in str(error):
                raise
            linker._settings_obj.core_model_settings = before
            sessions_left_out.append(rule.name)
            continue
        trained_on_identifier |= is_identifier
    untrained = untrained_comparisons(linker, recorded)
    if untrained:
        _log.warning("No EM session trained %s: scored as no evidence", ", ".join(untrained))
    if deterministic:
        # Again, now that EM has said how often one person's records agree on each field: the share of true
        # pairs the deterministic rules find is worked out from the trained model, not assumed.
        # An untrained comparison's m is Splink's default: its rules fall back to the assumed recall.
        trained = without_m(linker.misc.save_model_to_json(), untrained)
        recall = deterministic_recall(trained, recorded_share(con, table), [r.columns for r in deterministic])
        recall = max(recall, least)
        linker.training.estimate_probability_two_random_records_match(
            [r.creator() for r in deterministic], recall=recall
        )
    model = linker.misc.save_model_to_json()
    exact = exact_agreement(con, table)
    model = with_u(model, sample, prior=float(model["probability_two_random_records_match"]), exact=exact)
    model["tessera_term_frequency_scale"] = term_frequency_scale(model, sample, exact)
    model = without_untrained(model, untrained)
    model["tessera_untrained_comparisons"] = untrained
    model["tessera_spec_version"] = SPEC_VERSION
    model["tessera_prediction_rules"] = [rule.name for rule in rules]
    model["tessera_households"] = evidence.as_dict()
    model["tessera_training_sessions_left_out"] = sessions_left_out
    return model


# Pairs at each comparison's levels among the random pairs: comparison -> {level's vector value: pairs}.
LevelCounts = dict[str, dict[int, int]]


def random_pair_levels(
    con: duckdb.DuckDBPyConnection, table: str, linker: Linker, *, pairs: float, seed: int
) -> LevelCounts:
    """How many of about ``pairs`` random record pairs fall at each level of each comparison.

    The random pairs are every pair whose two records fall in one bucket by a hash of their ids: each
    pair is as likely as any other to be drawn, and the same pairs are drawn whatever the order of the
    records. Levels need no parameters, so this is done once, before training, with the comparisons' own
    SQL (Splink's level of each pair) and no weights or term frequencies.
    """
    ((records,),) = con.execute(f"SELECT count(*) FROM {table}").fetchall()  # noqa: S608 - engine names
    buckets = max(1, int(records * (records - 1) / 2 // pairs))
    columns = [name for name, *_ in con.execute(f"DESCRIBE {table}").fetchall()]
    both = ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in columns)
    comparisons = linker._settings_obj.comparisons
    levels = ", ".join(c._case_statement for c in comparisons)
    rows = con.execute(
        f"""
        WITH records AS (SELECT *, hash(unique_id, {int(seed)}) % {buckets} AS u_bucket FROM {table}),
        pairs AS (
            SELECT {both} FROM records l JOIN records r ON l.u_bucket = r.u_bucket AND l.unique_id < r.unique_id
        )
        SELECT {levels}, count(*) FROM pairs GROUP BY ALL
        """  # noqa: S608 - engine names and the model's own comparisons
    ).fetchall()
    counts: LevelCounts = {c.output_column_name: {} for c in comparisons}
    for row in rows:
        for comparison, gamma in zip(comparisons, row[:-1], strict=True):
            if gamma != -1:
                found = counts[comparison.output_column_name]
                found[int(gamma)] = found.get(int(gamma), 0) + int(row[-1])
    return counts


# Each comparison whose top level is exact agreement on one column: that column, and the column whose
# absence is the comparison's null level.
EXACT_TOP_LEVELS = {
    "given_name": ("given_name", "given_name"),
    "family_name": ("family_name", "family_name"),
    "dob": ("dob", "dob_year"),
    "address": ("address_key", "address_key"),
}
# Exact agreement over every pair: comparison -> (pairs agreeing exactly, pairs with the field on both).
ExactCounts = dict[str, tuple[int, int]]


def exact_agreement(con: duckdb.DuckDBPyConnection, table: str) -> ExactCounts:
    """How many of ALL record pairs agree exactly at each comparison's top level, counted from how many
    records hold each value (no pairs built): the random pairs are a sample, and at a few thousand
    records the few that agree on a whole address or a birthday are mostly one person's, so their count
    says little about different people; over every pair the count's chance spread is far smaller."""
    present = {name for name, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
    counts: ExactCounts = {}
    for comparison, (column, recorded) in EXACT_TOP_LEVELS.items():
        if column not in present or recorded not in present:
            continue
        ((agree, held),) = con.execute(
            f'SELECT coalesce(sum(n * (n - 1) / 2), 0), (SELECT count("{recorded}") FROM {table}) '  # noqa: S608 - engine names
            f'FROM (SELECT count(*) AS n FROM {table} WHERE "{column}" IS NOT NULL GROUP BY "{column}")'
        ).fetchall()
        pairs = int(held) * (int(held) - 1) // 2
        if pairs:
            counts[comparison] = (int(agree), pairs)
    return counts


def with_u(
    model: dict[str, Any], sample: LevelCounts, *, prior: float, exact: ExactCounts | None = None
) -> dict[str, Any]:
    """The model with each level's u from the random pairs (``u_without_matches``); levels no random pair
    reached, and levels whose u is fixed, keep theirs. A comparison's top level counted over every pair
    (``exact``) takes its u from that count instead."""
    result = copy.deepcopy(model)
    for comparison in result["comparisons"]:
        name = comparison["output_column_name"]
        levels = comparison["comparison_levels"]
        positions = level_positions(levels)
        m = {gamma: levels[i].get("m_probability") for gamma, i in positions.items()}
        found = u_without_matches(sample.get(name, {}), m, prior)
        if exact and name in exact and positions:
            top = max(positions)
            agree, pairs = exact[name]
            if agree:
                found[top] = u_without_matches({top: agree, top - 1: pairs - agree}, m, prior)[top]
        for gamma, u in found.items():
            level = levels[positions[gamma]]
            if not level.get("fix_u_probability"):
                level["u_probability"] = u
    return result


def term_frequency_scale(
    model: dict[str, Any], sample: LevelCounts, exact: ExactCounts | None = None
) -> dict[str, float]:
    """For each column with term frequencies, how much rarer agreement is between different people than
    among all random pairs: the exact level's u (``u_without_matches``) over its share of the random pairs.

    Splink's term-frequency adjustment replaces a level's u by the value's share of the records, so an
    exact agreement on value v weighs m / share(v), whatever u is: the true matches taken out of u
    (ADR 0031) were still counted there. A value's share counts the person's own other records, which at
    a few thousand records is most of what makes a home or a rare surname look shared. Scaling every
    value's share by the level's own correction keeps Splink's relative adjustment (a common value says
    less than a rare one) and makes the average agreeing value weigh m / u, as the level does. At a
    million records the scale is about 1 (a few true matches among the random pairs) and nothing changes.
    """
    scale: dict[str, float] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        name = comparison["output_column_name"]
        counts = sample.get(name, {})
        pairs = sum(counts.values())
        positions = level_positions(levels)
        for gamma, i in positions.items():
            level = levels[i]
            column, u = level.get("tf_adjustment_column"), level.get("u_probability")
            share = counts.get(gamma, 0) / pairs if pairs else 0.0
            if exact and name in exact and gamma == max(positions) and exact[name][0]:
                share = exact[name][0] / exact[name][1]
            if column and u and share:
                scale[str(column)] = min(1.0, float(u) / share)
    return scale


def register_term_frequencies(
    con: duckdb.DuckDBPyConnection, linker: Linker, table: str, model: dict[str, Any]
) -> None:
    """Give the linker each term-frequency column's table scaled by ``term_frequency_scale`` (a model
    trained before the scale was recorded keeps Splink's own tables)."""
    for column, scale in model.get("tessera_term_frequency_scale", {}).items():
        name = f"linkage_tf_{column}"
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE {name} AS SELECT "{column}", '  # noqa: S608 - engine names
            f'CAST(count(*) AS DOUBLE) / (SELECT count("{column}") FROM {table}) * {float(scale)!r} '
            f'AS "tf_{column}" FROM {table} WHERE "{column}" IS NOT NULL GROUP BY ALL'
        )
        linker.table_management.register_term_frequency_lookup(linker._db_api.register(name), column)


def u_floor(count: int, pairs: int) -> float:
    """The least u a level may have: the square root of its count among the random pairs over their
    number. A count's chance spread is about its square root, so an agreement is never taken as rarer
    than the sample can tell apart from a few coincidences."""
    return math.sqrt(max(count, 1)) / pairs


def u_without_matches(counts: dict[int, int], m: dict[int, float | None], prior: float) -> dict[int, float]:
    """Each observed level's u: its share of the random pairs, less what true matches among them add.

    A random pair is a true match with probability ``prior``, and a true match falls at a level with
    probability m, so a level's share of random pairs is (1 - prior) u + prior m. Splink's random
    sampling takes the share itself for u. At a million records that is the same (a few true matches in
    two million pairs); at five thousand (FEBRL) one random pair in 2,000 is a true match, more than the
    chance two different people share a birthday or an address, so u for those agreements was mostly true
    matches and every shared birthday and address was marked down several-fold. Floored by ``u_floor``:
    where the share is about what true matches alone give, u is not taken as nothing.
    """
    pairs = sum(counts.values())
    if not pairs:
        return {}
    # A prior of 1 (every pair one person) leaves nothing to say about u; it is held at MOST_PRIOR, and
    # a u is never above 1.
    prior = min(max(prior, 0.0), MOST_PRIOR)
    return {
        gamma: min(
            max((count / pairs - prior * (m.get(gamma) or 0.0)) / (1 - prior), u_floor(count, pairs)), 1.0
        )
        for gamma, count in counts.items()
        if count
    }


def level_positions(levels: list[dict[str, Any]]) -> dict[int, int]:
    """Where each comparison vector value's level is in a comparison's list of levels, as Splink numbers
    them: the null level -1, the others from the top down to 0."""
    counted = [i for i, level in enumerate(levels) if not level.get("is_null_level")]
    return {len(counted) - 1 - k: i for k, i in enumerate(counted)}


# Where a deterministic rule's column is compared, and the level that is its exact agreement.
_AGREEMENT_LEVEL = {
    "given_name": ("given_name", "Same"),
    "family_name": ("family_name", "Same"),
    "dob": ("dob", "Same"),
    "address_key": ("address", "Same address"),
    **dict.fromkeys(IDENTIFIERS, ("identifiers", "A shared identifier is the same")),
}
# The recall assumed before EM has trained m, and the bounds on the recall worked out after it.
ASSUMED_RECALL = 0.8
RECALL_BOUNDS = (0.1, 0.95)
# The most the prior may be: past one pair in two being one person, the records are a few people's and
# u (from the other pairs) would rest on almost nothing.
MOST_PRIOR = 0.5


def least_recall(found: int, records: int) -> float:
    """The lowest recall the deterministic rules may be given: what puts the prior at ``MOST_PRIOR`` when
    they find ``found`` pairs among ``records`` records (at most 1: they cannot find more than there are)."""
    pairs = records * (records - 1) / 2
    return min(1.0, found / (pairs * MOST_PRIOR)) if pairs else 1.0


def untrained_comparisons(linker: Linker, recorded: set[str]) -> list[str]:
    """Comparisons of fields the records have whose m no EM session trained (every session that could
    train them left out, or none found enough pairs): their m would be Splink's defaults, not the data's.
    Levels with a fixed m do not count as trained."""
    untrained = []
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        if not any(c in recorded for c in RECORDED_BY.get(name, (name,))):
            continue
        levels = [
            level
            for level in comparison.comparison_levels
            if not level.is_null_level and not level._fix_m_probability
        ]
        if levels and not any(level._has_estimated_m_values for level in levels):
            untrained.append(name)
    return untrained


def without_m(model: dict[str, Any], comparisons: Iterable[str]) -> dict[str, Any]:
    """The model with no m at the levels of these comparisons."""
    result = copy.deepcopy(model)
    names = set(comparisons)
    for comparison in result["comparisons"]:
        if comparison["output_column_name"] in names:
            for level in comparison["comparison_levels"]:
                level.pop("m_probability", None)
    return result


def without_untrained(model: dict[str, Any], untrained: Iterable[str]) -> dict[str, Any]:
    """The model with each untrained comparison made to weigh nothing (m = u at every level, no term
    frequencies): a field no session learnt about is neither evidence for nor against."""
    result = copy.deepcopy(model)
    names = set(untrained)
    for comparison in result["comparisons"]:
        if comparison["output_column_name"] not in names:
            continue
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            u = level.get("u_probability")
            level["u_probability"] = level["m_probability"] = u if isinstance(u, float) and u > 0 else 1e-6
            level["fix_m_probability"] = True
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return result


def recorded_share(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, float]:
    """The share of records with each linkage column recorded."""
    columns = [c for c in _AGREEMENT_LEVEL if c in LINKAGE_COLUMNS]
    (row,) = con.execute(
        "SELECT count(*), " + ", ".join(f'count("{c}")' for c in columns) + f" FROM {table}"  # noqa: S608 - engine names
    ).fetchall()
    total = max(int(row[0]), 1)
    return {c: int(n) / total for c, n in zip(columns, row[1:], strict=True)}


def deterministic_recall(
    model: dict[str, Any], recorded: dict[str, float], rules: Iterable[tuple[str, ...]]
) -> float:
    """The share of true pairs that at least one deterministic rule finds, from the trained model.

    A rule finds a true pair when each of its columns is recorded on both records (the recorded share,
    squared: missing at random) and agrees exactly (that level's m). Rules are taken as independent of
    each other. Bounded by ``RECALL_BOUNDS``; a rule whose level was not trained counts as
    ``ASSUMED_RECALL``.
    """
    m_of: dict[tuple[str, str], float] = {}
    for comparison in model.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("m_probability") is not None and level.get("label_for_charts"):
                m_of[(comparison["output_column_name"], level["label_for_charts"])] = float(
                    level["m_probability"]
                )
    missed = 1.0
    for columns in rules:
        found = 1.0
        for column in columns:
            level = _AGREEMENT_LEVEL.get(column)
            m = m_of.get(level) if level else None
            if m is None:
                found = ASSUMED_RECALL
                break
            found *= recorded.get(column, 1.0) ** 2 * m
        missed *= 1 - found
    low, high = RECALL_BOUNDS
    return min(max(1 - missed, low), high)


def households(con: duckdb.DuckDBPyConnection, table: str) -> HouseholdEvidence:
    """Whether the records hold households of several people: pairs sharing a surname and an address,
    judged by the safety rules' own name and date tests (a fixed sample of them at scale)."""
    rows = con.execute(
        f"""
        WITH homes AS (
            SELECT family_name, address_key FROM {table}
            WHERE family_name IS NOT NULL AND address_key IS NOT NULL
            GROUP BY ALL HAVING count(*) BETWEEN 2 AND {HOUSEHOLD_MAX_RECORDS}
        ), members AS (
            SELECT r.unique_id, r.family_name, r.address_key, r.given_name, r.dob
            FROM {table} r SEMI JOIN homes h USING (family_name, address_key)
            WHERE r.given_name IS NOT NULL AND r.dob IS NOT NULL
        )
        SELECT l.given_name, l.dob, r.given_name, r.dob
        FROM members l JOIN members r
            ON l.family_name = r.family_name AND l.address_key = r.address_key AND l.unique_id < r.unique_id
        ORDER BY hash(l.unique_id, r.unique_id), l.unique_id, r.unique_id
        LIMIT {HOUSEHOLD_SAMPLE}
        """  # noqa: S608 - this module's own table and constants
    ).fetchall()
    forms_of: dict[str, frozenset[str]] = {}

    def facts(given: str, dob: str) -> RecordFacts:
        if given not in forms_of:
            forms_of[given] = frozenset(given_forms(given))
        return RecordFacts(dob=dob, given_name=given, given_forms=forms_of[given])

    return household_evidence((facts(g1, d1), facts(g2, d2)) for g1, d1, g2, d2 in rows)


def rules_for(model: dict[str, Any]) -> tuple[SafetyRule, ...]:
    """The safety rules for records scored by this model: those needing households only where its
    training records showed them (a model saved before this was recorded: every rule)."""
    evidence = model.get("tessera_households")
    return safety_rules(bool(evidence["households"]) if evidence else True)


def _deterministic_rules(recorded: set[str]) -> list[Rule]:
    """Rules that admit almost no false matches, for the prior: a shared identifier, or every name and
    the birthday (the address when there is no birthday)."""
    rules = [Rule(c, (c,), columns=(c,)) for c in IDENTIFIERS if c in recorded]
    for third in ("dob", "address_key"):
        if {"given_name", "family_name", third} <= recorded:
            rules.append(
                Rule(
                    f"names+{third}",
                    ("given_name", "family_name", third),
                    columns=("given_name", "family_name", third),
                )
            )
            break
    return rules


def splink_settings(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in model.items() if k not in TESSERA_KEYS}


def linker_for(con: duckdb.DuckDBPyConnection, table: str, model: dict[str, Any]) -> Linker:
    return _linker(con, table, splink_settings(model))


def scoring_weights(model: dict[str, Any]) -> dict[str, Any]:
    """Each level's weight exactly as Splink computes it (defaults for unobserved levels included),
    for the pure-Python scorer used by search before create."""
    con = duckdb.connect()
    con.execute("CREATE TABLE empty_records AS SELECT * FROM (SELECT 1 AS unique_id) WHERE false")
    linker = _linker(con, "empty_records", splink_settings(model), validate_settings=False)
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
    # The safety rules follow the model everywhere it scores (matching on arrival reads only the weights).
    households = model.get("tessera_households")
    return {
        "prior_odds": prior / (1 - prior),
        "comparisons": comparisons,
        "households": bool(households["households"]) if households else True,
    }


def edges_with_facts(
    con: duckdb.DuckDBPyConnection,
    table: str,
    pairs: str,
    threshold: float,
    extra_ids: Iterable[int] = (),
    *,
    facts_from: float | None = None,
) -> tuple[list[tuple[int, int, float]], dict[int, RecordFacts]]:
    """Pairs at or above ``threshold``, and what clustering must know of every record they touch.

    Only touched records are fetched: at a million records most stand alone, and fetching them all
    would cost more than clustering. ``facts_from`` (a lower probability) fetches the facts of the
    records of weaker pairs too, for the safety rules that judge the pairs offered for review.
    """
    lowest = threshold if facts_from is None else min(threshold, facts_from)
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
        [lowest, lowest],
    )
    rows = con.execute(
        "SELECT r.unique_id, r.dob, r.nhs_number, r.pupil_number, r.given_name, r.other_names, "  # noqa: S608 - engine table names
        "r.approx_birth_year, r.family_name, r.address_key, r.dob_year, r.police_person_id, r.la_person_id, "
        "r.recorded_year "
        f"FROM {table} r SEMI JOIN linkage_touched t ON t.unique_id = r.unique_id"
    ).fetchall()
    # Short forms depend on the name alone: worked out once per distinct name, not per record.
    forms_of: dict[str | None, frozenset[str]] = {}
    facts = {}
    for uid, dob, nhs, upn, given, others, year, family, address, dob_year, police, la, recorded in rows:
        forms = forms_of.get(given)
        if forms is None:
            forms = forms_of[given] = frozenset(given_forms(given)) if given else frozenset()
        facts[uid] = RecordFacts(
            dob, nhs, upn, given, forms, frozenset(others) if others else frozenset(), year, family, address,
            dob_year, _identifiers(nhs, upn, police, la), recorded,
        )  # fmt: skip
    return edges, facts


_NO_IDENTIFIERS: frozenset[str] = frozenset()


def _identifiers(*values: str | None) -> frozenset[str]:
    if not any(values):
        return _NO_IDENTIFIERS  # most records: no need to build a set
    return frozenset(f"{kind}:{value}" for kind, value in zip(IDENTIFIERS, values, strict=True) if value)


def predict(con: duckdb.DuckDBPyConnection, table: str, model: dict[str, Any], threshold: float) -> str:
    """Score every blocked pair; returns the name of a DuckDB table of pairs at or above ``threshold``."""
    linker = linker_for(con, table, model)
    register_term_frequencies(con, linker, table, model)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    con.execute("CREATE OR REPLACE TABLE linkage_pairs AS SELECT * FROM " + predictions.physical_name)  # noqa: S608 - Splink's own table name
    predictions.drop_table_from_database_and_remove_from_cache()
    return "linkage_pairs"
