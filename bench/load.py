"""Load: hundreds of people using Tessera at once, on gunicorn, while imports and linkage run.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/load.py --database postgres --people 1000000
    flock /tmp/tessera-bench.lock .venv/bin/python bench/load.py --database sqlite --people 20000

Prepares a database (PostgreSQL ``tessera_hardening_load`` or SQLite under var/bench/), with the synthetic
world, the demo cast and synthetic case work; starts gunicorn (``gunicorn.conf.py``) and a background
worker with the production settings (DEBUG off); and runs the Locust scenario in bench/locustfile.py
(case workers searching, opening person and case pages and the triage queue; reporters sending concerns)
in phases:

- ``idle``: nothing else running;
- ``import``: a 5,000-row partner file being imported by the worker the whole time;
- ``import+linkage`` (PostgreSQL): the import and a record-linkage run together.

Each phase prints and records p50, p95 and p99 of every request, requests per second and errors (any
status of 400 or more, a redirect to sign-in, a concern form that came back). Results go to
bench/results/load.json and load.md, keyed by database, with the commit measured. Aims (issue 17):
PostgreSQL p95 <= 500 ms and 0 errors at 300 users; SQLite 0 errors with an import running; PostgreSQL
page p95 with an import and a linkage run within 1.5 x the idle p95.

Traffic goes only to 127.0.0.1, and every phase ends after ``--seconds``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
SECRET = "load-bench-only-secret-key-not-for-any-real-installation-0123456789"  # noqa: S105
AUDIT_KEY = "load-bench-only-audit-key-not-for-any-real-installation-0123456789"
PORT = 8105
PG_DATABASE = "tessera_hardening_load"
IMPORT_ROWS = 5000


def server_env(database_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_") and k != "DATABASE_URL"}
    return clean | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tessera.settings",
        "TESSERA_SECRET_KEY": SECRET,
        "TESSERA_HTTPS": "false",
        "TESSERA_ALLOWED_HOSTS": "127.0.0.1",
        "TESSERA_BIND": f"127.0.0.1:{PORT}",
        "TESSERA_VAR_DIR": str(ROOT / "var" / "bench" / "load-var"),
        "TESSERA_LOG_LEVEL": "WARNING",
        # The worker seals the access log into its keyed chain and /health/ checks it can: without a key
        # both fail (the first SQLite run, 033d8b4, had 119 health-check 500s in the server log).
        "TESSERA_AUDIT_KEY": AUDIT_KEY,
    }


def _configure(database_url: str) -> None:
    os.environ.update(server_env(database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _psql(sql: str) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql],  # noqa: S607 - the PostgreSQL client
        check=True,
    )


def _psql_answer(sql: str) -> str:
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", sql]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def prepare(args: argparse.Namespace) -> str:
    """The database URL, with the world loaded (kept between runs unless --fresh)."""
    if args.database == "postgres":
        url = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
        if args.fresh:
            _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        exists = _psql_answer(f"SELECT 1 FROM pg_database WHERE datname='{PG_DATABASE}'")
        if not exists:
            _psql(f"CREATE DATABASE {PG_DATABASE}")
    else:
        path = ROOT / "var" / "bench" / "load.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    _configure(url)
    from django.core.management import call_command

    from tessera.core.reference_data import seed_reference_data
    from tessera.people.models import Person
    from tessera.synth.casework import generate_casework
    from tessera.synth.cast import seed_cast
    from tessera.synth.world import generate_world

    call_command("migrate", verbosity=0)
    seed_reference_data()
    seed_cast()
    if not Person.objects.exists():
        started = time.monotonic()
        generate_world(people=args.people, seed=2013)
        print(f"World of {args.people:,} people loaded in {time.monotonic() - started:.0f} s", flush=True)
        generate_casework(seed=2013)
    return url


def _sessions(usernames: list[str], count: int) -> list[dict[str, str]]:
    """Sessions that have passed both sign-in steps, with their activity cookies, as a browser holds them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tessera.accounts.idle import ACTIVITY_COOKIE, activity_cookie_value
    from tessera.accounts.models import User

    users = [User.objects.get(username=name) for name in usernames]
    sessions = []
    for number in range(count):
        user = users[number % len(users)]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
        store.create()
        key = store.session_key
        sessions.append(
            {settings.SESSION_COOKIE_NAME: key or "", ACTIVITY_COOKIE: activity_cookie_value(key)}
        )
    return sessions


