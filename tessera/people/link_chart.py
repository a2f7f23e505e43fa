"""The small link chart on a person's page: a radial layout computed here, drawn as SVG by the template.

Pure: positions and labels from plain data, no drawing library. The chart is a picture of the link
table beside it (which stays the accessible source of truth); colours come from CSS classes, never
inline styles, because the Content-Security-Policy forbids them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

WIDTH = 680
HEIGHT = 380
RADIUS = 135
MAX_NODES = 16
LABEL_LENGTH = 26

# What each kind of entity is called on the pages (a location is a "Place" to users).
KIND_NAMES = {
    "person": "Person",
    "location": "Place",
    "vehicle": "Vehicle",
    "phone": "Phone",
    "online_account": "Online account",
}


class LinkLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def link_label(self) -> str: ...


@dataclass(frozen=True)
class ChartNode:
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    label: str
    kind: str
    kind_name: str
    link_label: str


@dataclass(frozen=True)
class LinkChart:
    width: int
    height: int
    centre_x: float
    centre_y: float
    centre_label: str
    nodes: tuple[ChartNode, ...]
    not_drawn: int

    @property
    def title(self) -> str:
        count = len(self.nodes) + self.not_drawn
        return f"Link chart: {self.centre_label} and {count} linked {'entry' if count == 1 else 'entries'}"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


def layout(centre_label: str, links: Sequence[LinkLike]) -> LinkChart:
    """Place up to ``MAX_NODES`` linked entries evenly on a circle around the person."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    drawn = list(links[:MAX_NODES])
    nodes = []
    for index, link in enumerate(drawn):
        angle = -math.pi / 2 + 2 * math.pi * index / max(1, len(drawn))
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + RADIUS * cos, cy + RADIUS * sin
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        offset_y = 22 if sin > 0.2 else -14 if sin < -0.2 else 5
        offset_x = 12 if anchor == "start" else -12 if anchor == "end" else 0
        nodes.append(
            ChartNode(
                x=round(x, 1),
                y=round(y, 1),
                label_x=round(x + offset_x, 1),
                label_y=round(y + offset_y, 1),
                anchor=anchor,
                label=_short(link.label),
                kind=link.kind,
                kind_name=KIND_NAMES.get(link.kind, link.kind),
                link_label=link.link_label,
            )
        )
    return LinkChart(WIDTH, HEIGHT, cx, cy, _short(centre_label), tuple(nodes), len(links) - len(drawn))
