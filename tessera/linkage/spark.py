"""The same model on Splink's Spark backend, for national scale (tens of millions of records).

Nothing about the model changes: the comparisons and blocking rules come from ``model_spec`` written in
Spark SQL, and the trained m and u probabilities are copied across from the saved model. On a cluster
the Spark session comes from the platform (spark-submit, Databricks, EMR); locally, ``local_session``
starts pyspark in local mode for tests.
"""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from tessera.linkage.engine import splink_settings
from tessera.linkage.model_spec import settings_for, with_trained_parameters


def local_session(cores: int = 2) -> Any:
    """A local-mode Spark session with Splink's similarity functions (jaro_winkler and friends) loaded."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("tessera-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.default.parallelism", str(cores * 2))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="tessera-spark-"))
    session.sparkContext.setLogLevel("ERROR")
    # py4j says goodbye at interpreter exit, after logging's streams have closed; keep it quiet.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    return session


def predict_on_spark(
    session: Any, records: Any, model: dict[str, Any], threshold: float
) -> list[tuple[int, int, float]]:
    """Score every blocked pair of ``records`` (a Spark DataFrame of prepared linkage rows) with ``model``."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    settings = with_trained_parameters(
        settings_for("spark", model["tessera_prediction_rules"]), splink_settings(model)
    )
    api = SparkAPI(spark_session=session)
    linker = Linker(api.register(records), settings, log_level=None)
    # The term frequencies scaled as on DuckDB (engine.register_term_frequencies), so the two agree.
    for column, scale in model.get("tessera_term_frequency_scale", {}).items():
        recorded = records.filter(records[column].isNotNull())
        total = max(recorded.count(), 1)
        counts = recorded.groupBy(column).count()
        frequencies = counts.select(
            counts[column], (counts["count"] / total * float(scale)).alias(f"tf_{column}")
        )
        linker.table_management.register_term_frequency_lookup(api.register(frequencies), column)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    rows = (
        predictions.as_spark_dataframe().select("unique_id_l", "unique_id_r", "match_probability").collect()
    )
    return [(int(r[0]), int(r[1]), float(r[2])) for r in rows]
