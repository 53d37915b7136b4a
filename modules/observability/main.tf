# Audit and operations for the cinema metrics platform:
#  - a CloudTrail trail (management events + data events of the data bucket and of every metric
#    table in dynamodb_table_arns), log file validation on, delivered KMS-encrypted to a dedicated
#    audit bucket;
#  - the operator's alarms (job failed, job stale, DynamoDB throttled writes, Athena queries
#    cancelled by the bytes-scanned cutoff, POS events in the dead-letter queue or waiting too
#    long) to the platform's SNS topic;
#  - a CloudWatch dashboard of job runs.
#
# Why a dedicated audit bucket rather than the data bucket's logs/ prefix: (1) the trail records
# object-level events of the data bucket, so delivering its files there would record its own
# deliveries (AWS warns of this log loop); (2) the Glue and connector roles may write to the
# data bucket, while nobody but CloudTrail may write the audit trail (separation of duties);
# (3) the trail's key and bucket policies stay here instead of being spliced into another
# module's policies.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"

  trail_enabled = var.cloudtrail.enabled
  trail_name    = "${var.name_prefix}-audit"
  # Built from the name (not the resource) so the bucket and key policies can name the trail
  # before it exists: CloudTrail checks both when the trail is created.
  trail_arn         = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
  audit_bucket_name = "${var.name_prefix}-audit-${local.account_id}"
  trail_prefix      = "cloudtrail"

  table_names = { for k, arn in var.dynamodb_table_arns : k => element(split("/", arn), 1) }
}

# ------------------------------------------------------------------------------ audit key
data "aws_iam_policy_document" "audit_key" {
  #checkov:skip=CKV_AWS_109:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  #checkov:skip=CKV_AWS_111:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  #checkov:skip=CKV_AWS_356:key policy: resources = ["*"] means this key; principals are this account and named AWS services
  count = local.trail_enabled ? 1 : 0

  statement {
    sid = "KeyAdministration"
    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
    actions = [
      "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias", "kms:DescribeKey",
      "kms:DisableKey", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
      "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy",
      "kms:RetireGrant", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
      "kms:UpdateAlias", "kms:UpdateKeyDescription",
    ]
    resources = ["*"] # in a key policy "*" means this key
  }

  statement {
    sid = "CloudTrailEncryptsThisTrail"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["kms:GenerateDataKey"]
    resources = ["*"] # this key
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
    }
  }

  statement {
    sid = "CloudTrailDescribesKey"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["kms:DescribeKey"]
    resources = ["*"] # this key
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  # Auditors of this account (whom IAM allows) decrypt the log files; nobody else.
  statement {
    sid = "AccountAuditorsDecryptLogs"
    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
    actions   = ["kms:Decrypt", "kms:ReEncryptFrom"]
    resources = ["*"] # this key
    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
    }
  }
}

# prevent_destroy takes no variable, so the audit key and bucket are declared twice: protected
# (the default: a destroy or a replacement fails with "Instance cannot be destroyed") and an
# unprotected twin for throwaway environments (var.prevent_destroy = false). A bucket's own
# configuration resources name both twins in `bucket` (see modules/data_bucket: scanners follow it).
resource "aws_kms_key" "audit" {
  count = local.trail_enabled && var.prevent_destroy ? 1 : 0

  description             = "${var.name_prefix} CloudTrail audit logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.audit_key[0].json
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-audit" })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_key" "audit_unprotected" {
  count = local.trail_enabled && !var.prevent_destroy ? 1 : 0

  description             = "${var.name_prefix} CloudTrail audit logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.audit_key[0].json
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-audit" })
}

locals {
  # null when the trail is off
  audit_key    = one(concat(aws_kms_key.audit, aws_kms_key.audit_unprotected))
  audit_bucket = one(concat(aws_s3_bucket.audit, aws_s3_bucket.audit_unprotected))
}

resource "aws_kms_alias" "audit" {
  count = local.trail_enabled ? 1 : 0

  name          = "alias/${var.name_prefix}-audit"
  target_key_id = local.audit_key.key_id
}

# ------------------------------------------------------------------------------ audit bucket
resource "aws_s3_bucket" "audit" {
  #checkov:skip=CKV2_AWS_62:nothing consumes audit-bucket events; CloudTrail only writes there
  #checkov:skip=CKV_AWS_144:the trail is multi-region already; a replica of the audit log adds cost, not coverage
  #checkov:skip=CKV_AWS_18:access logging of the audit bucket would log CloudTrail's own writes; reads are in the trail's data events
  count = local.trail_enabled && var.prevent_destroy ? 1 : 0

  bucket        = local.audit_bucket_name
  force_destroy = var.cloudtrail.force_destroy
  tags          = merge(var.tags, { Name = local.audit_bucket_name })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket" "audit_unprotected" {
  #checkov:skip=CKV2_AWS_62:nothing consumes audit-bucket events; CloudTrail only writes there
  #checkov:skip=CKV_AWS_144:the trail is multi-region already; a replica of the audit log adds cost, not coverage
  #checkov:skip=CKV_AWS_18:access logging of the audit bucket would log CloudTrail's own writes; reads are in the trail's data events
  count = local.trail_enabled && !var.prevent_destroy ? 1 : 0

  bucket        = local.audit_bucket_name
  force_destroy = var.cloudtrail.force_destroy
  tags          = merge(var.tags, { Name = local.audit_bucket_name })
}

resource "aws_s3_bucket_ownership_controls" "audit" {
  count  = local.trail_enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.audit, aws_s3_bucket.audit_unprotected)).id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "audit" {
  count                   = local.trail_enabled ? 1 : 0
  bucket                  = one(concat(aws_s3_bucket.audit, aws_s3_bucket.audit_unprotected)).id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "audit" {
  count  = local.trail_enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.audit, aws_s3_bucket.audit_unprotected)).id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "audit" {
  count  = local.trail_enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.audit, aws_s3_bucket.audit_unprotected)).id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.audit_key.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "audit" {
  count  = local.trail_enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.audit, aws_s3_bucket.audit_unprotected)).id
  rule {
    id     = "expire-audit-logs"
    status = "Enabled"
    filter {
      prefix = "${local.trail_prefix}/"
    }
    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }
    expiration {
      days = var.cloudtrail.retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }

  # Whole bucket: parts of an upload that never completed are billed until removed.
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.audit]
}

