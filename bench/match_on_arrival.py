"""Matching on arrival at scale (issue 12 item 5): each new identity matched at once, on PostgreSQL.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/match_on_arrival.py --people 1000000 --rows 100000

or, on a copy of a world already built (the 1M-people world the lead builds once):

    createdb -h 127.0.0.1 -U postgres -T tessera_world1m tessera_arrival_bench
    flock /tmp/tessera-bench.lock .venv/bin/python bench/match_on_arrival.py --reuse --rows 100000

Builds (or with --reuse keeps) the synthetic world in ``tessera_arrival_bench`` (``synth.world``, the
generator ``bench/people_scale.py`` uses), trains a linkage model on the first ``--train-records``
source records (ordered by id, so one person's records stay together) and makes it the active model.
Then, through the real code:

1. ``--samples`` single records, each stored by ``imports.services.take_record`` (create the person, its
   address, its match keys, then ``people.arrival.identity_arrived``) in its own transaction: the time of
   the whole row and of the matching alone (p50/p95/max; target p95 <= 50 ms for the matching);
2. a partner file of ``--rows`` rows imported by the import job (``start_import`` then the worker's
   ``run_pending``), every row matched on arrival: rows per second and total time.

Both sets of records are a mix the generator's ground truth can score: a share are new records of people
already in the world (names typed with slips and short forms, day and month swapped, an address missing
or moved), the rest new people made of other people's names, random birthdays and other addresses. A
duplicate counts as caught when its record joined one of the true person's people, or waits in the review
queue paired with one of their records; a joined record that is not the true person's is a false join.
Prints the figures and writes bench/results/match_on_arrival.json and .md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.people_scale import _configure, _percentile, _recreate  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MATCH_TARGET_MS = 50.0
HEADER = ["PersonURN", "Forename1", "Forename2", "Surname", "AKA", "DOB", "Sex", "SDE",
          "AddressLine1", "AddressLine2", "Town", "Postcode"]  # fmt: skip


def build(database: str, people: int, seed: int) -> dict[str, Any]:
    _recreate(database)
    _configure(database)
    from django.core.management import call_command

    from tessera.core.reference_data import seed_reference_data
    from tessera.synth.cast import seed_cast
    from tessera.synth.world import generate_world

    call_command("migrate", verbosity=0)
    seed_reference_data()
    seed_cast()
    summary = generate_world(people=people, seed=seed)
    return {
        "people": summary.people,
        "source_identities": summary.identities,
        "seconds": round(summary.seconds, 1),
    }


def train(records: int) -> dict[str, Any]:
    """A model trained on the first ``records`` source records, made the active one (or reused)."""
    import duckdb

    from tessera.accounts.models import User
    from tessera.linkage import engine
    from tessera.linkage.bands import Bands
    from tessera.linkage.model_spec import SPEC_VERSION
    from tessera.linkage.models import LinkageModel
    from tessera.linkage.runs import export_records

    existing = LinkageModel.objects.filter(
        is_active=True, spec_version=SPEC_VERSION, record_count=records
    ).first()
    if existing is not None:
        return {"model_version": existing.version, "trained_on": records, "reused": True}
    started = time.monotonic()
    raw, _ = export_records()
    con = duckdb.connect()
    table = engine.prepare(con, raw.slice(0, records))
    parameters = engine.train(con, table)
    con.close()
    bands = Bands()
    version = (LinkageModel.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    LinkageModel.objects.update(is_active=False)
    LinkageModel.objects.create(
        version=version, spec_version=SPEC_VERSION, trained_by=User.objects.get(username="analyst"),
        record_count=records, parameters=parameters, weights=engine.scoring_weights(parameters),
        auto_link_threshold=bands.auto_link, review_threshold=bands.review, is_active=True,
    )  # fmt: skip
    return {"model_version": version, "trained_on": records, "seconds": round(time.monotonic() - started, 1)}


@dataclass
class Row:
    values: dict[str, str]
    true_person: int | None  # the true person a duplicate is a new record of; None for a new person


def _source_rows(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """``count`` random source records with a date of birth, each with its latest address and true person."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM people_sourceidentity")
        (top,) = cursor.fetchone()
        picks = rng.sample(range(1, top + 1), k=min(top, count * 2))
        cursor.execute(
            """
            SELECT i.id, i.given_name, i.family_name, i.date_of_birth, i.sex, t.true_person_id,
                   (SELECT l.address_line_1 FROM people_identityaddress a JOIN people_location l
                    ON l.id = a.location_id WHERE a.identity_id = i.id ORDER BY a.from_date DESC NULLS LAST,
                    a.id DESC LIMIT 1),
                   (SELECT l.postcode FROM people_identityaddress a JOIN people_location l
                    ON l.id = a.location_id WHERE a.identity_id = i.id ORDER BY a.from_date DESC NULLS LAST,
                    a.id DESC LIMIT 1)
            FROM people_sourceidentity i JOIN synth_groundtruthrecord t ON t.identity_id = i.id
            WHERE i.id = ANY(%s) AND i.date_of_birth IS NOT NULL AND i.given_name <> '' AND i.family_name <> ''
            """,
            [picks],
        )
        columns = ["id", "given", "family", "born", "sex", "truth", "line", "postcode"]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    rng.shuffle(rows)
    return rows[:count]


