"""CKV_CM_2: data at rest is encrypted with a customer-managed KMS key.

S3 bucket default encryption (aws:kms + kms_master_key_id), DynamoDB tables (server-side encryption
enabled with kms_key_arn), Glue security configurations (S3, CloudWatch and job bookmarks all KMS
with a key) and Athena workgroup results (SSE_KMS/CSE_KMS with kms_key_arn). An AWS-owned or
AWS-managed key (no key ARN) fails. A key ARN known only after apply (plan) counts as set when the
plan marks it unknown. Glue job bookmarks may be DISABLED (crawler configurations have none).
"""

from __future__ import annotations

from typing import Any

from _common import block, first, is_set
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def _key_set(container: dict[str, Any] | None, name: str) -> bool:
    # In a plan a key created in the same apply is unknown: checkov (EVAL_TF_PLAN_AFTER_UNKNOWN=1)
    # turns it into the string "true_after_unknown", which counts as set.
    return container is not None and is_set(container.get(name))


class CustomerManagedKms(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Data at rest is encrypted with a customer-managed KMS key",
            id="CKV_CM_2",
            categories=(CheckCategories.ENCRYPTION,),
            supported_resources=(
                "aws_s3_bucket_server_side_encryption_configuration",
                "aws_dynamodb_table",
                "aws_glue_security_configuration",
                "aws_athena_workgroup",
            ),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        problems = getattr(self, f"_{self.entity_type}")(conf)
        self.details = problems
        return CheckResult.FAILED if problems else CheckResult.PASSED

    def _aws_s3_bucket_server_side_encryption_configuration(self, conf: dict[str, Any]) -> list[str]:
        self.evaluated_keys = ["rule/[0]/apply_server_side_encryption_by_default"]
        default = block(conf, "rule", "apply_server_side_encryption_by_default")
        if default is None:
            return ["no apply_server_side_encryption_by_default block"]
        problems = []
        if first(default.get("sse_algorithm")) not in ("aws:kms", "aws:kms:dsse"):
            problems.append(f"sse_algorithm is {first(default.get('sse_algorithm'))!r}, not aws:kms")
        if not _key_set(default, "kms_master_key_id"):
            problems.append("kms_master_key_id is not set (AWS-managed key)")
        return problems

    def _aws_dynamodb_table(self, conf: dict[str, Any]) -> list[str]:
        self.evaluated_keys = ["server_side_encryption"]
        sse = block(conf, "server_side_encryption")
        if sse is None or first(sse.get("enabled")) is not True:
            return ["server_side_encryption is not enabled (AWS-owned key)"]
        return [] if _key_set(sse, "kms_key_arn") else ["server_side_encryption.kms_key_arn is not set"]

    def _aws_glue_security_configuration(self, conf: dict[str, Any]) -> list[str]:
        self.evaluated_keys = ["encryption_configuration"]
        enc = block(conf, "encryption_configuration")
        if enc is None:
            return ["no encryption_configuration block"]
        wanted = {
            "s3_encryption": ("s3_encryption_mode", "SSE-KMS"),
            "cloudwatch_encryption": ("cloudwatch_encryption_mode", "SSE-KMS"),
            "job_bookmarks_encryption": ("job_bookmarks_encryption_mode", "CSE-KMS"),
        }
        problems = []
        for name, (mode_key, mode) in wanted.items():
            part = block(enc, name) or {}
            if name == "job_bookmarks_encryption" and first(part.get(mode_key)) == "DISABLED":
                continue  # crawler configurations have no bookmarks; the job's is pinned by the inventory
            if first(part.get(mode_key)) != mode or not _key_set(part, "kms_key_arn"):
                problems.append(f"{name} is not {mode} with a kms_key_arn")
        return problems

    def _aws_athena_workgroup(self, conf: dict[str, Any]) -> list[str]:
        self.evaluated_keys = ["configuration/[0]/result_configuration/[0]/encryption_configuration"]
        enc = block(conf, "configuration", "result_configuration", "encryption_configuration")
        if enc is None:
            return ["query results are not encrypted (no encryption_configuration)"]
        problems = []
        if first(enc.get("encryption_option")) not in ("SSE_KMS", "CSE_KMS"):
            problems.append(
                f"encryption_option is {first(enc.get('encryption_option'))!r}, not SSE_KMS/CSE_KMS"
            )
        if not _key_set(enc, "kms_key_arn"):
            problems.append("kms_key_arn is not set")
        return problems


check = CustomerManagedKms()
