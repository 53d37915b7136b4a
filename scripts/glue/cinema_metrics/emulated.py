"""The AWS resources a run needs beside its bucket, made in an emulator (what Terraform makes on
AWS: modules/metric_tables, modules/pos_events), for the bench and the tests. One definition,
so every harness builds the same world."""

from __future__ import annotations

from typing import Any


def _table(ddb: Any, name: str, keys: list[tuple[str, str, str]]) -> None:
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": a, "KeyType": k} for a, _t, k in keys],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t, _k in keys],
        BillingMode="PAY_PER_REQUEST",
    )


def create_keys_table(ddb: Any, name: str) -> None:
    """Rule 11's accepted-keys table: transaction_id (S) + line_no (N)."""
    _table(ddb, name, [("transaction_id", "S", "HASH"), ("line_no", "N", "RANGE")])


def create_metric_table(ddb: Any, name: str) -> None:
    """A metric table: pk + sk strings (docs/contract/runs.md, storage form)."""
    _table(ddb, name, [("pk", "S", "HASH"), ("sk", "S", "RANGE")])


def create_pos_queue(s3: Any, sqs: Any, bucket: str, name: str, prefix: str = "raw/pos/") -> str:
    """An SQS queue fed by the bucket's ObjectCreated events under `prefix`; returns its URL."""
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule = {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}}
    config = {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": rule}
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [config]}
    )
    return url