def make_rows(rng: random.Random, count: int, duplicate_share: float, prefix: str) -> list[Row]:
    """New records: a share are new records of people in the world, with the errors agencies make."""
    from tessera.synth.errors import nickname, swap_day_and_month, typo

    sources = _source_rows(rng, count * 3)
    donors = sources[count:]
    rows = []
    for n, source in enumerate(sources[:count]):
        duplicate = rng.random() < duplicate_share
        if duplicate:
            given, family, born = source["given"], source["family"], source["born"]
            line, postcode = source["line"] or "", source["postcode"] or ""
            roll = rng.random()
            if roll < 0.30:
                family = typo(rng, family)
            elif roll < 0.40:
                given = typo(rng, given)
            elif roll < 0.50:
                given = nickname(rng, given) or given
            elif roll < 0.55:
                born = swap_day_and_month(born) or born
            if rng.random() < 0.15:
                line, postcode = "", ""
            elif rng.random() < 0.10:
                moved = rng.choice(donors)
                line, postcode = moved["line"] or "", moved["postcode"] or ""
        else:
            # A new person: a first name, a surname and an address from three other records, any birthday.
            given = rng.choice(donors)["given"]
            family = rng.choice(donors)["family"]
            born = date(1985, 1, 1) + timedelta(days=rng.randrange(365 * 39))
            home = rng.choice(donors)
            line, postcode = home["line"] or "", home["postcode"] or ""
        values = dict.fromkeys(HEADER, "") | {
            "PersonURN": f"{prefix}{n}", "Forename1": given, "Surname": family, "DOB": born.strftime("%d/%m/%Y"),
            "Sex": {"male": "M", "female": "F"}.get(source["sex"], ""), "AddressLine1": line, "Postcode": postcode,
        }  # fmt: skip
        rows.append(Row(values, source["truth"] if duplicate else None))
    return rows


@dataclass
class MatcherTimes:
    """How long the registered matchers took each time the hooks called them."""

    single: list[float]  # ms per identity matched alone (``match_on_arrival``)
    chunks: list[
        tuple[int, float]
    ]  # (identities, ms) per chunk matched together (``match_chunk_on_arrival``)

    def clear(self) -> None:
        self.single.clear()
        self.chunks.clear()


