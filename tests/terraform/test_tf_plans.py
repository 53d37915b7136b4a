"""Every root and module example: init and plan (which validates first), then the plan against the
root's inventory and against the catalog (scripts/athena/metric_tables.json, quality_tables.json,
views.json)."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from catalog_counts import VIEWS_JSON, evaluate, metric_tables, quality_tables
from inventory import INVENTORIES, compare, load
from tfharness import ROOT, StackRun, diagnostics, discover

STACKS = discover()
ROOTS = [s for s in STACKS if s.is_root]


def _run(stack_runs: dict[str, StackRun], stack_id: str) -> StackRun:
    run = stack_runs[stack_id]
    assert run.init.ok, f"{run.stack.rel}: terraform init failed:\n{run.init.output[-3000:]}"
    return run


def test_every_root_and_example_is_found() -> None:
    found = {s.rel for s in STACKS}
    for env in ("bootstrap", "dev", "staging", "prod", "local"):
        if (ROOT / "terraform" / env).is_dir() and any((ROOT / "terraform" / env).glob("*.tf")):
            assert f"terraform/{env}" in found


@pytest.mark.parametrize("stack_id", [s.id for s in STACKS])
def test_plan(stack_runs: dict[str, StackRun], stack_id: str) -> None:
    run = _run(stack_runs, stack_id)
    assert run.plan is not None, f"{run.stack.rel}: not planned"
    assert run.plan.ok, (
        f"{run.stack.rel}: terraform plan failed:\n{diagnostics(run.plan.output) or run.plan.output[-4000:]}"
    )
    assert run.summary.counts, f"{run.stack.rel}: the plan creates nothing"


@pytest.mark.parametrize("root", [s.id for s in ROOTS])
def test_inventory(stack_runs: dict[str, StackRun], root: str) -> None:
    """The plan matches inventories/<root>.yaml (counts, values, outputs, names, tags, KMS)."""
    assert (INVENTORIES / f"{root}.yaml").exists(), f"write tests/terraform/inventories/{root}.yaml"
    run = _run(stack_runs, root)
    assert run.plan_json is not None, f"terraform/{root} has no plan (see test_plan)"
    problems = compare(run.summary, load(root))
    assert not problems, f"terraform/{root} differs from inventories/{root}.yaml:\n  " + "\n  ".join(problems)


# Resource types whose count follows from the metric declarations (a table, its default view and
# saved query, a dashboard data set, a throttle alarm per 10 tables): an inventory derives them.
DERIVED_COUNTS = (
    "aws_dynamodb_table",
    "aws_glue_catalog_table",
    "aws_athena_named_query",
    "aws_quicksight_data_set",
    "aws_quicksight_refresh_schedule",
    "aws_cloudwatch_metric_alarm",
)


@pytest.mark.parametrize("path", sorted(INVENTORIES.glob("*.yaml")), ids=lambda p: p.stem)
def test_inventory_counts_follow_the_catalog(path) -> None:
    """No inventory types a count that a new metric changes: those are expressions of
    catalog_counts.py's quantities (a typed 6 broke with every table)."""
    resources = yaml.safe_load(path.read_text()).get("resources") or {}
    for rtype in DERIVED_COUNTS:
        if rtype in resources:
            assert isinstance(resources[rtype], str), (
                f"{path.name}: {rtype}: {resources[rtype]} is typed; write it from the catalog's "
                "quantities, e.g. metric_tables + 1 (tests/terraform/catalog_counts.py)"
            )
            evaluate(resources[rtype])  # names only known quantities


_METRIC_DDB = re.compile(
    r'(?:^|\.)module\.metric_tables\.aws_dynamodb_table\.this(?:_unprotected)?\["([^"]+)"\]$'
)
_METRIC_GLUE = re.compile(r'(?:^|\.)aws_glue_catalog_table\.metrics\["([^"]+)"\]$')
_VIEW_GLUE = re.compile(r'(?:^|\.)module\.athena\.aws_glue_catalog_table\.view\["([^"]+)"\]$')
_QUALITY_GLUE = re.compile(r'(?:^|\.)aws_glue_catalog_table\.quality\["([^"]+)"\]$')