data "aws_iam_policy_document" "audit_bucket" {
  count = local.trail_enabled ? 1 : 0

  statement {
    sid    = "DenyInsecureTransport"
    effect = "Deny"
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    actions   = ["s3:*"]
    resources = [local.audit_bucket.arn, "${local.audit_bucket.arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid = "CloudTrailAclCheck"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["s3:GetBucketAcl"]
    resources = [local.audit_bucket.arn]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid = "CloudTrailWritesThisTrailOnly"
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    actions   = ["s3:PutObject"]
    resources = ["${local.audit_bucket.arn}/${local.trail_prefix}/AWSLogs/${local.account_id}/*"]
    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-acl"
      values   = ["bucket-owner-full-control"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }
}

resource "aws_s3_bucket_policy" "audit" {
  count  = local.trail_enabled ? 1 : 0
  bucket = one(concat(aws_s3_bucket.audit, aws_s3_bucket.audit_unprotected)).id
  policy = data.aws_iam_policy_document.audit_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.audit]
}

# ------------------------------------------------------------------------------ trail
resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV2_AWS_10:the trail goes to the KMS-encrypted, versioned audit bucket; a CloudWatch Logs copy would double the ingest cost
  #checkov:skip=CKV_AWS_252:no one subscribes to per-file delivery notices; operator alarms go through the project's SNS topic
  count = local.trail_enabled ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = local.audit_bucket.id
  s3_key_prefix                 = local.trail_prefix
  kms_key_id                    = local.audit_key.arn
  enable_log_file_validation    = true
  include_global_service_events = true
  is_multi_region_trail         = var.cloudtrail.multi_region
  enable_logging                = true

  advanced_event_selector {
    name = "Management events"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }

  advanced_event_selector {
    name = "Data bucket object-level events"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
    field_selector {
      field       = "resources.ARN"
      starts_with = ["${var.data_bucket_arn}/"]
    }
    dynamic "field_selector" {
      for_each = var.cloudtrail.log_data_event_reads ? [] : [1]
      content {
        field  = "readOnly"
        equals = ["false"]
      }
    }
  }

  advanced_event_selector {
    name = "Metric table item-level events"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::DynamoDB::Table"]
    }
    field_selector {
      field  = "resources.ARN"
      equals = sort(values(var.dynamodb_table_arns))
    }
    dynamic "field_selector" {
      for_each = var.cloudtrail.log_data_event_reads ? [] : [1]
      content {
        field  = "readOnly"
        equals = ["false"]
      }
    }
  }

  tags = merge(var.tags, { Name = local.trail_name })

  depends_on = [aws_s3_bucket_policy.audit, aws_s3_bucket_server_side_encryption_configuration.audit]
}

# ------------------------------------------------------------------------------ alarms
locals {
  glue_job_dims = { JobName = var.glue_job_name, JobRunId = "ALL", Type = "count" }
  # Glue observability metrics (--enable-observability-metrics) carry one more dimension.
  glue_obs_dims = merge(local.glue_job_dims, { ObservabilityGroup = "error" })
}

