"""Scoring a linkage against a world's truth, shared by the linkage benchmarks (bench/linkage.py, febrl.py).

Truth lives here, in benchmark code: ``raw`` carries ``person_id`` (who each record truly is) and, where
the world has one, ``household``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations
from math import comb
from typing import Any

import duckdb
import pyarrow as pa

from tessera.linkage.clustering import (
    REJECTED_RULES,
    SAFETY_RULES,
    THROUGH_ANOTHER,
    Clustering,
    RecordFacts,
    SafetyRule,
    dates_compatible,
    names_compatible,
)
from tessera.linkage.evaluation import (
    exact_cluster_scores,
    household_false_merges,
    link_scores,
    pairwise_cluster_scores,
)
from tessera.linkage.model_spec import RULES_BY_NAME


def truth_of(raw: pa.Table) -> dict[int, int]:
    return dict(zip(raw["unique_id"].to_pylist(), raw["person_id"].to_pylist(), strict=True))


def scores_against_truth(
    raw: pa.Table, cluster_of: Mapping[int, int], links: Iterable[tuple[int, int]]
) -> dict[str, Any]:
    """Pairwise and whole-person scores of a clustering, and the precision of its automatic links."""
    truth = truth_of(raw)
    true_pairs = sum(comb(n, 2) for n in Counter(truth.values()).values())
    figures: dict[str, Any] = {
        "pairwise": pairwise_cluster_scores(cluster_of, truth).as_dict(),
        "exact_cluster": exact_cluster_scores(cluster_of, truth).as_dict(),
        "automatic_links": link_scores(links, truth, true_pairs).as_dict(),
    }
    if "household" in raw.column_names:
        household = dict(zip(raw["unique_id"].to_pylist(), raw["household"].to_pylist(), strict=True))
        figures["household_false_merges"] = household_false_merges(cluster_of, truth, household)
    return figures


def rule_precision(
    raw: pa.Table,
    edges: Iterable[tuple[int, int, float]],
    facts: Mapping[int, RecordFacts],
    kept_rules: Iterable[SafetyRule] = SAFETY_RULES,
) -> dict[str, dict[str, Any]]:
    """Each safety rule, kept or not, on every automatic edge taken alone: how many it would hold back,
    how many of those are truly different people (its precision), how many of all the false automatic
    edges it catches, and how many of those no other kept rule catches (what the rule adds). ``kept_rules``
    are the ones the model applies (``engine.rules_for``)."""
    truth = truth_of(raw)
    edge_list = list(edges)
    kept = {rule.name for rule in kept_rules}
    every = (*SAFETY_RULES, *REJECTED_RULES)
    false_edges = sum(truth[a] != truth[b] for a, b, _ in edge_list)
    caught_by: dict[str, set[tuple[int, int]]] = {
        rule.name: {
            (a, b) for a, b, _ in edge_list if truth[a] != truth[b] and rule.refuses(facts[a], facts[b])
        }
        for rule in every
    }
    figures = {}
    for rule in every:
        held = different = 0
        for a, b, _ in edge_list:
            if rule.refuses(facts[a], facts[b]):
                held += 1
                different += truth[a] != truth[b]
        figures[rule.name] = {
            "kept": rule.name in kept,
            "held_back": held,
            "truly_different": different,
            "precision": round(different / held, 4) if held else None,
            "false_edges_caught": f"{different} of {false_edges}",
            "caught_by_no_other_kept_rule": len(
                caught_by[rule.name].difference(*(caught_by[r] for r in kept if r != rule.name))
            ),
        }
    return figures


def where_true_pairs_are_lost(
    con: duckdb.DuckDBPyConnection,
    table: str,
    pairs: str,
    model: Mapping[str, Any],
    raw: pa.Table,
    result: Clustering,
    auto_link: float,
) -> dict[str, int]:
    """Every true pair the clustering did not put in one person, by where it was lost: never compared (no
    blocking rule of the model finds it), scored below the review band, in the review band, or at the
    automatic band but held back by a safety rule (directly, or through another record of a cluster).

    ``pairs`` is the engine's table of scored pairs (those at or above the review band).
    """
    truth = truth_of(raw)
    members: dict[int, list[int]] = {}
    for record, person in truth.items():
        members.setdefault(person, []).append(record)
    lost = [
        (a, b)
        for ids in members.values()
        for a, b in combinations(sorted(ids), 2)
        if result.cluster_of[a] != result.cluster_of[b]
    ]
    counts: Counter[str] = Counter()
    if not lost:
        return {"true_pairs": sum(comb(len(ids), 2) for ids in members.values()), "lost": 0}
    con.execute("CREATE OR REPLACE TEMP TABLE bench_lost (l BIGINT, r BIGINT)")
    con.executemany("INSERT INTO bench_lost VALUES (?, ?)", lost)
    blocked = " OR ".join(
        f"({RULES_BY_NAME[name].creator().get_blocking_rule('duckdb').blocking_rule_sql})"
        for name in model["tessera_prediction_rules"]
    )
    rows = con.execute(
        f"""
        SELECT p.l, p.r, coalesce({blocked}, false) AS compared, s.match_probability
        FROM bench_lost p
        JOIN {table} l ON l.unique_id = p.l
        JOIN {table} r ON r.unique_id = p.r
        -- Splink scores each pair once, the smaller id on the left (as p.l < p.r here).
        LEFT JOIN {pairs} s ON s.unique_id_l = p.l AND s.unique_id_r = p.r
        """
    ).fetchall()
    for a, b, compared, probability in rows:
        if not compared:
            counts["never compared (no blocking rule finds it)"] += 1
        elif probability is None:
            counts["scored below the review band"] += 1
        elif probability < auto_link:
            counts["in the review band"] += 1
        else:
            rule = result.rules.get((a, b)) or "a person's decision"
            through = result.reasons.get((a, b), "").startswith(THROUGH_ANOTHER)
            counts[f"held back by {rule}" + (" (through another record)" if through else "")] += 1
    con.execute("DROP TABLE bench_lost")
    return {
        "true_pairs": sum(comb(len(ids), 2) for ids in members.values()),
        "lost": len(lost),
        **dict(counts.most_common()),
    }


def false_links_by_cause(
    raw: pa.Table, links: Iterable[tuple[int, int]], facts: Mapping[int, RecordFacts]
) -> dict[str, int]:
    """The automatic links that joined two different people, by what the two records show: one home or
    two (the world's household where it has one, else the same surname and address), whether the first
    names are the same, one name (a short form, a slip) or apart, and whether the birthdays are the same,
    one date with a slip, apart, or missing on one side."""
    truth = truth_of(raw)
    household = (
        dict(zip(raw["unique_id"].to_pylist(), raw["household"].to_pylist(), strict=True))
        if "household" in raw.column_names
        else None
    )
    causes: Counter[str] = Counter()
    for a, b in links:
        if truth[a] == truth[b]:
            continue
        x, y = facts[a], facts[b]
        if household is not None:
            home = bool(household.get(a)) and household.get(a) == household.get(b)
        else:
            home = bool(x.family_name and x.family_name == y.family_name and x.address_key == y.address_key)
        if x.given_name == y.given_name:
            names = "same first name"
        elif x.given_name and (x.given_name == y.family_name or y.given_name == x.family_name):
            names = "names swapped"
        else:
            names = "first names one name" if names_compatible(x, y) else "first names apart"
        if not (x.dob and y.dob):
            dates = "a birthday missing"
        elif x.dob == y.dob:
            dates = "same birthday"
        else:
            dates = "birthdays one date" if dates_compatible(x.dob, y.dob) else "birthdays apart"
        surname = "same surname" if x.family_name == y.family_name else "surnames differ"
        causes[f"{'one household' if home else 'two households'}, {names}, {surname}, {dates}"] += 1
    return dict(causes.most_common())
