"""The same model on Splink's Spark backend (pyspark local mode) gives the same people as on DuckDB.

Tolerance: the two clusterings agree on at least 99.5% of record pairs (pairwise F1 of one against the
other). Spark's Jaro-Winkler comes from Splink's Scala library rather than DuckDB, so a pair sitting
exactly on a similarity threshold could in principle land on a different level.
"""

import duckdb
import pytest

from tessera.linkage import engine
from tessera.linkage.bands import Bands
from tessera.linkage.clustering import cluster
from tessera.linkage.evaluation import pairwise_cluster_scores
from tessera.linkage.spark import local_session, predict_on_spark
from tessera.synth.world import write_world_parquet
from tests.linkage.people_world import parquet_world

pytestmark = pytest.mark.spark


def test_ten_thousand_records_give_the_same_clusters_on_spark_as_on_duckdb(tmp_path):
    # The people app's synthetic world, as written for linkage work (about 1.4 records per person).
    write_world_parquet(tmp_path, people=7300, seed=3)
    raw = parquet_world(tmp_path)
    assert raw.num_rows >= 10_000
    con = duckdb.connect()
    table = engine.prepare(con, raw)
    model = engine.train(con, table)
    bands = Bands()
    pairs = engine.predict(con, table, model, bands.auto_link)
    ids = raw["unique_id"].to_pylist()
    duck_edges, facts = engine.edges_with_facts(con, table, pairs, bands.auto_link, extra_ids=ids)
    prepared = con.sql(f"SELECT * FROM {table}").to_arrow_table()
    session = local_session()
    try:
        spark_edges = predict_on_spark(session, session.createDataFrame(prepared), model, bands.auto_link)
    finally:
        session.stop()
    duck = cluster(ids, duck_edges, facts).cluster_of
    spark = cluster(ids, spark_edges, facts).cluster_of
    agreement = pairwise_cluster_scores(spark, duck)
    assert agreement.f1 >= 0.995, agreement
    assert abs(len(spark_edges) - len(duck_edges)) <= 0.005 * len(duck_edges)