# The job's failures also reach the topic as EventBridge events from the glue_job module (with
# the error message); this alarm adds the state an operator sees on the dashboard and an OK
# notification once a run succeeds again.
resource "aws_cloudwatch_metric_alarm" "job_failed" {
  count = var.alarms.enabled ? 1 : 0

  alarm_name          = "${var.glue_job_name}-run-failed"
  alarm_description   = "A run of the Glue job ${var.glue_job_name} failed in the last hour (Glue observability metric glue.error.ALL). Runbook: SECURITY.md, replay a window."
  namespace           = "Glue"
  metric_name         = "glue.error.ALL"
  dimensions          = local.glue_obs_dims
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.sns_topic_arn]
  ok_actions          = [var.sns_topic_arn]
  tags                = var.tags
}

# A silent scheduler is worse than a failed run: no metric from the job for N hours means no
# run started (trigger disabled, quota, IAM). Missing data counts as breaching on purpose.
resource "aws_cloudwatch_metric_alarm" "job_stale" {
  count = var.alarms.enabled ? 1 : 0

  alarm_name          = "${var.glue_job_name}-not-run-${var.alarms.job_stale_hours}h"
  alarm_description   = "The Glue job ${var.glue_job_name} reported no run for ${var.alarms.job_stale_hours} hours (schedule: every 2 h). Check the trigger and the last run."
  namespace           = "Glue"
  metric_name         = "glue.driver.aggregate.elapsedTime"
  dimensions          = local.glue_job_dims
  statistic           = "SampleCount"
  period              = var.alarms.job_stale_hours * 3600
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = [var.sns_topic_arn]
  ok_actions          = [var.sns_topic_arn]
  tags                = var.tags
}

# One alarm over all metric tables (metric math) rather than one per table. A metric-math alarm
# reads at most 10 metrics (a CloudWatch hard limit), so the tables are watched in groups of 10:
# one alarm up to 10 metric tables, one more for each further 10 (named -2, -3, ...).
locals {
  throttle_groups = chunklist(sort(keys(local.table_names)), 10)
}

resource "aws_cloudwatch_metric_alarm" "dynamodb_write_throttles" {
  count = var.alarms.enabled ? length(local.throttle_groups) : 0

  alarm_name          = "${var.name_prefix}-metric-tables-write-throttles${count.index == 0 ? "" : "-${count.index + 1}"}"
  alarm_description   = "Writes to the metric tables${length(local.throttle_groups) > 1 ? " ${join(", ", local.throttle_groups[count.index])}" : ""} were throttled (on-demand burst limit or account quota); the job retries, but a rising count delays the tables."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarms.dynamodb_throttle_threshold
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.sns_topic_arn]
  ok_actions          = [var.sns_topic_arn]

  metric_query {
    id          = "total"
    expression  = "SUM(METRICS())"
    label       = length(local.throttle_groups) > 1 ? "Throttled writes, metric tables group ${count.index + 1}" : "Throttled writes, all metric tables"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { for k in local.throttle_groups[count.index] : k => local.table_names[k] }
    content {
      id          = "t_${metric_query.key}"
      return_data = false # only the sum is the alarm's series
      metric {
        namespace   = "AWS/DynamoDB"
        metric_name = "WriteThrottleEvents"
        dimensions  = { TableName = metric_query.value }
        stat        = "Sum"
        period      = 300
      }
    }
  }

  tags = var.tags
}

# The workgroup cancels a query that would scan more than its cutoff. Athena publishes per-query
# metrics by QueryState; cutoff hits show up as CANCELED (or FAILED, by engine), so both count.
resource "aws_cloudwatch_metric_alarm" "athena_cutoff" {
  count = var.alarms.enabled ? 1 : 0

  alarm_name          = "${var.athena_workgroup_name}-queries-cancelled"
  alarm_description   = "Athena queries of ${var.athena_workgroup_name} were cancelled or failed in the last hour, bytes-scanned cutoff hits included: a dashboard query may have lost its partition filter."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarms.athena_cancelled_threshold
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.sns_topic_arn]
  ok_actions          = [var.sns_topic_arn]

  metric_query {
    id          = "total"
    expression  = "SUM(METRICS())"
    label       = "Cancelled or failed queries"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = toset(["CANCELED", "FAILED"])
    content {
      id          = lower(metric_query.value)
      return_data = false
      metric {
        namespace   = "AWS/Athena"
        metric_name = "TotalExecutionTime"
        dimensions  = { WorkGroup = var.athena_workgroup_name, QueryState = metric_query.value, QueryType = "DML" }
        stat        = "SampleCount"
        period      = 3600
      }
    }
  }

  tags = var.tags
}

