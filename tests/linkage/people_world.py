"""The people app's synthetic world (Parquet) as the linkage engine's raw records, with ground truth.

Used by the benchmark and the Spark test. Ground truth stays here, in test and benchmark code: it must
never be imported into the product.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa


def parquet_world(directory: Path) -> pa.Table:
    """The people app's synthetic world (``synth.world.write_world_parquet``): records joined to their truth."""
    import pyarrow.parquet as pq

    records = pq.read_table(directory / "source_records.parquet")
    truth = pq.read_table(
        directory / "ground_truth_records.parquet", columns=["identity_id", "true_person_id"]
    )
    person_of = dict(zip(truth["identity_id"].to_pylist(), truth["true_person_id"].to_pylist(), strict=True))
    ids = records["identity_id"].to_pylist()
    lines = records["address_line_1"].to_pylist()
    postcodes = records["postcode"].to_pylist()
    return pa.table(
        {
            "unique_id": records["identity_id"],
            **{
                name: records[name]
                for name in ("given_name", "family_name", "other_names", "date_of_birth", "sex")
            },
            "address_line_1": records["address_line_1"],
            "postcode": records["postcode"],
            **{
                name: records[name]
                for name in ("nhs_number", "pupil_number", "police_person_id", "la_person_id")
            },
            "approximate_birth_year": pa.array(
                [
                    received.year - age if age is not None else None
                    for received, age in zip(
                        records["received_at"].to_pylist(),
                        records["approximate_age"].to_pylist(),
                        strict=True,
                    )
                ],
                pa.int64(),
            ),
            "recorded_year": pa.array([r.year for r in records["received_at"].to_pylist()], pa.int64()),
            "person_id": pa.array([person_of[i] for i in ids], pa.int64()),
            "household": pa.array(
                [f"{a or ''}|{p or ''}" if p else "" for a, p in zip(lines, postcodes, strict=True)]
            ),
            "agency": records["agency_code"],
        }
    )
