"""The synthetic world's source records and ground truth as Parquet files, for linkage work.

Files written to the directory:

- ``source_records.parquet``: one row per agency record, as the agency holds it (errors included),
  with its address. This is what an import would receive.
- ``ground_truth_records.parquet``: which true person each record is about, and the errors it carries.
- ``ground_truth_people.parquet``: each true person, their role, exploitation status and start date.

The ground-truth files must never be imported into the product.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tessera.synth.tables import TABLES, Rows

SOURCE_RECORDS = pa.schema(
    [
        ("agency_code", pa.string()),
        ("source_system", pa.string()),
        ("source_record_id", pa.string()),
        ("received_at", pa.timestamp("us", tz="UTC")),
        ("district_code", pa.string()),
        ("given_name", pa.string()),
        ("middle_names", pa.string()),
        ("family_name", pa.string()),
        ("other_names", pa.list_(pa.string())),
        ("date_of_birth", pa.date32()),
        ("approximate_age", pa.int16()),
        ("sex", pa.string()),
        ("ethnicity", pa.string()),
        ("disability", pa.string()),
        ("police_person_id", pa.string()),
        ("nhs_number", pa.string()),
        ("pupil_number", pa.string()),
        ("la_person_id", pa.string()),
        ("address_line_1", pa.string()),
        ("town", pa.string()),
        ("postcode", pa.string()),
        ("identity_id", pa.int64()),
    ]
)
TRUTH_RECORDS = pa.schema(
    [
        ("agency_code", pa.string()),
        ("source_system", pa.string()),
        ("source_record_id", pa.string()),
        ("true_person_id", pa.int64()),
        ("identity_id", pa.int64()),
        ("errors", pa.list_(pa.string())),
    ]
)
TRUTH_PEOPLE = pa.schema(
    [
        ("true_person_id", pa.int64()),
        ("role", pa.string()),
        ("given_name", pa.string()),
        ("family_name", pa.string()),
        ("date_of_birth", pa.date32()),
        ("sex", pa.string()),
        ("ethnicity", pa.string()),
        ("district_code", pa.string()),
        ("exploitation_status", pa.string()),
        ("exploitation_started_on", pa.date32()),
        ("network", pa.int32()),
        ("person_id", pa.int64()),
    ]
)


class ParquetWorld:
    """Appends each slice of rows to the three files; ``close`` finishes them."""

    def __init__(self, directory: Path, district_codes: dict[int, str], agency_codes: dict[int, str]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.district_codes = district_codes
        self.agency_codes = agency_codes
        self.writers = {
            "records": pq.ParquetWriter(directory / "source_records.parquet", SOURCE_RECORDS),
            "truth_records": pq.ParquetWriter(directory / "ground_truth_records.parquet", TRUTH_RECORDS),
            "truth_people": pq.ParquetWriter(directory / "ground_truth_people.parquet", TRUTH_PEOPLE),
        }
        # Locations are written before the people who live there, possibly in an earlier slice.
        self.places: dict[int, tuple[str, str, str]] = {}

    def add(self, rows: Rows) -> None:
        columns = TABLES["people_location"]
        for loc in rows.by_table["people_location"]:
            record = dict(zip(columns, loc, strict=True))
            if record["kind"] == "home" or record["kind"] == "childrens_home":
                self.places[record["id"]] = (record["address_line_1"], record["town"], record["postcode"])
        address_of = {row[1]: row[2] for row in rows.by_table["people_identityaddress"]}
        records: list[dict[str, Any]] = []
        identity_columns = TABLES["people_sourceidentity"]
        for row in rows.by_table["people_sourceidentity"]:
            r = dict(zip(identity_columns, row, strict=True))
            line_1, town, postcode = self.places.get(address_of.get(r["id"], 0), ("", "", ""))
            records.append(
                {
                    "agency_code": self.agency_codes[r["agency_id"]],
                    "source_system": r["source_system"],
                    "source_record_id": r["source_record_id"],
                    "received_at": r["received_at"],
                    "district_code": self.district_codes[r["district_id"]],
                    **{k: r[k] for k in ("given_name", "middle_names", "family_name", "other_names")},
                    **{
                        k: r[k]
                        for k in ("date_of_birth", "approximate_age", "sex", "ethnicity", "disability")
                    },
                    **{k: r[k] for k in ("police_person_id", "nhs_number", "pupil_number", "la_person_id")},
                    "address_line_1": line_1,
                    "town": town,
                    "postcode": postcode,
                    "identity_id": r["id"],
                }
            )
        truth_records = [
            {
                "agency_code": agency,
                "source_system": system,
                "source_record_id": record_id,
                "true_person_id": truth,
                "identity_id": identity_id,
                "errors": errors.split(",") if errors else [],
            }
            for _, truth, agency, system, record_id, identity_id, errors in rows.by_table[
                "synth_groundtruthrecord"
            ]
        ]
        people_columns = TABLES["synth_groundtruthperson"]
        truth_people = []
        for row in rows.by_table["synth_groundtruthperson"]:
            person = dict(zip(people_columns, row, strict=True))
            person["true_person_id"] = person.pop("id")
            truth_people.append(person)
        self._write("records", records, SOURCE_RECORDS)
        self._write("truth_records", truth_records, TRUTH_RECORDS)
        self._write("truth_people", truth_people, TRUTH_PEOPLE)

    def _write(self, name: str, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
        if rows:
            self.writers[name].write_table(pa.Table.from_pylist(rows, schema=schema))

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
