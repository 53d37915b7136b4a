"""Rules AWS enforces at apply or run time that moto does not, checked on a plan summary.

Each rule returns one readable line per violation (empty = the plan obeys it). The rules read
planned values only, so they run on every root's plan and on the mutated copies of
test_mutations.py, which prove each rule catches the break it is written for.

  rule                           what AWS does otherwise
  regional_service_principals    CloudWatch Logs calls KMS as logs.<region>.amazonaws.com: a key
                                 policy naming logs.amazonaws.com makes the encrypted log groups
                                 fail to create (AccessDeniedException)
  glue5_arguments                Glue 5.x ignores the Glue <= 4.0 continuous-logging arguments
                                 (logs then land in groups nobody created, retained forever)
  pos_events_wiring              S3 rejects a notification to a queue it may not send to; the job
                                 needs --pos_queue_url, --keys_table and the IAM to use both
  subnet_route_to_s3             Glue refuses a job in a subnet with no S3 endpoint or NAT
  subnet_reaches_apis            without a NAT, the job hangs on every API call (Glue, Secrets
                                 Manager, CloudWatch, SQS) that no interface endpoint carries
  quicksight_role_reads          QuickSight's queries fail without Athena, Glue, S3 and KMS rights;
                                 with s3:ListBucket and no s3:prefix condition it lists every key
  table_formats_and_projection   Athena fails a query (HIVE_UNSUPPORTED_FORMAT, or a projection
                                 error) on a table whose SerDe and input/output formats disagree
                                 (a JSON SerDe reads text files, Parquet its own format), or whose
                                 partition projection misses a partition column's type, a date's
                                 format or range, a range value in that format, or the column in
                                 storage.location.template; Glue stores any of these unchecked
  destroy_protection             (on a destroy plan) `terraform destroy` deletes a bucket, key or
                                 table, and with it the data, unless prevent_destroy refuses it
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from catalog_counts import quality_tables
from tfharness import Result, Summary

from cinema_metrics.cost.model import no_nat_endpoints

# Services that use a regional principal in key and resource policies (AWS docs: CloudWatch
# Logs encrypt-log-data-kms; the global form is refused).
REGIONAL_SERVICES = ("logs",)
GLUE4_ONLY_ARGUMENTS = (
    "--enable-continuous-cloudwatch-log",
    "--continuous-log-logGroup",
    "--continuous-log-logStreamPrefix",
    "--continuous-log-conversionPattern",
    "--enable-continuous-log-filter",
)


def _of_type(summary: Summary, rtype: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for address, values in summary.values.items():
        if summary.types[address] == rtype:
            yield address, values


def _statements(policy: Any) -> list[dict[str, Any]]:
    if not isinstance(policy, str) or not policy:
        return []
    doc = json.loads(policy)
    statements = doc.get("Statement", [])
    return [statements] if isinstance(statements, dict) else statements


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _service_principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal") or {}
    return [str(p) for p in _as_list(principal.get("Service") if isinstance(principal, dict) else None)]


def regional_service_principals(summary: Summary, region: str) -> list[str]:
    """Every KMS key policy names the regional principal of the services in REGIONAL_SERVICES."""
    problems = []
    for address, values in _of_type(summary, "aws_kms_key"):
        if not values.get("policy"):
            problems.append(f"{address}: key policy unknown at plan time (cannot check its principals)")
        for statement in _statements(values.get("policy")):
            for principal in _service_principals(statement):
                for service in REGIONAL_SERVICES:
                    wanted = f"{service}.{region}.amazonaws.com"
                    if principal.startswith(f"{service}.") and principal != wanted:
                        problems.append(
                            f"{address}: statement {statement.get('Sid', '?')} grants {principal!r}; "
                            f"{service} uses the regional principal {wanted!r}"
                        )
    return problems


def glue5_arguments(summary: Summary) -> list[str]:
    problems = []
    for address, values in _of_type(summary, "aws_glue_job"):
        version = str(values.get("glue_version") or "")
        if not version.startswith("5."):
            problems.append(f"{address}: glue_version {version!r}, expected 5.x")
            continue
        arguments = values.get("default_arguments") or {}
        for name in GLUE4_ONLY_ARGUMENTS:
            if name in arguments:
                problems.append(f"{address}: {name} is a Glue <= 4.0 argument; Glue {version} ignores it")
        if "--custom-logGroup-prefix" not in arguments:
            problems.append(f"{address}: no --custom-logGroup-prefix (the job's log groups are not ours)")
    return problems


def _known_or_pending(summary: Summary, address: str, attribute: str) -> bool:
    """Set in the plan, or computed at apply (after_unknown)."""
    return bool(summary.values[address].get(attribute)) or bool(
        summary.unknown.get(address, {}).get(attribute)
    )


def pos_events_wiring(summary: Summary) -> list[str]:
    """The POS queue as far as a plan knows it: S3 events of raw/pos/ go to an encrypted queue
    with a dead-letter queue, the accepted-keys table has its key schema, and the job gets both
    as arguments. (The IAM statements carry ARNs known only after apply: test_apply_local.py
    checks them on the applied stack.)"""
    problems = []
    notifications = list(_of_type(summary, "aws_s3_bucket_notification"))
    if not notifications:
        return ["no aws_s3_bucket_notification: the POS prefix sends no events"]
    for address, values in notifications:
        queues = values.get("queue") or []
        events = {e for q in queues for e in q.get("events") or []}
        if not {"s3:ObjectCreated:*", "s3:ObjectRemoved:*"} <= events:
            problems.append(f"{address}: queues {sorted(events)}, not ObjectCreated:* + ObjectRemoved:*")
        if not any((q.get("filter_prefix") or "").endswith("raw/pos/") for q in queues):
            problems.append(f"{address}: no queue filtered on the raw/pos/ prefix")
    queues = {values.get("name"): address for address, values in _of_type(summary, "aws_sqs_queue")}
    for name, address in queues.items():
        if not _known_or_pending(summary, address, "kms_master_key_id"):
            problems.append(f"queue {name}: no KMS key (kms_master_key_id)")
    main = [a for n, a in queues.items() if n and not n.endswith("-dlq")]
    if len(main) != 1 or len(queues) != 2:
        problems.append(f"expected the POS queue and its -dlq, plan has {sorted(map(str, queues))}")
    elif not _known_or_pending(summary, main[0], "redrive_policy") and not list(
        _of_type(summary, "aws_sqs_queue_redrive_policy")
    ):
        problems.append("the POS queue has no redrive policy (dead-letter queue)")
    if not list(_of_type(summary, "aws_sqs_queue_policy")):
        problems.append("no aws_sqs_queue_policy: S3 may not send to the queue")
    tables = [
        v for _, v in _of_type(summary, "aws_dynamodb_table") if str(v.get("name")).endswith("-accepted-keys")
    ]
    if len(tables) != 1:
        problems.append(f"expected one <prefix>-accepted-keys table, plan has {len(tables)}")
    else:
        table = tables[0]
        attrs = {a["name"]: a["type"] for a in table.get("attribute") or []}
        if (table.get("hash_key"), table.get("range_key"), attrs) != (
            "transaction_id",
            "line_no",
            {"transaction_id": "S", "line_no": "N"},
        ):
            problems.append(
                f"accepted-keys table: keys {table.get('hash_key')}/{table.get('range_key')} {attrs}"
            )
        if table.get("billing_mode") != "PAY_PER_REQUEST":
            problems.append("accepted-keys table is not on-demand")
        if not (table.get("point_in_time_recovery") or [{}])[0].get("enabled"):
            problems.append("accepted-keys table has no point-in-time recovery")
    for address, values in _of_type(summary, "aws_glue_job"):
        arguments = values.get("default_arguments")
        if arguments is None:
            problems.append(f"{address}: default_arguments unknown at plan time (cannot check them)")
            continue
        url = str(arguments.get("--pos_queue_url") or "")
        if not url.startswith("https://sqs.") or not url.endswith("-pos-events"):
            problems.append(f"{address}: --pos_queue_url is {url!r}, not the POS queue's URL")
        if tables and arguments.get("--keys_table") != tables[0].get("name"):
            problems.append(
                f"{address}: --keys_table is {arguments.get('--keys_table')!r}, not the accepted-keys table"
            )
    return problems


def iam_statements(
    state_or_plan_values: dict[str, dict[str, Any]], types: dict[str, str]
) -> list[dict[str, Any]]:
    """Every statement of the role policies (applied state, where ARNs are known)."""
    return [
        statement
        for address, values in state_or_plan_values.items()
        if types[address] == "aws_iam_role_policy"
        for statement in _statements(values.get("policy"))
    ]


def job_queue_and_keys_iam(summary: Summary) -> list[str]:
    """On an applied stack: the job role may consume exactly the POS queue and use exactly the
    accepted-keys table; the queue policy lets only this bucket of this account send."""
    problems = []
    statements = iam_statements(summary.values, summary.types)
    queue_arns = {
        v.get("arn") for _, v in _of_type(summary, "aws_sqs_queue") if not str(v.get("name")).endswith("-dlq")
    }
    consume = [s for s in statements if "sqs:ReceiveMessage" in _as_list(s.get("Action"))]
    if not consume:
        problems.append("no role may sqs:ReceiveMessage on the POS queue")
    for statement in consume:
        if set(_as_list(statement.get("Resource"))) != queue_arns:
            problems.append(
                f"{statement.get('Sid')}: SQS actions on {statement.get('Resource')}, not exactly the queue"
            )
    tables = {
        v.get("arn")
        for _, v in _of_type(summary, "aws_dynamodb_table")
        if str(v.get("name")).endswith("-accepted-keys")
    }
    keys = [s for s in statements if "dynamodb:BatchGetItem" in _as_list(s.get("Action"))]
    if not keys:
        problems.append("no role may dynamodb:BatchGetItem the accepted-keys table")
    for statement in keys:
        if set(_as_list(statement.get("Resource"))) != tables:
            problems.append(
                f"{statement.get('Sid')}: key-table actions on {statement.get('Resource')}, not the table"
            )
    for _, values in _of_type(summary, "aws_sqs_queue_policy"):
        for statement in _statements(values.get("policy")):
            if "s3.amazonaws.com" in _service_principals(statement):
                keys_ = {k for test in (statement.get("Condition") or {}).values() for k in test}
                for key in ("aws:SourceArn", "aws:SourceAccount"):
                    if key not in keys_:
                        problems.append(
                            f"queue policy {statement.get('Sid')}: s3.amazonaws.com without {key}"
                        )
    return problems


def job_metric_tables_iam(summary: Summary, table_names: set[str]) -> list[str]:
    """On an applied stack: the role that writes the metric tables may dynamodb:BatchWriteItem (the
    job's puts and deletes, job/dynamodb.py) on exactly the tables named `table_names` (the
    catalog's, <prefix><table>), and no role may put, update or delete their items otherwise."""
    problems = []
    arns = {v.get("arn") for _, v in _of_type(summary, "aws_dynamodb_table") if v.get("name") in table_names}
    if len(arns) != len(table_names):
        problems.append(f"{len(arns)} of the {len(table_names)} metric tables are in the state")
    statements = iam_statements(summary.values, summary.types)
    writes = [
        s
        for s in statements
        if "dynamodb:BatchWriteItem" in _as_list(s.get("Action")) and arns & set(_as_list(s.get("Resource")))
    ]
    if not writes:
        problems.append("no role may dynamodb:BatchWriteItem the metric tables")
    for statement in writes:
        resources = set(_as_list(statement.get("Resource")))
        if resources != arns:
            missing = sorted(str(a).rsplit("/", 1)[-1] for a in arns - resources)
            problems.append(f"{statement.get('Sid')}: writes {sorted(resources)}; missing {missing}")
    for statement in statements:
        other = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} & set(
            _as_list(statement.get("Action"))
        )
        if other and arns & set(_as_list(statement.get("Resource"))):
            problems.append(f"{statement.get('Sid')}: {sorted(other)} on metric tables (the job batches)")
    return problems


