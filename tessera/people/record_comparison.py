"""Each agency's record of a person side by side, with the differences marked (pure).

A person is what several agencies' systems say about one human being. Read as separate cards, four
near-identical records hide the one field where they disagree. Here each fact is one row and each record
one column; a row where the records disagree says so in words, and each value that differs from what
most records say is marked "Differs", so the difference is never shown by colour alone. A fact a record
does not hold is "Not recorded", which is not a disagreement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class RecordFacts:
    """What one source record says, as display text per fact (empty when the record does not hold it).

    ``facts`` maps a fact's label to its lines; the first line is what is compared (an address list
    compares its latest address). ``notes`` holds a remark per fact ("Fails its check").
    """

    agency: str
    source_system: str
    source_record_id: str
    received: str
    facts: dict[str, tuple[str, ...]]
    notes: dict[str, str]


@dataclass(frozen=True)
class Cell:
    lines: tuple[str, ...]
    differs: bool
    note: str = ""

    @property
    def missing(self) -> bool:
        return not self.lines


@dataclass(frozen=True)
class ComparedRow:
    label: str
    cells: tuple[Cell, ...]
    # The records disagree on this fact (two or more different values recorded).
    differs: bool


@dataclass(frozen=True)
class Comparison:
    records: tuple[RecordFacts, ...]
    rows: tuple[ComparedRow, ...]

    @property
    def differences(self) -> int:
        return sum(1 for row in self.rows if row.differs)


def _comparable(value: str) -> str:
    return " ".join(value.casefold().split())


def compare_records(records: Sequence[RecordFacts], labels: Sequence[str]) -> Comparison:
    """Rows in the order of ``labels``; a label no record holds is left out.

    A value differs when it is not what most records holding the fact say (ties: the first record's
    value, records being given newest first), compared without case or extra spaces.
    """
    rows: list[ComparedRow] = []
    for label in labels:
        values = [record.facts.get(label, ()) for record in records]
        if not any(values):
            continue
        present = [_comparable(lines[0]) for lines in values if lines]
        counts = Counter(present)
        best = max(counts.values())
        usual = next(value for value in present if counts[value] == best)
        differs = len(counts) > 1
        cells = tuple(
            Cell(
                lines=lines,
                differs=differs and bool(lines) and _comparable(lines[0]) != usual,
                note=record.notes.get(label, ""),
            )
            for record, lines in zip(records, values, strict=True)
        )
        rows.append(ComparedRow(label, cells, differs))
    return Comparison(tuple(records), tuple(rows))
