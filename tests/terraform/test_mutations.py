"""Proof the checks bite: each break of mutants.py (the table there) is caught by the layer meant to.
The `mutations` fixture (conftest.py) queues the broken copies' plans and scans on the session's
pool early, so they overlap the real plans."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import aws_rules
import scanners
from catalog_counts import quantities
from inventory import compare, load
from tfharness import StackRun

from cinema_metrics.cost.model import no_nat_endpoints


def test_misspelled_argument_fails_the_plan(mutations: dict[str, Any]) -> None:
    ok, messages = mutations["broken_misspelled"].result()
    assert not ok, "terraform plan accepted a misspelled argument"
    assert re.search(r'metric_tables/main\.tf:\d+: .*Unsupported argument.*"biling_mode"', messages), messages


def test_missing_required_argument_fails_the_plan(mutations: dict[str, Any]) -> None:
    ok, messages = mutations["broken_required"].result()
    assert not ok
    assert re.search(r'glue_job/main\.tf:\d+: .*Missing required argument.*"role_arn"', messages), messages


def test_schema6_reports_both_hcl_breaks_with_file_and_line(
    mutations: dict[str, Any], schema6_path: Path
) -> None:
    misspelled, required = mutations["schema_copies"]
    findings = [
        str(f) for f in scanners.schema_check([misspelled / "modules"], schema6_path, None, base=misspelled)
    ]
    line = mutations["misspelled_line"]
    assert any(
        f.startswith(f"modules/metric_tables/main.tf:{line}: ") and "unknown argument `biling_mode`" in f
        for f in findings
    ), findings
    findings = [
        str(f) for f in scanners.schema_check([required / "modules"], schema6_path, None, base=required)
    ]
    assert any(
        f.startswith("modules/glue_job/main.tf:") and "required argument `role_arn` is not set" in f
        for f in findings
    ), findings


def _failed(report: scanners.CheckovReport, check_id: str, file_part: str) -> list[dict[str, Any]]:
    return [c for c in report.failed if c["check_id"] == check_id and file_part in (c.get("file_path") or "")]


def test_encryption_removed_is_caught_by_checkov(mutations: dict[str, Any]) -> None:
    report: scanners.CheckovReport = mutations["checkov"].result()
    custom = _failed(report, "CKV_CM_2", "data_bucket/main.tf")
    assert custom and any("not aws:kms" in d for c in custom for d in c.get("details") or []), (
        report.failures()
    )
    assert _failed(report, "CKV_AWS_145", "data_bucket/main.tf"), report.failures()


def test_wildcard_iam_action_is_caught_by_checkov(mutations: dict[str, Any]) -> None:
    report: scanners.CheckovReport = mutations["checkov"].result()
    found = _failed(report, "CKV_CM_4", "glue_job/main.tf")
    assert any("cloudwatch:*" in d for c in found for d in c.get("details") or []), report.failures()


def test_untagged_resource_is_caught_by_checkov(mutations: dict[str, Any]) -> None:
    report: scanners.CheckovReport = mutations["checkov"].result()
    found = _failed(report, "CKV_CM_1", "metric_tables/main.tf")
    # module.metric_tables.aws_dynamodb_table.this[...] when checkov reaches it through the composition
    assert any("aws_dynamodb_table." in c["resource"] for c in found), report.failures()


def test_pitr_off_is_caught_by_checkov(mutations: dict[str, Any]) -> None:
    report: scanners.CheckovReport = mutations["checkov"].result()
    found = _failed(report, "CKV_CM_3", "metric_tables/main.tf")
    assert any(
        "point_in_time_recovery.enabled is False" in d for c in found for d in c.get("details") or []
    ), report.failures()


def test_prod_deletion_protection_off_is_caught_by_the_inventory(mutations: dict[str, Any]) -> None:
    run: StackRun = mutations["rules"].result()
    assert run.plan_json is not None, run.plan.output[-3000:] if run.plan else "not planned"
    problems = compare(run.summary, load("prod"))  # a targeted plan: count lines are expected too
    off = [p for p in problems if "deletion_protection_enabled: expected True, plan has False" in p]
    assert len(off) == quantities()["metric_tables"], "\n".join(problems)  # one per metric table


def test_dropped_tag_is_caught_by_the_inventory(mutations: dict[str, Any]) -> None:
    run: StackRun = mutations["rules"].result()
    assert run.plan_json is not None
    problems = [p for p in compare(run.summary, load("prod")) if p.startswith("tags: ")]
    assert problems and all("'ManagedBy': None" in p for p in problems), problems
    assert any("aws_dynamodb_table" in p for p in problems)


def _rules_run(mutations: dict[str, Any]) -> StackRun:
    run: StackRun = mutations["rules"].result()
    assert run.plan_json is not None, run.plan.output[-3000:] if run.plan else "not planned"
    return run


def test_global_logs_principal_is_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.regional_service_principals(_rules_run(mutations).summary, "us-east-1")
    assert any("'logs.amazonaws.com'" in p and "logs.us-east-1.amazonaws.com" in p for p in problems), (
        problems
    )


def test_glue_4_logging_arguments_are_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.glue5_arguments(_rules_run(mutations).summary)
    assert any("--enable-continuous-cloudwatch-log is a Glue <= 4.0 argument" in p for p in problems), (
        problems
    )
    assert any("--continuous-log-logGroup" in p for p in problems), problems
    assert any("no --custom-logGroup-prefix" in p for p in problems), problems


def test_pos_events_breaks_are_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.pos_events_wiring(_rules_run(mutations).summary)
    assert any("not ObjectCreated:* + ObjectRemoved:*" in p for p in problems), problems
    assert any("--keys_table is None, not the accepted-keys table" in p for p in problems), problems


def test_subnet_without_route_to_s3_fails_the_plan(mutations: dict[str, Any]) -> None:
    run: StackRun = mutations["route"].result()
    assert run.plan is not None and not run.plan.ok, "the plan accepted a JDBC subnet with no route to S3"
    assert "has no route to S3" in run.plan.output, run.plan.output[-3000:]


def test_subnet_route_rule_catches_a_missing_endpoint(stack_runs: dict[str, StackRun]) -> None:
    """The same break seen by the rule, on the real prod plan with its S3 gateway endpoint and
    NAT egress removed from the summary (the mutated plan itself never completes)."""
    summary = stack_runs["prod"].summary
    assert not aws_rules.subnet_route_to_s3(summary)
    for address in [
        a for a, t in summary.types.items() if t in ("aws_vpc_endpoint", "aws_vpc_security_group_egress_rule")
    ]:
        summary.values.pop(address)
    problems = aws_rules.subnet_route_to_s3(summary)
    assert problems and "no S3 gateway endpoint" in problems[0], problems
    # a VPC the plan creates: subnet and route table known only after apply, the rule still bites
    example = stack_runs["example-cinema_platform-basic"].summary
    assert not aws_rules.subnet_route_to_s3(example)
    example.values.pop(next(a for a in example.values if a.endswith('aws_vpc_endpoint.gateway["s3"]')))
    problems = aws_rules.subnet_route_to_s3(example)
    assert problems and "no S3 gateway endpoint" in problems[0], problems


def test_subnet_without_nat_or_endpoints_fails_the_plan(mutations: dict[str, Any]) -> None:
    result = mutations["api"].result()
    assert not result.ok, "the plan accepted a JDBC subnet with no NAT and no interface endpoints"
    text = " ".join(result.output.split())  # terraform wraps the message
    assert "list the APIs the job and crawler call in network.interface_endpoints" in text, text[-3000:]
    # the HCL list and the one the rule and the cost model use (cost.model.no_nat_endpoints) agree
    assert f"interface_endpoints: {', '.join(no_nat_endpoints(False))} (and kms" in text, text[-3000:]
    assert re.search(r"on terraform\.tfvars line \d+", result.output), result.output[-3000:]


def test_subnet_api_rule_catches_a_missing_nat(stack_runs: dict[str, StackRun]) -> None:
    """prod rides the VPC's NAT: with its egress rule gone from the summary, every API the job
    calls lacks a path; on the composition's example (endpoints, no NAT) one endpoint gone is named."""
    prod = stack_runs["prod"].summary
    assert not aws_rules.subnet_reaches_apis(prod)
    for address in [a for a, t in prod.types.items() if t == "aws_vpc_security_group_egress_rule"]:
        if prod.values[address].get("cidr_ipv4") == "0.0.0.0/0":
            prod.values.pop(address)
    problems = aws_rules.subnet_reaches_apis(prod)
    assert problems and "for glue, logs, monitoring, secretsmanager, sqs" in problems[0], problems
    example = stack_runs["example-cinema_platform-basic"].summary
    assert not aws_rules.subnet_reaches_apis(example)
    glue = next(a for a, v in example.values.items() if str(v.get("service_name", "")).endswith(".glue"))
    example.values.pop(glue)
    problems = aws_rules.subnet_reaches_apis(example)
    assert problems and problems[0].endswith("for glue"), problems


