"""Scoring a linkage against a world's truth, shared by the linkage benchmarks (bench/linkage.py, febrl.py).

Truth lives here, in benchmark code: ``raw`` carries ``person_id`` (who each record truly is) and, where
the world has one, ``household``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from math import comb
from typing import Any

import pyarrow as pa

from tessera.linkage.clustering import REJECTED_RULES, SAFETY_RULES, RecordFacts
from tessera.linkage.evaluation import (
    exact_cluster_scores,
    household_false_merges,
    link_scores,
    pairwise_cluster_scores,
)


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
    raw: pa.Table, edges: Iterable[tuple[int, int, float]], facts: Mapping[int, RecordFacts]
) -> dict[str, dict[str, Any]]:
    """Each safety rule, kept or not, on every automatic edge taken alone: how many it would hold back,
    how many of those are truly different people (its precision), how many of all the false automatic
    edges it catches, and how many of those no other kept rule catches (what the rule adds)."""
    truth = truth_of(raw)
    edge_list = list(edges)
    false_edges = sum(truth[a] != truth[b] for a, b, _ in edge_list)
    caught_by: dict[str, set[tuple[int, int]]] = {
        rule.name: {
            (a, b) for a, b, _ in edge_list if truth[a] != truth[b] and rule.refuses(facts[a], facts[b])
        }
        for rule in (*SAFETY_RULES, *REJECTED_RULES)
    }
    figures = {}
    for rule, kept in [*((r, True) for r in SAFETY_RULES), *((r, False) for r in REJECTED_RULES)]:
        held = different = 0
        for a, b, _ in edge_list:
            if rule.refuses(facts[a], facts[b]):
                held += 1
                different += truth[a] != truth[b]
        figures[rule.name] = {
            "kept": kept,
            "held_back": held,
            "truly_different": different,
            "precision": round(different / held, 4) if held else None,
            "false_edges_caught": f"{different} of {false_edges}",
            "caught_by_no_other_kept_rule": len(
                caught_by[rule.name].difference(
                    *(caught_by[r.name] for r in SAFETY_RULES if r.name != rule.name)
                )
            ),
        }
    return figures
