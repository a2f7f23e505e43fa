"""Benchmark: audited reads while a long write transaction that wrote an audit row is open, before and after.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/audit_append.py [--before main] [--after HEAD]

Issue 17, Found 12: ``record_access`` used to lock one chain-head row until the surrounding transaction
committed, so an import chunk or a linkage run held every audited act in the service. This script checks
out two commits (``git archive`` into a temporary directory), migrates a fresh PostgreSQL database for
each, and runs the same workload against each, back to back: a writer opens a transaction, writes an
audit row (as an import chunk does) and keeps the transaction open for ``--hold`` seconds, three times
over, while ``--readers`` threads each loop over an audited read (read a person, write the VIEW row, in
one transaction, as an open-and-log selector does). On the newer commit the background sealer also runs
every second, as the worker's does. It prints reads per second and latency percentiles for each commit
and their ratio, and writes ``bench/results/audit_append.{md,json}``.

Both runs use this checkout's virtualenv; only the ``tessera`` package differs (PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_KEY = "bench-only-audit-key-" + "0" * 32


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_workload(readers: int, hold: float, cycles: int) -> dict[str, Any]:
    """Inside one checkout (DJANGO_SETTINGS_MODULE and DATABASE_URL set): seed, then measure."""
    import django

    django.setup()
    import importlib.util

    from django.db import connection, transaction

    import tessera
    from tessera.accounts.models import User
    from tessera.audit.log import record_access
    from tessera.audit.models import AccessLog, AuditAction
    from tessera.core.models import District
    from tessera.core.reference_data import seed_reference_data
    from tessera.people.models import EntityKind, Person, PoleEntity, Sex
    from tessera.synth.cast import seed_cast

    seed_reference_data()
    if not User.objects.exists():
        seed_cast(password="bench-password-not-for-use-1")  # noqa: S106
    district = District.objects.get(code="rotherham")
    people = [
        Person.objects.create(
            entity=PoleEntity.objects.create(kind=EntityKind.PERSON),
            given_name=f"Bench{i}",
            family_name="Reader",
            sex=Sex.FEMALE,
            district=district,
        ).pk
        for i in range(50)
    ]
    importer = User.objects.get(username="cse.rotherham")
    reader_users = list(User.objects.filter(username__in=["officer.rotherham", "supervisor.rotherham"]))
    sealing = importlib.util.find_spec("tessera.audit.sealer") is not None

    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def reader(n: int) -> None:
        user = reader_users[n % len(reader_users)]
        i = n
        try:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        person = Person.objects.get(pk=people[i % len(people)])
                        record_access(actor=user, action=AuditAction.VIEW, target=person)
                except Exception as error:  # counted and reported, the run goes on
                    with lock:
                        errors.append(type(error).__name__)
                    continue
                with lock:
                    latencies.append(time.perf_counter() - started)
                i += readers
        finally:
            connection.close()

    def writer() -> None:
        try:
            for cycle in range(cycles):
                with transaction.atomic():
                    record_access(
                        actor=importer,
                        action=AuditAction.IMPORT,
                        target_type="imports.batch",
                        target_id=cycle,
                    )
                    time.sleep(hold)  # the rest of a long import chunk or linkage run
                time.sleep(0.2)
        finally:
            connection.close()

    def sealer() -> None:
        from tessera.audit.sealer import seal_pending

        try:
            while not stop.wait(1.0):
                seal_pending()
        finally:
            connection.close()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
    extra = [threading.Thread(target=sealer)] if sealing else []
    started = time.perf_counter()
    write = threading.Thread(target=writer)
    write.start()
    time.sleep(0.1)  # the writer's row is written and its transaction open before the readers start
    for thread in threads + extra:
        thread.start()
    write.join()
    stop.set()
    for thread in threads + extra:
        thread.join()
    elapsed = time.perf_counter() - started
    logged = AccessLog.objects.filter(action=AuditAction.VIEW)
    return {
        "tessera": str(Path(tessera.__file__).parent),
        "sealer_running": sealing,
        "seconds": round(elapsed, 2),
        "reads": len(latencies),
        "reads_logged": logged.count(),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "reads_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
    }


def _git(*args: str) -> str:
    command = ["git", *args]
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()  # noqa: S603


def _recreate(server: str, name: str, *, create: bool = True) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def measure_commit(commit: str, label: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    tree = workdir / label
    tree.mkdir()
    # Fixed programs and arguments; the commit is the operator's own choice.
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout  # noqa: S603, S607
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)  # noqa: S603, S607
    database = f"tessera_audit_append_bench_{label}"
    _recreate(args.server, database)
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"{args.server}/{database}",
        "TESSERA_AUDIT_KEY": BENCH_KEY,
        "TESSERA_AUDIT_CHECKPOINT_FILE": str(workdir / f"{label}-checkpoints.jsonl"),
        "TESSERA_VAR_DIR": str(workdir / f"{label}-var"),
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"], cwd=tree, env=env, check=True
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--run",
            f"--readers={args.readers}",
            f"--hold={args.hold}",
            f"--cycles={args.cycles}",
        ],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    if not figures["tessera"].startswith(str(tree)):
        raise SystemExit(f"the {label} run imported tessera from {figures['tessera']}, not {tree}")
    figures["commit"] = _git("rev-parse", "--short", commit)
    _recreate(args.server, database, create=False)
    return figures


def _report(before: dict[str, Any], after: dict[str, Any], args: argparse.Namespace) -> str:
    throughput = (
        after["reads_per_second"] / before["reads_per_second"] if before["reads_per_second"] else float("inf")
    )
    p95 = before["p95_ms"] / after["p95_ms"] if after["p95_ms"] else float("inf")
    rows = [
        ("commit", "commit"),
        ("audited reads per second", "reads_per_second"),
        ("reads completed", "reads"),
        ("p50 ms", "p50_ms"),
        ("p95 ms", "p95_ms"),
        ("p99 ms", "p99_ms"),
        ("max ms", "max_ms"),
        ("errors", "errors"),
        ("sealer running alongside", "sealer_running"),
    ]
    lines = [
        "# Audited reads while a long write transaction holds an audit row (issue 17, Found 12)",
        "",
        f"`flock /tmp/tessera-bench.lock .venv/bin/python bench/audit_append.py --before {args.before} "
        f"--after {args.after}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, PostgreSQL, "
        f"{args.readers} reader threads, a writer holding its transaction open for {args.hold} s "
        f"{args.cycles} times (0.2 s apart), both commits measured back to back in one sitting on "
        f"{platform.node()} ({os.cpu_count()} cores, shared with the rest of the team's work: compare the "
        "ratio, not the absolute figures).",
        "",
        "| | before | after |",
        "|---|---|---|",
        *[f"| {name} | {before[key]} | {after[key]} |" for name, key in rows],
        "",
        f"**Ratio (after / before): audited reads per second x{throughput:.1f}; p95 latency "
        f"{p95:.1f} times shorter.**",
        "",
        "Before, every reader waited on the chain-head row lock until the writer committed, so reads came "
        "out in bursts between the writer's transactions; after, an append is a plain INSERT and readers "
        "never wait for the writer (the sealer chains their rows afterwards).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="main", help="the commit before (default: main)")
    parser.add_argument("--after", default="HEAD", help="the commit after (default: HEAD)")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server URL, without a database")
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument(
        "--hold", type=float, default=3.0, help="seconds the writer keeps its transaction open"
    )
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_workload(args.readers, args.hold, args.cycles)))
        return
    with tempfile.TemporaryDirectory(prefix="tessera-audit-bench-") as tmp:
        workdir = Path(tmp)
        before = measure_commit(args.before, "before", args, workdir)
        after = measure_commit(args.after, "after", args, workdir)
    report = _report(before, after, args)
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "audit_append.md").write_text(report)
    (results / "audit_append.json").write_text(
        json.dumps({"before": before, "after": after, "settings": vars(args)}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
