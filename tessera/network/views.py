"""The network page: a link chart of an entity's network, the same links as a table, a path between two
entities, the groups in it and the adults who reach the most children."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tessera.access.scope import scope_of
from tessera.network.chart import chart_data
from tessera.network.graph import Node, adults_by_children_reached, communities, shortest_path
from tessera.network.selectors import DEFAULT_STEPS, MOST_STEPS, force_standings, network_of
from tessera.people.link_chart import KIND_NAMES


def entity_cell(node: Node) -> SafeString:
    """An entry as the page shows it: a link to its page, marked child or suspected exploiter. Built once
    per entry here rather than by a template include per cell, which cost half the page's time."""
    name = (
        format_html('<a class="govuk-link" href="{}">{}</a>', node.url, node.label)
        if node.url
        else node.label
    )
    if node.is_suspect:
        return format_html('{} <strong class="govuk-tag govuk-tag--red">Suspected exploiter</strong>', name)
    if node.is_child:
        return format_html('{} <strong class="govuk-tag govuk-tag--blue">Child</strong>', name)
    return format_html("{}", name)


def _number(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def network_page(request: HttpRequest, entity_id: int) -> HttpResponse:
    steps = _number(request, "steps") or DEFAULT_STEPS
    steps = min(max(steps, 1), MOST_STEPS)
    page = network_of(request.user, entity_id, steps, via=request)
    network = page.network
    start, end = _number(request, "from"), _number(request, "to")
    path: Any = None
    path_asked = start is not None and end is not None
    if path_asked:
        path = shortest_path(network, start, end)  # type: ignore[arg-type]
    nodes = sorted(network.nodes.values(), key=lambda n: (network.steps.get(n.key, 0), n.label, n.key))
    cells = {node.key: entity_cell(node) for node in nodes}
    groups = [
        [
            cells[node.key]
            for node in sorted((network.nodes[key] for key in group), key=lambda n: (n.label, n.key))
        ]
        for group in communities(network)
    ]
    steps_shown = [(cells[step.start.key], step.links, cells[step.end.key]) for step in path or []]
    reaches = adults_by_children_reached(network)
    # Adults reaching as many children are ordered by their force-wide centrality (the nightly job's
    # PageRank over every link in the force), most central first; unranked ones after.
    standings = force_standings([reach.adult.key for reach in reaches[:50]])
    unranked = 1 << 62
    reaches = sorted(
        reaches[:50],
        key=lambda r: (-len(r.children), -r.directly, getattr(standings.get(r.adult.key), "rank", unranked)),
    )
    ranked = [
        (
            cells[reach.adult.key],
            len(reach.children),
            reach.directly,
            [cells[c.key] for c in reach.children],
            standings.get(reach.adult.key),
        )
        for reach in reaches[:10]
    ]
    return render(
        request,
        "network/network.html",
        {
            "page": page,
            "network": network,
            "nodes": nodes,
            "options": [(node, KIND_NAMES.get(node.kind, node.kind)) for node in nodes],
            "links": [
                (edge, cells[edge.source], cells[edge.target])
                for edge in sorted(network.edges, key=lambda e: (e.on or date.min, e.key), reverse=True)
            ],
            "chart": chart_data(network),
            "steps": steps,
            "step_choices": range(1, MOST_STEPS + 1),
            "path": path,
            "path_steps": steps_shown,
            "path_asked": path_asked,
            "path_from": start,
            "path_to": end,
            "groups": groups,
            "ranked": ranked,
            "shows_grades": scope_of(request.user).sees_police_intelligence,
        },
    )
