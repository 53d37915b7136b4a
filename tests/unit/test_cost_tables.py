"""The cost model's metric tables come from the declarations (cost/tables.py): a new metric is priced
by its declaration alone, and nothing in the cost inputs counts the tables or the data sets."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cinema_metrics import contract
from cinema_metrics.cost import model
from cinema_metrics.cost import tables as mt
from cinema_metrics.cost.inputs import load_prices, load_workload, read_tfvars_dir, repo_root, with_defaults
from cinema_metrics.dashboards.spec import load_spec
from cinema_metrics.errors import CliError
from cinema_metrics.job.dynamodb import items
from cinema_metrics.metrics import METRIC_TABLES, METRICS, Column, Keys, Metric
from cinema_metrics.metrics.windows import Window

ROOT = repo_root()
WORKLOAD = load_workload(ROOT / "costs" / "workloads" / "seed.yaml")
PRICES = load_prices(ROOT / "costs" / "prices.yaml")


def _prod() -> dict:
    return with_defaults(read_tfvars_dir(ROOT / "terraform" / "prod")[0])[0]


def _metric(name: str, key: tuple[str, ...], extra: tuple[Column, ...] = ()) -> Metric:
    columns = (
        Column("site_id", "id", "the site"),
        Column("business_date", "date", "the business date"),
        *(c for c in extra if c.name in key),
        Column("units", "count", "units sold"),
        Column("revenue", "money", "net amount"),
        *(c for c in extra if c.name not in key),
    )
    return Metric(
        name=name,
        version=1,
        title="a metric the registry does not know",
        rows="one row per key",
        columns=columns,
        key=key,
        date="business_date",
        keys=Keys(pk="SITE#{site_id}#DATE#{business_date}", sk="X#" + "#".join(f"{{{k}}}" for k in key[2:])),
        window=Window(),
        parts=(),
        compute=lambda inputs: pd.DataFrame(),
    )


def test_every_declared_metric_is_priced_from_its_declaration() -> None:
    priced = mt.tables(WORKLOAD)
    assert [t.name for t in priced] == [m.name for m in METRICS]
    for t in priced:
        metric = METRIC_TABLES[t.name]
        assert t.columns == len(metric.columns)
        names = sum(len(c.name) for c in metric.columns) + len("pk") + len("sk")
        assert names < t.item_bytes < 1024, t  # every attribute name is stored; one write unit
        assert t.grain == tuple(c for c in metric.key if c != metric.date)
        assert not t.assumed, f"{t.name}: a key column without a figure: {t.assumed}"
        assert mt.rows_stored(t, WORKLOAD) > 0


def test_item_size_estimate_is_near_an_item_the_job_writes() -> None:
    """The estimate against the DynamoDB size of a real item of each table (the job's items(),
    values at their typical widths): within a third."""
    typical = {"id": 1234, "count": 1234, "date": 20_000, "money": 1_234_567, "str": "2026-12-07 19:30:00"}
    for metric in METRICS:
        row = {c.name: typical.get(c.kind, 4321) for c in metric.columns}
        frame = pd.DataFrame([row]).astype({c.name: "Int64" for c in metric.columns if c.kind != "str"})
        item = next(items(metric.name, frame))
        size = sum(
            len(k) + (len(v) if isinstance(v, str) else len(str(v).replace(".", "").strip("0")) // 2 + 1)
            for k, v in item.items()
        )
        estimate = mt.item_bytes(metric)
        assert abs(estimate - size) <= size / 3, (metric.name, estimate, size)


def test_a_new_metric_is_priced_with_no_cost_file_touched() -> None:
    """A key column named after a contract vocabulary takes its size; one with no figure takes the
    workload's other_key_values, and the priced design says which column did."""
    category = _metric(
        "mix_daily", ("site_id", "business_date", "category"), (Column("category", "str", "c"),)
    )
    t = mt.describe(category, WORKLOAD)
    assert t.grain == ("site_id", "category") and not t.assumed
    days = WORKLOAD.metric_retention_months * 30
    assert mt.rows_stored(t, WORKLOAD) == WORKLOAD.sites * len(contract.CATEGORIES) * days
    assert mt.rows_per_run(t, WORKLOAD, 360) == min(200, WORKLOAD.sites * len(contract.CATEGORIES))

    odd = mt.describe(
        _metric("odd_daily", ("site_id", "business_date", "lane"), (Column("lane", "id", "l"),)), WORKLOAD
    )
    assert odd.assumed == ("lane",)
    assert mt.rows_stored(odd, WORKLOAD) == WORKLOAD.sites * WORKLOAD.other_key_values * days


def test_a_sixth_table_raises_the_writes_and_is_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    base = model.this_design("prod", _prod(), WORKLOAD, PRICES)
    extra = _metric("odd_daily", ("site_id", "business_date", "lane"), (Column("lane", "id", "l"),))
    monkeypatch.setattr(mt, "METRICS", (*METRICS, extra))
    more = model.this_design("prod", _prod(), WORKLOAD, PRICES)
    assert [r["table"] for r in more.tables] == [*(m.name for m in METRICS), "odd_daily"]
    writes = {b: next(li.quantity for li in x.lines if li.item.startswith("on-demand writes")) for b, x in
              (("base", base), ("more", more))}  # fmt: skip
    assert writes["more"] > writes["base"]
    assert any("odd_daily.lane" in n for n in more.notes)


def test_dashboard_queries_follow_the_spec_data_sets() -> None:
    ours = model.this_design("prod", _prod(), WORKLOAD, PRICES)
    queries = next(li.quantity for li in ours.lines if li.item == "dashboard queries on curated Parquet")
    data_sets = len(load_spec().datasets)
    assert model.dashboard_data_sets() == data_sets
    assert queries == max(
        data_sets * WORKLOAD.dashboard_refreshes_per_day * 30, WORKLOAD.athena_queries_per_day * 30
    )
    quicksight = json.loads((ROOT / "dashboards" / "quicksight" / "datasets.json").read_text())["data_sets"]
    assert len(quicksight) == data_sets  # what Terraform creates


def test_a_workload_that_types_a_derived_figure_is_refused(tmp_path: Path) -> None:
    text = (ROOT / "costs" / "workloads" / "seed.yaml").read_text()
    stale = tmp_path / "old.yaml"
    stale.write_text(text + "dashboard_datasets: 5\nmetric_item_bytes: 300\n")
    with pytest.raises(CliError, match=r"metric_item_bytes .*dashboard_datasets .*dashboards/spec\.yaml"):
        load_workload(stale)
