"""Where places are, and a hex-bin map of them drawn as SVG from the boundary data shipped with Tessera.

No tile server and nothing downloaded at run time: the districts' outlines are ``data/districts.json``
(schematic, hand-drawn on a kilometre grid; its provenance is in the file). The synthetic world's places
have postcodes but no coordinates, so a place's position is derived from its postcode: the postcode's
sector ("S60 2") hashes to a point inside the district's outline and the full postcode to a point within a
kilometre of it, so places that share a sector sit together as they would on a real map. Every function
here is pure: the same postcode always lands on the same spot, and nothing reads the database.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

Point = tuple[float, float]
Polygon = Sequence[Point]
Hex = tuple[int, int]

BOUNDARIES = Path(__file__).with_name("data") / "districts.json"
SQRT3 = math.sqrt(3)
# Sequential blues (light to dark) for 1, 2-3, 4-6, 7-10 and 11+ events; the text on each hex gives the count.
BIN_COLOURS = ("#d2e2f1", "#a5c5e3", "#6a9fd1", "#2f6fb0", "#003078")
BIN_LIMITS = (1, 3, 6, 10)


@cache
def boundaries() -> dict[str, tuple[Point, ...]]:
    """Each district's outline by district code, from the shipped file."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return {
        code: tuple((float(x), float(y)) for x, y in points) for code, points in data["districts"].items()
    }


def boundary_provenance() -> str:
    return str(json.loads(BOUNDARIES.read_text(encoding="utf-8"))["provenance"])


