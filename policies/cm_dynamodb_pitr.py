"""CKV_CM_3: DynamoDB tables (every metric table, the accepted-keys table) have point-in-time recovery.

The metric tables are the product; PITR is the only way back from a bad job run within 35 days.
"""

from __future__ import annotations

from typing import Any

from _common import block, first
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class DynamodbPitr(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="DynamoDB tables have point-in-time recovery enabled",
            id="CKV_CM_3",
            categories=(CheckCategories.BACKUP_AND_RECOVERY,),
            supported_resources=("aws_dynamodb_table",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["point_in_time_recovery/[0]/enabled"]
        pitr = block(conf, "point_in_time_recovery")
        enabled = first(pitr.get("enabled")) if pitr else None
        self.details = [] if enabled is True else [f"point_in_time_recovery.enabled is {enabled!r}"]
        return CheckResult.PASSED if enabled is True else CheckResult.FAILED


check = DynamodbPitr()
