"""The Locust scenario bench/load.py runs: case workers and reporters doing realistic work.

Not run on its own: bench/load.py writes the targets file (sessions, people, cases, search terms) and
starts Locust with it against a gunicorn it started. Each simulated user signs in once (a prepared
session that has passed both sign-in steps) and then works with pauses between pages, as people do:

- a case worker (most users) searches for a person, opens a person page, a case page and the triage queue;
- a reporter (one user in eight) opens the concern form and sends a concern (with its CSRF token and the
  form's submission token, as a browser would).

A response counts as an error when it is not what a person would expect: any status of 400 or more, a
redirect to sign-in, or a form that comes back instead of being sent.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

TARGETS: dict[str, Any] = json.loads(Path(os.environ["TESSERA_LOAD_TARGETS"]).read_text())
_sessions = {kind: itertools.cycle(TARGETS["sessions"][kind]) for kind in TARGETS["sessions"]}
_TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]+)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _SignedIn(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(2, 8)

    def on_start(self) -> None:
        session = next(_sessions[self.kind])
        for name, value in session.items():
            self.client.cookies.set(name, value)

    def _page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code == 0:
                # No HTTP answer at all: say what the connection did (refused, reset, timed out).
                response.failure(f"no response: {type(response.error).__name__}: {response.error}"[:200])
                return ""
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
                return ""
            return response.text


class CaseWorker(_SignedIn):
    weight = 7
    kind = "caseworker"

    @task(4)
    def search(self) -> None:
        self._page(f"/people/search/?q={random.choice(TARGETS['searches'])}", "search")

    @task(4)
    def person_page(self) -> None:
        self._page(f"/people/{random.choice(TARGETS['people'])}/", "person page")

    @task(3)
    def case_page(self) -> None:
        self._page(f"/cases/{random.choice(TARGETS['cases'])}/", "case page")

    @task(1)
    def triage(self) -> None:
        self._page("/referrals/triage/", "triage queue")


class Reporter(_SignedIn):
    weight = 1
    kind = "reporter"

    @task
    def report_a_concern(self) -> None:
        form = self._page("/referrals/new/", "concern form")
        token, csrf = _TOKEN.search(form), _CSRF.search(form)
        if not (token and csrf):
            return
        today = TARGETS["today"]
        data = {
            "csrfmiddlewaretoken": csrf.group(1),
            "submission_token": token.group(1),
            "happening_now": "no",
            "subject_kind": "place",
            "place_description": "Takeaway on the high street where girls are given free food late at night",
            "district": TARGETS["district"],
            "warning_signs": "hotels_taxis_takeaways",
            "what_was_seen": "Three girls of about 14 collected by a car after midnight, two nights running.",
            "where": "High Street",
            "seen_on_day": str(today[2]),
            "seen_on_month": str(today[1]),
            "seen_on_year": str(today[0]),
            "seen_time": "",
            "send": "1",
        }
        with self.client.post(
            "/referrals/new/",
            data,
            name="concern sent",
            allow_redirects=False,
            catch_response=True,
            headers={"Referer": f"{self.host}/referrals/new/"},
        ) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/referrals/sent/":
                response.failure(f"{response.status_code}: the concern was not sent")
