"""Every URL, every role: the policy's answer is the declared one."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access_matrix import ALL_CAST, ROWS, build_world
from tests.conftest import verified_client


def _url_names(patterns: list, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def test_every_url_is_declared_in_the_access_matrix():
    declared = set(ROWS)
    routed = _url_names(get_resolver().url_patterns)
    assert routed - declared == set(), "Declare who may see these URLs in tests/access_matrix.py"
    assert declared - routed == set(), "These declared URLs no longer exist"


@pytest.fixture
def world(cast):
    return build_world()


@pytest.mark.parametrize("url_name", sorted(ROWS))
def test_access_matrix(url_name, world):
    row = ROWS[url_name]
    path = row.path(world)
    failures = []
    for username in ALL_CAST:
        client = verified_client(world.cast[username])
        status = getattr(client, row.method)(path).status_code
        expected = row.expect.get(username, row.default)
        if status != expected:
            failures.append(f"{username}: got {status}, expected {expected}")
    from django.test import Client

    anonymous = getattr(Client(), row.method)(path).status_code
    if anonymous != row.anonymous:
        failures.append(f"signed out: got {anonymous}, expected {row.anonymous}")
    assert not failures, f"{url_name} {path}\n" + "\n".join(failures)
