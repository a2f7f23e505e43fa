"""Charts for every page: Vega-Lite specifications (built with Altair) rendered to SVG on the server by
vl-convert, made safe for a strict Content-Security-Policy and accessible, and always shown with the
table of the same figures.

Why this shape:
- Server-side SVG needs no JavaScript, no CDN and no run-time download: vl-convert carries its own copy of
  Vega and Vega-Lite inside the wheel.
- The CSP forbids inline style (``style-src-attr``), and a stray ``style=""`` or ``<style>`` element from
  the renderer would be blocked by the browser and reported as an error. ``sanitise_svg`` turns any style
  declaration into the equivalent SVG presentation attribute, drops ``<style>``, ``<script>`` and event
  attributes, and keeps only the drawing elements Vega uses.
- Vega marks each mark with ARIA graphics roles. A chart here is one image with a title and a description
  (``role="img"``, ``<title>``, ``<desc>``), and the figures are read from the table beside it, so the
  inner roles are removed rather than announced one mark at a time.
- Several charts can share a page: every id inside an SVG (clip paths, gradients) is prefixed with the
  chart's id so they never collide.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import vl_convert
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"

# The Vega-Lite version Altair builds specifications for (e.g. "v6.4.1" -> "6.4"), so vl-convert renders
# each specification with the schema it was written against.
VEGA_LITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])

# GOV.UK Frontend colours, in an order that stays distinguishable for the common colour-vision
# deficiencies; charts also vary dash and shape, so colour is never the only difference (WCAG 1.4.1).
GOVUK_TEXT = "#0b0c0c"
GOVUK_SECONDARY_TEXT = "#505a5f"
GOVUK_BORDER = "#b1b4b6"
SERIES_COLOURS = ("#1d70b8", "#505a5f", "#d4351c", "#00703c", "#4c2c92", "#f47738")

_DRAWING_ELEMENTS = frozenset(
    {
        "svg",
        "g",
        "path",
        "rect",
        "line",
        "circle",
        "ellipse",
        "polygon",
        "polyline",
        "text",
        "tspan",
        "defs",
        "clipPath",
        "linearGradient",
        "radialGradient",
        "stop",
        "title",
        "desc",
    }
)
# Style declarations that have an SVG presentation attribute of the same name.
_PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "opacity",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "text-anchor",
        "dominant-baseline",
        "display",
        "visibility",
        "pointer-events",
        "clip-path",
        "stop-color",
        "stop-opacity",
    }
)
_URL_REFERENCE = re.compile(r"url\(#([^)]+)\)")


def chart_config() -> dict[str, Any]:
    """The look every chart shares: the page's font and colours, no Vega ARIA roles (the whole SVG is
    one image described by its title and description), and a transparent background."""
    return {
        "background": None,
        "config": {
            "aria": False,
            "font": "Arial, Liberation Sans, sans-serif",
            "view": {"stroke": GOVUK_BORDER},
            "axis": {
                "labelColor": GOVUK_TEXT,
                "titleColor": GOVUK_TEXT,
                "labelFontSize": 14,
                "titleFontSize": 14,
                "titleFontWeight": "bold",
                "gridColor": GOVUK_BORDER,
                "domainColor": GOVUK_SECONDARY_TEXT,
                "tickColor": GOVUK_SECONDARY_TEXT,
            },
            "legend": {
                "labelColor": GOVUK_TEXT,
                "titleColor": GOVUK_TEXT,
                "labelFontSize": 14,
                "titleFontSize": 14,
                "orient": "bottom",
                "direction": "vertical",
                "symbolStrokeWidth": 2,
                "labelLimit": 0,
            },
            "title": {"color": GOVUK_TEXT, "fontSize": 16},
            "range": {"category": list(SERIES_COLOURS)},
        },
    }


def vega_lite_svg(chart: alt.TopLevelMixin) -> str:
    """The chart's Vega-Lite specification, with the shared look, rendered to SVG text by vl-convert."""
    spec = chart.to_dict()
    shared = chart_config()
    spec["background"] = shared["background"]
    spec["config"] = {**shared["config"], **spec.get("config", {})}
    return str(vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _style_to_attributes(style: str) -> dict[str, str]:
    attributes = {}
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        external = "url(" in value and not value.startswith("url(#")
        if name in _PRESENTATION and value and not external:
            attributes[name] = value
    return attributes


def _clean_element(element: ET.Element, prefix: str) -> None:
    # Plain names, no namespaces: ElementTree's prefix registry is global, and another library registering
    # "svg" for the SVG namespace (fpdf2 does) would turn <svg> into <svg:svg>. The root carries xmlns.
    element.tag = _local(element.tag)
    for name in [n for n in element.attrib if n.startswith("{")]:
        element.attrib[_local(name)] = element.attrib.pop(name)
    for child in list(element):
        if _local(child.tag) not in _DRAWING_ELEMENTS:
            element.remove(child)
    style = element.attrib.pop("style", "")
    for attribute, declared in _style_to_attributes(style).items():
        element.attrib.setdefault(attribute, declared)
    for name in list(element.attrib):
        local = _local(name)
        value = element.attrib[name]
        if local.startswith(("on", "aria-")) or local == "role":
            del element.attrib[name]
        elif local == "href":
            if value.startswith("#"):
                element.attrib[name] = f"#{prefix}-{value[1:]}"
            else:
                del element.attrib[name]
        elif local == "id":
            element.attrib[name] = f"{prefix}-{value}"
        elif "url(#" in value:
            element.attrib[name] = _URL_REFERENCE.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value)
    for child in element:
        _clean_element(child, prefix)