def targets(users: int) -> dict[str, Any]:
    from django.utils import timezone

    from tessera.cases.models import Case
    from tessera.core.models import District
    from tessera.people.models import Person

    rng = random.Random(17)
    rotherham = District.objects.get(code="rotherham")
    people = list(
        Person.objects.filter(district=rotherham).values_list("pk", "given_name", "family_name")[:20000]
    )
    sample = rng.sample(people, min(2000, len(people)))
    today = timezone.localdate()
    return {
        "sessions": {
            "caseworker": _sessions(
                ["cse.rotherham", "supervisor.rotherham", "youthworker.rotherham"], users
            ),
            "reporter": _sessions(["officer.rotherham"], max(1, users // 4)),
        },
        "people": [pk for pk, _, _ in sample],
        "searches": [f"{given} {family}" for _, given, family in sample[:500] if given and family],
        "cases": list(Case.objects.filter(district=rotherham).values_list("pk", flat=True)[:2000]),
        "district": str(rotherham.pk),
        "today": [today.year, today.month, today.day],
    }


def import_file_content(rows: int, seed: int) -> bytes:
    """A police records export of invented people (5% of rows with an impossible date of birth)."""
    rng = random.Random(seed)
    given = ["Kayleigh", "Jamal", "Ellie", "Mason", "Leah", "Tyler", "Amira", "Connor", "Shannon", "Bilal"]
    family = ["Thornley", "Ahmed", "Cawthorne", "Kirkby", "Wadsworth", "Dearne", "Hussain", "Stables"]
    lines = ["PersonURN,Forename1,Forename2,Surname,AKA,DOB,Sex,SDE,AddressLine1,AddressLine2,Town,Postcode"]
    for number in range(rows):
        day = 31 if rng.random() < 0.05 else rng.randint(1, 28)
        lines.append(
            f"LOAD{seed}-{number},{rng.choice(given)},,{rng.choice(family)},,{day:02d}/02/{rng.randint(2006, 2013)},"
            f"{rng.choice('FM')},W1,{rng.randint(1, 200)} Load Street,,Rotherham,S60 {rng.randint(1, 9)}AA"
        )
    return ("\n".join(lines) + "\n").encode()


def start_import(seed: int) -> int:
    from tessera.accounts.models import User
    from tessera.core.models import Agency, District
    from tessera.imports.services import begin_import
    from tessera.imports.services import start_import as start

    started = start(
        User.objects.get(username="cse.rotherham"),
        profile_code="police_rms",
        agency=Agency.objects.get(code="police"),
        district=District.objects.get(code="rotherham"),
        file_name=f"load-bench-{seed}.csv",
        file_format="csv",
        content=import_file_content(IMPORT_ROWS, seed),
    )
    # The file has only the profile's own columns, so starting it needs no choices.
    begin_import(started.batch.uploaded_by, started.batch, {})
    return started.batch.pk


def start_linkage() -> int:
    from tessera.accounts.models import User
    from tessera.linkage.services import start_run

    return start_run(User.objects.get(username="analyst"), retrain=False).pk


def _background_state(batch_id: int | None, linkage_id: int | None) -> dict[str, Any]:
    from tessera.imports.models import ImportBatch
    from tessera.linkage.models import LinkageRun

    state: dict[str, Any] = {}
    if batch_id is not None:
        batch = ImportBatch.objects.select_related("job").get(pk=batch_id)
        state["import"] = {
            "status": batch.status,
            "rows_done": batch.job.progress_done if batch.job else 0,
            "rows": IMPORT_ROWS,
        }
    if linkage_id is not None:
        run = LinkageRun.objects.select_related("job").get(pk=linkage_id)
        state["linkage"] = {
            "job": run.job.status if run.job else "",
            "message": run.job.message if run.job else "",
        }
    return state


def run_locust(users: int, seconds: int, targets_path: Path, out_prefix: Path) -> dict[str, Any]:
    env = os.environ | {"TESSERA_LOAD_TARGETS": str(targets_path)}
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 20)),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(out_prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return read_stats(Path(f"{out_prefix}_stats.csv"), Path(f"{out_prefix}_failures.csv"))


def read_stats(stats_csv: Path, failures_csv: Path) -> dict[str, Any]:
    rows = {row["Name"]: row for row in csv.DictReader(stats_csv.open())}

    def figures(row: dict[str, str]) -> dict[str, Any]:
        return {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "requests_per_s": round(float(row["Requests/s"]), 1),
        }

    failures = [
        {"request": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
        for row in csv.DictReader(failures_csv.open())
    ]
    return {
        "all": figures(rows["Aggregated"]),
        "by_request": {name: figures(row) for name, row in rows.items() if name != "Aggregated"},
        "failures": failures,
    }


def _start_server(database_url: str) -> list[subprocess.Popen[bytes]]:
    env = server_env(database_url)
    # The PostgreSQL run makes no SQLite file under var/bench, so the directory may not exist yet.
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    log = (ROOT / "var" / "bench" / "load-server.log").open("ab")
    web = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(VENV_BIN / "gunicorn"), "tessera.wsgi:application"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--poll-seconds", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    for _ in range(120):
        try:
            import urllib.request

            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/?format=json", timeout=5):
                break
        except OSError:
            time.sleep(1)
    return [web, worker]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--fresh", action="store_true", help="drop and reload the world")
    args = parser.parse_args()
    database_url = prepare(args)
    work = Path(tempfile.mkdtemp(prefix="tessera-load-"))
    targets_path = work / "targets.json"
    targets_path.write_text(json.dumps(targets(args.users)))
    from django.db import connection

    connection.close()
    processes = _start_server(database_url)
    phases: dict[str, Any] = {}
    try:
        plan = ["idle", "import"] + (["import+linkage"] if args.database == "postgres" else [])
        for number, phase in enumerate(plan):
            batch_id = start_import(seed=int(time.time()) + number) if "import" in phase else None
            linkage_id = start_linkage() if "linkage" in phase else None
            connection.close()
            result = run_locust(args.users, args.seconds, targets_path, work / phase)
            result["background_at_end"] = _background_state(batch_id, linkage_id)
            connection.close()
            phases[phase] = result
            print(_line(phase, result), flush=True)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    record(args, phases)


def _line(phase: str, result: dict[str, Any]) -> str:
    a = result["all"]
    return (
        f"{phase:<16} {a['requests']:>7} requests  {a['requests_per_s']:>6} /s  p50 {a['p50_ms']:>6.0f} ms  "
        f"p95 {a['p95_ms']:>6.0f} ms  p99 {a['p99_ms']:>6.0f} ms  errors {a['errors']}  "
        f"{result['background_at_end']}"
    )


def _commit() -> str:
    command = ["git", "rev-parse", "--short", "HEAD"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603


def record(args: argparse.Namespace, phases: dict[str, Any]) -> None:
    from django.db import connection

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "load.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    saved[args.database] = {
        "commit": _commit(),
        "database": connection.vendor,
        "people": args.people,
        "users": args.users,
        "seconds_per_phase": args.seconds,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()}",
        "phases": phases,
    }
    path.write_text(json.dumps(saved, indent=2) + "\n")
    lines = [
        "# Load (bench/load.py)",
        "",
        "Locust against gunicorn (production settings, DEBUG off) with a background worker, on this 2-core",
        "machine shared with other engineers' test runs. Case workers search, open person and case pages",
        "and the triage queue; one user in eight sends concerns. Pauses of 2 to 8 s between pages.",
        "",
    ]
    for database, run in saved.items():
        lines += [
            f"## {database}: {run['people']:,} people, {run['users']} users, {run['seconds_per_phase']} s per phase, commit {run['commit']}",
            "",
            f"Machine: {run['machine']}",
            "",
            "| phase | requests | per s | p50 ms | p95 ms | p99 ms | errors | background work at the end |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for phase, result in run["phases"].items():
            a = result["all"]
            lines.append(
                f"| {phase} | {a['requests']} | {a['requests_per_s']} | {a['p50_ms']:.0f} | {a['p95_ms']:.0f} | "
                f"{a['p99_ms']:.0f} | {a['errors']} | {result['background_at_end']} |"
            )
        lines.append("")
        for phase, result in run["phases"].items():
            for failure in result["failures"][:5]:
                lines.append(
                    f"- {phase}: {failure['count']} x {failure['request']}: {failure['error'][:160]}"
                )
        lines.append("")
    (RESULTS / "load.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
