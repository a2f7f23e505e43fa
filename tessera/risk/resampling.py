"""Intervals by resampling children: a cluster bootstrap with percentile intervals. Pure: numpy only.

Children are assessed again and again, and one child's assessments are not independent of each other: a
child flagged in March is likely flagged in June. Resampling assessments would treat them as independent
and give intervals that are too narrow. Each draw here picks children with replacement and takes all of
each picked child's assessments, so the interval reflects how many *children* the figure rests on.

A ratio figure (sensitivity, flag rate, the share harmed at a level) is ``sum(numerator) / sum(denominator)``
over assessments. Both are summed per child once, and every draw is a weighted sum over children (the
weight being how many times the child was picked), so a thousand draws cost two small matrix products.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.stats import norm

DRAWS = 1000
LEVEL = 0.95
SEED = 2013
# The ordering keys of a flexible model are continuous; ranking them into this many bins keeps the AUC
# draws cheap and changes the AUC by far less than its interval.
AUC_BINS = 400


@dataclass(frozen=True)
class Interval:
    """A figure and its percentile interval from resampling children."""

    value: float
    low: float
    high: float

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high

    def to_json(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Interval:
        def number(x: Any) -> float:
            return float("nan") if x is None else float(x)

        return cls(number(data["value"]), number(data["low"]), number(data["high"]))


NO_FIGURE = Interval(float("nan"), float("nan"), float("nan"))


def percentile_interval(draws: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """The central ``level`` share of the draws (draws that are undefined, e.g. 0 of 0, are left out)."""
    finite = draws[np.isfinite(draws)]
    if not len(finite):
        return float("nan"), float("nan")
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


class ChildResampler:
    """One fixed set of bootstrap draws over children, shared by every figure of a study.

    Sharing the draws makes differences between two figures (the live and the proposed version on the
    same children) paired: both are computed on the same resampled children in each draw.
    """

    def __init__(
        self,
        children: Sequence[int] | np.ndarray,
        *,
        draws: int = DRAWS,
        seed: int = SEED,
        level: float = LEVEL,
    ) -> None:
        ids, self.index = np.unique(np.asarray(children), return_inverse=True)
        self.clusters = len(ids)
        self.level = level
        rng = np.random.default_rng(seed)
        if self.clusters:
            probabilities = np.full(self.clusters, 1 / self.clusters)
            self.counts = rng.multinomial(self.clusters, probabilities, size=draws).astype(np.float64)
        else:
            self.counts = np.zeros((draws, 0))

    def _per_child(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.index, weights=np.asarray(values, dtype=float), minlength=self.clusters)

    def ratio_draws(self, numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
        top = self.counts @ self._per_child(numerator)
        bottom = self.counts @ self._per_child(denominator)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)

    def ratio(self, numerator: np.ndarray, denominator: np.ndarray) -> Interval:
        """``sum(numerator) / sum(denominator)`` with its interval; no figure when the denominator is 0."""
        numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
        total = denominator.sum()
        if total <= 0:
            return NO_FIGURE
        low, high = percentile_interval(self.ratio_draws(numerator, denominator), self.level)
        return Interval(float(numerator.sum() / total), low, high)

    def share(self, hits: np.ndarray, among: np.ndarray | None = None) -> Interval:
        """The share of ``among`` (all assessments when None) for which ``hits`` holds.

        The percentile bootstrap collapses to a single point when every child (or none) is a hit: 7 of 7
        would read "100% (100 to 100%)". The interval is therefore widened to at least the Wilson score
        interval on the number of distinct children in ``among``, which never collapses.
        """
        among = np.ones(len(hits), dtype=bool) if among is None else np.asarray(among, bool)
        found = self.ratio(np.asarray(hits, bool) & among, among)
        if found.value != found.value:
            return found
        children = len(np.unique(self.index[among]))
        low, high = wilson_interval(found.value, children, self.level)
        return Interval(found.value, min(found.low, low), max(found.high, high))

    def mean(self, values: np.ndarray, among: np.ndarray | None = None) -> Interval:
        among = np.ones(len(values), dtype=bool) if among is None else np.asarray(among, bool)
        return self.ratio(np.where(among, values, 0.0), among)

    def difference(self, first_draws: np.ndarray, second_draws: np.ndarray) -> tuple[float, float]:
        """The paired interval of (first - second) from draws made on the same resampled children."""
        return percentile_interval(first_draws - second_draws, self.level)

    def auc_draws(self, y: np.ndarray, key: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=bool)
        bins = _rank_bins(np.asarray(key, dtype=float))
        k = int(bins.max()) + 1 if len(bins) else 1
        rows = self.index
        positive = sparse.csr_matrix((y.astype(float), (rows, bins)), shape=(self.clusters, k))
        negative = sparse.csr_matrix(((~y).astype(float), (rows, bins)), shape=(self.clusters, k))
        p = (positive.T @ self.counts.T).T  # draws x bins
        n = (negative.T @ self.counts.T).T
        below = np.cumsum(n, axis=1) - n
        wins = (p * (below + 0.5 * n)).sum(axis=1)
        pairs = p.sum(axis=1) * n.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1), np.nan)

    def auc(self, y: np.ndarray, key: np.ndarray) -> Interval:
        """ROC AUC of ordering ``key`` against outcome ``y`` (ties count a half), with its interval."""
        y = np.asarray(y, dtype=bool)
        if y.all() or not y.any():
            return NO_FIGURE
        low, high = percentile_interval(self.auc_draws(y, key), self.level)
        return Interval(binned_auc(y, np.asarray(key, dtype=float)), low, high)


def wilson_interval(share: float, n: int, level: float = LEVEL) -> tuple[float, float]:
    """The Wilson score interval for a share observed among ``n`` independent units."""
    if n <= 0:
        return float("nan"), float("nan")
    z = float(norm.ppf(1 - (1 - level) / 2))
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _rank_bins(key: np.ndarray, bins: int = AUC_BINS) -> np.ndarray:
    """Each key's bin: its distinct value's rank, or, past ``bins`` distinct values, an equal-count bin."""
    distinct, inverse = np.unique(key, return_inverse=True)
    if len(distinct) <= bins:
        return inverse
    return np.minimum((inverse * bins) // len(distinct), bins - 1)


def binned_auc(y: np.ndarray, key: np.ndarray) -> float:
    """The AUC the draws compute, on the full data (exact when ``key`` has at most AUC_BINS values)."""
    bins = _rank_bins(key)
    k = int(bins.max()) + 1
    p = np.bincount(bins, weights=y.astype(float), minlength=k)
    n = np.bincount(bins, weights=(~y).astype(float), minlength=k)
    below = np.cumsum(n) - n
    return float((p * (below + 0.5 * n)).sum() / (p.sum() * n.sum()))
