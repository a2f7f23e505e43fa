"""Where a page's time goes: pyinstrument over repeated requests for each page, through the whole stack.

    flock /tmp/tessera-bench.lock .venv/bin/python bench/profile_pages.py --database-url URL \\
        [--tree /tmp/tessera-before --label before] [--requests 60]

Each page (search, person page, the case summary, chronology, actions and support tabs) is requested
``--requests`` times through Django's test client as cse.rotherham (session, second factor, CSP, the access
policy and the access-log write all run), after 5 requests of warm-up, under pyinstrument's statistical
profiler. The case has ``--entries`` chronology entries (added once, as bare rows, and reused). The time is
split into what issue 16 asks about: SQL (Django's cursor wrapper, the driver and the wait for the
database), the ORM (building queries, making rows into objects), template rendering, the access-log
write, the scope and role look-ups, sessions and the user look-up, and the rest; each frame is
counted under the first of those it is inside, so nothing is counted twice. The ten functions with the
most time of their own follow.

Before the profiled requests, as many again are timed without the profiler for this process's CPU per
request (``time.process_time``: the test client and the server code, not the database server).

``--tree`` profiles another checkout (its ``tessera`` package) on the same database; ``--label`` names the
section of ``bench/results/profile_pages.{md,json}`` it writes (others are kept).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose code is profiled")
parser.add_argument("--label", default="this commit")
parser.add_argument("--requests", type=int, default=60)
parser.add_argument("--entries", type=int, default=500)
args = parser.parse_args()

if args.database_url:
    os.environ["DATABASE_URL"] = args.database_url
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.setdefault("TESSERA_ALLOWED_HOSTS", "localhost")
sys.path.insert(0, str(args.tree.resolve()))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from pyinstrument.frame import Frame  # noqa: E402

from tessera.accounts.idle import ACTIVITY_COOKIE, activity_cookie_value  # noqa: E402
from tessera.accounts.models import User  # noqa: E402
from tessera.cases.models import Case  # noqa: E402
from tessera.people.models import Person  # noqa: E402

# (name, how to recognise a frame of it). The first that matches a frame takes it and everything below it.
CATEGORIES: list[tuple[str, Any]] = [
    ("access-log write", lambda f: f.function == "record_access" and "tessera/audit" in (f.file_path or "")),
    (
        "scope and roles",
        lambda f: f.function in {"scope_of", "role_codes"} and "tessera" in (f.file_path or ""),
    ),
    (
        "session and user look-up",
        lambda f: (
            "django/contrib/sessions" in (f.file_path or "")
            or (f.function == "get_user" and "auth" in (f.file_path or ""))
        ),
    ),
    (
        "SQL (driver and round trip)",
        lambda f: any(
            part in (f.file_path or "") for part in ("/psycopg/", "/sqlite3/", "django/db/backends/")
        ),
    ),
    ("ORM (building queries, making rows)", lambda f: "django/db/models" in (f.file_path or "")),
    ("template rendering", lambda f: "django/template" in (f.file_path or "")),
]


def split(frame: Frame, into: dict[str, float], taken: str | None = None) -> None:
    """Add each frame's own time to the first category it is inside ("other" when none)."""
    if taken is None:
        taken = next((name for name, matches in CATEGORIES if matches(frame)), None)
    key = taken or "other"
    into[key] = into.get(key, 0.0) + frame.total_self_time
    for child in frame.children:
        split(child, into, taken)


def own_times(frame: Frame, into: dict[str, float]) -> None:
    if frame.total_self_time and not frame.is_synthetic:
        key = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        into[key] = into.get(key, 0.0) + frame.total_self_time
    for child in frame.children:
        own_times(child, into)


def bench_case(user: User, entries: int) -> Case:
    """A Rotherham case the user leads, with ``entries`` chronology entries (made once, reused)."""
    case = (
        Case.objects.filter(district__code="rotherham", lead_professional=user, child__isnull=False)
        .order_by("pk")
        .first()
    )
    if case is None:
        raise SystemExit("No Rotherham case led by cse.rotherham: load the synthetic case work first")
    have = case.actions.count() + case.support_records.count() + case.events.count()
    entries_module = _this_checkouts_case_entries()
    people = entries_module.CasePeople(lead=user, worker=user, referrer=user)
    kinds = (entries_module.ACTION, entries_module.SUPPORT, entries_module.NOTE)
    entries_module.add_case_entries(case, people, max(0, entries - have), kinds=kinds)
    return case


