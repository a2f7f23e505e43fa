"""The synthetic world: deterministic, in the inspection's proportions, error-laden, with ground truth apart."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest

from tessera.people.identifiers import is_valid_nhs_number
from tessera.people.models import Link, MatchKey, Person, SourceIdentity, Vehicle
from tessera.synth.errors import swap_day_and_month, typo
from tessera.synth.models import GroundTruthPerson, GroundTruthRecord
from tessera.synth.story import REFERRAL_VOLUMES, exploited_targets
from tessera.synth.world import generate_world, write_world_parquet

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def parquet_world(tmp_path_factory):
    directory = tmp_path_factory.mktemp("world")
    summary = write_world_parquet(directory, people=3000, seed=7, now=NOW)
    return directory, summary


def test_the_same_seed_gives_the_same_world(parquet_world, tmp_path):
    directory, summary = parquet_world
    again = write_world_parquet(tmp_path, people=3000, seed=7, now=NOW)
    assert again.identities == summary.identities
    first = pq.read_table(directory / "source_records.parquet")
    second = pq.read_table(tmp_path / "source_records.parquet")
    assert first.equals(second)


def test_a_different_seed_gives_a_different_world(parquet_world, tmp_path):
    directory, _ = parquet_world
    write_world_parquet(tmp_path, people=3000, seed=8, now=NOW)
    names = pq.read_table(directory / "source_records.parquet").column("family_name").to_pylist()
    other = pq.read_table(tmp_path / "source_records.parquet").column("family_name").to_pylist()
    assert names != other


def test_exploited_children_follow_the_inspections_proportions(parquet_world):
    _, summary = parquet_world
    assert summary.people == 3000
    assert summary.exploited_children == exploited_targets(3000)
    shares = {d: n / sum(summary.exploited_children.values()) for d, n in summary.exploited_children.items()}
    volumes = {d: v / sum(REFERRAL_VOLUMES.values()) for d, v in REFERRAL_VOLUMES.items()}
    for district, share in shares.items():
        assert share == pytest.approx(volumes[district], abs=0.03)


def test_source_records_carry_the_errors_ground_truth_names(parquet_world):
    directory, _ = parquet_world
    truth = pq.read_table(directory / "ground_truth_records.parquet").to_pylist()
    errors = Counter(e for row in truth for e in row["errors"])
    for kind in (
        "nickname",
        "given_name_typo",
        "family_name_typo",
        "date_of_birth_missing",
        "alias",
        "old_address",
    ):
        assert errors[kind] > 0, kind
    records = {r["identity_id"]: r for r in pq.read_table(directory / "source_records.parquet").to_pylist()}
    people = {
        p["true_person_id"]: p for p in pq.read_table(directory / "ground_truth_people.parquet").to_pylist()
    }
    for row in truth:
        record, person = records[row["identity_id"]], people[row["true_person_id"]]
        if "date_of_birth_day_month_swapped" in row["errors"]:
            assert record["date_of_birth"] == swap_day_and_month(person["date_of_birth"])
        elif not row["errors"]:
            assert (record["given_name"], record["family_name"]) == (
                person["given_name"],
                person["family_name"],
            )


def test_exploited_children_have_a_start_date_and_a_network(parquet_world):
    directory, _ = parquet_world
    people = pq.read_table(directory / "ground_truth_people.parquet").to_pylist()
    exploited = [p for p in people if p["exploitation_status"] == "exploited"]
    assert exploited
    assert all(p["exploitation_started_on"] and p["network"] for p in exploited)
    assert all(p["exploitation_started_on"] <= NOW.date() for p in exploited)
    assert {p["role"] for p in people} >= {"child", "parent", "adult", "exploiter"}


def test_identifiers_cannot_belong_to_anyone_real(parquet_world):
    directory, _ = parquet_world
    records = pq.read_table(directory / "source_records.parquet").to_pylist()
    nhs = [r["nhs_number"] for r in records if r["nhs_number"]]
    assert nhs
    assert all(n.startswith("999") and is_valid_nhs_number(n) for n in nhs), "NHS test range only"


@pytest.mark.django_db
def test_the_world_loads_into_the_database_with_ground_truth_kept_apart(cast):
    summary = generate_world(people=600, seed=11, now=NOW)
    assert Person.objects.count() == summary.persons >= 600
    assert SourceIdentity.objects.count() == summary.identities == GroundTruthRecord.objects.count()
    assert GroundTruthPerson.objects.count() == 600
    assert Link.objects.count() == summary.links > 0
    assert MatchKey.objects.count() == summary.match_keys > 0
    assert MatchKey.objects.filter(key__startswith="fsx+dob:").exists(), "search before create can find them"
    assert all(
        any(ch in "IQ" for ch in r[-3:]) for r in Vehicle.objects.values_list("registration", flat=True)
    )
    # Every person has at least one source record, and unmatched duplicates exist for linkage to find.
    assert not Person.objects.filter(identities__isnull=True).exists()
    person_of = dict(SourceIdentity.objects.values_list("pk", "person_id"))
    clusters: dict[int, set[int]] = {}
    for truth_id, identity_id in GroundTruthRecord.objects.values_list("true_person_id", "identity_id"):
        assert identity_id is not None
        clusters.setdefault(truth_id, set()).add(person_of[identity_id])
    assert any(len(persons) > 1 for persons in clusters.values()), "some records were never matched"
    assert all(len(persons) <= 3 for persons in clusters.values())


@pytest.mark.django_db
def test_a_generated_person_is_found_by_a_misspelt_name_and_date_of_birth(cast, client_for):
    generate_world(people=400, seed=3, now=NOW)
    identity = SourceIdentity.objects.filter(
        date_of_birth__isnull=False, person__district__code="rotherham"
    ).first()
    assert identity is not None
    misspelt = typo(random.Random(1), identity.family_name)
    text = f"{identity.given_name} {misspelt} {identity.date_of_birth:%d/%m/%Y}"
    page = client_for("cse.rotherham").get("/people/search/", {"q": text}).content.decode()
    assert f"/people/{identity.person_id}/" in page


def test_typos_always_change_the_name():
    rng = random.Random(4)
    for name in ("Thornley", "Amy", "Hallam", "Oughtibridge"):
        for _ in range(50):
            assert typo(rng, name) != name
