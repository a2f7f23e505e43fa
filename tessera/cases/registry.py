"""Extension points for other apps: chronology sources, case page tabs and referral figures.

The chronology is one time-ordered view of everything about a child across agencies, but its entries
come from many apps (referrals, risk, missing episodes, intelligence). Each app registers a source in its
``AppConfig.ready``; the case app calls every source and merges the results, so it never imports the
apps above or beside it. Likewise each app can add a tab to the case page's sub-navigation, and the
referrals app supplies the referral columns of the figures by district.

A source is called once per page with the viewer and the case, and must return only entries the viewer
may see (start from ``visible_to``), using a fixed number of queries however many entries there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from tessera.cases.models import Case


@dataclass(frozen=True)
class ChronologyEntry:
    """One line of the chronology. ``agency`` is the source agency, shown on every entry."""

    at: datetime
    kind: str
    title: str
    agency: str
    by: str = ""
    detail: str = ""
    href: str = ""
    # Short facts shown under the detail, e.g. ("Decision", "Joint investigation").
    facts: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # A record of a day (a meeting held on a date) rather than a moment: shown without a time.
    date_only: bool = False

    @property
    def when(self) -> str:
        """The time in words, Europe/London ("4 March 2026, 14:05"). Formatted here rather than with the
        template's date filter: a 500-entry chronology spends a third of its rendering in that filter."""
        local = timezone.localtime(self.at)
        day = f"{local.day} {local:%B %Y}"
        return day if self.date_only else f"{day}, {local:%H:%M}"

    @property
    def when_iso(self) -> str:
        return timezone.localtime(self.at).date().isoformat() if self.date_only else self.at.isoformat()


ChronologySource = Callable[[Any, "Case"], Iterable[ChronologyEntry]]


@dataclass(frozen=True)
class RegisteredSource:
    source: ChronologySource
    kinds: dict[str, str]


@dataclass(frozen=True)
class CaseTab:
    """A tab in the case page's sub-navigation. ``url_name`` takes the case's ``pk``."""

    key: str
    label: str
    url_name: str
    order: int


_sources: list[RegisteredSource] = []
_tabs: dict[str, CaseTab] = {}


def register_chronology_source(source: ChronologySource, kinds: dict[str, str]) -> None:
    """Add a source of chronology entries; ``kinds`` maps each entry kind it yields to its label."""
    if any(registered.source is source for registered in _sources):
        return
    _sources.append(RegisteredSource(source, dict(kinds)))


def chronology_sources() -> list[RegisteredSource]:
    return list(_sources)


def chronology_kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for registered in _sources:
        kinds.update(registered.kinds)
    return kinds


def register_case_tab(tab: CaseTab) -> None:
    _tabs[tab.key] = tab


def case_tabs() -> list[CaseTab]:
    return sorted(_tabs.values(), key=lambda tab: tab.order)


@dataclass(frozen=True)
class ReferralCounts:
    """A district's referrals received in a period and how their triage decisions stand (counts only)."""

    received: int
    waiting: int
    decided_late: int


# Called with the start of the period; answers counts by district id.
ReferralCountsSource = Callable[[datetime], Mapping[int, ReferralCounts]]

_referral_counts: list[ReferralCountsSource] = []


def register_referral_counts(source: ReferralCountsSource) -> None:
    """The referrals app registers where the figures page gets its referral counts."""
    _referral_counts[:] = [source]


def referral_counts(since: datetime) -> Mapping[int, ReferralCounts]:
    """Referral counts by district since ``since``; none when no app supplies referrals."""
    return _referral_counts[0](since) if _referral_counts else {}
