"""The people and case-page benchmarks for two commits, interleaved in rounds on one machine in one sitting.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/before_after_rounds.py \\
        --before 3642634 --after HEAD --people 30000 --rounds 3 --name open_and_log

Each commit is checked out with ``git archive`` under ``var/before_after/`` and run with this checkout's
virtualenv (``PYTHONPATH`` puts the commit's own code first), each on its own PostgreSQL databases (their
migrations differ). Round 1 loads the worlds; later rounds reuse them. The order alternates (before, after;
then after, before...) so that a machine getting busier or quieter moves both sides alike. Each figure in
the table is the median over the rounds, and the ratio is after / before; the load average at the end of
every run is printed beside it, because on a shared machine that is what the noise is made of.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from before_after import RESULTS, _case_rows, _people_rows, compare, table_lines  # noqa: E402

WORK = ROOT / "var" / "before_after"
PG = os.environ.get("TESSERA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def _checkout(commit: str) -> tuple[str, Path]:
    sha = subprocess.run(  # noqa: S603 - fixed arguments, a commit named by the person running it
        ["git", "rev-parse", "--short", commit],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    tree = WORK / sha
    if not tree.exists():
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True, capture_output=True).stdout  # noqa: S603, S607
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)  # noqa: S603, S607
        # Built assets are not in git; the pages need them to render.
        dist = ROOT / "tessera" / "web" / "static" / "dist"
        if dist.exists():
            shutil.copytree(dist, tree / "tessera" / "web" / "static" / "dist", dirs_exist_ok=True)
    return sha, tree


def _run(tree: Path, script: str, *arguments: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    command = [sys.executable, str(tree / "bench" / script), *arguments]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=tree, env=env, check=True)  # noqa: S603 - this interpreter, our own scripts


def _one_round(sha: str, tree: Path, people: int, samples: int, reuse: bool) -> dict[str, Any]:
    people_db = f"tessera_ba_people_{sha}"
    _run(
        tree,
        "people_scale.py",
        "--people",
        str(people),
        "--samples",
        str(samples),
        "--database",
        people_db,
        *(["--reuse"] if reuse else []),
    )
    _run(
        tree,
        "case_page.py",
        "--people",
        str(people),
        "--runs",
        str(samples),
        "--database-url",
        f"{PG}/tessera_ba_case_{sha}",
    )
    results = tree / "bench" / "results"
    return {
        "people": json.loads((results / "people_scale.json").read_text()),
        "case": json.loads((results / "case_page.json").read_text()),
    }


def _median_rows(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for name in rounds[0]:
        figures = [r[name] for r in rounds]
        merged[name] = {
            "p50_ms": round(statistics.median(f["p50_ms"] for f in figures), 1),
            "p95_ms": round(statistics.median(f["p95_ms"] for f in figures), 1),
            "queries_min": min(f["queries_min"] for f in figures),
            "queries_max": max(f["queries_max"] for f in figures),
        }
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--name", required=True)
    parser.add_argument("--fresh", action="store_true", help="drop the checkouts and load the worlds again")
    args = parser.parse_args()
    if args.fresh and WORK.exists():
        shutil.rmtree(WORK)
    sides = {"before": _checkout(args.before), "after": _checkout(args.after)}
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    loads: list[tuple[int, str, list[str]]] = []
    for number in range(args.rounds):
        order = ["before", "after"] if number % 2 == 0 else ["after", "before"]
        for side in order:
            sha, tree = sides[side]
            reuse = number > 0 or (tree / "bench" / "results" / ".loaded").exists()
            runs[side].append(_one_round(sha, tree, args.people, args.samples, reuse))
            (tree / "bench" / "results" / ".loaded").touch()
            loads.append((number + 1, side, Path("/proc/loadavg").read_text().split()[:3]))
    rows = compare(
        _median_rows([_people_rows(r["people"]) for r in runs["before"]]),
        _median_rows([_people_rows(r["people"]) for r in runs["after"]]),
    ) + compare(
        _median_rows([_case_rows(r["case"]) for r in runs["before"]]),
        _median_rows([_case_rows(r["case"]) for r in runs["after"]]),
    )
    summary = {
        "before": sides["before"][0],
        "after": sides["after"][0],
        "people": args.people,
        "samples_per_figure_per_round": args.samples,
        "rounds": args.rounds,
        "load_average_after_each_run": loads,
        "rows": rows,
        "runs": runs,
    }
    lines = [
        f"# {args.name}: before ({sides['before'][0]}) and after ({sides['after'][0]}), interleaved",
        "",
        f"PostgreSQL, {args.people:,} people (synthetic world), {args.samples} requests per figure per round,"
        f" {args.rounds} rounds alternating the order; each figure the median over rounds; ratio = after / before.",
        f"Command: `flock /tmp/tessera-bench.lock .venv/bin/python bench/before_after_rounds.py --before"
        f" {sides['before'][0]} --after {sides['after'][0]} --people {args.people} --samples {args.samples}"
        f" --rounds {args.rounds} --name {args.name}`",
        "",
        *table_lines(rows),
    ]
    p50 = [r["p50_ratio"] for r in rows]
    lines += [
        "",
        f"Median p50 ratio over all rows {statistics.median(p50):.3f} (range {min(p50):.3f}–{max(p50):.3f}).",
        "",
        "Load average (1, 5, 15 min) after each run: "
        + "; ".join(f"round {n} {side}: {' '.join(load)}" for n, side, load in loads),
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}_before_after.json").write_text(json.dumps(summary, indent=2) + "\n")
    (RESULTS / f"{args.name}_before_after.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
