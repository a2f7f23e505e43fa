"""Settings read from the environment: bad values stop start-up with the variable named; DEBUG off is locked down."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tessera.env import ConfigurationError, database_config, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_is_the_default():
    config = database_config("/tmp/x.sqlite3", environ={})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/x.sqlite3"


def test_database_url_switches_to_postgresql():
    config = database_config("/tmp/x", environ={"DATABASE_URL": "postgres://tessera@127.0.0.1:5432/tessera"})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "tessera"


def test_a_bad_database_url_names_the_variable():
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        database_config("/tmp/x", environ={"DATABASE_URL": "mysql://root@localhost/db"})
    with pytest.raises(ConfigurationError, match="DATABASE_URL must name a database"):
        database_config("/tmp/x", environ={"DATABASE_URL": "postgres://tessera@127.0.0.1:5432"})


def test_bad_booleans_and_numbers_name_the_variable():
    with pytest.raises(ConfigurationError, match="TESSERA_DEBUG"):
        env_bool("TESSERA_DEBUG", False, environ={"TESSERA_DEBUG": "maybe"})
    with pytest.raises(ConfigurationError, match="TESSERA_SESSION_IDLE_MINUTES"):
        env_int("TESSERA_SESSION_IDLE_MINUTES", 30, environ={"TESSERA_SESSION_IDLE_MINUTES": "half an hour"})
    with pytest.raises(ConfigurationError, match="at least 1"):
        env_int("TESSERA_SESSION_IDLE_MINUTES", 30, minimum=1, environ={"TESSERA_SESSION_IDLE_MINUTES": "0"})


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, tessera.settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_HSTS_SECONDS','X_FRAME_OPTIONS',"
        "'SECURE_REFERRER_POLICY','SECURE_SSL_REDIRECT','SESSION_COOKIE_AGE','SESSION_IDLE_SECONDS']} | {'CSP': s.CONTENT_SECURITY_POLICY}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", code], env=clean | env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_debug_off_requires_a_secret_key():
    result = _load_settings({})
    assert result.returncode != 0
    assert "TESSERA_SECRET_KEY" in result.stderr


def test_a_bad_value_stops_start_up_naming_the_variable():
    result = _load_settings({"TESSERA_SECRET_KEY": "x" * 50, "DATABASE_URL": "ftp://nowhere"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_debug_off_locks_down_cookies_headers_and_scripts():
    result = _load_settings({"TESSERA_SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    s = json.loads(result.stdout)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"]
    assert s["CSRF_COOKIE_SECURE"]
    assert s["SECURE_SSL_REDIRECT"]
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    directives = s["CSP"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"], "no inline or remote script"
    assert directives["frame-ancestors"] == ["'none'"]
    assert s["SESSION_IDLE_SECONDS"] == 30 * 60
    assert s["SESSION_COOKIE_AGE"] == 10 * 3600, "however active, a session ends after a shift"
