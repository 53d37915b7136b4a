# The cinema metrics Glue 5.x PySpark job: code uploaded from the repository (hash-tracked),
# a least-privilege role, encrypted logs/bookmarks/outputs, a schedule, and alarms on failed
# runs and on a quarantine ratio above a threshold, sent to a KMS-encrypted SNS topic.

locals {
  # arn:<partition>:kms:<region>:<account>:key/<id>: the key names where we are.
  arn_parts  = split(":", var.kms_key_arn)
  partition  = local.arn_parts[1]
  region     = local.arn_parts[3]
  account_id = local.arn_parts[4]
  glue_arn   = "arn:${local.partition}:glue:${local.region}:${local.account_id}"
  logs_arn   = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:"

  job_name        = "${var.name_prefix}-metrics"
  role_name       = "${var.name_prefix}-glue-job"
  security_conf   = "${var.name_prefix}-glue-job"
  s3              = "s3://${var.bucket_name}/"
  script_key      = "${var.prefixes.scripts}glue/glue_job.py"
  package_key     = "${var.prefixes.scripts}glue/cinema_metrics.zip"
  listed_prefixes = distinct([var.prefixes.pos, var.prefixes.scripts, var.prefixes.tmp, var.prefixes.curated, var.prefixes.state, var.prefixes.logs])

  # Glue 5.x logs to <--custom-logGroup-prefix>/error (system, Spark, GlueLogger) and /output
  # (stdout, stderr); a CloudWatch-encrypting security configuration may add groups named after
  # the configuration and the role. All are created here so each has a retention and the key;
  # the role may create and write groups under /aws-glue/jobs/<name_prefix>-* only.
  # (--enable-continuous-cloudwatch-log / --continuous-log-logGroup are Glue <= 4.0 options.)
  log_group_prefix = "/aws-glue/jobs/${local.job_name}"
  log_groups = {
    error       = "${local.log_group_prefix}/error"
    output      = "${local.log_group_prefix}/output"
    conf_output = "/aws-glue/jobs/${local.security_conf}-role/${local.role_name}/output"
    conf_error  = "/aws-glue/jobs/${local.security_conf}-role/${local.role_name}/error"
  }
  log_group_arn_pattern = "${local.logs_arn}/aws-glue/jobs/${var.name_prefix}-*"

  default_arguments = merge(
    {
      "--job-language"   = "python"
      "--extra-py-files" = "${local.s3}${local.package_key}"
      # No bookmarks: the job keeps its own index of processed POS files (path, content hash),
      # and reads the ECR/CRM tables whole every run (docs/contract/sources.md).
      "--job-bookmark-option"          = "job-bookmark-disable"
      "--enable-metrics"               = "true"
      "--enable-observability-metrics" = "true"
      "--custom-logGroup-prefix"       = local.log_group_prefix
      "--enable-spark-ui"              = "true"
      "--spark-event-logs-path"        = "${local.s3}${var.prefixes.logs}spark-ui/${local.job_name}/"
      "--TempDir"                      = "${local.s3}${var.prefixes.tmp}glue/${local.job_name}/"
      # Read by the entry point (scripts/glue/glue_job.py, ARGUMENTS).
      "--database"              = var.database_name
      "--catalog_table_prefix"  = var.catalog_table_prefix
      "--bucket"                = var.bucket_name
      "--pos_prefix"            = var.prefixes.pos
      "--curated_prefix"        = var.prefixes.curated
      "--state_prefix"          = var.prefixes.state
      "--dynamodb_table_prefix" = var.metric_tables.table_prefix
    },
    var.pos_queue == null ? {} : { "--pos_queue_url" = var.pos_queue.url },
    var.accepted_keys_table == null ? {} : { "--keys_table" = var.accepted_keys_table.name },
    length(var.additional_python_modules) > 0 ? { "--additional-python-modules" = join(",", var.additional_python_modules) } : {},
    var.extra_arguments,
  )
}

