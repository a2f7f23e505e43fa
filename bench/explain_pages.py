"""Each page's slowest query at 1M on PostgreSQL, with its plan: ``EXPLAIN (ANALYZE, BUFFERS)``.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/explain_pages.py --database-url URL [--requests 5]

Each page (search, person page, the four case tabs; the case is bench/profile_pages.py's, with 500
chronology entries) is requested through Django's test client as cse.rotherham ``--requests`` times after
one warm-up; every statement it sends is timed, and the one with the longest median is run again under
``EXPLAIN (ANALYZE, BUFFERS)`` (inside a transaction rolled back afterwards, so a write explained is not
kept): every statement of the page is explained, the planning and execution times summed, and the one
that takes the database longest to execute is the page's slowest query, shown with its plan and its
median round trip. The summary names the plan's scans and sorts: a sequential scan of a large table, or a sort of
many rows, is what an index could fix. Writes ``bench/results/explain_pages.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
parser.add_argument("--requests", type=int, default=5)
args = parser.parse_args()
if args.database_url:
    os.environ["DATABASE_URL"] = args.database_url
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.setdefault("TESSERA_ALLOWED_HOSTS", "localhost")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from profile_pages import bench_case, signed_in  # noqa: E402

from tessera.accounts.models import User  # noqa: E402
from tessera.people.models import Person  # noqa: E402

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
NODE = re.compile(
    r"(Seq Scan|Parallel Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Sort)(?: using (\S+))?(?: on (\S+))?.*?rows=(\d+) loops=(\d+)"
)


def timed_statements(client: Any, url: str) -> list[tuple[str, float]]:
    """Each statement one request for ``url`` sends (with its values in, as Django logs it) and its time."""
    timed: list[tuple[str, float]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            timed.append((connection.ops.last_executed_query(context["cursor"], sql, params), ms))

    with connection.execute_wrapper(timer):
        assert client.get(url).status_code == 200, url
    return timed


def slowest(client: Any, url: str, requests: int) -> tuple[str, float, int, list[str]]:
    """The statement with the longest median time over ``requests`` requests, that time, the count, and
    every statement of the last request."""
    assert client.get(url).status_code == 200, url
    times: dict[int, list[float]] = {}
    texts: dict[int, str] = {}
    count = 0
    for _ in range(requests):
        timed = timed_statements(client, url)
        statements = [
            (sql, ms) for sql, ms in timed if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL)
        ]
        count = len(statements)
        for position, (sql, ms) in enumerate(statements):
            times.setdefault(position, []).append(ms)
            texts[position] = sql
    position = max(times, key=lambda p: statistics.median(times[p]))
    return (
        texts[position],
        round(statistics.median(times[position]), 2),
        count,
        [texts[p] for p in sorted(texts)],
    )


def slowest_times(client: Any, url: str, sql: str, requests: int) -> list[float]:
    """The round-trip times of ``sql`` over ``requests`` requests for ``url``."""
    times = []
    for _ in range(requests):
        times += [ms for text, ms in timed_statements(client, url) if text == sql]
    return times or [float("nan")]


def explained(statements: list[str]) -> list[tuple[str, list[str], float, float]]:
    """Each statement of a request with its plan and the database's own planning and execution time (ms)."""
    answers = []
    for sql in statements:
        plan = explain(sql)
        planning = sum(float(line.split()[2]) for line in plan if line.startswith("Planning Time:"))
        execution = sum(float(line.split()[2]) for line in plan if line.startswith("Execution Time:"))
        answers.append((sql, plan, planning, execution))
    return answers