# The POS events queue (modules/pos_events). A message in its dead-letter queue is an object event
# the job received max_receive_count times without a run that finished: that object is not counted
# until the message is moved back (README: "Redrive the POS dead-letter queue"). SQS publishes
# these metrics every 5 minutes while a queue is active; an idle queue sends none (not breaching).
resource "aws_cloudwatch_metric_alarm" "pos_dead_letters" {
  count = var.alarms.enabled && var.pos_queue != null ? 1 : 0

  alarm_name          = "${var.pos_queue.dead_letter_queue_name}-not-empty"
  alarm_description   = "POS object events reached the dead-letter queue ${var.pos_queue.dead_letter_queue_name}: their files are not counted. Fix the job (its failed runs), then move them back: aws sqs start-message-move-task --source-arn <dead-letter queue ARN> (README: Redrive the POS dead-letter queue)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.pos_queue.dead_letter_queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.sns_topic_arn]
  ok_actions          = [var.sns_topic_arn]
  tags                = var.tags
}

# Every run drains the queue, so an event older than a few schedule slots means runs are not
# draining it (no run, failed runs, or a job without --pos_queue_url); events expire after the
# queue's retention (14 days), and then only a --reconcile run finds their files.
resource "aws_cloudwatch_metric_alarm" "pos_queue_age" {
  count = var.alarms.enabled && var.pos_queue != null ? 1 : 0

  alarm_name          = "${var.pos_queue.name}-oldest-over-${var.alarms.pos_queue_max_age_hours}h"
  alarm_description   = "The oldest POS object event in ${var.pos_queue.name} waits for more than ${var.alarms.pos_queue_max_age_hours} hours: runs are not draining the queue. Check the job's last runs (job failed / not run alarms)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = var.pos_queue.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.pos_queue_max_age_hours * 3600
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.sns_topic_arn]
  ok_actions          = [var.sns_topic_arn]
  tags                = var.tags
}

# ------------------------------------------------------------------------------ dashboard
locals {
  alarm_arns = compact(concat(
    aws_cloudwatch_metric_alarm.job_failed[*].arn,
    aws_cloudwatch_metric_alarm.job_stale[*].arn,
    aws_cloudwatch_metric_alarm.dynamodb_write_throttles[*].arn,
    aws_cloudwatch_metric_alarm.athena_cutoff[*].arn,
    aws_cloudwatch_metric_alarm.pos_dead_letters[*].arn,
    aws_cloudwatch_metric_alarm.pos_queue_age[*].arn,
  ))

  glue_dim_list = ["JobName", var.glue_job_name, "JobRunId", "ALL", "Type", "count"]

  widgets = concat(
    [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title  = "Job run duration (minutes)"
          region = local.region
          view   = "timeSeries"
          stat   = "Maximum"
          period = 3600
          metrics = [
            [{ expression = "m1/60000", label = "duration (min)", id = "e1" }],
            concat(["Glue", "glue.driver.aggregate.elapsedTime"], local.glue_dim_list, [{ id = "m1", visible = false }]),
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Job runs: succeeded and failed"
          region = local.region
          view   = "timeSeries"
          stat   = "Sum"
          period = 3600
          metrics = [
            concat(["Glue", "glue.succeed.ALL"], local.glue_dim_list, ["ObservabilityGroup", "error", { label = "succeeded" }]),
            concat(["Glue", "glue.error.ALL"], local.glue_dim_list, ["ObservabilityGroup", "error", { label = "failed", color = "#d62728" }]),
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "Quarantine ratio per run (quarantined / read POS lines)"
          region = local.region
          view   = "timeSeries"
          stat   = "Maximum"
          period = 3600
          yAxis  = { left = { min = 0, max = 1 } }
          metrics = [
            ["CinemaMetrics", "QuarantineRatio", "JobName", var.glue_job_name, { label = "quarantine ratio" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title   = "DynamoDB throttled requests by metric table"
          region  = local.region
          view    = "timeSeries"
          stat    = "Sum"
          period  = 300
          stacked = true
          metrics = concat(
            [for k, n in local.table_names : ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", n, { label = "${k} writes" }]],
            [for k, n in local.table_names : ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", n, { label = "${k} reads" }]],
          )
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title  = "Athena bytes scanned per hour (${var.athena_workgroup_name})"
          region = local.region
          view   = "timeSeries"
          period = 3600
          metrics = [
            [{ expression = "SEARCH('{AWS/Athena,QueryState,QueryType,WorkGroup} WorkGroup=\"${var.athena_workgroup_name}\" MetricName=\"ProcessedBytes\"', 'Sum', 3600)", id = "e1", label = "bytes scanned" }],
          ]
        }
      },
    ],
    length(local.alarm_arns) == 0 ? [] : [
      {
        type = "alarm", x = 12, y = 12, width = 12, height = 6
        properties = {
          title  = "Operator alarms"
          alarms = local.alarm_arns
        }
      },
    ],
  )
}

resource "aws_cloudwatch_dashboard" "jobs" {
  count = var.dashboard_enabled ? 1 : 0

  dashboard_name = "${var.name_prefix}-job-runs"
  dashboard_body = jsonencode({ widgets = local.widgets })
}
