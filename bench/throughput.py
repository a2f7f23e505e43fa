"""Throughput: a mixed closed-loop workload on gunicorn, this commit against the commit before, back to back.

    git -C /work/main worktree add --detach /tmp/tessera-before 5db4981
    (cd /tmp/tessera-before && python3.11 -m venv .venv && .venv/bin/pip install -c constraints.txt -e .)
    flock /tmp/tessera-bench.lock .venv/bin/python bench/throughput.py --before /tmp/tessera-before \\
        [--people 1000000] [--clients 10 25 50] [--seconds 40] [--rounds 2]

Both checkouts serve the same PostgreSQL database (``--database``, the people app's synthetic world
of ``--people`` plus the synthetic case work, loaded once and reused; the script checks that the before
checkout has no migration the database lacks, and the reverse). When the commit before has an older
schema, ``--before-database`` names a second database for it, at its schema, holding the same world (a
copy of the first taken before migrations it lacks, migrated back to its schema: see bench/README.md);
each checkout must then find its own database fully migrated, the two must hold the same people and
cases, and each side's sessions are made in its own database. Each measurement starts gunicorn from that
checkout with its own ``gunicorn.conf.py`` and the documented production settings (DEBUG off, 2 workers x
8 threads, docs/operations.md; ``TESSERA_BENCH_THREADS`` changes the threads, issue 16 measured with 4), and
stops it afterwards. ``--clients`` closed-loop clients (each sends its
next request as soon as the last one is answered, with no pause) cycle through a search, a person page and
a case page (summary, chronology, actions or support in turn), signed in as Rotherham case workers with
their second factor given. The two commits alternate, the order swapping each round, so neither always
runs on a warmer machine. Any answer other than 200 counts as an error.

Prints requests per second, p50/p95/p99 and the web server's CPU per request (user and system time of
gunicorn's processes over the measured seconds, divided by the requests answered) for each commit and
client count, and after/before ratios (medians over the rounds); writes ``bench/results/throughput.{json,md}``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG = os.environ.get("TESSERA_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("TESSERA_BENCH_PORT", "8130"))
SECRET = "throughput-bench-only-secret-key-not-for-any-real-installation-0123456789"  # noqa: S105
AUDIT_KEY = "throughput-bench-only-audit-key-not-for-any-real-installation-0123456789"
CASEWORKERS = ("cse.rotherham", "supervisor.rotherham", "youthworker.rotherham")
CASE_TABS = ("", "chronology/", "actions/", "support/")
# The documented production defaults (docs/operations.md, gunicorn.conf.py), unless told otherwise.
WORKERS = "2"
THREADS = os.environ.get("TESSERA_BENCH_THREADS", "8")


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_") and k != "DATABASE_URL"}
    return clean | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tessera.settings",
        "TESSERA_SECRET_KEY": SECRET,
        "TESSERA_AUDIT_KEY": AUDIT_KEY,
        "TESSERA_HTTPS": "false",
        "TESSERA_ALLOWED_HOSTS": "127.0.0.1",
        "TESSERA_BIND": f"127.0.0.1:{PORT}",
        "TESSERA_WEB_WORKERS": WORKERS,
        "TESSERA_WEB_THREADS": THREADS,
        "TESSERA_VAR_DIR": str(var_dir),
        "TESSERA_LOG_LEVEL": "WARNING",
    }


def _psql_answer(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atc", sql]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def prepare(database: str, people: int) -> str:
    """The database URL, with the world and case work loaded (reused when already there)."""
    if not _psql_answer(f"SELECT 1 FROM pg_database WHERE datname='{database}'"):
        _psql_answer(f'CREATE DATABASE "{database}"')
    url = f"{PG}/{database}"
    os.environ.update(server_env(url, ROOT / "var" / "bench" / "throughput-var"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from tessera.core.reference_data import seed_reference_data
    from tessera.people.models import Person
    from tessera.synth.casework import generate_casework
    from tessera.synth.cast import seed_cast
    from tessera.synth.world import generate_world

    call_command("migrate", verbosity=0)
    seed_reference_data()
    seed_cast()
    have = Person.objects.count()
    if have < people:
        started = time.monotonic()
        generate_world(people=people - have, seed=2013)
        print(f"World of {Person.objects.count():,} people loaded in {time.monotonic() - started:.0f} s")
    generate_casework(seed=2013)
    return url


def check_same_schema(before: Path, database_url: str) -> None:
    """The checkout must find the database fully migrated: its own schema, nothing more or less."""
    env = server_env(database_url, before / "var")
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(before / ".venv" / "bin" / "python"), "manage.py", "migrate", "--check"],
        cwd=before,
        env=env,
        check=True,
        capture_output=True,
    )


def backend_of(tree: Path, database_url: str) -> str:
    """The authentication backend a session signed in on ``tree`` names (it changed in issue 16)."""
    code = "import django; django.setup(); from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS[-1])"
    answer = subprocess.run(  # noqa: S603 - fixed arguments
        [str(tree / ".venv" / "bin" / "python"), "-c", code],
        cwd=tree,
        env=server_env(database_url, tree / "var"),
        capture_output=True,
        text=True,
        check=True,
    )
    return answer.stdout.strip().splitlines()[-1]


@contextmanager
def on_database(name: str | None) -> Iterator[None]:
    """This process's queries go to database ``name`` (the before side's) for the block."""
    from django.db import connection

    if name is None:
        yield
        return
    kept = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = kept


def same_world(before_database: str, after_database: str) -> dict[str, Any]:
    """People, cases and cast in both databases: they must be the same rows."""
    sql = (
        "SELECT (SELECT count(*) FROM people_person), (SELECT md5(string_agg(id || given_name || family_name, ',' "
        "ORDER BY id)) FROM people_person), (SELECT string_agg(id::text, ',' ORDER BY id) FROM cases_case), "
        "(SELECT string_agg(id || username, ',' ORDER BY id) FROM accounts_user)"
    )
    answers = {
        side: _psql_answer(sql, database)
        for side, database in (("before", before_database), ("after", after_database))
    }
    if answers["before"] != answers["after"]:
        raise SystemExit(f"The two databases hold different worlds: {answers}")
    return {"people": int(answers["after"].split("|")[0]), "cases": answers["after"].split("|")[2]}


def sessions(backend: str, count: int) -> list[str]:
    """Cookie headers of sessions past both sign-in steps, as a browser holds them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tessera.accounts.idle import ACTIVITY_COOKIE, activity_cookie_value
    from tessera.accounts.models import User

    users = [User.objects.get(username=name) for name in CASEWORKERS]
    headers = []
    for number in range(count):
        user = users[number % len(users)]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
        store.create()
        key = store.session_key or ""
        headers.append(
            f"{settings.SESSION_COOKIE_NAME}={key}; {ACTIVITY_COOKIE}={activity_cookie_value(key)}"
        )
    return headers


