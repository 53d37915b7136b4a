"""CKV_CM_1: every taggable resource carries the project's common tags.

In HCL a module cannot know the tag values (the root passes them), so the check requires a `tags`
argument on every taggable resource. In a plan the provider's default_tags are merged into
`tags_all`, so there the check requires each common key (REQUIRED_TAGS) with a non-empty value.
"""

from __future__ import annotations

from typing import Any

from _common import REQUIRED_TAGS, first
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# Taggable AWS types this project uses (tests/terraform/test_policies.py fails when a plan holds a
# taggable type missing here, so the list cannot silently fall behind the modules).
TAGGABLE = (
    "aws_athena_data_catalog",
    "aws_athena_workgroup",
    "aws_cloudtrail",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_dynamodb_table",
    "aws_glue_catalog_database",
    "aws_glue_connection",
    "aws_glue_crawler",
    "aws_glue_job",
    "aws_glue_trigger",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_kms_key",
    "aws_lambda_function",
    "aws_quicksight_analysis",
    "aws_quicksight_dashboard",
    "aws_quicksight_data_set",
    "aws_quicksight_data_source",
    "aws_s3_bucket",
    "aws_s3_object",
    "aws_secretsmanager_secret",
    "aws_serverlessapplicationrepository_cloudformation_stack",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_default_security_group",
    "aws_route_table",
    "aws_security_group",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
)


class CommonTags(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=f"Taggable resources carry the common tags ({', '.join(REQUIRED_TAGS)})",
            id="CKV_CM_1",
            categories=(CheckCategories.CONVENTION,),
            supported_resources=TAGGABLE,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if "tags_all" in conf:  # a plan: default_tags are merged here
            self.evaluated_keys = ["tags_all"]
            tags = first(conf.get("tags_all")) or {}
            if not isinstance(tags, dict):
                return CheckResult.UNKNOWN
            missing = [k for k in REQUIRED_TAGS if not tags.get(k)]
            self.details = [f"tags_all lacks {', '.join(missing)}"] if missing else []
            return CheckResult.FAILED if missing else CheckResult.PASSED
        self.evaluated_keys = ["tags"]
        if "__address__" in conf and "__end_line__" not in conf:
            return CheckResult.FAILED  # a plan resource without tags_all has no tags at all
        # Presence is what a module controls: `tags = var.tags` evaluates to the variable's default
        # ({}) here, and the root's values only show in a plan.
        tagged = "tags" in conf
        self.details = [] if tagged else ["no `tags` argument (pass the module's var.tags)"]
        return CheckResult.PASSED if tagged else CheckResult.FAILED


check = CommonTags()
