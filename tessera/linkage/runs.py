"""One linkage run over the database: export, train or reuse the model, score, cluster, plan, apply.

The plan (which people to merge, which pairs to send for review) is worked out in one go and written to
a file; applying it is done in chunks, each committed with the job's checkpoint. A worker killed while
applying resumes at the first merge not yet committed; one killed while planning plans again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db.models import Max

from tessera.accounts.models import User
from tessera.linkage import engine
from tessera.linkage.bands import Bands
from tessera.linkage.clustering import SAFETY_RULES, Clustering, RecordFacts, SafetyRule, cluster
from tessera.linkage.evaluation import label_scores
from tessera.linkage.features import record_features
from tessera.linkage.model_spec import SPEC_VERSION
from tessera.linkage.models import LinkageModel, LinkageRun, MatchLabel
from tessera.linkage.safety import hold_for_review
from tessera.linkage.scoring import score
from tessera.linkage.services import current_labels
from tessera.people.match_index import identity_record, latest_addresses
from tessera.people.models import IdentityAddress, SourceIdentity

EXPORT_BATCH = 20000


def export_records() -> tuple[pa.Table, dict[int, int]]:
    """Every source identity (with its latest address) as the engine's raw table, and identity -> person."""
    latest: dict[int, tuple[str, str, str]] = {}
    for identity_id, line_1, town, postcode in (
        IdentityAddress.objects.order_by("identity_id", "from_date", "pk")
        .values_list("identity_id", "location__address_line_1", "location__town", "location__postcode")
        .iterator(chunk_size=EXPORT_BATCH)
    ):
        latest[identity_id] = (line_1, town, postcode)
    columns: dict[str, list[Any]] = {name: [] for name in engine.RAW_COLUMNS}
    person_of: dict[int, int] = {}
    fields = (
        "pk", "person_id", "given_name", "family_name", "other_names", "date_of_birth", "sex",
        "nhs_number", "pupil_number", "police_person_id", "la_person_id", "approximate_age", "received_at",
    )  # fmt: skip
    for row in SourceIdentity.objects.order_by("pk").values_list(*fields).iterator(chunk_size=EXPORT_BATCH):
        pk, person_id, given, family, other, dob, sex, nhs, upn, police, la, age, received = row
        line_1, town, postcode = latest.get(pk, ("", "", ""))
        person_of[pk] = person_id
        for name, value in (
            ("unique_id", pk), ("given_name", given), ("family_name", family),
            ("other_names", list(other or [])), ("date_of_birth", dob), ("sex", sex),
            # The town as matching one record reads it (people.match_index), so both score alike.
            ("address_line_1", line_1), ("town", town), ("postcode", postcode), ("nhs_number", nhs),
            ("pupil_number", upn), ("police_person_id", police), ("la_person_id", la),
            ("approximate_birth_year", received.year - age if age is not None else None),
            ("recorded_year", received.year),
        ):  # fmt: skip
            columns[name].append(value)
    schema = pa.schema(
        [
            ("unique_id", pa.int64()),
            ("given_name", pa.string()),
            ("family_name", pa.string()),
            ("other_names", pa.list_(pa.string())),
            ("date_of_birth", pa.date32()),
            *((name, pa.string()) for name in engine.RAW_COLUMNS[5:-2]),
            ("approximate_birth_year", pa.int64()),
            ("recorded_year", pa.int64()),
        ]
    )
    return pa.table(columns, schema=schema), person_of


