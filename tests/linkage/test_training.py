"""How the model is trained (issue 13): u without the true matches among random pairs, the prior's recall
from the trained m, an EM session Splink refuses, and the blocking rules for a birthday missing at home.

The arithmetic is pure; the rest runs the engine on DuckDB in memory (no database).
"""

from typing import Any

import duckdb
import pyarrow as pa
import pytest
from splink import DuckDBAPI, Linker

from tessera.linkage import engine
from tessera.linkage.model_spec import RULES_BY_NAME, prediction_rules, settings_creator
from tests.linkage.synthetic import generate


def test_u_is_a_level_s_share_of_random_pairs_less_what_true_matches_add():
    # 2,000,000 random pairs; one in 2,000 a true match (FEBRL's size), 95 in 100 of which share a birthday.
    counts = {1: 1_060, 0: 1_998_940}
    u = engine.u_without_matches(counts, {1: 0.95, 0: 0.05}, prior=0.0005)
    share = 1_060 / 2_000_000
    assert u[1] == pytest.approx((share - 0.0005 * 0.95) / 0.9995)
    assert u[1] < share / 9  # the shared birthday was marked down nine-fold by the true matches
    # At a million records true matches are a few in two million pairs: u is the share itself.
    assert engine.u_without_matches(counts, {1: 0.95, 0: 0.05}, prior=7e-7)[1] == pytest.approx(
        share, rel=2e-3
    )


def test_u_is_never_below_the_chance_spread_of_its_count():
    # Every pair at the level is a true match by the model's reckoning: u is not taken as nothing.
    counts = {1: 400, 0: 1_999_600}
    u = engine.u_without_matches(counts, {1: 1.0, 0: 0.0}, prior=0.0005)
    assert u[1] == engine.u_floor(400, 2_000_000) == pytest.approx(20 / 2_000_000)


def test_levels_no_random_pair_reached_keep_their_u():
    assert engine.u_without_matches({1: 0, 0: 10}, {}, prior=0.0) == {0: 1.0}
    assert engine.u_without_matches({}, {}, prior=0.0) == {}


def test_level_positions_are_splink_s_own_numbering():
    con = duckdb.connect()
    con.execute("CREATE TABLE empty_records AS SELECT 1 AS unique_id WHERE false")
    linker = Linker(
        DuckDBAPI(connection=con).register("empty_records"), settings_creator(), validate_settings=False
    )
    model = linker.misc.save_model_to_json()
    for comparison, built in zip(model["comparisons"], linker._settings_obj.comparisons, strict=True):
        positions = engine.level_positions(comparison["comparison_levels"])
        for index, level in enumerate(built.comparison_levels):
            if not level.is_null_level:
                assert positions[level.comparison_vector_value] == index


def _model(**m: float) -> dict:
    levels = {
        "given_name": "Same",
        "family_name": "Same",
        "dob": "Same",
        "identifiers": "A shared identifier is the same",
    }
    return {
        "comparisons": [
            {
                "output_column_name": name,
                "comparison_levels": [{"label_for_charts": label, "m_probability": m[name]}],
            }
            for name, label in levels.items()
            if name in m
        ]
    }


def test_the_prior_s_recall_comes_from_the_trained_m_of_each_rule_s_fields():
    model = _model(given_name=0.6, family_name=0.5, dob=0.9)
    everything = {"given_name": 1.0, "family_name": 1.0, "dob": 1.0}
    names_and_dob = ("given_name", "family_name", "dob")
    assert engine.deterministic_recall(model, everything, [names_and_dob]) == pytest.approx(0.27)
    # A field recorded on 80 in 100 records is on both records of a true pair 64 times in 100.
    most = {**everything, "dob": 0.8}
    assert engine.deterministic_recall(model, most, [names_and_dob]) == pytest.approx(0.27 * 0.64)
    # Two rules: a pair is missed only when both miss it.
    with_id = _model(given_name=0.6, family_name=0.5, dob=0.9, identifiers=0.9)
    found = engine.deterministic_recall(
        with_id, {**everything, "la_person_id": 1.0}, [("la_person_id",), names_and_dob]
    )
    assert found == pytest.approx(min(1 - 0.1 * 0.73, engine.RECALL_BOUNDS[1]))


