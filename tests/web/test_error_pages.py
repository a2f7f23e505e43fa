"""Error pages with DEBUG off (issue 17, Found 13): Tessera's own, never Django's technical pages."""

import json
import os
import subprocess
import sys

import pytest
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import path

from tessera.web.views import not_found, server_error
from tests.core.test_settings import ROOT, _load_settings


def _broken(request: HttpRequest):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", _broken)]
handler404 = not_found
handler500 = server_error


@pytest.mark.parametrize("username", ["hotel.sheffield", "cse.rotherham", "sysadmin"])
def test_a_page_not_found_is_tesseras_own_page_for_every_role(client_for, username, settings):
    assert not settings.DEBUG
    response = client_for(username).get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found" in body
    assert "URLconf" not in body, "no list of the site's addresses"


@override_settings(ROOT_URLCONF="tests.web.test_error_pages")
def test_a_server_error_is_a_friendly_page_that_says_nothing_is_lost(db):
    response = Client(raise_request_exception=False).get("/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with Tessera" in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body


def test_demo_mode_runs_without_debug_on_plain_http(tmp_path):
    result = _load_settings({"TESSERA_DEMO": "true", "TESSERA_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["DEBUG"] is False
    assert not loaded["SESSION_COOKIE_SECURE"]
    assert not loaded["SECURE_SSL_REDIRECT"]
    assert (tmp_path / "demo-secret-key").exists(), "one key shared by every process of the demo"


def test_demo_mode_refuses_to_serve_any_host_but_this_machine(tmp_path):
    result = _load_settings(
        {
            "TESSERA_DEMO": "true",
            "TESSERA_VAR_DIR": str(tmp_path),
            "TESSERA_ALLOWED_HOSTS": "tessera.police.uk",
        }
    )
    assert result.returncode != 0
    assert "Never use demo mode in production" in result.stderr


def _python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, *args], env=clean | env, cwd=ROOT, capture_output=True, text=True, check=False
    )


SEED_CAST = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tessera.settings'); django.setup(); "
    "from tessera.core.reference_data import seed_reference_data; from tessera.synth.cast import seed_cast; "
    "seed_reference_data(); seed_cast()"
)


def test_demo_code_works_in_demo_mode_without_debug(tmp_path):
    demo = {"TESSERA_DEMO": "true", "TESSERA_VAR_DIR": str(tmp_path)}
    assert _python(["manage.py", "migrate", "--no-input"], demo).returncode == 0
    seeded = _python(["-c", SEED_CAST], demo)
    assert seeded.returncode == 0, seeded.stderr
    code = _python(["manage.py", "demo_code", "cse.rotherham"], demo)
    assert code.returncode == 0, code.stderr
    assert code.stdout.strip().isdigit()
    assert len(code.stdout.strip()) == 6
    production = {"TESSERA_SECRET_KEY": "x" * 50, "TESSERA_VAR_DIR": str(tmp_path)}
    refused = _python(["manage.py", "demo_code", "cse.rotherham"], production)
    assert refused.returncode != 0
    assert "synthetic demo" in refused.stderr
