"""Bulk-load a synthetic world into the database for the interactive benchmark (raw SQL, fast)."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from tessera.core.models import Agency, District
from tessera.core.reference_data import seed_reference_data
from tessera.people.match_index import keys_for_record
from tessera.synth.cast import seed_cast

BATCH = 50_000


def load_world(raw) -> None:
    seed_reference_data()
    seed_cast()
    district = District.objects.get(code="rotherham").pk
    agency = Agency.objects.get(code="police").pk
    now = timezone.now().isoformat()
    rows = raw.to_pylist()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            base = start + 1
            cursor.executemany(
                "INSERT INTO people_poleentity (id, kind) VALUES (%s, %s)",
                [(base + i, "person") for i in range(len(chunk))],
            )
            cursor.executemany(
                "INSERT INTO people_person (id, entity_id, given_name, family_name, sex, district_id, version, "
                "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, 1, %s, %s)",
                [(base + i, base + i, r["given_name"], r["family_name"], r["sex"], district, now, now)
                 for i, r in enumerate(chunk)],
            )  # fmt: skip
            cursor.executemany(
                "INSERT INTO people_sourceidentity (id, person_id, agency_id, source_system, source_record_id, "
                "received_at, district_id, given_name, middle_names, family_name, other_names, date_of_birth, sex, "
                "ethnicity, disability, police_person_id, nhs_number, pupil_number, la_person_id, "
                "identifiers_failing_check, created_at, updated_at) "
                "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,'',%s,'[]',%s,%s,'not_stated','',%s,%s,%s,%s,'{}',%s,%s)",
                [(base + i, base + i, agency, r["agency"], str(r["unique_id"]), now, district, r["given_name"],
                  r["family_name"], r["date_of_birth"], r["sex"], r["police_person_id"], r["nhs_number"],
                  r["pupil_number"], r["la_person_id"], now, now) for i, r in enumerate(chunk)],
            )  # fmt: skip
            # One person per record here, so each record's keys are its person's.
            keys = [(base + i, key) for i, r in enumerate(chunk) for key in keys_for_record(r)]
            cursor.executemany("INSERT INTO people_matchkey (person_id, key) VALUES (%s, %s)", keys)
            located = [(i, r) for i, r in enumerate(chunk) if r["postcode"]]
            offset = len(rows) + start + 1
            cursor.executemany(
                "INSERT INTO people_poleentity (id, kind) VALUES (%s, %s)",
                [(offset + i, "location") for i, _ in located],
            )
            cursor.executemany(
                "INSERT INTO people_location (id, entity_id, kind, name, address_line_1, address_line_2, town, "
                "postcode, district_id, created_at, updated_at) VALUES (%s,%s,'home','',%s,'','',%s,%s,%s,%s)",
                [(offset + i, offset + i, r["address_line_1"], r["postcode"], district, now, now) for i, r in located],
            )  # fmt: skip
            cursor.executemany(
                "INSERT INTO people_identityaddress (identity_id, location_id) VALUES (%s, %s)",
                [(base + i, offset + i) for i, _ in located],
            )