def _matches(pattern: re.Pattern[str], addresses) -> dict[str, str]:
    out = {}
    for address in addresses:
        if m := pattern.search(address):
            out[m.group(1)] = address
    return out


def _quality_problems(values: dict[str, dict]) -> list[str]:
    """The data-quality tables a stack plans are quality_tables.json's: columns and types, the
    partition keys, the JSON SerDe over text files under <prefix><folder>/, the projection."""
    planned = _matches(_QUALITY_GLUE, values)
    if not planned:
        return []
    catalog = quality_tables()
    problems = (
        []
        if set(planned) == set(catalog)
        else [f"quality tables {sorted(planned)}, catalog {sorted(catalog)}"]
    )
    for name, address in planned.items():
        want, have = catalog.get(name, {}), values[address]
        storage = (have.get("storage_descriptor") or [{}])[0]
        columns = [{"name": c.get("name"), "type": c.get("type")} for c in storage.get("columns") or []]
        keys = [{"name": k.get("name"), "type": k.get("type")} for k in have.get("partition_keys") or []]
        serde = (storage.get("ser_de_info") or [{}])[0].get("serialization_library")
        checks = {
            "columns": (columns, want.get("columns")),
            "partition keys": (keys, want.get("partition_keys")),
            "serde": (serde, want.get("serde")),
            "location folder": (str(storage.get("location", "")).endswith(f"/{want.get('folder')}/"), True),
            "projection": (
                (want.get("parameters") or {}).items() <= (have.get("parameters") or {}).items(),
                True,
            ),
        }
        problems += [f"{address}: {what} {h!r}, catalog {w!r}" for what, (h, w) in checks.items() if h != w]
    return problems


@pytest.mark.parametrize("stack_id", [s.id for s in STACKS])
def test_plan_follows_the_metric_catalog(stack_runs: dict[str, StackRun], stack_id: str) -> None:
    """Every stack that plans metric tables plans exactly the catalog's: a DynamoDB table per
    metric table with its keys, a Glue table per metric table with its columns, types and each
    column's definition as comment, a JSON table per data-quality table of quality_tables.json, and a
    VIRTUAL_VIEW table per view of views.json."""
    run = _run(stack_runs, stack_id)
    assert run.plan_json is not None, f"{run.stack.rel} has no plan (see test_plan)"
    values = run.summary.values
    catalog = metric_tables()
    problems = []
    ddb = _matches(_METRIC_DDB, values)
    if ddb:
        if set(ddb) != set(catalog):
            problems.append(f"DynamoDB metric tables {sorted(ddb)}, catalog {sorted(catalog)}")
        for name, address in ddb.items():
            want = catalog.get(name, {}).get("dynamodb", {})
            have = values[address]
            keys = (have.get("hash_key"), have.get("range_key"))
            if keys != (want.get("hash_key"), want.get("range_key")):
                problems.append(f"{address}: keys {keys}, catalog {want}")
            if not str(have.get("name", "")).endswith(f"-{name}"):
                problems.append(f"{address}: name {have.get('name')!r} is not <name_prefix>-{name}")
    glue = _matches(_METRIC_GLUE, values)
    if glue:
        if set(glue) != set(catalog):
            problems.append(f"Glue metric tables {sorted(glue)}, catalog {sorted(catalog)}")
        for name, address in glue.items():
            columns = (values[address].get("storage_descriptor") or [{}])[0].get("columns") or []
            have = [(c.get("name"), c.get("type"), c.get("comment")) for c in columns]
            want = [(c["name"], c["type"], c["definition"]) for c in catalog.get(name, {}).get("columns", [])]
            if have != want:
                problems.append(f"{address}: columns {have} differ from the catalog's {want}")
    problems += _quality_problems(values)
    views = _matches(_VIEW_GLUE, values)
    if views:
        declared = set(json.loads((ROOT / VIEWS_JSON).read_text())["views"])
        if set(views) != declared:
            problems.append(f"views {sorted(views)}, views.json {sorted(declared)}")
    assert not problems, f"{run.stack.rel} differs from the metric catalog:\n  " + "\n  ".join(problems)
