"""Compare a plan summary with a root's YAML inventory (tests/terraform/inventories/<root>.yaml).

An inventory reads like a spec:
    name_prefix: cinema-prod          # every name carries it (<project>-<env>-<purpose>)
    tags: {Project: cinema, ...}      # in tags_all of every taggable resource
    resources:                        # exact counts by type: a number, or derived from the catalog
      aws_kms_key: 4                  #   (catalog_counts.py: never a typed table count)
      aws_dynamodb_table: metric_tables + 1
    values:                           # address pattern -> values every match must have (subset)
      module.metric_tables.aws_dynamodb_table.this[*]: {deletion_protection_enabled: true}
    outputs: [bucket_name, ...]       # the outputs the root declares
    exceptions:                       # rule -> {address pattern: reason}
      bucket_kms: {module.data_bucket.aws_s3_bucket.logs[*]: S3 access logs only support SSE-S3}
Rules checked for every root besides the inventory's own lines: names, tags, bucket KMS encryption.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from catalog_counts import describe, evaluate
from tfharness import Summary, config_address

INVENTORIES = Path(__file__).resolve().parent / "inventories"
NAME_ATTRIBUTES = ("name", "bucket", "function_name", "workgroup", "stack_name")
# Types whose names live inside a parent that already carries the prefix (a table in a database).
NAMESPACED = {"aws_glue_catalog_table", "aws_athena_named_query", "aws_glue_partition"}


def load(root: str) -> dict[str, Any]:
    return yaml.safe_load((INVENTORIES / f"{root}.yaml").read_text())


def _subset_problems(expected: Any, actual: Any, path: str) -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected a block/map, plan has {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing (unknown until apply, or not set)")
            else:
                problems += _subset_problems(value, actual[key], f"{path}.{key}")
        return problems
    if isinstance(expected, list) and expected and isinstance(expected[0], dict):
        if not isinstance(actual, list) or len(actual) < len(expected):
            return [f"{path}: expected {len(expected)} block(s), plan has {actual!r}"]
        problems = []
        for index, item in enumerate(expected):
            problems += _subset_problems(item, actual[index], f"{path}[{index}]")
        return problems
    return [] if expected == actual else [f"{path}: expected {expected!r}, plan has {actual!r}"]


def address_match(pattern: str, address: str) -> bool:
    """`*` is the only wildcard (brackets are literal, as in module.x.aws_y.z["key"])."""
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), address) is not None


def _excepted(inventory: dict[str, Any], rule: str, address: str) -> bool:
    patterns = (inventory.get("exceptions") or {}).get(rule) or {}
    return any(address_match(pattern, address) for pattern in patterns)


def compare(summary: Summary, inventory: dict[str, Any]) -> list[str]:
    """Every difference between the plan and the inventory, one readable line each."""
    problems: list[str] = []
    expected_counts = inventory.get("resources") or {}
    for rtype in sorted(set(expected_counts) | set(summary.counts)):
        expression = expected_counts.get(rtype, 0)
        want, have = evaluate(expression), summary.counts.get(rtype, 0)
        if want != have:
            problems.append(f"resources: {rtype}: inventory says {describe(expression)}, plan creates {have}")
    for pattern, expected in (inventory.get("values") or {}).items():
        addresses = [a for a in summary.values if address_match(pattern, a)]
        if not addresses:
            problems.append(f"values: no resource in the plan matches {pattern}")
        for address in addresses:
            problems += _subset_problems(expected, summary.values[address], address)
    declared = set(summary.outputs)
    for name in inventory.get("outputs") or []:
        if name not in declared:
            problems.append(f"outputs: {name} is not declared by the root")
    for name in sorted(declared - set(inventory.get("outputs") or [])):
        problems.append(f"outputs: {name} is declared but not in the inventory")
    problems += naming_problems(summary, inventory)
    problems += tag_problems(summary, inventory)
    problems += bucket_kms_problems(summary, inventory)
    return problems


def naming_problems(summary: Summary, inventory: dict[str, Any]) -> list[str]:
    prefix = inventory["name_prefix"]
    allowed = (prefix, prefix.replace("-", "_"))  # Glue/Athena databases cannot contain '-'
    problems = []
    for address, values in summary.values.items():
        if summary.types[address] in NAMESPACED or _excepted(inventory, "naming", address):
            continue
        for attribute in NAME_ATTRIBUTES:
            name = values.get(attribute)
            if isinstance(name, str) and not any(a in name for a in allowed):
                problems.append(f"naming: {address}.{attribute} = {name!r} does not carry {prefix!r}")
    return problems


def tag_problems(summary: Summary, inventory: dict[str, Any]) -> list[str]:
    wanted: dict[str, str] = inventory.get("tags") or {}
    problems = []
    for address, values in summary.values.items():
        if "tags_all" not in values or _excepted(inventory, "tags", address):
            continue
        tags = values.get("tags_all") or {}
        missing = {k: v for k, v in wanted.items() if tags.get(k) != v}
        if missing:
            have = {k: tags.get(k) for k in missing}
            problems.append(f"tags: {address} has {have} where the inventory wants {missing}")
    return problems


def bucket_kms_problems(summary: Summary, inventory: dict[str, Any]) -> list[str]:
    """Every aws_s3_bucket has a default-encryption resource referring to it that uses aws:kms + a key."""
    encryption_by_bucket: dict[str, str] = {}
    for address, rtype in summary.types.items():
        if rtype != "aws_s3_bucket_server_side_encryption_configuration":
            continue
        module = address.rsplit("aws_s3_bucket_server_side_encryption_configuration", 1)[0]
        refs = summary.references.get(config_address(address), {}).get("bucket", [])
        for ref in refs:
            if ref.startswith("aws_s3_bucket."):
                bucket = config_address(module + ".".join(ref.split(".")[:2]))
                encryption_by_bucket[bucket] = address
    problems = []
    for address, rtype in summary.types.items():
        if rtype != "aws_s3_bucket" or _excepted(inventory, "bucket_kms", address):
            continue
        sse = encryption_by_bucket.get(config_address(address))
        if sse is None:
            problems.append(
                f"bucket_kms: {address} has no aws_s3_bucket_server_side_encryption_configuration"
            )
            continue
        rule = (summary.values[sse].get("rule") or [{}])[0]
        default = (rule.get("apply_server_side_encryption_by_default") or [{}])[0]
        if default.get("sse_algorithm") not in ("aws:kms", "aws:kms:dsse"):
            problems.append(
                f"bucket_kms: {address} is encrypted with {default.get('sse_algorithm')!r}, not aws:kms"
            )
    return problems