def targets(seed: int = 16) -> dict[str, list[Any]]:
    """Rotherham people, searches for their names and Rotherham cases: what the case workers open."""
    from tessera.cases.models import Case
    from tessera.core.models import District
    from tessera.people.models import Person

    rng = random.Random(seed)
    rotherham = District.objects.get(code="rotherham")
    people = list(
        Person.objects.filter(district=rotherham, merged_into__isnull=True).values_list(
            "pk", "given_name", "family_name"
        )[:20000]
    )
    sample = rng.sample(people, min(1000, len(people)))
    cases = list(Case.objects.filter(district=rotherham).values_list("pk", flat=True))
    return {
        "people": [pk for pk, _, _ in sample],
        "searches": [
            f"{given} {family}".replace(" ", "+") for _, given, family in sample if given and family
        ],
        "cases": cases,
    }


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, status: int) -> None:
        with self.lock:
            self.latencies_ms.append(ms)
            self.by_kind.setdefault(kind, []).append(ms)
            if status != 200:
                self.errors[f"{kind} {status}"] = self.errors.get(f"{kind} {status}", 0) + 1


def client_loop(number: int, cookie: str, plan: dict[str, list[Any]], stop: float, tally: Tally) -> None:
    """One closed-loop client: the next request as soon as the last is answered, until ``stop``."""
    rng = random.Random(number)
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    step = number
    while time.monotonic() < stop:
        kind = ("search", "person", "case")[step % 3]
        if kind == "search":
            path = f"/people/search/?q={rng.choice(plan['searches'])}"
        elif kind == "person":
            path = f"/people/{rng.choice(plan['people'])}/"
        else:
            path = f"/cases/{rng.choice(plan['cases'])}/{CASE_TABS[(step // 3) % len(CASE_TABS)]}"
        step += 1
        started = time.monotonic()
        try:
            connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            status = 0
        if time.monotonic() < stop:
            tally.add(kind, (time.monotonic() - started) * 1000, status)
    connection.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1) if ordered else float("nan")


def start_server(tree: Path, database_url: str) -> subprocess.Popen[bytes]:
    var_dir = ROOT / "var" / "bench" / f"throughput-var-{tree.name}"
    var_dir.mkdir(parents=True, exist_ok=True)
    log = (ROOT / "var" / "bench" / "throughput-server.log").open("ab")
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(tree / ".venv" / "bin" / "gunicorn"),
            "tessera.wsgi:application",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=tree,
        env=server_env(database_url, var_dir),
        stdout=log,
        stderr=log,
    )
    for _ in range(120):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/sign-in/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"gunicorn from {tree} did not answer on port {PORT}")