def test_quicksight_role_without_results_write_is_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.quicksight_role_reads(_rules_run(mutations).plan_json)
    assert any("cannot write the results prefix" in p for p in problems), problems


def test_quicksight_listing_the_whole_bucket_is_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.quicksight_role_reads(_rules_run(mutations).plan_json)
    wanted = "lists the whole bucket (s3:ListBucket without an s3:prefix condition)"
    assert any(wanted in p for p in problems), problems


def test_a_removed_prevent_destroy_is_caught(
    mutations: dict[str, Any], stack_runs: dict[str, StackRun]
) -> None:
    """The copy's accepted-keys table has no prevent_destroy: its destroy plan still fails on the
    other buckets, keys and tables, but the check names the one a destroy would delete."""
    result = mutations["destroy_rules"].result()
    assert not result.ok, result.output[-3000:]
    problems = aws_rules.destroy_protection(stack_runs["prod"].summary, result)
    assert problems == [
        "module.platform.module.metric_tables.aws_dynamodb_table.accepted_keys[0]: "
        "a destroy would delete it (no prevent_destroy)"
    ], problems


def test_data_set_without_its_view_is_caught(mutations: dict[str, Any]) -> None:
    problems = aws_rules.data_set_views_exist(_rules_run(mutations).summary)
    assert any("v_chain_daily, which no aws_glue_catalog_table creates" in p for p in problems), problems


