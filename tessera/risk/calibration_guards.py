"""The study's refusals: plain messages instead of crashes, empty sets or figures of nothing.

A study that cannot say anything raises ``StudyRefusedError`` with a message a manager can act on. A study that
can measure the current version but must not propose a new one (too few harmed children to learn from or
to judge by) carries its reasons in ``reasons_not_to_propose``; nothing is proposed and the page says why.
Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tessera.risk.calibration_metrics import LabelledAssessment
from tessera.risk.scoring import long_date

# Fewer harmed children than this in a period and the period can neither teach weights nor judge them.
MIN_HARMED_CHILDREN = 100


class StudyRefusedError(ValueError):
    """The study cannot be run on these records; the message says why in plain words."""


def harmed_children(records: Sequence[LabelledAssessment]) -> int:
    return len({r.child for r in records if r.harmed})


def refuse_without_outcomes(records: Sequence[LabelledAssessment]) -> None:
    if not records:
        raise StudyRefusedError(
            "No completed assessment has an outcome that could be judged yet, so there is nothing to study"
        )
    if not any(r.harmed for r in records):
        raise StudyRefusedError(
            f"None of the {len(records)} assessments with mature outcomes is of a child later confirmed "
            "harmed. Without confirmed outcomes the study cannot measure any version: record confirmed "
            "outcomes (crimes flagged as exploitation, disclosures, section 47 findings) first"
        )
    if all(r.harmed for r in records):
        raise StudyRefusedError(
            "Every assessment with a mature outcome is of a child later confirmed harmed, so the study "
            "cannot tell how often a version flags children who were not harmed"
        )


def refuse_unjudgeable_test(test: Sequence[LabelledAssessment], split_date: date) -> None:
    """The held-out period must hold both harmed and unharmed children, or no figure means anything."""
    if not test:
        raise StudyRefusedError(
            f"The held-out period (from {long_date(split_date)}) has no assessments with mature outcomes, "
            "so it cannot judge any version"
        )
    if not any(r.harmed for r in test):
        raise StudyRefusedError(
            f"The held-out period (from {long_date(split_date)}) has no child later confirmed harmed, so it "
            "cannot judge any version: sensitivity would be a share of nobody"
        )
    if all(r.harmed for r in test):
        raise StudyRefusedError(
            f"Every child in the held-out period (from {long_date(split_date)}) was later confirmed harmed, "
            "so it cannot judge how often a version flags children who were not"
        )


@dataclass(frozen=True)
class ProposalCheck:
    """Whether each period has enough harmed children for the study to propose new weights."""

    train_harmed_children: int
    test_harmed_children: int
    minimum: int

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.train_harmed_children < self.minimum:
            reasons.append(
                f"Only {self.train_harmed_children} children in the training period were later confirmed "
                f"harmed; at least {self.minimum} are needed to learn new points, so no version is proposed"
            )
        if self.test_harmed_children < self.minimum:
            reasons.append(
                f"Only {self.test_harmed_children} children in the held-out period were later confirmed "
                f"harmed; at least {self.minimum} are needed to judge a version against the target, so the "
                "held-out period cannot judge and no version is proposed"
            )
        return reasons


def check_proposal(
    train: Sequence[LabelledAssessment], test: Sequence[LabelledAssessment], minimum: int
) -> ProposalCheck:
    return ProposalCheck(harmed_children(train), harmed_children(test), minimum)