def run_clients(clients: int, cookies: list[str], plan: dict[str, list[Any]], seconds: float) -> Tally:
    tally = Tally()
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(n, cookies[n], plan, stop, tally)) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of process ``pid`` and its children (gunicorn's master and workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, ..., utime (14th field of the line) and stime (15th).
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def measure(
    tree: Path,
    database_url: str,
    backend: str,
    clients: int,
    seconds: int,
    plan: dict[str, list[Any]],
    database: str | None = None,
) -> dict[str, Any]:
    """One commit at one client count: a fresh server, 5 s of warm-up not counted, then ``seconds``.

    ``database`` is the side's own database when it is not the one this process is set up with."""
    from django.db import connection

    with on_database(database):
        cookies = sessions(backend, clients)
    connection.close()
    server = start_server(tree, database_url)
    try:
        run_clients(clients, cookies, plan, 5)
        cpu_before = _cpu_seconds(server.pid)
        tally = run_clients(clients, cookies, plan, seconds)
        cpu = _cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=60)
    done = tally.latencies_ms
    return {
        "requests": len(done),
        "requests_per_s": round(len(done) / seconds, 1),
        "server_cpu_ms_per_request": round(1000 * cpu / len(done), 1) if done else None,
        "p50_ms": _percentile(done, 0.50),
        "p95_ms": _percentile(done, 0.95),
        "p99_ms": _percentile(done, 0.99),
        "errors": tally.errors,
        "p95_ms_by_kind": {kind: _percentile(values, 0.95) for kind, values in sorted(tally.by_kind.items())},
    }


def _git(tree: Path, *arguments: str) -> str:
    command = ["git", *arguments]
    return subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def _commit(tree: Path) -> str:
    """The commit checked out in ``tree``, marked "+changes" when its code differs from that commit."""
    changed = _git(tree, "status", "--porcelain", "--", "tessera")
    return _git(tree, "rev-parse", "--short", "HEAD") + ("+changes" if changed else "")


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(run[key] for run in runs), 1)


def summarise(rounds: list[dict[str, dict[str, dict[str, Any]]]], levels: list[int]) -> list[dict[str, Any]]:
    rows = []
    for clients in levels:
        row: dict[str, Any] = {"clients": clients}
        for side in ("before", "after"):
            runs = [r[side][str(clients)] for r in rounds]
            row[side] = {key: _median(runs, key) for key in ("requests_per_s", "p50_ms", "p95_ms", "p99_ms")}
            row[side]["server_cpu_ms_per_request"] = _median(runs, "server_cpu_ms_per_request")
            row[side]["errors"] = sum(sum(run["errors"].values()) for run in runs)
        row["ratio"] = {
            key: round(row["after"][key] / row["before"][key], 3) if row["before"][key] else None
            for key in ("requests_per_s", "p50_ms", "p95_ms", "p99_ms", "server_cpu_ms_per_request")
        }
        rows.append(row)
    return rows


