"""The shared chart helper: Vega-Lite SVG made safe for a strict CSP and readable by screen readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import altair as alt

from tessera.ui.charts import DataTable, chart_beside_table, data_table, render_chart, sanitise_svg

PLANTED = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" '
    'height="200" viewBox="0 0 300 200" onload="alert(1)">'
    "<style>@font-face { font-family: x; src: url(https://example.invalid/x.woff); }</style>"
    "<script>alert(2)</script>"
    '<defs><clipPath id="clip1"><rect width="10" height="10"/></clipPath></defs>'
    '<g role="graphics-object" aria-label="marks" clip-path="url(#clip1)">'
    '<path d="M0,0L10,10" style="stroke: #1d70b8; stroke-width: 2; cursor: pointer; '
    'fill: url(https://example.invalid/p)"/>'
    '<use xlink:href="#clip1"/><a href="javascript:alert(3)"><text>bad</text></a>'
    '<text onclick="alert(4)" font-style="italic">Safe &amp; sound</text>'
    "</g><foreignObject><div>html</div></foreignObject></svg>"
)


def _chart() -> alt.Chart:
    data = alt.Data(values=[{"month": "Jan", "count": 3}, {"month": "Feb", "count": 5}])
    return alt.Chart(data).mark_bar().encode(x="month:N", y="count:Q")


def test_inline_style_script_and_event_handlers_never_reach_the_page():
    svg = sanitise_svg(PLANTED, chart_id="c", title="T", description="D")
    assert (
        re.search(r"\sstyle\s*=|<style|<script|\son\w+\s*=|javascript:|foreignObject|https://", svg) is None
    )
    # A style declaration becomes the matching presentation attribute, so the drawing looks the same.
    path = ET.fromstring(svg).find(".//{http://www.w3.org/2000/svg}path")  # noqa: S314
    assert path is not None
    assert (path.get("stroke"), path.get("stroke-width"), path.get("fill")) == ("#1d70b8", "2", None)
    assert "Safe &amp; sound" in svg


def test_ids_are_prefixed_so_two_charts_can_share_a_page():
    svg = sanitise_svg(PLANTED, chart_id="first-chart", title="T", description="D")
    assert 'id="first-chart-clip1"' in svg
    assert 'clip-path="url(#first-chart-clip1)"' in svg
    assert 'id="clip1"' not in svg


def test_a_chart_is_one_image_with_a_title_and_a_description_and_no_inner_roles():
    svg = sanitise_svg(PLANTED, chart_id="c", title="Referrals by month", description="Three in January")
    root = ET.fromstring(svg)  # noqa: S314
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    ns = "{http://www.w3.org/2000/svg}"
    assert [child.tag for child in root][:2] == [f"{ns}title", f"{ns}desc"]
    assert root[0].text == "Referrals by month"
    assert root[1].text == "Three in January"
    inner = [element for element in root.iter() if element is not root]
    assert not any(name == "role" or name.startswith("aria-") for element in inner for name in element.attrib)
    # Sized by its viewBox and the page's CSS, not fixed pixels.
    assert root.get("viewBox") == "0 0 300 200"
    assert root.get("width") is None


def test_a_vega_lite_chart_renders_to_safe_svg_without_a_browser():
    svg = render_chart(_chart(), chart_id="by-month", title="Referrals by month", description="Two months")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "mark-rect role-mark" in svg  # Vega drew the bars
    assert ">Jan<" in svg
    assert ">Feb<" in svg
    assert re.search(r"\sstyle\s*=|<style|<script", svg) is None
    assert 'font-family="Arial, Liberation Sans, sans-serif"' in svg


def test_the_table_beside_the_chart_escapes_what_it_shows():
    table = DataTable(
        caption="Figures <in> the chart",
        columns=("Month", "Referrals"),
        rows=[("<b>Jan</b>", "3")],
        numeric=(False, True),
        table_id="by-month-table",
    )
    html = data_table(table)
    assert "&lt;b&gt;Jan&lt;/b&gt;" in html
    assert "<b>" not in html
    assert 'id="by-month-table"' in html
    assert '<th scope="row" class="govuk-table__header">&lt;b&gt;Jan&lt;/b&gt;</th>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in html
    figure = chart_beside_table(render_chart(_chart(), chart_id="m", title="T", description="D"), table)
    assert figure.index("<svg") < figure.index("<table")


def test_another_library_registering_an_svg_prefix_does_not_change_the_markup():
    # fpdf2 registers "svg" for the SVG namespace; the page must still get a plain <svg> element.
    ET.register_namespace("svg", "http://www.w3.org/2000/svg")
    svg = sanitise_svg(PLANTED, chart_id="c", title="T", description="D")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "svg:" not in svg
