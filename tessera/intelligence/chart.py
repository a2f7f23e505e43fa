"""The link chart of a package: its subjects, one node each, and what joins them, laid out on a circle.

Pure: from plain tuples to positions, so the same layout is drawn as SVG on the page and with fpdf2's
lines and circles in the PDF. Two subjects are joined when a report of the package names both (labelled
with the reports' references) or when a link recorded between them is visible to the viewer (labelled
with its kind, date and grade). The table beside the chart lists the same joins in words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 420
RADIUS = 150
LABEL_LENGTH = 24


@dataclass(frozen=True)
class ChartSubject:
    entity_id: int
    label: str
    kind: str
    # The role the package's reports give it ("Child at risk", "Suspected exploiter"); the strongest wins.
    role: str = ""


@dataclass(frozen=True)
class Join:
    a: int
    b: int
    label: str


@dataclass(frozen=True)
class PlacedNode:
    entity_id: int
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    label: str
    kind: str
    role: str


@dataclass(frozen=True)
class PlacedEdge:
    a: int
    b: int
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    mid_x: float
    mid_y: float


@dataclass(frozen=True)
class PackageChart:
    width: int
    height: int
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]

    @property
    def title(self) -> str:
        joins = len(self.edges)
        return (
            f"Link chart: {len(self.nodes)} people and things, {joins} connection{'' if joins == 1 else 's'}"
        )

    def rows(self) -> list[tuple[str, str, str]]:
        """The chart's connections in words, for the table beside it: (one end, other end, what joins them)."""
        labels = {node.entity_id: node.label for node in self.nodes}
        return [(labels[e.a], labels[e.b], e.label) for e in self.edges]


ROLE_STRENGTH = ("Suspected exploiter", "Child at risk", "Associate", "Mentioned", "")


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


def one_per_entity(subjects: Iterable[ChartSubject]) -> list[ChartSubject]:
    """Each entity once, with the strongest role any report gives it, in the order first named."""
    kept: dict[int, ChartSubject] = {}
    for subject in subjects:
        held = kept.get(subject.entity_id)
        if held is None or ROLE_STRENGTH.index(_strength(subject.role)) < ROLE_STRENGTH.index(
            _strength(held.role)
        ):
            kept[subject.entity_id] = (
                subject if held is None else ChartSubject(held.entity_id, held.label, held.kind, subject.role)
            )
    return list(kept.values())


def _strength(role: str) -> str:
    return role if role in ROLE_STRENGTH else ""


def merged_joins(joins: Iterable[Join]) -> list[Join]:
    """One join per pair of entities (either way round), its labels gathered in order."""
    labels: dict[tuple[int, int], list[str]] = {}
    for join in joins:
        if join.a == join.b:
            continue
        key = (min(join.a, join.b), max(join.a, join.b))
        held = labels.setdefault(key, [])
        if join.label not in held:
            held.append(join.label)
    return [Join(a, b, "; ".join(parts)) for (a, b), parts in labels.items()]


def co_mentions(reports: Sequence[tuple[str, Sequence[int]]]) -> list[Join]:
    """Joins between every two subjects of each report: ``(reference, entity ids)`` per report."""
    joins = []
    for reference, entity_ids in reports:
        ids = list(dict.fromkeys(entity_ids))
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                joins.append(Join(a, b, f"named together in {reference}"))
    return joins


def layout(subjects: Iterable[ChartSubject], joins: Iterable[Join]) -> PackageChart:
    """Subjects evenly round a circle (children at risk first, from the top), joins as straight lines."""
    nodes_in = one_per_entity(subjects)
    nodes_in.sort(key=lambda s: ROLE_STRENGTH.index(_strength(s.role)) if s.role == "Child at risk" else 9)
    cx, cy = WIDTH / 2, HEIGHT / 2
    placed: dict[int, PlacedNode] = {}
    for index, subject in enumerate(nodes_in):
        angle = -math.pi / 2 + 2 * math.pi * index / max(1, len(nodes_in))
        cos, sin = math.cos(angle), math.sin(angle)
        radius = RADIUS if len(nodes_in) > 1 else 0
        x, y = cx + radius * cos, cy + radius * sin
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        # Clear of the ring drawn round children and suspects (radius 13).
        offset_y = 32 if sin > 0.2 else -20 if sin < -0.2 else 5
        offset_x = 18 if anchor == "start" else -18 if anchor == "end" else 0
        placed[subject.entity_id] = PlacedNode(
            subject.entity_id,
            round(x, 1),
            round(y, 1),
            round(x + offset_x, 1),
            round(y + offset_y, 1),
            anchor,
            _short(subject.label),
            subject.kind,
            subject.role,
        )
    edges = []
    for join in merged_joins(joins):
        a, b = placed.get(join.a), placed.get(join.b)
        if a is None or b is None:
            continue
        edges.append(
            PlacedEdge(
                a.entity_id,
                b.entity_id,
                a.x,
                a.y,
                b.x,
                b.y,
                join.label,
                round((a.x + b.x) / 2, 1),
                round((a.y + b.y) / 2, 1),
            )
        )
    return PackageChart(WIDTH, HEIGHT, tuple(placed.values()), tuple(edges))