def test_the_prior_s_recall_is_bounded_and_falls_back_when_untrained():
    names_and_dob = [("given_name", "family_name", "dob")]
    assert engine.deterministic_recall(_model(), {}, names_and_dob) == engine.ASSUMED_RECALL
    tiny = _model(given_name=0.01, family_name=0.01, dob=0.01)
    assert engine.deterministic_recall(tiny, {}, names_and_dob) == engine.RECALL_BOUNDS[0]


@pytest.fixture(scope="module")
def world() -> pa.Table:
    return generate(400, seed=31)


def _train_with_second_session(world, monkeypatch, second) -> dict:
    from splink.internals.linker_components.training import LinkerTraining

    real = LinkerTraining.estimate_parameters_using_expectation_maximisation
    calls = []

    def session(self, rule, *args, **kwargs):
        calls.append(rule)
        if len(calls) == 2:
            return second(self)
        return real(self, rule, *args, **kwargs)

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", session)
    con = duckdb.connect()
    return engine.train(con, engine.prepare(con, world))


def _m_values(model: dict) -> list:
    return [[level.get("m_probability") for level in c["comparison_levels"]] for c in model["comparisons"]]


def _same_m_values(left: list, right: list) -> bool:
    """Same levels trained, to floating-point rounding: EM's sums are not associative, so the last digit
    may differ between two runs of the same sessions."""
    if [[m is None for m in c] for c in left] != [[m is None for m in c] for c in right]:
        return False
    return all(
        m == pytest.approx(n, rel=1e-9)
        for a, b in zip(left, right, strict=True)
        for m, n in zip(a, b, strict=True)
        if m is not None
    )


def test_an_em_session_splink_refuses_is_left_out_and_undone(world, monkeypatch):
    """Splink stops a session whose m falls to zero after it has changed the linker's prior half way
    (seen at a million records); the run goes on exactly as if the session had never been tried."""

    def refused(training):
        # As Splink does before training: the linker's comparisons narrowed, its prior the session's.
        settings = training._linker._settings_obj.core_model_settings
        settings.comparisons = settings.comparisons[:1]
        settings.probability_two_random_records_match = 0.9
        raise ValueError("m_probability value 0.0 is below the minimum allowed value of 1e-300.")

    left_out = _train_with_second_session(world, monkeypatch, refused)
    never_tried = _train_with_second_session(world, monkeypatch, lambda training: None)
    assert len(left_out["tessera_training_sessions_left_out"]) == 1
    assert never_tried["tessera_training_sessions_left_out"] == []
    assert _same_m_values(_m_values(left_out), _m_values(never_tried))
    assert left_out["probability_two_random_records_match"] == pytest.approx(
        never_tried["probability_two_random_records_match"], rel=1e-9
    )


def test_any_other_error_in_a_session_still_stops_the_run(world, monkeypatch):
    def broken(training):
        raise ValueError("something else")

    with pytest.raises(ValueError, match="something else"):
        _train_with_second_session(world, monkeypatch, broken)


def _compared(records: list[dict[str, Any]], rule_names: list[str]) -> set[str]:
    """The prediction rules that pair the two records."""
    con = duckdb.connect()
    table = engine.prepare(con, pa.Table.from_pylist(records))
    found = set()
    for name in rule_names:
        sql = RULES_BY_NAME[name].creator().get_blocking_rule("duckdb").blocking_rule_sql
        ((hit,),) = con.execute(
            f"SELECT count(*) FROM {table} l JOIN {table} r ON l.unique_id < r.unique_id WHERE {sql}"
        ).fetchall()
        if hit:
            found.add(name)
    return found


HOME = {"address_line_1": "14 Foundry Close", "postcode": "S66 5ZE"}
EVERYTHING = {
    "given_name", "family_name", "dob", "dob_year", "given_sx", "family_sx", "address_key", "postcode",
    "postcode_sector", "street", "house_number", "locality",
}  # fmt: skip


