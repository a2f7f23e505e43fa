"""People at scale: load the synthetic world into PostgreSQL, then time person search and person pages.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/people_scale.py --people 1000000

Creates (or, with --reuse, keeps) the database ``tessera_people_bench`` on the local PostgreSQL server,
loads the world with ``generate_world``, and requests real pages through Django's test client as a
signed-in, force-wide intelligence analyst (the widest scope, so the most candidates survive the access
filter). Each request includes the access-log write. Prints the figures and writes
bench/results/people_scale.json and .md. Targets: search p95 <= 100 ms, person page p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEARCH_TARGET_MS = 100.0
PAGE_TARGET_MS = 150.0


def _configure(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()


def _recreate(database: str) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", f"CREATE DATABASE {database}"):
        subprocess.run(  # noqa: S603 - fixed arguments
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql],  # noqa: S607 - the PostgreSQL client
            check=True,
        )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _summary(times: list[float], queries: list[int], found: list[bool] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "requests": len(times),
        "p50_ms": round(_percentile(times, 0.5), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "mean_ms": round(statistics.fmean(times), 1),
        "queries_min": min(queries),
        "queries_max": max(queries),
    }
    if found is not None:
        result["found_expected_person"] = f"{sum(found)}/{len(found)}"
    return result


def _client(username: str) -> Any:
    from tessera.accounts.models import User
    from tests.conftest import verified_client

    return verified_client(User.objects.get(username=username))


def _timed(client: Any, path: str, params: dict[str, str] | None = None) -> tuple[float, int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log keeps 9,000 queries; a full log would count as zero new ones
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path, params or {})
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, params, response.status_code)
    return elapsed, len(captured.captured_queries), response.content.decode()


def _search_cases(rng: random.Random, samples: int) -> dict[str, list[tuple[str, set[int]]]]:
    """Queries a practitioner would type, each with the people who should be among the results."""
    from tessera.people.models import Link, OnlineAccount, Person, Phone, SourceIdentity, Vehicle
    from tessera.synth.errors import typo

    highest = SourceIdentity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = rng.sample(range(1, highest + 1), k=min(highest, samples * 3))
    rows = SourceIdentity.objects.filter(pk__in=picks, date_of_birth__isnull=False).values_list(
        "person_id", "given_name", "family_name", "date_of_birth"
    )[:samples]
    name_dob = [
        (f"{given} {typo(rng, family)} {born:%d/%m/%Y}", {person}) for person, given, family, born in rows
    ]

    def linked(entity_ids: list[int]) -> dict[int, set[int]]:
        people: dict[int, set[int]] = {}
        entity_to_person = {}
        links = list(Link.objects.filter(target_id__in=entity_ids).values_list("target_id", "source_id"))
        sources = {s for _, s in links}
        for entity_id, pk in Person.objects.filter(entity_id__in=sources).values_list("entity_id", "pk"):
            entity_to_person[entity_id] = pk
        for target, source in links:
            if source in entity_to_person:
                people.setdefault(target, set()).add(entity_to_person[source])
        return people

    def things(model: Any, field: str, shown: Any) -> list[tuple[str, set[int]]]:
        """Things someone is linked to (a search for an unlinked thing rightly finds no one)."""
        objects = list(
            model.objects.filter(entity__links_in__isnull=False).distinct().values_list("entity_id", field)
        )
        objects = rng.sample(objects, k=min(samples, len(objects)))
        people = linked([e for e, _ in objects])
        return [(shown(value), people[entity_id]) for entity_id, value in objects if entity_id in people]

    return {
        "name_and_date_of_birth": name_dob,
        "registration": things(Vehicle, "registration", lambda r: f"{r[:4].lower()} {r[4:].lower()}"),
        "phone": things(Phone, "number", lambda n: f"0{n[3:7]} {n[7:]}"),
        "handle": things(OnlineAccount, "handle", lambda h: f"@{h.upper()}"),
    }


def _found(page: str, expected: set[int]) -> bool:
    return any(f'href="/people/{pk}/"' in page for pk in expected)


def measure_search(client: Any, cases: dict[str, list[tuple[str, set[int]]]]) -> dict[str, Any]:
    results = {}
    for kind, queries in cases.items():
        for text, _ in queries[:10]:
            _timed(client, "/people/search/", {"q": text})  # warm caches and plans
        times, counts, found = [], [], []
        for text, expected in queries:
            elapsed, count, page = _timed(client, "/people/search/", {"q": text})
            times.append(elapsed)
            counts.append(count)
            found.append(_found(page, expected))
        results[kind] = _summary(times, counts, found)
    return results


def measure_person_pages(client: Any, samples: int) -> dict[str, Any]:
    from django.db.models import Count

    from tessera.people.models import Link, Person

    linked_entities = list(Link.objects.order_by("?").values_list("source_id", flat=True)[:samples])
    ids = list(Person.objects.filter(entity_id__in=linked_entities).values_list("pk", flat=True))
    # The people with the most links, counting both ends.
    link_counts: Counter[int] = Counter()
    for field in ("source_id", "target_id"):
        rows = (
            Link.objects.filter(**{f"{field[:-3]}__kind": "person"})
            .values(field)
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list(field, "n")[:50]
        )
        for entity_id, n in rows:
            link_counts[entity_id] += n
    busiest = link_counts.most_common(20)
    busy_people = list(
        Person.objects.filter(entity_id__in=[e for e, _ in busiest]).values_list("pk", flat=True)
    )
    for pk in ids[:10]:
        _timed(client, f"/people/{pk}/")
    times, counts = [], []
    for pk in ids:
        elapsed, count, _ = _timed(client, f"/people/{pk}/")
        times.append(elapsed)
        counts.append(count)
    busy_times, busy_counts = [], []
    for pk in busy_people:
        elapsed, count, _ = _timed(client, f"/people/{pk}/")
        busy_times.append(elapsed)
        busy_counts.append(count)
    result = {"random_linked_people": _summary(times, counts)}
    if busy_times:
        most = max(n for _, n in busiest)
        result["most_linked_people"] = {**_summary(busy_times, busy_counts), "links_on_busiest_page": most}
    return result


def measure_search_before_create(client: Any, rng: random.Random, samples: int) -> dict[str, Any]:
    """The candidates fragment a person-entry form loads, typed as a new record of a known person: first
    name, surname and date of birth as one agency holds them."""
    from tessera.people.models import SourceIdentity

    top = SourceIdentity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    typed: list[tuple[dict[str, str], int]] = []
    while len(typed) < samples:
        found = (
            SourceIdentity.objects.filter(pk__gte=rng.randint(1, top), date_of_birth__isnull=False)
            .exclude(given_name="")
            .order_by("pk")
            .values_list("given_name", "family_name", "date_of_birth", "person_id")
            .first()
        )
        if found is None:
            continue
        given, family, born, person_id = found
        if born is None:
            continue
        query = {
            "given_name": given,
            "family_name": family,
            "date_of_birth_day": str(born.day),
            "date_of_birth_month": str(born.month),
            "date_of_birth_year": str(born.year),
        }
        typed.append((query, person_id))
    for query, _ in typed[:10]:
        _timed(client, "/linkage/candidates/", query)
    times, counts, found_expected = [], [], []
    for query, person_id in typed:
        elapsed, count, page = _timed(client, "/linkage/candidates/", query)
        times.append(elapsed)
        counts.append(count)
        found_expected.append(_found(page, {person_id}))
    return _summary(times, counts, found_expected)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database", default="tessera_people_bench")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    args = parser.parse_args()
    if not args.reuse:
        _recreate(args.database)
    _configure(args.database)
    from django.core.management import call_command
    from django.db import connection

    from tessera.core.reference_data import seed_reference_data
    from tessera.people.models import Person
    from tessera.synth.cast import seed_cast
    from tessera.synth.world import generate_world

    load: dict[str, Any] = {}
    previous = RESULTS / "people_scale.json"
    if args.reuse and previous.exists():
        # Keep the figures of the run that loaded this database.
        # Only when they describe this kind of run (an older file named its index "search_keys"); otherwise
        # the results say the database was reused rather than stopping on a missing figure.
        earlier = json.loads(previous.read_text()).get("load")
        wanted = {"people", "source_identities", "links", "match_keys", "seconds", "peak_memory_mb"}
        load = earlier if isinstance(earlier, dict) and wanted <= earlier.keys() else {}
    if not args.reuse:
        call_command("migrate", verbosity=0)
        seed_reference_data()
        seed_cast()
        summary = generate_world(people=args.people, seed=args.seed)
        load = {
            "seconds": round(summary.seconds, 1),
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "people": summary.people,
            "person_records": summary.persons,
            "source_identities": summary.identities,
            "locations": summary.locations,
            "vehicles": summary.vehicles,
            "phones": summary.phones,
            "online_accounts": summary.online_accounts,
            "links": summary.links,
            "match_keys": summary.match_keys,
            "exploited_children_by_district": summary.exploited_children,
        }
        print(f"Loaded {summary.people:,} people in {summary.seconds:.1f} s", flush=True)
    rng = random.Random(args.seed)
    client = _client("analyst")
    search = measure_search(client, _search_cases(rng, args.samples))
    pages = measure_person_pages(client, args.samples)
    before_create = measure_search_before_create(client, rng, args.samples)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
        size, version = cursor.fetchone()
    results = {
        "people_in_database": Person.objects.count(),
        "load": load or "reused an already loaded database",
        "search": search,
        "person_page": pages,
        "search_before_create": before_create,
        "targets": {"search_p95_ms": SEARCH_TARGET_MS, "person_page_p95_ms": PAGE_TARGET_MS},
        "database_size": size,
        "postgresql": version.split(",")[0],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_end": Path("/proc/loadavg").read_text().split()[:3],
        "measured_as": "analyst (force-wide scope), Django test client, access-log row written per request",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "people_scale.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "people_scale.md").write_text(_markdown(results))
    print(_markdown(results))


def _markdown(results: dict[str, Any]) -> str:
    lines = [
        "# People at scale",
        "",
        f"{results['people_in_database']:,} person records on {results['postgresql']} ({results['database_size']}),"
        f" {results['machine']}; load average at the end {' '.join(results['load_average_at_end'])}.",
        f"Measured as {results['measured_as']}.",
        "",
    ]
    load = results["load"]
    if isinstance(load, dict):
        lines += [
            f"Load: {load['people']:,} people ({load['source_identities']:,} source records, {load['links']:,} links,"
            f" {load['match_keys']:,} match keys) in {load['seconds']} s; peak memory of the loading process"
            f" {load['peak_memory_mb']} MB.",
            "",
        ]
    lines += [
        "| what | requests | p50 ms | p95 ms | max ms | queries | found expected | target p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, figures in results["search"].items():
        lines.append(
            f"| search: {kind.replace('_', ' ')} | {figures['requests']} | {figures['p50_ms']} | {figures['p95_ms']} |"
            f" {figures['max_ms']} | {figures['queries_min']}–{figures['queries_max']} |"
            f" {figures['found_expected_person']} | {SEARCH_TARGET_MS:.0f} |"
        )
    for kind, figures in results["person_page"].items():
        extra = (
            f" (up to {figures['links_on_busiest_page']} links)" if "links_on_busiest_page" in figures else ""
        )
        lines.append(
            f"| person page: {kind.replace('_', ' ')}{extra} | {figures['requests']} | {figures['p50_ms']} |"
            f" {figures['p95_ms']} | {figures['max_ms']} | {figures['queries_min']}–{figures['queries_max']} | – |"
            f" {PAGE_TARGET_MS:.0f} |"
        )
    before = results.get("search_before_create")
    if before:
        lines.append(
            f"| search before create (name + date of birth) | {before['requests']} | {before['p50_ms']} |"
            f" {before['p95_ms']} | {before['max_ms']} | {before['queries_min']}–{before['queries_max']} |"
            f" {before['found_expected_person']} | {SEARCH_TARGET_MS:.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