def sanitise_svg(svg: str, *, chart_id: str, title: str, description: str) -> SafeString:
    """SVG text made safe for the page and accessible: no inline style or script, one image with a title
    and a description, ids prefixed with ``chart_id``, sized by its viewBox and the page's CSS."""
    root = ET.fromstring(svg)  # noqa: S314 - vl-convert's output for a specification built here
    if _local(root.tag) != "svg":
        raise ValueError("Expected an SVG document")
    _clean_element(root, chart_id)
    for dimension in ("width", "height"):
        root.attrib.pop(dimension, None)
    classes = ["tessera-chart", *root.attrib.get("class", "").split()]
    root.attrib.update(
        {
            "id": chart_id,
            "class": " ".join(dict.fromkeys(classes)),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "focusable": "false",
        }
    )
    root.attrib = {"xmlns": SVG_NS, **root.attrib}
    title_element = ET.Element("title", {"id": f"{chart_id}-title"})
    title_element.text = title
    desc_element = ET.Element("desc", {"id": f"{chart_id}-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    # ElementTree escapes every text node and attribute value it writes.
    return mark_safe(ET.tostring(root, encoding="unicode"))  # noqa: S308


def render_chart(chart: alt.TopLevelMixin, *, chart_id: str, title: str, description: str) -> SafeString:
    """A chart as inline SVG for a page: rendered by vl-convert, then sanitised (see the module's docstring).

    ``description`` says in words what the chart shows, for people who cannot see it; the table beside
    the chart (``data_table``) gives every figure.
    """
    return sanitise_svg(vega_lite_svg(chart), chart_id=chart_id, title=title, description=description)


@dataclass(frozen=True)
class DataTable:
    """The figures a chart draws, as a GOV.UK table. ``numeric`` marks the columns to right-align."""

    caption: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[str]]
    numeric: tuple[bool, ...] = ()
    table_id: str = ""


def data_table(table: DataTable) -> SafeString:
    """The table beside a chart: its first column heads each row."""
    numeric = table.numeric or tuple(False for _ in table.columns)

    def header_class(index: int) -> str:
        return "govuk-table__header" + (" govuk-table__header--numeric" if numeric[index] else "")

    def cell(index: int, value: str) -> SafeString:
        if index == 0:
            return format_html('<th scope="row" class="govuk-table__header">{}</th>', value)
        css = "govuk-table__cell" + (" govuk-table__cell--numeric" if numeric[index] else "")
        return format_html('<td class="{}">{}</td>', css, value)

    head = format_html_join(
        "",
        '<th scope="col" class="{}">{}</th>',
        ((header_class(i), column) for i, column in enumerate(table.columns)),
    )
    body = format_html_join(
        "",
        '<tr class="govuk-table__row">{}</tr>',
        ((mark_safe("".join(cell(i, v) for i, v in enumerate(row))),) for row in table.rows),  # noqa: S308 - cells built by format_html
    )
    return format_html(
        '<table class="govuk-table"{}><caption class="govuk-table__caption govuk-table__caption--s">{}</caption>'
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>'
        '<tbody class="govuk-table__body">{}</tbody></table>',
        format_html(' id="{}"', table.table_id) if table.table_id else "",
        table.caption,
        head,
        body,
    )


def chart_beside_table(chart: SafeString, table: DataTable) -> SafeString:
    """The chart (two thirds) with its table (one third), stacked on narrow screens."""
    return format_html(
        '<div class="govuk-grid-row tessera-chart-figure">'
        '<div class="govuk-grid-column-two-thirds">{}</div>'
        '<div class="govuk-grid-column-one-third">{}</div></div>',
        chart,
        data_table(table),
    )
