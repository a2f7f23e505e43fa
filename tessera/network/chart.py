"""The link chart's data: what the browser's Cytoscape.js draws, as plain JSON (no markup, no styles).

Pure. The page passes it with ``json_script`` (a data block, not a script, so the CSP holds) and the table
beside the chart lists the same links for anyone who cannot or would rather not use the chart.
"""

from __future__ import annotations

from typing import Any

from tessera.network.graph import Network

LABEL_LENGTH = 28


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


def chart_data(network: Network) -> dict[str, Any]:
    nodes = []
    for key in sorted(network.nodes):
        node = network.nodes[key]
        role = "suspect" if node.is_suspect else "child" if node.is_child else ""
        nodes.append(
            {
                "data": {
                    "id": f"n{key}",
                    "label": _short(node.label),
                    "kind": node.kind,
                    "role": role,
                    "ring": network.steps.get(key, 0),
                    "centre": key == network.centre,
                    "url": node.url,
                }
            }
        )
    edges = []
    for edge in sorted(network.edges, key=lambda e: e.key):
        if edge.source not in network.nodes or edge.target not in network.nodes:
            continue
        dated = f" {edge.on:%d %b %Y}" if edge.on else ""
        graded = f" [{edge.grade}]" if edge.grade else ""
        edges.append(
            {
                "data": {
                    "id": f"e{edge.key}",
                    "source": f"n{edge.source}",
                    "target": f"n{edge.target}",
                    "label": f"{edge.label}{dated}{graded}",
                    "kind": edge.kind,
                }
            }
        )
    return {"nodes": nodes, "edges": edges}