def _timed_matchers() -> MatcherTimes:
    """Time the linkage app's matchers (one identity, and an import chunk's) each time a hook calls them."""
    from tessera.people import arrival

    times = MatcherTimes([], [])
    inner, inner_chunk = arrival._matchers[0], arrival._chunk_matchers[0]

    def timed(identity: Any, actor: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(identity, actor)
        finally:
            times.single.append((time.perf_counter() - started) * 1000)

    def timed_chunk(identities: Any, actor: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner_chunk(identities, actor)
        finally:
            times.chunks.append((len(identities), (time.perf_counter() - started) * 1000))

    arrival._matchers[0] = timed
    arrival._chunk_matchers[0] = timed_chunk
    return times


def _one_row_at_a_time() -> None:
    """Make the import job take every row by the one-record path (``take_record``), as before chunks."""
    from tessera.imports import services

    def each(records: Any, **where: Any) -> list[Any]:
        return [take(record, provenance, where) for record, provenance in records]

    def take(record: Any, provenance: dict[str, Any], where: dict[str, Any]) -> Any:
        return services.take_record(record, provenance=provenance, **where)[1]

    services.take_new_records = each


def measure_single(rows: list[Row], matcher_times: MatcherTimes) -> dict[str, Any]:
    """Each record stored and matched by the import's own per-row service, in its own transaction."""
    from django.db import transaction

    from tessera.accounts.models import User
    from tessera.core.models import Agency
    from tessera.imports.profiles import PROFILES
    from tessera.imports.services import take_record
    from tessera.imports.validation import validate

    profile = PROFILES["police_rms"]
    actor = User.objects.get(username="analyst")
    agency = Agency.objects.get(code="police")
    totals: list[float] = []
    matcher_times.clear()
    for row in rows:
        outcome = validate(row.values, profile, today=date.today(), seen_ids={})  # noqa: DTZ011
        assert outcome.record is not None, outcome.problems
        started = time.perf_counter()
        with transaction.atomic():
            take_record(outcome.record, agency=agency, source_system=profile.source_system, district=_district(),
                        actor=actor, provenance={"bench": "single"})  # fmt: skip
        totals.append((time.perf_counter() - started) * 1000)
    return {"records": len(rows), "row_ms": _stats(totals), "matching_ms": _stats(list(matcher_times.single))}


def _district() -> Any:
    """The district the partner file is for. A file for no district makes people in none, whom no one's
    districts cover (not even a force-wide analyst's), so none could be merged on arrival."""
    from tessera.core.models import District

    return District.objects.get(code="rotherham")


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {"p50": round(_percentile(values, 0.5), 1), "p95": round(_percentile(values, 0.95), 1),
            "max": round(max(values), 1), "mean": round(sum(values) / len(values), 1)}  # fmt: skip


def import_file(rows: list[Row], name: str) -> dict[str, Any]:
    from tessera.accounts.models import User
    from tessera.core.models import Agency
    from tessera.imports.models import ImportBatch
    from tessera.imports.services import begin_import, start_import
    from tessera.jobs.queue import run_pending

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(row.values for row in rows)
    started = time.monotonic()
    begun = start_import(
        User.objects.get(username="analyst"), profile_code="police_rms", agency=Agency.objects.get(code="police"),
        district=_district(), file_name=name, file_format="csv", content=out.getvalue().encode(),
    )  # fmt: skip
    assert begun.is_new
    # Every column of the file is one the police profile knows: nothing to map, so the import starts.
    begin_import(User.objects.get(username="analyst"), begun.batch, {})
    assert run_pending() == 1
    seconds = time.monotonic() - started
    batch = ImportBatch.objects.get(pk=begun.batch.pk)
    return {"rows": len(rows), "seconds": round(seconds, 1), "rows_per_second": round(len(rows) / seconds, 1),
            "created": batch.created_count, "quarantined": batch.quarantined_count,
            "status": batch.status}  # fmt: skip


def caught(rows: list[Row], prefix: str) -> dict[str, Any]:
    """Score what matching on arrival did with each record against the synthetic world's ground truth."""
    from tessera.linkage.models import PairStatus, ReviewPair
    from tessera.people.models import SourceIdentity
    from tessera.synth.models import GroundTruthRecord

    new = dict(
        SourceIdentity.objects.filter(source_record_id__startswith=prefix).values_list(
            "source_record_id", "pk"
        )
    )
    truths = {row.true_person for row in rows if row.true_person is not None}
    records_of: dict[int, set[int]] = {}
    for truth, identity in GroundTruthRecord.objects.filter(true_person_id__in=truths).values_list(
        "true_person_id", "identity_id"
    ):
        if identity is not None:
            records_of.setdefault(truth, set()).add(identity)
    ids = set(new.values())
    person_of = dict(SourceIdentity.objects.filter(pk__in=ids).values_list("pk", "person_id"))
    people = set(person_of.values())
    members: dict[int, set[int]] = {}
    for pk, person in SourceIdentity.objects.filter(person_id__in=people).values_list("pk", "person_id"):
        members.setdefault(person, set()).add(pk)
    waiting: dict[int, set[int]] = {}
    for left, right in (
        ReviewPair.objects.filter(status=PairStatus.WAITING)
        .filter(left_id__in=ids)
        .values_list("left_id", "right_id")
        .union(
            ReviewPair.objects.filter(status=PairStatus.WAITING, right_id__in=ids).values_list(
                "left_id", "right_id"
            )
        )
    ):
        waiting.setdefault(left, set()).add(right)
        waiting.setdefault(right, set()).add(left)
    duplicates = joined = queued = false_joins = wrong_joins = new_people_queued = 0
    for row in rows:
        identity = new.get(row.values["PersonURN"])
        if identity is None:
            continue
        others = members[person_of[identity]] - {identity}
        if row.true_person is None:
            false_joins += bool(others)
            new_people_queued += bool(waiting.get(identity))
            continue
        duplicates += 1
        theirs = records_of.get(row.true_person, set())
        if others and others <= theirs | ids:
            joined += 1
        elif others:
            wrong_joins += 1
        elif waiting.get(identity, set()) & theirs:
            queued += 1
    return {
        "true_duplicates": duplicates,
        "joined_true_person": joined,
        "queued_with_true_person": queued,
        "caught_share": round((joined + queued) / duplicates, 4) if duplicates else None,
        "joined_share": round(joined / duplicates, 4) if duplicates else None,
        "joined_wrong_person": wrong_joins,
        "new_people": len(rows) - sum(r.true_person is not None for r in rows),
        "new_people_joined_someone": false_joins,
        "new_people_queued": new_people_queued,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--train-records", type=int, default=200_000)
    parser.add_argument("--duplicate-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--database", default="tessera_arrival_bench")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded world")
    parser.add_argument(
        "--out", default="match_on_arrival", help="name of the results files in bench/results"
    )
    parser.add_argument("--chunk-rows", type=int, default=0, help="rows per chunk of the import job")
    parser.add_argument(
        "--per-row", action="store_true", help="import one row at a time (the path before chunks), to compare"
    )
    args = parser.parse_args()
    world: dict[str, Any] = {"reused": True}
    if not args.reuse:
        world = build(args.database, args.people, args.seed)
    else:
        _configure(args.database)
    from django.core.management import call_command
    from django.db import connection

    from tessera.people.models import Person, SourceIdentity

    call_command("migrate", verbosity=0)
    if args.reuse:
        # A copy of a world built elsewhere (``createdb -T tessera_world1m``) has no cast: the bench's
        # importer and the model's trainer are cast members. seed_cast is idempotent.
        from tessera.synth.cast import seed_cast

        seed_cast()
    run = f"B{int(time.time())}-"
    rng = random.Random(args.seed + int(time.time()))
    model = train(args.train_records)
    print(f"Model: {model}", flush=True)
    matcher_times = _timed_matchers()
    if args.per_row:
        _one_row_at_a_time()
    from tessera.imports import jobs as import_jobs

    if args.chunk_rows:
        import_jobs.CHUNK_ROWS = args.chunk_rows
    chunk_rows = import_jobs.CHUNK_ROWS
    people_before = Person.objects.count()
    single = measure_single(make_rows(rng, args.samples, args.duplicate_share, run + "S"), matcher_times)
    print(f"Single records: {single}", flush=True)
    rows = make_rows(rng, args.rows, args.duplicate_share, run + "F")
    matcher_times.clear()
    imported = import_file(rows, f"{run}bench.csv")
    imported["matching_ms"] = _stats(list(matcher_times.single))
    chunked = sum(count for count, _ in matcher_times.chunks)
    imported["chunks"] = {
        "chunks": len(matcher_times.chunks),
        "identities": chunked,
        "chunk_ms": _stats([ms for _, ms in matcher_times.chunks]),
        "matching_ms_per_identity": round(sum(ms for _, ms in matcher_times.chunks) / chunked, 2)
        if chunked
        else None,
    }
    imported["truth"] = caught(rows, run + "F")
    print(f"Import: {imported}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
        size, version = cursor.fetchone()
    results = {
        "person_records_before": people_before,
        "source_identities_after": SourceIdentity.objects.count(),
        "world": world,
        "model": model,
        "single_records": single,
        "import": imported,
        "target_matching_p95_ms": MATCH_TARGET_MS,
        "path": "one row at a time" if args.per_row else f"chunks of up to {chunk_rows} rows",
        "database_size": size,
        "postgresql": version.split(",")[0],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_end": Path("/proc/loadavg").read_text().split()[:3],
        "arguments": vars(args),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (RESULTS / f"{args.out}.md").write_text(_markdown(results))
    print(_markdown(results))


def _markdown(r: dict[str, Any]) -> str:
    single, imported, truth = r["single_records"], r["import"], r["import"]["truth"]
    s_row, s_match, i_match = single["row_ms"], single["matching_ms"], imported["matching_ms"]
    chunks = imported.get("chunks") or {}
    target = r["target_matching_p95_ms"]
    lines = [
        "# Matching on arrival",
        "",
        f"{r['person_records_before']:,} person records before ({r['postgresql']}, {r['database_size']}), "
        f"{r['machine']}; load average at the end {' '.join(r['load_average_at_end'])}. Model v"
        f"{r['model']['model_version']}, trained on the first {r['model']['trained_on']:,} source records. "
        f"Import path: {r.get('path', 'one row at a time')}.",
        "",
        "| what | records | p50 ms | p95 ms | max ms | target p95 |",
        "|---|---|---|---|---|---|",
        f"| matching alone, one record at a time | {single['records']} | {s_match['p50']} | {s_match['p95']} | "
        f"{s_match['max']} | {target} |",
        f"| whole row (person, address, keys, matching), one at a time | {single['records']} | {s_row['p50']} | "
        f"{s_row['p95']} | {s_row['max']} | – |",
    ]
    if i_match:
        lines.append(
            f"| matching alone, during the import (one at a time) | {imported['rows']} | {i_match['p50']} | "
            f"{i_match['p95']} | {i_match['max']} | {target} |"
        )
    if chunks.get("chunks"):
        c = chunks["chunk_ms"]
        lines.append(
            f"| matching a whole chunk, during the import | {chunks['chunks']} chunks, {chunks['identities']:,} "
            f"records | {c['p50']} | {c['p95']} | {c['max']} | – |"
        )
        lines += [
            "",
            f"Matching during the import, chunks together: {chunks['matching_ms_per_identity']} ms per record.",
        ]
    rate = imported["rows_per_second"]
    lines += [
        "",
        f"Import of {imported['rows']:,} rows by the import job, each matched on arrival: {imported['seconds']} s, "
        f"{rate} rows/s ({imported['created']:,} created, {imported['quarantined']} quarantined); "
        f"100,000 rows at this rate: {100_000 / rate / 60:.1f} min (aim: 5 min, {'met' if rate >= 100_000 / 300 else 'NOT MET'}).",
        "",
        f"Of the file's {truth['true_duplicates']:,} true duplicates (new records of people already in the world), "
        f"{truth['joined_true_person']:,} joined the true person and {truth['queued_with_true_person']:,} wait in "
        f"the review queue beside one of their records: caught {truth['caught_share']:.1%} "
        f"(joined {truth['joined_share']:.1%}). Joined to someone else: {truth['joined_wrong_person']}. Of "
        f"{truth['new_people']:,} new people, {truth['new_people_joined_someone']} joined someone and "
        f"{truth['new_people_queued']} were queued.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
