"""Browser tests: Playwright for Python driving Debian's chromium, with axe-core from node_modules.

Playwright's own browser download does not work on these machines, so the launch points at the
system chromium. The Django live server runs in a thread beside Playwright's event loop, hence
DJANGO_ALLOW_ASYNC_UNSAFE for the test process only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tessera.accounts.idle import ACTIVITY_COOKIE
from tessera.accounts.models import User
from tests.conftest import verified_client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, live_server, reseed) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=live_server.url)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    new_page = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:
        # CSP violations and script errors arrive as console errors. A page's own 404 status is reported
        # as "Failed to load resource" too; failed sub-resources are caught by on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    new_page.on("console", on_console)
    new_page.on("response", on_response)
    new_page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield new_page
    assert not problems, f"Browser errors: {problems}"


@pytest.fixture
def sign_in_as(context: BrowserContext, live_server) -> Callable[[str], None]:
    """Give the browser a session that has passed both sign-in steps (the sign-in pages have their own test)."""

    def sign_in(username: str) -> None:
        client = verified_client(User.objects.get(username=username))
        session_key = client.session.session_key
        assert session_key is not None
        # Leave the previous page first: a page that polls (a job's progress bar) would otherwise send its
        # next request with the new user's cookies and get a 404 meant for someone else.
        for open_page in context.pages:
            open_page.goto("about:blank")
        context.clear_cookies()
        context.add_cookies(
            [
                {"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": live_server.url},
                {
                    "name": ACTIVITY_COOKIE,
                    "value": client.cookies[ACTIVITY_COOKIE].value,
                    "url": live_server.url,
                },
            ]
        )

    return sign_in


def axe_violations(page: Page) -> list[dict]:
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_22_AA,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