def train_new_version(
    con: duckdb.DuckDBPyConnection, table: str, record_count: int, user: User
) -> LinkageModel:
    parameters = engine.train(con, table)
    weights = engine.scoring_weights(parameters)
    bands = Bands()
    version = (LinkageModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    model = LinkageModel.objects.create(
        version=version,
        spec_version=SPEC_VERSION,
        trained_by=user,
        record_count=record_count,
        parameters=parameters,
        weights=weights,
        auto_link_threshold=bands.auto_link,
        review_threshold=bands.review,
        evaluation=evaluate_against_labels(weights, bands),
    )
    LinkageModel.objects.exclude(pk=model.pk).update(is_active=False)
    LinkageModel.objects.filter(pk=model.pk).update(is_active=True)
    save_model_file(model)
    return model


def save_model_file(model: LinkageModel) -> Path:
    """The versioned model JSON on disk too, so it can be read, compared and carried to a Spark cluster."""
    folder = Path(settings.VAR_DIR) / "linkage" / "models"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"model-v{model.version}.json"
    document = {
        "version": model.version,
        "spec_version": model.spec_version,
        "trained_at": model.created_at.isoformat(),
        "record_count": model.record_count,
        "bands": {"auto_link": model.auto_link_threshold, "review": model.review_threshold},
        "splink": model.parameters,
    }
    path.write_text(json.dumps(document, indent=1, sort_keys=True))
    return path


def evaluate_against_labels(weights: dict[str, Any], bands: Bands) -> dict[str, Any]:
    """Score the model on every standing decision people have made (their labels outlive retraining)."""
    labels = list(
        MatchLabel.objects.filter(superseded_by__isnull=True).values_list("left_id", "right_id", "is_match")
    )
    if not labels:
        return {"labels": 0}
    ids = {i for left, right, _ in labels for i in (left, right)}
    addresses = latest_addresses(ids)
    features = {
        identity.pk: record_features(identity_record(identity, addresses.get(identity.pk)))
        for identity in SourceIdentity.objects.filter(pk__in=ids)
    }
    decisions = [(score(features[a], features[b], weights).match_probability, same) for a, b, same in labels]
    auto = label_scores(decisions, bands.auto_link)
    review = label_scores(decisions, bands.review)
    return {"labels": len(labels), "auto_link": auto.as_dict(), "review_or_above": review.as_dict()}


def plan_run(run: LinkageRun) -> dict[str, Any]:
    """Work out every merge and review pair for this run (no writes to people yet)."""
    raw, person_of = export_records()
    con = duckdb.connect()
    table = engine.prepare(con, raw)
    # A model trained under an earlier spec compares other fields in other ways: train afresh instead.
    active = LinkageModel.objects.filter(is_active=True, spec_version=SPEC_VERSION)
    model = None if run.retrain else active.first()
    if model is None:
        model = train_new_version(con, table, raw.num_rows, run.started_by)
    LinkageRun.objects.filter(pk=run.pk).update(
        model=model, record_count=raw.num_rows, bad_values=engine.bad_values(con)
    )
    pairs = engine.predict(con, table, model.parameters, model.review_threshold)
    must, cannot = current_labels()
    members: dict[int, list[int]] = defaultdict(list)
    for identity, person in person_of.items():
        members[person].append(identity)
    # People as they stand are decisions too: their records stay together.
    must += [(ids[0], other) for ids in members.values() for other in ids[1:]]
    labelled = {i for pair in must + cannot for i in pair}
    auto_edges, facts = engine.edges_with_facts(
        con, table, pairs, model.auto_link_threshold, labelled, facts_from=model.review_threshold
    )
    scored = con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability, match_weight FROM {pairs}"  # noqa: S608 - engine table names, not user input
    ).fetchall()
    con.close()
    rules = engine.rules_for(model.parameters)
    result = cluster(person_of.keys(), auto_edges, facts, must_link=must, cannot_link=cannot, rules=rules)
    decided = {(a, b) for a, b in must} | {(a, b) for a, b in cannot} | {(b, a) for a, b in must + cannot}
    evidence = _strongest_pair_per_person(scored, person_of, result.cluster_of)
    merges = []
    for records in result.clusters().values():
        persons = sorted({person_of[r] for r in records})
        merges += [[persons[0], absorbed, evidence.get(absorbed)] for absorbed in persons[1:]]
    review, never = review_plan(scored, result, facts, decided, rules)
    return {
        "model": model.pk,
        "pairs": len(scored),
        "merges": merges,
        "review": review,
        "never_offered": never,
    }


def review_plan(
    scored: list[tuple[int, int, float, float]],
    result: Clustering,
    facts: dict[int, RecordFacts],
    decided: set[tuple[int, int]],
    rules: tuple[SafetyRule, ...] = SAFETY_RULES,
) -> tuple[list[list[Any]], int]:
    """The pairs a person is asked about, each [left, right, probability, weight, held back because, rule],
    and how many pairs were not offered at all because a rule says they are no likely match.

    A pair in the review band is judged by the safety rules too, so possible siblings at 0.98 carry the
    same warning as at 0.999; an adult and a child are offered at neither.
    """
    review = []
    never = 0
    for a, b, probability, weight in scored:
        if (a, b) in decided or result.cluster_of[a] == result.cluster_of[b]:
            continue
        hold = hold_for_review(facts.get(a, RecordFacts()), facts.get(b, RecordFacts()), rules)
        if hold is not None and not hold.offered:
            never += 1
            continue
        # Every pair at the automatic band not in one cluster was refused by clustering, with its reason.
        if (a, b) in result.reasons:
            reason, rule = result.reasons[(a, b)], result.rules[(a, b)]
        elif hold is not None:
            reason, rule = hold.rule.reason, hold.rule.name
        else:
            reason, rule = "", ""
        review.append([a, b, probability, weight, reason, rule])
    return review, never


def _strongest_pair_per_person(
    scored: list[tuple[int, int, float, float]], person_of: dict[int, int], cluster_of: dict[int, Any]
) -> dict[int, list[Any]]:
    """For each person a run will merge, the best-scoring pair joining them to someone else in their cluster.

    If the merge cannot be made (the person who started the run may not merge one of the two people), that
    pair goes to the review queue instead, so someone who may see both decides.
    """
    best: dict[int, list[Any]] = {}
    for a, b, probability, weight in scored:
        if cluster_of[a] != cluster_of[b] or person_of[a] == person_of[b]:
            continue
        for person in (person_of[a], person_of[b]):
            if person not in best or probability > best[person][2]:
                best[person] = [a, b, probability, weight]
    return best


def plan_path(run: LinkageRun) -> Path:
    folder = Path(settings.VAR_DIR) / "linkage" / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"run-{run.pk}.json"