def test_a_birthday_missing_and_a_first_name_typed_over_at_one_home_are_compared():
    records: list[dict[str, Any]] = [
        {"unique_id": 1, "given_name": "Kayleigh", "family_name": "Brackshaw", "date_of_birth": "2011-04-02", **HOME},
        {"unique_id": 2, "given_name": "Rebecca", "family_name": "Brackshw", "date_of_birth": None, **HOME},
    ]  # fmt: skip
    rules = [rule.name for rule in prediction_rules(EVERYTHING)]
    assert _compared(records, rules) == {"number+postcode"}


def test_both_names_sounding_alike_in_one_town_are_compared_with_the_postcode_typed_wrong():
    records: list[dict[str, Any]] = [
        {"unique_id": 1, "given_name": "Charlotte", "family_name": "Hyland", "address_line_1": "25 Madsen Place",
         "town": "Clarinda", "postcode": "3108"},
        {"unique_id": 2, "given_name": "Charlote", "family_name": "Hylande", "address_line_1": "52 Madsen Pl",
         "town": "Clarinda", "postcode": "3180"},
    ]  # fmt: skip
    rules = [rule.name for rule in prediction_rules(EVERYTHING)]
    assert _compared(records, rules) == {"names_sx+town"}


def test_the_first_name_s_sound_in_one_postcode_is_compared_with_the_surname_and_street_changed():
    records: list[dict[str, Any]] = [
        {"unique_id": 1, "given_name": "Jakub", "family_name": "Novak", "address_line_1": "3 Kiln Court",
         "postcode": "S63 8NW"},
        {"unique_id": 2, "given_name": "Jakob", "family_name": "Smith", "address_line_1": "7 Blast Road",
         "postcode": "S63 8NW"},
    ]  # fmt: skip
    rules = [rule.name for rule in prediction_rules(EVERYTHING)]
    assert _compared(records, rules) == {"given_sx+postcode"}


def test_a_prior_of_one_does_not_divide_by_zero():
    """Every random pair one person says nothing about u: the prior is held at MOST_PRIOR."""
    counts = {1: 30, 0: 70}
    u = engine.u_without_matches(counts, {1: 0.9, 0: 0.1}, prior=1.0)
    assert u == engine.u_without_matches(counts, {1: 0.9, 0: 0.1}, prior=engine.MOST_PRIOR)
    assert all(0 < value <= 1 for value in u.values())


def test_the_least_recall_keeps_the_prior_at_most_one_half():
    # 10 records (45 pairs): rules finding 20 of them at a recall of 0.1 would give a prior of 4.4.
    least = engine.least_recall(20, 10)
    assert 20 / least / 45 == pytest.approx(engine.MOST_PRIOR)
    assert engine.least_recall(5, 1_000_000) < engine.RECALL_BOUNDS[0]  # no effect at scale
    assert engine.least_recall(10**9, 10) == 1.0
    assert engine.least_recall(0, 1) == 1.0


def _tiny_table() -> pa.Table:
    """Two people, five identical records each: the deterministic rules find 20 of the 45 pairs, and no
    EM session finds the 50 pairs it needs."""
    people = [("amara", "okafor", "2011-04-02", "S66 5ZE"), ("jon", "hale", "1980-09-30", "LS6 2AB")]
    rows = [
        {"unique_id": i * 5 + k + 1, "given_name": g, "family_name": f, "date_of_birth": d,
         "address_line_1": f"{i + 3} Foundry Close", "postcode": p}
        for i, (g, f, d, p) in enumerate(people)
        for k in range(5)
    ]  # fmt: skip
    return pa.Table.from_pylist(rows)


def test_a_small_table_trains_at_the_lowest_recall(monkeypatch):
    """The recall floor of 0.1 put the prior above 1 on a small table and Splink refused it."""
    monkeypatch.setattr(engine, "deterministic_recall", lambda *args: engine.RECALL_BOUNDS[0])
    con = duckdb.connect()
    model = engine.train(con, engine.prepare(con, _tiny_table()))
    assert 0 < model["probability_two_random_records_match"] <= engine.MOST_PRIOR + 1e-9


