"""Put two runs of the people and case-page benchmarks side by side: before a change and after it.

    .venv/bin/python bench/before_after.py --name open_and_log \\
        --people-before B.json --people-after A.json --case-before B2.json --case-after A2.json \\
        --note "what was measured, where"

The four inputs are the ``people_scale.json`` and ``case_page.json`` each run wrote, measured back to back
in one sitting on the same databases. Prints a table of p50 / p95 and query counts with the after/before
ratio of each, and writes it to ``bench/results/<name>_before_after.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _people_rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows = {f"search: {name}": figures for name, figures in data["search"].items()}
    rows |= {f"person page: {name}": figures for name, figures in data["person_page"].items()}
    rows["search before create"] = data["search_before_create"]
    return rows


def _case_rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows = {}
    for name, figures in data["pages"].items():
        queries = next(
            v for k, v in figures.items() if k.startswith("queries_") and k != "queries_50_entries"
        )
        rows[f"case page: {name}"] = {**figures, "queries_min": queries, "queries_max": queries}
    return rows


def _ratio(after: float, before: float) -> float:
    return round(after / before, 3) if before else float("nan")


def compare(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for name, b in before.items():
        a = after[name]
        out.append(
            {
                "what": name,
                "before_p50_ms": b["p50_ms"],
                "after_p50_ms": a["p50_ms"],
                "p50_ratio": _ratio(a["p50_ms"], b["p50_ms"]),
                "before_p95_ms": b["p95_ms"],
                "after_p95_ms": a["p95_ms"],
                "p95_ratio": _ratio(a["p95_ms"], b["p95_ms"]),
                "before_queries": [b["queries_min"], b["queries_max"]],
                "after_queries": [a["queries_min"], a["queries_max"]],
            }
        )
    return out


def table_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The Markdown table of ``compare``'s rows: p50, p95 and query counts before and after, with ratios."""
    lines = [
        "| what | p50 before | p50 after | ratio | p95 before | p95 after | ratio | queries before | queries after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        qb = "–".join(str(q) for q in dict.fromkeys(r["before_queries"]))
        qa = "–".join(str(q) for q in dict.fromkeys(r["after_queries"]))
        lines.append(
            f"| {r['what']} | {r['before_p50_ms']} | {r['after_p50_ms']} | {r['p50_ratio']} | "
            f"{r['before_p95_ms']} | {r['after_p95_ms']} | {r['p95_ratio']} | {qb} | {qa} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--name", required=True)
    parser.add_argument("--people-before", type=Path, required=True)
    parser.add_argument("--people-after", type=Path, required=True)
    parser.add_argument("--case-before", type=Path, required=True)
    parser.add_argument("--case-after", type=Path, required=True)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    people_b, people_a = (json.loads(p.read_text()) for p in (args.people_before, args.people_after))
    case_b, case_a = (json.loads(p.read_text()) for p in (args.case_before, args.case_after))
    rows = compare(_people_rows(people_b), _people_rows(people_a)) + compare(
        _case_rows(case_b), _case_rows(case_a)
    )
    summary = {
        "note": args.note,
        "people_in_database": people_a.get("people_in_database"),
        "case_world_people": case_a.get("people"),
        "load_average_people_before_after": [
            people_b.get("load_average_at_end"),
            people_a.get("load_average_at_end"),
        ],
        "load_average_case_before_after": [
            case_b.get("load_average_1_5_15"),
            case_a.get("load_average_1_5_15"),
        ],
        "rows": rows,
    }
    lines = [f"# {args.name}: before and after", "", args.note, "", *table_lines(rows)]
    lines += [
        "",
        f"Load average at the end of each run (people before, after): {summary['load_average_people_before_after']};"
        f" (case page before, after): {summary['load_average_case_before_after']}.",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}_before_after.json").write_text(json.dumps(summary, indent=2) + "\n")
    (RESULTS / f"{args.name}_before_after.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
