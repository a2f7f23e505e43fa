"""The model's match probability bands, by the names every page uses for them.

A model keeps the thresholds it was trained with (``LinkageModel.auto_link_threshold`` and
``review_threshold``), so a pair is always put in the band of the model that scored it, in the words
the review screen, the run page and matching on arrival share. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Band(Enum):
    """What the model's score means for a pair: (name, what happens to it)."""

    CERTAIN = ("Certain match", "linked automatically unless a safety rule holds it back")
    POSSIBLE = ("Possible match", "the model could not decide: a person decides")
    UNLIKELY = ("Not a match", "not linked, not offered")

    @property
    def title(self) -> str:
        return self.value[0]

    @property
    def meaning(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class Bands:
    """Match probability bands: at or above ``auto_link`` link automatically; at or above ``review``
    a person decides; below, do not link."""

    # Chosen on the 1M-record synthetic world and FEBRL: the lowest band whose automatic links stay above
    # 0.999 precision once the safety rules have held back what cannot be one person (bench/).
    auto_link: float = 0.99
    review: float = 0.5

    def band_of(self, probability: float) -> Band:
        if probability >= self.auto_link:
            return Band.CERTAIN
        if probability >= self.review:
            return Band.POSSIBLE
        return Band.UNLIKELY