def test_comparisons_no_em_session_trained_are_reported_and_weigh_nothing(world, monkeypatch):
    """Every session left out (Splink refused each): the model says which comparisons were never trained
    and scores them as no evidence, instead of using Splink's default m."""
    from splink.internals.linker_components.training import LinkerTraining

    def refused(self, rule, *args, **kwargs):
        raise ValueError("m_probability value 0.0 is below the minimum allowed value of 1e-300.")

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", refused)
    con = duckdb.connect()
    model = engine.train(con, engine.prepare(con, world))
    untrained = set(model["tessera_untrained_comparisons"])
    assert {"given_name", "family_name", "dob", "address"} <= untrained
    weights = engine.scoring_weights(model)
    for name in untrained:
        assert all(abs(level["log2_bayes_factor"]) < 1e-9 for level in weights["comparisons"][name].values())
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] in untrained:
            assert not any(level.get("tf_adjustment_column") for level in comparison["comparison_levels"])


def test_a_trained_model_reports_no_untrained_comparison(world):
    con = duckdb.connect()
    model = engine.train(con, engine.prepare(con, world))
    assert model["tessera_untrained_comparisons"] == []


def test_term_frequencies_are_scaled_as_the_level_s_u_was():
    """Splink weighs an exact agreement on a value m / the value's share, whatever u is; the share is
    scaled by the level's u over its share of the random pairs (the true matches taken out)."""
    model: dict[str, Any] = {
        "comparisons": [
            {
                "output_column_name": "address",
                "comparison_levels": [
                    {"is_null_level": True},
                    {"tf_adjustment_column": "address_key", "u_probability": 1e-5, "m_probability": 0.5},
                    {"u_probability": 0.99999, "m_probability": 0.5},
                ],
            },
            {
                "output_column_name": "sex",
                "comparison_levels": [{"u_probability": 0.5}, {"u_probability": 0.5}],
            },
        ]
    }
    # 10 of 100,000 random pairs agree on the address: a share of 1e-4, of which u is a tenth.
    scale = engine.term_frequency_scale(model, {"address": {1: 10, 0: 99_990}})
    assert scale == {"address_key": pytest.approx(0.1)}
    # Never above 1, and nothing where no random pair agreed.
    model["comparisons"][0]["comparison_levels"][1]["u_probability"] = 0.5
    assert engine.term_frequency_scale(model, {"address": {1: 10, 0: 99_990}}) == {"address_key": 1.0}
    assert engine.term_frequency_scale(model, {"address": {0: 100}}) == {}


def test_a_scaled_term_frequency_raises_the_weight_of_a_rare_agreement(world):
    con = duckdb.connect()
    table = engine.prepare(con, world)
    model = engine.train(con, table)

    def weight_of_pairs(scale: float) -> float:
        scaled = {**model, "tessera_term_frequency_scale": {"address_key": scale}}
        pairs = engine.predict(con, table, scaled, 0.0)
        ((total,),) = con.execute(f"SELECT sum(match_weight) FROM {pairs} WHERE gamma_address = 9").fetchall()
        return float(total)

    assert weight_of_pairs(0.25) > weight_of_pairs(1.0)


def test_exact_agreement_is_counted_over_every_pair():
    """Three records at one home and two at another, one with no address: 3 + 1 of the 10 pairs with an
    address on both agree on it; the birthday's pairs are those with a year on both."""
    rows = [
        {"unique_id": i, "given_name": "ann", "family_name": "lee", "date_of_birth": dob,
         "address_line_1": line, "postcode": "S66 5ZE" if line else None}
        for i, (dob, line) in enumerate(
            [("2001-02-03", "1 Mill Lane"), ("2001-02-03", "1 Mill Lane"), ("1990", "1 Mill Lane"),
             ("1970-05-06", "2 Mill Lane"), (None, "2 Mill Lane"), ("1970-05-06", None)],
            start=1,
        )
    ]  # fmt: skip
    con = duckdb.connect()
    counts = engine.exact_agreement(con, engine.prepare(con, pa.Table.from_pylist(rows)))
    assert counts["address"] == (4, 10)
    assert counts["given_name"] == (15, 15)
    assert counts["dob"] == (2, 10)  # five records with a year (one a year alone); two pairs the same date
