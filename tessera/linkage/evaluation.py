"""How good a linkage is, against ground truth or people's decisions: pure functions over ids."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from math import comb


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def scores(true_positives: int, false_positives: int, false_negatives: int) -> Scores:
    predicted = true_positives + false_positives
    actual = true_positives + false_negatives
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, true_positives, false_positives, false_negatives)


def _pairs_within(assignment: Mapping[int, int]) -> int:
    return sum(comb(size, 2) for size in Counter(assignment.values()).values())


def pairwise_cluster_scores(predicted: Mapping[int, int], truth: Mapping[int, int]) -> Scores:
    """Precision and recall over record pairs placed together (every pair inside a cluster counts).

    Counted through the contingency of (predicted cluster, true cluster), so a million records cost one
    pass, not a million squared comparisons.
    """
    joint = Counter((predicted[r], truth[r]) for r in predicted)
    true_positives = sum(comb(n, 2) for n in joint.values())
    predicted_pairs = _pairs_within(predicted)
    true_pairs = _pairs_within({r: truth[r] for r in predicted})
    return scores(true_positives, predicted_pairs - true_positives, true_pairs - true_positives)


def exact_cluster_scores(predicted: Mapping[int, int], truth: Mapping[int, int]) -> Scores:
    """A predicted person counts as right only if it holds exactly one true person's records, all of them."""
    true_groups: dict[int, set[int]] = {}
    members: dict[int, set[int]] = {}
    for record, cluster in predicted.items():
        true_groups.setdefault(truth[record], set()).add(record)
        members.setdefault(cluster, set()).add(record)
    true_sets = {frozenset(group) for group in true_groups.values()}
    correct = sum(1 for group in members.values() if frozenset(group) in true_sets)
    return scores(correct, len(members) - correct, len(true_sets) - correct)


def link_scores(links: Iterable[tuple[int, int]], truth: Mapping[int, int], true_pair_count: int) -> Scores:
    """Precision and recall of individual links (e.g. those made automatically) against ground truth."""
    true_positives = false_positives = 0
    for a, b in links:
        if truth[a] == truth[b]:
            true_positives += 1
        else:
            false_positives += 1
    return scores(true_positives, false_positives, max(true_pair_count - true_positives, 0))


def household_false_merges(
    predicted: Mapping[int, int], truth: Mapping[int, int], household: Mapping[int, str]
) -> int:
    """Pairs of different people who share an address but were put into one person."""
    groups: dict[tuple[int, str], Counter[int]] = {}
    for record, cluster in predicted.items():
        address = household.get(record)
        if address:
            groups.setdefault((cluster, address), Counter())[truth[record]] += 1
    merged = 0
    for people in groups.values():
        if len(people) > 1:
            sizes = list(people.values())
            total = sum(sizes)
            merged += (total * total - sum(s * s for s in sizes)) // 2
    return merged


def label_scores(decisions: Iterable[tuple[float, bool]], threshold: float) -> Scores:
    """How the model's probabilities agree with people's decisions (probability, decided same person)."""
    true_positives = false_positives = false_negatives = 0
    for probability, same in decisions:
        predicted = probability >= threshold
        if predicted and same:
            true_positives += 1
        elif predicted:
            false_positives += 1
        elif same:
            false_negatives += 1
    return scores(true_positives, false_positives, false_negatives)