def _placed_connections(summary: Summary) -> list[str]:
    """Glue connections placed in a subnet: their crawler and job run there. A subnet this plan
    creates is known only after apply: then the whole block is unknown (planned value null)."""
    return [
        address
        for address, values in _of_type(summary, "aws_glue_connection")
        if any(p.get("subnet_id") for p in values.get("physical_connection_requirements") or [])
        or summary.unknown.get(address, {}).get("physical_connection_requirements")
    ]


def _nat_egress(summary: Summary) -> bool:
    """The plan declares the subnet's NAT: the Glue security group may reach HTTPS anywhere."""
    return any(
        v.get("cidr_ipv4") == "0.0.0.0/0" and v.get("from_port") == 443
        for _, v in _of_type(summary, "aws_vpc_security_group_egress_rule")
    )


def subnet_route_to_s3(summary: Summary) -> list[str]:
    """A JDBC connection placed in a subnet (so its crawler and job run there) has an S3 gateway
    endpoint on a route table, or the plan declares the subnet's NAT (egress rule to 0.0.0.0/0
    on 443). Glue otherwise refuses the run: "Could not find S3 endpoint or NAT gateway"."""
    problems = []
    placed = _placed_connections(summary)
    if not placed:
        return []
    on_route_table = [  # route tables this plan creates are known only after apply
        address
        for address, v in _of_type(summary, "aws_vpc_endpoint")
        if v.get("vpc_endpoint_type") == "Gateway"
        and str(v.get("service_name", "")).endswith(".s3")
        and (v.get("route_table_ids") or summary.unknown.get(address, {}).get("route_table_ids"))
    ]
    if not on_route_table and not _nat_egress(summary):
        problems.append(
            f"{', '.join(placed)}: in a subnet with no S3 gateway endpoint on a route table and no NAT"
        )
    return problems


