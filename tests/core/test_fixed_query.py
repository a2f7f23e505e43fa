"""Fixed-shape queries compiled once (tessera.core.fixed_query): the same rows as the ORM's queryset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from tessera.access.models import BreakGlassGrant
from tessera.core.fixed_query import FixedQuery
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def grants_in_force(user_id: int, now) -> QuerySet:
    return (
        BreakGlassGrant.objects.filter(user_id=user_id, expires_at__gt=now)
        .order_by("pk")
        .values_list("target_id", "expires_at")
    )


def grant(user, child, expires_in: timedelta) -> BreakGlassGrant:
    now = timezone.now()
    return BreakGlassGrant.objects.create(
        user=user,
        target_type="people.person",
        target_id=child.pk,
        path=f"/people/{child.pk}/",
        reason="Found at a hotel in Sheffield at 2am; needs her record now",
        granted_at=now,
        expires_at=now + expires_in,
    )


def test_the_rows_are_the_querysets_rows_times_included(cast):
    worker, other = cast["sw.sheffield"], cast["cse.rotherham"]
    in_force = grant(worker, make_person("rotherham"), timedelta(minutes=5))
    grant(worker, make_person("rotherham"), timedelta(minutes=-5))
    grant(other, make_person("rotherham"), timedelta(minutes=5))
    query = FixedQuery(grants_in_force, (int, type(timezone.now())))
    now = timezone.now()
    rows = query.rows(worker.pk, now)
    assert rows == list(grants_in_force(worker.pk, now)) == [(in_force.target_id, in_force.expires_at)]
    # An aware time, as the ORM gives it (SQLite hands back text).
    assert rows[0][1].tzinfo is not None
    # Other values, the same SQL: the other user's grant, and none once it has run out.
    assert [pk for pk, _ in query.rows(other.pk, now)] == [pk for pk, _ in grants_in_force(other.pk, now)]
    assert query.rows(worker.pk, now + timedelta(minutes=10)) == []


def test_the_orm_builds_the_query_once_per_thread(cast):
    built = []

    def build(user_id: int, now) -> QuerySet:
        built.append(user_id)
        return grants_in_force(user_id, now)

    query = FixedQuery(build, (int, type(timezone.now())))
    for _ in range(3):
        query.rows(cast["sw.sheffield"].pk, timezone.now())
    assert len(built) == 2  # the two sets of stand-ins, compared once


def test_a_query_that_does_not_take_an_argument_as_a_value_is_left_to_the_orm(cast):
    worker = cast["sw.sheffield"]
    in_force = grant(worker, make_person("rotherham"), timedelta(minutes=5))

    def build(user_id: int, now) -> QuerySet:
        # ``now`` reaches no parameter: the stand-ins cannot show where it would go.
        return grants_in_force(user_id, timezone.now())

    query = FixedQuery(build, (int, type(timezone.now())))
    assert query._compiled("default") is None
    assert query.rows(worker.pk, timezone.now()) == [(in_force.target_id, in_force.expires_at)]