# ------------------------------------------------------------------------------ code
# source_hash (not etag): with SSE-KMS the object ETag is not the MD5 of the content, so an
# etag would show a diff on every plan. A changed file changes the hash and re-uploads.
resource "aws_s3_object" "script" {
  bucket      = var.bucket_name
  key         = local.script_key
  source      = var.script_path
  source_hash = filemd5(var.script_path)
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

resource "aws_s3_object" "package" {
  bucket      = var.bucket_name
  key         = local.package_key
  source      = var.package_path
  source_hash = filemd5(var.package_path)
  kms_key_id  = var.kms_key_arn
  tags        = var.tags
}

# ------------------------------------------------------------------------------ role
data "aws_iam_policy_document" "assume_glue" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "job" {
  name               = local.role_name
  description        = "Glue job ${local.job_name}: read sources, write metrics to S3 and DynamoDB"
  assume_role_policy = data.aws_iam_policy_document.assume_glue.json
  tags               = var.tags
}

data "aws_iam_policy_document" "job" {
  statement {
    sid       = "ListJobPrefixes"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = flatten([for p in local.listed_prefixes : [p, "${p}*"]])
    }
  }

  statement {
    sid       = "ReadSourcesAndCode"
    actions   = ["s3:GetObject"]
    resources = ["${var.bucket_arn}/${var.prefixes.pos}*", "${var.bucket_arn}/${var.prefixes.scripts}glue/*"]
  }

  statement {
    sid     = "WriteOutputsStateAndTemp"
    actions = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    resources = distinct([
      "${var.bucket_arn}/${var.prefixes.curated}*",
      "${var.bucket_arn}/${var.prefixes.state}*",
      "${var.bucket_arn}/${var.prefixes.tmp}glue/${local.job_name}/*",
      "${var.bucket_arn}/${var.prefixes.logs}spark-ui/${local.job_name}/*",
    ])
  }

  # Every metric table (var.metric_tables.table_arns: one per table of the catalog): the job writes
  # a changed row's item and deletes the item of a row that left its table, both with BatchWriteItem
  # (PutRequest, DeleteRequest; job/dynamodb.py), which dynamodb:BatchWriteItem alone authorizes. It
  # never reads, updates or describes them.
  statement {
    sid       = "WriteAndDeleteMetricItems"
    actions   = ["dynamodb:BatchWriteItem"]
    resources = values(var.metric_tables.table_arns)
  }

  statement {
    sid       = "UseKeys"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = distinct(compact([var.kms_key_arn, var.metric_tables.kms_key_arn, try(var.pos_queue.kms_key_arn, null)]))
  }

  statement {
    sid = "ReadCatalog"
    actions = [
      "glue:BatchGetPartition", "glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable",
      "glue:GetTables",
    ]
    resources = [
      "${local.glue_arn}:catalog",
      "${local.glue_arn}:database/${var.database_name}",
      "${local.glue_arn}:table/${var.database_name}/*",
    ]
  }

  dynamic "statement" {
    for_each = var.connection_name == null ? [] : [1]
    content {
      sid       = "UseConnection"
      actions   = ["glue:GetConnection"]
      resources = ["${local.glue_arn}:catalog", "${local.glue_arn}:connection/${var.connection_name}"]
    }
  }

  dynamic "statement" {
    for_each = var.secret_arn == null ? [] : [1]
    content {
      sid       = "ReadMysqlSecret"
      actions   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
      resources = [var.secret_arn]
    }
  }

  # Glue 5.x creates its groups and streams itself when they are missing.
  statement {
    sid       = "WriteJobLogs"
    actions   = ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_group_arn_pattern, "${local.log_group_arn_pattern}:*"]
  }

  dynamic "statement" {
    for_each = var.pos_queue == null ? [] : [1]
    content {
      sid       = "ConsumePosEvents"
      actions   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      resources = [var.pos_queue.arn]
    }
  }

  dynamic "statement" {
    for_each = var.accepted_keys_table == null ? [] : [1]
    content {
      sid       = "AcceptedKeys"
      actions   = ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
      resources = [var.accepted_keys_table.arn]
    }
  }

  statement {
    sid       = "PublishJobMetrics" # PutMetricData has no resource-level permissions
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["CinemaMetrics", "Glue"]
    }
  }

  dynamic "statement" {
    for_each = var.vpc == null ? [] : [1]
    content {
      sid     = "VpcNetworkInterfaces"
      actions = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]
      resources = concat(
        ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${var.vpc.subnet_id}"],
        [for sg in var.vpc.security_group_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/${sg}"],
        ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"],
      )
    }
  }

  dynamic "statement" {
    for_each = var.vpc == null ? [] : [1]
    content {
      sid       = "VpcNetworkInterfaceTags"
      actions   = ["ec2:CreateTags", "ec2:DeleteTags"]
      resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"]
      condition {
        test     = "ForAllValues:StringEquals"
        variable = "aws:TagKeys"
        values   = ["aws-glue-service-resource"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.vpc == null ? [] : [1]
    content {
      sid = "VpcDescribe" # EC2 Describe* calls have no resource-level permissions
      actions = [
        "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets", "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs",
      ]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.vpc == null ? [] : [1]
    content {
      sid       = "VpcAttributes" # DescribeVpcAttribute takes a VPC resource: this account's VPCs
      actions   = ["ec2:DescribeVpcAttribute"]
      resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc/*"]
    }
  }
}

resource "aws_iam_role_policy" "job" {
  name   = local.role_name
  role   = aws_iam_role.job.id
  policy = data.aws_iam_policy_document.job.json
}

# ------------------------------------------------------------------------------ encryption + logs
resource "aws_glue_security_configuration" "job" {
  name = local.security_conf

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = var.kms_key_arn
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = var.kms_key_arn
    }
    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }
  }
}

resource "aws_cloudwatch_log_group" "job" {
  #checkov:skip=CKV_AWS_338:operational job logs, retention set per environment (job_log_retention_days) to bound cost; the audit trail is CloudTrail's
  for_each = local.log_groups

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

# ------------------------------------------------------------------------------ job + schedule
resource "aws_glue_job" "this" {
  name                   = local.job_name
  description            = "Cinema metrics: ECR/CRM + POS -> ${length(var.metric_tables.table_arns)} metric tables (DynamoDB + curated Parquet)"
  role_arn               = aws_iam_role.job.arn
  glue_version           = var.glue_version
  worker_type            = var.job.worker_type
  number_of_workers      = var.job.number_of_workers
  execution_class        = var.job.execution_class
  timeout                = var.job.timeout_minutes
  max_retries            = var.job.max_retries
  security_configuration = aws_glue_security_configuration.job.name
  connections            = var.connection_name == null ? null : [var.connection_name]
  default_arguments      = local.default_arguments

  command {
    name            = "glueetl"
    script_location = "${local.s3}${aws_s3_object.script.key}"
    python_version  = "3"
  }

  # One run at a time: the job's run state (processed POS files) is not safe to share.
  execution_property {
    max_concurrent_runs = 1
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.job, aws_cloudwatch_log_group.job, aws_s3_object.package]

  lifecycle {
    # Glue refuses a job with a JDBC connection in a subnet without an S3 gateway endpoint or
    # NAT ("Could not find S3 endpoint or NAT gateway for subnetId"): fail the plan instead.
    precondition {
      condition     = var.vpc == null || try(var.vpc.s3_route, null) != null
      error_message = "The job runs in subnet ${try(var.vpc.subnet_id, "?")} with no route to S3 (vpc.s3_route is null): add the S3 gateway endpoint (modules/network) or declare the subnet's NAT."
    }
  }
}

resource "aws_glue_trigger" "schedule" {
  count = var.job.schedule_enabled ? 1 : 0

  name              = "${local.job_name}-schedule"
  description       = "Runs ${local.job_name} on ${var.job.schedule}"
  type              = "SCHEDULED"
  schedule          = var.job.schedule
  start_on_creation = var.job.start_on_creation

  actions {
    job_name = aws_glue_job.this.name
  }

  tags = var.tags
}

# Weekly reconcile: a run that lists the whole POS prefix (key, ETag, size) instead of trusting
# the queue alone, so an object whose event was lost (expired, moved to the dead-letter queue and
# never redriven, or never sent) is read within a week (scripts/glue/glue_job.py: reconcile).
resource "aws_glue_trigger" "reconcile" {
  count = var.job.reconcile_enabled ? 1 : 0

  name              = "${local.job_name}-reconcile"
  description       = "Runs ${local.job_name} with --reconcile true on ${var.job.reconcile_schedule}: lists raw/pos/ to catch objects whose event was lost"
  type              = "SCHEDULED"
  schedule          = var.job.reconcile_schedule
  start_on_creation = var.job.start_on_creation

  actions {
    job_name  = aws_glue_job.this.name
    arguments = { "--reconcile" = "true" }
  }

  tags = var.tags
}

# First run: the job reads the crawled ECR/CRM tables, which exist only after the JDBC crawler
# has run once. This trigger starts the job when that crawler succeeds (the first crawl after
# the secret's value is set, then each scheduled crawl), so a fresh environment works without
# waiting for a schedule slot and without failing runs before the first crawl.
resource "aws_glue_trigger" "after_crawl" {
  count = var.start_after_crawler == null ? 0 : 1

  name              = "${local.job_name}-after-crawl"
  description       = "Runs ${local.job_name} when crawler ${var.start_after_crawler} succeeds"
  type              = "CONDITIONAL"
  start_on_creation = true

  predicate {
    conditions {
      crawler_name = var.start_after_crawler
      crawl_state  = "SUCCEEDED"
    }
  }

  actions {
    job_name = aws_glue_job.this.name
  }

  tags = var.tags
}

# ------------------------------------------------------------------------------ alarms
resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alarms" {
  statement {
    sid     = "AlarmPublishersOfThisAccount"
    actions = ["sns:Publish"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
    resources = [aws_sns_topic.alarms.arn]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarms.email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarms.email
}

# A failed, timed-out or errored run is an event, not a metric threshold: EventBridge
# delivers it to the topic within seconds, with the run id and error message.
resource "aws_cloudwatch_event_rule" "job_failed" {
  name        = "${local.job_name}-failed"
  description = "Glue job ${local.job_name} run FAILED, TIMEOUT or ERROR"
  event_pattern = jsonencode({
    source        = ["aws.glue"]
    "detail-type" = ["Glue Job State Change"]
    detail = {
      jobName = [aws_glue_job.this.name]
      state   = ["FAILED", "TIMEOUT", "ERROR"]
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "job_failed" {
  rule      = aws_cloudwatch_event_rule.job_failed.name
  target_id = "sns"
  arn       = aws_sns_topic.alarms.arn
}

# The job publishes CinemaMetrics/QuarantineRatio (lines quarantined / lines read) with
# dimension JobName after every run.
resource "aws_cloudwatch_metric_alarm" "quarantine_ratio" {
  alarm_name          = "${local.job_name}-quarantine-ratio"
  alarm_description   = "More than ${var.alarms.quarantine_ratio_threshold * 100} % of the POS lines of a ${local.job_name} run were quarantined"
  namespace           = "CinemaMetrics"
  metric_name         = "QuarantineRatio"
  dimensions          = { JobName = aws_glue_job.this.name }
  statistic           = "Maximum"
  period              = var.alarms.quarantine_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.quarantine_ratio_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}
