"""The broken copies test_mutations.py checks: copies of the tree, each broken on purpose, and the
layer meant to catch each break.

  break                                   layer that catches it
  misspelled argument (metric_tables)     terraform plan (its validation walk), and the AWS provider
                                          6.x schema check
  missing required argument (glue_job)    terraform plan, and the 6.x schema check
  S3 default encryption -> AES256         checkov: CKV_CM_2 (custom) and CKV_AWS_145 (builtin)
  wildcard IAM action (glue_job)          checkov: CKV_CM_4 (custom)
  module resource without tags            checkov: CKV_CM_1 (custom)
  metric tables without PITR              checkov: CKV_CM_3 (custom)
  prod deletion protection off            plan vs inventories/prod.yaml
  a common tag dropped from prod          plan vs inventories/prod.yaml (tags_all of every resource)
  key policy grants logs.amazonaws.com    aws_rules.regional_service_principals (logs.<region>...)
  Glue 4.0 logging argument on Glue 5.1   aws_rules.glue5_arguments
  ObjectRemoved dropped from the POS      aws_rules.pos_events_wiring
    notification, --keys_table renamed
  QuickSight role loses s3:PutObject on    aws_rules.quicksight_role_reads
    the results prefix, and the s3:prefix
    condition of its s3:ListBucket
  the accepted-keys table loses its        aws_rules.destroy_protection on a destroy plan of the
    prevent_destroy                        copy against the state the real prod plan would leave
  one v_* view no longer created           aws_rules.data_set_views_exist (its data set reads nothing)
  S3 gateway endpoint off, no NAT         the plan fails (precondition of the JDBC connection, crawler
                                          and job) and aws_rules.subnet_route_to_s3
  no NAT and no interface endpoints       the plan fails (cinema_platform's network validation, naming
                                          terraform.tfvars) and aws_rules.subnet_reaches_apis

The copies reuse one `init` of the real prod root (same modules, same provider), so each break
costs one plan or checkov run, started early on the shared worker pool.
"""

from __future__ import annotations

import re
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aws_rules
import scanners
from tfharness import WORK, Result, Stack, StackRun, Terraform, after, base_env, diagnostics, state_from_plan


def _edit(tree: Path, rel: str, pattern: str, replacement: str) -> int:
    """Apply one regex edit to tree/rel; return the 1-based line of the edit. Fails loudly if the
    anchor vanished (the module changed: pick a new anchor, the check itself is not at fault)."""
    path = tree / rel
    text = path.read_text()
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"mutation anchor {pattern!r} not found in {rel}: update test_mutations.py"
    path.write_text(text[: match.start()] + match.expand(replacement) + text[match.end() :])
    return text[: match.start()].count("\n") + 1


def _copy(tree: Path, dest: Path) -> Path:
    shutil.copytree(tree, dest, symlinks=True, ignore=shutil.ignore_patterns(".terraform", "*.tfstate"))
    return dest


def _adopt_init(
    stack: Stack, init: Future[Result], tree: Path, data_root: Path, env: dict[str, str]
) -> Terraform:
    """A Terraform for the stack in a mutated copy, reusing the initialised data dir of the real one."""
    assert init.result().ok, f"{stack.rel} did not initialise: see test_tf_plans.py"
    tf = Terraform(tree, stack, data_root, env)
    shutil.copytree(WORK / "data" / stack.id / ".terraform", tf.data / ".terraform", symlinks=True)
    shutil.copy2(WORK / "data" / stack.id / ".terraform.lock.hcl", tf.dir / ".terraform.lock.hcl")
    return tf