def subnet_reaches_apis(summary: Summary) -> list[str]:
    """A JDBC connection placed in a subnet with no NAT (no egress rule to 0.0.0.0/0 on 443) has an
    interface endpoint with private DNS for every other API its job and crawler call
    (cost.model.no_nat_endpoints: the Glue API, Secrets Manager, metrics, logs, SQS; KMS with the
    catalog encrypted). Without one the job hangs on that call at run time (AWS: a job that needs
    VPC resources and the public internet needs a NAT)."""
    placed = _placed_connections(summary)
    if not placed or _nat_egress(summary):
        return []
    encrypted = summary.counts["aws_glue_data_catalog_encryption_settings"] > 0
    reachable = {
        str(v.get("service_name", "")).rsplit(".", 1)[-1]
        for _, v in _of_type(summary, "aws_vpc_endpoint")
        if v.get("vpc_endpoint_type") == "Interface" and v.get("private_dns_enabled")
    }
    missing = [s for s in no_nat_endpoints(encrypted) if s not in reachable]
    if not missing:
        return []
    return [
        f"{', '.join(placed)}: in a subnet with no NAT and no interface endpoint (private DNS) "
        f"for {', '.join(missing)}"
    ]


def data_set_views_exist(summary: Summary) -> list[str]:
    """Every QuickSight data set reads a catalog table this configuration creates (a saved query
    creates nothing), with every input column the data set declares."""
    problems = []
    tables = {
        (v.get("database_name"), v.get("name")): v for _, v in _of_type(summary, "aws_glue_catalog_table")
    }
    for address, values in _of_type(summary, "aws_quicksight_data_set"):
        for physical in values.get("physical_table_map") or []:
            for rel in physical.get("relational_table") or []:
                key = (rel.get("schema"), rel.get("name"))
                table = tables.get(key)
                if table is None:
                    problems.append(
                        f"{address}: reads {key[0]}.{key[1]}, which no aws_glue_catalog_table creates"
                    )
                    continue
                descriptor = (table.get("storage_descriptor") or [{}])[0]
                have = {c.get("name") for c in descriptor.get("columns") or []}
                missing = sorted({c.get("name") for c in rel.get("input_columns") or []} - have)
                if missing:
                    problems.append(f"{address}: {key[1]} has no column(s) {missing}")
                if str(key[1]).startswith("v_") and table.get("table_type") != "VIRTUAL_VIEW":
                    problems.append(f"{address}: {key[1]} is not a VIRTUAL_VIEW")
    for (_, name), table in tables.items():
        if table.get("table_type") != "VIRTUAL_VIEW":
            continue
        original = str(table.get("view_original_text") or "")
        if not (original.startswith("/* Presto View: ") and original.endswith(" */")):
            problems.append(f"view {name}: view_original_text is not Athena's '/* Presto View: <base64> */'")
        if table.get("view_expanded_text") != "/* Presto View */":
            problems.append(f"view {name}: view_expanded_text is not '/* Presto View */'")
        if (table.get("parameters") or {}).get("presto_view") != "true":
            problems.append(f"view {name}: parameters.presto_view is not 'true'")
    return problems