def _this_checkouts_case_entries() -> Any:
    """tests/cases/entries.py of this checkout, by path: ``--tree`` may be an older checkout without it."""
    path = ROOT / "tests" / "cases" / "entries.py"
    spec = importlib.util.spec_from_file_location("bench_case_entries", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: its dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def signed_in(user: User) -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    client.cookies[ACTIVITY_COOKIE] = activity_cookie_value(session.session_key)
    return client


def _largest(times: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(times.items(), key=lambda item: -item[1])


def profile(client: Client, url: str, requests: int) -> dict[str, Any]:
    for _ in range(5):
        assert client.get(url).status_code == 200, url
    # CPU of this process per request, without the profiler: the test client and the server code run in
    # this one thread, and the database's own work is another process's.
    cpu_started = time.process_time()
    for _ in range(requests):
        assert client.get(url).status_code == 200, url
    cpu_ms = (time.process_time() - cpu_started) * 1000 / requests
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _ in range(requests):
        assert client.get(url).status_code == 200, url
    profiler.stop()
    wall_ms = (time.perf_counter() - started) * 1000 / requests
    root = profiler.last_session.root_frame() if profiler.last_session else None
    categories: dict[str, float] = {}
    functions: dict[str, float] = {}
    if root is not None:
        split(root, categories)
        own_times(root, functions)
    total = sum(categories.values()) or 1.0
    return {
        "url": url,
        "ms_per_request": round(wall_ms, 1),
        "cpu_ms_per_request": round(cpu_ms, 1),
        "share": {name: round(100 * seconds / total, 1) for name, seconds in _largest(categories)},
        "top_functions_ms_per_request": {
            name: round(1000 * seconds / requests, 2) for name, seconds in _largest(functions)[:10]
        },
    }


def main() -> None:
    user = User.objects.select_related("agency").get(username="cse.rotherham")
    case = bench_case(user, args.entries)
    child = case.child
    assert child is not None
    person = Person.objects.get(pk=child.pk)
    pages = {
        "search": f"/people/search/?q={person.given_name}+{person.family_name}",
        "person page": f"/people/{person.pk}/",
        "case summary": f"/cases/{case.pk}/",
        "case chronology": f"/cases/{case.pk}/chronology/",
        "case actions": f"/cases/{case.pk}/actions/",
        "case support": f"/cases/{case.pk}/support/",
    }
    client = signed_in(user)
    results = {name: profile(client, url, args.requests) for name, url in pages.items()}
    for name, result in results.items():
        shares = ", ".join(f"{k} {v}%" for k, v in result["share"].items())
        print(
            f"{name:<16} {result['ms_per_request']:>6} ms/request  CPU {result['cpu_ms_per_request']} ms  {shares}"
        )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "profile_pages.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    saved[args.label] = {
        "tree": str(args.tree),
        "database": connection.vendor,
        "people": Person.objects.count(),
        "requests_per_page": args.requests,
        "case_entries": case.actions.count() + case.support_records.count() + case.events.count(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "pages": results,
    }
    path.write_text(json.dumps(saved, indent=2) + "\n")
    lines = ["# Where the time goes (bench/profile_pages.py)", ""]
    for label, run in saved.items():
        lines += [
            f"## {label}",
            "",
            f"{run['database']}, {run['people']:,} people, a case with {run['case_entries']} entries; "
            f"{run['requests_per_page']} requests per page through the test client (whole middleware), "
            f"pyinstrument at 0.5 ms. Load average {run['load_average_1_5_15']}.",
            "",
            "| page | ms/request (profiled) | CPU ms/request (not profiled) | SQL | ORM | templates | access-log write "
            "| scope and roles | session and user | other |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, r in run["pages"].items():
            s = r["share"]
            lines.append(
                f"| {name} | {r['ms_per_request']} | {r.get('cpu_ms_per_request', '')} | "
                f"{s.get('SQL (driver and round trip)', 0)}% | "
                f"{s.get('ORM (building queries, making rows)', 0)}% | "
                f"{s.get('template rendering', 0)}% | {s.get('access-log write', 0)}% | "
                f"{s.get('scope and roles', 0)}% | {s.get('session and user look-up', 0)}% | {s.get('other', 0)}% |"
            )
        lines += ["", "Functions with the most time of their own (ms per request):", ""]
        for name, r in run["pages"].items():
            top = "; ".join(f"`{f}` {ms}" for f, ms in list(r["top_functions_ms_per_request"].items())[:5])
            lines.append(f"- {name}: {top}")
        lines.append("")
    (RESULTS / "profile_pages.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