def start(
    tree: Path,
    moto_endpoint: str,
    pool: ThreadPoolExecutor,
    base: Path,
    prod_plan: Future[StackRun],
) -> dict[str, Any]:
    """Make every broken copy and queue its check on the pool; the tests wait on the futures."""
    env = base_env(moto_endpoint)
    prod = Stack("prod", "terraform/prod")
    # the real prod root is planned inside tfharness.ROOTS, so its own init is made here (queued
    # before the copies that adopt it; cached between sessions like every init)
    prod_init = pool.submit(Terraform(tree, prod, WORK / "data", env).init)
    found: dict[str, Any] = {}

    # 1, 2: HCL errors the plan's validation walk must reject, one copy each (it stops at the first
    # module with errors), planned from the prod root.
    misspelled, required = _copy(tree, base / "misspelled"), _copy(tree, base / "required")
    found["misspelled_line"] = _edit(
        misspelled, "modules/metric_tables/main.tf", r"^(\s*)billing_mode(\s*=)", r"\1biling_mode\2"
    )
    _edit(
        required,
        "modules/glue_job/main.tf",
        r'^(resource "aws_glue_job" "\w+" \{\n(?:.*\n)*?)\s*role_arn\s*=.*\n',
        r"\1",
    )

    def plan_broken(copy: Path) -> tuple[bool, str]:
        tf = _adopt_init(prod, prod_init, copy, copy.with_name(copy.name + "-data"), env)
        result, _ = tf.plan()
        return result.ok, diagnostics(result.output)

    found["broken_misspelled"] = pool.submit(plan_broken, misspelled)
    found["broken_required"] = pool.submit(plan_broken, required)
    found["schema_copies"] = (misspelled, required)

    # 3-6: policy breaks in different resources, one checkov run over the three broken modules alone
    # (each with its example): a scan of all of modules/ cost twice the CPU.
    policy = base / "policy"
    for module in ("data_bucket", "glue_job", "metric_tables"):
        _copy(tree / "modules" / module, policy / "modules" / module)
    _edit(policy, "modules/data_bucket/main.tf", r'(sse_algorithm\s*=\s*)"aws:kms"', r'\1"AES256"')
    _edit(policy, "modules/glue_job/main.tf", r'"cloudwatch:PutMetricData"', r'"cloudwatch:*"')
    _edit(
        policy,
        "modules/metric_tables/main.tf",
        r'^(resource "aws_dynamodb_table" "\w+" \{\n(?:.*\n)*?)\s*tags\s*=.*\n',
        r"\1",
    )
    _edit(
        policy,
        "modules/metric_tables/main.tf",
        r"(point_in_time_recovery \{\s*enabled\s*=\s*)[^\n]+",
        r"\1false",
    )
    found["checkov"] = pool.submit(scanners.checkov_hcl, policy / "modules")

    # 7-11 in one copy and one targeted prod plan (the breaks touch different attributes, and each
    # test looks only for its own): 7, 8 are prod plan breaks the inventory must catch; 9-11 are
    # AWS rules moto does not enforce.
    rules_tree = _copy(tree, base / "rules")
    _edit(rules_tree, "terraform/prod/terraform.tfvars", r"(deletion_protection\s*=\s*)true", r"\1false")
    _edit(rules_tree, "modules/cinema_platform/main.tf", r'^\s*ManagedBy\s*=\s*"terraform"\n', "")
    _edit(
        rules_tree,
        "modules/data_bucket/main.tf",
        r'"logs\.\$\{local\.region\}\.amazonaws\.com"',
        '"logs.amazonaws.com"',
    )
    _edit(
        rules_tree,
        "modules/glue_job/main.tf",
        r'^(\s*)"--custom-logGroup-prefix"(\s*)= local.log_group_prefix\n',
        r'\1"--enable-continuous-cloudwatch-log" = "true"\n'
        r'\1"--continuous-log-logGroup" = local.log_group_prefix\n',
    )
    _edit(
        rules_tree,
        "modules/pos_events/main.tf",
        r'"s3:ObjectCreated:\*", "s3:ObjectRemoved:\*"',
        '"s3:ObjectCreated:*"',
    )
    _edit(rules_tree, "modules/glue_job/main.tf", r'"--keys_table" = var', '"--keys-table" = var')
    _edit(
        rules_tree,
        "modules/quicksight/main.tf",
        r'"s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"',
        '"s3:AbortMultipartUpload", "s3:GetObject"',
    )
    _edit(  # the role may list the whole bucket again
        rules_tree,
        "modules/quicksight/main.tf",
        r'(sid\s*=\s*"ListOwnPrefixes"\n(?:.*\n)*?)    condition \{\n(?:.*\n)*?    \}\n',
        r"\1",
    )
    _edit(
        rules_tree,
        "modules/metric_tables/main.tf",
        r'(resource "aws_dynamodb_table" "accepted_keys" \{\n(?:.*\n)*?)'
        r"  lifecycle \{\n    prevent_destroy = true\n  \}\n",
        r"\1",
    )
    _edit(
        rules_tree,
        "modules/athena/main.tf",
        r"(resource \"aws_glue_catalog_table\" \"view\" \{\n  for_each = )local\.views",
        r'\1{ for k, v in local.views : k => v if k != "v_chain_daily" }',
    )

    def plan_rules() -> StackRun:
        tf = _adopt_init(prod, prod_init, rules_tree, base / "data-rules", env)
        run = StackRun(prod, Result(True, "init adopted"))
        run.plan, run.plan_json = tf.plan(
            targets=[
                f"module.platform.module.{m}"
                for m in ("data_bucket", "glue_job", "pos_events", "metric_tables", "athena", "quicksight")
            ]
        )
        return run

    found["rules"] = pool.submit(plan_rules)

    def destroy_rules() -> Result:
        # after plan_rules, whose data dir it reuses: the destroy plan of the copy (one
        # prevent_destroy fewer) against the buckets, keys and tables the real prod plan creates
        # (the real check's state holds every resource; these are the ones it judges)
        run = prod_plan.result()
        assert run.plan_json is not None, "terraform/prod has no plan (see test_tf_plans.py)"
        tf = Terraform(rules_tree, prod, base / "data-rules", env)
        return tf.plan_destroy(state_from_plan(run.plan_json, aws_rules.PROTECTED_TYPES))

    found["destroy_rules"] = after(pool, [prod_plan, found["rules"]], destroy_rules)

    # 12: the job and crawler's subnet loses its route to S3: the plan must stop.
    route_tree = _copy(tree, base / "route")
    _edit(
        route_tree,
        "terraform/prod/terraform.tfvars",
        r"gateway_endpoints\s*=\s*\{ s3 = true",
        "gateway_endpoints = { s3 = false",
    )
    _edit(
        route_tree, "terraform/prod/terraform.tfvars", r"egress_via_nat\s*=\s*true", "egress_via_nat = false"
    )
    # the other APIs get their endpoints, so the S3 route is the only thing missing
    _edit(
        route_tree,
        "terraform/prod/terraform.tfvars",
        r"interface_endpoints\s*=\s*\[\]",
        'interface_endpoints = ["glue", "logs", "monitoring", "secretsmanager", "sqs"]',
    )

    def plan_route() -> StackRun:
        tf = _adopt_init(prod, prod_init, route_tree, base / "data-route", env)
        run = StackRun(prod, Result(True, "init adopted"))
        run.plan, run.plan_json = tf.plan(
            targets=[
                "module.platform.module.glue_catalog.aws_glue_connection.mysql",
                "module.platform.module.network",
            ]
        )
        return run

    found["route"] = pool.submit(plan_route)

    # 13: no NAT and no interface endpoints: the composition's network validation stops the plan.
    api_tree = _copy(tree, base / "api")
    _edit(api_tree, "terraform/prod/terraform.tfvars", r"egress_via_nat\s*=\s*true", "egress_via_nat = false")

    def plan_api() -> Result:
        tf = _adopt_init(prod, prod_init, api_tree, base / "data-api", env)
        # the network module reads var.network, so its validation is in the targeted graph
        return tf.plan(targets=["module.platform.module.network"])[0]

    found["api"] = pool.submit(plan_api)
    return found
