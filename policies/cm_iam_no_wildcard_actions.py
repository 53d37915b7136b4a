"""CKV_CM_4: IAM policies grant no wildcard actions ("*", "s3:*", "glue:Get*", NotAction).

Least privilege: every action is spelled out. Covers policy documents written with
aws_iam_policy_document (HCL) and the rendered JSON of policies and inline role policies (plan, or
jsonencode in HCL). Resource ARNs are left to the builtin checks (some actions only take "*").
"""

from __future__ import annotations

import json
from typing import Any

from _common import first
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

NAME = "IAM policies grant no wildcard actions"


def _as_list(value: Any) -> list[Any]:
    value = first(value)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def wildcard_actions(statements: list[dict[str, Any]], action_key: str, not_action_key: str) -> list[str]:
    found: list[str] = []
    for statement in statements:
        if (
            not isinstance(statement, dict)
            or first(statement.get("Effect", statement.get("effect"))) == "Deny"
        ):
            continue
        if _as_list(statement.get(not_action_key)):
            found.append(f"{not_action_key} used")
        found += [a for a in _as_list(statement.get(action_key)) if isinstance(a, str) and "*" in a]
    return found


def _document(policy: Any) -> dict[str, Any] | None:
    policy = first(policy)
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return None  # an unresolved reference (e.g. data.aws_iam_policy_document.x.json): checked there
    return policy if isinstance(policy, dict) else None


class PolicyJsonNoWildcard(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id="CKV_CM_4",
            categories=(CheckCategories.IAM,),
            supported_resources=(
                "aws_iam_policy",
                "aws_iam_role_policy",
                "aws_iam_user_policy",
                "aws_iam_group_policy",
                "aws_s3_bucket_policy",
                "aws_kms_key_policy",
                "aws_sns_topic_policy",
            ),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["policy"]
        document = _document(conf.get("policy"))
        if document is None:
            return CheckResult.UNKNOWN
        statements = document.get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]
        if self.entity_type in ("aws_s3_bucket_policy", "aws_kms_key_policy", "aws_sns_topic_policy"):
            # Resource policies: only statements that grant to principals of this account matter here;
            # "kms:*" for the account root is the documented key-policy default, so judge Allow+Action only
            # when the principal is not the account root.
            statements = [s for s in statements if "root" not in json.dumps(s.get("Principal", ""))]
        found = wildcard_actions(statements, "Action", "NotAction")
        self.details = [f"wildcard actions: {', '.join(found)}"] if found else []
        return CheckResult.FAILED if found else CheckResult.PASSED


class PolicyDocumentNoWildcard(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id="CKV_CM_4",
            categories=(CheckCategories.IAM,),
            supported_data=("aws_iam_policy_document",),
        )

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["statement"]
        statements = [s for s in conf.get("statement", []) if isinstance(s, dict)]
        principals = [json.dumps(s.get("principals", "")) for s in statements]
        statements = [s for s, p in zip(statements, principals, strict=True) if ":root" not in p]
        found = wildcard_actions(statements, "actions", "not_actions")
        self.details = [f"wildcard actions: {', '.join(found)}"] if found else []
        return CheckResult.FAILED if found else CheckResult.PASSED


resource_check = PolicyJsonNoWildcard()
data_check = PolicyDocumentNoWildcard()