def write_results(meta: dict[str, Any], rounds: list[Any], rows: list[dict[str, Any]]) -> list[str]:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "throughput.json").write_text(
        json.dumps({**meta, "rounds": rounds, "summary": rows}, indent=2) + "\n"
    )
    lines = [
        "# Throughput (bench/throughput.py)",
        "",
        f"Before {meta['before_commit']}, after {meta['after_commit']}; PostgreSQL, {meta['people']:,} people "
        f"(synthetic world) and the synthetic case work; gunicorn {WORKERS} workers x {THREADS} threads, DEBUG off, one "
        f"server at a time on this {meta['cores']}-core machine; {meta['seconds']} s per measurement after "
        f"5 s of warm-up, {meta['rounds']} rounds, the two commits alternating (order swapped each round). "
        "Closed loop, no pauses: search, person page, case page (summary, chronology, actions, support). "
        f"Load average before {meta['load_before']}, after {meta['load_after']}. Medians over rounds. "
        f"Databases: {meta.get('databases', 'one database served both commits')}. Server CPU is the user and "
        "system time of gunicorn's master and workers over the measured seconds, per request answered.",
        "",
        "| clients | req/s before | req/s after | ratio | p50 before | p50 after | p95 before | p95 after | "
        "p95 ratio | p99 before | p99 after | server CPU ms/req before | after | ratio | errors before/after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b, a, q = r["before"], r["after"], r["ratio"]
        lines.append(
            f"| {r['clients']} | {b['requests_per_s']} | {a['requests_per_s']} | {q['requests_per_s']} | "
            f"{b['p50_ms']} | {a['p50_ms']} | {b['p95_ms']} | {a['p95_ms']} | {q['p95_ms']} | "
            f"{b['p99_ms']} | {a['p99_ms']} | {b['server_cpu_ms_per_request']} | {a['server_cpu_ms_per_request']} | "
            f"{q['server_cpu_ms_per_request']} | {b['errors']}/{a['errors']} |"
        )
    at_25 = next((r for r in rows if r["clients"] == 25), None)
    verdicts = []
    if at_25 is not None:
        throughput_met = all((r["ratio"]["requests_per_s"] or 0) >= 2.5 for r in rows)
        p95_met = (at_25["ratio"]["p95_ms"] or 99) <= 0.4
        verdicts = [
            f"Throughput at least 2.5x before at every client count: {'MET' if throughput_met else 'NOT MET'}. "
            f"p95 at 25 clients at most 0.4x before: {'MET' if p95_met else 'NOT MET'} ({at_25['ratio']['p95_ms']}).",
        ]
    lines += [
        "",
        "Targets (issue 16): throughput >= 2.5x before; p95 at 25 clients <= 0.4x before.",
        *verdicts,
        "",
        "Each round, per commit (req/s, p95 ms, server CPU ms per request):",
        "",
    ]
    for number, r in enumerate(rounds, start=1):
        cells = [
            f"{clients} clients {r['before'][str(clients)]['requests_per_s']}/{r['before'][str(clients)]['p95_ms']}"
            f"/{r['before'][str(clients)].get('server_cpu_ms_per_request')} "
            f"→ {r['after'][str(clients)]['requests_per_s']}/{r['after'][str(clients)]['p95_ms']}"
            f"/{r['after'][str(clients)].get('server_cpu_ms_per_request')}"
            for clients in meta["clients"]
        ]
        lines.append(f"- round {number} ({' then '.join(r['order'])}): " + "; ".join(cells))
    (RESULTS / "throughput.md").write_text("\n".join(lines) + "\n")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--before", type=Path, required=True, help="checkout of the commit before, with .venv"
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument(
        "--database", default="tessera_throughput", help="PostgreSQL database, kept between runs"
    )
    parser.add_argument(
        "--before-database",
        help="the before checkout's own database (its older schema, the same world), when it needs one",
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    before, after = args.before.resolve(), ROOT
    database_url = prepare(args.database, args.people)
    urls = {"before": database_url, "after": database_url}
    databases: dict[str, str | None] = {"before": None, "after": None}
    how = "one database served both commits (the same schema)"
    if args.before_database:
        urls["before"] = f"{PG}/{args.before_database}"
        databases["before"] = args.before_database
        world = same_world(args.before_database, args.database)
        how = (
            f"each commit served its own database at its own schema ({args.before_database} before, "
            f"{args.database} after), the same world in both: {world['people']:,} people, cases {world['cases']}, "
            "the same user accounts (checked before the run)"
        )
    check_same_schema(before, urls["before"])
    check_same_schema(after, urls["after"])
    plan = targets()
    from tessera.people.models import Person

    people = Person.objects.count()
    backends = {"before": backend_of(before, urls["before"]), "after": backend_of(after, urls["after"])}
    trees = {"before": before, "after": after}
    load_before = [round(x, 2) for x in os.getloadavg()]
    rounds: list[dict[str, Any]] = []
    for number in range(args.rounds):
        order = ["before", "after"] if number % 2 == 0 else ["after", "before"]
        result: dict[str, Any] = {"order": order, "before": {}, "after": {}}
        for clients in args.clients:
            for side in order:
                figures = measure(
                    trees[side], urls[side], backends[side], clients, args.seconds, plan, databases[side]
                )
                result[side][str(clients)] = figures
                print(
                    f"round {number + 1} {side:<6} {clients:>3} clients  {figures['requests_per_s']:>6} req/s  "
                    f"p50 {figures['p50_ms']:>7} ms  p95 {figures['p95_ms']:>7} ms  p99 {figures['p99_ms']:>7} ms  "
                    f"server CPU {figures['server_cpu_ms_per_request']} ms/request  errors {figures['errors'] or 0}  "
                    f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
                    flush=True,
                )
        rounds.append(result)
    rows = summarise(rounds, args.clients)
    meta = {
        "before_commit": _commit(before),
        "after_commit": _commit(after),
        "people": people,
        "clients": args.clients,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "cores": os.cpu_count(),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "gunicorn": f"{WORKERS} workers x {THREADS} threads (gthread), DEBUG off",
        "databases": how,
    }
    print("\n".join(write_results(meta, rounds, rows)))


if __name__ == "__main__":
    main()
