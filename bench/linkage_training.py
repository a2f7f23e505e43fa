"""Training time of the linkage model, this checkout against an earlier commit, back to back (CPU time).

    git -C /work/main worktree add --detach /tmp/linkage-35bec53 35bec53   # then give it its own .venv
    flock /tmp/tessera-bench.lock .venv/bin/python bench/linkage_training.py \\
        --parquet var/bench/people-world-100k --before /tmp/linkage-35bec53 --rounds 2

Each round trains once in the earlier checkout (its own Python and Splink) and once here, on the same
Parquet world, each in a fresh process that runs ``engine.prepare`` then times ``engine.train`` alone.
CPU time (user + system of the whole process, DuckDB's threads included) is the figure compared: wall
time on this shared 2-core machine varies twofold with other people's work, CPU time far less. Writes
bench/results/linkage_training.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# Run in the checkout being measured (its cwd), so it imports that checkout's engine.
CHILD = """
import json, os, resource, sys, time
sys.path.insert(0, os.getcwd())
from pathlib import Path
import duckdb
from tests.linkage.people_world import parquet_world
from tessera.linkage import engine
raw = parquet_world(Path(sys.argv[1]))
con = duckdb.connect()
table = engine.prepare(con, raw.select([c for c in raw.column_names if c in engine.RAW_COLUMNS]))
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
wall, start = time.perf_counter(), cpu()
model = engine.train(con, table)
print(json.dumps({"records": raw.num_rows, "train_wall_s": time.perf_counter() - wall,
                  "train_cpu_s": cpu() - start}))
"""


def _train_once(checkout: Path, parquet: Path) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [str(checkout / ".venv" / "bin" / "python"), "-c", CHILD, str(parquet.resolve())],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _git(checkout: Path) -> str:
    out = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],  # noqa: S603, S607
                         capture_output=True, text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parquet", type=Path, required=True)
    parser.add_argument(
        "--before", type=Path, required=True, help="checkout of the earlier commit, with .venv"
    )
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    load_before = os.getloadavg()
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for label, checkout in (("before", args.before), ("after", ROOT)):
            one = _train_once(checkout, args.parquet)
            runs[label].append(one)
            print(label, json.dumps({k: round(v, 2) for k, v in one.items()}), flush=True)
    cpu = {label: min(r["train_cpu_s"] for r in rs) for label, rs in runs.items()}
    wall = {label: min(r["train_wall_s"] for r in rs) for label, rs in runs.items()}
    figures: dict[str, Any] = {
        "world": args.parquet.name,
        "records": runs["after"][0]["records"],
        "before_commit": _git(args.before),
        "after_commit": _git(ROOT),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "runs": runs,
        "best_cpu_s": cpu,
        "best_wall_s": wall,
        "cpu_ratio_after_over_before": cpu["after"] / cpu["before"],
    }
    print(f"training CPU, best of {args.rounds}: before {cpu['before']:.1f} s, after {cpu['after']:.1f} s, "
          f"ratio {figures['cpu_ratio_after_over_before']:.2f}")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"linkage_training_{args.parquet.name}"
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=1))
    (RESULTS / f"{name}.md").write_text(_markdown(figures, args.rounds))
    print(f"written to {RESULTS / (name + '.json')}")


def _markdown(f: dict[str, Any], rounds: int) -> str:
    return "\n".join(
        [
            f"# Linkage training time: {f['after_commit']} against {f['before_commit']} ({f['world']}, "
            f"{f['records']:,} records)",
            "",
            f"Back to back, {rounds} rounds alternating, each a fresh process timing `engine.train` alone. "
            f"Load average before {tuple(round(x, 2) for x in f['load_average_before'])}, after "
            f"{tuple(round(x, 2) for x in f['load_average_after'])}.",
            "",
            "| commit | best CPU s | best wall s | every CPU s |",
            "|---|---|---|---|",
            *(
                f"| {f[label + '_commit']} ({label}) | {f['best_cpu_s'][label]:.1f} | {f['best_wall_s'][label]:.1f} | "
                + ", ".join(f"{r['train_cpu_s']:.1f}" for r in f["runs"][label])
                + " |"
                for label in ("before", "after")
            ),
            "",
            f"CPU-time ratio after / before: **{f['cpu_ratio_after_over_before']:.2f}**",
            "",
        ]
    )


if __name__ == "__main__":
    main()