# Athena's storage formats: the input and output formats each SerDe needs (AWS docs, "Supported
# SerDes and data formats"; the JSON SerDes read text files).
TEXT_FORMATS = (
    "org.apache.hadoop.mapred.TextInputFormat",
    "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
)
SERDE_FORMATS = {
    "org.openx.data.jsonserde.JsonSerDe": TEXT_FORMATS,
    "org.apache.hive.hcatalog.data.JsonSerDe": TEXT_FORMATS,
    "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe": (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    ),
}
# Partition projection (AWS docs, "Supported types for partition projection").
PROJECTION_TYPES = ("enum", "integer", "date", "injected")
PROJECTION_UNITS = ("YEARS", "MONTHS", "WEEKS", "DAYS", "HOURS", "MINUTES", "SECONDS", "MILLISECONDS")
_RELATIVE_DATE = re.compile(r"^NOW(\s*[+-]\s*\d+\s*(YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?)?$", re.I)


def _date_pattern(java_format: str) -> re.Pattern[str]:
    """A date written in a Java DateTimeFormatter pattern of digits and separators (yyyy-MM-dd)."""
    return re.compile(
        "^" + re.sub(r"([yMdHms])\1*", lambda m: rf"\d{{{len(m.group(0))}}}", re.escape(java_format)) + "$"
    )


