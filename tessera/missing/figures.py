"""The coordinator dashboard's figures, as pure functions over plain episode rows.

Open episodes by grade, overdue return interviews, the share of return interviews held within 72 hours
by district and month (beside the national 63%), repeat-missing children and episodes per children's
home. The Django layer reads the rows through the user's scope; nothing here touches the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tessera.missing.clocks import held_in_time, return_interview_due
from tessera.missing.grading import GRADES
from tessera.missing.patterns import is_repeatedly_missing

# Return interviews held within 72 hours nationally (the figure, from the national reviews).
NATIONAL_WITHIN_72_HOURS = 0.63
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class EpisodeRow:
    district: str
    child_id: int
    grade: str
    reported_at: datetime
    found_at: datetime | None = None
    interview_held_at: datetime | None = None
    home: str = ""

    @property
    def is_open(self) -> bool:
        return self.found_at is None


def open_by_grade(rows: Iterable[EpisodeRow]) -> dict[str, dict[str, int]]:
    """District -> grade -> episodes open now (every grade present, zeros included)."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GRADES, 0))
    for row in rows:
        if row.is_open:
            table[row.district][row.grade] += 1
    return dict(table)


def overdue_interviews(rows: Iterable[EpisodeRow], now: datetime) -> Counter[str]:
    """District -> children back for more than 72 hours with no return interview held."""
    return Counter(
        row.district
        for row in rows
        if row.found_at is not None
        and row.interview_held_at is None
        and now > return_interview_due(row.found_at)
    )


@dataclass(frozen=True)
class MonthShare:
    district: str
    month: str  # "2026-11"
    due: int
    in_time: int

    @property
    def share(self) -> float:
        return self.in_time / self.due if self.due else 0.0


def within_72_hours_by_month(rows: Iterable[EpisodeRow], now: datetime) -> list[MonthShare]:
    """Per district and month of return: returns whose interview has fallen due (or was held), and how
    many were held within 72 hours. A return still inside its 72 hours with no interview yet is not
    counted either way: it can still be met."""
    due: Counter[tuple[str, str]] = Counter()
    met: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if row.found_at is None:
            continue
        if row.interview_held_at is None and now <= return_interview_due(row.found_at):
            continue
        key = (row.district, row.found_at.astimezone(LONDON).strftime("%Y-%m"))
        due[key] += 1
        if row.interview_held_at is not None and held_in_time(row.found_at, row.interview_held_at):
            met[key] += 1
    return [MonthShare(d, m, due[(d, m)], met[(d, m)]) for d, m in sorted(due)]


def repeat_missing_children(rows: Sequence[EpisodeRow], now: datetime) -> dict[str, set[int]]:
    """District -> children missing 3 or more times in any 90 days (their episodes' district)."""
    by_child: dict[tuple[str, int], list[datetime]] = defaultdict(list)
    for row in rows:
        by_child[(row.district, row.child_id)].append(row.reported_at)
    children: dict[str, set[int]] = defaultdict(set)
    for (district, child), reported in by_child.items():
        if is_repeatedly_missing(reported, now):
            children[district].add(child)
    return dict(children)


def episodes_per_home(rows: Iterable[EpisodeRow]) -> list[tuple[str, int]]:
    """Children's homes by the number of episodes reported from them, most first."""
    counts = Counter(row.home for row in rows if row.home)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