def contains(polygon: Polygon, point: Point) -> bool:
    """Whether ``point`` is inside ``polygon`` (ray casting; a point on an edge may fall either way)."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _unit(text: str, n: int) -> tuple[float, float]:
    digest = hashlib.sha256(f"{text}|{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64, int.from_bytes(digest[8:16], "big") / 2**64


def _bbox(polygon: Polygon) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def _point_in(polygon: Polygon, key: str, near: Point | None = None, radius: float = 0.0) -> Point | None:
    left, bottom, right, top = _bbox(polygon)
    for n in range(64):
        u, v = _unit(key, n)
        if near is None:
            point = (left + u * (right - left), bottom + v * (top - bottom))
        else:
            angle, distance = 2 * math.pi * u, radius * math.sqrt(v)
            point = (near[0] + distance * math.cos(angle), near[1] + distance * math.sin(angle))
        if contains(polygon, point):
            return point
    return None


def normal_postcode(postcode: str) -> str:
    """ "s602ab" and "S60 2AB" alike: upper case, one space before the inward code."""
    compact = "".join(postcode.split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def place_point(postcode: str, district: str) -> Point | None:
    """Where a place with this postcode sits in the district's outline (None without a usable postcode or
    outline). The sector decides the neighbourhood, the full postcode the spot within a kilometre."""
    outline = boundaries().get(district)
    postcode = normal_postcode(postcode)
    if outline is None or " " not in postcode:
        return None
    sector = postcode[:-2]
    centre = _point_in(outline, f"{district}|{sector}")
    if centre is None:
        return None
    return _point_in(outline, f"{district}|{postcode}", near=centre, radius=1.0) or centre


def hex_of(point: Point, size: float) -> Hex:
    """The pointy-topped hexagon (axial q, r) of side ``size`` holding ``point``."""
    x, y = point
    q = (SQRT3 / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    # Round in cube coordinates, fixing the component that moved most.
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = round(cx), round(cy), round(cz)
    dx, dy, dz = abs(rx - cx), abs(ry - cy), abs(rz - cz)
    if dx > dy and dx > dz:
        rx = -ry - rz
    elif dy <= dz:
        rz = -rx - ry
    return int(rx), int(rz)


def hex_centre(cell: Hex, size: float) -> Point:
    q, r = cell
    return size * SQRT3 * (q + r / 2), size * 1.5 * r


def hex_corners(cell: Hex, size: float) -> list[Point]:
    cx, cy = hex_centre(cell, size)
    return [
        (cx + size * math.cos(math.radians(60 * i - 30)), cy + size * math.sin(math.radians(60 * i - 30)))
        for i in range(6)
    ]


def bin_points(points: Iterable[tuple[Point, int]], size: float) -> Counter[Hex]:
    """Weighted points (a place's position and how many events there) counted by hexagon."""
    bins: Counter[Hex] = Counter()
    for point, weight in points:
        bins[hex_of(point, size)] += weight
    return bins


def bin_colour(count: int) -> str:
    for limit, colour in zip(BIN_LIMITS, BIN_COLOURS, strict=False):
        if count <= limit:
            return colour
    return BIN_COLOURS[-1]


@dataclass(frozen=True)
class HexMap:
    """A district's outline and its hexagons with counts, ready to draw (in kilometres, y north)."""

    district: str
    outline: tuple[Point, ...]
    size: float
    bins: Mapping[Hex, int]
    unplaced: int = 0

    def svg(self, *, chart_id: str, title: str, description: str, scale: float = 12.0) -> str:
        """The map as SVG text: the outline, each hexagon shaded by its count (and labelled with it), a
        legend. North is up; one kilometre is ``scale`` units."""
        if not self.outline:
            return (
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 40">'
                f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
                '<text x="8" y="24" font-size="14" fill="#0b0c0c">No boundary is held for this district.</text>'
                "</svg>"
            )
        left, bottom, right, top = _bbox(self.outline)
        margin = 1.5
        width = (right - left + 2 * margin) * scale
        height = (top - bottom + 2 * margin) * scale
        legend_height = 34.0

        def xy(point: Point) -> str:
            x = (point[0] - left + margin) * scale
            y = (top - point[1] + margin) * scale
            return f"{x:.1f},{y:.1f}"

        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height + legend_height:.0f}">',
            f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
            f'<polygon points="{" ".join(xy(p) for p in self.outline)}" fill="#f3f2f1" stroke="#0b0c0c" '
            'stroke-width="2"/>',
        ]
        for cell, count in sorted(self.bins.items()):
            corners = " ".join(xy(p) for p in hex_corners(cell, self.size))
            colour = bin_colour(count)
            parts.append(
                f"<g><title>{count} event{'s' if count != 1 else ''}</title>"
                f'<polygon points="{corners}" fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
            )
            cx, cy = xy(hex_centre(cell, self.size)).split(",")
            text_colour = "#ffffff" if colour in BIN_COLOURS[2:] else "#0b0c0c"
            parts.append(
                f'<text x="{cx}" y="{float(cy) + 4:.1f}" text-anchor="middle" font-size="11" '
                f'font-family="Arial, Liberation Sans, sans-serif" fill="{text_colour}">{count}</text></g>'
            )
        labels = ("1", "2-3", "4-6", "7-10", "11+")
        y0 = height + 8
        for index, (colour, label) in enumerate(zip(BIN_COLOURS, labels, strict=True)):
            x0 = 8 + index * 70
            parts.append(
                f'<rect x="{x0}" y="{y0:.0f}" width="16" height="16" fill="{colour}" stroke="#505a5f"/>'
                f'<text x="{x0 + 22}" y="{y0 + 13:.0f}" font-size="12" '
                f'font-family="Arial, Liberation Sans, sans-serif" fill="#0b0c0c">{label}</text>'
            )
        parts.append("</svg>")
        return "".join(parts)


def hex_map(district: str, placed: Iterable[tuple[str, int]], *, size: float = 1.5) -> HexMap:
    """The hex-bin map of a district from (postcode, events) pairs: how many events in each hexagon, and
    how many could not be placed (no postcode, or none that falls in the outline)."""
    outline = boundaries().get(district, ())
    points: list[tuple[Point, int]] = []
    unplaced = 0
    for postcode, weight in placed:
        point = place_point(postcode, district) if outline else None
        if point is None:
            unplaced += weight
        else:
            points.append((point, weight))
    return HexMap(district, tuple(outline), size, dict(bin_points(points, size)), unplaced)