def _projection_problems(name: str, keys: list[str], parameters: dict[str, str]) -> list[str]:
    problems = []
    projected = {k.split(".")[1] for k in parameters if k.startswith("projection.") and k.count(".") >= 2}
    problems += [f"{name}: projection.{c}.* names no partition column" for c in sorted(projected - set(keys))]
    for key in keys:
        kind = str(parameters.get(f"projection.{key}.type", "")).strip().lower()
        if kind not in PROJECTION_TYPES:
            problems.append(
                f"{name}: projection.{key}.type is {kind or 'missing'}; one of {', '.join(PROJECTION_TYPES)}"
            )
            continue
        if kind != "date":
            continue
        fmt, bounds = parameters.get(f"projection.{key}.format"), parameters.get(f"projection.{key}.range")
        if not fmt or not bounds:
            problems.append(f"{name}: a date projection of {key} needs projection.{key}.format and .range")
            continue
        values = [v.strip() for v in bounds.split(",")]
        wrong = [v for v in values if not (_RELATIVE_DATE.match(v) or _date_pattern(fmt).match(v))]
        if len(values) != 2 or wrong:
            problems.append(
                f"{name}: projection.{key}.range {bounds!r} is not two dates in {fmt!r} or NOW[+-N UNIT]"
            )
        unit = parameters.get(f"projection.{key}.interval.unit")
        if unit is not None and unit.strip().upper() not in PROJECTION_UNITS:
            problems.append(
                f"{name}: projection.{key}.interval.unit {unit!r}; one of {', '.join(PROJECTION_UNITS)}"
            )
    template = parameters.get("storage.location.template")
    if template is not None:
        problems += [
            f"{name}: storage.location.template has no ${{{k}}}" for k in keys if f"${{{k}}}" not in template
        ]
    return problems


