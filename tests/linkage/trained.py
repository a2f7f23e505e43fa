"""A linkage model trained on the stand-in world, once per test process, for tests that need realistic
weights (matching on arrival): Splink's starting parameters weigh every agreeing field alike."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import duckdb

from tessera.linkage import engine
from tessera.linkage.bands import Bands
from tessera.linkage.model_spec import SPEC_VERSION
from tessera.linkage.models import LinkageModel
from tests.linkage.synthetic import generate


@lru_cache(maxsize=1)
def _trained() -> tuple[dict[str, Any], dict[str, Any]]:
    con = duckdb.connect()
    table = engine.prepare(con, generate(2000, seed=11))
    parameters = engine.train(con, table)
    con.close()
    return parameters, engine.scoring_weights(parameters)


def active_trained_model(version: int = 1) -> LinkageModel:
    parameters, weights = _trained()
    bands = Bands()
    return LinkageModel.objects.create(
        version=version, spec_version=SPEC_VERSION, record_count=2000, parameters=parameters,
        weights=weights, auto_link_threshold=bands.auto_link, review_threshold=bands.review,
        is_active=True,
    )  # fmt: skip
