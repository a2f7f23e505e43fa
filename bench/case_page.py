"""Benchmark: the case page and its chronology for a case with 500 entries, beside a 1M-person world.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/case_page.py [--database-url URL] [--runs 200]

PostgreSQL by default (database tessera_cases_bench_world, created if missing). The world is the
people app's synthetic world (``tessera.synth.world.generate_world``: households, agencies' source
records, links, search keys) at a million people, loaded once and reused by later runs. With
``--minimal-people`` the script instead bulk-inserts bare Person rows with one SQL statement per batch
(what it did before the world generator reached main), which loads in seconds rather than minutes.

Each page is requested through the whole middleware stack (session, second factor, CSP, the access
policy and the access-log write every view makes) as cse.rotherham, and timed end to end. Query counts
are taken for a case with 50 entries and one with 500: they must be equal.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tessera_cases_bench_world"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
parser.add_argument("--runs", type=int, default=200)
parser.add_argument("--people", type=int, default=1_000_000)
parser.add_argument("--entries", type=int, default=500)
parser.add_argument("--minimal-people", action="store_true", help="bare Person rows instead of the world")
args = parser.parse_args()

os.environ["DATABASE_URL"] = args.database_url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("TESSERA_ALLOWED_HOSTS", "localhost")


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


ensure_database(args.database_url)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tessera.accounts.models import User  # noqa: E402
from tessera.cases.models import Case  # noqa: E402
from tessera.core.models import District  # noqa: E402
from tessera.core.reference_data import seed_reference_data  # noqa: E402
from tessera.people.models import Person  # noqa: E402
from tessera.synth.cast import seed_cast  # noqa: E402
from tests.cases.entries import ACTION, NOTE, REFERRAL, SUPPORT, CasePeople, add_case_entries  # noqa: E402
from tests.cases.world import rotherham_case_world  # noqa: E402
from tests.conftest import make_person, verified_client  # noqa: E402

BATCH = 200_000


def fill_people(target: int) -> float:
    """Bulk-insert minimal people (one entity row each) until there are ``target``. Returns seconds."""
    started = time.perf_counter()
    have = Person.objects.count()
    districts = list(District.objects.order_by("pk").values_list("pk", flat=True))
    while have < target:
        n = min(BATCH, target - have)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                WITH entities AS (
                    INSERT INTO people_poleentity (kind) SELECT 'person' FROM generate_series(1, %s) RETURNING id
                )
                INSERT INTO people_person
                    (entity_id, given_name, family_name, date_of_birth, sex, district_id, version,
                     created_at, updated_at)
                SELECT id, 'Given' || (id %% 997), 'Family' || (id %% 1999), DATE '1990-01-01' + (id %% 12000)::int,
                       CASE WHEN id %% 3 = 0 THEN 'male' ELSE 'female' END,
                       (%s::bigint[])[1 + (id %% %s)], 1, now(), now()
                FROM entities
                """,
                [n, districts, len(districts)],
            )
        have += n
        print(f"  people: {have:,}", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person; ANALYZE people_poleentity")
    return time.perf_counter() - started


def load_world(target: int) -> float:
    """Load the people app's synthetic world of ``target`` people into an empty database. Returns seconds."""
    from tessera.synth.world import generate_world

    if Person.objects.count() >= target:
        return 0.0
    summary = generate_world(people=target, seed=2013)
    print(f"  world: {summary.people:,} people in {summary.seconds:.0f} s", flush=True)
    return summary.seconds


def grow_chronology(case: Case, users: dict[str, User], entries: int) -> int:
    """Add actions, support, case steps and referrals about the child until the chronology has ``entries``."""
    from tessera.cases.chronology import build_chronology

    people = CasePeople(
        lead=users["cse.rotherham"],
        worker=users["youthworker.rotherham"],
        referrer=users["officer.rotherham"],
    )
    have = len(build_chronology(users["cse.rotherham"], case))
    add_case_entries(case, people, entries - have, kinds=(ACTION, SUPPORT, NOTE, REFERRAL))
    return len(build_chronology(users["cse.rotherham"], case))


def signed_in(user: User) -> Client:
    return verified_client(user, SERVER_NAME="localhost")


def measure(client: Client, url: str, runs: int) -> dict[str, float]:
    for _ in range(10):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
    }


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def main() -> None:
    call_command("migrate", verbosity=0)
    seed_reference_data()
    if not User.objects.filter(username="cse.rotherham").exists():  # the cast, before the world
        seed_cast(password="bench-only-password-not-secret")  # noqa: S106
    users = {user.username: user for user in User.objects.select_related("agency")}
    print(f"Filling the world to {args.people:,} people (reused if already there)...", flush=True)
    if args.minimal_people:
        fill_seconds = fill_people(args.people)
        world_kind = "bare Person rows"
    else:
        fill_seconds = load_world(args.people)
        world_kind = "the synthetic world (tessera.synth.world)"
    people = Person.objects.count()

    cases = {}
    for size in (50, args.entries):
        reference_child = make_person("rotherham", given="Bench", family=f"Child{size}")
        world = rotherham_case_world(users, child=reference_child)
        cases[size] = (world.case, grow_chronology(world.case, users, size))
    client = signed_in(users["cse.rotherham"])
    small_case, small_entries = cases[50]
    big_case, big_entries = cases[args.entries]
    pages = {"summary": "", "chronology": "chronology/", "actions": "actions/", "support": "support/"}
    results = {}
    for name, suffix in pages.items():
        few = queries(client, f"/cases/{small_case.pk}/{suffix}")
        many = queries(client, f"/cases/{big_case.pk}/{suffix}")
        timing = measure(client, f"/cases/{big_case.pk}/{suffix}", args.runs)
        results[name] = {**timing, "queries_50_entries": few, f"queries_{args.entries}_entries": many}
        print(
            f"  {name:<11} p50 {timing['p50_ms']:>6} ms  p95 {timing['p95_ms']:>6} ms  queries {few} / {many}"
        )
    load = os.getloadavg()
    summary = {
        "database": connection.vendor,
        "people": people,
        "world": world_kind,
        "people_fill_seconds": round(fill_seconds, 1),
        "chronology_entries": big_entries,
        "small_case_entries": small_entries,
        "runs": args.runs,
        "load_average_1_5_15": [round(x, 2) for x in load],
        "pages": results,
        "p95_target_ms": 150,
        "passes": all(r["p95_ms"] <= 150 for r in results.values())
        and all(r["queries_50_entries"] == r[f"queries_{args.entries}_entries"] for r in results.values()),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "case_page.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "# Case page benchmark",
        "",
        f"{connection.vendor}, {people:,} people ({world_kind}), a case with {big_entries} chronology entries "
        f"(and one with {small_entries} for the query count), {args.runs} timed requests per page as "
        f"cse.rotherham through the full middleware. Load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}.",
        "",
        f"| page | p50 ms | p95 ms | max ms | queries ({small_entries} entries) | queries ({big_entries} entries) |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | {r['queries_50_entries']} | "
            f"{r[f'queries_{args.entries}_entries']} |"
        )
    lines += [
        "",
        f"Target: p95 ≤ 150 ms and equal query counts. {'Met.' if summary['passes'] else 'NOT MET.'}",
    ]
    (out / "case_page.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