def table_formats_and_projection(summary: Summary) -> list[str]:
    """Every external Glue table (views excepted): its input and output formats are those its
    SerDe reads and writes, and a partition projection Athena can compute (a type per partition
    column; a date's format, a range in it, a known interval unit; the template names each column)."""
    problems = []
    for address, values in _of_type(summary, "aws_glue_catalog_table"):
        if values.get("table_type") == "VIRTUAL_VIEW":
            continue
        name = f"{address} ({values.get('name')})"
        storage = (values.get("storage_descriptor") or [{}])[0]
        serde = (storage.get("ser_de_info") or [{}])[0].get("serialization_library")
        formats = (storage.get("input_format"), storage.get("output_format"))
        if serde not in SERDE_FORMATS:
            problems.append(f"{name}: SerDe {serde!r} is none Athena reads here ({', '.join(SERDE_FORMATS)})")
        elif formats != SERDE_FORMATS[serde]:
            problems.append(f"{name}: {serde} needs formats {SERDE_FORMATS[serde]}, the table has {formats}")
        parameters = {k: str(v) for k, v in (values.get("parameters") or {}).items()}
        if parameters.get("projection.enabled", "").strip().lower() == "true":
            keys = [str(k.get("name")) for k in values.get("partition_keys") or []]
            problems += _projection_problems(name, keys, parameters)
    return problems


QUICKSIGHT_PREFIXES = ("athena-results/", "curated/")  # modules/data_bucket prefixes it reads


