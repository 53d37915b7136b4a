"""scripts/glue/glue_job.py against the real awsglue package (PyPI awsgluedataplanepython).

getResolvedOptions, Job, DynamicFrameReader.from_catalog and the imports are Glue's own code.
Faked, because they are Glue's JVM classes (not on PyPI): FakeGlueContext (the Scala
GlueContext behind the Python one: catalog reads serve Spark frames of the test snapshot)
and FakeGlueJvmJob (com.amazonaws.services.glue.util.Job, which the real Job.init/commit
call). AWS clients are FakeAwsClient; the runner's `run` is replaced in the wiring tests.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrameReader
from awsglue.utils import GlueArgumentError
from tests.unit.job import scenario
from tests.unit.job.snap import write_snapshot

from cinema_metrics.job.config import DynamoTarget, RunConfig
from cinema_metrics.sources import load_dimensions_csv
from cinema_metrics.spark import JOB_SPARK_CONF

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_ARGS = {
    "JOB_NAME": "cinema-test-metrics",
    "database": "cinema_test",
    "catalog_table_prefix": "src_",
    "bucket": "data-bucket",
    "pos_prefix": "raw/pos/",
    "curated_prefix": "curated/",
    "state_prefix": "curated/_state/",
    "dynamodb_table_prefix": "cinema-test-",
}
REQUIRED_ARGV = ["glue_job.py", *(t for name, value in REQUIRED_ARGS.items() for t in (f"--{name}", value))]
# What Glue itself adds to every run's argv (and Terraform's bookmark setting).
GLUE_ARGV = [
    "--JOB_ID", "j_0123", "--JOB_RUN_ID", "jr_0123", "--TempDir", "s3://tmp-bucket/glue/",
    "--job-bookmark-option", "job-bookmark-disable",
]  # fmt: skip
OPTIONAL_ARGV = ["--pos_queue_url", "https://sqs.test/pos", "--keys_table", "cinema-test-keys"]
ARGV = REQUIRED_ARGV + GLUE_ARGV
# Values the entry must overwrite: a session configured otherwise (Glue's defaults differ).
OTHER_CONF = {
    "spark.sql.session.timeZone": "Europe/Paris",
    "spark.sql.execution.arrow.pyspark.enabled": "false",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.sources.partitionOverwriteMode": "static",
}


class FakeAwsClient:
    """Stands in for a boto3 client; records CloudWatch metric publications."""

    def __init__(self, service: str, calls: list, fail: bool = False):
        self.service, self.calls, self.fail = service, calls, fail

    def put_metric_data(self, **kw: Any) -> None:
        if self.fail:
            raise RuntimeError("fake CloudWatch unavailable")
        self.calls.append(("put_metric_data", kw))


class FakeGlueJvmJob:
    """Fake of the Scala com.amazonaws.services.glue.util.Job that awsglue.job.Job calls."""

    def __init__(self, calls: list):
        self.calls = calls

    def init(self, job_name: str, jspark_session: Any, args: dict) -> None:
        self.calls.append(("job.init", job_name, dict(args)))

    def commit(self) -> None:
        self.calls.append(("job.commit",))


class FakeGlueJvm:
    """The JVM view a GlueContext carries: only the Glue Job class is needed here."""

    def __init__(self, calls: list):
        self.Job = FakeGlueJvmJob(calls)


class FakeGlueContext(GlueContext):
    """Fake of GlueContext's JVM side: the real class needs Glue's Scala GlueContext.

    A subclass, so the real awsglue.job.Job accepts it; `create_dynamic_frame` is the real
    DynamicFrameReader, whose from_catalog lands in create_dynamic_frame_from_catalog below
    (same signature as Glue's), which serves the catalog from Spark frames.
    """

    catalog: ClassVar[dict[tuple[str, str], Any]] = {}
    calls: ClassVar[list] = []

    def __init__(self, spark_context: Any, **options: Any):
        from pyspark.sql import SparkSession

        self._sc = spark_context
        self._jvm = FakeGlueJvm(self.calls)
        self.sparkSession = self.spark_session = SparkSession.builder.getOrCreate()
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.calls.append(("GlueContext",))

    def create_dynamic_frame_from_catalog(
        self,
        database=None,
        table_name=None,
        redshift_tmp_dir="",
        transformation_ctx="",
        push_down_predicate="",
        additional_options=None,
        catalog_id=None,
        **kwargs,
    ):
        time_zone = self.spark_session.conf.get("spark.sql.session.timeZone")
        self.calls.append(("from_catalog", database, table_name, transformation_ctx, time_zone))
        return FakeDynamicFrame(self.catalog[(database, table_name)])


class FakeDynamicFrame:
    """A catalog read's result: toDF gives the (real) Spark DataFrame."""

    def __init__(self, df: Any):
        self._df = df

    def toDF(self) -> Any:
        return self._df


def crawled_tables(src: Path) -> dict[tuple[str, str], pd.DataFrame]:
    """The snapshot's six tables as the crawler catalogs them: every column, the job's typed
    (a nullable INT column is LongType with NULLs), the personal ones as text."""
    tables = {}
    for (db, table), frame in load_dimensions_csv(src).items():
        frame = frame.copy()
        frame.attrs = {}  # loader metadata Arrow cannot serialise; a catalog table has none
        for column in frame.columns:
            values = frame[column].dropna()
            if frame[column].dtype == "float64" and values.map(float.is_integer).all():
                frame[column] = frame[column].astype("Int64")
        raw = pd.read_csv(src / db / f"{table}.csv", dtype=str, keep_default_na=False)
        for column in raw.columns.difference(frame.columns):
            frame[column] = raw[column]
        tables[(db, table)] = frame
    return tables


@pytest.fixture(scope="module")
def catalog(spark, tmp_path_factory) -> dict[tuple[str, str], Any]:
    """The test snapshot's six tables as the crawler names them, as Spark frames."""
    src = tmp_path_factory.mktemp("catalog-src")
    write_snapshot(src, scenario.POS)
    return {
        ("cinema_test", f"src_{db}_{table}"): spark.createDataFrame(frame)
        for (db, table), frame in crawled_tables(src).items()
    }


@pytest.fixture
def entry(monkeypatch):
    """scripts/glue/glue_job.py, imported fresh (argument parsing needs no Spark)."""
    monkeypatch.syspath_prepend(str(ROOT / "scripts" / "glue"))
    monkeypatch.delitem(sys.modules, "glue_job", raising=False)
    return importlib.import_module("glue_job")


@pytest.fixture
def glue(monkeypatch, spark, catalog, entry):
    """(glue_job, calls, seen): the JVM side faked; seen holds what the replaced runner got."""
    calls: list = []
    monkeypatch.setattr(FakeGlueContext, "calls", calls)
    monkeypatch.setattr(FakeGlueContext, "catalog", catalog)
    monkeypatch.setattr("awsglue.context.GlueContext", FakeGlueContext)
    monkeypatch.setattr("boto3.client", lambda service, **kw: FakeAwsClient(service, calls))
    # State lives in S3 now: a driver temp folder would be invisible to the executors.
    monkeypatch.setattr("tempfile.mkdtemp", lambda *a, **k: pytest.fail("glue_job made a temp dir"))
    seen: dict[str, Any] = {}

    def fake_run(config: RunConfig, spark: Any = None) -> dict:
        seen.update(config=config, spark=spark, conf={k: spark.conf.get(k) for k in JOB_SPARK_CONF})
        calls.append(("run",))
        return {"lines_read": 10, "lines_quarantined": 2}

    # raising=False: the lead's runner.run may not exist yet.
    monkeypatch.setattr("cinema_metrics.job.runner.run", fake_run, raising=False)
    before = {k: spark.conf.get(k) for k in JOB_SPARK_CONF}
    for key, value in OTHER_CONF.items():
        spark.conf.set(key, value)
    yield entry, calls, seen
    for key, value in before.items():
        spark.conf.set(key, value)


def names(calls: list) -> list[str]:
    return [c[0] for c in calls]


def test_awsglue_is_the_real_package():
    import awsglue

    dist = importlib.metadata.distribution("awsgluedataplanepython")
    assert Path(awsglue.__file__).resolve() == Path(dist.locate_file("awsglue/__init__.py")).resolve()
    assert not (ROOT / "tests" / "unit" / "glue_test_double").exists()


def test_required_and_glue_arguments_parse(entry):
    job = entry
    args = job.resolve_arguments(ARGV)
    assert set(job.REQUIRED) == set(REQUIRED_ARGS)
    assert {k: args[k] for k in job.REQUIRED} == REQUIRED_ARGS
    assert args["pos_queue_url"] is None and args["keys_table"] is None
    assert args["JOB_RUN_ID"] == "jr_0123" and args["job_bookmark_option"] == "job-bookmark-disable"


@pytest.mark.parametrize("name", list(REQUIRED_ARGS))
def test_each_required_argument_is_required(entry, name):
    job = entry
    i = REQUIRED_ARGV.index(f"--{name}")
    with pytest.raises(GlueArgumentError, match=f"--{name}"):
        job.resolve_arguments(REQUIRED_ARGV[:i] + REQUIRED_ARGV[i + 2 :])


@pytest.mark.parametrize(
    "extra, queue, keys, reconcile",
    [
        ([], None, None, False),
        (OPTIONAL_ARGV, "https://sqs.test/pos", "cinema-test-keys", False),
        (["--keys_table=cinema-test-keys"], None, "cinema-test-keys", False),
        (["--pos_queue_url", "https://sqs.test/pos"], "https://sqs.test/pos", None, False),
        (["--reconcile", "true"], None, None, True),
        (["--reconcile", "false"], None, None, False),
    ],
)
def test_optional_arguments_reach_the_config(entry, extra, queue, keys, reconcile):
    job = entry
    config = job.build_config(job.resolve_arguments(ARGV + extra), "ddb", "dims")
    assert config == RunConfig(
        output="s3://data-bucket/curated/",
        state="s3://data-bucket/curated/_state/",
        pos="s3://data-bucket/raw/pos/",
        pos_queue_url=queue,
        keys_table=keys,
        reconcile=reconcile,
        dynamodb=DynamoTarget("ddb", "cinema-test-"),
        dimensions="dims",
        lease_group="jr_0123",  # the job run: its retry attempts take over each other's lease
    )
    assert config.sources is None and config.mysql_url is None and config.aws_endpoint is None


def test_optional_argument_without_value_is_rejected(entry):
    job = entry
    with pytest.raises(GlueArgumentError, match="--keys_table"):
        job.resolve_arguments([*ARGV, "--keys_table"])


def test_main_wires_the_run_and_commits_after_every_write(glue, spark):
    job, calls, seen = glue
    assert job.main(ARGV + OPTIONAL_ARGV) == {"lines_read": 10, "lines_quarantined": 2}

    config = seen["config"]
    assert isinstance(config, RunConfig) and seen["spark"] is spark
    assert (config.output, config.state_uri, config.pos_uri) == (
        "s3://data-bucket/curated/",
        "s3://data-bucket/curated/_state/",
        "s3://data-bucket/raw/pos/",
    )
    assert (config.pos_queue_url, config.keys_table) == ("https://sqs.test/pos", "cinema-test-keys")
    assert config.dynamodb.prefix == "cinema-test-" and config.dynamodb.client.service == "dynamodb"
    assert len(config.dimensions["ecr.showtimes"]) == len(scenario.SESSIONS) + 1
    # The Spark settings the job relies on are set on Glue's session before the first read.
    assert seen["conf"] == JOB_SPARK_CONF
    catalog = [c for c in calls if c[0] == "from_catalog"]
    assert sorted(c[2] for c in catalog) == sorted(t for _, t in FakeGlueContext.catalog)
    # Read whole every run (docs/contract/sources.md): no transformation_ctx, so no bookmark.
    assert all(c[1] == "cinema_test" and c[3] == "" and c[4] == "UTC" for c in catalog)

    metrics = [c[1] for c in calls if c[0] == "put_metric_data"]
    assert len(metrics) == 1 and metrics[0]["Namespace"] == "CinemaMetrics"
    values = {m["MetricName"]: m["Value"] for m in metrics[0]["MetricData"]}
    assert values == {"QuarantineRatio": pytest.approx(0.2), "LinesRead": 10, "LinesQuarantined": 2}
    assert all(
        m["Dimensions"] == [{"Name": "JobName", "Value": "cinema-test-metrics"}]
        for m in metrics[0]["MetricData"]
    )
    init = next(c for c in calls if c[0] == "job.init")
    assert init[1] == "cinema-test-metrics" and init[2]["bucket"] == "data-bucket"
    order = names(calls)
    assert order.index("GlueContext") < order.index("job.init") < order.index("from_catalog")
    assert order.index("run") < order.index("put_metric_data") < order.index("job.commit")
    assert order[-1] == "job.commit" and order.count("job.commit") == 1


def test_no_commit_when_the_run_fails(glue, monkeypatch):
    job, calls, _ = glue

    def failing_run(config: RunConfig, spark: Any = None) -> dict:
        raise RuntimeError("fake DynamoDB unavailable")

    monkeypatch.setattr("cinema_metrics.job.runner.run", failing_run, raising=False)
    with pytest.raises(RuntimeError, match="DynamoDB"):
        job.main(ARGV)
    assert "job.init" in names(calls) and "job.commit" not in names(calls)


def test_no_commit_when_the_metrics_cannot_be_published(glue, monkeypatch):
    job, calls, _ = glue
    monkeypatch.setattr("boto3.client", lambda service, **kw: FakeAwsClient(service, calls, fail=True))
    with pytest.raises(RuntimeError, match="CloudWatch"):
        job.main(ARGV)
    assert "run" in names(calls) and "job.commit" not in names(calls)


def test_missing_argument_stops_before_glue_starts(glue):
    job, calls, _ = glue
    with pytest.raises(GlueArgumentError, match="--bucket"):
        job.main([a for a in ARGV if a not in ("--bucket", "data-bucket")])
    assert calls == []


@pytest.mark.parametrize(
    "report, ratio", [({"lines_read": 0, "lines_quarantined": 0}, 0.0), ({"lines_read": 4}, 0.0)]
)
def test_metrics_of_a_run_without_quarantine(glue, report, ratio):
    job, calls, _ = glue
    job.publish_run_metrics(FakeAwsClient("cloudwatch", calls), "j", report)
    (data,) = [c[1]["MetricData"] for c in calls]
    assert {m["MetricName"]: m["Value"] for m in data} == {
        "QuarantineRatio": ratio,
        "LinesRead": report["lines_read"],
        "LinesQuarantined": 0,
    }


def test_a_retry_attempt_shares_its_job_runs_lease_group(entry):
    job = entry
    argv = [a if a != "jr_0123" else "jr_0123_attempt_1" for a in ARGV]
    assert job.build_config(job.resolve_arguments(argv), "ddb", "dims").lease_group == "jr_0123"


def test_the_runbooks_maintenance_runs_are_job_arguments(entry):
    job = entry
    argv = [*ARGV, "--replay_from", "2026-03-01", "--replay_to", "2026-03-07", "--recompute", "film_weekly"]
    cfg = job.build_config(job.resolve_arguments(argv), "ddb", "dims")
    assert (cfg.replay, cfg.recompute, cfg.retract) == (("2026-03-01", "2026-03-07"), ("film_weekly",), ())
    argv = [*ARGV, "--retract", "pos/site=1/a.jsonl,pos/site=2/b.jsonl"]
    cfg = job.build_config(job.resolve_arguments(argv), "ddb", "dims")
    assert cfg.retract == ("pos/site=1/a.jsonl", "pos/site=2/b.jsonl") and cfg.maintenance
