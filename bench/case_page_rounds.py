"""The case-page benchmark for two checkouts on one database, interleaved in rounds, back to back.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/case_page_rounds.py --before /tmp/tessera-before \\
        --database-url postgres://postgres@127.0.0.1:5432/tessera_throughput [--rounds 2] [--runs 200]

``bench/case_page.py`` of each checkout (run with that checkout's own ``.venv``) times the case pages
beside the same world: both commits share one schema, so one database serves both and neither side gets a
warmer or bigger world (``bench/before_after_rounds.py`` loads a world per commit, which at a million
people takes longer than the session allows). Each run adds its own two cases (50 and 500 entries). The
order alternates each round; figures are medians over rounds, ratios after / before. Results in
``bench/results/case_page_before_after.{md,json}``.

When the commit before has an older schema, ``--before-database-url`` gives it a database of its own at
that schema holding the same world (bench/README.md, throughput): each side then adds its cases to its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from before_after import RESULTS, _case_rows, compare, table_lines  # noqa: E402


def _run(tree: Path, database_url: str, runs: int, people: int) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    command = [
        str(tree / ".venv" / "bin" / "python"),
        "bench/case_page.py",
        "--database-url",
        database_url,
        "--runs",
        str(runs),
        "--people",
        str(people),
    ]
    subprocess.run(command, cwd=tree, env=env, check=True)  # noqa: S603 - the checkout's own script
    data: dict[str, Any] = json.loads((tree / "bench" / "results" / "case_page.json").read_text())
    return data


def _commit(tree: Path) -> str:
    command = ["git", "rev-parse", "--short", "HEAD"]
    return subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def _median(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {
        name: {
            "p50_ms": round(statistics.median(r[name]["p50_ms"] for r in rounds), 1),
            "p95_ms": round(statistics.median(r[name]["p95_ms"] for r in rounds), 1),
            "queries_min": min(r[name]["queries_min"] for r in rounds),
            "queries_max": max(r[name]["queries_max"] for r in rounds),
        }
        for name in rounds[0]
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--before", type=Path, required=True, help="checkout of the commit before, with .venv"
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--before-database-url", help="the before checkout's own database (older schema, the same world)"
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--people", type=int, default=1_000_000, help="only loads a world if it has fewer")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    urls = {"before": args.before_database_url or args.database_url, "after": args.database_url}
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    loads: list[str] = []
    for number in range(args.rounds):
        order = ["before", "after"] if number % 2 == 0 else ["after", "before"]
        for side in order:
            runs[side].append(_run(trees[side], urls[side], args.runs, args.people))
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            loads.append(f"round {number + 1} {side}: load {load}")
    rows = compare(
        _median([_case_rows(r) for r in runs["before"]]), _median([_case_rows(r) for r in runs["after"]])
    )
    chronology = next(r for r in rows if r["what"] == "case page: chronology")
    summary = {
        "before": _commit(trees["before"]),
        "after": _commit(trees["after"]),
        "people": runs["after"][-1]["people"],
        "entries": runs["after"][-1]["chronology_entries"],
        "rounds": args.rounds,
        "runs_per_page": args.runs,
        "databases": {side: url.rsplit("/", 1)[-1] for side, url in urls.items()},
        "loads": loads,
        "rows": rows,
        "raw": runs,
        "chronology_p95_ratio": chronology["p95_ratio"],
        "chronology_p95_after_ms": chronology["after_p95_ms"],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "case_page_before_after.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "# Case pages before and after (bench/case_page_rounds.py)",
        "",
        f"Before {summary['before']}, after {summary['after']}; PostgreSQL, {summary['people']:,} people, a case "
        f"with {summary['entries']} chronology entries; {args.runs} timed requests per page per run through "
        f"the test client as cse.rotherham; {args.rounds} rounds, order alternating, medians over rounds. "
        f"Databases: before {summary['databases']['before']}, after {summary['databases']['after']}"
        + (
            " (each commit its own, at its own schema, holding the same world; bench/README.md)."
            if urls["before"] != urls["after"]
            else " (one database, one schema)."
        ),
        "",
        *table_lines(rows),
        "",
        f"Chronology p95: {chronology['before_p95_ms']} ms before, {chronology['after_p95_ms']} ms after, ratio "
        f"{chronology['p95_ratio']} (target: at most 0.5 and under 150 ms): ratio "
        f"{'MET' if chronology['p95_ratio'] <= 0.5 else 'NOT MET'}, under 150 ms "
        f"{'MET' if chronology['after_p95_ms'] < 150 else 'NOT MET'}.",
        "",
        *[f"- {line}" for line in loads],
    ]
    (RESULTS / "case_page_before_after.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