def quicksight_role_reads(plan: dict[str, Any]) -> list[str]:
    """QuickSight on => a policy on its service role lets it run Athena in the workgroup, read the
    Glue tables, read and write the results prefix, read the curated prefix (the metrics and the
    data-quality folders of quality_tables.json, listed under an s3:prefix condition) and decrypt
    with the key (read from the planned policy document; ARNs known only after apply show as null)."""
    changes = plan.get("resource_changes", [])
    if not any(rc["type"] == "aws_quicksight_data_source" for rc in changes):
        return []
    roles = [rc for rc in changes if rc["type"] == "aws_iam_role_policy" and ".quicksight." in rc["address"]]
    if not roles:
        return ["QuickSight is on but no aws_iam_role_policy gives its service role access"]
    docs = [
        rc
        for rc in changes
        if rc["mode"] == "data"
        and rc["type"] == "aws_iam_policy_document"
        and ".quicksight." in rc["address"]
    ]
    statements = [s for rc in docs for s in (rc["change"].get("after") or {}).get("statement") or []]
    if not statements:
        return ["the QuickSight service-role policy document has no statements in the plan"]

    def allows(action: str, resource_part: str | None = None) -> bool:
        for s in statements:
            if action in (s.get("actions") or []):
                resources = s.get("resources") or []
                if resource_part is None or any(r is None or resource_part in str(r) for r in resources):
                    return True
        return False

    problems = []
    # Listing names keys: only under the results and curated prefixes (what the role reads).
    lists = [s for s in statements if "s3:ListBucket" in (s.get("actions") or [])]
    for s in lists:
        prefixes = [
            str(v)
            for c in s.get("condition") or []
            if c.get("variable") == "s3:prefix" and c.get("test") in ("StringEquals", "StringLike")
            for v in c.get("values") or []
        ]
        if not prefixes:
            problems.append(
                f"QuickSight service role statement {s.get('sid')} lists the whole bucket "
                "(s3:ListBucket without an s3:prefix condition)"
            )
        elif outside := sorted(v for v in prefixes if not v.startswith(QUICKSIGHT_PREFIXES)):
            problems.append(f"QuickSight service role lists outside its prefixes: {outside}")
    # The data-quality tables (quality_tables.json) read the job's records beside the metrics.
    listed = {str(v) for s in lists for c in s.get("condition") or [] for v in c.get("values") or []}
    for table, folder in ((n, t["folder"]) for n, t in quality_tables().items()):
        if not allows("s3:GetObject", f"curated/{folder}/"):
            problems.append(
                f"QuickSight service role cannot read the {table} records (s3:GetObject, curated/{folder}/*)"
            )
        if lists and f"curated/{folder}/*" not in listed:
            problems.append(
                f"QuickSight service role cannot list curated/{folder}/ (the {table} table's partitions)"
            )
    for action, part, what in (
        ("s3:ListBucket", None, "list its prefixes"),
        ("athena:StartQueryExecution", ":workgroup/", "run Athena in the workgroup"),
        ("athena:GetQueryResults", ":workgroup/", "read query results"),
        ("glue:GetTable", ":table/", "read the catalog tables"),
        ("s3:PutObject", "athena-results/", "write the results prefix"),
        ("s3:GetObject", "athena-results/", "read the results prefix"),
        ("s3:GetObject", "curated/", "read the curated Parquet"),
        ("kms:Decrypt", None, "decrypt with the data key"),
    ):
        if not allows(action, part):
            problems.append(f"QuickSight service role cannot {what} ({action} on *{part or ''}*)")
    return problems


# What holds the data: `terraform destroy` (or a replacement) of any of these loses it.
PROTECTED_TYPES = ("aws_dynamodb_table", "aws_kms_key", "aws_s3_bucket")
_REFUSED = re.compile(r"^Resource (\S+) has lifecycle\.prevent_destroy set")


def destroy_refusals(output: str) -> tuple[set[str], list[str]]:
    """From `terraform plan -destroy -json` output: the addresses refused with "Instance cannot be
    destroyed", and every other error (a destroy plan that failed for another reason)."""
    refused, others = set(), []
    for line in output.splitlines():
        try:
            diagnostic = json.loads(line).get("diagnostic") or {}
        except (ValueError, AttributeError):
            continue
        if diagnostic.get("severity") != "error":
            continue
        match = _REFUSED.match(str(diagnostic.get("detail") or ""))
        if diagnostic.get("summary") == "Instance cannot be destroyed" and match:
            refused.add(match.group(1))
        else:
            others.append(f"{diagnostic.get('summary')}: {str(diagnostic.get('detail'))[:300]}")
    return refused, others


def destroy_protection(summary: Summary, destroy: Result) -> list[str]:
    """A destroy plan of the applied stack (tfharness.state_from_plan of `summary`'s plan) fails, and
    refuses exactly the plan's buckets, KMS keys and DynamoDB tables: each is under prevent_destroy."""
    expected = {a for a, rtype in summary.types.items() if rtype in PROTECTED_TYPES}
    if not expected:
        return [f"the plan creates no {', '.join(PROTECTED_TYPES)}: nothing to check"]
    refused, others = destroy_refusals(destroy.output)
    problems = [f"the destroy plan failed for another reason: {o}" for o in others]
    if destroy.ok:
        problems.append("terraform plan -destroy succeeded: nothing stops `terraform destroy`")
    problems += [f"{a}: a destroy would delete it (no prevent_destroy)" for a in sorted(expected - refused)]
    problems += [f"{a}: refused, but not a bucket, key or table" for a in sorted(refused - expected)]
    return problems
