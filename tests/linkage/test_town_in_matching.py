"""The town reaches linkage on both paths (issue 13, ADR 0030): the batch run's export and the one-record
matcher read the same town from a record's latest address, so a pair scores alike on both."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.linkage.features import record_features
from tessera.linkage.runs import export_records
from tessera.people.match_index import identity_record, latest_addresses
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Location,
    LocationKind,
    PoleEntity,
    SourceIdentity,
)
from tests.conftest import make_person


@pytest.fixture
def leah_in_maltby(db, cast):
    person = make_person("rotherham", "Leah", "Stainley", date(2011, 9, 3))
    location = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION), kind=LocationKind.HOME,
        address_line_1="14 Millstone Walk", town="Maltby", postcode="S66 8BD", district=person.district,
    )  # fmt: skip
    identity = SourceIdentity.objects.get(person=person)
    IdentityAddress.objects.create(identity=identity, location=location)
    return identity


def test_the_batch_export_gives_the_town_of_the_latest_address(leah_in_maltby):
    raw, _ = export_records()
    row = raw.to_pylist()[raw["unique_id"].to_pylist().index(leah_in_maltby.pk)]
    assert row["town"] == "Maltby"
    assert row["address_line_1"] == "14 Millstone Walk"


def test_matching_one_record_reads_the_same_town(leah_in_maltby):
    address = latest_addresses([leah_in_maltby.pk])[leah_in_maltby.pk]
    features = record_features(identity_record(leah_in_maltby, address))
    assert features["locality"] == "maltby"
    assert features["house_number"] == "14"
