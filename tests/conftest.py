"""Shared fixtures: the named cast, signed-in clients and a small world to look at.

The cast (tessera.synth.cast) has one user per role. The people tests care about most:
- cse.rotherham: Rotherham police CSE officer (owner of Rotherham records)
- supervisor.rotherham: Rotherham supervisor (colleague)
- officer.rotherham: Rotherham frontline officer (can see Rotherham people, cannot change them)
- sw.sheffield: Sheffield social worker (outsider to Rotherham records)
- hotel.sheffield, sysadmin, commissioner: see no named children at all
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings

from tessera.accounts.idle import ACTIVITY_COOKIE, activity_cookie_value
from tessera.accounts.models import User
from tessera.core.models import Agency, District
from tessera.core.reference_data import seed_reference_data
from tessera.people.models import EntityKind, Person, PoleEntity, Sex, SourceIdentity
from tessera.synth.cast import CAST, seed_cast

TEST_PASSWORD = "correct-horse-battery-staple-42"

# Property-based tests on a 2-core machine shared by a team: no per-example deadline (a busy machine is
# not a slow function), and the failing example printed so it can be replayed. `HYPOTHESIS_PROFILE=thorough`
# searches harder; the form and import guards take their example count from TESSERA_GUARD_EXAMPLES.
settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("thorough", deadline=None, print_blob=True, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _seed() -> None:
    seed_reference_data()
    if not User.objects.filter(username=CAST[0].username).exists():
        seed_cast(password=TEST_PASSWORD)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _seed()


@pytest.fixture(autouse=True)
def audit_checkpoints(settings, tmp_path):
    """Each test's database starts afresh, so each test keeps its own checkpoints of the audit chain."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


@pytest.fixture
def scope_read_once_per_request(monkeypatch):
    """For tests that count a request's queries: the scope is read once a request however long it takes.

    A kept scope is read again once it is ``FRESH_SECONDS`` old, which a request on a loaded machine can
    reach; that re-read is right (and tested in tests/access/test_request_memo.py) but is not what a
    query budget measures."""
    monkeypatch.setattr("tessera.access.scope.FRESH_SECONDS", 3600.0)


@pytest.fixture
def reseed(transactional_db):
    """Transactional tests (live server) start from a flushed database: put the cast back."""
    _seed()


@pytest.fixture
def cast(db) -> dict[str, User]:
    _seed()
    return {user.username: user for user in User.objects.select_related("agency")}


def mark_active(client: Client) -> Client:
    """Give a force-logged-in client the activity cookie a real sign-in would have set."""
    client.cookies[ACTIVITY_COOKIE] = activity_cookie_value(client.session.session_key)
    return client


def verified_client(user: User, **client_options: Any) -> Client:
    """A client signed in with password and second factor."""
    client = Client(**client_options)
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return mark_active(client)


@pytest.fixture
def client_for(cast) -> Callable[[str], Client]:
    return lambda username: verified_client(cast[username])


def make_person(
    district_code: str, given: str = "Kayleigh", family: str = "Thornley", dob: date | None = None
) -> Person:
    district = District.objects.get(code=district_code)
    person = Person.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.PERSON),
        given_name=given,
        family_name=family,
        date_of_birth=dob or date(2010, 3, 14),
        sex=Sex.FEMALE,
        district=district,
    )
    SourceIdentity.objects.create(
        person=person,
        agency=Agency.objects.get(code="police"),
        source_system="Niche RMS",
        source_record_id=f"T-{person.pk}",
        received_at=timezone.now(),
        district=district,
        given_name=given,
        family_name=family,
        date_of_birth=person.date_of_birth,
        sex=Sex.FEMALE,
    )
    return person


@pytest.fixture
def rotherham_child(db) -> Person:
    return make_person("rotherham")


@pytest.fixture
def sheffield_child(db) -> Person:
    return make_person("sheffield", given="Ellie", family="Cawthorne")