def explain(sql: str) -> list[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return plan


# What an index could fix: a sequential scan reading this many rows, or a sort of this many.
BIG_SCAN_ROWS = 10_000
BIG_SORT_ROWS = 1_000


def worth_an_index(plan: list[str]) -> list[str]:
    """The plan's sequential scans and sorts big enough that an index would matter."""
    found = []
    for line in plan:
        match = NODE.search(line)
        if not match:
            continue
        kind, _, table, rows, loops = match.groups()
        read = int(rows) * int(loops)
        if ("Seq Scan" in kind and read >= BIG_SCAN_ROWS) or (kind == "Sort" and int(rows) >= BIG_SORT_ROWS):
            found.append(f"{kind}{f' on {table}' if table else ''} ({read:,} rows)")
    return found


def nodes(plan: list[str]) -> list[str]:
    found = []
    for line in plan:
        match = NODE.search(line)
        if match:
            kind, index, table, rows, loops = match.groups()
            where = f" {index}" if index else ""
            where += f" on {table}" if table else ""
            found.append(f"{kind}{where} ({rows} rows x {loops})")
    return found


def main() -> None:
    user = User.objects.select_related("agency").get(username="cse.rotherham")
    case = bench_case(user, 500)
    assert case.child is not None
    person = Person.objects.get(pk=case.child.pk)
    pages = {
        "search": f"/people/search/?q={person.given_name}+{person.family_name}",
        "person page": f"/people/{person.pk}/",
        "case summary": f"/cases/{case.pk}/",
        "case chronology": f"/cases/{case.pk}/chronology/",
        "case actions": f"/cases/{case.pk}/actions/",
        "case support": f"/cases/{case.pk}/support/",
    }
    client = signed_in(user)
    results: dict[str, Any] = {}
    for name, url in pages.items():
        _, _, count, statements = slowest(client, url, args.requests)
        every = explained(statements)
        planning = round(sum(p for _, _, p, _ in every), 2)
        execution_all = round(sum(e for _, _, _, e in every), 2)
        # The slowest in the database's own terms (execution), not the round trip, which on a shared
        # machine is mostly waiting for a core.
        sql, plan, _, _ = max(every, key=lambda answer: answer[3])
        ms = round(statistics.median(slowest_times(client, url, sql, args.requests)), 2)
        execution = next((line for line in plan if line.startswith("Execution Time")), "")
        results[name] = {
            "queries": count,
            "slowest_ms": ms,
            "sql": sql,
            "plan": plan,
            "nodes": nodes(plan),
            "execution": execution,
            "planning": next((line for line in plan if line.startswith("Planning Time")), ""),
            "all_statements_planning_ms": planning,
            "all_statements_execution_ms": execution_all,
            "worth_an_index": worth_an_index(plan),
        }
        print(
            f"{name:<16} {count} queries (planning {planning} ms, execution {execution_all} ms), slowest {ms} ms "
            f"({results[name]['planning']}, {execution}): {'; '.join(nodes(plan))}",
            flush=True,
        )
    meta = {
        "people": Person.objects.count(),
        "case_entries": case.actions.count() + case.support_records.count() + case.events.count(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "requests_per_page": args.requests,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "explain_pages.json").write_text(json.dumps({**meta, "pages": results}, indent=2) + "\n")
    lines = [
        "# Each page's slowest query, explained (bench/explain_pages.py)",
        "",
        f"PostgreSQL, {meta['people']:,} people, a case with {meta['case_entries']} entries; each page asked "
        f"{args.requests} times as cse.rotherham; every statement of the page run again under "
        "`EXPLAIN (ANALYZE, BUFFERS)`, and the one with the longest execution is the page's slowest. "
        f"Load average {meta['load_average_1_5_15']}.",
        "",
        "| page | queries | all statements: planning ms | all statements: execution ms | slowest (ms, median, "
        "round trip) | its planning | its execution | scans and sorts in its plan |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['queries']} | {r['all_statements_planning_ms']} | {r['all_statements_execution_ms']} | "
            f"{r['slowest_ms']} | {r['planning'].replace('Planning Time: ', '')} | "
            f"{r['execution'].replace('Execution Time: ', '')} | {'; '.join(r['nodes'])} |"
        )
    flagged = {name: r["worth_an_index"] for name, r in results.items() if r["worth_an_index"]}
    lines += [
        "",
        (
            "Plans with a sequential scan of "
            f"{BIG_SCAN_ROWS:,} rows or more, or a sort of {BIG_SORT_ROWS:,} or more: "
            + "; ".join(f"{name}: {', '.join(found)}" for name, found in flagged.items())
            if flagged
            else f"No page's slowest statement scans {BIG_SCAN_ROWS:,} rows or more sequentially or sorts "
            f"{BIG_SORT_ROWS:,} or more: no index is added for them."
        ),
    ]
    for name, r in results.items():
        lines += ["", f"## {name}", "", "```sql", r["sql"], "```", "", "```", *r["plan"], "```"]
    (RESULTS / "explain_pages.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
