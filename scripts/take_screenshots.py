"""Screenshots for the docs, taken from a running demo (make demo) with Debian's chromium.

    TESSERA_DEMO=true .venv/bin/python scripts/take_screenshots.py [--base http://127.0.0.1:8000]

Signs in through the real sign-in pages (password, then the demo account's current code).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
os.environ.setdefault("TESSERA_DEMO", "true")
# Playwright runs an event loop in this thread; the ORM calls here are plain synchronous reads.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tessera.accounts.second_factor import current_code  # noqa: E402
from tessera.synth.cast import DEMO_PASSWORD  # noqa: E402

# (username, path, file name in docs/images)
SHOTS: list[tuple[str, str, str]] = [
    ("supervisor.rotherham", "/", "home.png"),
]


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.fill("#id_code", current_code(device))
    page.click("main button[type=submit]")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for username, path, name in SHOTS:
            sign_in(page, args.base, username)
            page.goto(f"{args.base}{path}")
            page.screenshot(path=str(out / name), full_page=False)
            print(f"docs/images/{name}: {username} at {path}")
        browser.close()


if __name__ == "__main__":
    main()
