"""Typed readers for environment variables that fail loudly on a bad value.

Settings are read once at start-up; a mistyped value must stop the process with a message naming the
variable, never fall back silently to a default that weakens security.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dj_database_url


class ConfigurationError(RuntimeError):
    """A setting read from the environment has a value Tessera cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    source = os.environ if environ is None else environ
    return source.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    value = source[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false (got {source[name]!r})")


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None
) -> int:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    try:
        value = int(source[name])
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number (got {source[name]!r})") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum} (got {value})")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    return [item.strip() for item in source[name].split(",") if item.strip()]


_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def database_config(sqlite_path: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """SQLite at ``sqlite_path`` unless DATABASE_URL names another database."""
    source = os.environ if environ is None else environ
    url = source.get("DATABASE_URL", "").strip()
    if not url:
        return sqlite_config(sqlite_path)
    scheme = urlparse(url).scheme
    if scheme not in _DATABASE_SCHEMES:
        raise ConfigurationError(
            f"DATABASE_URL must start with postgres:// or sqlite:// (got scheme {scheme or 'none'!r})"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ConfigurationError(f"DATABASE_URL could not be read: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite_config(config["NAME"])
    if not config.get("NAME"):
        raise ConfigurationError("DATABASE_URL must name a database, e.g. postgres://user@host:5432/tessera")
    config.setdefault("OPTIONS", {})
    config["CONN_HEALTH_CHECKS"] = True
    return config


def sqlite_config(path: str) -> dict[str, Any]:
    # IMMEDIATE transactions take the write lock up front and wait for it (the busy timeout). A deferred
    # one that reads and then writes (an audited page view: read the record, append its log row) would
    # instead fail at once with "database is locked" whenever another write committed after its read
    # began, since SQLite in WAL mode cannot upgrade a stale snapshot. The audit append itself is a plain
    # INSERT with no shared row to read first (ADR 0016).
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def check_demo_hosts(hosts: list[str]) -> None:
    """Demo mode serves synthetic data to this machine only: refuse any other host name."""
    foreign = [host for host in hosts if host not in _LOOPBACK_HOSTS]
    if foreign:
        raise ConfigurationError(
            "TESSERA_DEMO serves a synthetic demo on this machine only: TESSERA_ALLOWED_HOSTS may name "
            f"only 127.0.0.1, localhost or ::1 (got {', '.join(foreign)}). Never use demo mode in production."
        )


def demo_secret_key(var_dir: Path) -> str:
    """The demo's secret key, made once and kept in the var directory.

    Every web worker process and the background worker must sign with the same key, and sessions should
    survive a restart of the demo, so the key is not generated afresh per process.
    """
    from django.core.management.utils import get_random_secret_key

    path = var_dir / "demo-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_suffix(f".{os.getpid()}")
        candidate.write_text("demo-only-" + get_random_secret_key())
        candidate.chmod(0o600)
        # Two processes starting together: linking fails for the second, and both read the first's key.
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()