def test_broken_table_formats_and_projection_are_caught(stack_runs: dict[str, StackRun]) -> None:
    """Glue stores any table; Athena cannot read these. On a copy of the real prod plan: a JSON
    table on Parquet's input format, a date projection without its format, a metric table's month
    range written as days, and a template that lost its partition column."""
    summary = copy.deepcopy(stack_runs["prod"].summary)
    assert not aws_rules.table_formats_and_projection(summary)
    tables = {
        v.get("name"): v for a, v in summary.values.items() if summary.types[a] == "aws_glue_catalog_table"
    }
    runs, quarantine, site_daily = tables["runs"], tables["quarantine"], tables["site_daily"]
    runs["storage_descriptor"][0]["input_format"] = (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    )
    del quarantine["parameters"]["projection.run_date.format"]
    site_daily["parameters"]["projection.partition_month.range"] = "2020-01-01,NOW"
    runs["parameters"]["storage.location.template"] = "s3://bucket/curated/runs/"
    problems = aws_rules.table_formats_and_projection(summary)
    expected = [
        "(runs): org.openx.data.jsonserde.JsonSerDe needs formats",
        "(quarantine): a date projection of run_date needs projection.run_date.format and .range",
        "(site_daily): projection.partition_month.range '2020-01-01,NOW' is not two dates in 'yyyy-MM'",
        "(runs): storage.location.template has no ${run_date}",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    assert len(problems) == len(expected), problems


def test_quicksight_role_without_the_quality_folders_is_caught(stack_runs: dict[str, StackRun]) -> None:
    """On a copy of the real prod plan whose QuickSight policy reads only curated/metrics/ (as
    before the data-quality tables): the rule names each folder the role can neither read nor list."""
    plan = copy.deepcopy(stack_runs["prod"].plan_json)
    assert plan is not None and not aws_rules.quicksight_role_reads(plan)
    for rc in plan["resource_changes"]:
        if (
            rc["mode"] == "data"
            and rc["type"] == "aws_iam_policy_document"
            and ".quicksight." in rc["address"]
        ):
            for statement in (rc["change"].get("after") or {}).get("statement") or []:
                statement["resources"] = [
                    r
                    for r in statement.get("resources") or []
                    if "/curated/quarantine/" not in str(r) and "/curated/runs/" not in str(r)
                ]
                for condition in statement.get("condition") or []:
                    condition["values"] = [
                        v
                        for v in condition.get("values") or []
                        if not v.startswith(("curated/quarantine/", "curated/runs/"))
                    ]
    problems = aws_rules.quicksight_role_reads(plan)
    for folder in ("quarantine", "runs"):
        assert any(f"cannot read the {folder} records" in p for p in problems), problems
        assert any(f"cannot list curated/{folder}/" in p for p in problems), problems
